package xmltok

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Limits bounds the documents a [Decoder] reads. A zero field imposes no
// limit. A document beyond a limit is a [*LimitError].
type Limits struct {
	// MaxDepth is the deepest element nesting: the root element is at
	// level 1, and an empty element (<a/>) counts as deep as any other.
	MaxDepth int
	// MaxElements is the number of elements of a document.
	MaxElements int
	// MaxAttributes is the number of attributes of one element, namespace
	// declarations included.
	MaxAttributes int
	// MaxTokenBytes is the length in bytes of the longest token as it is
	// written in the input: a start tag with its attributes, an end tag,
	// a run of text, a comment, a CDATA section, a processing instruction
	// or a directive.
	MaxTokenBytes int
}

// ErrLimit is what every [*LimitError] unwraps to.
var ErrLimit = errors.New("xmltok: document beyond a limit")

// LimitError reports a document beyond one of the [Limits]. Limit names the
// field ("MaxDepth", "MaxElements", "MaxAttributes" or "MaxTokenBytes"), Max
// its value; Offset and Line locate the first byte beyond the limit (the '<'
// of the element one too many, the quote of the attribute one too many, the
// '>' of the start tag one level too deep, the first byte beyond the
// longest token allowed).
type LimitError struct {
	Limit  string
	Max    int64
	Line   int
	Offset int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("xmltok: line %d: document beyond %s %d", e.Line, e.Limit, e.Max)
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

// ErrDirective is what every [*DirectiveError] unwraps to.
var ErrDirective = errors.New("xmltok: DTDs and directives are not allowed")

// DirectiveError reports a directive (<!DOCTYPE …> and the like) that a
// Decoder set to NoDirectives refused, at the '<' that opens it.
type DirectiveError struct {
	Line   int
	Offset int64
}

func (e *DirectiveError) Error() string {
	return fmt.Sprintf("xmltok: line %d: DTDs and directives are not allowed", e.Line)
}

// Unwrap returns [ErrDirective].
func (e *DirectiveError) Unwrap() error { return ErrDirective }

// errShort tells the token parser's caller to read more input and parse the
// token again from its first byte.
var errShort = errors.New("xmltok: short buffer")

const (
	xmlURL      = "http://www.w3.org/XML/1998/namespace"
	xmlnsPrefix = "xmlns"
	xmlPrefix   = "xml"
)

// DefaultBufferSize is the size of a Decoder's input buffer; it grows for a
// token that does not fit.
const DefaultBufferSize = 16 << 10

// maxInterned bounds the names and values a Decoder remembers.
const maxInterned = 2048

// maxInternedValue is the longest attribute value a Decoder interns.
const maxInternedValue = 128

// names is the table of the names a Decoder interned: open addressing on
// their hash, looked up with the bytes of a name, without the cost of a Go
// map's string key.
type names struct {
	seed  maphash.Seed
	slots []nameSlot // a power of two, at most half full
	n     int
}

type nameSlot struct {
	hash uint64
	q    *qname
}

func (t *names) init() {
	t.seed = maphash.MakeSeed()
	t.slots = make([]nameSlot, 128)
}

// find returns the name whose bytes are raw, of hash h, or nil.
func (t *names) find(h uint64, raw []byte) *qname {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.q == nil {
			return nil
		}
		if s.hash == h && s.q.full == string(raw) {
			return s.q
		}
	}
}

// add interns q, of hash h, unless the table holds maxInterned names.
func (t *names) add(h uint64, q *qname) {
	if t.n >= maxInterned {
		return
	}
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]nameSlot, 2*len(old))
		for _, s := range old {
			if s.q != nil {
				t.put(s)
			}
		}
	}
	t.put(nameSlot{hash: h, q: q})
	t.n++
}

func (t *names) put(s nameSlot) {
	mask := uint64(len(t.slots) - 1)
	i := s.hash & mask
	for t.slots[i].q != nil {
		i = (i + 1) & mask
	}
	t.slots[i] = s
}

// qname is a name as written, split at its colon as encoding/xml's nsname
// splits it (space is the prefix); multi marks a name of more than one
// colon, which nsname refuses.
type qname struct {
	full, space, local string
	multi              bool
	// The tokens of an element of this name without attributes, boxed
	// once for the translation they were made for: a token's value is
	// immutable, so returning the same one again costs no allocation.
	as         xml.Name
	start, end xml.Token
}

// binding is a namespace declaration in scope.
type binding struct {
	prefix, uri string
	prev        int // index of the binding it shadows, -1 for none
}

// frame is an open element.
type frame struct {
	raw  *qname   // as written, to match the end tag
	name xml.Name // translated
	ns   int      // len(d.ns) before the element's declarations
}

