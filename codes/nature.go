package codes

// NatureDefaut is the kind of fault the OC reports: a cut or a weakened
// signal.
type NatureDefaut string

// Natures of fault, as written on the wire.
const (
	NatureDefautCoupure         NatureDefaut = "COUPURE"
	NatureDefautAffaiblissement NatureDefaut = "AFFAIBLISSEMENT"
)

var natureDefautAliases = newAliases("NatureDefaut",
	[]NatureDefaut{NatureDefautCoupure, NatureDefautAffaiblissement}, NatureDefaut.Label,
	map[string]NatureDefaut{
		"coupure franche": NatureDefautCoupure,
		"pas de signal":   NatureDefautCoupure,
		"signal faible":   NatureDefautAffaiblissement,
		"signal degrade":  NatureDefautAffaiblissement,
	})

// DefaultNatureDefautAliases returns a private copy of the default spellings
// of NatureDefaut (canonical values, labels, "coupure franche", "pas de
// signal", "signal faible", "signal dégradé"), to extend for a partner.
func DefaultNatureDefautAliases() *Aliases[NatureDefaut] { return natureDefautAliases.Clone() }

// ParseNatureDefaut reads s through the default alias table, ignoring case,
// accents and spacing.
func ParseNatureDefaut(s string) (NatureDefaut, error) { return natureDefautAliases.Parse(s) }

// Valid reports whether n is a canonical value.
func (n NatureDefaut) Valid() bool {
	return n == NatureDefautCoupure || n == NatureDefautAffaiblissement
}

// Label returns the French display text.
func (n NatureDefaut) Label() string {
	switch n {
	case NatureDefautCoupure:
		return "Coupure"
	case NatureDefautAffaiblissement:
		return "Affaiblissement"
	}
	return string(n)
}

// MarshalText implements encoding.TextMarshaler.
func (n NatureDefaut) MarshalText() ([]byte, error) { return []byte(n), nil }

// UnmarshalText implements encoding.TextUnmarshaler: known spellings become
// canonical, unknown values are kept as received.
func (n *NatureDefaut) UnmarshalText(b []byte) error {
	*n = lenient(natureDefautAliases, b)
	return nil
}
