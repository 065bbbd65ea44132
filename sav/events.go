package sav

import (
	"context"
	"errors"
	"fmt"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// EventKind is what a partner did to a ticket. Each kind is one transaction
// of the lifecycle (DOMAIN.md), whatever protocol carried it.
type EventKind int

// Event kinds.
const (
	// EventFiled: an OC filed a ticket with us (OI side).
	EventFiled EventKind = iota + 1
	// EventAcknowledged: the OI acknowledged our ticket (AR OK; OC side).
	EventAcknowledged
	// EventRejected: the OI refused our ticket (AR KO; OC side).
	EventRejected
	// EventTakenInCharge: the OI took the ticket in charge (CASE SOLVING
	// NOTIFICATION; in 1.0a implied by the AR OK, see Event.Implicit).
	EventTakenInCharge
	// EventInformation: the partner sent information (SU or CO CASE
	// INFORMATION NOTIFICATION): a typed message, appointment, contact.
	EventInformation
	// EventCancelled: the OC cancelled a ticket not yet taken in charge
	// (CASE CANCELATION; OI side).
	EventCancelled
	// EventCancelRequested: the OC asked to cancel a ticket taken in charge
	// (CASE CANCELATION REQUEST; OI side): close it.
	EventCancelRequested
	// EventClosed: the OI closed the ticket (CASE SOLVED NOTIFICATION; OC
	// side).
	EventClosed
)

var eventNames = [...]string{"", "FILED", "ACKNOWLEDGED", "REJECTED", "TAKEN IN CHARGE", "INFORMATION",
	"CANCELLED", "CANCEL REQUESTED", "CLOSED"}

// String returns the kind's name, e.g. "ACKNOWLEDGED".
func (k EventKind) String() string {
	if k > 0 && int(k) < len(eventNames) {
		return eventNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// EventKindOf returns the event kind of a transaction kind.
func EventKindOf(k ticket.Kind) EventKind {
	switch k {
	case ticket.KindCreate:
		return EventFiled
	case ticket.KindAcknowledge:
		return EventAcknowledged
	case ticket.KindReject:
		return EventRejected
	case ticket.KindCaseSolving:
		return EventTakenInCharge
	case ticket.KindSUInformation, ticket.KindCOInformation:
		return EventInformation
	case ticket.KindCancel:
		return EventCancelled
	case ticket.KindCancelRequest:
		return EventCancelRequested
	case ticket.KindCaseSolved:
		return EventClosed
	}
	return 0
}

// Event is one step a partner made on a ticket, as the engine committed it:
// the same kinds and fields whichever protocol carried it.
type Event struct {
	Kind EventKind
	// Role is our role for the ticket (OI for tickets filed with us, OC for
	// tickets we filed); Key its key in our Store.
	Role codes.Role
	Key  Key
	// Partner is the partner's operator code; Protocol the protocol that
	// carried the step.
	Partner  string
	Protocol Protocol
	// Transaction is the applied step (kind, sender, time, payload) with the
	// state and version right after it. Implicit is set for the CASE SOLVING
	// NOTIFICATION a 1.0a AR OK implies.
	Transaction ticket.Record
	// Ticket is a snapshot of the ticket once the whole message that
	// carried the step was applied (the handler may keep it).
	Ticket *ticket.Ticket
}

// Implicit reports whether the step was implied by a protocol rule rather
// than carried by a message (the prise en charge of a 1.0a AR OK).
func (e Event) Implicit() bool { return e.Transaction.Implicit }

// Handler receives the events of an engine. HandleEvent is called after the
// step is committed to the Store, from a goroutine that processed a message
// about the ticket (a web service request, a mail poll, the answer to a
// create): keep it short, or hand the event to a queue. A ticket's events
// come one at a time and in the order of its steps, even when two calls
// change the ticket at the same moment (the answer to a 2.0 create and the
// OI's first notification); an event that a handler causes on the ticket it
// is handling is delivered after it returns. Events are delivered at most
// once: after a crash, the Store is the truth (List the open tickets).
type Handler interface {
	HandleEvent(ctx context.Context, e Event)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, e Event)

// HandleEvent calls f(ctx, e).
func (f HandlerFunc) HandleEvent(ctx context.Context, e Event) { f(ctx, e) }

// ChanHandler returns a Handler that sends each event to ch, waiting while
// ch is full (or until the context of the step ends).
func ChanHandler(ch chan<- Event) Handler {
	return HandlerFunc(func(ctx context.Context, e Event) {
		select {
		case ch <- e:
		case <-ctx.Done():
		}
	})
}

var _ Handler = HandlerFunc(nil)

// ErrUnsupported: the operation cannot be carried by the partner's protocol
// (a cancellation or an EXPERTISE over 1.0a, a search of a 1.0a partner's
// tickets); see [*UnsupportedError].
var ErrUnsupported = errors.New("sav: not supported by the partner's protocol")

// UnsupportedError is an operation the partner's protocol cannot carry.
// Code is the return code a gateway answers with (11 ACTION NON AUTORISEE
// for a cancellation, 1 on rdv for a home intervention without appointment).
type UnsupportedError struct {
	Partner   string
	Protocol  Protocol
	Operation string // "CASE CANCELATION", "EXPERTISE", "getTroubleTicketByKey", …
	Code      codes.ReturnCode
	Field     string
	Reason    string
}

func (e *UnsupportedError) Error() string {
	s := fmt.Sprintf("sav: %s cannot be carried to %s over protocol %s", e.Operation, e.Partner, e.Protocol)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns ErrUnsupported.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// ReturnCode returns the code a server answers the refusal with.
func (e *UnsupportedError) ReturnCode() codes.ReturnCode { return e.Code }
