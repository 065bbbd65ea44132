package v1a

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"
)

// scanner splits raw bytes into records of cells: the semicolon CSV of
// V1A.md, with RFC 4180 quoting, CR, LF and CRLF line ends, surrounding
// spaces and tabs trimmed from unquoted cells, and line breaks inside quoted
// cells turned into LF. It works on bytes, so it serves every charset whose
// separator, quote and line ends are ASCII (UTF-8 and the single-byte
// charsets); the reader decodes the cells afterwards.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	eof  bool
	rerr error // read error other than io.EOF

	comma     byte
	maxRecord int

	line      int // line of the next unread byte
	startLine int // line where the current record started

	stop [256]bool // bytes that end an unquoted cell: separator, CR, LF

	// eol is the byte the fast paths look for to find the end of a line:
	// LF, or CR once the cell-by-cell path has met a bare CR (a file with
	// CR line ends), until it meets a bare LF again. Searching a file of
	// bare CRs for LF would scan the whole buffer for every line. other is
	// the line end that, inside a line, sends it to the cell-by-cell path:
	// CR when looking for LF, LF when looking for CR.
	eol, other byte

	rec    []byte        // the current record's cell bytes, unescaped
	starts []int         // start offset of each cell in rec
	ends   []int         // end offset of each cell in rec
	quoted bool          // whether a cell of the record was quoted
	hi     *[128]utf8Seq // single-byte charset: UTF-8 of bytes 0x80–0xFF; nil: bytes kept
	// hiNonASCII: a byte 0x80–0xFF of the charset decodes to ASCII, so
	// lines are cut before decoding.
	hiNonASCII bool
	stray      []int // cells with text after their closing quote
	clean      bool  // the record is known to have no control character
	// cellByCell turns the fast paths off, so tests can compare them with
	// the cell-by-cell path.
	cellByCell bool
}

const scanBufSize = 64 << 10

// newScanner returns a scanner reading r; buf[pos:end] holds bytes already
// read from it (nil buf: a fresh buffer).
func newScanner(r io.Reader, comma byte, maxRecord int, buf []byte, pos, end int) *scanner {
	if buf == nil {
		buf = make([]byte, scanBufSize)
	}
	s := &scanner{r: r, buf: buf, pos: pos, end: end, comma: comma, maxRecord: maxRecord, line: 1,
		eol: '\n', other: '\r'}
	s.stop[comma], s.stop['\r'], s.stop['\n'] = true, true, true
	return s
}

func (s *scanner) readErr(err error) {
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		s.eof = true
	default:
		s.rerr = err
	}
}

// more makes s.pos < s.end unless the input is exhausted; it reports
// whether a byte is available.
func (s *scanner) more() bool {
	if s.pos < s.end {
		return true
	}
	return s.fill()
}

// fill refills the buffer; it reports whether a byte is available.
func (s *scanner) fill() bool {
	for s.pos >= s.end {
		if s.eof || s.rerr != nil {
			return false
		}
		s.pos, s.end = 0, 0
		for range 100 {
			n, err := s.r.Read(s.buf)
			s.end = n
			s.readErr(err)
			if n > 0 || s.eof || s.rerr != nil {
				break
			}
		}
		if s.end == 0 && !s.eof && s.rerr == nil {
			s.rerr = io.ErrNoProgress
		}
	}
	return true
}

func (s *scanner) syntax(format string, args ...any) error {
	return &ParseError{StartLine: s.startLine, Line: s.line, Column: len(s.ends) + 1,
		Err: fmt.Errorf("%w: "+format, append([]any{ErrSyntax}, args...)...)}
}

// over reports whether n more bytes of cell text would take the current
// record over the size limit. A record counts its cells' text, as read so
// far, and its separators: the cells closed so far, each followed by one.
// A raw byte decodes to at least one byte, so the raw length of the text
// about to be added is a lower bound of what it adds.
func (s *scanner) over(n int) bool {
	return s.maxRecord > 0 && len(s.rec)+len(s.ends)+n > s.maxRecord
}

// tooLong is the error of a record over the size limit, at the cell being
// read.
func (s *scanner) tooLong() error {
	return &ParseError{StartLine: s.startLine, Line: s.line, Column: len(s.ends) + 1,
		Err: &limitError{max: s.maxRecord}}
}

// limitError is the cause of a [ParseError] for a record over the limit.
type limitError struct{ max int }

func (e *limitError) Error() string {
	return "malformed CSV: record longer than " + itoa(e.max) + " bytes (MaxRecordBytes)"
}

