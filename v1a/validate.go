package v1a

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Hook is the embedder's qualitative check of a line (V1A.md "Validation"):
// is the access in the OI's parc (return code 8, INFO XXXXX INCONNUE), in
// the OC's parc (9, HORS PARC OC), … It runs after the syntactic checks, on
// every line, and returns its findings; a finding's Line and Message may be
// left empty (the validator fills them: the line, then the return code's
// message naming Field). Field is the column name.
type Hook interface {
	CheckRecord(ctx context.Context, line int, rec Record) []Finding
}

// HookFunc adapts a function to [Hook].
type HookFunc func(ctx context.Context, line int, rec Record) []Finding

// CheckRecord calls f.
func (f HookFunc) CheckRecord(ctx context.Context, line int, rec Record) []Finding {
	return f(ctx, line, rec)
}

var _ Hook = HookFunc(nil)

// Validator checks records against the rules of V1A.md: mandatory and
// conditional columns (code 1), lists (2), formats and lengths (3), values
// not acceptable in context (13: a date in the future, a slot in the past,
// an end not after its start, two exclusive columns both filled, a TRAVAUX
// state that cannot follow the previous one), then the embedder's [Hook].
// Every finding of a line is reported, sorted by column; a finding that
// involves two columns is on the later one.
//
// A Validator remembers the last Etat of each ReferenceTravaux it has seen,
// to check the sequence of planned-works states across lines (and files, if
// reused), and, with UniqueDeposits, the references of the valid DEPOT and
// DOMMAGE lines; call Reset to forget. It is not safe for concurrent use.
type Validator struct {
	// Now is the time date-relative rules compare with; zero means the
	// current time at each check.
	Now time.Time
	// Sender is the role of the file's sender when it is known (from the
	// peers configuration): an INFO line's Emetteur must match it.
	Sender codes.Role
	// Layouts gives the column names findings use, for flows whose partner
	// layout differs; nil means the defaults. Set it before the first check.
	Layouts []*Layout
	// Hook runs the embedder's qualitative checks; nil means none.
	Hook Hook
	// UniqueDeposits refuses a DEPOT (or DOMMAGE) line whose
	// ReferenceSigSAVRaccoOC (ReferenceDommageOC) an earlier valid line
	// already used, with return code 100 (IMPOSSIBLE DE CREER LE TICKET).
	// It costs a lookup in a table that grows by 12 bytes per valid line;
	// ComputeAR and ComputeARDommage always check it.
	UniqueDeposits bool

	travaux map[string]EtatTravaux
	// deposits holds a 64-bit hash of the flow and reference of each valid
	// DEPOT and DOMMAGE line, with its line.
	deposits lineSet
	plans    map[*Layout]*plan
	// lastLayout is the layout of the last record's flow.
	lastLayout *Layout
	// lastPlan is the plan of lastPlanOf, the last layout checked.
	lastPlanOf *Layout
	lastPlan   *plan
	// okCells serves Next: for the reader okReader, and while its layout
	// is the one checked, the last few cell texts of each coded column
	// that passed the column's rules. The record's value is a function of that
	// text and the reader's settings, so a line with the same text there
	// passes too, and its check is skipped.
	okReader *Reader
	okLayout *Layout
	okCells  []okCell

	todayAt time.Time   // the now today was computed for
	today   ticket.Date // its day in Europe/Paris
}

// Reset forgets the planned-works states and the deposit references seen so
// far.
func (v *Validator) Reset() { v.travaux, v.deposits = nil, lineSet{} }

type depositKey struct {
	flow Flow
	ref  string
}

// Result is the outcome of checking one line.
type Result struct {
	Line     int
	Record   Record
	Errors   []Finding
	Warnings []Finding
}

// Valid reports a line without errors (warnings allowed).
func (r Result) Valid() bool { return len(r.Errors) == 0 }

// Next reads the next record of r and checks it: the same as r.Read then
// Check, except that the rules the reader's decoding already enforced (date
// and phone formats, slots that the wire can carry) are not checked again.
// At the end of the file it returns io.EOF; a fatal reading error is
// returned as it is, with a zero Result.
func (v *Validator) Next(ctx context.Context, r *Reader) (Result, error) {
	r.checkText = true
	rec, err := r.Read()
	r.checkText = false
	if rec == nil {
		return Result{}, err
	}
	return v.check(ctx, r.Line(), rec, err, r), nil
}

