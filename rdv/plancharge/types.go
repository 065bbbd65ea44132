package plancharge

import (
	"time"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
)

// Entete is the EnteteType SOAP header of every request and response.
type Entete struct {
	VersionWS         string    // versionWS
	HorodatageRequete time.Time // horodatageRequete: when the OC sent the request
	HorodatageReponse time.Time // horodatageReponse: when the OI answered (responses only)
	SirenOC           string    // sirenOC: the calling OC's SIREN
	SirenOI           string    // sirenOI: the OI's SIREN
}

// CheckSIRENs is the default header check of a [Server]: any versionWS, and
// sirenOC and sirenOI of nine digits each (fault 1 when absent, 3 when
// malformed).
func CheckSIRENs(h Entete) *Fault {
	for _, s := range []struct{ field, v string }{{"sirenOC", h.SirenOC}, {"sirenOI", h.SirenOI}} {
		if s.v == "" {
			return Faultf(codes.ReturnCodeMissing, s.field, "")
		}
		if codes.ValidSIREN(s.v) != nil {
			return Faultf(codes.ReturnCodeBadFormat, s.field, "want nine digits")
		}
	}
	return nil
}

// Creneau is a free slot a search returns (CreneauType): its times and the
// id the OC books it with (idOI).
type Creneau struct {
	rdv.Slot
	IdOI string
}

// SearchRequest is rechercheCreneauxLibres: free slots for an intervention
// between DateDebut and DateFin.
type SearchRequest struct {
	TypeIntervention      TypeIntervention
	NatureProduit         NatureProduit
	SegmentMarche         SegmentMarche
	TechnicalId           string // ReferencePrise, optional
	CommercialId          string // ReferencePrestationPrise, optional
	CodeInsee             string
	DateDebut, DateFin    time.Time
	DefectPrelocalization codes.PrelocDefaut
	// SirenOC is the caller, from the request header; the server sets it,
	// the client ignores it.
	SirenOC string
}

// BookRequest is reservationCreneau: book the slot IdCreneau a search
// returned.
type BookRequest struct {
	NatureProduit NatureProduit
	SegmentMarche SegmentMarche
	CodeInsee     string
	IdCreneau     string
	SirenOC       string // the caller; set by the server
}

// ConsultRequest is consultationRdv.
type ConsultRequest struct {
	IdRendezVous string
	SirenOC      string // the caller; set by the server
}

// ReportRequest is reportRDV: move appointment IdRendezvous to the free slot
// IdCreneau.
type ReportRequest struct {
	TypeIntervention TypeIntervention
	NatureProduit    NatureProduit
	SegmentMarche    SegmentMarche
	CodeInsee        string
	IdRendezvous     string
	NatureReport     NatureReport
	IdCreneau        string
	SirenOC          string // the caller; set by the server
}

// Rendezvous is an appointment as consultationRdv describes it.
type Rendezvous struct {
	IdRendezVous string
	rdv.Slot
	CodeInsee                string
	TypeIntervention         TypeIntervention
	NatureProduit            NatureProduit // optional
	SegmentMarche            SegmentMarche // optional
	StatutRendezVous         StatutRendezVous
	ReferencePrestationPrise string // optional
}

// checkEnum returns fault 1 for an empty value and 2 for one outside its
// list.
func checkEnum(field string, v string, valid bool) *Fault {
	switch {
	case v == "":
		return Faultf(codes.ReturnCodeMissing, field, "")
	case !valid:
		return Faultf(codes.ReturnCodeNotInList, field, "%q", v)
	}
	return nil
}

func checkRequired(field, v string, max int) *Fault {
	switch {
	case v == "":
		return Faultf(codes.ReturnCodeMissing, field, "")
	case utf8.RuneCountInString(v) > max:
		return Faultf(codes.ReturnCodeBadFormat, field, "longer than %d characters", max)
	}
	return nil
}

// checkInsee checks a commune's INSEE code: five characters, digits except
// Corsica's 2A and 2B.
func checkInsee(v string) *Fault {
	if v == "" {
		return Faultf(codes.ReturnCodeMissing, "codeInsee", "")
	}
	ok := len(v) == 5
	for i := 0; ok && i < 5; i++ {
		c := v[i]
		ok = '0' <= c && c <= '9' || i == 1 && v[0] == '2' && (c == 'A' || c == 'B')
	}
	if !ok {
		return Faultf(codes.ReturnCodeBadFormat, "codeInsee", "want five characters, e.g. 75056 or 2A004")
	}
	return nil
}

// maxID bounds the ids of slots and appointments.
const maxID = 100

func first(fs ...*Fault) error {
	for _, f := range fs {
		if f != nil {
			return f
		}
	}
	return nil
}

// Check applies the contract's rules to r: the enumerations (fault 1 when
// absent, 2 outside the list), the INSEE code and the access ids (3), both
// dates (1) and DateFin after DateDebut (13).
func (r *SearchRequest) Check() error {
	var ids *Fault
	if r.TechnicalId != "" && codes.ValidReferencePrise(r.TechnicalId) != nil {
		ids = Faultf(codes.ReturnCodeBadFormat, "technicalId", "")
	} else if r.CommercialId != "" && codes.ValidReferencePrestationPrise(r.CommercialId) != nil {
		ids = Faultf(codes.ReturnCodeBadFormat, "commercialId", "")
	}
	var dates *Fault
	switch {
	case r.DateDebut.IsZero():
		dates = Faultf(codes.ReturnCodeMissing, "dateDebut", "")
	case r.DateFin.IsZero():
		dates = Faultf(codes.ReturnCodeMissing, "dateFin", "")
	case !r.DateFin.After(r.DateDebut):
		dates = Faultf(codes.ReturnCodeUnexpected, "dateFin", "dateFin is not after dateDebut")
	}
	return first(
		checkEnum("typeIntervention", string(r.TypeIntervention), r.TypeIntervention.Valid()),
		checkEnum("natureProduit", string(r.NatureProduit), r.NatureProduit.Valid()),
		checkEnum("segmentMarche", string(r.SegmentMarche), r.SegmentMarche.Valid()),
		ids, checkInsee(r.CodeInsee), dates,
		checkEnum("defectPrelocalization", string(r.DefectPrelocalization), r.DefectPrelocalization.Valid()),
	)
}

// Check applies the contract's rules to r.
func (r *BookRequest) Check() error {
	return first(
		checkEnum("natureProduit", string(r.NatureProduit), r.NatureProduit.Valid()),
		checkEnum("segmentMarche", string(r.SegmentMarche), r.SegmentMarche.Valid()),
		checkInsee(r.CodeInsee),
		checkRequired("idCreneau", r.IdCreneau, maxID),
	)
}

// Check applies the contract's rules to r.
func (r *ConsultRequest) Check() error {
	return first(checkRequired("idRendezVous", r.IdRendezVous, maxID))
}

// Check applies the contract's rules to r.
func (r *ReportRequest) Check() error {
	return first(
		checkEnum("typeIntervention", string(r.TypeIntervention), r.TypeIntervention.Valid()),
		checkEnum("natureProduit", string(r.NatureProduit), r.NatureProduit.Valid()),
		checkEnum("segmentMarche", string(r.SegmentMarche), r.SegmentMarche.Valid()),
		checkInsee(r.CodeInsee),
		checkRequired("idRendezvous", r.IdRendezvous, maxID),
		checkEnum("natureReport", string(r.NatureReport), r.NatureReport.Valid()),
		checkRequired("idCreneau", r.IdCreneau, maxID),
	)
}
