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
	// val returns the value of the i-th field of the flow's default
	// layout, unformatted.
	val(i int) value
	// set stores the decoded text of the i-th field of the flow's default
	// layout.
	set(i int, s string, d *cellDecoder)
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

// EtatTravaux is the Etat of a planned-works line, shared with the
// InfoTravaux web service (codes.EtatTravaux: Valid, Terminal, Follows).
type EtatTravaux = codes.EtatTravaux

// Planned-works states.
const (
	EtatTravauxNouveau         = codes.EtatTravauxNouveau
	EtatTravauxReplanification = codes.EtatTravauxReplanification
	EtatTravauxMAJ             = codes.EtatTravauxMAJ
	EtatTravauxCloture         = codes.EtatTravauxCloture
	EtatTravauxAnnule          = codes.EtatTravauxAnnule
)

// NatureIntervention is the kind of planned works, shared with the
// InfoTravaux web service (codes.NatureIntervention).
type NatureIntervention = codes.NatureIntervention

// Kinds of planned works; AUTR requires a Commentaire.
const (
	NatureInterventionDEPL = codes.NatureInterventionDEPL
	NatureInterventionREFE = codes.NatureInterventionREFE
	NatureInterventionDSCM = codes.NatureInterventionDSCM
	NatureInterventionEXTE = codes.NatureInterventionEXTE
	NatureInterventionINGE = codes.NatureInterventionINGE
	NatureInterventionCHGC = codes.NatureInterventionCHGC
	NatureInterventionAUTR = codes.NatureInterventionAUTR
)

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

func (x *Depot) val(i int) value {
	switch i {
	case 0: // ReferencePrestationPrise
		return str(x.ReferencePrestationPrise)
	case 1: // ReferencePrise
		return str(x.ReferencePrise)
	case 2: // ReferenceSigSAVRaccoOC
		return str(x.ReferenceSigSAVRaccoOC)
	case 3: // DateIncidClientFinal
		return dateV(x.DateIncidClientFinal)
	case 4: // NatureDefaut
		return str(natureText(x.NatureDefaut))
	case 5: // PrelocDefaut
		return str(prelocText(x.PrelocDefaut))
	case 6: // NomClient
		return str(x.NomClient)
	case 7: // PrenomClient
		return str(x.PrenomClient)
	case 8: // ContactClient1
		return str(x.ContactClient1)
	case 9: // ContactClient2
		return str(x.ContactClient2)
	case 10: // IdRdv
		return str(x.IdRdv)
	case 11: // PropalRdv
		return slotsV(x.PropalRdv)
	case 12: // Commentaire
		return str(x.Commentaire)
	}
	return value{}
}

func (x *Depot) set(i int, s string, d *cellDecoder) {
	switch i {
	case 0: // ReferencePrestationPrise
		x.ReferencePrestationPrise = s
	case 1: // ReferencePrise
		x.ReferencePrise = s
	case 2: // ReferenceSigSAVRaccoOC
		x.ReferenceSigSAVRaccoOC = s
	case 3: // DateIncidClientFinal
		x.DateIncidClientFinal = d.date(s)
	case 4: // NatureDefaut
		x.NatureDefaut = lookup(d.aliases.NatureDefaut, s)
	case 5: // PrelocDefaut
		x.PrelocDefaut = lookup(d.aliases.PrelocDefaut, s)
	case 6: // NomClient
		x.NomClient = s
	case 7: // PrenomClient
		x.PrenomClient = s
	case 8: // ContactClient1
		x.ContactClient1 = d.phone(s)
	case 9: // ContactClient2
		x.ContactClient2 = d.phone(s)
	case 10: // IdRdv
		x.IdRdv = s
	case 11: // PropalRdv
		x.PropalRdv = d.slots(s)
	case 12: // Commentaire
		x.Commentaire = s
	}
}

