package plancharge

import (
	"errors"
	"fmt"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

// Fault is an rdvErreur fault: the return code (codeErreur) and its message
// (messageErreur). A [Planning] returns one to refuse a request; the
// [Client] returns one when the server refused. Compare with errors.Is
// against [ErrRdvNonDisponible] and [ErrRdvInconnu], or read it with
// errors.As.
type Fault struct {
	Code    codes.ReturnCode // codeErreur
	Message string           // messageErreur
	// Field is the element the fault is about, e.g. "idCreneau"; it fills the
	// XXXXX of the code's message when Message is empty.
	Field string
	// SOAPCode is the SOAP faultcode's local part, Client or Server; set by
	// the Client, chosen from Code by the Server.
	SOAPCode string
}

// Faults a Planning returns for the cases RDV.md fixes.
var (
	// ErrRdvNonDisponible: the slot is taken, gone or unknown (101 RDV NON
	// DISPONIBLE).
	ErrRdvNonDisponible = &Fault{Code: codes.ReturnCodeRdvNonDisponible}
	// ErrRdvInconnu: the appointment id is unknown to the OI, or another
	// OC's (8 INFO idRendezVous INCONNUE).
	ErrRdvInconnu = &Fault{Code: codes.ReturnCodeUnknown, Field: "idRendezVous"}
)

// Faultf returns a fault with code c about field, its message being the
// code's message followed by the formatted detail when one is given.
func Faultf(c codes.ReturnCode, field, format string, args ...any) *Fault {
	return &Fault{Code: c, Field: field, Message: soap.FaultMessage(c, field, format, args...)}
}

// Text returns messageErreur: Message, or the code's message naming Field.
func (f *Fault) Text() string {
	if f.Message != "" {
		return f.Message
	}
	return f.Code.Message(f.Field)
}

func (f *Fault) Error() string {
	return fmt.Sprintf("plancharge: rdvErreur %d: %s", int(f.Code), f.Text())
}

// Is reports whether target is a *Fault with the same code, so
// errors.Is(err, plancharge.ErrRdvNonDisponible) matches every 101.
func (f *Fault) Is(target error) bool {
	t, ok := target.(*Fault)
	return ok && t.Code == f.Code
}

// Temporary reports whether the same request may succeed later (internal
// error, maintenance, saturation, …).
func (f *Fault) Temporary() bool { return f.Code.Temporary() }

// ClientFault reports whether the caller's request is at fault (SOAP
// faultcode Client) rather than the server (Server).
func (f *Fault) ClientFault() bool { return soap.FaultClass(f.Code) == "Client" }

// asFault turns an error of a Planning into the fault the server answers:
// a *Fault as is; an error of packages rdv, ticket or codes with its return
// code; anything else 10 ERREUR SI INTERNE (the cause is not sent).
func asFault(err error) (f *Fault, internal bool) {
	if f, ok := errors.AsType[*Fault](err); ok {
		return f, false
	}
	if se, ok := errors.AsType[*rdv.SlotError](err); ok {
		return &Fault{Code: se.Code(), Field: se.Field, Message: se.Code().Message(se.Field) + " - " + se.Rule.String()}, false
	}
	if ve, ok := errors.AsType[*codes.ValueError](err); ok {
		return &Fault{Code: ve.Code, Field: ve.Field}, false
	}
	if c, ok := ticket.ReturnCode(err); ok {
		return &Fault{Code: c}, false
	}
	return &Fault{Code: codes.ReturnCodeInternal}, true
}
