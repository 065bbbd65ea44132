package plancharge

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/rdvwire"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

// Element names of the contract's body and header entries.
const (
	elemEntete         = "EnteteType"
	elemSearch         = "RechercheCreneauxLibresRequete"
	elemSearchReponse  = "RechercheCreneauxLibresReponse"
	elemBook           = "ReservationCreneauRequete"
	elemBookReponse    = "ReservationCreneauReponse"
	elemConsult        = "ConsultationRdvRequete"
	elemConsultReponse = "ConsultationRdvReponse"
	elemReport         = "ReportRDVRequete"
	elemReportReponse  = "ReportRDVReponse"
)

func tns(local string) xml.Name { return xml.Name{Local: rdvwire.Prefix + ":" + local} }

// dateTime is an xs:dateTime. It is written with its offset (RFC 3339, in
// the time's own zone); it is read with or without fractional seconds and
// offset (a value without an offset is Paris wall-clock time).
type dateTime struct{ time.Time }

func (d dateTime) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, nil
	}
	if y := d.Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("plancharge: year %d cannot be written as an xs:dateTime", y)
	}
	return []byte(d.Format(time.RFC3339Nano)), nil
}

func (d *dateTime) UnmarshalText(b []byte) error {
	t, err := parseDateTime(string(b))
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}

// DateTimeError is an xs:dateTime value that cannot be read.
type DateTimeError struct{ Value string }

func (e *DateTimeError) Error() string {
	return fmt.Sprintf("plancharge: %q is not an xs:dateTime (want 2026-12-01T08:00:00+01:00)", e.Value)
}

func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, ticket.Paris); err == nil {
		return t, nil
	}
	return time.Time{}, &DateTimeError{Value: s}
}

func paris(t time.Time) dateTime {
	if t.IsZero() {
		return dateTime{}
	}
	return dateTime{t.In(ticket.Paris)}
}

func parisPtr(t time.Time) *dateTime {
	if t.IsZero() {
		return nil
	}
	d := paris(t)
	return &d
}

type xEntete struct {
	XMLName           xml.Name
	VersionWS         string    `xml:"versionWS"`
	HorodatageRequete dateTime  `xml:"horodatageRequete"`
	HorodatageReponse *dateTime `xml:"horodatageReponse,omitempty"`
	SirenOC           string    `xml:"sirenOC"`
	SirenOI           string    `xml:"sirenOI"`
}

func (x *xEntete) entete() Entete {
	h := Entete{VersionWS: strings.TrimSpace(x.VersionWS), HorodatageRequete: x.HorodatageRequete.Time,
		SirenOC: strings.TrimSpace(x.SirenOC), SirenOI: strings.TrimSpace(x.SirenOI)}
	if x.HorodatageReponse != nil {
		h.HorodatageReponse = x.HorodatageReponse.Time
	}
	return h
}

func wireEntete(h Entete) *xEntete {
	return &xEntete{XMLName: tns(elemEntete), VersionWS: h.VersionWS, HorodatageRequete: paris(h.HorodatageRequete),
		HorodatageReponse: parisPtr(h.HorodatageReponse), SirenOC: h.SirenOC, SirenOI: h.SirenOI}
}

type xSearch struct {
	XMLName               xml.Name
	TypeIntervention      TypeIntervention   `xml:"typeIntervention"`
	NatureProduit         NatureProduit      `xml:"natureProduit"`
	SegmentMarche         SegmentMarche      `xml:"segmentMarche"`
	TechnicalId           string             `xml:"technicalId,omitempty"`
	CommercialId          string             `xml:"commercialId,omitempty"`
	CodeInsee             string             `xml:"codeInsee"`
	DateDebut             dateTime           `xml:"dateDebut"`
	DateFin               dateTime           `xml:"dateFin"`
	DefectPrelocalization codes.PrelocDefaut `xml:"defectPrelocalization"`
}

func (x *xSearch) request() SearchRequest {
	return SearchRequest{TypeIntervention: x.TypeIntervention, NatureProduit: x.NatureProduit,
		SegmentMarche: x.SegmentMarche, TechnicalId: strings.TrimSpace(x.TechnicalId),
		CommercialId: strings.TrimSpace(x.CommercialId), CodeInsee: strings.TrimSpace(x.CodeInsee),
		DateDebut: x.DateDebut.Time, DateFin: x.DateFin.Time, DefectPrelocalization: x.DefectPrelocalization}
}

