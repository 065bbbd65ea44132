package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/xmltok"
	"github.com/opensav/savsdk/ticket"
)

// ElementFunc reads one element: d is positioned right after start, and the
// function must consume everything up to and including start's end element
// (as [xml.Decoder.DecodeElement] and [xml.Decoder.Skip] do). start carries
// every namespace binding in scope as xmlns attributes.
type ElementFunc func(d *xml.Decoder, start xml.StartElement) error

// TokenReader is what a [TokenFunc] reads its element with: the document's
// tokens as [xml.Decoder.Token] returns them (the bytes of character data,
// comments and the like valid until the next call), the position of the
// last one, and Skip. An *xml.Decoder is one; [Decoder] hands its own fast
// tokenizer, valid during the callback only.
type TokenReader interface {
	Token() (xml.Token, error)
	InputPos() (line, column int)
	Skip() error
}

var _ TokenReader = (*xml.Decoder)(nil)

// TokenFunc reads one element as an [ElementFunc] does, with a
// [TokenReader]: d is positioned right after start, and the function must
// consume everything up to and including start's end element.
type TokenFunc func(d TokenReader, start xml.StartElement) error

// DecodeElement unmarshals the element start opens into v, as
// [xml.Decoder.DecodeElement] does, from any TokenReader (d positioned right
// after start, as a [TokenFunc] receives it). Names are the resolved ones d
// gives; the namespace declarations are not shown to v.
func DecodeElement(d TokenReader, v any, start *xml.StartElement) error {
	if xd, ok := d.(*xml.Decoder); ok {
		return xd.DecodeElement(v, start)
	}
	xd := xml.NewTokenDecoder(&resolved{d: d, first: start})
	if _, err := xd.Token(); err != nil { // start, replayed
		return err
	}
	return xd.DecodeElement(v, start)
}

// resolved replays start, then serves the tokens of d without their
// namespace declarations, so an xml.Decoder on top of it leaves the resolved
// names as they are.
type resolved struct {
	d     TokenReader
	first *xml.StartElement
}

func (r *resolved) Token() (xml.Token, error) {
	var tok xml.Token
	if r.first != nil {
		tok, r.first = *r.first, nil
	} else {
		var err error
		if tok, err = r.d.Token(); err != nil {
			return nil, err
		}
	}
	if t, ok := tok.(xml.StartElement); ok {
		attrs := make([]xml.Attr, 0, len(t.Attr))
		for _, a := range t.Attr {
			if _, decl := declaration(a); !decl {
				attrs = append(attrs, a)
			}
		}
		t.Attr = attrs
		return t, nil
	}
	return tok, nil
}

// Decoder reads SOAP 1.1 envelopes and bare messages. Configure it before
// use; it is then safe for concurrent use.
type Decoder struct {
	// HeaderSpace is the namespace of sav:entete and sav:pagination (the
	// profile's extension namespace). Header entries in other namespaces
	// are skipped unless marked mustUnderstand.
	HeaderSpace string
	// Header, when set, is called once the header is read, before the
	// body's element (with an empty Header when the envelope has none; not
	// for a bare message). An error stops decoding and is returned as is.
	Header func(*Header) error
	// Body reads the body's element (not called for a Fault). Nil skips it.
	Body TokenFunc
	// Detail reads each child element of a fault's detail. Nil skips them.
	Detail TokenFunc
	// Location is the zone of a horodatage written without an offset;
	// nil means Europe/Paris.
	Location *time.Location
	// Limits bounds the document; the zero value means the defaults.
	Limits Limits
}

// Message is what [Decoder.Decode] read around the body.
type Message struct {
	// Envelope is false for a bare message: the document's root is the
	// body element and there is no header.
	Envelope bool
	// Header is the SOAP header (empty for a bare message).
	Header Header
	// Root is the name of the body's element, {EnvelopeSpace, "Fault"} for
	// a fault.
	Root xml.Name
	// Line is the line of the body element's start tag.
	Line int
	// EnvelopeLine and HeaderLine are the lines of the Envelope's and the
	// Header's start tags (0 when absent).
	EnvelopeLine, HeaderLine int
	// Fault is set when the body is a SOAP fault.
	Fault *Fault
}

