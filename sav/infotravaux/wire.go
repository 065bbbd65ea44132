package infotravaux

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/opensav/savsdk/internal/infowire"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

// Element names of the contract's header and body entries.
const (
	elemHeader   = "InfoTravauxFTTHHeader"
	elemRequest  = "getInfoTravauxFTTHRequest"
	elemResponse = "getInfoTravauxFTTHResponse"
)

func tns(local string) xml.Name { return xml.Name{Local: infowire.Prefix + ":" + local} }

// ours reports whether name is the contract's element local, qualified or
// not (the published examples send the header unqualified).
func ours(name xml.Name, local string) bool {
	return name.Local == local && (name.Space == infowire.NS || name.Space == "")
}

// DateTimeError is an xs:dateTime value that cannot be read.
type DateTimeError struct {
	Field string // the element, e.g. "dateDebutRecherche"
	Value string
}

func (e *DateTimeError) Error() string {
	s := "infotravaux: "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + fmt.Sprintf("%q is not an xs:dateTime (want 2026-12-01T08:00:00+01:00)", e.Value)
}

// parseDateTime reads an xs:dateTime with or without fractional seconds and
// offset; a value without an offset is Paris wall-clock time. Empty is the
// zero time.
func parseDateTime(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, ticket.Paris)
	}
	// Written back in Paris time, the year must keep its four digits.
	if y := t.In(ticket.Paris).Year(); err != nil || y < 1 || y > 9999 {
		return time.Time{}, &DateTimeError{Field: field, Value: s}
	}
	return t, nil
}

// dateTime is an xs:dateTime, written in Paris time with its offset.
type dateTime struct{ time.Time }

func (d dateTime) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, nil
	}
	return []byte(soap.FormatDateTime(d.In(ticket.Paris))), nil
}

func (d *dateTime) UnmarshalText(b []byte) error {
	t, err := parseDateTime("", string(b))
	d.Time = t
	return err
}

func datePtr(t time.Time) *dateTime {
	if t.IsZero() {
		return nil
	}
	return &dateTime{t}
}

func timeOf(d *dateTime) time.Time {
	if d == nil {
		return time.Time{}
	}
	return d.Time
}

type xHeader struct {
	XMLName           xml.Name
	SupplierID        string `xml:"supplierID"`
	ServiceProviderID string `xml:"serviceProviderID"`
}

func wireHeader(h Header) *xHeader {
	return &xHeader{XMLName: tns(elemHeader), SupplierID: h.SupplierID, ServiceProviderID: h.ServiceProviderID}
}

func (x *xHeader) header() Header {
	return Header{SupplierID: strings.TrimSpace(x.SupplierID), ServiceProviderID: strings.TrimSpace(x.ServiceProviderID)}
}

type xPeriode struct {
	Debut string `xml:"dateDebutRecherche"`
	Fin   string `xml:"dateFinRecherche"`
}

type xPrestationsPm struct {
	PrestationPm []string `xml:"prestationPm"`
}

type xRequest struct {
	XMLName                          xml.Name
	ReferenceTPDERCO                 string          `xml:"referenceTPDERCO,omitempty"`
	Type                             Categorie       `xml:"type,omitempty"`
	ReferencePrestationPm            *xPrestationsPm `xml:"referencePrestationPm"`
	DateCreation                     *xPeriode       `xml:"dateCreation"`
	DateDebutTravaux                 *xPeriode       `xml:"dateDebutTravaux"`
	DateFinTravaux                   *xPeriode       `xml:"dateFinTravaux"`
	InterventionRequiseOC            Booleen         `xml:"interventionRequiseOC,omitempty"`
	Etat                             Etat            `xml:"etat,omitempty"`
	ReferencePriseImpactee           string          `xml:"referencePriseImpactee,omitempty"`
	ReferencePrestationPriseImpactee string          `xml:"referencePrestationPriseImpactee,omitempty"`
}

func wirePeriode(p *Periode) *xPeriode {
	if p == nil {
		return nil
	}
	d, _ := dateTime{p.Debut}.MarshalText()
	f, _ := dateTime{p.Fin}.MarshalText()
	return &xPeriode{Debut: string(d), Fin: string(f)}
}

