// Package infowire is the SOAP 1.1 envelope of the InfoTravaux FTTH web
// service: reading an envelope entry by entry with the decoder of the whole
// document (so namespace prefixes declared anywhere above an entry stay
// known), writing one with the InfoTravauxFTTHHeader header, and the
// infoFtthError fault. Users never see it; package sav/infotravaux builds on
// it.
package infowire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// Namespaces and HTTP values of the contract.
const (
	EnvelopeNS  = "http://schemas.xmlsoap.org/soap/envelope/"
	NS          = "http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0"
	ContentType = "text/xml; charset=utf-8"
	// SOAPAction is the soapAction of the contract's only operation.
	SOAPAction = "getInfoTravauxFTTH"
)

// Prefix is the prefix written for [NS]. Entries marshalled by the caller
// name their top-level element "tns:Name" and leave their children
// unqualified, as the contract's elementFormDefault="unqualified" wants.
const Prefix = "tns"

// Entry decodes one header or body entry. The decoder has just returned
// start; the function must consume the element up to its end (DecodeElement
// or Skip).
type Entry func(d *xml.Decoder, start xml.StartElement) error

// ErrNoBody is returned for an envelope whose Body has no entry.
var ErrNoBody = errors.New("infowire: empty SOAP Body")

// SyntaxError is a document that is not a SOAP 1.1 envelope: bad XML, a
// wrong root, a missing Body. Offset is the input offset where it was found.
type SyntaxError struct {
	Offset int64
	Msg    string
	Err    error
}

func (e *SyntaxError) Error() string {
	s := fmt.Sprintf("infowire: offset %d: %s", e.Offset, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Decode reads a SOAP 1.1 envelope. header is called for each Header entry
// (nil skips them); the first Body entry goes to body, except a soap:Fault,
// which Decode reads itself and returns as a [*Fault] error. Entries after
// the first are not read. The document may declare any encoding the WHATWG
// Encoding Standard names.
func Decode(r io.Reader, header, body Entry) error {
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel
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
			if err != nil {
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
			return body(d, t)
		}
	}
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

// InfoFtthError is the detail of the contract's fault, element
// tns:infoFtthError.
type InfoFtthError struct {
	CodeRetour    string `xml:"codeRetour"`
	MessageRetour string `xml:"messageRetour"`
}

// Fault is a SOAP 1.1 fault. Code is the local part of faultcode (Client,
// Server); Info is the infoFtthError detail when the fault carries one.
type Fault struct {
	Code   string
	String string
	Actor  string
	Info   *InfoFtthError
}

func (f *Fault) Error() string {
	if f.Info != nil {
		return fmt.Sprintf("infowire: SOAP fault %s: %s %s", f.Code, f.Info.CodeRetour, f.Info.MessageRetour)
	}
	return fmt.Sprintf("infowire: SOAP fault %s: %s", f.Code, f.String)
}

type wireFault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
	Actor  string `xml:"faultactor"`
	Detail struct {
		Info *InfoFtthError `xml:"infoFtthError"`
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

// Encode writes an envelope with h as its only header entry (no Header when
// h is nil) and b as its body entry, both marshalled with encoding/xml. The
// entries name their elements with the [Prefix]; the envelope declares it.
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

// EncodeFault writes an envelope holding f; f.Code is Client or Server.
func EncodeFault(w io.Writer, f *Fault) error {
	var buf bytes.Buffer
	buf.WriteString(envelopeOpen)
	buf.WriteString(`<soapenv:Body><soapenv:Fault><faultcode>soapenv:`)
	_ = xml.EscapeText(&buf, []byte(f.Code))
	buf.WriteString(`</faultcode><faultstring>`)
	_ = xml.EscapeText(&buf, []byte(f.String))
	buf.WriteString(`</faultstring>`)
	if f.Actor != "" {
		buf.WriteString(`<faultactor>`)
		_ = xml.EscapeText(&buf, []byte(f.Actor))
		buf.WriteString(`</faultactor>`)
	}
	if f.Info != nil {
		buf.WriteString(`<detail><` + Prefix + `:infoFtthError><codeRetour>`)
		_ = xml.EscapeText(&buf, []byte(f.Info.CodeRetour))
		buf.WriteString(`</codeRetour><messageRetour>`)
		_ = xml.EscapeText(&buf, []byte(f.Info.MessageRetour))
		buf.WriteString(`</messageRetour></` + Prefix + `:infoFtthError></detail>`)
	}
	buf.WriteString(`</soapenv:Fault>`)
	buf.WriteString(envelopeClose)
	_, err := w.Write(buf.Bytes())
	return err
}
