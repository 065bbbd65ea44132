package codes

// Responsabilite is who the OI found responsible for a fault, given at
// closure.
type Responsabilite string

// Responsibilities.
const (
	ResponsabiliteOI    Responsabilite = "OI"    // the OI's shared cabling
	ResponsabiliteOC    Responsabilite = "OC"    // the filing OC, its customer included
	ResponsabiliteTiers Responsabilite = "TIERS" // a third party
)

var responsabiliteAliases = newAliases("Responsabilite",
	[]Responsabilite{ResponsabiliteOI, ResponsabiliteOC, ResponsabiliteTiers}, Responsabilite.Label, nil)

// ParseResponsabilite reads OI, OC or TIERS, ignoring case and accents.
func ParseResponsabilite(s string) (Responsabilite, error) { return responsabiliteAliases.Parse(s) }

// Valid reports whether r is a canonical value.
func (r Responsabilite) Valid() bool {
	return r == ResponsabiliteOI || r == ResponsabiliteOC || r == ResponsabiliteTiers
}

// Label returns the French display text.
func (r Responsabilite) Label() string {
	switch r {
	case ResponsabiliteOI:
		return "Responsabilité de l'OI"
	case ResponsabiliteOC:
		return "Responsabilité de l'OC (client inclus)"
	case ResponsabiliteTiers:
		return "Responsabilité d'un tiers"
	}
	return string(r)
}