func (e *limitError) Unwrap() []error { return []error{ErrSyntax, ErrRecordTooLong} }

func (s *scanner) ioError() error {
	return &ParseError{StartLine: s.startLine, Line: s.line, Err: s.rerr}
}

// next reads the next non-blank record. It returns io.EOF at the end of the
// input, a [*ParseError] for malformed input or a read error.
func (s *scanner) next() error {
	for {
		blank, err := s.record()
		if err != nil {
			return err
		}
		if !blank {
			return nil
		}
	}
}

// record reads one physical record; blank reports a record whose cells are
// all empty and unquoted (an empty line, or a line of separators a
// spreadsheet left).
func (s *scanner) record() (blank bool, err error) {
	s.clear()
	if !s.more() {
		if s.rerr != nil {
			return false, s.ioError()
		}
		return false, io.EOF
	}
	s.startLine = s.line
	if !s.cellByCell {
		if ok, blank := s.fastLine(); ok {
			return blank, nil
		}
	}
	for {
		ended, err := s.cell()
		if err != nil {
			return false, err
		}
		if s.maxRecord > 0 && len(s.rec)+len(s.ends)-1 > s.maxRecord {
			return false, s.tooLong()
		}
		if ended {
			break
		}
	}
	if len(s.rec) > 0 {
		return false, nil
	}
	if s.quoted {
		return false, nil
	}
	return true, nil
}

// clear empties the current record.
func (s *scanner) clear() {
	s.rec, s.starts, s.ends, s.stray = s.rec[:0], s.starts[:0], s.ends[:0], s.stray[:0]
	s.clean, s.quoted = false, false
}

// fastLine reads the common record at once: a whole line in the buffer,
// ended by LF, CRLF or a bare CR, without quote and without another line
// end. It splits it with bytes.IndexByte and reports false, consuming
// nothing, for any other record, which the cell-by-cell path reads; blank
// reports a record whose cells are all empty.
func (s *scanner) fastLine() (ok, blank bool) {
	chunk := s.buf[s.pos:s.end]
	nl := bytes.IndexByte(chunk, s.eol)
	if nl < 0 {
		return false, false
	}
	line := chunk[:nl]
	next := nl + 1 // the start of the next line
	if s.eol == '\n' {
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	} else {
		if next == len(chunk) {
			return false, false // a LF may follow
		}
		if chunk[next] == '\n' {
			next++
		}
	}
	if s.maxRecord > 0 && len(line) > s.maxRecord {
		return false, false
	}
	// Decode the whole line at once and cut it into cells: the separator
	// and the blanks are ASCII, which the decoded text keeps (unless the
	// charset decodes a high byte to ASCII: then cell by cell).
	var text int
	if s.hiNonASCII {
		if bytes.IndexByte(line, s.other) >= 0 {
			return false, false
		}
		if bytes.IndexByte(line, '"') >= 0 {
			return s.fastQuoted(chunk)
		}
		text = s.fastCells(line)
		if s.over(-1) {
			s.clear()
			return false, false
		}
	} else {
		var stop byte
		text, stop = s.decodeCut(line)
		switch {
		case stop == '"':
			return s.fastQuoted(chunk)
		case stop != 0:
			return false, false
		}
	}
	s.pos += next
	s.line++
	return true, text == 0
}