// Check validates rec, read from line. readErr is what [Reader.Read]
// returned with it (nil, or a *RecordError whose findings and warnings are
// merged in; the columns it reported are not checked again).
func (v *Validator) Check(ctx context.Context, line int, rec Record, readErr error) Result {
	return v.check(ctx, line, rec, readErr, nil)
}

// check validates rec; from is the Reader it comes straight from, if it
// does.
func (v *Validator) check(ctx context.Context, line int, rec Record, readErr error, from *Reader) Result {
	res := Result{Line: line, Record: rec}
	if rec == nil {
		res.Errors = []Finding{newFinding(line, "", codes.ReturnCodeMissing, "no record")}
		return res
	}
	var bad []Field
	if readErr != nil {
		if re, ok := errors.AsType[*RecordError](readErr); ok {
			res.Errors = append(res.Errors, re.Findings...)
			res.Warnings = append(res.Warnings, re.Warnings...)
			bad = re.bad
		}
	}
	layout := v.layout(rec.Flow())
	p := v.lastPlan
	if v.lastPlanOf != layout {
		if v.plans == nil {
			v.plans = make(map[*Layout]*plan)
		}
		var ok bool
		if p, ok = v.plans[layout]; !ok {
			lp := layout.plan()
			p = &lp
			v.plans[layout] = p
		}
		v.lastPlanOf, v.lastPlan = layout, p
	}
	now := v.now()
	if !now.Equal(v.todayAt) {
		v.todayAt, v.today = now, ticket.DateOf(now.In(ticket.Paris))
	}
	c := &checker{line: line, layout: layout, plan: p, bad: bad, now: now, day: v.today, decoded: from != nil}
	cells, ok := v.okCellsOf(from, layout)
	c.columns(rec, cells, ok)
	var depHash uint64 // the deposit reference's, for DEPOT and DOMMAGE lines
	switch x := rec.(type) {
	case *Depot:
		if ref := x.ReferenceSigSAVRaccoOC; ref != "" && v.UniqueDeposits {
			depHash = v.depositHash(depositKey{FlowDepot, ref})
			c.duplicate(v, depHash, ref, FieldReferenceSigSAVRaccoOC)
		}
		c.depot(x)
	case *AR:
		c.ack(x.StatutAR, x.ReferenceSigSAVOI, FieldReferenceSigSAVOI, x.DatePriseEnCompte, x.CodeRetour, x.MotifRefus)
		if x.StatutAR == StatutOK {
			c.accessIDs(x.ReferencePrestationPrise, x.ReferencePrise)
			c.require(FieldReferenceSigSAVRaccoOC, x.ReferenceSigSAVRaccoOC, "")
		}
	case *Cloture:
		c.cloture(x)
	case *Info:
		c.info(x, v.Sender)
	case *Travaux:
		c.travaux(x, v)
	case *Dommage:
		if ref := x.ReferenceDommageOC; ref != "" && v.UniqueDeposits {
			depHash = v.depositHash(depositKey{FlowDommage, ref})
			c.duplicate(v, depHash, ref, FieldReferenceDommageOC)
		}
		c.notFuture(FieldDateConstat, x.DateConstat)
	case *ARDommage:
		c.ack(x.StatutAR, x.ReferenceDommageOI, FieldReferenceDommageOI, x.DatePriseEnCompte, x.CodeRetour, x.MotifRefus)
	}
	if v.Hook != nil && ctx.Err() != nil {
		// The qualitative checks could not run: the line is not accepted.
		c.found = append(c.found, newFinding(line, "", codes.ReturnCodeInternal, ctx.Err().Error()))
	} else if v.Hook != nil {
		for _, f := range v.Hook.CheckRecord(ctx, line, rec) {
			if f.Line == 0 {
				f.Line = line
			}
			if f.Message == "" {
				f.Message = f.Code.Message(f.Field)
			}
			c.found = append(c.found, f)
		}
	}
	res.Errors = append(res.Errors, c.found...)
	if depHash != 0 && len(res.Errors) == 0 {
		v.deposits.add(depHash, line)
	}
	if len(res.Errors) > 1 {
		sortFindings(res.Errors, layout)
	}
	return res
}