func wireSearch(r SearchRequest) *xSearch {
	return &xSearch{XMLName: tns(elemSearch), TypeIntervention: r.TypeIntervention, NatureProduit: r.NatureProduit,
		SegmentMarche: r.SegmentMarche, TechnicalId: r.TechnicalId, CommercialId: r.CommercialId,
		CodeInsee: r.CodeInsee, DateDebut: paris(r.DateDebut), DateFin: paris(r.DateFin),
		DefectPrelocalization: r.DefectPrelocalization}
}

type xCreneau struct {
	DateDebut dateTime `xml:"dateDebut"`
	DateFin   dateTime `xml:"dateFin"`
	IdOI      string   `xml:"idOI"`
}

type xSearchReponse struct {
	XMLName xml.Name
	Liste   struct {
		Occ []xCreneau `xml:"occCreneau"`
	} `xml:"listeCreneau"`
}

func (x *xSearchReponse) creneaux() []Creneau {
	out := make([]Creneau, 0, len(x.Liste.Occ))
	for _, o := range x.Liste.Occ {
		out = append(out, Creneau{Slot: rdv.Slot{Debut: o.DateDebut.Time, Fin: o.DateFin.Time},
			IdOI: strings.TrimSpace(o.IdOI)})
	}
	return out
}

func wireSearchReponse(cs []Creneau) *xSearchReponse {
	x := &xSearchReponse{XMLName: tns(elemSearchReponse)}
	x.Liste.Occ = make([]xCreneau, len(cs))
	for i, c := range cs {
		x.Liste.Occ[i] = xCreneau{DateDebut: paris(c.Debut), DateFin: paris(c.Fin), IdOI: c.IdOI}
	}
	return x
}

type xBook struct {
	XMLName       xml.Name
	NatureProduit NatureProduit `xml:"natureProduit"`
	SegmentMarche SegmentMarche `xml:"segmentMarche"`
	CodeInsee     string        `xml:"codeInsee"`
	IdCreneau     string        `xml:"idCreneau"`
}

func (x *xBook) request() BookRequest {
	return BookRequest{NatureProduit: x.NatureProduit, SegmentMarche: x.SegmentMarche,
		CodeInsee: strings.TrimSpace(x.CodeInsee), IdCreneau: strings.TrimSpace(x.IdCreneau)}
}

type xBookReponse struct {
	XMLName      xml.Name
	IdRendezvous string `xml:"idRendezvous"`
}

type xConsult struct {
	XMLName      xml.Name
	IdRendezVous string `xml:"idRendezVous"`
}

type xConsultReponse struct {
	XMLName                  xml.Name
	IdRendezVous             string           `xml:"idRendezVous"`
	DateDebut                dateTime         `xml:"dateDebut"`
	DateFin                  dateTime         `xml:"dateFin"`
	CodeInsee                string           `xml:"codeInsee"`
	TypeIntervention         TypeIntervention `xml:"typeIntervention"`
	NatureProduit            NatureProduit    `xml:"natureProduit,omitempty"`
	SegmentMarche            SegmentMarche    `xml:"segmentMarche,omitempty"`
	StatutRendezVous         StatutRendezVous `xml:"statutRendezVous"`
	ReferencePrestationPrise string           `xml:"referencePrestationPrise,omitempty"`
}

func (x *xConsultReponse) rendezvous() Rendezvous {
	return Rendezvous{IdRendezVous: strings.TrimSpace(x.IdRendezVous),
		Slot:      rdv.Slot{Debut: x.DateDebut.Time, Fin: x.DateFin.Time},
		CodeInsee: strings.TrimSpace(x.CodeInsee), TypeIntervention: x.TypeIntervention,
		NatureProduit: x.NatureProduit, SegmentMarche: x.SegmentMarche, StatutRendezVous: x.StatutRendezVous,
		ReferencePrestationPrise: strings.TrimSpace(x.ReferencePrestationPrise)}
}

func wireConsultReponse(r Rendezvous) *xConsultReponse {
	return &xConsultReponse{XMLName: tns(elemConsultReponse), IdRendezVous: r.IdRendezVous,
		DateDebut: paris(r.Debut), DateFin: paris(r.Fin), CodeInsee: r.CodeInsee,
		TypeIntervention: r.TypeIntervention, NatureProduit: r.NatureProduit, SegmentMarche: r.SegmentMarche,
		StatutRendezVous: r.StatutRendezVous, ReferencePrestationPrise: r.ReferencePrestationPrise}
}

