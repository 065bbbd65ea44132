package v1a

import (
	"strconv"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Record is one data line of a 1.0a file: a *Depot, *AR, *Cloture, *Info,
// *Travaux, *Dommage or *ARDommage. The set is closed; switch on the
// concrete type.
type Record interface {
	// Flow returns the flow whose files carry this record.
	Flow() Flow
	// get returns the wire text of a field; false when the value cannot be
	// written (a slot that spans two days).
	get(f Field) (string, bool)
	// set stores the decoded text of a field.
	set(f Field, s string, d *cellDecoder)
}

// Statut is the StatutAR of an acknowledgement.
type Statut string

// Acknowledgement statuses.
const (
	StatutOK Statut = "OK"
	StatutKO Statut = "KO"
)

// Valid reports OK or KO.
func (s Statut) Valid() bool { return s == StatutOK || s == StatutKO }

// EtatTravaux is the Etat of a planned-works line (InfoTravaux states).
type EtatTravaux string

// Planned-works states.
const (
	EtatTravauxNouveau         EtatTravaux = "NOUVEAU"
	EtatTravauxReplanification EtatTravaux = "REPLANIFICATION"
	EtatTravauxMAJ             EtatTravaux = "MAJ"
	EtatTravauxCloture         EtatTravaux = "CLOTURE"
	EtatTravauxAnnule          EtatTravaux = "ANNULE"
)

// Valid reports whether e is one of the five states.
func (e EtatTravaux) Valid() bool {
	switch e {
	case EtatTravauxNouveau, EtatTravauxReplanification, EtatTravauxMAJ, EtatTravauxCloture, EtatTravauxAnnule:
		return true
	}
	return false
}

// Terminal reports CLOTURE and ANNULE, after which nothing may follow.
func (e EtatTravaux) Terminal() bool { return e == EtatTravauxCloture || e == EtatTravauxAnnule }

// Follows reports whether a works notice may go from state prev to e:
// NOUVEAU first; NOUVEAU, MAJ and REPLANIFICATION lead to MAJ,
// REPLANIFICATION, CLOTURE or ANNULE; no return to NOUVEAU; CLOTURE and
// ANNULE are terminal. A repeated NOUVEAU/MAJ/REPLANIFICATION line (one per
// impacted address) is not a move.
func (e EtatTravaux) Follows(prev EtatTravaux) bool {
	switch {
	case prev == "":
		return true
	case prev.Terminal():
		return e == prev
	case e == EtatTravauxNouveau:
		return prev == EtatTravauxNouveau
	}
	return e.Valid()
}

// NatureIntervention is the kind of planned works (InfoTravaux).
type NatureIntervention string

// Kinds of planned works.
const (
	NatureInterventionDEPL NatureIntervention = "DEPL" // déplacement
	NatureInterventionREFE NatureIntervention = "REFE" // réfection
	NatureInterventionDSCM NatureIntervention = "DSCM"
	NatureInterventionEXTE NatureIntervention = "EXTE" // extension
	NatureInterventionINGE NatureIntervention = "INGE" // ingénierie
	NatureInterventionCHGC NatureIntervention = "CHGC"
	NatureInterventionAUTR NatureIntervention = "AUTR" // autre: Commentaire required
)

// Valid reports whether n is one of the seven kinds.
func (n NatureIntervention) Valid() bool {
	switch n {
	case NatureInterventionDEPL, NatureInterventionREFE, NatureInterventionDSCM, NatureInterventionEXTE,
		NatureInterventionINGE, NatureInterventionCHGC, NatureInterventionAUTR:
		return true
	}
	return false
}

// OuiNon is a yes/no column (OUI or NON).
type OuiNon string

// Yes and no.
const (
	Oui OuiNon = "OUI"
	Non OuiNon = "NON"
)

// Valid reports OUI or NON.
func (o OuiNon) Valid() bool { return o == Oui || o == Non }

// Depot is a DEPOT line: a signalisation the OC files with the OI.
type Depot struct {
	ReferencePrestationPrise string
	ReferencePrise           string
	ReferenceSigSAVRaccoOC   string
	DateIncidClientFinal     ticket.Date
	NatureDefaut             codes.NatureDefaut
	PrelocDefaut             codes.PrelocDefaut
	NomClient                string
	PrenomClient             string
	ContactClient1           string
	ContactClient2           string
	IdRdv                    string
	PropalRdv                []ticket.Slot
	Commentaire              string
}

// AR is an AR line: the OI's acknowledgement of one DEPOT line.
type AR struct {
	ReferenceSigSAVRaccoOC   string
	ReferencePrestationPrise string
	ReferencePrise           string
	StatutAR                 Statut
	ReferenceSigSAVOI        string
	DatePriseEnCompte        time.Time
	CodeRetour               codes.ReturnCode
	MotifRefus               string
}

// Cloture is a CLOTURE line: the OI closes a ticket.
type Cloture struct {
	ReferenceSigSAVOI        string
	ReferenceSigSAVRaccoOC   string
	ReferencePrestationPrise string
	ReferencePrise           string
	DateCloture              time.Time
	CodeCloture              codes.ClosureCode
	Responsabilite           codes.Responsabilite
	LocalisationDefaut       codes.PrelocDefaut
	Commentaire              string
}

// Info is an INFO line: a typed message about a ticket, from either side.
type Info struct {
	ReferenceSigSAVOI      string
	ReferenceSigSAVRaccoOC string
	Emetteur               codes.Role
	DateMessage            time.Time
	TypeMessage            codes.TypeMessage
	EtatResolution         codes.EtatResolution
	DateIntervention       time.Time
	IdRdv                  string
	PropalRdv              []ticket.Slot
	ContactClient1         string
	ContactClient2         string
	Commentaire            string
}

// Travaux is a TRAVAUX line: planned maintenance works at one address.
type Travaux struct {
	ReferenceTravaux      string
	Etat                  EtatTravaux
	ReferencePM           string
	DateDebut             time.Time
	DateFin               time.Time
	NatureIntervention    NatureIntervention
	InterventionRequiseOC OuiNon
	NumeroVoie            string
	Voie                  string
	CodePostal            string
	Commune               string
	CodeInsee             string
	IdentifiantImmeuble   string
	ContactOI             string
	Commentaire           string
}

// Dommage is a DOMMAGE line: the OC reports material damage at a PM.
type Dommage struct {
	ReferenceDommageOC  string
	ReferencePM         string
	DateConstat         ticket.Date
	LocalisationDommage codes.PrelocDefaut
	AdresseImmeuble     string
	NomContactImmeuble  string
	TelContactImmeuble  string
	Commentaire         string
}

// ARDommage is an ARDOMMAGE line: the OI's acknowledgement of a DOMMAGE
// line.
type ARDommage struct {
	ReferenceDommageOC string
	StatutAR           Statut
	ReferenceDommageOI string
	DatePriseEnCompte  time.Time
	CodeRetour         codes.ReturnCode
	MotifRefus         string
}

// Flow implements Record.
func (*Depot) Flow() Flow { return FlowDepot }

// Flow implements Record.
func (*AR) Flow() Flow { return FlowAR }

// Flow implements Record.
func (*Cloture) Flow() Flow { return FlowCloture }

// Flow implements Record.
func (*Info) Flow() Flow { return FlowInfo }

// Flow implements Record.
func (*Travaux) Flow() Flow { return FlowTravaux }

// Flow implements Record.
func (*Dommage) Flow() Flow { return FlowDommage }

// Flow implements Record.
func (*ARDommage) Flow() Flow { return FlowARDommage }

// newRecord returns an empty record of flow f.
func newRecord(f Flow) Record {
	switch f {
	case FlowDepot:
		return &Depot{}
	case FlowAR:
		return &AR{}
	case FlowCloture:
		return &Cloture{}
	case FlowInfo:
		return &Info{}
	case FlowTravaux:
		return &Travaux{}
	case FlowDommage:
		return &Dommage{}
	case FlowARDommage:
		return &ARDommage{}
	}
	return nil
}

// Canonical spellings for writing.
func natureText(n codes.NatureDefaut) string { return string(lookup(defaultNature, string(n))) }
func prelocText(p codes.PrelocDefaut) string { return lookup(defaultPreloc, string(p)).V1A() }
func typeMessageText(t codes.TypeMessage) string {
	return string(lookup(defaultTypeMessage, string(t)))
}
func etatResolutionText(e codes.EtatResolution) string {
	return string(lookup(defaultEtatResolution, string(e)))
}

func upper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

func slotsWire(s []ticket.Slot) (string, bool) {
	if len(s) == 0 {
		return "", true
	}
	return formatSlots(s)
}

func (d *cellDecoder) returnCode(s string) codes.ReturnCode {
	if s == "" {
		return 0
	}
	c, err := codes.ParseReturnCode(s)
	if err != nil {
		d.fail(codes.ReturnCodeBadFormat, quoteValue(s)+" (want an integer from 0 to 999)")
		return 0
	}
	return c
}

func returnCodeText(c codes.ReturnCode) string { return strconv.Itoa(int(c)) }

func (x *Depot) get(f Field) (string, bool) {
	switch f {
	case FieldReferencePrestationPrise:
		return x.ReferencePrestationPrise, true
	case FieldReferencePrise:
		return x.ReferencePrise, true
	case FieldReferenceSigSAVRaccoOC:
		return x.ReferenceSigSAVRaccoOC, true
	case FieldDateIncidClientFinal:
		return formatDate(x.DateIncidClientFinal), true
	case FieldNatureDefaut:
		return natureText(x.NatureDefaut), true
	case FieldPrelocDefaut:
		return prelocText(x.PrelocDefaut), true
	case FieldNomClient:
		return x.NomClient, true
	case FieldPrenomClient:
		return x.PrenomClient, true
	case FieldContactClient1:
		return x.ContactClient1, true
	case FieldContactClient2:
		return x.ContactClient2, true
	case FieldIdRdv:
		return x.IdRdv, true
	case FieldPropalRdv:
		return slotsWire(x.PropalRdv)
	case FieldCommentaire:
		return x.Commentaire, true
	}
	return "", true
}

func (x *Depot) set(f Field, s string, d *cellDecoder) {
	switch f {
	case FieldReferencePrestationPrise:
		x.ReferencePrestationPrise = s
	case FieldReferencePrise:
		x.ReferencePrise = s
	case FieldReferenceSigSAVRaccoOC:
		x.ReferenceSigSAVRaccoOC = s
	case FieldDateIncidClientFinal:
		x.DateIncidClientFinal = d.date(s)
	case FieldNatureDefaut:
		x.NatureDefaut = lookup(d.aliases.NatureDefaut, s)
	case FieldPrelocDefaut:
		x.PrelocDefaut = lookup(d.aliases.PrelocDefaut, s)
	case FieldNomClient:
		x.NomClient = s
	case FieldPrenomClient:
		x.PrenomClient = s
	case FieldContactClient1:
		x.ContactClient1 = d.phone(s)
	case FieldContactClient2:
		x.ContactClient2 = d.phone(s)
	case FieldIdRdv:
		x.IdRdv = s
	case FieldPropalRdv:
		x.PropalRdv = d.slots(s)
	case FieldCommentaire:
		x.Commentaire = s
	}
}

func (x *AR) get(f Field) (string, bool) {
	switch f {
	case FieldReferenceSigSAVRaccoOC:
		return x.ReferenceSigSAVRaccoOC, true
	case FieldReferencePrestationPrise:
		return x.ReferencePrestationPrise, true
	case FieldReferencePrise:
		return x.ReferencePrise, true
	case FieldStatutAR:
		return upper(string(x.StatutAR)), true
	case FieldReferenceSigSAVOI:
		return x.ReferenceSigSAVOI, true
	case FieldDatePriseEnCompte:
		return formatClock(x.DatePriseEnCompte, LayoutTimestamp), true
	case FieldCodeRetour:
		return returnCodeText(x.CodeRetour), true
	case FieldMotifRefus:
		return x.MotifRefus, true
	}
	return "", true
}

func (x *AR) set(f Field, s string, d *cellDecoder) {
	switch f {
	case FieldReferenceSigSAVRaccoOC:
		x.ReferenceSigSAVRaccoOC = s
	case FieldReferencePrestationPrise:
		x.ReferencePrestationPrise = s
	case FieldReferencePrise:
		x.ReferencePrise = s
	case FieldStatutAR:
		x.StatutAR = Statut(upper(s))
	case FieldReferenceSigSAVOI:
		x.ReferenceSigSAVOI = s
	case FieldDatePriseEnCompte:
		x.DatePriseEnCompte = d.clock(s, 14)
	case FieldCodeRetour:
		x.CodeRetour = d.returnCode(s)
	case FieldMotifRefus:
		x.MotifRefus = s
	}
}

func (x *Cloture) get(f Field) (string, bool) {
	switch f {
	case FieldReferenceSigSAVOI:
		return x.ReferenceSigSAVOI, true
	case FieldReferenceSigSAVRaccoOC:
		return x.ReferenceSigSAVRaccoOC, true
	case FieldReferencePrestationPrise:
		return x.ReferencePrestationPrise, true
	case FieldReferencePrise:
		return x.ReferencePrise, true
	case FieldDateCloture:
		return formatClock(x.DateCloture, LayoutTimestamp), true
	case FieldCodeCloture:
		return upper(string(x.CodeCloture)), true
	case FieldResponsabilite:
		return upper(string(x.Responsabilite)), true
	case FieldLocalisationDefaut:
		return prelocText(x.LocalisationDefaut), true
	case FieldCommentaire:
		return x.Commentaire, true
	}
	return "", true
}

func (x *Cloture) set(f Field, s string, d *cellDecoder) {
	switch f {
	case FieldReferenceSigSAVOI:
		x.ReferenceSigSAVOI = s
	case FieldReferenceSigSAVRaccoOC:
		x.ReferenceSigSAVRaccoOC = s
	case FieldReferencePrestationPrise:
		x.ReferencePrestationPrise = s
	case FieldReferencePrise:
		x.ReferencePrise = s
	case FieldDateCloture:
		x.DateCloture = d.clock(s, 14)
	case FieldCodeCloture:
		x.CodeCloture = codes.ClosureCode(upper(s))
	case FieldResponsabilite:
		x.Responsabilite = codes.Responsabilite(upper(s))
	case FieldLocalisationDefaut:
		x.LocalisationDefaut = lookup(d.aliases.PrelocDefaut, s)
	case FieldCommentaire:
		x.Commentaire = s
	}
}

func (x *Info) get(f Field) (string, bool) {
	switch f {
	case FieldReferenceSigSAVOI:
		return x.ReferenceSigSAVOI, true
	case FieldReferenceSigSAVRaccoOC:
		return x.ReferenceSigSAVRaccoOC, true
	case FieldEmetteur:
		return upper(string(x.Emetteur)), true
	case FieldDateMessage:
		return formatClock(x.DateMessage, LayoutTimestamp), true
	case FieldTypeMessage:
		return typeMessageText(x.TypeMessage), true
	case FieldEtatResolution:
		return etatResolutionText(x.EtatResolution), true
	case FieldDateIntervention:
		return formatClock(x.DateIntervention, LayoutMinute), true
	case FieldIdRdv:
		return x.IdRdv, true
	case FieldPropalRdv:
		return slotsWire(x.PropalRdv)
	case FieldContactClient1:
		return x.ContactClient1, true
	case FieldContactClient2:
		return x.ContactClient2, true
	case FieldCommentaire:
		return x.Commentaire, true
	}
	return "", true
}

func (x *Info) set(f Field, s string, d *cellDecoder) {
	switch f {
	case FieldReferenceSigSAVOI:
		x.ReferenceSigSAVOI = s
	case FieldReferenceSigSAVRaccoOC:
		x.ReferenceSigSAVRaccoOC = s
	case FieldEmetteur:
		x.Emetteur = codes.Role(upper(s))
	case FieldDateMessage:
		x.DateMessage = d.clock(s, 14)
	case FieldTypeMessage:
		x.TypeMessage = lookup(d.aliases.TypeMessage, s)
	case FieldEtatResolution:
		x.EtatResolution = lookup(d.aliases.EtatResolution, s)
	case FieldDateIntervention:
		x.DateIntervention = d.clock(s, 12)
	case FieldIdRdv:
		x.IdRdv = s
	case FieldPropalRdv:
		x.PropalRdv = d.slots(s)
	case FieldContactClient1:
		x.ContactClient1 = d.phone(s)
	case FieldContactClient2:
		x.ContactClient2 = d.phone(s)
	case FieldCommentaire:
		x.Commentaire = s
	}
}

func (x *Travaux) get(f Field) (string, bool) {
	switch f {
	case FieldReferenceTravaux:
		return x.ReferenceTravaux, true
	case FieldEtat:
		return upper(string(x.Etat)), true
	case FieldReferencePM:
		return x.ReferencePM, true
	case FieldDateDebut:
		return formatClock(x.DateDebut, LayoutMinute), true
	case FieldDateFin:
		return formatClock(x.DateFin, LayoutMinute), true
	case FieldNatureIntervention:
		return upper(string(x.NatureIntervention)), true
	case FieldInterventionRequiseOC:
		return upper(string(x.InterventionRequiseOC)), true
	case FieldNumeroVoie:
		return x.NumeroVoie, true
	case FieldVoie:
		return x.Voie, true
	case FieldCodePostal:
		return x.CodePostal, true
	case FieldCommune:
		return x.Commune, true
	case FieldCodeInsee:
		return x.CodeInsee, true
	case FieldIdentifiantImmeuble:
		return x.IdentifiantImmeuble, true
	case FieldContactOI:
		return x.ContactOI, true
	case FieldCommentaire:
		return x.Commentaire, true
	}
	return "", true
}

func (x *Travaux) set(f Field, s string, d *cellDecoder) {
	switch f {
	case FieldReferenceTravaux:
		x.ReferenceTravaux = s
	case FieldEtat:
		x.Etat = EtatTravaux(upper(s))
	case FieldReferencePM:
		x.ReferencePM = s
	case FieldDateDebut:
		x.DateDebut = d.clock(s, 12)
	case FieldDateFin:
		x.DateFin = d.clock(s, 12)
	case FieldNatureIntervention:
		x.NatureIntervention = NatureIntervention(upper(s))
	case FieldInterventionRequiseOC:
		x.InterventionRequiseOC = OuiNon(upper(s))
	case FieldNumeroVoie:
		x.NumeroVoie = s
	case FieldVoie:
		x.Voie = s
	case FieldCodePostal:
		x.CodePostal = d.postal(s)
	case FieldCommune:
		x.Commune = s
	case FieldCodeInsee:
		x.CodeInsee = d.postal(s)
	case FieldIdentifiantImmeuble:
		x.IdentifiantImmeuble = s
	case FieldContactOI:
		x.ContactOI = s
	case FieldCommentaire:
		x.Commentaire = s
	}
}

func (x *Dommage) get(f Field) (string, bool) {
	switch f {
	case FieldReferenceDommageOC:
		return x.ReferenceDommageOC, true
	case FieldReferencePM:
		return x.ReferencePM, true
	case FieldDateConstat:
		return formatDate(x.DateConstat), true
	case FieldLocalisationDommage:
		return prelocText(x.LocalisationDommage), true
	case FieldAdresseImmeuble:
		return x.AdresseImmeuble, true
	case FieldNomContactImmeuble:
		return x.NomContactImmeuble, true
	case FieldTelContactImmeuble:
		return x.TelContactImmeuble, true
	case FieldCommentaire:
		return x.Commentaire, true
	}
	return "", true
}

func (x *Dommage) set(f Field, s string, d *cellDecoder) {
	switch f {
	case FieldReferenceDommageOC:
		x.ReferenceDommageOC = s
	case FieldReferencePM:
		x.ReferencePM = s
	case FieldDateConstat:
		x.DateConstat = d.date(s)
	case FieldLocalisationDommage:
		x.LocalisationDommage = lookup(d.aliases.PrelocDefaut, s)
	case FieldAdresseImmeuble:
		x.AdresseImmeuble = s
	case FieldNomContactImmeuble:
		x.NomContactImmeuble = s
	case FieldTelContactImmeuble:
		x.TelContactImmeuble = d.phone(s)
	case FieldCommentaire:
		x.Commentaire = s
	}
}

func (x *ARDommage) get(f Field) (string, bool) {
	switch f {
	case FieldReferenceDommageOC:
		return x.ReferenceDommageOC, true
	case FieldStatutAR:
		return upper(string(x.StatutAR)), true
	case FieldReferenceDommageOI:
		return x.ReferenceDommageOI, true
	case FieldDatePriseEnCompte:
		return formatClock(x.DatePriseEnCompte, LayoutTimestamp), true
	case FieldCodeRetour:
		return returnCodeText(x.CodeRetour), true
	case FieldMotifRefus:
		return x.MotifRefus, true
	}
	return "", true
}

func (x *ARDommage) set(f Field, s string, d *cellDecoder) {
	switch f {
	case FieldReferenceDommageOC:
		x.ReferenceDommageOC = s
	case FieldStatutAR:
		x.StatutAR = Statut(upper(s))
	case FieldReferenceDommageOI:
		x.ReferenceDommageOI = s
	case FieldDatePriseEnCompte:
		x.DatePriseEnCompte = d.clock(s, 14)
	case FieldCodeRetour:
		x.CodeRetour = d.returnCode(s)
	case FieldMotifRefus:
		x.MotifRefus = s
	}
}