// fastQuoted reads a record with quotes that lies whole in chunk, the
// unread part of the buffer, and is ended by LF, CRLF or CR: cells are cut
// with bytes.IndexByte, a quoted cell may hold separators, doubled quotes
// and line breaks (LF, CRLF or CR, read as LF). It reports false, consuming
// nothing, for what the cell-by-cell path reads: a record that goes past
// chunk, an unquoted cell with a line end other than the one looked for,
// text after a closing quote, a record over the size limit.
func (s *scanner) fastQuoted(chunk []byte) (ok, blank bool) {
	undo := func() (bool, bool) {
		s.clear()
		return false, false
	}
	lines := 0 // line breaks inside quoted cells
	i := 0
	for {
		for i < len(chunk) && (chunk[i] == ' ' || chunk[i] == '\t') {
			i++
		}
		if i == len(chunk) {
			return undo()
		}
		start := len(s.rec)
		if chunk[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(chunk[i:], '"')
				if j < 0 {
					return undo()
				}
				text := chunk[i : i+j]
				if s.over(len(text)) {
					return undo()
				}
				// A CR in quoted text: CRLF and a bare CR are each one
				// line break, read as LF.
				for {
					k := bytes.IndexByte(text, '\r')
					if k < 0 {
						break
					}
					lines += bytes.Count(text[:k], []byte{'\n'})
					s.put(text[:k])
					if k+1 < len(text) && text[k+1] == '\n' {
						text = text[k+1:] // the LF goes with the rest
						continue
					}
					s.rec = append(s.rec, '\n')
					lines++
					text = text[k+1:]
				}
				lines += bytes.Count(text, []byte{'\n'})
				s.put(text)
				i += j + 1
				if i < len(chunk) && chunk[i] == '"' {
					s.rec = append(s.rec, '"')
					i++
					continue
				}
				break
			}
			if s.over(0) {
				return undo()
			}
			for i < len(chunk) && (chunk[i] == ' ' || chunk[i] == '\t') {
				i++
			}
			if i == len(chunk) || (chunk[i] != s.comma && chunk[i] != '\n' && chunk[i] != '\r') {
				return undo() // text after the closing quote, or the end of the buffer
			}
			s.closeCell(start, true)
		} else {
			// An unquoted cell ends at the separator or the line end; a
			// quote inside it is text.
			j := bytes.IndexByte(chunk[i:], s.eol)
			if j < 0 {
				return undo()
			}
			cell := chunk[i : i+j]
			if k := bytes.IndexByte(cell, s.comma); k >= 0 {
				cell = cell[:k]
			}
			if k := bytes.IndexByte(cell, s.other); k >= 0 {
				if s.other == '\n' || k != len(cell)-1 || i+k+1 != i+j {
					return undo() // a line end before the one looked for
				}
				cell = cell[:k] // the CR of a CRLF
			}
			s.put(cell)
			if s.over(0) {
				return undo()
			}
			i += len(cell)
			s.closeCell(start, false)
		}
		switch chunk[i] {
		case '\r':
			if i+1 == len(chunk) {
				return undo() // a LF may follow
			}
			if chunk[i+1] == '\n' {
				i++
			}
			fallthrough
		case '\n':
			s.pos += i + 1
			s.line += lines + 1
			return true, len(s.rec) == 0 && !s.quoted
		}
		i++ // the separator
	}
}

// decodeCut decodes line into s.rec and cuts it into cells at the
// separators, without the blanks around each cell, in one pass eight bytes
// at a time; it returns the length of their text, and notes on the way
// whether the line has control characters (s.clean). It stops at the first
// quote or line end (s.other), and at a record longer than the limit,
// returning that byte (1 for the limit) with the scanner reset.
func (s *scanner) decodeCut(line []byte) (text int, stop byte) {
	const lo, high = 0x0101010101010101, 0x8080808080808080
	commas, quotes, crs := uint64(s.comma)*lo, uint64('"')*lo, uint64(s.other)*lo
	var his uint64 // the high bits of the bytes to decode
	if s.hi != nil {
		his = high
	}
	pad := uint64('A') * lo // fills a word after its plain bytes
	if s.comma == 'A' {
		pad = uint64('B') * lo
	}
	// Room for the decoded line (a byte decodes to at most four), and
	// eight bytes more for the word stores.
	need := 4*len(line) + 8
	if cap(s.rec) < need {
		s.rec = make([]byte, 0, need)
	}
	rec := s.rec[:need]
	n, start := 0, 0
	var ctrl bool
	for i := 0; i < len(line); {
		var x uint64
		k := len(line) - i // the plain bytes of x
		if k >= 8 {
			x, k = binary.LittleEndian.Uint64(line[i:]), 8
		} else {
			var w [8]byte
			copy(w[:], line[i:])
			x = binary.LittleEndian.Uint64(w[:])
		}
		odd := false // line[i+k] is to decode, or stops the cutting
		if m := x&his | byteMask(x, quotes) | byteMask(x, crs); m != 0 {
			if j := bits.TrailingZeros64(m) / 8; j < k {
				k, odd = j, true
			}
		}
		if k < 8 {
			keep := uint64(1)<<(8*k) - 1
			x = x&keep | pad&^keep
		}
		ctrl = ctrl || controlWord(x)
		binary.LittleEndian.PutUint64(rec[n:], x)
		for m := byteMask(x, commas); m != 0; m &= m - 1 {
			j := n + bits.TrailingZeros64(m)/8
			text += s.addCell(rec, start, j)
			start = j + 1
		}
		n += k
		i += k
		if odd {
			c := line[i]
			if c == '"' || c == s.other {
				s.clear()
				return 0, c
			}
			u := &s.hi[c-utf8.RuneSelf]
			n += copy(rec[n:], u.b[:u.n])
			i++
		}
	}
	if s.maxRecord > 0 && n > s.maxRecord {
		s.clear()
		return 0, 1
	}
	s.rec = rec[:n]
	s.clean = !ctrl
	return text + s.addCell(rec, start, n), 0
}