type xReport struct {
	XMLName          xml.Name
	TypeIntervention TypeIntervention `xml:"typeIntervention"`
	NatureProduit    NatureProduit    `xml:"natureProduit"`
	SegmentMarche    SegmentMarche    `xml:"segmentMarche"`
	CodeInsee        string           `xml:"codeInsee"`
	IdRendezvous     string           `xml:"idRendezvous"`
	NatureReport     NatureReport     `xml:"natureReport"`
	IdCreneau        string           `xml:"idCreneau"`
}

func (x *xReport) request() ReportRequest {
	return ReportRequest{TypeIntervention: x.TypeIntervention, NatureProduit: x.NatureProduit,
		SegmentMarche: x.SegmentMarche, CodeInsee: strings.TrimSpace(x.CodeInsee),
		IdRendezvous: strings.TrimSpace(x.IdRendezvous), NatureReport: x.NatureReport,
		IdCreneau: strings.TrimSpace(x.IdCreneau)}
}

func wireReport(r ReportRequest) *xReport {
	return &xReport{XMLName: tns(elemReport), TypeIntervention: r.TypeIntervention, NatureProduit: r.NatureProduit,
		SegmentMarche: r.SegmentMarche, CodeInsee: r.CodeInsee, IdRendezvous: r.IdRendezvous,
		NatureReport: r.NatureReport, IdCreneau: r.IdCreneau}
}

type xReportReponse struct {
	XMLName xml.Name
}

// Operation is one of the four operations of the contract.
type Operation int

// Operations.
const (
	OpRechercheCreneauxLibres Operation = iota + 1
	OpReservationCreneau
	OpConsultationRdv
	OpReportRDV
)

var opNames = [...]string{"", "rechercheCreneauxLibres", "reservationCreneau", "consultationRdv", "reportRDV"}

// String returns the operation's name in the contract.
func (o Operation) String() string {
	if o > 0 && int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Operation(%d)", int(o))
}

// request is a decoded request: the header and exactly one of the bodies.
type request struct {
	op      Operation
	entete  *Entete
	search  *SearchRequest
	book    *BookRequest
	consult *ConsultRequest
	report  *ReportRequest
}

// RequestError is a request the server cannot read: not a SOAP envelope, an
// unknown operation, or an element that is not of its type. Element names the
// element when known.
type RequestError struct {
	Element string
	Err     error
}

func (e *RequestError) Error() string {
	if e.Element != "" {
		return "plancharge: reading " + e.Element + ": " + e.Err.Error()
	}
	return "plancharge: reading the request: " + e.Err.Error()
}

func (e *RequestError) Unwrap() error { return e.Err }

// decodeEntete is the header entry decoder shared by both sides.
func decodeEntete(dst **Entete) rdvwire.Entry {
	return func(d *xml.Decoder, start xml.StartElement) error {
		if start.Name.Local != elemEntete {
			return d.Skip()
		}
		var x xEntete
		if err := d.DecodeElement(&x, &start); err != nil {
			return &RequestError{Element: elemEntete, Err: err}
		}
		h := x.entete()
		*dst = &h
		return nil
	}
}

// decodeRequest reads a request envelope.
func decodeRequest(b []byte, lim soap.Limits) (*request, error) {
	var q request
	err := rdvwire.Decode(bytes.NewReader(b), lim, decodeEntete(&q.entete), func(d *xml.Decoder, start xml.StartElement) error {
		dec := func(v any) error {
			if err := d.DecodeElement(v, &start); err != nil {
				return &RequestError{Element: start.Name.Local, Err: err}
			}
			return nil
		}
		switch start.Name.Local {
		case elemSearch:
			var x xSearch
			if err := dec(&x); err != nil {
				return err
			}
			r := x.request()
			q.op, q.search = OpRechercheCreneauxLibres, &r
		case elemBook:
			var x xBook
			if err := dec(&x); err != nil {
				return err
			}
			r := x.request()
			q.op, q.book = OpReservationCreneau, &r
		case elemConsult:
			var x xConsult
			if err := dec(&x); err != nil {
				return err
			}
			q.op, q.consult = OpConsultationRdv, &ConsultRequest{IdRendezVous: strings.TrimSpace(x.IdRendezVous)}
		case elemReport:
			var x xReport
			if err := dec(&x); err != nil {
				return err
			}
			r := x.request()
			q.op, q.report = OpReportRDV, &r
		default:
			return &RequestError{Element: start.Name.Local, Err: fmt.Errorf("not an operation of the contract")}
		}
		return nil
	})
	if err != nil {
		if _, ok := err.(*RequestError); !ok {
			err = &RequestError{Err: err}
		}
		return nil, err
	}
	return &q, nil
}