// okCell holds the last few texts of a coded column that passed its
// rules: a column takes few values.
type okCell struct {
	text [4]string
	n    int // texts added; the last len(text) are kept
}

func (o *okCell) has(s string) bool {
	return slices.Contains(o.text[:min(o.n, len(o.text))], s)
}

func (o *okCell) add(s string) {
	o.text[o.n%len(o.text)] = s
	o.n++
}

// okCellsOf returns the cells of r's current record and the cache of
// coded cells known to pass, when r reads with layout l (or columns like
// it); nil, nil otherwise.
func (v *Validator) okCellsOf(r *Reader, l *Layout) (cells []string, ok []okCell) {
	if r == nil || r.layout == nil {
		return nil, nil
	}
	if v.okReader != r || v.okLayout != l {
		v.okReader, v.okLayout, v.okCells = nil, nil, v.okCells[:0]
		if !slices.Equal(r.layout.Columns, l.Columns) {
			return nil, nil
		}
		v.okReader, v.okLayout = r, l
		v.okCells = append(v.okCells, make([]okCell, len(l.Columns))...)
	}
	return r.cells, v.okCells
}

func (v *Validator) now() time.Time {
	if v.Now.IsZero() {
		return time.Now()
	}
	return v.Now
}

func (v *Validator) layout(f Flow) *Layout {
	if v.lastLayout != nil && v.lastLayout.Flow == f {
		return v.lastLayout
	}
	l := defaultLayoutOf(f)
	for _, o := range v.Layouts {
		if o != nil && o.Flow == f {
			l = o
			break
		}
	}
	v.lastLayout = l
	return l
}

// defaultLayouts are shared read-only copies used to name columns.
var defaultLayoutsRO = func() map[Flow]*Layout {
	m := make(map[Flow]*Layout, len(Flows))
	for _, f := range Flows {
		m[f] = DefaultLayout(f)
	}
	return m
}()

func defaultLayoutOf(f Flow) *Layout { return defaultLayoutsRO[f] }

// sortFindings orders findings by the position of their column, stably;
// findings on unknown columns go last.
func sortFindings(fs []Finding, l *Layout) {
	pos := func(name string) int {
		for i, c := range l.Columns {
			if c.Name == name {
				return i
			}
		}
		return len(l.Columns)
	}
	slices.SortStableFunc(fs, func(a, b Finding) int { return pos(a.Field) - pos(b.Field) })
}

// checker collects the findings of one line.
type checker struct {
	line   int
	layout *Layout
	plan   *plan
	bad    []Field
	now    time.Time
	day    ticket.Date // today in Europe/Paris
	// decoded: the record comes from a Reader, whose decoding enforced the
	// formats of dates, times, phones and slots.
	decoded bool
	found   []Finding
}

func (c *checker) name(f Field) string { return c.layout.Name(f) }

func (c *checker) reported(f Field) bool {
	if slices.Contains(c.bad, f) {
		return true
	}
	if len(c.found) == 0 {
		return false
	}
	name := c.name(f)
	for _, x := range c.found {
		if x.Field == name {
			return true
		}
	}
	return false
}

func (c *checker) add(f Field, code codes.ReturnCode, detail string) {
	c.found = append(c.found, newFinding(c.line, c.name(f), code, detail))
}

// has reports whether the layout carries f; rules about a column the
// partner's layout does not have are not checked.
func (c *checker) has(f Field) bool { return c.layout.Index(f) >= 0 }

// require reports f missing when empty (and not already reported).
func (c *checker) require(f Field, value, why string) {
	if value == "" && c.has(f) && !c.reported(f) {
		c.add(f, codes.ReturnCodeMissing, why)
	}
}

