package soap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
)

// Namespaces and names of SOAP 1.1 and its neighbours.
const (
	// EnvelopeSpace is the SOAP 1.1 envelope namespace.
	EnvelopeSpace = "http://schemas.xmlsoap.org/soap/envelope/"
	// Envelope12Space is the SOAP 1.2 envelope namespace; an envelope in it
	// is answered with a VersionMismatch fault.
	Envelope12Space = "http://www.w3.org/2003/05/soap-envelope"
	// XSISpace is the XML Schema instance namespace (xsi:type, xsi:nil).
	XSISpace = "http://www.w3.org/2001/XMLSchema-instance"
	// XMLNSSpace is what encoding/xml puts in Name.Space for an xmlns:p
	// declaration.
	xmlnsSpace = "xmlns"
)

// Header element local names (in the profile's extension namespace).
const (
	ElementEntete     = "entete"
	ElementPagination = "pagination"
)

// Header is what this package reads and writes in the SOAP header: the
// sav:entete identifying both operators and, for a paged search, the page
// index. Other header entries are ignored unless they are marked
// mustUnderstand.
type Header struct {
	Entete     *Entete
	Pagination *Pagination
}

// Entete is the sav:entete header carried by every request and response
// inside an envelope (V2.md, "Our profile").
type Entete struct {
	// VersionProtocole is the protocol version, "2.0".
	VersionProtocole string
	// Horodatage is when the message was written; written with its offset.
	Horodatage time.Time
	// CodeOC and CodeOI are the operator codes (quadrigrammes).
	CodeOC string
	CodeOI string
	// SirenOC and SirenOI are optional SIREN numbers.
	SirenOC string
	SirenOI string

	// Line is the line of the entete's start tag and Lines the line of
	// each child read, by local name; both are set by the decoder and
	// used to place the errors of Check.
	Line  int
	Lines map[string]int
}

// line is where a finding about field goes: the element's line, else the
// entete's (a missing child).
func (e *Entete) line(field string) int {
	if l, ok := e.Lines[field]; ok {
		return l
	}
	return e.Line
}