func (x *AR) val(i int) value {
	switch i {
	case 0: // ReferenceSigSAVRaccoOC
		return str(x.ReferenceSigSAVRaccoOC)
	case 1: // ReferencePrestationPrise
		return str(x.ReferencePrestationPrise)
	case 2: // ReferencePrise
		return str(x.ReferencePrise)
	case 3: // StatutAR
		return str(upper(string(x.StatutAR)))
	case 4: // ReferenceSigSAVOI
		return str(x.ReferenceSigSAVOI)
	case 5: // DatePriseEnCompte
		return timeV(x.DatePriseEnCompte)
	case 6: // CodeRetour
		return numV(int(x.CodeRetour))
	case 7: // MotifRefus
		return str(x.MotifRefus)
	}
	return value{}
}

func (x *AR) set(i int, s string, d *cellDecoder) {
	switch i {
	case 0: // ReferenceSigSAVRaccoOC
		x.ReferenceSigSAVRaccoOC = s
	case 1: // ReferencePrestationPrise
		x.ReferencePrestationPrise = s
	case 2: // ReferencePrise
		x.ReferencePrise = s
	case 3: // StatutAR
		x.StatutAR = Statut(upper(s))
	case 4: // ReferenceSigSAVOI
		x.ReferenceSigSAVOI = s
	case 5: // DatePriseEnCompte
		x.DatePriseEnCompte = d.clock(s, 14)
	case 6: // CodeRetour
		x.CodeRetour = d.returnCode(s)
	case 7: // MotifRefus
		x.MotifRefus = s
	}
}

func (x *Cloture) val(i int) value {
	switch i {
	case 0: // ReferenceSigSAVOI
		return str(x.ReferenceSigSAVOI)
	case 1: // ReferenceSigSAVRaccoOC
		return str(x.ReferenceSigSAVRaccoOC)
	case 2: // ReferencePrestationPrise
		return str(x.ReferencePrestationPrise)
	case 3: // ReferencePrise
		return str(x.ReferencePrise)
	case 4: // DateCloture
		return timeV(x.DateCloture)
	case 5: // CodeCloture
		return str(upper(string(x.CodeCloture)))
	case 6: // Responsabilite
		return str(upper(string(x.Responsabilite)))
	case 7: // LocalisationDefaut
		return str(prelocText(x.LocalisationDefaut))
	case 8: // Commentaire
		return str(x.Commentaire)
	}
	return value{}
}

func (x *Cloture) set(i int, s string, d *cellDecoder) {
	switch i {
	case 0: // ReferenceSigSAVOI
		x.ReferenceSigSAVOI = s
	case 1: // ReferenceSigSAVRaccoOC
		x.ReferenceSigSAVRaccoOC = s
	case 2: // ReferencePrestationPrise
		x.ReferencePrestationPrise = s
	case 3: // ReferencePrise
		x.ReferencePrise = s
	case 4: // DateCloture
		x.DateCloture = d.clock(s, 14)
	case 5: // CodeCloture
		x.CodeCloture = codes.ClosureCode(upper(s))
	case 6: // Responsabilite
		x.Responsabilite = codes.Responsabilite(upper(s))
	case 7: // LocalisationDefaut
		x.LocalisationDefaut = lookup(d.aliases.PrelocDefaut, s)
	case 8: // Commentaire
		x.Commentaire = s
	}
}

func (x *Info) val(i int) value {
	switch i {
	case 0: // ReferenceSigSAVOI
		return str(x.ReferenceSigSAVOI)
	case 1: // ReferenceSigSAVRaccoOC
		return str(x.ReferenceSigSAVRaccoOC)
	case 2: // Emetteur
		return str(upper(string(x.Emetteur)))
	case 3: // DateMessage
		return timeV(x.DateMessage)
	case 4: // TypeMessage
		return str(typeMessageText(x.TypeMessage))
	case 5: // EtatResolution
		return str(etatResolutionText(x.EtatResolution))
	case 6: // DateIntervention
		return timeV(x.DateIntervention)
	case 7: // IdRdv
		return str(x.IdRdv)
	case 8: // PropalRdv
		return slotsV(x.PropalRdv)
	case 9: // ContactClient1
		return str(x.ContactClient1)
	case 10: // ContactClient2
		return str(x.ContactClient2)
	case 11: // Commentaire
		return str(x.Commentaire)
	}
	return value{}
}