func wireRequest(f *Filter) *xRequest {
	x := &xRequest{XMLName: tns(elemRequest), ReferenceTPDERCO: f.ReferenceTPDERCO, Type: f.Type,
		DateCreation: wirePeriode(f.DateCreation), DateDebutTravaux: wirePeriode(f.DateDebutTravaux),
		DateFinTravaux: wirePeriode(f.DateFinTravaux), InterventionRequiseOC: f.InterventionRequiseOC, Etat: f.Etat,
		ReferencePriseImpactee: f.ReferencePriseImpactee, ReferencePrestationPriseImpactee: f.ReferencePrestationPriseImpactee}
	if len(f.ReferencePrestationPm) > 0 {
		x.ReferencePrestationPm = &xPrestationsPm{PrestationPm: f.ReferencePrestationPm}
	}
	return x
}

func periode(x *xPeriode) (*Periode, error) {
	if x == nil {
		return nil, nil
	}
	d, err := parseDateTime("dateDebutRecherche", x.Debut)
	if err != nil {
		return nil, err
	}
	f, err := parseDateTime("dateFinRecherche", x.Fin)
	if err != nil {
		return nil, err
	}
	return &Periode{Debut: d, Fin: f}, nil
}

// filter converts the request; a date that cannot be read is a
// *DateTimeError.
func (x *xRequest) filter() (Filter, error) {
	f := Filter{ReferenceTPDERCO: strings.TrimSpace(x.ReferenceTPDERCO), Type: x.Type,
		InterventionRequiseOC: x.InterventionRequiseOC, Etat: x.Etat,
		ReferencePriseImpactee:           strings.TrimSpace(x.ReferencePriseImpactee),
		ReferencePrestationPriseImpactee: strings.TrimSpace(x.ReferencePrestationPriseImpactee)}
	if x.ReferencePrestationPm != nil {
		for _, s := range x.ReferencePrestationPm.PrestationPm {
			if s = strings.TrimSpace(s); s != "" {
				f.ReferencePrestationPm = append(f.ReferencePrestationPm, s)
			}
		}
	}
	var err error
	if f.DateCreation, err = periode(x.DateCreation); err != nil {
		return f, err
	}
	if f.DateDebutTravaux, err = periode(x.DateDebutTravaux); err != nil {
		return f, err
	}
	if f.DateFinTravaux, err = periode(x.DateFinTravaux); err != nil {
		return f, err
	}
	return f, nil
}

type xPBO struct {
	PBO []string `xml:"PBO"`
}

type xPMT struct {
	PMT []string `xml:"PMT"`
}

type xImmeubles struct {
	Immeuble []string `xml:"immeuble"`
}

type xPrises struct {
	Prise []string `xml:"prise"`
}

type xPrestations struct {
	Prestation []string `xml:"prestation"`
}

// xTravaux is typeTravaux, its elements in schema order.
type xTravaux struct {
	Reference                         string             `xml:"reference,attr"`
	ServiceProviderID                 string             `xml:"serviceProviderID,attr"`
	Type                              Categorie          `xml:"type"`
	EquipementConcerne                EquipementConcerne `xml:"equipementConcerne"`
	ReferencePm                       string             `xml:"referencePm"`
	ReferencePrestationPm             string             `xml:"referencePrestationPm"`
	DateModification                  dateTime           `xml:"dateModification"`
	InterventionRequiseOC             Booleen            `xml:"interventionRequiseOC"`
	DateDebutTravaux                  *dateTime          `xml:"dateDebutTravaux"`
	DateFinTravaux                    *dateTime          `xml:"dateFinTravaux"`
	TravauxCuratifs                   Booleen            `xml:"travauxCuratifs,omitempty"`
	NatureIntervention                NatureIntervention `xml:"natureIntervention,omitempty"`
	Etat                              Etat               `xml:"etat,omitempty"`
	ReferencePBO                      *xPBO              `xml:"referencePBO"`
	ReferencePmTechnique              *xPMT              `xml:"referencePmTechnique"`
	CommentairesIntervention          string             `xml:"commentairesIntervention,omitempty"`
	CoordonneesContactOI              string             `xml:"coordonneesContactOI,omitempty"`
	IdentifiantImmeuble               *xImmeubles        `xml:"identifiantImmeuble"`
	ReferencePriseImpactees           *xPrises           `xml:"referencePriseImpactees"`
	ReferencePrestationPriseImpactees *xPrestations      `xml:"referencePrestationPriseImpactees"`
	ReferenceIncident                 string             `xml:"referenceIncident,omitempty"`
	CommentaireInterventionOC         string             `xml:"commentaireInterventionOC,omitempty"`
}

