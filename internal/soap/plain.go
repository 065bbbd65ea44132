package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// This file is the plain SOAP 1.1 envelope shared by the single-purpose
// services (Plan de charge SAV, InfoTravaux): entries handed to the caller
// as they come, the one Body entry read, faults with a caller-read
// detail, and a compact writer. [Decoder] and [Encoder] are the stricter
// protocol 2.0 profile built around sav:entete.

// ErrNoBody is returned by [ReadEnvelope] for an envelope whose Body holds
// no element.
var ErrNoBody = errors.New("soap: empty SOAP Body")

// EnvelopeError is a document [ReadEnvelope] cannot read as a SOAP 1.1
// envelope: bad XML, a DTD, an unsupported encoding, a wrong root, a missing
// Body, more than one Body entry ([ErrBody]), a document beyond the
// [Limits] ([ErrLimit]). Offset is the input offset where it was found.
type EnvelopeError struct {
	Offset int64
	Msg    string
	Err    error
}

func (e *EnvelopeError) Error() string {
	s := fmt.Sprintf("soap: offset %d: %s", e.Offset, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *EnvelopeError) Unwrap() error { return e.Err }

// errDirective is the cause of an [*EnvelopeError] for a DTD.
var errDirective = errors.New("DTDs and directives are not allowed")

// EnvelopeReader reads plain SOAP 1.1 envelopes with callbacks that receive
// the decoder of the whole document, so namespace prefixes declared anywhere
// above an entry stay known. Configure it before use; it is then safe for
// concurrent use.
type EnvelopeReader struct {
	// Header is called for each Header entry; nil skips them.
	Header ElementFunc
	// Body is called for the Body entry, unless it is a soap:Fault; nil
	// skips it. A Body holds one entry: a second one is an error.
	Body ElementFunc
	// Detail is called for each entry of a fault's detail; nil skips them.
	Detail ElementFunc
	// Limits bounds the document; the zero value means the defaults.
	Limits Limits
}

// ReadEnvelope reads one SOAP 1.1 envelope from r, up to the end of the
// Envelope. It returns the fault when the Body holds a soap:Fault. The
// document may start with a UTF-8 byte order mark and declare any encoding
// the WHATWG Encoding Standard names; DTDs are refused, and so is a document
// beyond the reader's Limits, while it is read: the error is an
// [*EnvelopeError] wrapping an [*Error] ([ErrLimit], [ErrSyntax]), also when
// a callback met it. Other errors are [*EnvelopeError], [ErrNoBody], or a
// callback's error (an [*xml.SyntaxError] met by a Header or Body callback
// is wrapped in an [*EnvelopeError]).
func (er *EnvelopeReader) ReadEnvelope(r io.Reader) (*Fault, error) {
	g := newGuard(r, er.Limits)
	defer g.release()
	p := &plain{d: newXMLDecoder(g, plainCharset), g: g, er: er}
	f, err := p.envelope()
	if e := g.refused(); err != nil && e != nil {
		return nil, p.fail("reading the envelope", e)
	}
	return f, err
}

// charsetReader decodes any encoding the WHATWG Encoding Standard names.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	r, err := charset.NewReaderLabel(label, in)
	if err != nil {
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return r, nil
}

type plain struct {
	d  *xml.Decoder
	g  *guard
	er *EnvelopeReader
	// path holds the Envelope, Body and Fault start elements, whose
	// namespace declarations a faultcode's prefix resolves against.
	path [3]xml.StartElement
}

func (p *plain) fail(msg string, err error) error {
	return &EnvelopeError{Offset: p.g.offset(p.d), Msg: msg, Err: err}
}

// token returns the next token, refusing DTDs and directives.
func (p *plain) token() (xml.Token, error) {
	tok, err := p.d.Token()
	if err != nil {
		return nil, err
	}
	if _, ok := tok.(xml.Directive); ok {
		return nil, errDirective
	}
	return tok, nil
}

func (p *plain) envelope() (*Fault, error) {
	var root xml.StartElement
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.fail("reading the envelope", err)
		}
		if s, ok := tok.(xml.StartElement); ok {
			root = s
			break
		}
	}
	if root.Name.Space != EnvelopeSpace || root.Name.Local != "Envelope" {
		return nil, p.fail(fmt.Sprintf("root is {%s}%s, want a SOAP 1.1 Envelope", root.Name.Space, root.Name.Local), nil)
	}
	p.path[0] = root
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.fail("looking for the Body", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil, p.fail("envelope without a Body", nil)
		case xml.StartElement:
			switch {
			case t.Name.Space == EnvelopeSpace && t.Name.Local == "Header":
				if err := p.entries("reading the Header", p.er.Header); err != nil {
					return nil, err
				}
			case t.Name.Space == EnvelopeSpace && t.Name.Local == "Body":
				p.path[1] = t
				return p.body()
			default:
				if err := p.d.Skip(); err != nil {
					return nil, p.fail("skipping "+t.Name.Local, err)
				}
			}
		}
	}
}

