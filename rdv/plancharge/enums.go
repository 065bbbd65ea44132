package plancharge

import "strings"

// TypeIntervention is the kind of intervention: S (SAV) or E.
type TypeIntervention string

// Kinds of intervention, as the contract spells them.
const (
	TypeInterventionS TypeIntervention = "S" // intervention SAV
	TypeInterventionE TypeIntervention = "E" // intervention E, as published
)

// Valid reports whether t is S or E.
func (t TypeIntervention) Valid() bool { return t == TypeInterventionS || t == TypeInterventionE }

// Label returns the French display text.
func (t TypeIntervention) Label() string {
	switch t {
	case TypeInterventionS:
		return "Intervention SAV"
	case TypeInterventionE:
		return "Intervention E"
	}
	return string(t)
}

// MarshalText implements encoding.TextMarshaler.
func (t TypeIntervention) MarshalText() ([]byte, error) { return []byte(t), nil }

// UnmarshalText implements encoding.TextUnmarshaler: the value is trimmed and
// upper-cased; unknown values are kept for Valid to report.
func (t *TypeIntervention) UnmarshalText(b []byte) error {
	*t = TypeIntervention(strings.ToUpper(strings.TrimSpace(string(b))))
	return nil
}

// NatureProduit is the product: FTTH_ACCES.
type NatureProduit string

// Products.
const NatureProduitFTTHAcces NatureProduit = "FTTH_ACCES"

// Valid reports whether n is FTTH_ACCES.
func (n NatureProduit) Valid() bool { return n == NatureProduitFTTHAcces }

// Label returns the French display text.
func (n NatureProduit) Label() string {
	if n == NatureProduitFTTHAcces {
		return "Accès FTTH"
	}
	return string(n)
}

// MarshalText implements encoding.TextMarshaler.
func (n NatureProduit) MarshalText() ([]byte, error) { return []byte(n), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (n *NatureProduit) UnmarshalText(b []byte) error {
	*n = NatureProduit(strings.ToUpper(strings.TrimSpace(string(b))))
	return nil
}

// SegmentMarche is the customer's market segment.
type SegmentMarche string

// Market segments.
const (
	SegmentMarcheEntreprise SegmentMarche = "ENTREPRISE"
	SegmentMarcheGP         SegmentMarche = "GP" // grand public
	SegmentMarcheOperateur  SegmentMarche = "OPERATEUR"
)

// Valid reports whether s is ENTREPRISE, GP or OPERATEUR.
func (s SegmentMarche) Valid() bool {
	return s == SegmentMarcheEntreprise || s == SegmentMarcheGP || s == SegmentMarcheOperateur
}

// Label returns the French display text.
func (s SegmentMarche) Label() string {
	switch s {
	case SegmentMarcheEntreprise:
		return "Entreprise"
	case SegmentMarcheGP:
		return "Grand public"
	case SegmentMarcheOperateur:
		return "Opérateur"
	}
	return string(s)
}

// MarshalText implements encoding.TextMarshaler.
func (s SegmentMarche) MarshalText() ([]byte, error) { return []byte(s), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (s *SegmentMarche) UnmarshalText(b []byte) error {
	*s = SegmentMarche(strings.ToUpper(strings.TrimSpace(string(b))))
	return nil
}

// StatutRendezVous is an appointment's status.
type StatutRendezVous string

// Appointment statuses: booked by the OC, then confirmed by the OI.
const (
	StatutRendezVousCree     StatutRendezVous = "CREE"
	StatutRendezVousConfirme StatutRendezVous = "CONFIRME"
)

// Valid reports whether s is CREE or CONFIRME.
func (s StatutRendezVous) Valid() bool {
	return s == StatutRendezVousCree || s == StatutRendezVousConfirme
}

// Label returns the French display text.
func (s StatutRendezVous) Label() string {
	switch s {
	case StatutRendezVousCree:
		return "Créé"
	case StatutRendezVousConfirme:
		return "Confirmé"
	}
	return string(s)
}

// MarshalText implements encoding.TextMarshaler.
func (s StatutRendezVous) MarshalText() ([]byte, error) { return []byte(s), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (s *StatutRendezVous) UnmarshalText(b []byte) error {
	*s = StatutRendezVous(strings.ToUpper(strings.TrimSpace(string(b))))
	return nil
}

// NatureReport is the kind of move reportRDV makes.
type NatureReport string

// Kinds of move.
const (
	// NatureReportReserve moves a booked (CREE) appointment.
	NatureReportReserve NatureReport = "REPORT_RDV_RESERVE"
	// NatureReportConfirme moves a CONFIRME appointment, which goes back to
	// CREE.
	NatureReportConfirme NatureReport = "REPORT_RDV_CONFIRME"
	// NatureReportNouveau books the new slot under a new appointment id and
	// frees the old one.
	NatureReportNouveau NatureReport = "NOUVEAU_RDV"
)

// Valid reports whether n is a known kind of move.
func (n NatureReport) Valid() bool {
	return n == NatureReportReserve || n == NatureReportConfirme || n == NatureReportNouveau
}

// Label returns the French display text.
func (n NatureReport) Label() string {
	switch n {
	case NatureReportReserve:
		return "Report d'un RDV réservé"
	case NatureReportConfirme:
		return "Report d'un RDV confirmé"
	case NatureReportNouveau:
		return "Nouveau RDV"
	}
	return string(n)
}

// MarshalText implements encoding.TextMarshaler.
func (n NatureReport) MarshalText() ([]byte, error) { return []byte(n), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (n *NatureReport) UnmarshalText(b []byte) error {
	*n = NatureReport(strings.ToUpper(strings.TrimSpace(string(b))))
	return nil
}