// columns runs the per-column rules: mandatory, length, format, list. A
// decoded record skips the columns the reader checked (plan.checked), and
// the coded columns whose cell is the same as one that passed before (ok,
// indexed like cells).
func (c *checker) columns(rec Record, cells []string, ok []okCell) {
	if !c.decoded {
		for i := range c.layout.Columns {
			c.column(rec, i)
		}
		return
	}
	for _, i := range c.plan.checked {
		if ok == nil || c.plan.kinds[i] != kindCode || i >= len(cells) {
			c.column(rec, i)
			continue
		}
		if ok[i].has(cells[i]) {
			continue
		}
		found := len(c.found)
		c.column(rec, i)
		if len(c.found) == found && !slices.Contains(c.bad, c.layout.Columns[i].Field) {
			ok[i].add(cells[i])
		}
	}
}

// column runs the rules of column i.
func (c *checker) column(rec Record, i int) {
	col := &c.layout.Columns[i]
	f := col.Field
	if len(c.bad) > 0 && slices.Contains(c.bad, f) {
		return
	}
	kind := c.plan.kinds[i]
	v := rec.val(c.plan.pos[i])
	if v.zero() {
		if col.Need == Mandatory {
			c.add(f, codes.ReturnCodeMissing, "")
		}
		return
	}
	switch kind {
	case kindDate, kindTimestamp, kindMinute:
		return
	case kindSlots:
		if n := len(v.slots); n > ticket.MaxSlots {
			c.add(f, codes.ReturnCodeBadFormat, itoa(n)+" slots (1 to 3)")
		} else if !c.decoded && !slotsWritable(v.slots) {
			c.add(f, codes.ReturnCodeBadFormat, "a slot must start and end on the same day, in whole minutes")
		}
		return
	case kindNumber:
		if rc := codes.ReturnCode(v.n); !rc.Known() {
			c.add(f, codes.ReturnCodeNotInList, quoteValue(itoa(int(v.n)))+" is not a harmonised return code")
		}
		return
	}
	s := v.s
	if col.Max > 0 && len(s) > col.Max && utf8.RuneCountInString(s) > col.Max {
		c.add(f, codes.ReturnCodeBadFormat, "longer than "+itoa(col.Max)+" characters")
		return
	}
	switch kind {
	case kindText:
		if hasControl(s, multiLine(f)) {
			c.add(f, codes.ReturnCodeBadFormat, "control characters are not allowed")
		}
	case kindPhone:
		if !validPhone(s) {
			c.add(f, codes.ReturnCodeBadFormat, quoteValue(s)+" (want 0XXXXXXXXX or +33XXXXXXXXX)")
		}
	case kindPostal:
		if len(s) != 5 || !digits(s) {
			c.add(f, codes.ReturnCodeBadFormat, quoteValue(s)+" (want five digits)")
		}
	case kindInsee:
		if utf8.RuneCountInString(s) != 5 || !alnum(s) {
			c.add(f, codes.ReturnCodeBadFormat, quoteValue(s)+" (want five characters)")
		}
	case kindCode:
		c.code(f, c.plan.lists[i], s)
	}
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('0' <= b && b <= '9' || 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z') {
			return false
		}
	}
	return true
}

// multiLine reports the free-text columns where line breaks and tabs are
// allowed.
func multiLine(f Field) bool { return f == FieldCommentaire || f == FieldMotifRefus }

// hasControl reports control characters; multiLine allows line breaks and
// tabs (comments). Eight bytes at a time, as text rarely has any.
func hasControl(s string, multiLine bool) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := word8(s, i)
		if controlWord(w) {
			break
		}
	}
	for ; i < len(s); i++ {
		b := s[i]
		if b < 0x20 || b == 0x7f {
			if multiLine && (b == '\n' || b == '\t') {
				continue
			}
			return true
		}
	}
	return false
}

// controlWord reports a byte below 0x20, or a DEL (0x7F), among the eight
// bytes of w.
func controlWord(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	below := (w - 0x20*lo) &^ w & hi
	x := w ^ 0x7f*lo
	del := (x - lo) &^ x & hi
	return below|del != 0
}

// controlFree reports bytes without any control character (line breaks and
// tabs included).
func controlFree(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if controlWord(binary.LittleEndian.Uint64(b[i:])) {
			return false
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 || b[i] == 0x7f {
			return false
		}
	}
	return true
}

