package v2

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
)

// NewXMLDecoder returns an [xml.Decoder] for r that reads any encoding the
// document declares (charset.NewReaderLabel: UTF-8, ISO-8859-1,
// Windows-1252, …). It is the decoder every reader of this package uses.
func NewXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel
	return d
}

type binding struct{ prefix, uri string }

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// tokenSource is what a reader reads: an [xml.Decoder], or the tokenizer of
// internal/soap's decoder handed to its callbacks.
type tokenSource interface {
	Token() (xml.Token, error)
	InputPos() (line, column int)
}

// reader walks one element tree with a [tokenSource]. It tracks the
// namespace bindings in scope (to resolve xsi:type values by URI), the depth
// and, when asked, the line of every element by path.
type reader struct {
	d     tokenSource
	p     *Profile
	scope []binding
	marks []int
	depth int
	pos   map[string]int // path → line, nil unless recording
	path  []string
	// lenient makes a value that is not of its type (ErrValue,
	// ErrNotNillable) a recorded error instead of the end of reading: the
	// element is left absent and reading goes on.
	lenient   bool
	valueErrs []*DecodeError
	// The first bindings and levels, held with the reader.
	scopeBuf [8]binding
	marksBuf [16]int
}

// errDropped is returned, once the offending element is consumed, for a value
// a lenient reader recorded and dropped.
var errDropped = errors.New("v2: value dropped")

// valueError reports a value not of its type; the element must be consumed.
func (r *reader) valueError(t xml.StartElement, sentinel error, format string, args ...any) error {
	err := r.errorf(t, codes.ReturnCodeBadFormat, sentinel, format, args...)
	if r.lenient {
		r.valueErrs = append(r.valueErrs, err.(*DecodeError))
		return errDropped
	}
	return err
}

func newReader(d tokenSource, p *Profile) *reader {
	r := &reader{d: d, p: p.orDefault()}
	r.scope, r.marks = r.scopeBuf[:0], r.marksBuf[:0]
	return r
}

func (r *reader) line() int {
	l, _ := r.d.InputPos()
	return l
}

// enter records an element the reader is about to read.
func (r *reader) enter(t xml.StartElement) error {
	r.marks = append(r.marks, len(r.scope))
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			r.scope = append(r.scope, binding{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			r.scope = append(r.scope, binding{"", a.Value})
		}
	}
	r.depth++
	if r.pos != nil {
		r.path = append(r.path, t.Name.Local)
		k := strings.Join(r.path, "/")
		if _, seen := r.pos[k]; !seen {
			r.pos[k] = r.line()
		}
	}
	if r.depth > r.p.MaxDepth {
		return r.errorf(t, codes.ReturnCodeBadFormat, ErrTooDeep, "more than %d levels", r.p.MaxDepth)
	}
	return nil
}

// leave undoes enter once the element's end was read.
func (r *reader) leave() {
	n := len(r.marks) - 1
	r.scope = r.scope[:r.marks[n]]
	r.marks = r.marks[:n]
	r.depth--
	if r.pos != nil && len(r.path) > 0 {
		r.path = r.path[:len(r.path)-1]
	}
}

func (r *reader) resolve(prefix string) (string, bool) {
	for i := len(r.scope) - 1; i >= 0; i-- {
		if r.scope[i].prefix == prefix {
			return r.scope[i].uri, true
		}
	}
	switch prefix {
	case "xml":
		return xmlNamespace, true
	case "":
		return "", true
	}
	return "", false
}

// qname resolves a QName attribute value (xsi:type) by the bindings in
// scope.
func (r *reader) qname(v string) xml.Name {
	v = strings.TrimSpace(v)
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		local, prefix = prefix, ""
	}
	uri, _ := r.resolve(prefix)
	return xml.Name{Space: uri, Local: local}
}

func (r *reader) errorf(t xml.StartElement, code codes.ReturnCode, sentinel error, format string, args ...any) error {
	err := sentinel
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
	}
	return &DecodeError{Line: r.line(), Element: t.Name.Local, Code: code, Err: err}
}

// syntax turns a decoder error into a DecodeError.
func (r *reader) syntax(err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	line := r.line()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		line = se.Line
	}
	return &DecodeError{Line: line, Code: codes.ReturnCodeBadFormat, Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
}