// A Decoder reads the tokens of an XML document, as [xml.Decoder.Token]
// does (see the package documentation). Set its fields before the first
// call to Token. A Decoder is not safe for concurrent use.
type Decoder struct {
	// Limits bounds the document; the zero value imposes none.
	Limits Limits
	// CharsetReader turns the rest of a document declaring an encoding
	// other than UTF-8 into UTF-8, as [xml.Decoder.CharsetReader] does;
	// nil means [charset.NewReaderLabel].
	CharsetReader func(label string, input io.Reader) (io.Reader, error)
	// NoDirectives refuses directives: a document holding one is a
	// [*DirectiveError] at the directive's '<', instead of a Directive
	// token.
	NoDirectives bool
	// SkipBOM skips a UTF-8 byte order mark at the start of the input
	// (encoding/xml returns it as character data); its bytes still count
	// in InputOffset and InputPos.
	SkipBOM bool

	r    io.Reader
	rerr error // the reader's error, after buf[:end]
	err  error // sticky

	buf  []byte
	pos  int   // start of the next token
	end  int   // bytes of buf read
	base int64 // input offset of buf[0]
	lim  int   // bytes of buf the current token may use: min(end, tlim)
	tlim int   // index of the first byte beyond the longest token allowed
	bom  bool  // the byte order mark is still to be checked

	// Line accounting, done lazily up to lnIdx.
	lnIdx     int
	line      int
	linestart int64

	stack    []frame
	ns       []binding
	nsTop    map[string]int // prefix → index in ns of its binding, once mapped
	mapped   bool           // more bindings than a linear search suits
	elements int

	needClose bool // the last start element was empty: its end is next

	scratch []byte
	attrs   []xml.Attr
	names   names
	values  names // attribute values
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader) *Decoder {
	d := &Decoder{}
	d.Reset(r)
	return d
}

// maxKeptBuffer is the largest input buffer Reset keeps.
const maxKeptBuffer = 256 << 10

// Reset makes d read a new document from r, keeping its settings, its
// buffers (unless a long token made them large) and the names it interned.
func (d *Decoder) Reset(r io.Reader) {
	*d = Decoder{
		Limits:        d.Limits,
		CharsetReader: d.CharsetReader,
		SkipBOM:       d.SkipBOM,
		NoDirectives:  d.NoDirectives,
		r:             r,
		buf:           d.buf,
		line:          1,
		bom:           true,
		stack:         d.stack[:0],
		ns:            d.ns[:0],
		nsTop:         d.nsTop,
		scratch:       d.scratch[:0],
		attrs:         d.attrs[:0],
		names:         d.names,
		values:        d.values,
	}
	if d.buf == nil || len(d.buf) > maxKeptBuffer {
		d.buf = make([]byte, DefaultBufferSize)
	}
	if cap(d.scratch) > maxKeptBuffer {
		d.scratch = nil
	}
	clear(d.nsTop)
	if d.names.slots == nil {
		d.names.init()
		d.values.init()
	}
}

// Err returns the error that stopped d (io.EOF at the end of the input), or
// nil.
func (d *Decoder) Err() error { return d.err }

// InputOffset returns the input offset of the end of the most recently
// returned token, as [xml.Decoder.InputOffset] does.
func (d *Decoder) InputOffset() int64 { return d.base + int64(d.pos) }

// InputPos returns the line of the end of the most recently returned token
// and its 1-based column (in bytes), as [xml.Decoder.InputPos] does.
func (d *Decoder) InputPos() (line, column int) {
	d.countLines(d.pos)
	return d.line, int(d.base+int64(d.pos)-d.linestart) + 1
}

// countLines brings the line accounting to buf[i].
func (d *Decoder) countLines(i int) {
	if i <= d.lnIdx {
		return
	}
	seg := d.buf[d.lnIdx:i]
	if n := bytes.Count(seg, nl); n > 0 {
		d.line += n
		d.linestart = d.base + int64(d.lnIdx+bytes.LastIndexByte(seg, '\n')+1)
	}
	d.lnIdx = i
}

var nl = []byte{'\n'}

// lineAt returns the line of buf[i], i not before the accounted position.
func (d *Decoder) lineAt(i int) int {
	d.countLines(i)
	return d.line
}

// syntaxAt stops decoding with a syntax error, the decoder positioned at
// buf[i].
func (d *Decoder) syntaxAt(i int, msg string) error {
	d.pos = i
	d.err = &xml.SyntaxError{Msg: msg, Line: d.lineAt(i)}
	return d.err
}

// limitAt stops decoding with a limit error at buf[i].
func (d *Decoder) limitAt(i int, limit string, max int) error {
	d.pos = i
	d.err = &LimitError{Limit: limit, Max: int64(max), Line: d.lineAt(i), Offset: d.base + int64(i)}
	return d.err
}

// more is called when the token being parsed needs buf[i], beyond d.lim:
// it returns errShort when more input may come, a limit error for a token
// too long, a syntax error at the end of the input (or the reader's
// error).
func (d *Decoder) more(i int) error {
	if i >= d.tlim {
		return d.limitAt(d.tlim, "MaxTokenBytes", d.Limits.MaxTokenBytes)
	}
	if d.rerr == nil {
		return errShort
	}
	if d.rerr == io.EOF {
		return d.syntaxAt(i, "unexpected EOF")
	}
	d.pos = i
	d.err = d.rerr
	return d.err
}

