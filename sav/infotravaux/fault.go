package infotravaux

import (
	"errors"
	"strconv"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
)

// Fault is the contract's infoFtthError fault: a return code (codeRetour)
// and its message (messageRetour). A [Source] returns one to refuse a
// request; the [Client] returns one when the server refused. Read it with
// errors.As; compare codes with errors.Is against another *Fault (only the
// code is compared).
//
// Codes follow the harmonised table of DOMAIN.md; the block 200–299 is
// reserved to TP/DERCO (InfoTravaux) and such codes are carried as they are
// (Code.Range() == codes.RangeTravaux).
type Fault struct {
	Code    codes.ReturnCode // codeRetour
	Message string           // messageRetour
	// Field is the element the fault is about, e.g. "dateFinRecherche"; it
	// fills the XXXXX of the code's message when Message is empty.
	Field string
	// SOAPCode is the SOAP faultcode's local part, Client or Server; set by
	// the Client from the answer, chosen from Code by the Server.
	SOAPCode string
}

// Faults a Source may return for the cases the service knows.
var (
	// ErrNoResult: nothing matches (5 AUCUN RESULTAT TROUVE). The server
	// answers an empty list instead unless Server.FaultOnNoResult is set;
	// the client turns it into an empty result.
	ErrNoResult = &Fault{Code: codes.ReturnCodeNoResult}
	// ErrSaturation: the answer would be too large (7 SEUIL DE SATURATION
	// DEPASSE); narrow the criteria.
	ErrSaturation = &Fault{Code: codes.ReturnCodeSaturation}
)

// Faultf returns a fault with code c about field, its message being the
// code's message followed by the formatted detail when format is not empty.
func Faultf(c codes.ReturnCode, field, format string, args ...any) *Fault {
	return &Fault{Code: c, Field: field, Message: soap.FaultMessage(c, field, format, args...)}
}

// Text returns messageRetour: Message, or the code's message naming Field.
func (f *Fault) Text() string {
	if f.Message != "" {
		return f.Message
	}
	return f.Code.Message(f.Field)
}

func (f *Fault) Error() string {
	return "infotravaux: infoFtthError " + strconv.Itoa(int(f.Code)) + ": " + f.Text()
}

// Is reports whether target is a *Fault with the same code, so
// errors.Is(err, infotravaux.ErrNoResult) matches every code 5.
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

// asFault turns an error of a Source into the fault the server answers: a
// *Fault as is; a *codes.ValueError with its return code and field; anything
// else 10 ERREUR SI INTERNE (the cause is not sent,
// internal reports it so the server can log it).
func asFault(err error) (f *Fault, internal bool) {
	if f, ok := errors.AsType[*Fault](err); ok {
		return f, false
	}
	if ve, ok := errors.AsType[*codes.ValueError](err); ok {
		return &Fault{Code: ve.Code, Field: ve.Field}, false
	}
	return &Fault{Code: codes.ReturnCodeInternal}, true
}
