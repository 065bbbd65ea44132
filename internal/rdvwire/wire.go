package rdvwire

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Namespaces and HTTP values of the contract.
const (
	EnvelopeNS  = "http://schemas.xmlsoap.org/soap/envelope/"
	NS          = "http://interop-fibre.fr"
	XSINS       = "http://www.w3.org/2001/XMLSchema-instance"
	ContentType = "text/xml; charset=utf-8"
)

// Prefix is the prefix written for [NS]; entries marshalled by the caller
// name their top-level element "tns:Name" and leave their children
// unqualified, as the contract's elementFormDefault="unqualified" wants.
const Prefix = "tns"

// Entry decodes one header or body entry. The decoder has just returned
// start; the function must consume the element up to its end (DecodeElement
// or Skip).
type Entry func(d *xml.Decoder, start xml.StartElement) error

// ErrNoBody is returned for an envelope whose Body has no entry.
var ErrNoBody = errors.New("rdvwire: empty SOAP Body")

// SyntaxError is an envelope that is not a SOAP 1.1 envelope: bad XML, a
// wrong root, a missing Body. Offset is the input offset where it was found.
type SyntaxError struct {
	Offset int64
	Msg    string
	Err    error
}

func (e *SyntaxError) Error() string {
	s := fmt.Sprintf("rdvwire: offset %d: %s", e.Offset, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Decode reads a SOAP 1.1 envelope. header is called for each Header entry
// (nil skips them); the first Body entry goes to body, except a soap:Fault,
// which Decode decodes itself and returns as a [*Fault] error. Entries after
// the first are skipped. Documents declaring an encoding other than UTF-8,
// US-ASCII or ISO-8859-1 are refused.
func Decode(r io.Reader, header, body Entry) error {
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	fail := func(msg string, err error) error {
		return &SyntaxError{Offset: d.InputOffset(), Msg: msg, Err: err}
	}
	root, err := nextStart(d)
	if err != nil {
		return fail("reading the envelope", err)
	}
	if root.Name.Space != EnvelopeNS || root.Name.Local != "Envelope" {
		return fail(fmt.Sprintf("root is {%s}%s, want a SOAP 1.1 Envelope", root.Name.Space, root.Name.Local), nil)
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return fail("looking for the Body", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return fail("envelope without a Body", nil)
		case xml.StartElement:
			switch {
			case t.Name.Space == EnvelopeNS && t.Name.Local == "Header":
				if err := entries(d, header); err != nil {
					return err
				}
			case t.Name.Space == EnvelopeNS && t.Name.Local == "Body":
				return decodeBody(d, body)
			default:
				if err := d.Skip(); err != nil {
					return fail("skipping "+t.Name.Local, err)
				}
			}
		}
	}
}

// entries calls fn for each child element of the current element, up to its
// end.
func entries(d *xml.Decoder, fn Entry) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return &SyntaxError{Offset: d.InputOffset(), Msg: "reading the Header", Err: err}
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if fn == nil {
				err = d.Skip()
			} else {
				err = fn(d, t)
			}
			if err := syntax(d, t, err); err != nil {
				return err
			}
		}
	}
}

func decodeBody(d *xml.Decoder, body Entry) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return &SyntaxError{Offset: d.InputOffset(), Msg: "reading the Body", Err: err}
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return ErrNoBody
		case xml.StartElement:
			if t.Name.Space == EnvelopeNS && t.Name.Local == "Fault" {
				var f wireFault
				if err := d.DecodeElement(&f, &t); err != nil {
					return &SyntaxError{Offset: d.InputOffset(), Msg: "reading the Fault", Err: err}
				}
				return f.fault()
			}
			if body == nil {
				return d.Skip()
			}
			return syntax(d, t, body(d, t))
		}
	}
}

// syntax wraps an XML syntax error met while reading entry start into a
// *SyntaxError with the offset; other errors are the entry decoder's own.
func syntax(d *xml.Decoder, start xml.StartElement, err error) error {
	if _, ok := errors.AsType[*xml.SyntaxError](err); ok {
		return &SyntaxError{Offset: d.InputOffset(), Msg: "reading " + start.Name.Local, Err: err}
	}
	return err
}

func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s, nil
		}
	}
}

