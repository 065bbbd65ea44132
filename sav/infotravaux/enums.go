package infotravaux

import (
	"strings"

	"github.com/opensav/savsdk/codes"
)

// Categorie is the category of a works notice (typeCategorie): TP for
// planned works (travaux programmés), DERCO for a collective outage
// (dérangement collectif) and the works that repair it.
type Categorie string

// Categories, as the contract spells them.
const (
	CategorieTP    Categorie = "TP"
	CategorieDERCO Categorie = "DERCO"
)

// Valid reports whether c is TP or DERCO.
func (c Categorie) Valid() bool { return c == CategorieTP || c == CategorieDERCO }

// Label returns the French display text.
func (c Categorie) Label() string {
	switch c {
	case CategorieTP:
		return "Travaux programmés"
	case CategorieDERCO:
		return "Dérangement collectif"
	}
	return string(c)
}

// MarshalText implements encoding.TextMarshaler.
func (c Categorie) MarshalText() ([]byte, error) { return []byte(c), nil }

// UnmarshalText implements encoding.TextUnmarshaler: a value of the
// enumeration is read whatever its case and surrounding spaces; unknown
// values are kept as received (trimmed) for Valid to report.
func (c *Categorie) UnmarshalText(b []byte) error {
	*c = lenient(b, Categorie.Valid)
	return nil
}

// EquipementConcerne is the equipment the works concern
// (typeEquipementConcerne).
type EquipementConcerne string

// Equipment, as the contract spells it.
const (
	EquipementConcernePM        EquipementConcerne = "PM"        // point de mutualisation
	EquipementConcernePMT       EquipementConcerne = "PMT"       // PM technique
	EquipementConcernePBO       EquipementConcerne = "PBO"       // point de branchement optique
	EquipementConcerneLIENPMPBO EquipementConcerne = "LIENPMPBO" // the cable between PM and PBO
)

// Valid reports whether e is PM, PMT, PBO or LIENPMPBO.
func (e EquipementConcerne) Valid() bool {
	switch e {
	case EquipementConcernePM, EquipementConcernePMT, EquipementConcernePBO, EquipementConcerneLIENPMPBO:
		return true
	}
	return false
}

// Label returns the French display text.
func (e EquipementConcerne) Label() string {
	switch e {
	case EquipementConcernePM:
		return "Point de mutualisation"
	case EquipementConcernePMT:
		return "Point de mutualisation technique"
	case EquipementConcernePBO:
		return "Point de branchement optique"
	case EquipementConcerneLIENPMPBO:
		return "Lien PM-PBO"
	}
	return string(e)
}

// MarshalText implements encoding.TextMarshaler.
func (e EquipementConcerne) MarshalText() ([]byte, error) { return []byte(e), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (e *EquipementConcerne) UnmarshalText(b []byte) error {
	*e = lenient(b, EquipementConcerne.Valid)
	return nil
}

// NatureIntervention is the kind of works (typeNatureIntervention), shared
// with the 1.0a TRAVAUX flow (codes.NatureIntervention).
type NatureIntervention = codes.NatureIntervention

// Kinds of works, as the contract spells them; for AUTR,
// commentairesIntervention says what.
const (
	NatureInterventionDEPL = codes.NatureInterventionDEPL
	NatureInterventionREFE = codes.NatureInterventionREFE
	NatureInterventionDSCM = codes.NatureInterventionDSCM
	NatureInterventionEXTE = codes.NatureInterventionEXTE
	NatureInterventionINGE = codes.NatureInterventionINGE
	NatureInterventionCHGC = codes.NatureInterventionCHGC
	NatureInterventionAUTR = codes.NatureInterventionAUTR
)

// Etat is the state of a works notice (typeEtat), shared with the TRAVAUX
// CSV flow (codes.EtatTravaux: Valid, Terminal, Follows).
type Etat = codes.EtatTravaux

// States, as the contract spells them.
const (
	EtatNouveau         = codes.EtatTravauxNouveau
	EtatReplanification = codes.EtatTravauxReplanification
	EtatMAJ             = codes.EtatTravauxMAJ
	EtatCloture         = codes.EtatTravauxCloture
	EtatAnnule          = codes.EtatTravauxAnnule
)

// Booleen is a yes/no value (typeBooleen): OUI or NON. The empty value means
// absent where the contract makes the element optional.
type Booleen string

// Yes and no.
const (
	BooleenOui Booleen = "OUI"
	BooleenNon Booleen = "NON"
)

// Bool returns BooleenOui for true and BooleenNon for false.
func Bool(b bool) Booleen {
	if b {
		return BooleenOui
	}
	return BooleenNon
}

// Valid reports whether b is OUI or NON.
func (b Booleen) Valid() bool { return b == BooleenOui || b == BooleenNon }

// Label returns the French display text.
func (b Booleen) Label() string {
	switch b {
	case BooleenOui:
		return "Oui"
	case BooleenNon:
		return "Non"
	}
	return string(b)
}

// MarshalText implements encoding.TextMarshaler.
func (b Booleen) MarshalText() ([]byte, error) { return []byte(b), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (b *Booleen) UnmarshalText(t []byte) error {
	*b = lenient(t, Booleen.Valid)
	return nil
}

// lenient is the reading of every enumeration: trimmed; upper-cased when
// that makes a value of the enumeration; otherwise kept as received, so
// unknown values survive a round trip.
func lenient[T ~string](b []byte, valid func(T) bool) T {
	s := strings.TrimSpace(string(b))
	if u := T(strings.ToUpper(s)); valid(u) {
		return u
	}
	return T(s)
}
