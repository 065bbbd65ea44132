package v1a

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
)

// DefaultMaxRecordBytes is the size limit of one record (all its cells and
// separators; see Reader.MaxRecordBytes).
const DefaultMaxRecordBytes = 1 << 20

// Reader reads the records of one 1.0a CSV file, streaming: memory does not
// grow with the number of lines. Set its exported fields before the first
// call to Read or Header.
//
// Read returns each data line as a typed [Record]. When the line had
// problems the record is returned together with a [*RecordError]: in lenient
// reading (the default) its Warnings list the repairs made (a JJ/MM/AAAA
// date, a phone number or postal code a spreadsheet damaged, text after a
// closing quote, …) and its Findings the values that could not be decoded
// (a malformed date, an extra non-empty cell, a missing mandatory value);
// with Strict set every repair is a finding (return code 3). Only syntax and
// I/O errors ([*ParseError]) and an unknown header ([*HeaderError]) stop
// the reading; they are returned by every later call too.
//
// Records and the text of their lines are allocated in blocks of several
// lines, so a record or string kept after the reading has moved on keeps
// its block alive (up to 32 records or 8 KiB of text), as a substring keeps
// its whole string. A long-lived map of a few values from a large file
// should clone them (strings.Clone).
//
// Rules that involve the meaning of values (lists, lengths, conditions,
// dates relative to now) are the [Validator]'s; [Validator.Next] reads and
// checks in one step.
type Reader struct {
	// Charset is the MIME charset parameter of the part the file came in,
	// when it came in a mail; empty means: a UTF-8 BOM means UTF-8, else
	// valid UTF-8 means UTF-8, else Windows-1252 (V1A.md "Charset"). A cell
	// that is not valid UTF-8 in a UTF-8 file is read as Windows-1252, with a
	// warning. A UTF-8 BOM is taken as UTF-8 whatever the label says (its
	// bytes cannot start a header line in a single-byte charset).
	Charset string
	// Flow, when set, is the flow the file must be; the header line must be
	// that flow's. Empty means: detect the flow from the header line.
	Flow Flow
	// Layouts overrides the default layout of some flows (V1A.md column names
	// and order); flows not listed use [DefaultLayout]. Two layouts with the
	// same header line are an error ([ErrAmbiguousHeader]).
	Layouts []*Layout
	// Aliases overrides the spelling tables of coded columns.
	Aliases *Aliases
	// Strict turns the repairs of lenient reading into findings.
	Strict bool
	// KeepApostrophe disables the removal of the leading ' that a
	// SpreadsheetSafe writer adds to free text starting with =, +, -, @ or '.
	KeepApostrophe bool
	// Comma is the separator; 0 means ';'. It must be an ASCII character
	// other than the quote, CR, LF, space and tab (blanks around unquoted
	// cells are trimmed).
	Comma byte
	// MaxRecordBytes limits the size of one record: the text of its cells
	// (after decoding to UTF-8, with the blanks of unquoted cells) and its
	// separators; 0 means DefaultMaxRecordBytes. It holds while the record
	// is read: a longer one, even a single quoted cell over many lines,
	// stops the reading with a [*ParseError] wrapping [ErrRecordTooLong]
	// and [ErrSyntax] at the line and column where the limit was passed,
	// without having been read whole.
	MaxRecordBytes int

	src     io.Reader
	started bool
	err     error // sticky error
	sc      *scanner
	mode    decodeMode
	layout  *Layout
	header  []string
	cells   []string
	dec     cellDecoder
	records int

	alloc       recordAlloc
	text        textAlloc
	plan        plan  // formats and field positions of the layout's columns
	invalidUTF8 []int // cells of the last record read as Windows-1252 in a UTF-8 file
	// checkText makes Read check the length and characters of free-text
	// cells, for Validator.Next.
	checkText bool
	textClean bool // checkText, and the record has no control characters
}

// NewReader returns a Reader reading from r, with lenient defaults.
func NewReader(r io.Reader) *Reader {
	return &Reader{src: r}
}

// Header reads the header line, if not done yet, and returns the flow it
// names.
func (r *Reader) Header() (Flow, error) {
	if err := r.start(); err != nil {
		return "", err
	}
	return r.layout.Flow, nil
}

// Layout returns the layout of the file being read (after Header or Read).
func (r *Reader) Layout() *Layout { return r.layout }

// DetectedCharset returns the canonical name of the charset the file is read
// in (after Header or Read): "utf-8", "windows-1252", …
func (r *Reader) DetectedCharset() string { return r.mode.name }

// Line returns the physical line (1-based, header = 1) where the last record
// returned by Read started.
func (r *Reader) Line() int {
	if r.sc == nil {
		return 0
	}
	return r.sc.startLine
}

