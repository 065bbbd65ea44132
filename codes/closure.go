package codes

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// ClosureCode is the OI's closure code (code de clôture): a family of three
// letters and two digits, e.g. RET01.
type ClosureCode string

// ClosureFamily is the first three letters of a [ClosureCode].
type ClosureFamily string

// Closure families.
const (
	ClosureFamilyRET ClosureFamily = "RET" // rétablissement du service
	ClosureFamilyABS ClosureFamily = "ABS" // absence de l'abonné
	ClosureFamilySTT ClosureFamily = "STT" // signalisation transmise à tort
	ClosureFamilyERR ClosureFamily = "ERR" // erreur dans le traitement du flux
	ClosureFamilyEXC ClosureFamily = "EXC" // causes exceptionnelles
)

// ClosureFamilies lists the known families.
var ClosureFamilies = []ClosureFamily{
	ClosureFamilyRET, ClosureFamilyABS, ClosureFamilySTT, ClosureFamilyERR, ClosureFamilyEXC,
}

// Valid reports whether f is a known family.
func (f ClosureFamily) Valid() bool { return slices.Contains(ClosureFamilies, f) }

// Label returns the French display text of the family.
func (f ClosureFamily) Label() string {
	switch f {
	case ClosureFamilyRET:
		return "Rétablissement du service"
	case ClosureFamilyABS:
		return "Absence de l'abonné"
	case ClosureFamilySTT:
		return "Signalisation transmise à tort"
	case ClosureFamilyERR:
		return "Erreur dans le traitement du flux"
	case ClosureFamilyEXC:
		return "Cause exceptionnelle"
	}
	return string(f)
}

// shaped reports whether s has the shape of a closure code: three upper-case
// letters and two digits.
func shaped(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s[3] >= '0' && s[3] <= '9' && s[4] >= '0' && s[4] <= '9'
}

// ParseClosureCode reads a closure code, trimming spaces and upper-casing. A
// value that is not three letters and two digits is a [ValueError] with code
// 3; a family outside RET, ABS, STT, ERR, EXC one with code 2.
func ParseClosureCode(s string) (ClosureCode, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" {
		return "", missing("CodeCloture")
	}
	if !shaped(v) {
		return "", badFormat("CodeCloture", s, "want three letters and two digits, e.g. RET01")
	}
	c := ClosureCode(v)
	if !c.Family().Valid() {
		return "", notInList("CodeCloture", s)
	}
	return c, nil
}

// Family returns the code's family, or "" when c is not three letters and
// two digits.
func (c ClosureCode) Family() ClosureFamily {
	if !shaped(string(c)) {
		return ""
	}
	return ClosureFamily(c[:3])
}

// Valid reports whether c matches ^(RET|ABS|STT|ERR|EXC)[0-9]{2}$.
func (c ClosureCode) Valid() bool { return c.Family().Valid() }

// Restored reports whether c is a RETxx code (service restored), the only
// family whose closure carries a localisation.
func (c ClosureCode) Restored() bool { return c.Family() == ClosureFamilyRET }

// Label returns the family's French label; a contract's own labels come from a
// [ClosureCodeRegistry].
func (c ClosureCode) Label() string {
	if f := c.Family(); f.Valid() {
		return f.Label()
	}
	return string(c)
}

// MarshalText implements encoding.TextMarshaler.
func (c ClosureCode) MarshalText() ([]byte, error) { return []byte(c), nil }

// UnmarshalText implements encoding.TextUnmarshaler: the value is trimmed and
// upper-cased; invalid values are kept for Valid to report.
func (c *ClosureCode) UnmarshalText(b []byte) error {
	*c = ClosureCode(strings.ToUpper(strings.TrimSpace(string(b))))
	return nil
}

// ClosureCodeRegistry holds the code → label table of an operator's contract.
// No public table exists, so the SDK ships family labels only; load your
// contract's table with [LoadClosureCodes]. A registry is safe for concurrent
// reads.
type ClosureCodeRegistry struct {
	labels map[ClosureCode]string
}

// NewClosureCodeRegistry builds a registry from a map; every code must be
// valid.
func NewClosureCodeRegistry(labels map[ClosureCode]string) (*ClosureCodeRegistry, error) {
	for c := range labels {
		if !c.Valid() {
			_, err := ParseClosureCode(string(c))
			return nil, err
		}
	}
	return &ClosureCodeRegistry{labels: maps.Clone(labels)}, nil
}

// LoadClosureCodes reads a contract's table: one `CODE;label` per line,
// UTF-8, blank lines and lines starting with '#' skipped, an optional header
// line whose first cell is not a code skipped too. A bad code or a code given
// twice is an error naming its line.
func LoadClosureCodes(r io.Reader) (*ClosureCodeRegistry, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	reg := &ClosureCodeRegistry{labels: make(map[ClosureCode]string)}
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return reg, nil
		}
		if err != nil {
			return nil, fmt.Errorf("codes: closure code table: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if n == 0 && !shaped(strings.ToUpper(strings.TrimSpace(rec[0]))) {
			continue // header
		}
		c, err := ParseClosureCode(rec[0])
		if err != nil {
			return nil, fmt.Errorf("codes: closure code table line %d: %w", line, err)
		}
		if _, dup := reg.labels[c]; dup {
			return nil, fmt.Errorf("codes: closure code table line %d: %s given twice", line, c)
		}
		label := ""
		if len(rec) > 1 {
			label = strings.TrimSpace(rec[1])
		}
		reg.labels[c] = label
	}
}

// Known reports whether the contract lists c.
func (r *ClosureCodeRegistry) Known(c ClosureCode) bool {
	_, ok := r.labels[c]
	return ok
}

// Label returns the contract's label of c, else its family label.
func (r *ClosureCodeRegistry) Label(c ClosureCode) string {
	if l := r.labels[c]; l != "" {
		return l
	}
	return c.Label()
}

// Codes returns the contract's codes, sorted.
func (r *ClosureCodeRegistry) Codes() []ClosureCode {
	return slices.Sorted(maps.Keys(r.labels))
}