func (x *Info) set(i int, s string, d *cellDecoder) {
	switch i {
	case 0: // ReferenceSigSAVOI
		x.ReferenceSigSAVOI = s
	case 1: // ReferenceSigSAVRaccoOC
		x.ReferenceSigSAVRaccoOC = s
	case 2: // Emetteur
		x.Emetteur = codes.Role(upper(s))
	case 3: // DateMessage
		x.DateMessage = d.clock(s, 14)
	case 4: // TypeMessage
		x.TypeMessage = lookup(d.aliases.TypeMessage, s)
	case 5: // EtatResolution
		x.EtatResolution = lookup(d.aliases.EtatResolution, s)
	case 6: // DateIntervention
		x.DateIntervention = d.clock(s, 12)
	case 7: // IdRdv
		x.IdRdv = s
	case 8: // PropalRdv
		x.PropalRdv = d.slots(s)
	case 9: // ContactClient1
		x.ContactClient1 = d.phone(s)
	case 10: // ContactClient2
		x.ContactClient2 = d.phone(s)
	case 11: // Commentaire
		x.Commentaire = s
	}
}

func (x *Travaux) val(i int) value {
	switch i {
	case 0: // ReferenceTravaux
		return str(x.ReferenceTravaux)
	case 1: // Etat
		return str(upper(string(x.Etat)))
	case 2: // ReferencePM
		return str(x.ReferencePM)
	case 3: // DateDebut
		return timeV(x.DateDebut)
	case 4: // DateFin
		return timeV(x.DateFin)
	case 5: // NatureIntervention
		return str(upper(string(x.NatureIntervention)))
	case 6: // InterventionRequiseOC
		return str(upper(string(x.InterventionRequiseOC)))
	case 7: // NumeroVoie
		return str(x.NumeroVoie)
	case 8: // Voie
		return str(x.Voie)
	case 9: // CodePostal
		return str(x.CodePostal)
	case 10: // Commune
		return str(x.Commune)
	case 11: // CodeInsee
		return str(x.CodeInsee)
	case 12: // IdentifiantImmeuble
		return str(x.IdentifiantImmeuble)
	case 13: // ContactOI
		return str(x.ContactOI)
	case 14: // Commentaire
		return str(x.Commentaire)
	}
	return value{}
}

func (x *Travaux) set(i int, s string, d *cellDecoder) {
	switch i {
	case 0: // ReferenceTravaux
		x.ReferenceTravaux = s
	case 1: // Etat
		x.Etat = EtatTravaux(upper(s))
	case 2: // ReferencePM
		x.ReferencePM = s
	case 3: // DateDebut
		x.DateDebut = d.clock(s, 12)
	case 4: // DateFin
		x.DateFin = d.clock(s, 12)
	case 5: // NatureIntervention
		x.NatureIntervention = NatureIntervention(upper(s))
	case 6: // InterventionRequiseOC
		x.InterventionRequiseOC = OuiNon(upper(s))
	case 7: // NumeroVoie
		x.NumeroVoie = s
	case 8: // Voie
		x.Voie = s
	case 9: // CodePostal
		x.CodePostal = d.postal(s)
	case 10: // Commune
		x.Commune = s
	case 11: // CodeInsee
		x.CodeInsee = d.postal(s)
	case 12: // IdentifiantImmeuble
		x.IdentifiantImmeuble = s
	case 13: // ContactOI
		x.ContactOI = s
	case 14: // Commentaire
		x.Commentaire = s
	}
}

func (x *Dommage) val(i int) value {
	switch i {
	case 0: // ReferenceDommageOC
		return str(x.ReferenceDommageOC)
	case 1: // ReferencePM
		return str(x.ReferencePM)
	case 2: // DateConstat
		return dateV(x.DateConstat)
	case 3: // LocalisationDommage
		return str(prelocText(x.LocalisationDommage))
	case 4: // AdresseImmeuble
		return str(x.AdresseImmeuble)
	case 5: // NomContactImmeuble
		return str(x.NomContactImmeuble)
	case 6: // TelContactImmeuble
		return str(x.TelContactImmeuble)
	case 7: // Commentaire
		return str(x.Commentaire)
	}
	return value{}
}

