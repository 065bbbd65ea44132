package infotravaux

import "strings"

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

// NatureIntervention is the kind of works (typeNatureIntervention); the
// TRAVAUX CSV flow uses the same values.
type NatureIntervention string

// Kinds of works, as the contract spells them.
const (
	NatureInterventionDEPL NatureIntervention = "DEPL" // déplacement
	NatureInterventionREFE NatureIntervention = "REFE" // réfection
	NatureInterventionDSCM NatureIntervention = "DSCM"
	NatureInterventionEXTE NatureIntervention = "EXTE" // extension
	NatureInterventionINGE NatureIntervention = "INGE" // ingénierie
	NatureInterventionCHGC NatureIntervention = "CHGC"
	NatureInterventionAUTR NatureIntervention = "AUTR" // autre: commentairesIntervention says what
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

// Label returns the French display text; DSCM and CHGC, which the contract
// does not spell out, are shown as they are.
func (n NatureIntervention) Label() string {
	switch n {
	case NatureInterventionDEPL:
		return "Déplacement"
	case NatureInterventionREFE:
		return "Réfection"
	case NatureInterventionEXTE:
		return "Extension"
	case NatureInterventionINGE:
		return "Ingénierie"
	case NatureInterventionAUTR:
		return "Autre"
	}
	return string(n)
}

// MarshalText implements encoding.TextMarshaler.
func (n NatureIntervention) MarshalText() ([]byte, error) { return []byte(n), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (n *NatureIntervention) UnmarshalText(b []byte) error {
	*n = lenient(b, NatureIntervention.Valid)
	return nil
}

// Etat is the state of a works notice (typeEtat); the TRAVAUX CSV flow uses
// the same values and the same sequence (V1A.md, TRAVAUX).
type Etat string

// States, as the contract spells them.
const (
	EtatNouveau         Etat = "NOUVEAU"
	EtatReplanification Etat = "REPLANIFICATION"
	EtatMAJ             Etat = "MAJ"
	EtatCloture         Etat = "CLOTURE"
	EtatAnnule          Etat = "ANNULE"
)

// Valid reports whether e is one of the five states.
func (e Etat) Valid() bool {
	switch e {
	case EtatNouveau, EtatReplanification, EtatMAJ, EtatCloture, EtatAnnule:
		return true
	}
	return false
}

// Label returns the French display text.
func (e Etat) Label() string {
	switch e {
	case EtatNouveau:
		return "Nouveau"
	case EtatReplanification:
		return "Replanification"
	case EtatMAJ:
		return "Mise à jour"
	case EtatCloture:
		return "Clôturé"
	case EtatAnnule:
		return "Annulé"
	}
	return string(e)
}

// Terminal reports CLOTURE and ANNULE, after which nothing may follow.
func (e Etat) Terminal() bool { return e == EtatCloture || e == EtatAnnule }

// Follows reports whether a notice may go from state prev to e (V1A.md,
// TRAVAUX): anything may start a notice (prev empty); NOUVEAU, MAJ and
// REPLANIFICATION lead to MAJ, REPLANIFICATION, CLOTURE or ANNULE; there is
// no return to NOUVEAU; CLOTURE and ANNULE are terminal. Staying in the same
// state is not a move and is always allowed.
func (e Etat) Follows(prev Etat) bool {
	switch {
	case prev == "" || e == prev:
		return e.Valid()
	case prev.Terminal(), e == EtatNouveau:
		return false
	}
	return e.Valid()
}

// MarshalText implements encoding.TextMarshaler.
func (e Etat) MarshalText() ([]byte, error) { return []byte(e), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (e *Etat) UnmarshalText(b []byte) error {
	*e = lenient(b, Etat.Valid)
	return nil
}

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