// window sets the bytes the next token may use.
func (d *Decoder) window() {
	d.tlim = math.MaxInt
	if m := d.Limits.MaxTokenBytes; m > 0 && m < math.MaxInt-d.pos {
		d.tlim = d.pos + m
	}
	d.lim = min(d.end, d.tlim)
}

// fill reads more input for the token at buf[pos:end], which the parser
// found incomplete. A short token takes what one read gives; a long one
// waits for half as many bytes again, so that parsing it again from its
// start as it grows costs linear time.
func (d *Decoder) fill() {
	have := d.end - d.pos
	want := have + 1
	if have >= 256 {
		want = have + have/2
	}
	if m := d.Limits.MaxTokenBytes; m > 0 && m < math.MaxInt && want > m+1 {
		want = max(m+1, have+1) // the token and the byte after it
	}
	if d.pos > 0 {
		d.countLines(d.pos)
		n := copy(d.buf, d.buf[d.pos:d.end])
		d.base += int64(d.pos)
		d.lnIdx -= d.pos
		d.end, d.pos = n, 0
	}
	if len(d.buf) < want {
		nb := make([]byte, max(2*len(d.buf), want))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for tries := 0; d.end < want && d.rerr == nil; {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.rerr = err
		} else if n == 0 {
			if tries++; tries > 100 {
				d.rerr = io.ErrNoProgress
			}
		}
	}
}

var bomBytes = []byte{0xef, 0xbb, 0xbf}

// Token returns the next token, as [xml.Decoder.Token] does, and nil, io.EOF
// at the end of the input. The bytes of CharData, Comment, ProcInst.Inst and
// Directive tokens are valid until the next call to Token or Skip (use
// [xml.CopyToken] to keep them); names, attributes and their values belong
// to the caller.
func (d *Decoder) Token() (xml.Token, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.needClose {
		d.needClose = false
		tok := d.stack[len(d.stack)-1].end()
		d.pop()
		return tok, nil
	}
	for d.bom {
		if d.SkipBOM && d.end-d.pos < len(bomBytes) && d.rerr == nil {
			d.fill()
			continue
		}
		d.bom = false
		if d.SkipBOM && d.base == 0 && d.pos == 0 && bytes.HasPrefix(d.buf[:d.end], bomBytes) {
			d.pos = len(bomBytes)
		}
	}
	for {
		d.window()
		tok, err := d.rawToken()
		if err == errShort {
			d.fill()
			continue
		}
		if err == io.EOF && len(d.stack) > 0 {
			return nil, d.syntaxAt(d.pos, "unexpected EOF")
		}
		if err != nil {
			if d.err == nil {
				d.err = err
			}
			return nil, err
		}
		return tok, nil
	}
}

