package codes

// PrelocDefaut is a segment of the FTTH cabling: the OC's suspected location
// of a fault (prélocalisation) and the OI's localisation at closure. The
// constants hold the canonical web-service spelling; [PrelocDefaut.V1A] gives
// the protocol 1.0a CSV spelling.
type PrelocDefaut string

// Segments of the cabling, from the customer's socket to the network.
const (
	PrelocDefautPTO               PrelocDefaut = "PTO"
	PrelocDefautRaccoPalier       PrelocDefaut = "RACCO PALIER"
	PrelocDefautPBO               PrelocDefaut = "PBO"
	PrelocDefautPMPBO             PrelocDefaut = "PM-PBO"
	PrelocDefautPM                PrelocDefaut = "PM"
	PrelocDefautHorizontaleReseau PrelocDefaut = "HORIZONTALE RESEAU"
)

// PrelocDefauts lists the segments in cabling order, customer side first.
var PrelocDefauts = []PrelocDefaut{
	PrelocDefautPTO, PrelocDefautRaccoPalier, PrelocDefautPBO,
	PrelocDefautPMPBO, PrelocDefautPM, PrelocDefautHorizontaleReseau,
}

const v1aColMontante = "COL MONTANTE"

var prelocDefautAliases = newAliases("PrelocDefaut", PrelocDefauts, PrelocDefaut.Label,
	map[string]PrelocDefaut{
		v1aColMontante:     PrelocDefautPMPBO,
		"colonne montante": PrelocDefautPMPBO,
	})

// DefaultPrelocDefautAliases returns a private copy of the default spellings
// of PrelocDefaut (both protocol spellings and the labels).
func DefaultPrelocDefautAliases() *Aliases[PrelocDefaut] { return prelocDefautAliases.Clone() }

// ParsePrelocDefaut reads either protocol's spelling or a label, ignoring
// case, accents and spacing.
func ParsePrelocDefaut(s string) (PrelocDefaut, error) { return prelocDefautAliases.Parse(s) }

// Valid reports whether p is a canonical value.
func (p PrelocDefaut) Valid() bool {
	switch p {
	case PrelocDefautPTO, PrelocDefautRaccoPalier, PrelocDefautPBO,
		PrelocDefautPMPBO, PrelocDefautPM, PrelocDefautHorizontaleReseau:
		return true
	}
	return false
}

// V1A returns the protocol 1.0a CSV spelling: "COL MONTANTE" for PM-PBO, the
// value itself otherwise.
func (p PrelocDefaut) V1A() string {
	if p == PrelocDefautPMPBO {
		return v1aColMontante
	}
	return string(p)
}

// AtCustomer reports whether a fault there needs a technician at the
// customer's home (PTO and RACCO PALIER).
func (p PrelocDefaut) AtCustomer() bool {
	return p == PrelocDefautPTO || p == PrelocDefautRaccoPalier
}

// Label returns the French display text.
func (p PrelocDefaut) Label() string {
	switch p {
	case PrelocDefautPTO:
		return "Prise terminale optique"
	case PrelocDefautRaccoPalier:
		return "Raccordement palier (client)"
	case PrelocDefautPBO:
		return "Point de branchement optique"
	case PrelocDefautPMPBO:
		return "Colonne montante (PM → PBO)"
	case PrelocDefautPM:
		return "Point de mutualisation"
	case PrelocDefautHorizontaleReseau:
		return "Horizontale réseau"
	}
	return string(p)
}

// MarshalText implements encoding.TextMarshaler (canonical spelling).
func (p PrelocDefaut) MarshalText() ([]byte, error) { return []byte(p), nil }

// UnmarshalText implements encoding.TextUnmarshaler: either spelling or a
// label becomes canonical, unknown values are kept as received.
func (p *PrelocDefaut) UnmarshalText(b []byte) error {
	*p = lenient(prelocDefautAliases, b)
	return nil
}
