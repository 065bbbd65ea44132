package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/opensav/savsdk/codes"
)

// Default XML limits (see [Limits]).
const (
	// DefaultMaxDepth is the deepest element nesting accepted, counted from
	// the document's root (the Envelope is level 1). Protocol 2.0 bodies
	// are held to their own, lower Profile.MaxDepth on top.
	DefaultMaxDepth = 100
	// DefaultMaxElements is the number of elements a document may hold:
	// enough for a [DefaultMaxBodySize] document of compact markup, about
	// 16 bytes per element.
	DefaultMaxElements = int(DefaultMaxBodySize / 16)
	// DefaultMaxAttributes is the number of attributes, namespace
	// declarations included, one element may carry.
	DefaultMaxAttributes = 64
	// DefaultMaxTokenBytes is the length of the longest token: a start or
	// end tag with its attributes, a run of text, a comment, a CDATA
	// section or a processing instruction (1 MiB).
	DefaultMaxTokenBytes = 1 << 20
)

// Limits bounds the XML documents the decoders of this package read
// ([Decoder], [EnvelopeReader], [Contract]), and so every SOAP service of the
// SDK: protocol 2.0, Plan de charge SAV and InfoTravaux. A zero field takes
// its default; a negative one lifts the limit. A Limits is a plain value.
//
// The structural limits are checked on the bytes the XML decoder is about to
// read, before it builds a token, so a document beyond them costs what the
// decoder read up to the offending byte, not the whole document: a header
// entry nested 50,000 deep or carrying 50,000 attributes is refused at the
// 101st level or the 65th attribute. A document beyond them is an [*Error]
// with return code 3 wrapping a [*LimitError] (errors.Is [ErrLimit]).
type Limits struct {
	// MaxBodyBytes caps the body a server reads, before decoding; 0 means
	// DefaultMaxBodySize (4 MiB), unless the service documents its own
	// default. The decoders do not count bytes themselves: their callers
	// bound what they read (http.MaxBytesReader, [ReadLimited]), so a
	// client may read a larger answer than a server accepts a request.
	MaxBodyBytes int64
	// MaxDepth is the deepest element nesting; 0 means DefaultMaxDepth.
	MaxDepth int
	// MaxElements is the number of elements of a document; 0 means
	// DefaultMaxElements.
	MaxElements int
	// MaxAttributes is the number of attributes of one element; 0 means
	// DefaultMaxAttributes.
	MaxAttributes int
	// MaxTokenBytes is the length of one token in bytes; 0 means
	// DefaultMaxTokenBytes.
	MaxTokenBytes int
}

// BodyBytes returns the body size cap l sets: MaxBodyBytes, or
// [DefaultMaxBodySize] when it is zero, or no cap (math.MaxInt64) when it is
// negative.
func (l Limits) BodyBytes() int64 {
	switch {
	case l.MaxBodyBytes > 0:
		return l.MaxBodyBytes
	case l.MaxBodyBytes < 0:
		return math.MaxInt64
	}
	return DefaultMaxBodySize
}

// Sized returns l for documents of up to n bytes, such as the answers a
// client accepts: MaxBodyBytes n and, when l leaves MaxElements to its
// default, as many elements as n bytes of compact markup may hold (one per 16
// bytes) if that is more than the default.
func (l Limits) Sized(n int64) Limits {
	l.MaxBodyBytes = n
	if l.MaxElements == 0 && n/16 > int64(DefaultMaxElements) {
		l.MaxElements = int(min(n/16, math.MaxInt32))
	}
	return l
}

// resolve turns a limit field into its bound.
func resolve64(v, def int64) int64 {
	switch {
	case v > 0:
		return v
	case v < 0:
		return math.MaxInt64
	}
	return def
}

func resolveInt(v, def int) int {
	switch {
	case v > 0:
		return v
	case v < 0:
		return math.MaxInt
	}
	return def
}

// bounds are the resolved structural limits the lexer checks.
type bounds struct {
	depth, elements, attrs int
	token                  int64
}

func (l Limits) bounds() bounds {
	return bounds{
		depth:    resolveInt(l.MaxDepth, DefaultMaxDepth),
		elements: resolveInt(l.MaxElements, DefaultMaxElements),
		attrs:    resolveInt(l.MaxAttributes, DefaultMaxAttributes),
		token:    resolve64(int64(l.MaxTokenBytes), DefaultMaxTokenBytes),
	}
}