// byteMask returns the high bit of each byte of x equal to the byte of
// b, which repeats one byte eight times.
func byteMask(x, b uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	y := x ^ b
	return ^((y&low7 + low7) | y | low7)
}

// addCell adds the cell rec[a:b], without its surrounding blanks, and
// returns its length.
func (s *scanner) addCell(rec []byte, a, b int) int {
	for a < b && (rec[a] == ' ' || rec[a] == '\t') {
		a++
	}
	for b > a && (rec[b-1] == ' ' || rec[b-1] == '\t') {
		b--
	}
	s.starts = append(s.starts, a)
	s.ends = append(s.ends, b)
	return b - a
}

// fastCells splits line cell by cell, decoding each cell on its own; it
// returns the length of their text.
func (s *scanner) fastCells(line []byte) int {
	for start := 0; ; {
		i := bytes.IndexByte(line[start:], s.comma)
		end := len(line)
		if i >= 0 {
			end = start + i
		}
		a, b := start, end
		for a < b && (line[a] == ' ' || line[a] == '\t') {
			a++
		}
		for b > a && (line[b-1] == ' ' || line[b-1] == '\t') {
			b--
		}
		s.starts = append(s.starts, len(s.rec))
		s.put(line[a:b])
		s.ends = append(s.ends, len(s.rec))
		if i < 0 {
			return len(s.rec)
		}
		start = end + 1
	}
}

// cell reads one cell and its terminator; ended reports the end of the
// record.
func (s *scanner) cell() (ended bool, err error) {
	// Leading blanks: dropped from an unquoted cell, allowed before a quote.
	for s.more() && (s.buf[s.pos] == ' ' || s.buf[s.pos] == '\t') {
		s.pos++
	}
	if s.more() && s.buf[s.pos] == '"' {
		s.pos++
		return s.quotedCell()
	}
	return s.plainCell()
}

func (s *scanner) plainCell() (bool, error) {
	start := len(s.rec)
	for {
		if !s.more() {
			if s.rerr != nil {
				return false, s.ioError()
			}
			s.closeCell(start, false)
			return true, nil
		}
		chunk := s.buf[s.pos:s.end]
		i := 0
		for i < len(chunk) && !s.stop[chunk[i]] {
			i++
		}
		if s.over(i) {
			return false, s.tooLong()
		}
		s.put(chunk[:i])
		s.pos += i
		if i == len(chunk) {
			continue
		}
		s.closeCell(start, false)
		return s.terminator()
	}
}

// closeCell ends the cell that started at start, trimming trailing blanks
// from an unquoted cell.
func (s *scanner) closeCell(start int, quoted bool) {
	if !quoted {
		n := len(s.rec)
		for n > start && (s.rec[n-1] == ' ' || s.rec[n-1] == '\t') {
			n--
		}
		s.rec = s.rec[:n]
	}
	s.starts = append(s.starts, start)
	s.ends = append(s.ends, len(s.rec))
	s.quoted = s.quoted || quoted
}

// terminator consumes the separator or line end at s.pos and reports
// whether it ended the record.
func (s *scanner) terminator() (bool, error) {
	c := s.buf[s.pos]
	s.pos++
	switch c {
	case '\r':
		s.line++
		if s.more() && s.buf[s.pos] == '\n' {
			s.pos++
		} else if s.eol == '\n' && !s.eof {
			s.eol, s.other = '\r', '\n' // a bare CR: a file of CR line ends
		}
		return true, nil
	case '\n':
		s.line++
		if s.eol == '\r' {
			s.eol, s.other = '\n', '\r' // a bare LF
		}
		return true, nil
	}
	return false, nil // separator
}