// Skip reads tokens up to the end element that matches the last start
// element read, as [xml.Decoder.Skip] does.
func (d *Decoder) Skip() error {
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

// pop closes the element on top of the stack, undoing its declarations.
func (d *Decoder) pop() {
	n := len(d.stack) - 1
	mark := d.stack[n].ns
	d.stack = d.stack[:n]
	if d.mapped {
		for j := len(d.ns) - 1; j >= mark; j-- {
			b := d.ns[j]
			if b.prev >= 0 {
				d.nsTop[b.prefix] = b.prev
			} else {
				delete(d.nsTop, b.prefix)
			}
		}
	}
	d.ns = d.ns[:mark]
}

// lookup returns the namespace bound to prefix.
func (d *Decoder) lookup(prefix string) (string, bool) {
	if !d.mapped {
		for j := len(d.ns) - 1; j >= 0; j-- {
			if d.ns[j].prefix == prefix {
				return d.ns[j].uri, true
			}
		}
		return "", false
	}
	j, ok := d.nsTop[prefix]
	if !ok {
		return "", false
	}
	return d.ns[j].uri, true
}

func (d *Decoder) bind(prefix, uri string) {
	if !d.mapped {
		if len(d.ns) < 16 {
			d.ns = append(d.ns, binding{prefix: prefix, uri: uri})
			return
		}
		// Enough bindings in scope for a map to pay.
		if d.nsTop == nil {
			d.nsTop = make(map[string]int)
		}
		d.mapped = true
		for j := range d.ns {
			d.ns[j].prev = d.top(d.ns[j].prefix)
			d.nsTop[d.ns[j].prefix] = j
		}
	}
	prev := d.top(prefix)
	d.nsTop[prefix] = len(d.ns)
	d.ns = append(d.ns, binding{prefix: prefix, uri: uri, prev: prev})
}

// top returns the index of prefix's binding in the map, -1 for none.
func (d *Decoder) top(prefix string) int {
	if j, ok := d.nsTop[prefix]; ok {
		return j
	}
	return -1
}

// translate resolves a name as encoding/xml does: the default namespace
// applies to element names only, an unknown prefix is kept as the space.
func (d *Decoder) translate(space, local string, element bool) xml.Name {
	switch {
	case space == xmlnsPrefix:
		return xml.Name{Space: space, Local: local}
	case space == "" && !element:
		return xml.Name{Local: local}
	case space == xmlPrefix:
		return xml.Name{Space: xmlURL, Local: local}
	case space == "" && local == xmlnsPrefix:
		return xml.Name{Local: local}
	}
	if v, ok := d.lookup(space); ok {
		return xml.Name{Space: v, Local: local}
	}
	return xml.Name{Space: space, Local: local}
}

// rawToken parses the token at buf[pos]; on success it moves pos past it.
func (d *Decoder) rawToken() (xml.Token, error) {
	i := d.pos
	if i >= d.lim {
		if i >= d.tlim {
			return nil, d.more(i)
		}
		if d.rerr == nil {
			return nil, errShort
		}
		return nil, d.rerr
	}
	b := d.buf
	if b[i] != '<' {
		return d.text(i)
	}
	if i+1 >= d.lim {
		return nil, d.more(i + 1)
	}
	switch b[i+1] {
	case '/':
		return d.endTag(i)
	case '?':
		return d.procInst(i)
	case '!':
		return d.bang(i)
	}
	return d.startTag(i)
}

// Byte classes.
const (
	cName  = 1 << iota // a byte of a name (as encoding/xml's readName reads them)
	cText              // a byte text scanning stops at
	cAttr              // a byte attribute value scanning stops at
	cCDATA             // a byte CDATA scanning stops at
	cSpace             // white space between markup
	cCheck             // a byte whose character must be checked
)

var class [256]uint8

func init() {
	for c := range 256 {
		var k uint8
		b := byte(c)
		if 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' ||
			b == '_' || b == ':' || b == '.' || b == '-' || b >= utf8.RuneSelf {
			k |= cName
		}
		if b >= utf8.RuneSelf || b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
			k |= cCheck | cText | cAttr | cCDATA
		}
		switch b {
		case '<', '&':
			k |= cText | cAttr
		case '>':
			k |= cText
		case '\r':
			k |= cText | cAttr | cCDATA
		case '"', '\'':
			k |= cAttr
		case ']':
			k |= cCDATA
		case ' ', '\n', '\t':
			k |= cSpace
		}
		class[c] = k
	}
	class['\r'] |= cSpace
}

// space returns the index of the first byte from i that is not white
// space; errShort when the buffer ends in white space and more may come.
func (d *Decoder) space(i int) (int, error) {
	for i < d.lim && class[d.buf[i]]&cSpace != 0 {
		i++
	}
	// A byte is needed after the spaces: at d.lim, the caller's more
	// says why there is none.
	return i, nil
}

// name reads the name at buf[i] as encoding/xml's name does: ok is false
// with a nil error when buf[i] cannot start a name.
func (d *Decoder) name(i int) (n *qname, next int, ok bool, err error) {
	if i >= d.lim {
		return n, i, false, d.more(i)
	}
	b := d.buf
	if class[b[i]]&cName == 0 {
		return n, i, false, nil
	}
	j := i + 1
	ascii := b[i] < utf8.RuneSelf
	for {
		for j < d.lim && class[b[j]]&cName != 0 {
			ascii = ascii && b[j] < utf8.RuneSelf
			j++
		}
		if j < d.lim {
			break
		}
		return n, j, false, d.more(j)
	}
	raw := b[i:j]
	h := maphash.Bytes(d.names.seed, raw)
	if q := d.names.find(h, raw); q != nil {
		return q, j, true, nil
	}
	if !validName(raw, ascii) {
		return n, j, false, d.syntaxAt(j, "invalid XML name: "+string(raw))
	}
	s := string(raw)
	n = &qname{full: s}
	if strings.Count(s, ":") > 1 {
		n.local, n.multi = s, true
	} else if space, local, found := strings.Cut(s, ":"); !found || space == "" || local == "" {
		n.local = s
	} else {
		n.space, n.local = space, local
	}
	d.names.add(h, n)
	return n, j, true, nil
}

// nsname is name for element and attribute names: a name of more than one
// colon is no name.
func (d *Decoder) nsname(i int) (n *qname, next int, ok bool, err error) {
	n, next, ok, err = d.name(i)
	if ok && n.multi {
		return nil, next, false, nil
	}
	return n, next, ok, err
}

// validName reports whether b is an XML name as encoding/xml checks it.
func validName(b []byte, ascii bool) bool {
	if ascii {
		c := b[0]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':') {
			return false
		}
		return true // the other bytes are name bytes
	}
	// encoding/xml's tables of name characters are not exported: let it
	// check the name, colons made underscores (both start a name) so
	// that its namespace rule does not interfere.
	s := "<" + strings.ReplaceAll(string(b), ":", "_") + "/>"
	_, err := xml.NewDecoder(strings.NewReader(s)).RawToken()
	return err == nil
}