// LimitError is a document beyond one of the [Limits]: Limit names the field
// ("MaxDepth", "MaxElements", "MaxAttributes", "MaxTokenBytes") and Max its
// value. It unwraps to [ErrLimit].
type LimitError struct {
	Limit string
	Max   int64
}

func (e *LimitError) Error() string {
	var what string
	switch e.Limit {
	case "MaxDepth":
		what = fmt.Sprintf("elements nested more than %d deep", e.Max)
	case "MaxElements":
		what = fmt.Sprintf("more than %d elements", e.Max)
	case "MaxAttributes":
		what = fmt.Sprintf("more than %d attributes on one element", e.Max)
	default:
		what = fmt.Sprintf("a token longer than %d bytes", e.Max)
	}
	return fmt.Sprintf("%s: %s (%s %d)", ErrLimit.Error(), what, e.Limit, e.Max)
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

// errDTD is what the lexer answers for a directive.
var errDTD = fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)

// The states of the lexer.
const (
	lxText     uint8 = iota // character data, or between markup
	lxOpen                  // after '<'
	lxStart                 // in a start tag, outside quotes
	lxValue                 // in a quoted attribute value
	lxEnd                   // in an end tag
	lxBang                  // after "<!"
	lxBangDash              // after "<!-"
	lxComment               // in a comment, up to "-->"
	lxCDATA                 // in a CDATA section (from "<!["), up to "]]>"
	lxPI                    // in a processing instruction, up to "?>"
)

// lexer follows the markup of a well-formed document just enough to count
// what [Limits] bounds. It agrees with encoding/xml on every document that
// package accepts (a strict decoder, without DTDs); on others the decoder
// stops first, since the bytes are served in order.
type lexer struct {
	max      bounds
	state    uint8
	quote    byte // lxValue: the quote that ends the value
	slash    bool // lxStart: the last byte was '/'
	p1, p2   byte // lxComment, lxCDATA, lxPI: the last two bytes scanned, p1 the last
	depth    int
	elements int
	attrs    int
	tok      int64 // offset of the current token's first byte
}

// scan lexes b, the bytes at offset off of the stream. It returns the index
// of the first byte of b beyond a limit with the error, or len(b) and nil.
func (x *lexer) scan(b []byte, off int64) (int, error) {
	i := 0
	for i < len(b) {
		switch x.state {
		case lxText:
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				i = len(b)
				break
			}
			i += j
			if off+int64(i)-x.tok > x.max.token {
				return x.overlong(len(b), off)
			}
			x.tok, x.state = off+int64(i), lxOpen
			i++
		case lxOpen:
			switch b[i] {
			case '/':
				x.state = lxEnd
				i++
			case '?':
				x.state, x.p1, x.p2 = lxPI, 0, 0
				i++
			case '!':
				x.state = lxBang
				i++
			default:
				x.elements++
				if x.elements > x.max.elements {
					return x.at(x.tok, len(b), off), &LimitError{"MaxElements", int64(x.max.elements)}
				}
				x.state, x.attrs, x.slash = lxStart, 0, false
			}
		case lxStart:
			for ; i < len(b); i++ {
				c := b[i]
				if c == '"' || c == '\'' {
					x.attrs++
					if x.attrs > x.max.attrs {
						return i, &LimitError{"MaxAttributes", int64(x.max.attrs)}
					}
					x.state, x.quote = lxValue, c
					i++
					break
				}
				if c == '>' {
					// An empty element is as deep as any other.
					if x.depth >= x.max.depth {
						return i, &LimitError{"MaxDepth", int64(x.max.depth)}
					}
					if !x.slash {
						x.depth++
					}
					i++
					if n, err := x.ended(i, len(b), off); err != nil {
						return n, err
					}
					break
				}
				x.slash = c == '/'
			}
		case lxValue:
			j := bytes.IndexByte(b[i:], x.quote)
			if j < 0 {
				i = len(b)
				break
			}
			i += j + 1
			x.state, x.slash = lxStart, false
		case lxEnd:
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				i = len(b)
				break
			}
			i += j + 1
			x.depth--
			if n, err := x.ended(i, len(b), off); err != nil {
				return n, err
			}
		case lxBang:
			switch b[i] {
			case '-':
				x.state = lxBangDash
			case '[':
				x.state, x.p1, x.p2 = lxCDATA, 0, 0
			default:
				return x.at(x.tok, len(b), off), errDTD
			}
			i++
		case lxBangDash:
			// "<!-" followed by anything but '-' is the decoder's error.
			x.state, x.p1, x.p2 = lxComment, 0, 0
			i++
		default: // lxComment, lxCDATA, lxPI
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				switch rest := b[i:]; len(rest) {
				case 0:
				case 1:
					x.p1, x.p2 = rest[0], x.p1
				default:
					x.p1, x.p2 = rest[len(rest)-1], rest[len(rest)-2]
				}
				i = len(b)
				break
			}
			k := i + j
			var q1, q2 byte // the two bytes before the '>'
			switch j {
			case 0:
				q1, q2 = x.p1, x.p2
			case 1:
				q1, q2 = b[k-1], x.p1
			default:
				q1, q2 = b[k-1], b[k-2]
			}
			i = k + 1
			var done bool
			switch x.state {
			case lxComment:
				done = q1 == '-' && q2 == '-'
			case lxCDATA:
				done = q1 == ']' && q2 == ']'
			default:
				done = q1 == '?'
			}
			if !done {
				x.p1, x.p2 = '>', q1
				continue
			}
			if n, err := x.ended(i, len(b), off); err != nil {
				return n, err
			}
		}
	}
	if off+int64(len(b))-x.tok > x.max.token {
		return x.overlong(len(b), off)
	}
	return len(b), nil
}