// Check reports the first field of e that is missing or malformed as an
// [*Error] with return code 1 or 3, the element's name and its line (the
// entete's for a missing element; 0 for an Entete built in memory).
func (e *Entete) Check() error {
	if errs := e.CheckAll(); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// CheckAll reports every field of e that is missing or malformed (see
// [Entete.Check]), in schema order.
func (e *Entete) CheckAll() []*Error {
	var errs []*Error
	add := func(field string, code codes.ReturnCode, err error) {
		errs = append(errs, &Error{Line: e.line(field), Field: field, Code: code, Err: err})
	}
	if strings.TrimSpace(e.VersionProtocole) == "" {
		add("versionProtocole", codes.ReturnCodeMissing, ErrHeader)
	}
	if e.Horodatage.IsZero() {
		add("horodatage", codes.ReturnCodeMissing, ErrHeader)
	}
	for _, f := range []struct{ name, value string }{{"codeOC", e.CodeOC}, {"codeOI", e.CodeOI}} {
		switch err := codes.ValidOperatorCode(f.value); {
		case strings.TrimSpace(f.value) == "":
			add(f.name, codes.ReturnCodeMissing, ErrHeader)
		case err != nil:
			add(f.name, codes.ReturnCodeBadFormat, fmt.Errorf("%w: %v", ErrHeader, err))
		}
	}
	for _, f := range []struct{ name, value string }{{"sirenOC", e.SirenOC}, {"sirenOI", e.SirenOI}} {
		if f.value == "" {
			continue
		}
		if err := codes.ValidSIREN(f.value); err != nil {
			add(f.name, codes.ReturnCodeBadFormat, fmt.Errorf("%w: %v", ErrHeader, err))
		}
	}
	return errs
}

// Pagination is the sav:pagination header of a paged search: the index,
// from 0, of the page asked for.
type Pagination struct {
	Sequence int
}

// Fault is a SOAP 1.1 fault. Its detail entries are read and written by the
// caller (see [Decoder.Detail] and [Encoder.EncodeFault]).
type Fault struct {
	// Code is the faultcode resolved by namespace: {EnvelopeSpace, "Client"}
	// for the caller's errors, {EnvelopeSpace, "Server"} otherwise. A code
	// written without a prefix has an empty Space.
	Code xml.Name
	// String is the faultstring, a human-readable explanation.
	String string
	// Actor is the optional faultactor URI.
	Actor string
}

// The standard SOAP 1.1 fault codes.
var (
	FaultClient          = xml.Name{Space: EnvelopeSpace, Local: "Client"}
	FaultServer          = xml.Name{Space: EnvelopeSpace, Local: "Server"}
	FaultVersionMismatch = xml.Name{Space: EnvelopeSpace, Local: "VersionMismatch"}
	FaultMustUnderstand  = xml.Name{Space: EnvelopeSpace, Local: "MustUnderstand"}
)

// Class returns the standard class of the fault code — "Client", "Server",
// "VersionMismatch" or "MustUnderstand" — for a code in the envelope
// namespace or without a prefix, including dotted refinements such as
// Client.Authentication; otherwise "".
func (f *Fault) Class() string {
	if f.Code.Space != EnvelopeSpace && f.Code.Space != "" {
		return ""
	}
	class, _, _ := strings.Cut(f.Code.Local, ".")
	switch class {
	case "Client", "Server", "VersionMismatch", "MustUnderstand":
		return class
	}
	return ""
}

// Sentinel errors classify an [*Error]; test them with errors.Is.
var (
	// ErrSyntax: the document is not well-formed XML, has a DTD, or has
	// content after its root element.
	ErrSyntax = errors.New("soap: malformed XML")
	// ErrVersionMismatch: the root is an envelope of another SOAP version.
	ErrVersionMismatch = errors.New("soap: not a SOAP 1.1 envelope")
	// ErrMustUnderstand: a header entry marked mustUnderstand is not
	// understood.
	ErrMustUnderstand = errors.New("soap: header entry not understood")
	// ErrHeader: a header this package reads is malformed.
	ErrHeader = errors.New("soap: invalid header")
	// ErrBody: the body is missing, empty or holds more than one element.
	ErrBody = errors.New("soap: invalid body")
	// ErrTooLarge: the message exceeds the size limit.
	ErrTooLarge = errors.New("soap: message too large")
	// ErrLimit: the document exceeds one of the structural [Limits]
	// (depth, elements, attributes per element, token length); the error
	// wraps a [*LimitError] naming it.
	ErrLimit = errors.New("soap: XML limit exceeded")
)

// Error is a refused SOAP message: where, which element, the return code a
// server answers with, and why.
type Error struct {
	Line  int              // 1-based line of the element, 0 when unknown
	Field string           // local name of the offending element, "" for the whole document
	Code  codes.ReturnCode // return code for a fault answering this error
	Err   error            // a sentinel of this package, possibly wrapped with details
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("soap: ")
	if e.Line > 0 {
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	b.WriteString(strconv.Itoa(int(e.Code)) + " " + e.Code.Message(e.Field))
	if e.Err != nil {
		b.WriteString(": " + strings.TrimPrefix(e.Err.Error(), "soap: "))
	}
	return b.String()
}

// Unwrap returns the underlying error, which wraps one of the sentinels.
func (e *Error) Unwrap() error { return e.Err }

// FaultCode returns the SOAP fault code answering e: VersionMismatch,
// MustUnderstand, or Client (every decoding error is the caller's).
func (e *Error) FaultCode() xml.Name {
	switch {
	case errors.Is(e.Err, ErrVersionMismatch):
		return FaultVersionMismatch
	case errors.Is(e.Err, ErrMustUnderstand):
		return FaultMustUnderstand
	}
	return FaultClient
}
