package v1a

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/opensav/savsdk/codes"
)

// Sentinel errors of the CSV side; test them with errors.Is.
var (
	// ErrSyntax: the bytes are not a well-formed semicolon CSV file (an
	// unterminated quoted cell, a record over the size limit). Returned
	// wrapped in a [*ParseError]; the file cannot be read further.
	ErrSyntax = errors.New("v1a: malformed CSV")
	// ErrRecordTooLong: a record over the reader's MaxRecordBytes (its
	// cells' text and separators), found while the record is read, so a
	// huge cell is not held whole. Returned wrapped in a [*ParseError]
	// together with [ErrSyntax].
	ErrRecordTooLong = errors.New("v1a: record over the size limit")
	// ErrUnknownHeader: the header line is not the header of any flow.
	// Returned wrapped in a [*HeaderError].
	ErrUnknownHeader = errors.New("v1a: header line of no known flow")
	// ErrAmbiguousHeader: two layouts have the same header line, so a file's
	// flow could not be told from it. Returned wrapped in a [*LayoutError].
	ErrAmbiguousHeader = errors.New("v1a: two layouts have the same header")
	// ErrLayout: a layout that cannot be used ([*LayoutError]).
	ErrLayout = errors.New("v1a: invalid layout")
	// ErrWrongFlow: a record handed to a writer or reader of another flow.
	ErrWrongFlow = errors.New("v1a: record of another flow")
	// ErrFindings: a record has findings; returned wrapped in a
	// [*RecordError] together with the record.
	ErrFindings = errors.New("v1a: record has findings")
	// ErrWarnings: a record was read with tolerated deviations only (lenient
	// reading); returned wrapped in a [*RecordError] with the record.
	ErrWarnings = errors.New("v1a: record read with warnings")
	// ErrUnencodable: a value holds a rune the writer's charset cannot
	// encode ([*EncodeError]).
	ErrUnencodable = errors.New("v1a: rune not encodable in the target charset")
	// ErrCharset: an unknown charset label.
	ErrCharset = errors.New("v1a: unknown charset")
	// ErrFileName: a file name or subject that is not a normalised 1.0a name
	// ([*FileNameError]).
	ErrFileName = errors.New("v1a: not a normalised file name")
	// ErrNotCarried: a ticket transaction that protocol 1.0a has no flow for.
	ErrNotCarried = errors.New("v1a: not carried by protocol 1.0a")
)

// ParseError is a CSV syntax error: the file cannot be read past it.
type ParseError struct {
	StartLine int // line where the record started (1-based)
	Line      int // line where the error was found
	Column    int // 1-based cell (column of the table) where the error was found; 0 when none
	Err       error
}

func (e *ParseError) Error() string {
	msg := strings.TrimPrefix(e.Err.Error(), "v1a: ")
	col := ""
	if e.Column > 0 {
		col = fmt.Sprintf(", column %d", e.Column)
	}
	if e.StartLine != e.Line {
		return fmt.Sprintf("v1a: record on line %d; line %d%s: %s", e.StartLine, e.Line, col, msg)
	}
	return fmt.Sprintf("v1a: line %d%s: %s", e.Line, col, msg)
}

// Unwrap returns the cause, which wraps [ErrSyntax] (or is an I/O error).
func (e *ParseError) Unwrap() error { return e.Err }

// HeaderError reports a first line that is no flow's header, or not the
// header of the flow the reader expects.
type HeaderError struct {
	Header []string // the cells as read
	Flow   Flow     // the flow the header names, when it names one
	Want   Flow     // the flow the reader expected, when it expected one
}

func (e *HeaderError) Error() string {
	if len(e.Header) == 0 {
		return "v1a: line 1: no header line (empty file)"
	}
	if e.Flow != "" && e.Want != "" {
		return "v1a: line 1: the header line is the header of " + string(e.Flow) + ", want " + string(e.Want)
	}
	h := strings.Join(e.Header, ";")
	if len(h) > 120 {
		h = h[:120] + "…"
	}
	return "v1a: line 1: header line of no known flow: " + strconv.Quote(h)
}

// Unwrap returns [ErrUnknownHeader].
func (e *HeaderError) Unwrap() error { return ErrUnknownHeader }

// LayoutError reports a layout that cannot be used.
type LayoutError struct {
	Flow   Flow
	Reason string
	err    error
}

func (e *LayoutError) Error() string { return "v1a: layout of " + string(e.Flow) + ": " + e.Reason }

// Unwrap returns [ErrAmbiguousHeader] or [ErrLayout].
func (e *LayoutError) Unwrap() error {
	if e.err != nil {
		return e.err
	}
	return ErrLayout
}

// Finding is one problem of one line: a value missing, out of its list, in a
// wrong format or not acceptable in context. Warnings (tolerated deviations
// that lenient reading repaired) have the same shape.
type Finding struct {
	Line    int              `json:"line"`    // physical line where the record starts (header = 1); 0 for the whole file
	Field   string           `json:"field"`   // column name as the layout writes it
	Code    codes.ReturnCode `json:"code"`    // harmonised return code
	Message string           `json:"message"` // the return code's message with the field name, then details
}

func (f Finding) String() string {
	return fmt.Sprintf("line %d: %s: %d %s", f.Line, f.Field, int(f.Code), f.Message)
}

// newFinding builds a finding whose message is the return code's message
// naming the column, then the details.
func newFinding(line int, column string, code codes.ReturnCode, detail string) Finding {
	m := code.Message(column)
	if detail != "" {
		m += ": " + detail
	}
	return Finding{Line: line, Field: column, Code: code, Message: m}
}

// RecordError goes with a record that was read (or validated) with findings
// or warnings. The record is returned too: lenient reading never loses a line.
type RecordError struct {
	Line     int
	Findings []Finding // errors: the line is invalid
	Warnings []Finding // tolerated deviations, repaired
	bad      []Field   // fields whose text could not be decoded
}

func (e *RecordError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "v1a: line %d: ", e.Line)
	switch {
	case len(e.Findings) > 0:
		fmt.Fprintf(&b, "%d finding(s): %s", len(e.Findings), e.Findings[0].Message)
	case len(e.Warnings) > 0:
		fmt.Fprintf(&b, "%d warning(s): %s", len(e.Warnings), e.Warnings[0].Message)
	}
	return b.String()
}

// Unwrap returns [ErrFindings] when the line has findings, else
// [ErrWarnings].
func (e *RecordError) Unwrap() error {
	if len(e.Findings) > 0 {
		return ErrFindings
	}
	return ErrWarnings
}

// EncodeError reports a value the writer's charset cannot carry.
type EncodeError struct {
	Line    int    // line of the record in the output
	Field   string // column name
	Rune    rune
	Charset string
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("v1a: line %d: %s: %U %q cannot be written in %s", e.Line, e.Field, e.Rune, e.Rune, e.Charset)
}

// Unwrap returns [ErrUnencodable].
func (e *EncodeError) Unwrap() error { return ErrUnencodable }

// FileNameError reports a file name or subject that does not parse.
type FileNameError struct {
	Name   string
	Part   string // which part is wrong: "FLUX", "EMETTEUR", …
	Reason string
}

func (e *FileNameError) Error() string {
	s := "v1a: file name " + strconv.Quote(e.Name)
	if e.Part != "" {
		s += ": " + e.Part
	}
	return s + ": " + e.Reason
}

// Unwrap returns [ErrFileName].
func (e *FileNameError) Unwrap() error { return ErrFileName }