// ended closes the markup token that ends before b[i], n being len(b).
func (x *lexer) ended(i, n int, off int64) (int, error) {
	if off+int64(i)-x.tok > x.max.token {
		return x.overlong(n, off)
	}
	x.tok, x.state = off+int64(i), lxText
	return 0, nil
}

// overlong reports the current token beyond MaxTokenBytes, at the first byte
// beyond it.
func (x *lexer) overlong(n int, off int64) (int, error) {
	return x.at(x.tok+x.max.token, n, off), &LimitError{"MaxTokenBytes", x.max.token}
}

// at returns the index in a chunk of n bytes at off of the stream offset o,
// clamped to the chunk.
func (x *lexer) at(o int64, n int, off int64) int {
	switch {
	case o < off:
		return 0
	case o-off > int64(n):
		return n
	}
	return int(o - off)
}

// guardSize is the size of a guard's buffer.
const guardSize = 4096

// guard is the reader every decoder of this package reads through: it skips
// a UTF-8 byte order mark at the start of the document, lexes each chunk
// before the XML decoder reads it, and serves the bytes up to the first one
// beyond a limit, then the error. It is an io.ByteReader, so the XML decoder
// reads it without a buffer of its own: the lexer always knows where the
// decoder is, which lets a declared encoding take over exactly where the
// declaration ends ([guardedCharset]).
type guard struct {
	src    io.Reader
	d      *xml.Decoder // for the line of an error
	buf    []byte
	pos    int    // next byte served
	win    []byte // the bytes of buf that may be served
	n      int    // bytes of buf read
	base   int64  // stream offset of buf[0]
	from   int    // where the lexing of buf started
	lexErr error  // served once pos reaches end
	srcErr error  // the source's error, after the bytes read
	lx     lexer
	snap   lexer // lx at buf[from]
	pass   bool  // a charset decoder reads the rest through g: no lexing
	bom    int   // bytes of a byte order mark skipped
	fresh  bool  // nothing read yet
	// root is the guard of the document, whose failed is the error
	// served to the decoder, if any: the decoder may report another one
	// (a rune or an entity cut short), but this one is why it stopped.
	root   *guard
	failed *Error
}

var guards = sync.Pool{New: func() any { return &guard{buf: make([]byte, guardSize)} }}

// newGuard returns a pooled guard reading src within l; release it after
// the decoding.
func newGuard(src io.Reader, l Limits) *guard {
	g := guards.Get().(*guard)
	buf := g.buf
	*g = guard{src: src, buf: buf, fresh: true}
	g.root = g
	g.lx.max = l.bounds()
	return g
}

// release returns g to the pool.
func (g *guard) release() {
	buf := g.buf
	*g = guard{buf: buf}
	guards.Put(g)
}

// ReadByte implements io.ByteReader.
func (g *guard) ReadByte() (byte, error) {
	if g.pos < len(g.win) {
		b := g.win[g.pos]
		g.pos++
		return b, nil
	}
	return g.slowByte()
}

// slowByte is ReadByte once the window is served.
func (g *guard) slowByte() (byte, error) {
	if err := g.more(); err != nil {
		return 0, err
	}
	b := g.win[g.pos]
	g.pos++
	return b, nil
}

