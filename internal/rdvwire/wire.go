package rdvwire

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/opensav/savsdk/internal/soap"
)

// Namespaces and HTTP values of the contract.
const (
	EnvelopeNS  = soap.EnvelopeSpace
	NS          = "http://interop-fibre.fr"
	XSINS       = soap.XSISpace
	ContentType = soap.ContentType
)

// Prefix is the prefix written for [NS]; entries marshalled by the caller
// name their top-level element "tns:Name" and leave their children
// unqualified, as the contract's elementFormDefault="unqualified" wants.
const Prefix = "tns"

// Entry decodes one header or body entry. The decoder has just returned
// start; the function must consume the element up to its end (DecodeElement
// or Skip).
type Entry = soap.ElementFunc

// ErrNoBody is returned for an envelope whose Body has no entry.
var ErrNoBody = soap.ErrNoBody

// SyntaxError is an envelope that is not a SOAP 1.1 envelope: bad XML, a
// DTD, a wrong root, a missing Body. Offset is the input offset where it was
// found.
type SyntaxError = soap.EnvelopeError

// Decode reads a SOAP 1.1 envelope. header is called for each Header entry
// (nil skips them); the first Body entry goes to body, except a soap:Fault,
// which Decode decodes itself and returns as a [*Fault] error. Entries after
// the first are skipped. The document may declare any encoding the WHATWG
// Encoding Standard names.
func Decode(r io.Reader, header, body Entry) error {
	var info *InfoErreur
	er := soap.EnvelopeReader{Header: header, Body: body,
		Detail: func(d *xml.Decoder, start xml.StartElement) error {
			if start.Name.Local != "InfoErreurType" {
				return d.Skip()
			}
			if info == nil {
				info = new(InfoErreur)
			}
			return d.DecodeElement(info, &start)
		}}
	f, err := er.ReadEnvelope(r)
	if err != nil {
		return err
	}
	if f != nil {
		return &Fault{Code: f.Code.Local, String: f.String, Actor: f.Actor, Info: info}
	}
	return nil
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

var namespaces = []soap.Namespace{{Prefix: Prefix, URI: NS}}

// Encode writes an envelope with h as its only header entry (none when h is
// nil) and b as its body entry. The entries name their elements with the
// [Prefix]; the envelope declares it.
func Encode[H, B any](w io.Writer, h *H, b *B) error {
	var header soap.WriteFunc
	if h != nil {
		header = soap.Marshal(h)
	}
	return soap.WriteEnvelope(w, namespaces, header, soap.Marshal(b))
}

// EncodeFault writes an envelope holding f; code is Client or Server.
func EncodeFault(w io.Writer, f *Fault) error {
	var detail soap.WriteFunc
	if f.Info != nil {
		detail = soap.Marshal(&struct {
			XMLName xml.Name
			InfoErreur
		}{XMLName: xml.Name{Local: Prefix + ":InfoErreurType"}, InfoErreur: *f.Info})
	}
	return soap.WriteFault(w, namespaces,
		&soap.Fault{Code: xml.Name{Space: soap.EnvelopeSpace, Local: f.Code}, String: f.String, Actor: f.Actor}, detail)
}