// Records returns how many data records Read has returned.
func (r *Reader) Records() int { return r.records }

// Cells returns the decoded text of the last record's cells, as they were in
// the file (after charset decoding and trimming, before repairs). The slice
// is reused by the next Read.
func (r *Reader) Cells() []string { return r.cells }

func (r *Reader) start() error {
	if r.started {
		return r.err
	}
	r.started = true
	r.err = r.open()
	return r.err
}

func (r *Reader) open() error {
	set, err := newLayoutSet(r.Layouts)
	if err != nil {
		return err
	}
	comma := r.Comma
	if comma == 0 {
		comma = ';'
	}
	if comma == '"' || comma == '\r' || comma == '\n' || comma == ' ' || comma == '\t' || comma >= utf8.RuneSelf {
		return &LayoutError{Reason: "invalid separator " + string(rune(comma))}
	}
	max := r.MaxRecordBytes
	if max <= 0 {
		max = DefaultMaxRecordBytes
	}
	// Read the start of the file to choose its charset: a small buffer
	// first, so small files stay cheap, then up to sniffLimit.
	buf := make([]byte, 4<<10)
	n, rerr := io.ReadFull(r.src, buf)
	if rerr == nil {
		big := make([]byte, sniffLimit)
		copy(big, buf)
		var m int
		m, rerr = io.ReadFull(r.src, big[n:])
		buf, n = big, n+m
	}
	head := buf[:n]
	atEOF := rerr != nil
	var rest io.Reader = r.src
	switch {
	case rerr == nil:
	case errors.Is(rerr, io.EOF), errors.Is(rerr, io.ErrUnexpectedEOF):
		rest = eofReader{}
	default:
		rest = errReader{rerr} // reported where the scanner reaches it
	}
	mode, skip, err := chooseCharset(r.Charset, head, atEOF)
	if err != nil {
		return err
	}
	if mode.enc != nil {
		src := transformed(io.MultiReader(bytes.NewReader(head[skip:]), rest), mode.enc)
		mode.name = "utf-8 (from " + mode.name + ")"
		mode.enc = nil
		r.sc = newScanner(src, comma, max, nil, 0, 0)
	} else {
		// The scanner goes on in the sniffing buffer.
		r.sc = newScanner(rest, comma, max, buf, skip, n)
		r.sc.setCharset(mode.hi)
	}
	r.mode = mode
	r.dec.aliases = r.Aliases.withDefaults()
	r.dec.strict = r.Strict

	if err := r.sc.next(); err != nil {
		if errors.Is(err, io.EOF) {
			return &HeaderError{}
		}
		return err
	}
	r.decodeCells()
	r.header = append([]string(nil), r.cells...)
	if len(r.header) > 0 {
		// A BOM that a charset label hid from the sniffer.
		if h := r.header[0]; len(h) >= 3 && h[:3] == "\ufeff" {
			r.header[0] = h[3:]
		}
	}
	l, err := set.detect(r.header)
	if err != nil {
		return err
	}
	if r.Flow != "" && l.Flow != r.Flow {
		return &HeaderError{Header: r.header, Flow: l.Flow, Want: r.Flow}
	}
	r.layout = l
	r.plan = l.plan()
	return nil
}

// decodeCells turns the scanner's cell bytes into text in r.cells.
func (r *Reader) decodeCells() {
	sc := r.sc
	n := len(sc.ends)
	if cap(r.cells) < n {
		r.cells = make([]string, n)
	}
	r.cells = r.cells[:n]
	if r.mode.table != nil {
		// The scanner decoded the single-byte charset as it read.
		r.sliceCells(r.text.string(sc.rec), sc.starts, sc.ends)
		return
	}
	if utf8.Valid(sc.rec) && sc.cellsOnRunes() {
		r.sliceCells(r.text.string(sc.rec), sc.starts, sc.ends)
		return
	}
	for i := range n {
		if b := sc.cellBytes(i); utf8.Valid(b) {
			r.cells[i] = string(b)
		} else {
			r.cells[i] = decodeTable(b, cp1252Table)
			r.invalidUTF8 = append(r.invalidUTF8, i)
		}
	}
}

// sliceCells cuts r.cells from all at the given offsets.
func (r *Reader) sliceCells(all string, starts, ends []int) {
	for i, e := range ends {
		r.cells[i] = all[starts[i]:e]
	}
}

// asciiPrefix returns the length of the ASCII prefix of b, eight bytes at a
// time.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