func (x *Dommage) set(i int, s string, d *cellDecoder) {
	switch i {
	case 0: // ReferenceDommageOC
		x.ReferenceDommageOC = s
	case 1: // ReferencePM
		x.ReferencePM = s
	case 2: // DateConstat
		x.DateConstat = d.date(s)
	case 3: // LocalisationDommage
		x.LocalisationDommage = lookup(d.aliases.PrelocDefaut, s)
	case 4: // AdresseImmeuble
		x.AdresseImmeuble = s
	case 5: // NomContactImmeuble
		x.NomContactImmeuble = s
	case 6: // TelContactImmeuble
		x.TelContactImmeuble = d.phone(s)
	case 7: // Commentaire
		x.Commentaire = s
	}
}

func (x *ARDommage) val(i int) value {
	switch i {
	case 0: // ReferenceDommageOC
		return str(x.ReferenceDommageOC)
	case 1: // StatutAR
		return str(upper(string(x.StatutAR)))
	case 2: // ReferenceDommageOI
		return str(x.ReferenceDommageOI)
	case 3: // DatePriseEnCompte
		return timeV(x.DatePriseEnCompte)
	case 4: // CodeRetour
		return numV(int(x.CodeRetour))
	case 5: // MotifRefus
		return str(x.MotifRefus)
	}
	return value{}
}

func (x *ARDommage) set(i int, s string, d *cellDecoder) {
	switch i {
	case 0: // ReferenceDommageOC
		x.ReferenceDommageOC = s
	case 1: // StatutAR
		x.StatutAR = Statut(upper(s))
	case 2: // ReferenceDommageOI
		x.ReferenceDommageOI = s
	case 3: // DatePriseEnCompte
		x.DatePriseEnCompte = d.clock(s, 14)
	case 4: // CodeRetour
		x.CodeRetour = d.returnCode(s)
	case 5: // MotifRefus
		x.MotifRefus = s
	}
}

// valueKind says which member of a value holds it.
type valueKind uint8

const (
	vText valueKind = iota
	vZero           // an empty date or time
	vDate
	vTime
	vSlots
	vNum
)

// value is a field's value as a record holds it, before formatting: the
// validator checks it without formatting, the writer formats it. It is
// small enough to travel in registers: a date is n = AAAAMMJJ, a time n =
// its Unix time in seconds (k = vZero for an empty date or time).
type value struct {
	k     valueKind
	s     string
	n     int64
	slots []ticket.Slot
}

func str(s string) value           { return value{s: s} }
func slotsV(s []ticket.Slot) value { return value{k: vSlots, slots: s} }
func numV(n int) value             { return value{k: vNum, n: int64(n)} }

func dateV(d ticket.Date) value {
	if d.IsZero() {
		return value{k: vZero}
	}
	return value{k: vDate, n: int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day)}
}

func timeV(t time.Time) value {
	if t.IsZero() {
		return value{k: vZero}
	}
	return value{k: vTime, n: t.Unix()}
}

// zero reports an empty value (a number is never empty).
func (v value) zero() bool {
	switch v.k {
	case vZero:
		return true
	case vSlots:
		return len(v.slots) == 0
	case vText:
		return v.s == ""
	}
	return false
}

// appendWire appends the wire form of a date, time, slots or number value
// (ASCII, never quoted); false when it cannot be written. z converts times
// to Paris wall clocks.
func (v value) appendWire(dst []byte, k kind, z *parisClock) ([]byte, bool) {
	switch v.k {
	case vDate:
		dst = appendN(dst, int(v.n/10000), 4)
		dst = appendN(dst, int(v.n/100%100), 2)
		return appendN(dst, int(v.n%100), 2), true
	case vTime:
		return z.appendClock(dst, time.Unix(v.n, 0), k != kindMinute), true
	case vSlots:
		return z.appendSlots(dst, v.slots)
	case vNum:
		return strconv.AppendInt(dst, v.n, 10), true
	}
	return append(dst, v.s...), true
}