// code checks a coded column's value against its list (l, from the plan).
func (c *checker) code(f Field, l list, s string) {
	ok := true
	switch l {
	case listNature:
		ok = codes.NatureDefaut(s).Valid()
	case listPreloc:
		ok = lookup(defaultPreloc, s).Valid()
	case listStatut:
		ok = Statut(s).Valid()
	case listCloture:
		if _, err := codes.ParseClosureCode(s); err != nil {
			code, _ := ticket.ReturnCode(err)
			c.add(f, code, quoteValue(s)+" (want RETxx, ABSxx, STTxx, ERRxx or EXCxx)")
			return
		}
	case listResponsabilite:
		ok = codes.Responsabilite(s).Valid()
	case listRole:
		ok = codes.Role(s).Valid()
	case listTypeMessage:
		ok = codes.TypeMessage(s).Valid()
	case listEtatResolution:
		ok = codes.EtatResolution(s).Valid()
	case listEtat:
		ok = EtatTravaux(s).Valid()
	case listNatureIntervention:
		ok = NatureIntervention(s).Valid()
	case listOuiNon:
		ok = OuiNon(s).Valid()
	}
	if !ok {
		c.add(f, codes.ReturnCodeNotInList, quoteValue(s))
	}
}

func (c *checker) today() ticket.Date { return c.day }

func (c *checker) notFuture(f Field, d ticket.Date) {
	if !d.IsZero() && d.After(c.today()) && !c.reported(f) {
		c.add(f, codes.ReturnCodeUnexpected, formatDate(d)+" is in the future")
	}
}

// depositHash is the key of a deposit reference in v.deposits.
func (v *Validator) depositHash(k depositKey) uint64 {
	if v.deposits.seed == (maphash.Seed{}) {
		v.deposits.seed = maphash.MakeSeed()
	}
	salt := uint64(0x9e3779b97f4a7c15) // DEPOT
	if k.flow == FlowDommage {
		salt = 0xc2b2ae3d27d4eb4f
	}
	return (maphash.String(v.deposits.seed, k.ref) ^ salt) | 1 // never 0, the empty slot
}

// duplicate reports a deposit whose reference (hash h) an earlier valid line
// of the same flow already used.
func (c *checker) duplicate(v *Validator, h uint64, ref string, f Field) {
	if v.deposits.n == 0 {
		return
	}
	if first, ok := v.deposits.get(h); ok && !c.reported(f) {
		c.add(f, codes.ReturnCodeCannotCreate, quoteValue(ref)+" already deposited on line "+itoa(first))
	}
}

// lineSet maps non-zero 64-bit hashes to line numbers: open addressing with
// linear probing, no pointer for the GC to scan however large a file is.
type lineSet struct {
	keys  []uint64
	lines []int32
	n     int
	seed  maphash.Seed
}

