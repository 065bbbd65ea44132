package v2

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

// Sentinels a [*FaultError] matches with errors.Is, by return code.
var (
	// ErrDuplicate: the OI already has a ticket with this OC reference
	// (return code 100); the fault carries its key.
	ErrDuplicate = errors.New("v2: ticket already filed")
	// ErrUnexpectedResponse: the partner answered with another message than
	// the operation's response.
	ErrUnexpectedResponse = errors.New("v2: unexpected response")
)

// FaultError is a SOAP fault a partner answered: the operation, the fault
// code and string, and the JSR-91 exception with its sav:erreur. Test it
// with errors.As; errors.Is matches [ErrNotFound] (return code 8),
// [ticket.ErrResync] (6), [ErrDuplicate] (100) and [ErrUnauthenticated]
// (12).
type FaultError struct {
	Op Operation
	// FaultCode is the local name of the faultcode: "Client" for the
	// caller's errors, "Server" otherwise.
	FaultCode   string
	FaultString string
	// Exception is the detail's exception and sav:erreur; nil when the
	// fault had no detail this package reads.
	Exception *Exception
}

func (e *FaultError) Error() string {
	var b strings.Builder
	b.WriteString("v2: ")
	if e.Op.Valid() {
		b.WriteString(e.Op.String() + ": ")
	}
	b.WriteString("fault " + e.FaultCode + ": ")
	if e.Exception != nil {
		msg := e.Message()
		b.WriteString(strconv.Itoa(int(e.ReturnCode())) + " " + msg)
		if e.FaultString != "" && !strings.Contains(msg, e.FaultString) {
			b.WriteString(" (" + e.FaultString + ")")
		}
	} else {
		b.WriteString(e.FaultString)
	}
	if k := e.Key(); k != "" {
		b.WriteString(" [key " + k + "]")
	}
	return b.String()
}

// Message returns the partner's explanation of the fault, as an AR KO's
// MotifRefus carries it: sav:erreur's messageRetour, else the exception's
// message, else the faultstring.
func (e *FaultError) Message() string {
	if e.Exception != nil {
		if er := e.Exception.Erreur; er != nil && er.MessageRetour != "" {
			return er.MessageRetour
		}
		if e.Exception.Message != "" {
			return e.Exception.Message
		}
	}
	return e.FaultString
}

// ReturnCode returns the harmonised return code of the fault: sav:erreur's,
// else the one the typed exception implies, else the leading number of the
// faultstring, else 10 for a Server fault and 22 otherwise.
func (e *FaultError) ReturnCode() codes.ReturnCode {
	if e.Exception != nil && (e.Exception.Erreur != nil || e.Exception.Kind != 0) {
		return e.Exception.ReturnCode()
	}
	if n, _, ok := strings.Cut(strings.TrimSpace(e.FaultString), " "); ok {
		if c, err := codes.ParseReturnCode(n); err == nil {
			return c
		}
	}
	if e.FaultCode == "Server" {
		return codes.ReturnCodeInternal
	}
	return codes.ReturnCodeBadInterface
}

// Key returns the ticket id the fault carries: the existing ticket of a
// duplicate create (100), the ticket to resynchronise (6); else "".
func (e *FaultError) Key() string {
	if e.Exception == nil {
		return ""
	}
	if er := e.Exception.Erreur; er != nil && er.TroubleTicketKey != nil && er.TroubleTicketKey.PrimaryKey != "" {
		return er.TroubleTicketKey.PrimaryKey
	}
	if k := e.Exception.Key; k != nil {
		return k.PrimaryKey
	}
	return ""
}

// Temporary reports whether the same request may succeed later (internal
// error, maintenance, saturation, SLA…: [codes.ReturnCode.Temporary]).
func (e *FaultError) Temporary() bool { return e.ReturnCode().Temporary() }

// Is matches the sentinels of the fault's return code.
func (e *FaultError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.ReturnCode() == codes.ReturnCodeUnknown
	case ticket.ErrResync:
		return e.ReturnCode() == codes.ReturnCodeDesync
	case ErrDuplicate:
		return e.ReturnCode() == codes.ReturnCodeCannotCreate
	case ErrUnauthenticated:
		return e.ReturnCode() == codes.ReturnCodeAuthentication
	}
	return false
}

// StatusError is an HTTP answer that carries no SOAP message: a status
// other than 200 and 500, or a body that is not XML (a proxy's error page).
type StatusError struct {
	StatusCode  int
	Status      string
	ContentType string
	Snippet     string // the start of the body
}

func (e *StatusError) Error() string {
	return "v2: " + strings.TrimPrefix((&soap.HTTPError{StatusCode: e.StatusCode, Status: e.Status,
		ContentType: e.ContentType, Snippet: e.Snippet}).Error(), "soap: ")
}

// Temporary reports whether the status says to try again later (408, 429,
// 502, 503, 504).
func (e *StatusError) Temporary() bool {
	return (&soap.HTTPError{StatusCode: e.StatusCode}).Temporary()
}

// ResyncError is a set refused for a stale version whose transaction the
// lifecycle no longer allows on the partner's current ticket: Ticket is that
// ticket (from getTroubleTicketByKey), Err the lifecycle's refusal.
type ResyncError struct {
	Ticket *ticket.Ticket
	Err    error
}

func (e *ResyncError) Error() string { return "v2: resync: " + e.Err.Error() }

// Unwrap returns the lifecycle's refusal.
func (e *ResyncError) Unwrap() error { return e.Err }

// Temporary reports whether err, returned by a [Client], may go away if the
// same request is sent again later: a temporary fault or HTTP status, a
// network timeout or a refused or reset connection. Context cancellation
// and deadlines are not temporary: the caller chose them.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var fe *FaultError
	if errors.As(err, &fe) {
		return fe.Temporary()
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Temporary()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// ReturnCode returns the harmonised return code err carries — a partner's
// fault, a backend's [*Refusal], a lifecycle refusal, a value or decoding
// error — and whether it carries one.
func ReturnCode(err error) (codes.ReturnCode, bool) {
	var (
		fe *FaultError
		rf *Refusal
		de *DecodeError
	)
	switch {
	case errors.As(err, &fe):
		return fe.ReturnCode(), true
	case errors.As(err, &rf):
		return rf.Code, true
	case errors.As(err, &de):
		return de.Code, true
	}
	return ticket.ReturnCode(err)
}
