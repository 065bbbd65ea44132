package v1a

import (
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Aliases holds the spelling tables the reader accepts for coded columns. A
// nil table means the package codes default. Aliases are accepted in lenient
// and strict reading alike, without a warning (DOMAIN.md, "Typed codes").
type Aliases struct {
	NatureDefaut   *codes.Aliases[codes.NatureDefaut]
	PrelocDefaut   *codes.Aliases[codes.PrelocDefaut]
	TypeMessage    *codes.Aliases[codes.TypeMessage]
	EtatResolution *codes.Aliases[codes.EtatResolution]
}

func (a *Aliases) withDefaults() *Aliases {
	out := Aliases{}
	if a != nil {
		out = *a
	}
	if out.NatureDefaut == nil {
		out.NatureDefaut = defaultNature
	}
	if out.PrelocDefaut == nil {
		out.PrelocDefaut = defaultPreloc
	}
	if out.TypeMessage == nil {
		out.TypeMessage = defaultTypeMessage
	}
	if out.EtatResolution == nil {
		out.EtatResolution = defaultEtatResolution
	}
	return &out
}

// Private copies of the default tables, read-only, shared by all readers.
var (
	defaultNature         = codes.DefaultNatureDefautAliases()
	defaultPreloc         = codes.DefaultPrelocDefautAliases()
	defaultTypeMessage    = codes.DefaultTypeMessageAliases()
	defaultEtatResolution = codes.DefaultEtatResolutionAliases()
)

// lookup returns the canonical value of s in table, or s itself (trimmed)
// when the table does not know it, so unknown values survive and the
// validator reports them.
func lookup[T interface {
	~string
	Valid() bool
}](table *codes.Aliases[T], s string) T {
	if v := T(s); v.Valid() {
		return v
	}
	if v, ok := table.Lookup(s); ok {
		return v
	}
	return T(s)
}

// cellDecoder turns the text of one cell into a typed value, collecting the
// findings and warnings of the line.
type cellDecoder struct {
	line    int
	days    dayCache
	cols    []Column // the layout's columns
	col     int      // the current column
	strict  bool
	aliases *Aliases

	findings []Finding
	warnings []Finding
	bad      []Field
	slab     []ticket.Slot // see slotSpace
	// countSlots applies the Validator's rule of 1 to 3 slots (for
	// Validator.Next).
	countSlots bool
}

func (d *cellDecoder) reset(line int) {
	d.line = line
	d.findings = d.findings[:0]
	d.warnings = d.warnings[:0]
	d.bad = d.bad[:0]
}

// fail records a finding on the current column and marks it as reported.
func (d *cellDecoder) fail(code codes.ReturnCode, detail string) {
	c := &d.cols[d.col]
	d.findings = append(d.findings, newFinding(d.line, c.Name, code, detail))
	d.bad = append(d.bad, c.Field)
}

// tolerate records a deviation that lenient reading repaired: a warning,
// or a finding with code 3 in strict reading.
func (d *cellDecoder) tolerate(detail string) {
	if d.strict {
		d.fail(codes.ReturnCodeBadFormat, detail)
		return
	}
	d.warnings = append(d.warnings, newFinding(d.line, d.cols[d.col].Name, codes.ReturnCodeBadFormat, detail))
}

func (d *cellDecoder) date(s string) ticket.Date {
	if s == "" {
		return ticket.Date{}
	}
	if v, ok := d.days.date(s); ok {
		return v
	}
	v, sheet, ok := parseDate(s)
	if !ok {
		d.fail(codes.ReturnCodeBadFormat, quoteValue(s)+" (want AAAAMMJJ)")
		return ticket.Date{}
	}
	if sheet {
		d.tolerate(quoteValue(s) + " read as " + formatDate(v) + " (want AAAAMMJJ)")
	}
	return v
}

func (d *cellDecoder) clock(s string, digitsN int) time.Time {
	if s == "" {
		return time.Time{}
	}
	v, sheet, ok := parseClock(s, digitsN, &d.days)
	want := "AAAAMMJJHHMMSS"
	lay := LayoutTimestamp
	if digitsN == 12 {
		want, lay = "AAAAMMJJHHMM", LayoutMinute
	}
	if !ok {
		d.fail(codes.ReturnCodeBadFormat, quoteValue(s)+" (want "+want+")")
		return time.Time{}
	}
	if sheet {
		d.tolerate(quoteValue(s) + " read as " + formatClock(v, lay) + " (want " + want + ")")
	}
	return v
}

func (d *cellDecoder) slots(s string) []ticket.Slot {
	if s == "" {
		return nil
	}
	n := 1 // a single slot, AAAAMMJJHHMM-HHMM, is the usual case
	if len(s) > 17 {
		n = strings.Count(s, "|") + 1
	}
	v, item, ok := parseSlotsInto(d.slotSpace(n), s, &d.days)
	if !ok {
		d.fail(codes.ReturnCodeBadFormat, quoteValue(item)+" (want AAAAMMJJHHMM-HHMM, slots separated by |)")
		return nil
	}
	if d.countSlots && len(v) > ticket.MaxSlots {
		d.fail(codes.ReturnCodeBadFormat, itoa(len(v))+" slots (1 to 3)")
	}
	return v
}

// slotSlab is how many slots the decoder allocates at once.
const slotSlab = 64

// slotSpace returns an empty slice with room for n slots, carved from a
// slab shared by the next lines: one allocation for many lines. Its
// capacity is n, so appending to it never writes into another record's
// slots.
func (d *cellDecoder) slotSpace(n int) []ticket.Slot {
	if n > slotSlab/4 {
		return make([]ticket.Slot, 0, n)
	}
	if cap(d.slab)-len(d.slab) < n {
		d.slab = make([]ticket.Slot, 0, slotSlab)
	}
	i := len(d.slab)
	d.slab = d.slab[:i+n]
	return d.slab[i : i : i+n]
}

func (d *cellDecoder) phone(s string) string {
	if s == "" {
		return ""
	}
	if len(s) == 10 && s[0] == '0' && s[1] != '0' && digits(s) {
		return s // the usual case: already as the protocol writes it
	}
	p := stripPhone(s)
	if strings.HasPrefix(p, "0033") {
		p = "+33" + p[4:]
	}
	if r, repaired := repairPhone(p); repaired {
		d.tolerate(quoteValue(s) + " read as " + r + " (a spreadsheet dropped its leading 0 or +)")
		p = r
	}
	if validPhone(p) {
		return p
	}
	n, err := codes.NormalizePhone(p)
	if err != nil {
		d.fail(codes.ReturnCodeBadFormat, quoteValue(s)+" (want 0XXXXXXXXX or +33XXXXXXXXX)")
		return s
	}
	return n
}

// postal reads a five-digit code; four digits lost their leading 0 in a
// spreadsheet and are repaired.
func (d *cellDecoder) postal(s string) string {
	if s == "" {
		return ""
	}
	if len(s) == 4 && digits(s) {
		d.tolerate(quoteValue(s) + " read as 0" + s + " (a spreadsheet dropped its leading 0)")
		return "0" + s
	}
	return s
}