func (s *scanner) quotedCell() (bool, error) {
	start := len(s.rec)
	for {
		if !s.more() {
			if s.rerr != nil {
				return false, s.ioError()
			}
			return false, s.syntax("quoted cell not closed before the end of the file")
		}
		chunk := s.buf[s.pos:s.end]
		i := quotedText(chunk)
		// Checked before each piece of text and after each line break or
		// doubled quote, so a cell never grows past the limit.
		if s.over(i) {
			return false, s.tooLong()
		}
		s.put(chunk[:i])
		s.pos += i
		if i == len(chunk) {
			continue
		}
		c := chunk[i]
		s.pos++
		switch c {
		case '\r':
			s.line++
			if s.more() && s.buf[s.pos] == '\n' {
				s.pos++
			}
			s.rec = append(s.rec, '\n')
		case '\n':
			s.line++
			s.rec = append(s.rec, '\n')
		case '"':
			if s.more() && s.buf[s.pos] == '"' {
				s.pos++
				s.rec = append(s.rec, '"')
				continue
			}
			return s.afterQuote(start)
		}
	}
}

// quotedText returns the length of the text at the start of b, up to a
// quote, a CR or a LF. It searches a window of b at a time, so that a cell
// costs the same whatever follows it in the buffer.
func quotedText(b []byte) int {
	const window = 128
	for n := 0; n < len(b); n += window {
		w := b[n:min(len(b), n+window)]
		end := len(w)
		if j := bytes.IndexByte(w, '"'); j >= 0 {
			end = j
		}
		if j := bytes.IndexByte(w[:end], '\n'); j >= 0 {
			end = j
		}
		if j := bytes.IndexByte(w[:end], '\r'); j >= 0 {
			end = j
		}
		if end < len(w) {
			return n + end
		}
	}
	return len(b)
}

// afterQuote handles what follows a closing quote: blanks, then a separator
// or a line end. Other text there is kept, appended to the cell, and the
// cell is marked stray so the reader can report it.
func (s *scanner) afterQuote(start int) (bool, error) {
	blanks := 0
	for s.more() && (s.buf[s.pos] == ' ' || s.buf[s.pos] == '\t') {
		s.pos++
		blanks++
	}
	if !s.more() {
		if s.rerr != nil {
			return false, s.ioError()
		}
		s.closeCell(start, true)
		return true, nil
	}
	if c := s.buf[s.pos]; c == s.comma || c == '\r' || c == '\n' {
		s.closeCell(start, true)
		return s.terminator()
	}
	// Text after the closing quote: keep the quote and the rest literally.
	if s.over(1 + blanks) {
		return false, s.tooLong()
	}
	s.stray = append(s.stray, len(s.ends))
	s.rec = append(s.rec, '"')
	for range blanks {
		s.rec = append(s.rec, ' ')
	}
	for {
		if !s.more() {
			if s.rerr != nil {
				return false, s.ioError()
			}
			s.closeCell(start, true)
			return true, nil
		}
		c := s.buf[s.pos]
		if c == s.comma || c == '\r' || c == '\n' {
			s.closeCell(start, true)
			return s.terminator()
		}
		if s.over(1) {
			return false, s.tooLong()
		}
		s.put(s.buf[s.pos : s.pos+1])
		s.pos++
	}
}

// put appends cell text to the record, decoding a single-byte charset to
// UTF-8 on the way.
func (s *scanner) put(b []byte) {
	if s.hi == nil {
		s.rec = append(s.rec, b...)
		return
	}
	for len(b) > 0 {
		i := asciiPrefix(b)
		s.rec = append(s.rec, b[:i]...)
		if i == len(b) {
			return
		}
		u := &s.hi[b[i]-utf8.RuneSelf]
		s.rec = append(s.rec, u.b[:u.n]...)
		b = b[i+1:]
	}
}

// setCharset makes the scanner decode the single-byte charset whose upper
// half is hi (nil: keep the bytes).
func (s *scanner) setCharset(hi *[128]utf8Seq) {
	s.hi, s.hiNonASCII = hi, false
	if hi == nil {
		return
	}
	for _, u := range hi {
		if u.n == 1 {
			s.hiNonASCII = true
		}
	}
}

// cellsOnRunes reports whether every cell of valid UTF-8 text starts and
// ends on a rune boundary, so that each cell is valid UTF-8 too (not only
// their concatenation).
func (s *scanner) cellsOnRunes() bool {
	for i, a := range s.starts {
		if a < len(s.rec) && !utf8.RuneStart(s.rec[a]) {
			return false
		}
		if b := s.ends[i]; b < len(s.rec) && !utf8.RuneStart(s.rec[b]) {
			return false
		}
	}
	return true
}

// cellBytes returns cell i of the current record.
func (s *scanner) cellBytes(i int) []byte { return s.rec[s.starts[i]:s.ends[i]] }