// isInCharacterRange reports whether r is a Char of XML 1.0.
func isInCharacterRange(r rune) bool {
	return r == 0x09 ||
		r == 0x0A ||
		r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// checkChars returns the error encoding/xml reports for data, "" when all
// of it is valid UTF-8 in the XML character range.
func checkChars(data []byte) string {
	for len(data) > 0 {
		c := data[0]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Sprintf("illegal character code %U", rune(c))
			}
			data = data[1:]
			continue
		}
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			return "invalid UTF-8"
		}
		if !isInCharacterRange(r) {
			return fmt.Sprintf("illegal character code %U", r)
		}
		data = data[size:]
	}
	return ""
}

// entity decodes the reference at buf[i] ('&') into d.scratch and returns
// the index after it.
func (d *Decoder) entity(i int) (int, error) {
	b := d.buf
	j := i + 1
	if j >= d.lim {
		return 0, d.more(j)
	}
	if b[j] == '#' {
		j++
		if j >= d.lim {
			return 0, d.more(j)
		}
		base := 10
		if b[j] == 'x' {
			base = 16
			j++
		}
		start := j
		for {
			if j >= d.lim {
				return 0, d.more(j)
			}
			c := b[j]
			if '0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				j++
				continue
			}
			break
		}
		if b[j] != ';' {
			return 0, d.syntaxAt(j, "invalid character entity "+string(b[i:j])+" (no semicolon)")
		}
		n, err := strconv.ParseUint(string(b[start:j]), base, 64)
		if err != nil || n > unicode.MaxRune {
			return 0, d.syntaxAt(j+1, "invalid character entity "+string(b[i:j+1]))
		}
		d.scratch = utf8.AppendRune(d.scratch, rune(n))
		return j + 1, nil
	}
	for {
		if j >= d.lim {
			return 0, d.more(j)
		}
		if class[b[j]]&cName == 0 {
			break
		}
		j++
	}
	if b[j] != ';' {
		return 0, d.syntaxAt(j, "invalid character entity "+string(b[i:j])+" (no semicolon)")
	}
	var r byte
	switch string(b[i+1 : j]) {
	case "lt":
		r = '<'
	case "gt":
		r = '>'
	case "amp":
		r = '&'
	case "apos":
		r = '\''
	case "quot":
		r = '"'
	default:
		return 0, d.syntaxAt(j+1, "invalid character entity "+string(b[i:j+1]))
	}
	d.scratch = append(d.scratch, r)
	return j + 1, nil
}

// text reads character data from buf[i] up to the next '<' or the end of
// the input.
func (d *Decoder) text(i int) (xml.Token, error) {
	b := d.buf
	r := run{start: i, seg: i}
	for {
		for i < d.lim && class[b[i]]&cText == 0 {
			i++
		}
		if i >= d.lim {
			if i >= d.tlim {
				if i < d.end {
					if b[i] == '<' {
						break
					}
					return nil, d.limitAt(d.tlim, "MaxTokenBytes", d.Limits.MaxTokenBytes)
				}
				if d.rerr == nil {
					return nil, errShort
				}
				break
			}
			if d.rerr == nil {
				return nil, errShort
			}
			break // the end of the input ends the text
		}
		c := b[i]
		switch {
		case c == '<':
		case c == '>':
			if i-r.start >= 2 && b[i-1] == ']' && b[i-2] == ']' {
				return nil, d.syntaxAt(i+1, "unescaped ]]> not in CDATA section")
			}
			i++
			continue
		case c == '&':
			next, err := d.runEntity(&r, i)
			if err != nil {
				return nil, err
			}
			i = next
			continue
		case c == '\r':
			i = d.runCR(&r, i)
			continue
		default:
			r.check = true
			i++
			continue
		}
		break
	}
	data, msg := d.endRun(&r, i)
	if msg != "" {
		return nil, d.syntaxAt(i, msg)
	}
	d.pos = i
	return xml.CharData(data), nil
}

// run is a piece of text, CDATA or an attribute value being read from
// buf: where it starts, where the bytes not yet copied to scratch start
// once an entity or a CR made it be copied (copied), and whether its
// characters must be checked against XML's range.
type run struct {
	start, seg    int
	copied, check bool
}

// runCopy appends buf[r.seg:i] to scratch, emptying scratch at the run's
// first copy.
func (d *Decoder) runCopy(r *run, i int) {
	if !r.copied {
		r.copied = true
		d.scratch = d.scratch[:0]
	}
	d.scratch = append(d.scratch, d.buf[r.seg:i]...)
}

// runEntity decodes the reference at buf[i] into the run and returns the
// index after it.
func (d *Decoder) runEntity(r *run, i int) (int, error) {
	d.runCopy(r, i)
	next, err := d.entity(i)
	if err != nil {
		return 0, err
	}
	r.check = r.check || d.buf[i+1] == '#'
	r.seg = next
	return next, nil
}