// Decode reads one document from r: a SOAP 1.1 envelope or a bare message.
// The document may start with a UTF-8 byte order mark and declare any
// encoding; names are resolved by namespace URI. DTDs are refused, and so is
// a document beyond the decoder's Limits ([ErrLimit]), while it is read: the
// error is an [*Error], also when a callback met it (the callback sees it
// from the decoder). A read error of an [http.MaxBytesReader] is reported as
// [ErrTooLarge]. Other errors of the Body and Detail callbacks are returned
// as they are, except a bare [*xml.SyntaxError], which becomes an [*Error].
func (dc *Decoder) Decode(r io.Reader) (*Message, error) {
	d := newTokenizer(r, dc.Limits)
	defer releaseTokenizer(d)
	s := &state{dc: dc, d: d}
	s.scope = s.scopeBuf[:0]
	m, err := s.document()
	if err != nil {
		if e := refused(d); e != nil {
			return nil, e
		}
		if ce, ok := err.(callbackError); ok {
			return nil, ce.err
		}
		return nil, s.wrap(err)
	}
	return m, nil
}

// tokenizers are the tokenizers of Decode, reused across documents with
// their buffers and the names they interned.
var tokenizers = sync.Pool{New: func() any {
	d := xmltok.NewDecoder(nil)
	d.SkipBOM, d.NoDirectives = true, true
	return d
}}

// newTokenizer returns a pooled tokenizer reading r within l, which checks
// the structural limits itself; release it after the decoding.
func newTokenizer(r io.Reader, l Limits) *xmltok.Decoder {
	d := tokenizers.Get().(*xmltok.Decoder)
	b := l.bounds()
	d.Limits = xmltok.Limits{MaxDepth: b.depth, MaxElements: b.elements, MaxAttributes: b.attrs,
		MaxTokenBytes: int(min(b.token, math.MaxInt))}
	d.Reset(r)
	return d
}

func releaseTokenizer(d *xmltok.Decoder) {
	d.Reset(nil)
	tokenizers.Put(d)
}

// refused returns the error d stopped on when the document itself is
// refused, a callback seeing it or not: beyond a limit, or holding a
// directive.
func refused(d *xmltok.Decoder) *Error {
	var le *xmltok.LimitError
	var de *xmltok.DirectiveError
	switch err := d.Err(); {
	case errors.As(err, &le):
		return &Error{Line: le.Line, Field: "Envelope", Code: codes.ReturnCodeBadFormat,
			Err: &LimitError{Limit: le.Limit, Max: le.Max}}
	case errors.As(err, &de):
		return &Error{Line: de.Line, Code: codes.ReturnCodeBadFormat, Err: errDTD}
	}
	return nil
}

// callbackError carries an error of a Body or Detail callback through the
// decoder unchanged.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

type binding struct{ prefix, uri string }

type state struct {
	dc    *Decoder
	d     *xmltok.Decoder
	scope [][]binding // one frame per open element the decoder walks
	// The frames of the Envelope, the Header or Body and one more.
	scopeBuf [4][]binding
}

func (s *state) line() int {
	l, _ := s.d.InputPos()
	return l
}

// wrap turns low-level errors into *Error.
func (s *state) wrap(err error) error {
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Field: "Envelope", Code: codes.ReturnCodeBadFormat,
			Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, mbe.Limit)}
	}
	if sx, ok := err.(*xml.SyntaxError); ok {
		return &Error{Line: sx.Line, Code: codes.ReturnCodeBadFormat, Err: fmt.Errorf("%w: %s", ErrSyntax, sx.Msg)}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &Error{Line: s.line(), Code: codes.ReturnCodeBadFormat, Err: fmt.Errorf("%w: unexpected end of document", ErrSyntax)}
	}
	// The decoder's other errors (XML declaration, charset) are the
	// document's too.
	return &Error{Line: s.line(), Code: codes.ReturnCodeBadFormat, Err: fmt.Errorf("%w: %v", ErrSyntax, err)}
}

