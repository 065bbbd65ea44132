package v1a

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
)

// Writer writes the records of one flow as a 1.0a CSV file: the header line,
// then one line per record, in Windows-1252 with CRLF line ends by default
// (V1A.md "CSV format"). Cells holding the separator, a quote, a line break
// or surrounding spaces are quoted (RFC 4180). Set the exported fields before
// the first Write.
//
// Writes are buffered: call Flush at the end and check Error. A value the
// charset cannot encode is an [*EncodeError]: nothing is replaced silently.
// A Writer is not safe for concurrent use.
type Writer struct {
	// Charset is the charset of the file; the zero value is Windows-1252.
	Charset Charset
	// SpreadsheetSafe writes one more leading ' before free text starting
	// with =, +, -, @ (or ' followed by one of those or by '), so a
	// spreadsheet shows it as text instead of running it as a formula. The
	// Reader removes it again. NewWriter turns it on.
	SpreadsheetSafe bool
	// UseLF ends lines with LF instead of CRLF.
	UseLF bool
	// BOM writes a byte order mark first when Charset is UTF8.
	BOM bool
	// Layout gives the column names and order; nil means the flow's
	// [DefaultLayout].
	Layout *Layout
	// Comma is the separator; 0 means ';'.
	Comma byte

	w      *bufio.Writer
	flow   Flow
	layout *Layout
	plan   plan
	line   int // lines written
	err    error
	buf    []byte
	cell   []byte
	clock  parisClock
}

// NewWriter returns a Writer of flow f records to w, SpreadsheetSafe on.
func NewWriter(w io.Writer, f Flow) *Writer {
	return &Writer{w: bufio.NewWriter(w), flow: f, SpreadsheetSafe: true}
}

// Flow returns the flow this writer writes.
func (w *Writer) Flow() Flow { return w.flow }

// WriteHeader writes the header line if it has not been written yet; Write
// does it by itself, so it is needed only for a file without records.
func (w *Writer) WriteHeader() error {
	if w.err != nil {
		return w.err
	}
	if w.layout != nil {
		return nil
	}
	l := w.Layout
	if l == nil {
		l = DefaultLayout(w.flow)
	}
	if l == nil {
		w.err = &LayoutError{Flow: w.flow, Reason: "unknown flow"}
		return w.err
	}
	if l.Flow != w.flow {
		w.err = &LayoutError{Flow: w.flow, Reason: "layout of flow " + string(l.Flow), err: ErrWrongFlow}
		return w.err
	}
	if err := l.Check(); err != nil {
		w.err = err
		return err
	}
	w.layout = l
	w.plan = l.plan()
	if w.BOM && w.Charset == UTF8 {
		if _, err := w.w.WriteString("\ufeff"); err != nil {
			w.err = err
			return err
		}
	}
	w.buf = w.buf[:0]
	for i, c := range l.Columns {
		if err := w.appendCell(i, c.Name, c.Name, false); err != nil {
			w.err = err
			return err
		}
	}
	return w.endLine()
}

func (w *Writer) comma() byte {
	if w.Comma == 0 {
		return ';'
	}
	return w.Comma
}

// Write writes one record. Its flow must be the writer's.
func (w *Writer) Write(rec Record) error {
	if err := w.WriteHeader(); err != nil {
		return err
	}
	if rec == nil || rec.Flow() != w.flow {
		return &LayoutError{Flow: w.flow, Reason: "cannot write a record of another flow", err: ErrWrongFlow}
	}
	w.buf = w.buf[:0]
	blank := true
	cols := w.layout.Columns
	last := len(cols) - 1
	for i := range cols {
		k := w.plan.kinds[i]
		v := rec.val(w.plan.pos[i])
		if v.k != vText {
			// Dates, times, slots and numbers: ASCII without a separator,
			// a quote or a line break, appended as they are formatted.
			if i > 0 {
				w.buf = append(w.buf, w.comma())
			}
			n := len(w.buf)
			var ok bool
			w.buf, ok = v.appendWire(w.buf, k, &w.clock)
			if !ok {
				return &codes.ValueError{Field: cols[i].Name, Code: codes.ReturnCodeBadFormat,
					Reason: "a slot must start and end on the same day, in whole minutes"}
			}
			if len(w.buf) > n {
				blank = false
			} else if blank && i == last {
				w.buf = append(w.buf, '"', '"')
			}
			continue
		}
		s := v.s
		quote, ascii, cr := w.scanCell(s)
		if k == kindText {
			if cr {
				s = normalizeBreaks(s)
				quote, ascii, _ = w.scanCell(s)
			}
			if w.SpreadsheetSafe && needsApostrophe(s) {
				s = "'" + s
				quote, ascii, _ = w.scanCell(s)
			}
		}
		if s != "" {
			blank = false
		}
		if err := w.appendScanned(i, cols[i].Name, s, quote || (blank && i == last), ascii); err != nil {
			return err
		}
	}
	return w.endLine()
}