// children calls f for each child element of the element being read, until
// that element's end; f must consume the child up to its end. Character data
// between children is ignored.
func (r *reader) children(f func(t xml.StartElement) error) error {
	for {
		tok, err := r.d.Token()
		if err != nil {
			return r.syntax(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := r.enter(t); err != nil {
				return err
			}
			if err := f(t); err != nil && err != errDropped {
				return err
			}
			r.leave()
		case xml.EndElement:
			return nil
		case xml.Directive:
			return &DecodeError{Line: r.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
}

// skip consumes the rest of the current element.
func (r *reader) skip() error {
	return r.children(func(xml.StartElement) error { return r.skip() })
}

// text returns the character data of the current element up to its end;
// child elements are skipped.
func (r *reader) text() (string, error) {
	var s string
	var buf []byte
	n := 0
	for {
		tok, err := r.d.Token()
		if err != nil {
			return "", r.syntax(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			// The token's bytes are only valid until the next Token call.
			switch n {
			case 0:
				s = string(t)
			case 1:
				buf = append(append(buf, s...), t...)
			default:
				buf = append(buf, t...)
			}
			n++
		case xml.StartElement:
			if err := r.enter(t); err != nil {
				return "", err
			}
			if err := r.skip(); err != nil {
				return "", err
			}
			r.leave()
		case xml.EndElement:
			if n > 1 {
				return string(buf), nil
			}
			return s, nil
		case xml.Directive:
			return "", &DecodeError{Line: r.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
}

func isNil(t xml.StartElement) bool {
	for _, a := range t.Attr {
		if a.Name.Local == "nil" && a.Name.Space == NamespaceXSI {
			v := strings.TrimSpace(a.Value)
			return v == "true" || v == "1"
		}
	}
	return false
}

func xsiType(t xml.StartElement) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == "type" && a.Name.Space == NamespaceXSI {
			return a.Value, true
		}
	}
	return "", false
}

// field reads element t into f with read, honouring xsi:nil.
func field[T any](r *reader, t xml.StartElement, f *Field[T], nillable bool, read func(*reader, xml.StartElement, *T) error) error {
	if isNil(t) {
		if err := r.skip(); err != nil {
			return err
		}
		if !nillable {
			return r.valueError(t, ErrNotNillable, "")
		}
		*f = Field[T]{Presence: Nil}
		return nil
	}
	// Read in place (a value read into a local would escape through
	// read), from the zero value; on an error f is left as it was.
	old := *f
	var zero T
	f.Value = zero
	if err := read(r, t, &f.Value); err != nil {
		*f = old
		return err
	}
	f.Presence = Present
	return nil
}

// item appends one array item (nillable) read with read.
func item[T any](r *reader, t xml.StartElement, items *[]Field[T], read func(*reader, xml.StartElement, *T) error) error {
	var f Field[T]
	if err := field(r, t, &f, true, read); err != nil {
		return err
	}
	*items = append(*items, f)
	return nil
}

func readString(r *reader, _ xml.StartElement, v *string) error {
	s, err := r.text()
	*v = s
	return err
}

func readBool(r *reader, t xml.StartElement, v *bool) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	switch strings.TrimSpace(s) {
	case "true", "1":
		*v = true
	case "false", "0":
		*v = false
	default:
		return r.valueError(t, ErrValue, "%q is not a boolean", s)
	}
	return nil
}

func readInt64(r *reader, t xml.StartElement, v *int64) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "+"), 10, 64)
	if err != nil {
		return r.valueError(t, ErrValue, "%q is not an integer", s)
	}
	*v = n
	return nil
}

func readUint32(r *reader, t xml.StartElement, v *uint32) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(s), "+"), 10, 32)
	if err != nil {
		return r.valueError(t, ErrValue, "%q is not an unsignedInt", s)
	}
	*v = uint32(n)
	return nil
}

func readInt32(r *reader, t xml.StartElement, v *int32) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "+"), 10, 32)
	if err != nil {
		return r.valueError(t, ErrValue, "%q is not an int", s)
	}
	*v = int32(n)
	return nil
}

func readTime(r *reader, t xml.StartElement, v *time.Time) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	tm, err := ParseDateTime(s, r.p.Location)
	if err != nil {
		return r.valueError(t, ErrValue, "%q is not an xs:dateTime", s)
	}
	*v = tm
	return nil
}

// ParseDateTime reads an xs:dateTime. A value without an offset is a wall
// clock time in loc (Europe/Paris when nil). A time that [FormatDateTime]
// could not write back readably (a wall clock of year 0000 in a local mean
// time, which is written in UTC in year -0001) is an error.
func ParseDateTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = defaultProfile.Location
	}
	return soap.ParseDateTime(s, loc)
}

// FormatDateTime writes an xs:dateTime with its offset ("Z" for UTC) and
// only the fractional digits needed. An offset that is not a whole number
// of minutes, which xs:dateTime cannot write (Europe/Paris kept its local
// mean time, UTC+00:09:21, until March 1911), is not cut to the minute,
// which would move the time by its seconds: the time is written in UTC,
// the same instant, which ParseDateTime reads back exactly.
func FormatDateTime(t time.Time) string { return soap.FormatDateTime(t) }

func readEnum[T ~string](r *reader, _ xml.StartElement, v *T) error {
	s, err := r.text()
	*v = T(trimEnum(s))
	return err
}

// readEnumField reads a substitution-group member or head: not nillable.
func readEnumField[T ~string](r *reader, t xml.StartElement, f *Field[T]) error {
	return field(r, t, f, false, readEnum[T])
}