// Read returns the next record. At the end of the file it returns nil,
// io.EOF. A record returned with a non-nil error carries a *RecordError (see
// Reader); any other error is fatal and returned again by later calls.
func (r *Reader) Read() (Record, error) {
	if err := r.start(); err != nil {
		return nil, err
	}
	if err := r.sc.next(); err != nil {
		if !errors.Is(err, io.EOF) {
			r.err = err
		}
		return nil, err
	}
	r.invalidUTF8 = r.invalidUTF8[:0]
	r.decodeCells()
	rec := r.alloc.new(r.layout.Flow)
	d := &r.dec
	d.reset(r.sc.startLine)
	d.countSlots = r.checkText
	cols := r.layout.Columns
	d.cols = cols
	// A record without control characters has none in its cells.
	r.textClean = r.checkText && (r.sc.clean || controlFree(r.sc.rec))
	for i := range cols {
		d.col = i
		if i >= len(r.cells) {
			if cols[i].Need == Mandatory {
				d.fail(codes.ReturnCodeMissing, "")
			}
			continue
		}
		s := r.cells[i]
		if len(r.invalidUTF8) > 0 && containsInt(r.invalidUTF8, i) {
			d.tolerate("not valid UTF-8, read as Windows-1252")
		}
		if len(r.sc.stray) > 0 && containsInt(r.sc.stray, i) {
			d.tolerate("text after the closing quote kept: " + quoteValue(s))
		}
		if s == "" {
			if cols[i].Need == Mandatory {
				d.fail(codes.ReturnCodeMissing, "")
			}
			continue
		}
		if r.plan.kinds[i] == kindText {
			if !r.KeepApostrophe {
				s = stripApostrophe(s)
			}
			// The usual cell, short enough in a line without control
			// characters, needs no more.
			if c := &cols[i]; r.checkText && (!r.textClean || (c.Max > 0 && len(s) > c.Max)) {
				r.checkTextCell(i, s)
			}
		}
		rec.set(r.plan.pos[i], s, d)
	}
	for i := len(cols); i < len(r.cells); i++ {
		if r.cells[i] != "" {
			d.findings = append(d.findings, newFinding(d.line, "colonne "+itoa(i+1), codes.ReturnCodeBadFormat,
				"more cells than the "+itoa(len(cols))+" columns of "+string(r.layout.Flow)+": "+quoteValue(r.cells[i])))
		}
	}
	r.records++
	if len(d.findings) == 0 && len(d.warnings) == 0 {
		return rec, nil
	}
	return rec, &RecordError{Line: d.line, Findings: cloneFindings(d.findings), Warnings: cloneFindings(d.warnings),
		bad: append([]Field(nil), d.bad...)}
}

// checkTextCell applies the Validator's free-text rules to cell i (length,
// control characters) and reports a failure; the value is kept all the
// same.
func (r *Reader) checkTextCell(i int, s string) {
	c := &r.layout.Columns[i]
	d := &r.dec
	switch {
	case c.Max > 0 && len(s) > c.Max && utf8.RuneCountInString(s) > c.Max:
		d.fail(codes.ReturnCodeBadFormat, "longer than "+itoa(c.Max)+" characters")
	case !r.textClean && hasControl(s, multiLine(c.Field)):
		d.fail(codes.ReturnCodeBadFormat, "control characters are not allowed")
	}
}

func cloneFindings(f []Finding) []Finding {
	if len(f) == 0 {
		return nil
	}
	return append([]Finding(nil), f...)
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// stripApostrophe removes the one leading ' that spreadsheet safety adds
// before =, +, -, @ or '.
func stripApostrophe(s string) string {
	if len(s) >= 2 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\'':
			return s[1:]
		}
	}
	return s
}

// needsApostrophe reports a free-text value a spreadsheet would take for a
// formula, or one that starts with the escape itself.
func needsApostrophe(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@':
		return true
	case '\'':
		return len(s) >= 2 && (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@' || s[1] == '\'')
	}
	return false
}

// ReadAll reads every record of a file with a default lenient Reader. It
// returns the flow, the records and the per-line problems (one
// *RecordError per line that had any); the error is fatal only (syntax,
// unknown header, I/O).
func ReadAll(src io.Reader) (Flow, []Record, []*RecordError, error) {
	r := NewReader(src)
	return r.ReadAll()
}

// ReadAll reads the remaining records. See the package-level ReadAll.
func (r *Reader) ReadAll() (Flow, []Record, []*RecordError, error) {
	flow, err := r.Header()
	if err != nil {
		return "", nil, nil, err
	}
	var recs []Record
	var probs []*RecordError
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return flow, recs, probs, nil
		}
		if rec == nil {
			return flow, recs, probs, err
		}
		recs = append(recs, rec)
		if re, ok := errors.AsType[*RecordError](err); ok {
			probs = append(probs, re)
		}
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