// runCR reads the CR at buf[i], with the LF after it, as one LF, and
// returns the index after them.
func (d *Decoder) runCR(r *run, i int) int {
	d.runCopy(r, i)
	d.scratch = append(d.scratch, '\n')
	i++
	if i < d.lim && d.buf[i] == '\n' {
		i++
	}
	r.seg = i
	return i
}

// endRun returns the run's bytes up to i, and why one of its characters is
// not allowed ("" when none is).
func (d *Decoder) endRun(r *run, i int) ([]byte, string) {
	data := d.buf[r.start:i]
	if r.copied {
		d.scratch = append(d.scratch, d.buf[r.seg:i]...)
		data = d.scratch
	}
	if r.check {
		return data, checkChars(data)
	}
	return data, ""
}

// attrValue reads the quoted value whose first byte is buf[i] up to quote,
// and returns the index after the closing quote.
func (d *Decoder) attrValue(i int, quote byte) (string, int, error) {
	b := d.buf
	r := run{start: i, seg: i}
	for {
		for i < d.lim && class[b[i]]&cAttr == 0 {
			i++
		}
		if i >= d.lim {
			if i >= d.tlim || d.rerr == nil {
				return "", 0, d.more(i)
			}
			// The end of the input ends the value (encoding/xml checks
			// it before it reports the end).
			if _, msg := d.endRun(&r, i); msg != "" {
				return "", 0, d.syntaxAt(i, msg)
			}
			return "", 0, d.more(i)
		}
		c := b[i]
		switch {
		case c == quote:
		case c == '"' || c == '\'':
			i++
			continue
		case c == '<':
			return "", 0, d.syntaxAt(i+1, "unescaped < inside quoted string")
		case c == '&':
			next, err := d.runEntity(&r, i)
			if err != nil {
				return "", 0, err
			}
			i = next
			continue
		case c == '\r':
			i = d.runCR(&r, i)
			continue
		default:
			r.check = true
			i++
			continue
		}
		break
	}
	data, msg := d.endRun(&r, i)
	if msg != "" {
		return "", 0, d.syntaxAt(i+1, msg)
	}
	return d.value(data), i + 1, nil
}

// value returns data as a string, interned when short.
func (d *Decoder) value(data []byte) string {
	if len(data) > maxInternedValue {
		return string(data)
	}
	h := maphash.Bytes(d.values.seed, data)
	if q := d.values.find(h, data); q != nil {
		return q.full
	}
	s := string(data)
	d.values.add(h, &qname{full: s})
	return s
}

// noAttrs is the attribute list of an element without attributes: empty,
// not nil, as encoding/xml gives it.
var noAttrs = make([]xml.Attr, 0)

// startTag reads the start tag at buf[i].
func (d *Decoder) startTag(i int) (xml.Token, error) {
	if m := d.Limits.MaxElements; m > 0 && d.elements >= m {
		return nil, d.limitAt(i, "MaxElements", m)
	}
	b := d.buf
	raw, k, ok, err := d.nsname(i + 1)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, d.syntaxAt(k, "expected element name after <")
	}
	attrs := d.attrs[:0]
	empty := false
	for {
		if k, err = d.space(k); err != nil {
			return nil, err
		}
		if k >= d.lim {
			return nil, d.more(k)
		}
		c := b[k]
		k++
		if c == '/' {
			if k >= d.lim {
				return nil, d.more(k)
			}
			if b[k] != '>' {
				return nil, d.syntaxAt(k+1, "expected /> in element")
			}
			empty = true
			break
		}
		if c == '>' {
			k--
			break
		}
		k--
		an, next, ok, err := d.nsname(k)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, d.syntaxAt(next, "expected attribute name in element")
		}
		if k, err = d.space(next); err != nil {
			return nil, err
		}
		if k >= d.lim {
			return nil, d.more(k)
		}
		if b[k] != '=' {
			return nil, d.syntaxAt(k+1, "attribute name without = in element")
		}
		if k, err = d.space(k + 1); err != nil {
			return nil, err
		}
		if k >= d.lim {
			return nil, d.more(k)
		}
		q := b[k]
		if q == '"' || q == '\'' {
			if m := d.Limits.MaxAttributes; m > 0 && len(attrs) >= m {
				return nil, d.limitAt(k, "MaxAttributes", m)
			}
		} else {
			return nil, d.syntaxAt(k+1, "unquoted or missing attribute value in element")
		}
		v, next, err := d.attrValue(k+1, q)
		if err != nil {
			return nil, err
		}
		k = next
		// Names are kept raw until the element's declarations are known.
		attrs = append(attrs, xml.Attr{Name: xml.Name{Space: an.space, Local: an.local}, Value: v})
	}
	// b[k] is the tag's '>'.
	if m := d.Limits.MaxDepth; m > 0 && len(d.stack) >= m {
		d.attrs = attrs
		return nil, d.limitAt(k, "MaxDepth", m)
	}
	d.attrs = attrs
	d.pos = k + 1
	d.elements++
	mark := len(d.ns)
	for _, a := range attrs {
		switch {
		case a.Name.Space == xmlnsPrefix:
			d.bind(a.Name.Local, a.Value)
		case a.Name.Space == "" && a.Name.Local == xmlnsPrefix:
			d.bind("", a.Value)
		}
	}
	name := d.translate(raw.space, raw.local, true)
	d.stack = append(d.stack, frame{raw: raw, name: name, ns: mark})
	if empty {
		d.needClose = true
	}
	if len(attrs) == 0 {
		if raw.start == nil || raw.as != name {
			raw.as = name
			raw.start, raw.end = xml.StartElement{Name: name, Attr: noAttrs}, xml.EndElement{Name: name}
		}
		return raw.start, nil
	}
	if raw.end == nil || raw.as != name {
		raw.as = name
		raw.start, raw.end = nil, xml.EndElement{Name: name}
	}
	out := noAttrs
	if len(attrs) > 0 {
		out = make([]xml.Attr, len(attrs))
		for j, a := range attrs {
			out[j] = xml.Attr{Name: d.translate(a.Name.Space, a.Name.Local, false), Value: a.Value}
		}
	}
	return xml.StartElement{Name: name, Attr: out}, nil
}

