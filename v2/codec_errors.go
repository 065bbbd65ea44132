package v2

import (
	"errors"
	"strconv"
	"strings"

	"github.com/opensav/savsdk/codes"
)

// Sentinel errors classify a [*DecodeError] and the encoder's errors; test
// them with errors.Is.
var (
	// ErrSyntax: the document is not well-formed XML (return code 3).
	ErrSyntax = errors.New("v2: malformed XML")
	// ErrUnknownMessage: the body root is not a message of protocol 2.0
	// (return code 22, INTERFACE INCORRECTE).
	ErrUnknownMessage = errors.New("v2: unknown message")
	// ErrValue: an element's text is not of its schema type — a dateTime,
	// boolean or integer that does not parse (return code 3).
	ErrValue = errors.New("v2: invalid value")
	// ErrNotNillable: xsi:nil on an element the schema does not declare
	// nillable (return code 3).
	ErrNotNillable = errors.New("v2: element is not nillable")
	// ErrMissingElement: an element the schema requires is missing (return
	// code 1).
	ErrMissingElement = errors.New("v2: required element missing")
	// ErrTooDeep: elements nest deeper than Profile.MaxDepth (return code
	// 3).
	ErrTooDeep = errors.New("v2: elements nested too deep")
)

// DecodeError is a document the decoder refused: the line of the offending
// element's start tag, its local name, the return code a server answers
// with, and the sentinel it wraps.
type DecodeError struct {
	Line    int              // 1-based, 0 when unknown
	Element string           // local name of the offending element, "" for the document
	Code    codes.ReturnCode // 3 for malformed values, 1 for missing ones, 22 for an unknown message
	Err     error            // one of the sentinels, possibly wrapped with details
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("v2: ")
	if e.Line > 0 {
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Element != "" {
		b.WriteString(e.Element + ": ")
	}
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "v2: "))
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError is a value the encoder cannot write: the element and why.
type EncodeError struct {
	Element string // qualified name as written, e.g. "tt:baseState"
	Err     error
}

func (e *EncodeError) Error() string { return "v2: cannot write " + e.Element + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *EncodeError) Unwrap() error { return e.Err }