// entries calls fn for each child element of the current element, up to its
// end; msg names the element for errors.
func (p *plain) entries(msg string, fn ElementFunc) error {
	for {
		tok, err := p.token()
		if err != nil {
			return p.fail(msg, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if fn == nil {
				err = p.d.Skip()
			} else {
				err = fn(p.d, t)
			}
			if err := p.syntax(t, err); err != nil {
				return err
			}
		}
	}
}

// body reads the Body's one entry, then the rest of the envelope.
func (p *plain) body() (*Fault, error) {
	var f *Fault
	seen := false
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.fail("reading the Body", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !seen {
				return nil, ErrNoBody
			}
			if err := p.rest(); err != nil {
				return nil, err
			}
			return f, nil
		case xml.StartElement:
			if seen {
				return nil, p.fail("more than one element in the Body: "+t.Name.Local, ErrBody)
			}
			seen = true
			switch {
			case t.Name.Space == EnvelopeSpace && t.Name.Local == "Fault":
				p.path[2] = t
				if f, err = p.fault(); err != nil {
					return nil, err
				}
			case p.er.Body == nil:
				err = p.syntax(t, p.d.Skip())
			default:
				err = p.syntax(t, p.er.Body(p.d, t))
			}
			if err != nil {
				return nil, err
			}
		}
	}
}

// rest reads the envelope after the Body up to its end: the qualified
// elements SOAP 1.1 allows there are skipped, a second Body is refused.
func (p *plain) rest() error {
	for {
		tok, err := p.token()
		if err != nil {
			return p.fail("reading the envelope", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Space == EnvelopeSpace && t.Name.Local == "Body" {
				return p.fail("more than one Body in the envelope", ErrBody)
			}
			if err := p.d.Skip(); err != nil {
				return p.fail("skipping "+t.Name.Local, err)
			}
		}
	}
}

// fault reads the children of a soap:Fault. faultcode, faultstring,
// faultactor and detail are recognised by local name in any namespace;
// when one is repeated the last one counts.
func (p *plain) fault() (*Fault, error) {
	f := &Fault{}
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.fail("reading the Fault", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return f, nil
		case xml.StartElement:
			var err error
			switch t.Name.Local {
			case "faultcode", "faultstring", "faultactor":
				var v string
				if err = p.d.DecodeElement(&v, &t); err != nil {
					break
				}
				v = strings.TrimSpace(v)
				switch t.Name.Local {
				case "faultcode":
					f.Code = p.qname(t, v)
				case "faultstring":
					f.String = v
				default:
					f.Actor = v
				}
			case "detail":
				err = p.entries("reading the Fault", p.er.Detail)
			default:
				err = p.d.Skip()
			}
			if _, ok := err.(*EnvelopeError); ok {
				return nil, err
			}
			if err != nil {
				return nil, p.fail("reading the Fault", err)
			}
		}
	}
}