func readStrings(r *reader, _ xml.StartElement, v *[]Field[string]) error {
	*v = []Field[string]{}
	return r.children(func(t xml.StartElement) error {
		if t.Name.Space == NamespaceCO && t.Name.Local == "item" {
			return item(r, t, v, readString)
		}
		return r.skip()
	})
}

// readRaw captures the child elements of the current element as a
// standalone fragment: every namespace it uses (in names and in xsi:type
// values) is declared on each top-level element, with the prefix the
// document bound to it where there is one.
func readRaw(r *reader, _ xml.StartElement, v *RawXML) error {
	var out []byte
	err := r.children(func(t xml.StartElement) error {
		b, err := r.capture(t)
		out = append(out, b...)
		return err
	})
	*v = RawXML(out)
	return err
}

// capture reads the element t opens (already entered) up to its end and
// returns it serialised on its own.
func (r *reader) capture(t xml.StartElement) ([]byte, error) {
	toks := []xml.Token{t.Copy()}
	uris := []string{}
	prefixOf := map[string]string{}
	use := func(uri string) string {
		switch uri {
		case "":
			return ""
		case xmlNamespace:
			return "xml" // bound by definition, never declared
		}
		if p, ok := prefixOf[uri]; ok {
			return p
		}
		p := ""
		for i := len(r.scope) - 1; i >= 0; i-- {
			if r.scope[i].uri == uri && r.scope[i].prefix != "" {
				p = r.scope[i].prefix
				break
			}
		}
		taken := func(p string) bool {
			for _, q := range prefixOf {
				if q == p {
					return true
				}
			}
			return p == "xml" || p == "xmlns"
		}
		if p == "" || taken(p) {
			for n := 1; ; n++ {
				p = "ns" + strconv.Itoa(n)
				if !taken(p) {
					break
				}
			}
		}
		prefixOf[uri] = p
		uris = append(uris, uri)
		return p
	}
	// Resolve names and xsi:type values while the bindings are in scope.
	resolved := func(t xml.StartElement) xml.StartElement {
		use(t.Name.Space)
		for i, a := range t.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				continue
			}
			use(a.Name.Space)
			if a.Name.Space == NamespaceXSI && a.Name.Local == "type" {
				n := r.qname(a.Value)
				t.Attr[i].Value = "{" + n.Space + "}" + n.Local
				use(n.Space)
			}
		}
		return t
	}
	toks[0] = resolved(toks[0].(xml.StartElement))
	for depth := 1; depth > 0; {
		tok, err := r.d.Token()
		if err != nil {
			return nil, r.syntax(err)
		}
		switch tt := tok.(type) {
		case xml.StartElement:
			if err := r.enter(tt); err != nil {
				return nil, err
			}
			depth++
			toks = append(toks, resolved(tt.Copy()))
		case xml.EndElement:
			depth--
			if depth > 0 {
				r.leave()
			}
			toks = append(toks, tt)
		case xml.CharData, xml.Comment:
			toks = append(toks, xml.CopyToken(tt))
		case xml.Directive:
			return nil, &DecodeError{Line: r.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
	qn := func(n xml.Name) string {
		if n.Space == xmlNamespace {
			return "xml:" + n.Local
		}
		if p := prefixOf[n.Space]; p != "" {
			return p + ":" + n.Local
		}
		return n.Local
	}
	var b []byte
	var open []string
	for i, tok := range toks {
		switch tt := tok.(type) {
		case xml.StartElement:
			name := qn(tt.Name)
			b = append(b, '<')
			b = append(b, name...)
			if i == 0 {
				for _, u := range uris {
					b = append(b, " xmlns:"+prefixOf[u]+`="`...)
					b = appendEscaped(b, u, true)
					b = append(b, '"')
				}
			}
			for _, a := range tt.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				val := a.Value
				if a.Name.Space == NamespaceXSI && a.Name.Local == "type" && strings.HasPrefix(val, "{") {
					space, local, _ := strings.Cut(val[1:], "}")
					val = qn(xml.Name{Space: space, Local: local})
				}
				b = append(b, ' ')
				b = append(b, qn(a.Name)...)
				b = append(b, `="`...)
				b = appendEscaped(b, val, true)
				b = append(b, '"')
			}
			b = append(b, '>')
			open = append(open, name)
		case xml.EndElement:
			b = append(b, "</"...)
			b = append(b, open[len(open)-1]...)
			b = append(b, '>')
			open = open[:len(open)-1]
		case xml.CharData:
			b = appendEscaped(b, string(tt), false)
		case xml.Comment:
			if !bytes.Contains(tt, []byte("--")) && !bytes.HasSuffix(tt, []byte("-")) {
				b = append(b, "<!--"...)
				b = append(b, tt...)
				b = append(b, "-->"...)
			}
		}
	}
	return b, nil
}
