package rdvwire

import (
	"io"
	"strconv"

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
// DTD, a wrong root, a missing Body, a second Body entry, a document beyond
// the limits. Offset is the input offset where it was found.
type SyntaxError = soap.EnvelopeError

// Decode reads a SOAP 1.1 envelope within lim. header is called for each
// Header entry (nil skips them); the Body entry goes to body, except a
// soap:Fault, which Decode decodes itself and returns as a [*Fault] error. A
// second Body entry is an error wrapping [soap.ErrBody], a document beyond
// lim one wrapping [soap.ErrLimit]. The document may start with a UTF-8 byte
// order mark and declare any encoding the WHATWG Encoding Standard names.
func Decode(r io.Reader, lim soap.Limits, header, body Entry) error {
	return contract.Decode(r, lim, header, body)
}

// InfoErreur is the detail of an rdvErreur fault, element tns:InfoErreurType.
type InfoErreur struct {
	CodeErreur    int    `xml:"codeErreur"`
	MessageErreur string `xml:"messageErreur"`
}

// Layer names this package in the messages of its faults.
func (InfoErreur) Layer() string { return "rdvwire" }

// String returns the code and the message.
func (i InfoErreur) String() string { return strconv.Itoa(i.CodeErreur) + " " + i.MessageErreur }

// Fault is a SOAP 1.1 fault. Code is the local part of faultcode (Client,
// Server); Info is the detail when the fault carries one.
type Fault = soap.DetailFault[InfoErreur]

var contract = soap.Contract[InfoErreur]{NS: NS, Prefix: Prefix, DetailName: "InfoErreurType"}

// Encode writes an envelope with h as its only header entry (none when h is
// nil) and b as its body entry. The entries name their elements with the
// [Prefix]; the envelope declares it.
func Encode[H, B any](w io.Writer, h *H, b *B) error {
	return contract.Write(w, soap.Marshal(h), soap.Marshal(b))
}

// EncodeFault writes an envelope holding f; code is Client or Server.
func EncodeFault(w io.Writer, f *Fault) error { return contract.WriteFault(w, f) }