// MarshalText implements encoding.TextMarshaler.
func (r Responsabilite) MarshalText() ([]byte, error) { return []byte(r), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (r *Responsabilite) UnmarshalText(b []byte) error {
	*r = lenient(responsabiliteAliases, b)
	return nil
}

// TypeSAV is the kind of after-sales request.
type TypeSAV string

// Kinds of request. An EXPERTISE (expertise contradictoire) contests the
// treatment of an earlier, closed signalisation; protocol 1.0a cannot carry it.
const (
	TypeSAVSignalisation TypeSAV = "SIGNALISATION"
	TypeSAVExpertise     TypeSAV = "EXPERTISE"
)

var typeSAVAliases = newAliases("TypeSAV", []TypeSAV{TypeSAVSignalisation, TypeSAVExpertise}, TypeSAV.Label,
	map[string]TypeSAV{"expertise contradictoire": TypeSAVExpertise})

// ParseTypeSAV reads SIGNALISATION or EXPERTISE, ignoring case and accents.
func ParseTypeSAV(s string) (TypeSAV, error) { return typeSAVAliases.Parse(s) }

// Valid reports whether t is a canonical value.
func (t TypeSAV) Valid() bool { return t == TypeSAVSignalisation || t == TypeSAVExpertise }

// Label returns the French display text.
func (t TypeSAV) Label() string {
	switch t {
	case TypeSAVSignalisation:
		return "Signalisation"
	case TypeSAVExpertise:
		return "Expertise contradictoire"
	}
	return string(t)
}

// MarshalText implements encoding.TextMarshaler.
func (t TypeSAV) MarshalText() ([]byte, error) { return []byte(t), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (t *TypeSAV) UnmarshalText(b []byte) error { *t = lenient(typeSAVAliases, b); return nil }

// EtatResolution is the resolution sub-state of a ticket the OI has taken in
// charge (état de résolution).
type EtatResolution string

// Resolution sub-states.
const (
	EtatResolutionADefinir         EtatResolution = "ACTION A DEFINIR"
	EtatResolutionPrevue           EtatResolution = "ACTION PREVUE"
	EtatResolutionPlanifiee        EtatResolution = "ACTION PLANIFIEE"
	EtatResolutionNouvelleAPrevoir EtatResolution = "NOUVELLE ACTION A PREVOIR"
	EtatResolutionTerminee         EtatResolution = "ACTION TERMINEE"
)

// EtatResolutions lists the sub-states in their usual order.
var EtatResolutions = []EtatResolution{
	EtatResolutionADefinir, EtatResolutionPrevue, EtatResolutionPlanifiee,
	EtatResolutionNouvelleAPrevoir, EtatResolutionTerminee,
}

var etatResolutionAliases = newAliases("EtatResolution", EtatResolutions, EtatResolution.Label,
	map[string]EtatResolution{
		"a definir": EtatResolutionADefinir, "prevue": EtatResolutionPrevue,
		"planifiee": EtatResolutionPlanifiee, "terminee": EtatResolutionTerminee,
	})

// DefaultEtatResolutionAliases returns a private copy of the default
// spellings of EtatResolution.
func DefaultEtatResolutionAliases() *Aliases[EtatResolution] { return etatResolutionAliases.Clone() }

// ParseEtatResolution reads a sub-state, ignoring case, accents and spacing.
func ParseEtatResolution(s string) (EtatResolution, error) { return etatResolutionAliases.Parse(s) }

// Valid reports whether e is a canonical value.
func (e EtatResolution) Valid() bool {
	switch e {
	case EtatResolutionADefinir, EtatResolutionPrevue, EtatResolutionPlanifiee,
		EtatResolutionNouvelleAPrevoir, EtatResolutionTerminee:
		return true
	}
	return false
}

// Label returns the French display text.
func (e EtatResolution) Label() string {
	switch e {
	case EtatResolutionADefinir:
		return "Action à définir"
	case EtatResolutionPrevue:
		return "Action prévue"
	case EtatResolutionPlanifiee:
		return "Action planifiée"
	case EtatResolutionNouvelleAPrevoir:
		return "Nouvelle action à prévoir"
	case EtatResolutionTerminee:
		return "Action terminée"
	}
	return string(e)
}

// MarshalText implements encoding.TextMarshaler.
func (e EtatResolution) MarshalText() ([]byte, error) { return []byte(e), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (e *EtatResolution) UnmarshalText(b []byte) error {
	*e = lenient(etatResolutionAliases, b)
	return nil
}

// TypeMessage is the type of an information message (message typé).
type TypeMessage string

// Message types. Who may send which is checked by package ticket: AVANCEMENT
// RESOLUTION and CONFIRMATION RDV come from the OI, COORDONNEES CLIENT from the
// OC, the others from either side.
const (
	TypeMessageDemandeRdv           TypeMessage = "DEMANDE RDV"
	TypeMessageReponseRdv           TypeMessage = "REPONSE RDV"
	TypeMessageConfirmationRdv      TypeMessage = "CONFIRMATION RDV"
	TypeMessagePropositionRdv       TypeMessage = "PROPOSITION RDV"
	TypeMessageAvancementResolution TypeMessage = "AVANCEMENT RESOLUTION"
	TypeMessageCommentaire          TypeMessage = "COMMENTAIRE"
	TypeMessageCoordonneesClient    TypeMessage = "COORDONNEES CLIENT"
)

// TypeMessages lists the message types.
var TypeMessages = []TypeMessage{
	TypeMessageDemandeRdv, TypeMessageReponseRdv, TypeMessageConfirmationRdv, TypeMessagePropositionRdv,
	TypeMessageAvancementResolution, TypeMessageCommentaire, TypeMessageCoordonneesClient,
}

var typeMessageAliases = newAliases("TypeMessage", TypeMessages, TypeMessage.Label,
	map[string]TypeMessage{
		"demande de rdv":           TypeMessageDemandeRdv,
		"reponse de rdv":           TypeMessageReponseRdv,
		"confirmation de rdv":      TypeMessageConfirmationRdv,
		"proposition de rdv":       TypeMessagePropositionRdv,
		"avancement resol":         TypeMessageAvancementResolution,
		"avancement de resolution": TypeMessageAvancementResolution,
		"coordonnees":              TypeMessageCoordonneesClient,
	})

// DefaultTypeMessageAliases returns a private copy of the default spellings
// of TypeMessage (the seed's "Proposition de rdv", "Demande rdv", "Avancement
// résol", …).
func DefaultTypeMessageAliases() *Aliases[TypeMessage] { return typeMessageAliases.Clone() }

// ParseTypeMessage reads a message type, ignoring case, accents and spacing.
func ParseTypeMessage(s string) (TypeMessage, error) { return typeMessageAliases.Parse(s) }

// Valid reports whether m is a canonical value.
func (m TypeMessage) Valid() bool {
	switch m {
	case TypeMessageDemandeRdv, TypeMessageReponseRdv, TypeMessageConfirmationRdv, TypeMessagePropositionRdv,
		TypeMessageAvancementResolution, TypeMessageCommentaire, TypeMessageCoordonneesClient:
		return true
	}
	return false
}

// SentBy reports whether an operator in role r may send a message of type m.
func (m TypeMessage) SentBy(r Role) bool {
	switch m {
	case TypeMessageConfirmationRdv, TypeMessageAvancementResolution:
		return r == RoleOI
	case TypeMessageCoordonneesClient:
		return r == RoleOC
	}
	return r.Valid()
}

// NeedsText reports whether a message of type m must carry a text
// (COMMENTAIRE and AVANCEMENT RESOLUTION).
func (m TypeMessage) NeedsText() bool {
	return m == TypeMessageCommentaire || m == TypeMessageAvancementResolution
}

// Label returns the French display text.
func (m TypeMessage) Label() string {
	switch m {
	case TypeMessageDemandeRdv:
		return "Demande RDV"
	case TypeMessageReponseRdv:
		return "Réponse RDV"
	case TypeMessageConfirmationRdv:
		return "Confirmation RDV"
	case TypeMessagePropositionRdv:
		return "Proposition RDV"
	case TypeMessageAvancementResolution:
		return "Avancement résolution"
	case TypeMessageCommentaire:
		return "Commentaire"
	case TypeMessageCoordonneesClient:
		return "Coordonnées client"
	}
	return string(m)
}

// MarshalText implements encoding.TextMarshaler.
func (m TypeMessage) MarshalText() ([]byte, error) { return []byte(m), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (m *TypeMessage) UnmarshalText(b []byte) error {
	*m = lenient(typeMessageAliases, b)
	return nil
}