// appendCell encodes and quotes one cell into w.buf. forceQuote makes an
// empty last cell of an all-empty record `""`, so the line is not read as
// blank.
func (w *Writer) appendCell(i int, column, s string, forceQuote bool) error {
	quote, ascii, _ := w.scanCell(s)
	return w.appendScanned(i, column, s, quote || forceQuote, ascii)
}

// appendScanned is appendCell once scanCell has told whether s must be
// quoted and whether it is ASCII.
func (w *Writer) appendScanned(i int, column, s string, quote, ascii bool) error {
	if i > 0 {
		w.buf = append(w.buf, w.comma())
	}
	if ascii && !quote {
		w.buf = append(w.buf, s...)
		return nil
	}
	cell := w.cell[:0]
	if ascii {
		cell = append(cell, s...)
	} else {
		var r rune
		var ok bool
		cell, r, ok = appendEncoded(cell, s, w.Charset.charmapOf())
		w.cell = cell
		if !ok {
			return &EncodeError{Line: w.line + 1, Field: column, Rune: r, Charset: w.Charset.String()}
		}
	}
	w.cell = cell
	if !quote {
		w.buf = append(w.buf, cell...)
		return nil
	}
	w.buf = append(w.buf, '"')
	for _, b := range cell {
		if b == '"' {
			w.buf = append(w.buf, '"')
		}
		w.buf = append(w.buf, b)
	}
	w.buf = append(w.buf, '"')
	return nil
}

// scanCell reports whether s must be quoted (a separator, a quote, a line
// break, surrounding blanks), whether it is ASCII and whether it has a CR.
// Eight bytes at a time.
func (w *Writer) scanCell(s string) (quote, ascii, cr bool) {
	if s == "" {
		return false, true, false
	}
	if c := s[0]; c == ' ' || c == '\t' {
		quote = true
	}
	if c := s[len(s)-1]; c == ' ' || c == '\t' {
		quote = true
	}
	comma := uint64(w.comma())
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	var high, special, crs uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := word8(s, i)
		high |= x
		// A zero byte in y = x ^ c*lo is a byte c in x.
		y := x ^ (comma * lo)
		special |= (y - lo) &^ y
		y = x ^ ('"' * lo)
		special |= (y - lo) &^ y
		y = x ^ ('\n' * lo)
		special |= (y - lo) &^ y
		y = x ^ ('\r' * lo)
		crs |= (y - lo) &^ y
	}
	ascii = high&hi == 0
	quote = quote || (special|crs)&hi != 0
	cr = crs&hi != 0
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			ascii = false
		case c == '\r':
			quote, cr = true, true
		case c == byte(comma), c == '"', c == '\n':
			quote = true
		}
	}
	return quote, ascii, cr
}

func (w *Writer) endLine() error {
	if w.UseLF {
		w.buf = append(w.buf, '\n')
	} else {
		w.buf = append(w.buf, '\r', '\n')
	}
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = err
		return err
	}
	w.line++
	return nil
}

// normalizeBreaks turns CRLF and CR into LF: a line break inside a cell is
// LF in memory, whatever the file used.
func normalizeBreaks(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// Flush writes any buffered data to the underlying writer; check Error
// afterwards.
func (w *Writer) Flush() {
	if err := w.w.Flush(); err != nil && w.err == nil {
		w.err = err
	}
}

// Error reports the first error of a previous Write, WriteHeader or Flush.
func (w *Writer) Error() error {
	return w.err
}

// WriteAll writes the header, every record and flushes, with a default
// Writer of flow f.
func WriteAll(dst io.Writer, f Flow, recs ...Record) error {
	w := NewWriter(dst, f)
	if err := w.WriteHeader(); err != nil {
		return err
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
