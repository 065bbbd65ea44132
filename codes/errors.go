package codes

import (
	"errors"
	"strconv"
)

// Sentinel errors classify a [ValueError] by its return code. Test them with
// errors.Is; read the details with errors.As.
var (
	// ErrMissing: a mandatory value is absent (return code 1).
	ErrMissing = errors.New("codes: missing value")
	// ErrNotInList: a value outside its list of allowed values (return code 2).
	ErrNotInList = errors.New("codes: value not in list")
	// ErrFormat: a value with a wrong format, pattern or length (return code 3).
	ErrFormat = errors.New("codes: invalid format")
)

// ValueError reports a value that a parser or validator of this package
// refused. Field is the protocol name of the field (for example
// "NatureDefaut"); callers that know a more precise name (a CSV column, an XML
// element) may change it before reporting.
type ValueError struct {
	Field  string     // protocol field name, e.g. "NatureDefaut"
	Value  string     // the value as received
	Code   ReturnCode // 1, 2 or 3
	Reason string     // the rule broken, in English; may be empty
}

func (e *ValueError) Error() string {
	s := e.Code.Message(e.Field)
	if e.Value != "" {
		s += ": " + strconv.Quote(e.Value)
	}
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

// Unwrap returns the sentinel matching the return code: [ErrMissing],
// [ErrNotInList] or [ErrFormat].
func (e *ValueError) Unwrap() error {
	switch e.Code {
	case ReturnCodeMissing:
		return ErrMissing
	case ReturnCodeNotInList:
		return ErrNotInList
	case ReturnCodeBadFormat:
		return ErrFormat
	}
	return nil
}

func missing(field string) *ValueError {
	return &ValueError{Field: field, Code: ReturnCodeMissing}
}

func notInList(field, value string) *ValueError {
	return &ValueError{Field: field, Value: value, Code: ReturnCodeNotInList}
}

func badFormat(field, value, reason string) *ValueError {
	return &ValueError{Field: field, Value: value, Code: ReturnCodeBadFormat, Reason: reason}
}
