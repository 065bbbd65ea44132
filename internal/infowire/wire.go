// Package infowire is the SOAP 1.1 envelope of the InfoTravaux FTTH web
// service: the contract's namespace and SOAPAction, the InfoTravauxFTTHHeader
// envelope and the infoFtthError fault, on top of the plain envelope of
// package internal/soap (entries read with the decoder of the whole
// document, so namespace prefixes declared anywhere above an entry stay
// known). Users never see it; package sav/infotravaux builds on it.
package infowire

import (
	"io"

	"github.com/opensav/savsdk/internal/soap"
)

// Namespaces and HTTP values of the contract.
const (
	EnvelopeNS  = soap.EnvelopeSpace
	NS          = "http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0"
	ContentType = soap.ContentType
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
type Entry = soap.ElementFunc

// ErrNoBody is returned for an envelope whose Body has no entry.
var ErrNoBody = soap.ErrNoBody

// SyntaxError is a document that is not a SOAP 1.1 envelope: bad XML, a DTD,
// a wrong root, a missing Body, a second Body entry, a document beyond the
// limits. Offset is the input offset where it was found.
type SyntaxError = soap.EnvelopeError

// Decode reads a SOAP 1.1 envelope within lim. header is called for each
// Header entry (nil skips them); the Body entry goes to body, except a
// soap:Fault, which Decode reads itself and returns as a [*Fault] error. A
// second Body entry is an error wrapping [soap.ErrBody], a document beyond
// lim one wrapping [soap.ErrLimit]. The document may start with a UTF-8 byte
// order mark and declare any encoding the WHATWG Encoding Standard names.
func Decode(r io.Reader, lim soap.Limits, header, body Entry) error {
	return contract.Decode(r, lim, header, body)
}

// InfoFtthError is the detail of the contract's fault, element
// tns:infoFtthError.
type InfoFtthError struct {
	CodeRetour    string `xml:"codeRetour"`
	MessageRetour string `xml:"messageRetour"`
}

// Layer names this package in the messages of its faults.
func (InfoFtthError) Layer() string { return "infowire" }

// String returns the code and the message.
func (i InfoFtthError) String() string { return i.CodeRetour + " " + i.MessageRetour }

// Fault is a SOAP 1.1 fault. Code is the local part of faultcode (Client,
// Server); Info is the detail when the fault carries one.
type Fault = soap.DetailFault[InfoFtthError]

var contract = soap.Contract[InfoFtthError]{NS: NS, Prefix: Prefix, DetailName: "infoFtthError"}

// Encode writes an envelope with h as its only header entry (no Header when
// h is nil) and b as its body entry, both marshalled with encoding/xml. The
// entries name their elements with the [Prefix]; the envelope declares it.
func Encode[H, B any](w io.Writer, h *H, b *B) error {
	return contract.Write(w, soap.Marshal(h), soap.Marshal(b))
}

// EncodeFault writes an envelope holding f; f.Code is Client or Server.
func EncodeFault(w io.Writer, f *Fault) error { return contract.WriteFault(w, f) }