// charsetReader accepts the encodings a SOAP peer may declare besides
// UTF-8: US-ASCII and ISO-8859-1 (decoded to UTF-8).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return &latin1Reader{r: bufio.NewReader(in)}, nil
	}
	return nil, fmt.Errorf("rdvwire: unsupported encoding %q", label)
}

type latin1Reader struct {
	r   *bufio.Reader
	buf []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	for len(l.buf) == 0 {
		b, err := l.r.ReadByte()
		if err != nil {
			return 0, err
		}
		l.buf = utf8.AppendRune(l.buf[:0], rune(b))
	}
	n := copy(p, l.buf)
	l.buf = l.buf[n:]
	return n, nil
}

// InfoErreur is the detail of an rdvErreur fault, element tns:InfoErreurType.
type InfoErreur struct {
	CodeErreur    int    `xml:"codeErreur"`
	MessageErreur string `xml:"messageErreur"`
}

// Fault is a SOAP 1.1 fault. Code is the local part of faultcode (Client,
// Server); Info is the rdvErreur detail when the fault carries one.
type Fault struct {
	Code   string
	String string
	Actor  string
	Info   *InfoErreur
}

func (f *Fault) Error() string {
	if f.Info != nil {
		return fmt.Sprintf("rdvwire: SOAP fault %s: %d %s", f.Code, f.Info.CodeErreur, f.Info.MessageErreur)
	}
	return fmt.Sprintf("rdvwire: SOAP fault %s: %s", f.Code, f.String)
}

type wireFault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
	Actor  string `xml:"faultactor"`
	Detail struct {
		Info *InfoErreur `xml:"InfoErreurType"`
	} `xml:"detail"`
}

func (w *wireFault) fault() *Fault {
	code := strings.TrimSpace(w.Code)
	if i := strings.LastIndexByte(code, ':'); i >= 0 {
		code = code[i+1:]
	}
	return &Fault{Code: code, String: strings.TrimSpace(w.String), Actor: strings.TrimSpace(w.Actor),
		Info: w.Detail.Info}
}

const (
	envelopeOpen = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<soapenv:Envelope xmlns:soapenv="` + EnvelopeNS + `" xmlns:` + Prefix + `="` + NS + `">`
	envelopeClose = `</soapenv:Body></soapenv:Envelope>` + "\n"
)

// Encode writes an envelope with h as its only header entry (none when h is
// nil) and b as its body entry. The entries name their elements with the
// [Prefix]; the envelope declares it.
func Encode[H, B any](w io.Writer, h *H, b *B) error {
	var buf bytes.Buffer
	buf.WriteString(envelopeOpen)
	e := xml.NewEncoder(&buf)
	if h != nil {
		buf.WriteString(`<soapenv:Header>`)
		if err := e.Encode(h); err != nil {
			return err
		}
		buf.WriteString(`</soapenv:Header>`)
	}
	buf.WriteString(`<soapenv:Body>`)
	if err := e.Encode(b); err != nil {
		return err
	}
	buf.WriteString(envelopeClose)
	_, err := w.Write(buf.Bytes())
	return err
}

// EncodeFault writes an envelope holding f; code is Client or Server.
func EncodeFault(w io.Writer, f *Fault) error {
	var buf bytes.Buffer
	buf.WriteString(envelopeOpen)
	buf.WriteString(`<soapenv:Body><soapenv:Fault><faultcode>soapenv:`)
	xml.EscapeText(&buf, []byte(f.Code))
	buf.WriteString(`</faultcode><faultstring>`)
	xml.EscapeText(&buf, []byte(f.String))
	buf.WriteString(`</faultstring>`)
	if f.Actor != "" {
		buf.WriteString(`<faultactor>`)
		xml.EscapeText(&buf, []byte(f.Actor))
		buf.WriteString(`</faultactor>`)
	}
	if f.Info != nil {
		buf.WriteString(`<detail>`)
		info := struct {
			XMLName xml.Name
			InfoErreur
		}{XMLName: xml.Name{Local: Prefix + ":InfoErreurType"}, InfoErreur: *f.Info}
		if err := xml.NewEncoder(&buf).Encode(&info); err != nil {
			return err
		}
		buf.WriteString(`</detail>`)
	}
	buf.WriteString(`</soapenv:Fault>`)
	buf.WriteString(envelopeClose)
	_, err := w.Write(buf.Bytes())
	return err
}