// endTag reads the end tag at buf[i].
func (d *Decoder) endTag(i int) (xml.Token, error) {
	var raw *qname
	var k int
	if n := len(d.stack); n > 0 {
		// The name of the open element, as the tag most often is.
		full := d.stack[n-1].raw.full
		if j := i + 2 + len(full); j < d.lim && class[d.buf[j]]&cName == 0 && string(d.buf[i+2:j]) == full {
			raw, k = d.stack[n-1].raw, j
		}
	}
	if raw == nil {
		var ok bool
		var err error
		raw, k, ok, err = d.nsname(i + 2)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, d.syntaxAt(k, "expected element name after </")
		}
	}
	var err error
	if k, err = d.space(k); err != nil {
		return nil, err
	}
	if k >= d.lim {
		return nil, d.more(k)
	}
	if d.buf[k] != '>' {
		return nil, d.syntaxAt(k+1, "invalid characters between </"+raw.local+" and >")
	}
	k++
	if len(d.stack) == 0 {
		return nil, d.syntaxAt(k, "unexpected end element </"+raw.local+">")
	}
	top := d.stack[len(d.stack)-1]
	switch {
	case top.raw.local != raw.local:
		return nil, d.syntaxAt(k, "element <"+top.raw.local+"> closed by </"+raw.local+">")
	case top.raw.space != raw.space:
		ns := raw.space
		if ns == "" {
			ns = `""`
		}
		return nil, d.syntaxAt(k, "element <"+top.raw.local+"> in space "+top.raw.space+
			" closed by </"+raw.local+"> in space "+ns)
	}
	d.pos = k
	d.pop()
	return top.end(), nil
}

// end returns the end element of f.
func (f *frame) end() xml.Token {
	if f.raw.end != nil && f.raw.as == f.name {
		return f.raw.end
	}
	return xml.EndElement{Name: f.name}
}

// procInst reads the processing instruction at buf[i].
func (d *Decoder) procInst(i int) (xml.Token, error) {
	target, k, ok, err := d.name(i + 2)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, d.syntaxAt(k, "expected target name after <?")
	}
	if k, err = d.space(k); err != nil {
		return nil, err
	}
	b := d.buf
	start := k
	var b0 byte
	for {
		if k >= d.lim {
			return nil, d.more(k)
		}
		c := b[k]
		k++
		if b0 == '?' && c == '>' {
			break
		}
		b0 = c
	}
	data := b[start : k-2]
	tname := target.full
	d.pos = k
	if tname == "xml" {
		if ver := procInstParam("version", data); len(ver) > 0 && string(ver) != "1.0" {
			d.err = fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver)
			return nil, d.err
		}
		if enc := procInstParam("encoding", data); len(enc) > 0 && !bytes.EqualFold(enc, utf8Label) {
			if err := d.switchCharset(string(enc)); err != nil {
				return nil, err
			}
		}
	}
	return xml.ProcInst{Target: tname, Inst: data}, nil
}

