package codes

// EtatTravaux is the state of a planned-works notice, the same in the
// InfoTravaux FTTH web service (typeEtat) and in the 1.0a TRAVAUX flow.
type EtatTravaux string

// Planned-works states.
const (
	EtatTravauxNouveau         EtatTravaux = "NOUVEAU"
	EtatTravauxReplanification EtatTravaux = "REPLANIFICATION"
	EtatTravauxMAJ             EtatTravaux = "MAJ"
	EtatTravauxCloture         EtatTravaux = "CLOTURE"
	EtatTravauxAnnule          EtatTravaux = "ANNULE"
)

// EtatsTravaux lists the states in their usual order.
var EtatsTravaux = []EtatTravaux{
	EtatTravauxNouveau, EtatTravauxReplanification, EtatTravauxMAJ, EtatTravauxCloture, EtatTravauxAnnule,
}

var etatTravauxAliases = newAliases("Etat", EtatsTravaux, EtatTravaux.Label, nil)

// ParseEtatTravaux reads a state, ignoring case, accents and spacing.
func ParseEtatTravaux(s string) (EtatTravaux, error) { return etatTravauxAliases.Parse(s) }

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

// Follows reports whether a notice may go from state prev to e (V1A.md,
// TRAVAUX, after InfoTravaux): any valid state may start a notice (prev
// empty); NOUVEAU, MAJ and REPLANIFICATION lead to MAJ, REPLANIFICATION,
// CLOTURE or ANNULE; there is no return to NOUVEAU; CLOTURE and ANNULE are
// terminal. Staying in the same state (one line per impacted address) is not
// a move and is always allowed.
func (e EtatTravaux) Follows(prev EtatTravaux) bool {
	switch {
	case !e.Valid():
		return false
	case prev == "" || e == prev:
		return true
	}
	return !prev.Terminal() && e != EtatTravauxNouveau
}

// Label returns the French display text.
func (e EtatTravaux) Label() string {
	switch e {
	case EtatTravauxNouveau:
		return "Nouveau"
	case EtatTravauxReplanification:
		return "Replanification"
	case EtatTravauxMAJ:
		return "Mise à jour"
	case EtatTravauxCloture:
		return "Clôturé"
	case EtatTravauxAnnule:
		return "Annulé"
	}
	return string(e)
}

// MarshalText implements encoding.TextMarshaler.
func (e EtatTravaux) MarshalText() ([]byte, error) { return []byte(e), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (e *EtatTravaux) UnmarshalText(b []byte) error {
	*e = lenient(etatTravauxAliases, b)
	return nil
}

// NatureIntervention is the kind of planned works, the same in the
// InfoTravaux FTTH web service and in the 1.0a TRAVAUX flow.
type NatureIntervention string

// Kinds of planned works.
const (
	NatureInterventionDEPL NatureIntervention = "DEPL" // déplacement
	NatureInterventionREFE NatureIntervention = "REFE" // réfection
	NatureInterventionDSCM NatureIntervention = "DSCM"
	NatureInterventionEXTE NatureIntervention = "EXTE" // extension
	NatureInterventionINGE NatureIntervention = "INGE" // ingénierie
	NatureInterventionCHGC NatureIntervention = "CHGC"
	NatureInterventionAUTR NatureIntervention = "AUTR" // autre: a comment says what
)

// NatureInterventions lists the kinds of works.
var NatureInterventions = []NatureIntervention{
	NatureInterventionDEPL, NatureInterventionREFE, NatureInterventionDSCM, NatureInterventionEXTE,
	NatureInterventionINGE, NatureInterventionCHGC, NatureInterventionAUTR,
}

var natureInterventionAliases = newAliases("NatureIntervention", NatureInterventions, NatureIntervention.Label, nil)

// ParseNatureIntervention reads a kind of works, ignoring case and spacing.
func ParseNatureIntervention(s string) (NatureIntervention, error) {
	return natureInterventionAliases.Parse(s)
}

// Valid reports whether n is one of the seven kinds.
func (n NatureIntervention) Valid() bool {
	switch n {
	case NatureInterventionDEPL, NatureInterventionREFE, NatureInterventionDSCM, NatureInterventionEXTE,
		NatureInterventionINGE, NatureInterventionCHGC, NatureInterventionAUTR:
		return true
	}
	return false
}

// Label returns the French display text; DSCM and CHGC, which no public
// source spells out, are shown as they are.
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
	*n = lenient(natureInterventionAliases, b)
	return nil
}