// Read implements io.Reader, for a charset decoder after a declaration.
func (g *guard) Read(p []byte) (int, error) {
	if g.pass {
		if g.pos < g.n {
			n := copy(p, g.buf[g.pos:g.n])
			g.pos += n
			return n, nil
		}
		if g.srcErr != nil {
			return 0, g.srcErr
		}
		return g.src.Read(p)
	}
	if g.pos >= len(g.win) {
		if err := g.more(); err != nil {
			return 0, err
		}
	}
	n := copy(p, g.win[g.pos:])
	g.pos += n
	return n, nil
}

// more makes a byte available at pos or returns the error to serve.
func (g *guard) more() error {
	for g.pos >= len(g.win) {
		if g.lexErr != nil {
			return g.deliver()
		}
		if g.srcErr != nil {
			return g.srcErr
		}
		g.fill()
	}
	return nil
}

// fill reads the next chunk and lexes it.
func (g *guard) fill() {
	g.base += int64(g.n)
	g.pos, g.win, g.n, g.from = 0, nil, 0, 0
	want := 1
	if g.fresh {
		want = len(utf8BOM) // enough to tell a byte order mark
	}
	for tries := 0; g.n < want && g.srcErr == nil; tries++ {
		n, err := g.src.Read(g.buf[g.n:])
		g.n += n
		if err != nil {
			g.srcErr = err
		} else if n == 0 && tries > 100 {
			g.srcErr = io.ErrNoProgress
		}
	}
	if g.fresh {
		g.fresh = false
		if bytes.HasPrefix(g.buf[:g.n], utf8BOM) {
			g.pos, g.from, g.bom = len(utf8BOM), len(utf8BOM), len(utf8BOM)
		}
	}
	g.win = g.buf[:g.n]
	g.snap = g.lx
	if at, err := g.lx.scan(g.buf[g.from:g.n], g.base+int64(g.from)); err != nil {
		g.win, g.lexErr = g.buf[:g.from+at], err
	}
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// deliver returns the lexer's error as an [*Error] at the decoder's line.
func (g *guard) deliver() error {
	e := &Error{Field: "Envelope", Code: codes.ReturnCodeBadFormat, Err: g.lexErr}
	if errors.Is(g.lexErr, ErrSyntax) {
		e.Field = ""
	}
	if g.d != nil {
		e.Line, _ = g.d.InputPos()
	}
	if g.root.failed == nil {
		g.root.failed = e
	}
	return e
}

// refused returns the error the document was refused for, if any.
func (g *guard) refused() *Error { return g.failed }

// detach hands what follows the decoder's position to a charset decoder:
// g serves the rest of its buffer and its source unlexed, and returns the
// lexer as it stands at that position, its offsets counted from there.
func (g *guard) detach() lexer {
	lx := g.snap
	// The bytes up to pos were lexed without error.
	_, _ = lx.scan(g.buf[g.from:g.pos], g.base+int64(g.from))
	lx.tok -= g.base + int64(g.pos)
	g.pass, g.lexErr = true, nil
	return lx
}

// offset returns the input offset of the decoder d reading through g.
func (g *guard) offset(d *xml.Decoder) int64 { return d.InputOffset() + int64(g.bom) }

// guardedCharset is the CharsetReader of the decoders of this package: the
// document goes on in the declared encoding, decoded by open, and is lexed
// after decoding, where the XML decoder reads it.
func guardedCharset(label string, in io.Reader, open func(string, io.Reader) (io.Reader, error)) (io.Reader, error) {
	g, ok := in.(*guard)
	if !ok {
		return open(label, in)
	}
	lx := g.detach()
	r, err := open(label, g)
	if err != nil {
		return nil, err
	}
	return &guard{src: r, d: g.d, buf: make([]byte, guardSize), lx: lx, root: g.root}, nil
}

// plainCharset is the CharsetReader of [EnvelopeReader].
func plainCharset(label string, in io.Reader) (io.Reader, error) {
	return guardedCharset(label, in, charsetReader)
}

// newXMLDecoder returns an XML decoder reading g, with charsetReader for
// declared encodings.
func newXMLDecoder(g *guard, charsetReader func(string, io.Reader) (io.Reader, error)) *xml.Decoder {
	d := xml.NewDecoder(g)
	d.CharsetReader = charsetReader
	g.d = d
	return d
}
