package ticket

import (
	"errors"
	"fmt"

	"github.com/opensav/savsdk/codes"
)

// Sentinel errors classify a [*TransitionError]; test them with errors.Is.
var (
	// ErrNotAllowed: the sender's role may never send this transaction
	// (return code 11 ACTION NON AUTORISEE).
	ErrNotAllowed = errors.New("ticket: transaction not allowed for this sender")
	// ErrWrongState: the transaction is not allowed in the ticket's current
	// state (return code 13).
	ErrWrongState = errors.New("ticket: transaction not allowed in this state")
	// ErrPayload: the transaction's payload breaks a rule (return codes 1, 2,
	// 3 or 13).
	ErrPayload = errors.New("ticket: invalid transaction payload")
	// ErrResync: the sender's version differs from the ticket's and it asked
	// for a resync check (return code 6).
	ErrResync = errors.New("ticket: version mismatch, resync required")
)

// TransitionError is a refused transaction. It names the state, the
// transaction and the sender, the return code the protocols answer with and,
// for a payload rule, the field and the rule.
type TransitionError struct {
	State  State
	Kind   Kind
	Sender codes.Role
	Code   codes.ReturnCode
	Field  string // the offending field for payload errors, e.g. "LocalisationDefaut"
	Reason string // the rule broken
	err    error  // one of the sentinels
}

func (e *TransitionError) Error() string {
	s := fmt.Sprintf("ticket: %v from %s refused in state %v: %d %s", e.Kind, senderName(e.Sender), e.State,
		int(e.Code), e.Code.Message(e.Field))
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

func senderName(r codes.Role) string {
	if r == "" {
		return "an unknown sender"
	}
	return string(r)
}

// Unwrap returns the sentinel: [ErrNotAllowed], [ErrWrongState],
// [ErrPayload] or [ErrResync].
func (e *TransitionError) Unwrap() error { return e.err }

// ReturnCode returns the protocol return code of err when it is or wraps a
// [*TransitionError] or a [*codes.ValueError], and false otherwise.
func ReturnCode(err error) (codes.ReturnCode, bool) {
	if te, ok := errors.AsType[*TransitionError](err); ok {
		return te.Code, true
	}
	if ve, ok := errors.AsType[*codes.ValueError](err); ok {
		return ve.Code, true
	}
	return 0, false
}