func (s *state) push(start xml.StartElement) { s.scope = append(s.scope, declared(start)) }

// declared returns the namespace bindings start declares.
func declared(start xml.StartElement) []binding {
	n := 0
	for _, a := range start.Attr {
		if _, ok := declaration(a); ok {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	frame := make([]binding, 0, n)
	for _, a := range start.Attr {
		if prefix, ok := declaration(a); ok {
			frame = append(frame, binding{prefix, a.Value})
		}
	}
	return frame
}

// declaration reports whether a declares a namespace, and the prefix it
// binds ("" for the default namespace).
func declaration(a xml.Attr) (prefix string, ok bool) {
	switch {
	case a.Name.Space == xmlnsSpace:
		return a.Name.Local, true
	case a.Name.Space == "" && a.Name.Local == "xmlns":
		return "", true
	}
	return "", false
}

func (s *state) pop() { s.scope = s.scope[:len(s.scope)-1] }

// resolve returns the namespace bound to prefix, innermost first.
func resolve(scope [][]binding, prefix string) (string, bool) {
	for i := len(scope) - 1; i >= 0; i-- {
		for j := len(scope[i]) - 1; j >= 0; j-- {
			if scope[i][j].prefix == prefix {
				return scope[i][j].uri, true
			}
		}
	}
	return "", false
}

// WithScope returns a copy of start with an xmlns attribute for every
// binding of scope that start does not declare itself; scope lists frames
// outermost first.
func withScope(start xml.StartElement, scope [][]binding) xml.StartElement {
	n := len(start.Attr)
	for _, frame := range scope {
		n += len(frame)
	}
	out := start
	out.Attr = append(make([]xml.Attr, 0, n), start.Attr...)
	for i := len(scope) - 1; i >= 0; i-- {
		for j := len(scope[i]) - 1; j >= 0; j-- {
			b := scope[i][j]
			// out declares the prefixes of start and those added.
			if declares(out.Attr, b.prefix) {
				continue
			}
			if b.prefix == "" {
				out.Attr = append(out.Attr, xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: b.uri})
			} else {
				out.Attr = append(out.Attr, xml.Attr{Name: xml.Name{Space: xmlnsSpace, Local: b.prefix}, Value: b.uri})
			}
		}
	}
	return out
}

// declares reports whether attrs declare prefix.
func declares(attrs []xml.Attr, prefix string) bool {
	for _, a := range attrs {
		if p, ok := declaration(a); ok && p == prefix {
			return true
		}
	}
	return false
}

// next returns the next token that matters: a start element, an end element
// or non-blank character data. Comments, processing instructions and blank
// text are skipped; a directive (DTD) is a syntax error.
func (s *state) next() (xml.Token, error) {
	for {
		tok, err := s.d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.EndElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return t.Copy(), nil
			}
		case xml.Directive:
			return nil, &Error{Line: s.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
}

func (s *state) document() (*Message, error) {
	tok, err := s.next()
	if err != nil {
		if err == io.EOF {
			return nil, &Error{Line: s.line(), Code: codes.ReturnCodeMissing, Field: "Envelope",
				Err: fmt.Errorf("%w: empty document", ErrSyntax)}
		}
		return nil, err
	}
	root, ok := tok.(xml.StartElement)
	if !ok {
		return nil, &Error{Line: s.line(), Code: codes.ReturnCodeBadFormat,
			Err: fmt.Errorf("%w: text before the root element", ErrSyntax)}
	}
	m := &Message{}
	switch {
	case root.Name == xml.Name{Space: EnvelopeSpace, Local: "Envelope"}:
		m.Envelope = true
		m.EnvelopeLine = s.line()
		s.push(root)
		if err := s.envelope(m); err != nil {
			return nil, err
		}
	case root.Name.Local == "Envelope" && (root.Name.Space == Envelope12Space ||
		strings.HasPrefix(root.Name.Space, "http://schemas.xmlsoap.org/") ||
		strings.HasPrefix(root.Name.Space, "http://www.w3.org/")):
		return nil, &Error{Line: s.line(), Field: "Envelope", Code: codes.ReturnCodeBadFormat,
			Err: fmt.Errorf("%w: envelope namespace %q", ErrVersionMismatch, root.Name.Space)}
	default:
		m.Root, m.Line = root.Name, s.line()
		if err := s.body(root); err != nil {
			return nil, err
		}
	}
	return m, s.trailer()
}

// child returns the next child element of the current element, or ok
// false at the current element's end. Text is refused: an *Error about
// field wrapping sentinel, saying "text in where".
func (s *state) child(field string, sentinel error, where string) (t xml.StartElement, ok bool, err error) {
	tok, err := s.next()
	if err != nil {
		return t, false, err
	}
	switch tok := tok.(type) {
	case xml.StartElement:
		return tok, true, nil
	case xml.EndElement:
		return t, false, nil
	}
	return t, false, &Error{Line: s.line(), Field: field, Code: codes.ReturnCodeBadFormat,
		Err: fmt.Errorf("%w: text in %s", sentinel, where)}
}

// trailer checks that nothing but comments, processing instructions and
// blanks follow the root element.
func (s *state) trailer() error {
	tok, err := s.next()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	_ = tok
	return &Error{Line: s.line(), Code: codes.ReturnCodeBadFormat,
		Err: fmt.Errorf("%w: content after the root element", ErrSyntax)}
}

func (s *state) envelope(m *Message) error {
	sawHeader, sawBody := false, false
	for {
		t, ok, err := s.child("Envelope", ErrSyntax, "the envelope")
		if err != nil {
			return err
		}
		if !ok {
			s.pop()
			if !sawBody {
				return &Error{Line: s.line(), Field: "Body", Code: codes.ReturnCodeMissing,
					Err: fmt.Errorf("%w: the envelope has no Body", ErrBody)}
			}
			return nil
		}
		switch {
		case t.Name == xml.Name{Space: EnvelopeSpace, Local: "Header"} && !sawHeader && !sawBody:
			sawHeader = true
			m.HeaderLine = s.line()
			s.push(t)
			if err := s.header(&m.Header); err != nil {
				return err
			}
			s.pop()
		case t.Name == xml.Name{Space: EnvelopeSpace, Local: "Body"} && !sawBody:
			sawBody = true
			if s.dc.Header != nil {
				if err := s.dc.Header(&m.Header); err != nil {
					return callbackError{err}
				}
			}
			s.push(t)
			if err := s.bodyElement(m); err != nil {
				return err
			}
			s.pop()
		case !sawBody || t.Name.Space == EnvelopeSpace || t.Name.Space == "":
			return &Error{Line: s.line(), Field: t.Name.Local, Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: unexpected element %s in the envelope", ErrSyntax, t.Name.Local)}
		default:
			// SOAP 1.1 allows qualified elements after the Body.
			if err := s.d.Skip(); err != nil {
				return err
			}
		}
	}
}

func mustUnderstand(start xml.StartElement) bool {
	for _, a := range start.Attr {
		if a.Name == (xml.Name{Space: EnvelopeSpace, Local: "mustUnderstand"}) {
			v := strings.TrimSpace(a.Value)
			return v == "1" || v == "true"
		}
	}
	return false
}

func (s *state) header(h *Header) error {
	for {
		t, ok, err := s.child("Header", ErrSyntax, "the header")
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		switch {
		case t.Name == xml.Name{Space: s.dc.HeaderSpace, Local: ElementEntete}:
			if err := once(s, ElementEntete, &h.Entete, s.entete); err != nil {
				return err
			}
		case t.Name == xml.Name{Space: s.dc.HeaderSpace, Local: ElementPagination}:
			if err := once(s, ElementPagination, &h.Pagination, s.pagination); err != nil {
				return err
			}
		case mustUnderstand(t):
			return &Error{Line: s.line(), Field: t.Name.Local, Code: codes.ReturnCodeNotAllowed,
				Err: fmt.Errorf("%w: {%s}%s", ErrMustUnderstand, t.Name.Space, t.Name.Local)}
		default:
			if err := s.d.Skip(); err != nil {
				return err
			}
		}
	}
}

// once reads the header entry name, which may appear only once, into *dst.
func once[T any](s *state, name string, dst **T, read func() (*T, error)) error {
	if *dst != nil {
		return &Error{Line: s.line(), Field: name, Code: codes.ReturnCodeBadFormat,
			Err: fmt.Errorf("%w: more than one %s", ErrHeader, name)}
	}
	v, err := read()
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// text reads the character data of a simple element up to its end.
func (s *state) text(start xml.StartElement) (string, error) {
	var first string
	var b *strings.Builder // only for text split over several tokens
	for {
		tok, err := s.d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			switch {
			case b != nil:
				b.Write(t)
			case first == "":
				first = string(t)
			default:
				b = &strings.Builder{}
				b.WriteString(first)
				b.Write(t)
			}
		case xml.StartElement:
			return "", &Error{Line: s.line(), Field: start.Name.Local, Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: element %s inside %s", ErrHeader, t.Name.Local, start.Name.Local)}
		case xml.EndElement:
			if b != nil {
				return strings.TrimSpace(b.String()), nil
			}
			return strings.TrimSpace(first), nil
		case xml.Directive:
			return "", &Error{Line: s.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
}

// children calls f with the local name, line and text of every child of the
// current element in the header namespace (or unqualified, as some toolkits
// write them), skipping the others.
func (s *state) children(parent string, f func(name string, line int, value string) error) error {
	for {
		t, ok, err := s.child(parent, ErrHeader, parent)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		line := s.line()
		if t.Name.Space != s.dc.HeaderSpace && t.Name.Space != "" {
			if err := s.d.Skip(); err != nil {
				return err
			}
			continue
		}
		v, err := s.text(t)
		if err != nil {
			return err
		}
		if err := f(t.Name.Local, line, v); err != nil {
			return err
		}
	}
}

func (s *state) location() *time.Location {
	if s.dc.Location != nil {
		return s.dc.Location
	}
	return ticket.Paris
}

func (s *state) entete() (*Entete, error) {
	e := &Entete{Line: s.line(), Lines: map[string]int{}}
	err := s.children(ElementEntete, func(name string, line int, v string) error {
		e.Lines[name] = line
		switch name {
		case "versionProtocole":
			e.VersionProtocole = v
		case "horodatage":
			t, err := ParseDateTime(v, s.location())
			if err != nil {
				return &Error{Line: line, Field: name, Code: codes.ReturnCodeBadFormat, Err: fmt.Errorf("%w: %v", ErrHeader, err)}
			}
			e.Horodatage = t
		case "codeOC":
			e.CodeOC = v
		case "codeOI":
			e.CodeOI = v
		case "sirenOC":
			e.SirenOC = v
		case "sirenOI":
			e.SirenOI = v
		}
		return nil
	})
	return e, err
}

func (s *state) pagination() (*Pagination, error) {
	p := &Pagination{Sequence: -1}
	line := s.line()
	err := s.children(ElementPagination, func(name string, l int, v string) error {
		if name != "sequence" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return &Error{Line: l, Field: "sequence", Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: sequence %q: want a page index from 0", ErrHeader, v)}
		}
		p.Sequence = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	if p.Sequence < 0 {
		return nil, &Error{Line: line, Field: "sequence", Code: codes.ReturnCodeMissing,
			Err: fmt.Errorf("%w: pagination without sequence", ErrHeader)}
	}
	return p, nil
}

// bodyElement reads the content of soapenv:Body: exactly one element.
func (s *state) bodyElement(m *Message) error {
	bodyLine := s.line()
	seen := false
	for {
		t, ok, err := s.child("Body", ErrBody, "the Body")
		if err != nil {
			return err
		}
		if !ok {
			if !seen {
				return &Error{Line: bodyLine, Field: "Body", Code: codes.ReturnCodeMissing,
					Err: fmt.Errorf("%w: empty Body", ErrBody)}
			}
			return nil
		}
		if seen {
			return &Error{Line: s.line(), Field: t.Name.Local, Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: more than one element in the Body", ErrBody)}
		}
		seen = true
		m.Root, m.Line = t.Name, s.line()
		if t.Name == (xml.Name{Space: EnvelopeSpace, Local: "Fault"}) {
			s.push(t)
			f, err := s.fault()
			if err != nil {
				return err
			}
			s.pop()
			m.Fault = f
			continue
		}
		if err := s.body(t); err != nil {
			return err
		}
	}
}

// body hands the body element to the Body callback.
func (s *state) body(start xml.StartElement) error {
	if s.dc.Body == nil {
		return s.d.Skip()
	}
	err := s.dc.Body(s.d, withScope(start, s.scope))
	if sx, ok := err.(*xml.SyntaxError); ok {
		return s.wrap(sx)
	}
	if err != nil {
		return callbackError{err}
	}
	return nil
}

func (s *state) fault() (*Fault, error) {
	f := &Fault{}
	sawCode := false
	faultLine := s.line()
	for {
		t, ok, err := s.child("Fault", ErrBody, "the Fault")
		if err != nil {
			return nil, err
		}
		if !ok {
			if !sawCode {
				return nil, &Error{Line: faultLine, Field: "faultcode", Code: codes.ReturnCodeMissing,
					Err: fmt.Errorf("%w: fault without faultcode", ErrBody)}
			}
			return f, nil
		}
		if t.Name.Space != "" && t.Name.Space != EnvelopeSpace {
			if err := s.d.Skip(); err != nil {
				return nil, err
			}
			continue
		}
		switch t.Name.Local {
		case "faultcode":
			s.push(t)
			v, err := s.text(t)
			if err != nil {
				return nil, err
			}
			f.Code = resolveQName(s.scope, v)
			s.pop()
			sawCode = true
		case "faultstring", "faultactor":
			v, err := s.text(t)
			if err != nil {
				return nil, err
			}
			if t.Name.Local == "faultstring" {
				f.String = v
			} else {
				f.Actor = v
			}
		case "detail":
			s.push(t)
			if err := s.detail(); err != nil {
				return nil, err
			}
			s.pop()
		default:
			if err := s.d.Skip(); err != nil {
				return nil, err
			}
		}
	}
}

// resolveQName resolves a QName value ("soapenv:Client") in scope. An
// unknown prefix is kept as the Space so nothing is lost.
func resolveQName(scope [][]binding, v string) xml.Name {
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		return xml.Name{Local: v}
	}
	if uri, found := resolve(scope, prefix); found {
		return xml.Name{Space: uri, Local: local}
	}
	return xml.Name{Space: prefix, Local: local}
}

func (s *state) detail() error {
	for {
		tok, err := s.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.CharData:
			// Free text in a detail carries nothing this package reads.
		case xml.StartElement:
			if s.dc.Detail == nil {
				if err := s.d.Skip(); err != nil {
					return err
				}
				continue
			}
			err := s.dc.Detail(s.d, withScope(t, s.scope))
			if sx, ok := err.(*xml.SyntaxError); ok {
				return s.wrap(sx)
			}
			if err != nil {
				return callbackError{err}
			}
		}
	}
}

// ParseDateTime reads an xs:dateTime. A value without an offset is a wall
// clock time in loc. A time that [FormatDateTime] could not write back
// readably (a wall clock of year 0000 in a local mean time, which is
// written in UTC in year -0001) is an error.
func ParseDateTime(v string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an xs:dateTime", v)
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return time.Time{}, fmt.Errorf("%q in %v is in year %d UTC, which xs:dateTime cannot write", v, loc, y)
	}
	return t, nil
}

// FormatDateTime writes t as an xs:dateTime with its offset.
//
// An offset that is not a whole number of minutes, which xs:dateTime cannot
// write (Europe/Paris kept its local mean time, UTC+00:09:21, until March
// 1911), is not cut to the minute, which would move the time by its
// seconds: the time is written in UTC, the same instant.
func FormatDateTime(t time.Time) string {
	if _, off := t.Zone(); off%60 != 0 {
		t = t.UTC()
	}
	return t.Format(time.RFC3339Nano)
}