// qname resolves the value v of the faultcode element start: the text
// after the last colon is the local part, the prefix before it is resolved
// against the declarations of start and the elements above it (an unbound
// prefix is kept as the Space so nothing is lost).
func (p *plain) qname(start xml.StartElement, v string) xml.Name {
	i := strings.LastIndexByte(v, ':')
	if i < 0 {
		return xml.Name{Local: v}
	}
	prefix := v[:i]
	scope := [][]binding{declared(p.path[0]), declared(p.path[1]), declared(p.path[2]), declared(start)}
	if uri, ok := resolve(scope, prefix); ok {
		return xml.Name{Space: uri, Local: v[i+1:]}
	}
	return xml.Name{Space: prefix, Local: v[i+1:]}
}

// syntax wraps an XML syntax error met while reading entry start into an
// *EnvelopeError with the offset; other errors are the callback's own.
func (p *plain) syntax(start xml.StartElement, err error) error {
	if _, ok := errors.AsType[*xml.SyntaxError](err); ok {
		return p.fail("reading "+start.Name.Local, err)
	}
	return err
}

// Namespace is a namespace declaration written on the Envelope element.
type Namespace struct {
	Prefix, URI string
}

// Marshal returns a WriteFunc writing v with encoding/xml, or nil when v is
// nil.
func Marshal[T any](v *T) WriteFunc {
	if v == nil {
		return nil
	}
	return func(w io.Writer) error { return xml.NewEncoder(w).Encode(v) }
}

// FaultDetail is the type of a [Contract]'s fault detail: Layer names the
// package reporting its faults in their messages ("rdvwire"), and String
// describes a detail ("101 RDV NON DISPONIBLE"). Layer is called on the zero
// value.
type FaultDetail interface {
	Layer() string
	String() string
}

// Contract is the plain envelope of one single-purpose service: entries
// written with Prefix bound to NS, and faults whose detail is one element
// DetailName (in any namespace when read) of type D. A Contract is a plain
// value, safe for concurrent use.
type Contract[D FaultDetail] struct {
	NS, Prefix, DetailName string
}

// DetailFault is a fault of a [Contract] as an error: Code is the local part
// of the faultcode (Client, Server), Info the detail when the fault carries
// one.
type DetailFault[D FaultDetail] struct {
	Code   string
	String string
	Actor  string
	Info   *D
}

func (f *DetailFault[D]) Error() string {
	var zero D
	if f.Info != nil {
		return zero.Layer() + ": SOAP fault " + f.Code + ": " + (*f.Info).String()
	}
	return zero.Layer() + ": SOAP fault " + f.Code + ": " + f.String
}

// Read reads an envelope within lim with [EnvelopeReader.ReadEnvelope]:
// header is called for each Header entry, body for the Body entry (nil skips
// them). For a fault it returns the fault and its detail element, nil when
// the detail has none (when repeated, the elements are decoded in turn into
// the same value).
func (c *Contract[D]) Read(r io.Reader, lim Limits, header, body ElementFunc) (*Fault, *D, error) {
	var info *D
	er := EnvelopeReader{Header: header, Body: body, Limits: lim,
		Detail: func(d *xml.Decoder, start xml.StartElement) error {
			if start.Name.Local != c.DetailName {
				return d.Skip()
			}
			if info == nil {
				info = new(D)
			}
			return d.DecodeElement(info, &start)
		}}
	f, err := er.ReadEnvelope(r)
	return f, info, err
}

// Decode is Read returning a fault as a [*DetailFault] error.
func (c *Contract[D]) Decode(r io.Reader, lim Limits, header, body ElementFunc) error {
	f, info, err := c.Read(r, lim, header, body)
	if err != nil || f == nil {
		return err
	}
	return &DetailFault[D]{Code: f.Code.Local, String: f.String, Actor: f.Actor, Info: info}
}