// switchCharset reads the rest of the input through the charset reader for
// label.
func (d *Decoder) switchCharset(label string) error {
	open := d.CharsetReader
	if open == nil {
		open = charset.NewReaderLabel
	}
	rest := bytes.Clone(d.buf[d.pos:d.end])
	var src io.Reader = bytes.NewReader(rest)
	switch d.rerr {
	case nil:
		src = io.MultiReader(src, d.r)
	case io.EOF:
	default:
		src = io.MultiReader(src, errReader{d.rerr})
	}
	r, err := open(label, src)
	if err != nil {
		d.err = fmt.Errorf("xml: opening charset %q: %w", label, err)
		return d.err
	}
	if r == nil {
		panic("CharsetReader returned a nil Reader for charset " + label)
	}
	d.r, d.rerr, d.end = r, nil, d.pos
	return nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

var utf8Label = []byte("utf-8")

// procInstParam returns the value of param in the content of an XML
// declaration, as encoding/xml reads it.
func procInstParam(param string, s []byte) []byte {
	lenp := len(param) + 1 // param and "="
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := indexParam(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return nil
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return nil
	}
	j := bytes.IndexByte(s[i:], sep)
	if j < 0 {
		return nil
	}
	return s[i : i+j]
}

// indexParam returns the index of param followed by '=' in s, or -1.
func indexParam(s []byte, param string) int {
	for at := 0; ; {
		k := bytes.Index(s[at:], []byte(param))
		if k < 0 {
			return -1
		}
		k += at
		if k+len(param) < len(s) && s[k+len(param)] == '=' {
			return k
		}
		at = k + 1
	}
}

// bang reads the comment, CDATA section or directive at buf[i] ("<!").
func (d *Decoder) bang(i int) (xml.Token, error) {
	b := d.buf
	k := i + 2
	if k >= d.lim {
		return nil, d.more(k)
	}
	switch b[k] {
	case '-':
		k++
		if k >= d.lim {
			return nil, d.more(k)
		}
		if b[k] != '-' {
			return nil, d.syntaxAt(k+1, "invalid sequence <!- not part of <!--")
		}
		k++
		start := k
		var b0, b1 byte
		for {
			if k >= d.lim {
				return nil, d.more(k)
			}
			c := b[k]
			k++
			if b0 == '-' && b1 == '-' {
				if c != '>' {
					return nil, d.syntaxAt(k, `invalid sequence "--" not allowed in comments`)
				}
				break
			}
			b0, b1 = b1, c
		}
		d.pos = k
		return xml.Comment(b[start : k-3]), nil
	case '[':
		k++
		for n := range 6 {
			if k >= d.lim {
				return nil, d.more(k)
			}
			if b[k] != "CDATA["[n] {
				return nil, d.syntaxAt(k+1, "invalid <![ sequence")
			}
			k++
		}
		return d.cdata(k)
	}
	if d.NoDirectives {
		d.pos = i
		d.err = &DirectiveError{Line: d.lineAt(i), Offset: d.base + int64(i)}
		return nil, d.err
	}
	return d.directive(i)
}

// cdata reads a CDATA section's content from buf[i] up to "]]>".
func (d *Decoder) cdata(i int) (xml.Token, error) {
	b := d.buf
	r := run{start: i, seg: i}
	for {
		for i < d.lim && class[b[i]]&cCDATA == 0 {
			i++
		}
		if i >= d.lim {
			if i >= d.tlim || d.rerr == nil {
				return nil, d.more(i)
			}
			if d.rerr == io.EOF {
				return nil, d.syntaxAt(i, "unexpected EOF in CDATA section")
			}
			return nil, d.more(i)
		}
		switch c := b[i]; {
		case c == ']':
			if i+2 >= d.lim {
				if i+2 >= d.tlim || d.rerr == nil {
					return nil, d.more(i + 2)
				}
				i++
				continue // the end of the input is found above
			}
			if b[i+1] == ']' && b[i+2] == '>' {
				data, msg := d.endRun(&r, i)
				if msg != "" {
					return nil, d.syntaxAt(i+3, msg)
				}
				d.pos = i + 3
				return xml.CharData(data), nil
			}
			i++
		case c == '\r':
			i = d.runCR(&r, i)
		default:
			r.check = true
			i++
		}
	}
}

// directive reads the directive at buf[i] ("<!" and a byte that starts no
// comment or CDATA section), as encoding/xml does: quoted '>' and nested
// comments do not end it, a nested comment becomes a space.
func (d *Decoder) directive(i int) (xml.Token, error) {
	b := d.buf
	out := append(d.scratch[:0], b[i+2])
	k := i + 3
	var inquote byte
	depth := 0
	for {
		if k >= d.lim {
			d.scratch = out
			return nil, d.more(k)
		}
		c := b[k]
		k++
		if inquote == 0 && c == '>' && depth == 0 {
			break
		}
	HandleB:
		out = append(out, c)
		switch {
		case c == inquote:
			inquote = 0
		case inquote != 0:
		case c == '\'' || c == '"':
			inquote = c
		case c == '>' && inquote == 0:
			depth--
		case c == '<' && inquote == 0:
			const s = "!--"
			for n := 0; n < len(s); n++ {
				if k >= d.lim {
					d.scratch = out
					return nil, d.more(k)
				}
				c = b[k]
				k++
				if c != s[n] {
					out = append(out, s[:n]...)
					depth++
					goto HandleB
				}
			}
			out = out[:len(out)-1]
			var b0, b1 byte
			for {
				if k >= d.lim {
					d.scratch = out
					return nil, d.more(k)
				}
				c = b[k]
				k++
				if b0 == '-' && b1 == '-' && c == '>' {
					break
				}
				b0, b1 = b1, c
			}
			out = append(out, ' ')
		}
	}
	d.scratch = out
	d.pos = k
	return xml.Directive(out), nil
}
