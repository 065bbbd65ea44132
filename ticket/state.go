package ticket

import (
	"fmt"
	"strings"
)

// State is a ticket's lifecycle state (DOMAIN.md, "The ticket lifecycle").
type State int

// Lifecycle states. StateNone is a ticket nothing has been applied to yet.
const (
	StateNone            State = iota
	StateSubmitted             // sent by the OC, no AR yet
	StateRejected              // AR KO: no ticket exists at the OI; terminal
	StateQueued                // AR OK, OI id assigned (v2 QUEUED, seed NOUVEAU)
	StateOpenActive            // taken in charge by the OI (OPENACTIVE, EN COURS DE TRAITEMENT)
	StateCancelRequested       // the OC asked to cancel (ANNULATION EN COURS)
	StateClosed                // terminal (CLOSED, FERMÉ)
)

// States lists every state, StateNone first.
var States = []State{
	StateNone, StateSubmitted, StateRejected, StateQueued, StateOpenActive, StateCancelRequested, StateClosed,
}

var stateNames = [...]string{"NONE", "SUBMITTED", "REJECTED", "QUEUED", "OPENACTIVE", "CANCELREQUESTED", "CLOSED"}

// String returns the state's text form: NONE, SUBMITTED, REJECTED, QUEUED,
// OPENACTIVE, CANCELREQUESTED, CLOSED.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// ParseState reads the text form of a state, in any case.
func ParseState(s string) (State, error) {
	for i, n := range stateNames {
		if strings.EqualFold(s, n) {
			return State(i), nil
		}
	}
	return 0, fmt.Errorf("ticket: unknown state %q", s)
}

// Terminal reports whether nothing can happen to a ticket in s any more.
func (s State) Terminal() bool { return s == StateRejected || s == StateClosed }

// TroubleState returns the JSR-91 troubleState of protocol 2.0 (QUEUED,
// OPENACTIVE, CLOSED), or "" for states protocol 2.0 does not show. A
// CancelRequested ticket is OPENACTIVE with cancelRequestedByCustomer set.
func (s State) TroubleState() string {
	switch s {
	case StateQueued:
		return "QUEUED"
	case StateOpenActive, StateCancelRequested:
		return "OPENACTIVE"
	case StateClosed:
		return "CLOSED"
	}
	return ""
}

// Label returns the French name the protocols' users know (NOUVEAU, EN COURS
// DE TRAITEMENT, ANNULATION EN COURS, FERMÉ), or a French description for the
// states they have no name for.
func (s State) Label() string {
	switch s {
	case StateNone:
		return "Non déposé"
	case StateSubmitted:
		return "Déposé, en attente d'AR"
	case StateRejected:
		return "Rejeté (AR KO)"
	case StateQueued:
		return "NOUVEAU"
	case StateOpenActive:
		return "EN COURS DE TRAITEMENT"
	case StateCancelRequested:
		return "ANNULATION EN COURS"
	case StateClosed:
		return "FERMÉ"
	}
	return s.String()
}

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(stateNames) {
		return nil, fmt.Errorf("ticket: cannot marshal %v", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Kind is the kind of a transaction. Its text form is the name the protocols
// use (the v2 sav:transaction names).
type Kind int

// Transaction kinds.
const (
	KindCreate        Kind = iota + 1 // dépôt (CreateTroubleTicketByValue), OC
	KindAcknowledge                   // AR OK, OI
	KindReject                        // AR KO, OI
	KindCaseSolving                   // CASE SOLVING NOTIFICATION: prise en charge, OI
	KindSUInformation                 // SU CASE INFORMATION NOTIFICATION, OI
	KindCOInformation                 // CO CASE INFORMATION NOTIFICATION, OC
	KindCancel                        // CASE CANCELATION: annulation directe, OC
	KindCancelRequest                 // CASE CANCELATION REQUEST: demande d'annulation, OC
	KindCaseSolved                    // CASE SOLVED NOTIFICATION: clôture, OI
)

// Kinds lists every transaction kind.
var Kinds = []Kind{
	KindCreate, KindAcknowledge, KindReject, KindCaseSolving, KindSUInformation,
	KindCOInformation, KindCancel, KindCancelRequest, KindCaseSolved,
}

var kindNames = [...]string{
	"", "CREATE", "AR OK", "AR KO", "CASE SOLVING NOTIFICATION", "SU CASE INFORMATION NOTIFICATION",
	"CO CASE INFORMATION NOTIFICATION", "CASE CANCELATION", "CASE CANCELATION REQUEST", "CASE SOLVED NOTIFICATION",
}

// String returns the protocol name, e.g. "CASE SOLVED NOTIFICATION".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads a protocol name, ignoring case and surrounding spaces;
// underscores stand for spaces (CASE_SOLVED_NOTIFICATION).
func ParseKind(s string) (Kind, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", " ")
	for i, n := range kindNames {
		if i > 0 && strings.EqualFold(t, n) {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("ticket: unknown transaction %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if k <= 0 || int(k) >= len(kindNames) {
		return nil, fmt.Errorf("ticket: cannot marshal %v", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