func (s *lineSet) get(h uint64) (int, bool) {
	if len(s.keys) == 0 {
		return 0, false
	}
	mask := uint64(len(s.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.keys[i] {
		case h:
			return int(s.lines[i]), true
		case 0:
			return 0, false
		}
	}
}

func (s *lineSet) add(h uint64, line int) {
	if 2*(s.n+1) > len(s.keys) {
		old, oldLines := s.keys, s.lines
		size := max(64, 2*len(old))
		s.keys, s.lines, s.n = make([]uint64, size), make([]int32, size), 0
		for i, k := range old {
			if k != 0 {
				s.add(k, int(oldLines[i]))
			}
		}
	}
	mask := uint64(len(s.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.keys[i] {
		case h:
			return // the first line stays
		case 0:
			s.keys[i], s.lines[i] = h, int32(line)
			s.n++
			return
		}
	}
}

// accessIDs: at least one of ReferencePrestationPrise and ReferencePrise;
// reported on the later column.
func (c *checker) accessIDs(prestation, prise string) {
	if prestation != "" || prise != "" || !c.has(FieldReferencePrise) {
		return
	}
	if c.reported(FieldReferencePrise) || c.reported(FieldReferencePrestationPrise) {
		return
	}
	later := FieldReferencePrise
	if c.layout.Index(FieldReferencePrestationPrise) > c.layout.Index(FieldReferencePrise) {
		later = FieldReferencePrestationPrise
	}
	c.add(later, codes.ReturnCodeMissing, "ReferencePrise or ReferencePrestationPrise is required")
}

// slots checks PropalRdv structurally: count, start before end, in the
// future, distinct and not overlapping.
func (c *checker) slots(f Field, slots []ticket.Slot, exactlyOne bool) {
	if len(slots) == 0 || c.reported(f) {
		return
	}
	if exactlyOne && len(slots) != 1 {
		c.add(f, codes.ReturnCodeBadFormat, itoa(len(slots))+" slots (a confirmation carries exactly one)")
		return
	}
	for i := range slots {
		s := &slots[i]
		switch {
		case !s.Fin.After(s.Debut):
			c.add(f, codes.ReturnCodeUnexpected, slotText(*s)+" does not end after it starts")
			return
		case s.Debut.Before(c.now):
			c.add(f, codes.ReturnCodeUnexpected, slotText(*s)+" is in the past")
			return
		}
		for _, o := range slots[:i] {
			if s.Debut.Before(o.Fin) && o.Debut.Before(s.Fin) {
				c.add(f, codes.ReturnCodeUnexpected, slotText(*s)+" repeats or overlaps "+slotText(o))
				return
			}
		}
	}
}

func (c *checker) depot(x *Depot) {
	c.accessIDs(x.ReferencePrestationPrise, x.ReferencePrise)
	c.notFuture(FieldDateIncidClientFinal, x.DateIncidClientFinal)
	home := lookup(defaultPreloc, string(x.PrelocDefaut)).AtCustomer() ||
		lookup(defaultNature, string(x.NatureDefaut)) == codes.NatureDefautAffaiblissement
	if home {
		why := "an intervention at the customer's is needed"
		c.require(FieldNomClient, x.NomClient, why)
		c.require(FieldContactClient1, x.ContactClient1, why)
		if x.IdRdv == "" && len(x.PropalRdv) == 0 && !c.reported(FieldIdRdv) {
			c.require(FieldPropalRdv, "", why+": IdRdv or PropalRdv")
		}
	}
	if x.IdRdv != "" && len(x.PropalRdv) > 0 && !c.reported(FieldPropalRdv) {
		c.add(FieldPropalRdv, codes.ReturnCodeUnexpected, "IdRdv and PropalRdv are mutually exclusive")
	}
	c.slots(FieldPropalRdv, x.PropalRdv, false)
	// The protocol-neutral rules of package ticket, as a last net for
	// records built in code: report what they refuse if the checks above
	// did not already. (A decoded record went through rules that include
	// them.)
	if !c.decoded && len(c.found) == 0 && len(c.bad) == 0 {
		var appt ticket.Appointment
		f := filingView(x, &appt)
		if field, code, reason := ticket.CheckFiling(&f); code != 0 {
			name := c.layout.Name(Field(field))
			c.found = append(c.found, newFinding(c.line, name, code, reason))
		}
	}
}

// ack checks an AR or ARDOMMAGE line: OK lines carry the OI's id and date
// and code 0; KO lines a non-zero code and a reason, and no id or date.
func (c *checker) ack(st Statut, oiID string, oiField Field, date time.Time, code codes.ReturnCode, motif string) {
	switch st {
	case StatutOK:
		c.require(oiField, oiID, "an AR OK gives the OI's reference")
		if date.IsZero() {
			c.require(FieldDatePriseEnCompte, "", "an AR OK gives the date")
		}
		if code != codes.ReturnCodeOK && !c.reported(FieldCodeRetour) {
			c.add(FieldCodeRetour, codes.ReturnCodeUnexpected, "an AR OK has code 0")
		}
	case StatutKO:
		if oiID != "" {
			c.add(oiField, codes.ReturnCodeUnexpected, "an AR KO gives no OI reference")
		}
		if !date.IsZero() {
			c.add(FieldDatePriseEnCompte, codes.ReturnCodeUnexpected, "an AR KO gives no date")
		}
		if code == codes.ReturnCodeOK && !c.reported(FieldCodeRetour) {
			c.add(FieldCodeRetour, codes.ReturnCodeUnexpected, "an AR KO has a non-zero code")
		}
		c.require(FieldMotifRefus, motif, "an AR KO gives the reason")
	}
}

func (c *checker) cloture(x *Cloture) {
	c.accessIDs(x.ReferencePrestationPrise, x.ReferencePrise)
	if c.reported(FieldCodeCloture) || x.CodeCloture == "" || !x.CodeCloture.Valid() {
		return
	}
	switch {
	case x.CodeCloture.Restored():
		c.require(FieldLocalisationDefaut, string(x.LocalisationDefaut), "a RETxx closure gives the localisation")
	case x.LocalisationDefaut != "" && !c.reported(FieldLocalisationDefaut):
		c.add(FieldLocalisationDefaut, codes.ReturnCodeUnexpected, "only a RETxx closure gives a localisation")
	}
}

func (c *checker) info(x *Info, sender codes.Role) {
	e := x.Emetteur
	if sender != "" && e.Valid() && e != sender && !c.reported(FieldEmetteur) {
		c.add(FieldEmetteur, codes.ReturnCodeUnexpected, "the file comes from the "+string(sender))
	}
	t := x.TypeMessage
	if t.Valid() && e.Valid() && !t.SentBy(e) && !c.reported(FieldTypeMessage) {
		c.add(FieldTypeMessage, codes.ReturnCodeUnexpected, string(t)+" is not sent by the "+string(e))
	}
	if x.EtatResolution != "" && e == codes.RoleOC && !c.reported(FieldEtatResolution) {
		c.add(FieldEtatResolution, codes.ReturnCodeUnexpected, "only the OI gives the resolution sub-state")
	}
	switch t {
	case codes.TypeMessagePropositionRdv:
		if len(x.PropalRdv) == 0 {
			c.require(FieldPropalRdv, "", "a PROPOSITION RDV carries 1 to 3 slots")
		}
		c.slots(FieldPropalRdv, x.PropalRdv, false)
	case codes.TypeMessageConfirmationRdv:
		if len(x.PropalRdv) == 0 {
			c.require(FieldPropalRdv, "", "a CONFIRMATION RDV carries the slot")
		}
		c.slots(FieldPropalRdv, x.PropalRdv, true)
	default:
		c.slots(FieldPropalRdv, x.PropalRdv, false)
	}
	if t.NeedsText() {
		c.require(FieldCommentaire, x.Commentaire, string(t)+" carries a text")
	}
}

func (c *checker) travaux(x *Travaux, v *Validator) {
	if !x.DateDebut.IsZero() && !x.DateFin.IsZero() && !x.DateFin.After(x.DateDebut) && !c.reported(FieldDateFin) {
		c.add(FieldDateFin, codes.ReturnCodeUnexpected, "DateFin is not after DateDebut")
	}
	if x.InterventionRequiseOC == Oui {
		c.require(FieldContactOI, x.ContactOI, "InterventionRequiseOC is OUI")
	}
	if x.NatureIntervention == NatureInterventionAUTR {
		c.require(FieldCommentaire, x.Commentaire, "NatureIntervention is AUTR")
	}
	if x.ReferenceTravaux == "" || !x.Etat.Valid() || c.reported(FieldEtat) {
		return
	}
	if v.travaux == nil {
		v.travaux = make(map[string]EtatTravaux)
	}
	prev := v.travaux[x.ReferenceTravaux]
	if !x.Etat.Follows(prev) {
		c.add(FieldEtat, codes.ReturnCodeUnexpected, string(x.Etat)+" cannot follow "+string(prev)+
			" for works "+quoteValue(x.ReferenceTravaux))
		return
	}
	if prev != x.Etat {
		// The map keeps a clone of the key and the constant of the state,
		// not the record's text: that shares a block with other lines,
		// which the map would keep alive.
		i := slices.Index(codes.EtatsTravaux, x.Etat)
		v.travaux[strings.Clone(x.ReferenceTravaux)] = codes.EtatsTravaux[i]
	}
}