// Write writes an envelope declaring the contract's namespace (see
// [WriteEnvelope]).
func (c *Contract[D]) Write(w io.Writer, header, body WriteFunc) error {
	return WriteEnvelope(w, []Namespace{{Prefix: c.Prefix, URI: c.NS}}, header, body)
}

// WriteFault writes an envelope holding f, its code in the envelope
// namespace and its Info, when set, as the detail element
// Prefix:DetailName.
func (c *Contract[D]) WriteFault(w io.Writer, f *DetailFault[D]) error {
	var detail WriteFunc
	if f.Info != nil {
		detail = func(w io.Writer) error {
			return xml.NewEncoder(w).EncodeElement(f.Info, xml.StartElement{Name: xml.Name{Local: c.Prefix + ":" + c.DetailName}})
		}
	}
	return WriteFault(w, []Namespace{{Prefix: c.Prefix, URI: c.NS}},
		&Fault{Code: xml.Name{Space: EnvelopeSpace, Local: f.Code}, String: f.String, Actor: f.Actor}, detail)
}

// WriteEnvelope writes a compact SOAP 1.1 envelope (envelope prefix
// soapenv) declaring ns on the Envelope: a Header holding what header writes
// (no Header when header is nil) and a Body holding what body writes. The
// callbacks write elements that use the prefixes of ns. Nothing is written
// to w when a callback fails.
func WriteEnvelope(w io.Writer, ns []Namespace, header, body WriteFunc) error {
	return build(w, func(b *bytes.Buffer) error {
		openPlain(b, ns)
		if header != nil {
			b.WriteString(`<soapenv:Header>`)
			if err := header(b); err != nil {
				return err
			}
			b.WriteString(`</soapenv:Header>`)
		}
		b.WriteString(`<soapenv:Body>`)
		if body != nil {
			if err := body(b); err != nil {
				return err
			}
		}
		b.WriteString(plainClose)
		return nil
	})
}

// WriteFault writes a compact SOAP 1.1 envelope (see [WriteEnvelope]) whose
// Body is f; detail, when not nil, writes the detail's entries.
func WriteFault(w io.Writer, ns []Namespace, f *Fault, detail WriteFunc) error {
	return build(w, func(b *bytes.Buffer) error {
		openPlain(b, ns)
		b.WriteString(`<soapenv:Body><soapenv:Fault>`)
		writeFaultCode(b, "soapenv", f.Code)
		b.WriteString(`<faultstring>`)
		escape(b, f.String)
		b.WriteString(`</faultstring>`)
		if f.Actor != "" {
			b.WriteString(`<faultactor>`)
			escape(b, f.Actor)
			b.WriteString(`</faultactor>`)
		}
		if detail != nil {
			b.WriteString(`<detail>`)
			if err := detail(b); err != nil {
				return err
			}
			b.WriteString(`</detail>`)
		}
		b.WriteString(`</soapenv:Fault>` + plainClose)
		return nil
	})
}

// writeFaultCode writes the faultcode element of code, env being the
// prefix bound to the envelope namespace.
func writeFaultCode(b *bytes.Buffer, env string, code xml.Name) {
	b.WriteString("<faultcode")
	switch code.Space {
	case EnvelopeSpace:
		b.WriteString(">" + env + ":")
	case "":
		b.WriteString(">")
	default:
		b.WriteString(` xmlns:fc="`)
		escape(b, code.Space)
		b.WriteString(`">fc:`)
	}
	escape(b, code.Local)
	b.WriteString("</faultcode>")
}

const plainClose = `</soapenv:Body></soapenv:Envelope>` + "\n"

func openPlain(b *bytes.Buffer, ns []Namespace) {
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<soapenv:Envelope xmlns:soapenv="` + EnvelopeSpace + `"`)
	for _, n := range ns {
		b.WriteString(" xmlns:" + n.Prefix + `="`)
		escape(b, n.URI)
		b.WriteString(`"`)
	}
	b.WriteString(">")
}