type xListe struct {
	Travaux []xTravaux `xml:"travaux"`
}

type xResponse struct {
	XMLName      xml.Name
	ListeTravaux *xListe `xml:"listeTravaux"`
}

func wireTravaux(t *Travaux) xTravaux {
	x := xTravaux{Reference: t.Reference, ServiceProviderID: t.ServiceProviderID, Type: t.Type,
		EquipementConcerne: t.EquipementConcerne, ReferencePm: t.ReferencePm,
		ReferencePrestationPm: t.ReferencePrestationPm, DateModification: dateTime{t.DateModification},
		InterventionRequiseOC: t.InterventionRequiseOC, DateDebutTravaux: datePtr(t.DateDebutTravaux),
		DateFinTravaux: datePtr(t.DateFinTravaux), TravauxCuratifs: t.TravauxCuratifs,
		NatureIntervention: t.NatureIntervention, Etat: t.Etat,
		CommentairesIntervention: t.CommentairesIntervention, CoordonneesContactOI: t.CoordonneesContactOI,
		ReferenceIncident: t.ReferenceIncident, CommentaireInterventionOC: t.CommentaireInterventionOC}
	if len(t.ReferencePBO) > 0 {
		x.ReferencePBO = &xPBO{PBO: t.ReferencePBO}
	}
	if len(t.ReferencePmTechnique) > 0 {
		x.ReferencePmTechnique = &xPMT{PMT: t.ReferencePmTechnique}
	}
	if len(t.IdentifiantImmeuble) > 0 {
		x.IdentifiantImmeuble = &xImmeubles{Immeuble: t.IdentifiantImmeuble}
	}
	if len(t.ReferencePriseImpactees) > 0 {
		x.ReferencePriseImpactees = &xPrises{Prise: t.ReferencePriseImpactees}
	}
	if len(t.ReferencePrestationPriseImpactees) > 0 {
		x.ReferencePrestationPriseImpactees = &xPrestations{Prestation: t.ReferencePrestationPriseImpactees}
	}
	return x
}

func wireResponse(ts []Travaux) *xResponse {
	x := &xResponse{XMLName: tns(elemResponse), ListeTravaux: &xListe{Travaux: make([]xTravaux, len(ts))}}
	for i := range ts {
		x.ListeTravaux.Travaux[i] = wireTravaux(&ts[i])
	}
	return x
}

func trimAll(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strings.TrimSpace(v)
	}
	return out
}

func (x *xTravaux) travaux() Travaux {
	t := Travaux{Reference: strings.TrimSpace(x.Reference), ServiceProviderID: strings.TrimSpace(x.ServiceProviderID),
		Type: x.Type, EquipementConcerne: x.EquipementConcerne, ReferencePm: strings.TrimSpace(x.ReferencePm),
		ReferencePrestationPm: strings.TrimSpace(x.ReferencePrestationPm), DateModification: x.DateModification.Time,
		InterventionRequiseOC: x.InterventionRequiseOC, DateDebutTravaux: timeOf(x.DateDebutTravaux),
		DateFinTravaux: timeOf(x.DateFinTravaux), TravauxCuratifs: x.TravauxCuratifs,
		NatureIntervention: x.NatureIntervention, Etat: x.Etat,
		CommentairesIntervention: x.CommentairesIntervention, CoordonneesContactOI: strings.TrimSpace(x.CoordonneesContactOI),
		ReferenceIncident: strings.TrimSpace(x.ReferenceIncident), CommentaireInterventionOC: x.CommentaireInterventionOC}
	if x.ReferencePBO != nil {
		t.ReferencePBO = trimAll(x.ReferencePBO.PBO)
	}
	if x.ReferencePmTechnique != nil {
		t.ReferencePmTechnique = trimAll(x.ReferencePmTechnique.PMT)
	}
	if x.IdentifiantImmeuble != nil {
		t.IdentifiantImmeuble = trimAll(x.IdentifiantImmeuble.Immeuble)
	}
	if x.ReferencePriseImpactees != nil {
		t.ReferencePriseImpactees = trimAll(x.ReferencePriseImpactees.Prise)
	}
	if x.ReferencePrestationPriseImpactees != nil {
		t.ReferencePrestationPriseImpactees = trimAll(x.ReferencePrestationPriseImpactees.Prestation)
	}
	return t
}
