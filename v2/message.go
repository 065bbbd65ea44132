package v2

import (
	"encoding/xml"
	"slices"
	"strconv"

	"github.com/opensav/savsdk/codes"
)

func itoa(n int) string { return strconv.Itoa(n) }

// Operation is a JSR-91 operation of protocol 2.0 (V2.md, "Operations").
type Operation int

// Operations. The first five are TroubleTicket operations (tt: messages), the
// last four the Common introspection operations (co: messages).
const (
	OpCreateTroubleTicketByValue Operation = iota + 1
	OpSetTroubleTicketByValue
	OpGetTroubleTicketByKey
	OpGetTroubleTicketsByTemplate
	OpQueryTroubleTickets
	OpGetManagedEntityTypes
	OpGetQueryTypes
	OpGetEventTypes
	OpGetSupportedOptionalOperations
)

// Operations lists every operation.
var Operations = []Operation{
	OpCreateTroubleTicketByValue, OpSetTroubleTicketByValue, OpGetTroubleTicketByKey,
	OpGetTroubleTicketsByTemplate, OpQueryTroubleTickets, OpGetManagedEntityTypes, OpGetQueryTypes,
	OpGetEventTypes, OpGetSupportedOptionalOperations,
}

var opNames = [...]string{"", "createTroubleTicketByValue", "setTroubleTicketByValue", "getTroubleTicketByKey",
	"getTroubleTicketsByTemplate", "queryTroubleTickets", "getManagedEntityTypes", "getQueryTypes",
	"getEventTypes", "getSupportedOptionalOperations"}

// String returns the operation's name, e.g. "createTroubleTicketByValue".
func (o Operation) String() string {
	if o > 0 && int(o) < len(opNames) {
		return opNames[o]
	}
	return "Operation(" + itoa(int(o)) + ")"
}

// Valid reports whether o is one of [Operations].
func (o Operation) Valid() bool { return o > 0 && int(o) < len(opNames) }

// Namespace returns the namespace of the operation's messages: Common for the
// introspection operations, TroubleTicket otherwise.
func (o Operation) Namespace() string {
	if o >= OpGetManagedEntityTypes {
		return NamespaceCO
	}
	return NamespaceTT
}

// Introspection reports whether o is one of the four Common introspection
// operations.
func (o Operation) Introspection() bool { return o >= OpGetManagedEntityTypes && o.Valid() }

// Flow returns the name savctl gives the operation's requests: create, set,
// get, search, query or introspection (SAVCTL.md, "check").
func (o Operation) Flow() string {
	switch o {
	case OpCreateTroubleTicketByValue:
		return "create"
	case OpSetTroubleTicketByValue:
		return "set"
	case OpGetTroubleTicketByKey:
		return "get"
	case OpGetTroubleTicketsByTemplate:
		return "search"
	case OpQueryTroubleTickets:
		return "query"
	}
	if o.Introspection() {
		return "introspection"
	}
	return ""
}

// Element returns the qualified name of the operation's request, response or
// exception element.
func (o Operation) Element(part Part) xml.Name {
	return xml.Name{Space: o.Namespace(), Local: o.String() + part.String()}
}

// Exceptions returns the typed exceptions the schema lets the operation's
// exception element carry, in schema order.
func (o Operation) Exceptions() []ExceptionKind {
	switch o {
	case OpCreateTroubleTicketByValue:
		return []ExceptionKind{IllegalArgumentException, CreateException, RemoteException}
	case OpSetTroubleTicketByValue:
		return []ExceptionKind{SetException, IllegalArgumentException, ObjectNotFoundException, RemoteException,
			ResyncRequiredException}
	case OpGetTroubleTicketByKey:
		return []ExceptionKind{IllegalArgumentException, ObjectNotFoundException, RemoteException}
	case OpGetTroubleTicketsByTemplate:
		return []ExceptionKind{IllegalArgumentException, RemoteException, ObjectNotFoundException}
	case OpQueryTroubleTickets:
		return []ExceptionKind{IllegalArgumentException, RemoteException}
	case OpGetManagedEntityTypes, OpGetQueryTypes, OpGetEventTypes, OpGetSupportedOptionalOperations:
		return []ExceptionKind{RemoteException}
	}
	return nil
}

// Part says which of an operation's three messages a [Message] is.
type Part int

// Parts of an operation.
const (
	PartRequest Part = iota + 1
	PartResponse
	PartException
)

// String returns the element name suffix: Request, Response or Exception.
func (p Part) String() string {
	switch p {
	case PartRequest:
		return "Request"
	case PartResponse:
		return "Response"
	case PartException:
		return "Exception"
	}
	return "Part(" + itoa(int(p)) + ")"
}

// Message is a JSR-91 message body: the request, response or exception of
// one [Operation]. The implementations are the pointer types of this package
// (*CreateTroubleTicketByValueRequest, …, *Exception).
type Message interface {
	Operation() Operation
	Part() Part
	isMessage()
}

// CreateTroubleTicketByValueRequest is tt:createTroubleTicketByValueRequest:
// the OC's deposit.
type CreateTroubleTicketByValueRequest struct {
	Value TroubleTicketValue
}

// CreateTroubleTicketByValueResponse is tt:createTroubleTicketByValueResponse
// (AR OK): the key of the new ticket.
type CreateTroubleTicketByValueResponse struct {
	Key TroubleTicketKey
}

// SetTroubleTicketByValueRequest is tt:setTroubleTicketByValueRequest: one
// ticket transaction, named in the value's sav:transaction.
type SetTroubleTicketByValueRequest struct {
	Value          TroubleTicketValue
	ResyncRequired bool
}

// SetTroubleTicketByValueResponse is tt:setTroubleTicketByValueResponse
// (empty: the transaction was applied).
type SetTroubleTicketByValueResponse struct{}

// GetTroubleTicketByKeyRequest is tt:getTroubleTicketByKeyRequest (resync).
type GetTroubleTicketByKeyRequest struct {
	Key       TroubleTicketKey
	AttrNames Field[[]Field[string]]
}

// GetTroubleTicketByKeyResponse is tt:getTroubleTicketByKeyResponse: the
// whole ticket.
type GetTroubleTicketByKeyResponse struct {
	Value TroubleTicketValue
}

// GetTroubleTicketsByTemplateRequest is
// tt:getTroubleTicketsByTemplateRequest (search): the tickets matching the
// template's present elements, HowMany per page (co:howMany); the page index
// travels in the sav:pagination header.
type GetTroubleTicketsByTemplateRequest struct {
	HowMany   Field[uint32]
	Template  TroubleTicketValue
	AttrNames Field[[]Field[string]]
}

// GetTroubleTicketsByTemplateResponse is
// tt:getTroubleTicketsByTemplateResponse: one page of results.
type GetTroubleTicketsByTemplateResponse struct {
	Sequence   int32
	EndOfReply bool
	Values     Field[[]Field[TroubleTicketValue]]
}

// QueryValue is the tt:query of a query request: its xsi:type names the
// query (tt:QueryAllOpenTroubleTicketsValue).
type QueryValue struct {
	Type xml.Name
}

// QueryAllOpenTroubleTickets is the only query protocol 2.0 serves.
var QueryAllOpenTroubleTickets = QueryValue{Type: xml.Name{Space: NamespaceTT, Local: "QueryAllOpenTroubleTicketsValue"}}

// QueryTroubleTicketsRequest is tt:queryTroubleTicketsRequest.
type QueryTroubleTicketsRequest struct {
	HowMany   Field[uint32]
	Query     QueryValue
	AttrNames Field[[]Field[string]]
}

// QueryTroubleTicketsResponse is tt:queryTroubleTicketsResponse: one page of
// results.
type QueryTroubleTicketsResponse struct {
	Sequence   int32
	EndOfReply bool
	Values     Field[[]Field[TroubleTicketValue]]
}

// GetManagedEntityTypesRequest is co:getManagedEntityTypesRequest.
type GetManagedEntityTypesRequest struct{}

// GetManagedEntityTypesResponse is co:getManagedEntityTypesResponse: fully
// qualified type names (tt:TroubleTicketValue, sav:SAVTroubleTicketValue).
type GetManagedEntityTypesResponse struct{ Types []string }

// GetQueryTypesRequest is co:getQueryTypesRequest.
type GetQueryTypesRequest struct{}

// GetQueryTypesResponse is co:getQueryTypesResponse.
type GetQueryTypesResponse struct{ Types []string }

// GetEventTypesRequest is co:getEventTypesRequest.
type GetEventTypesRequest struct{}

// GetEventTypesResponse is co:getEventTypesResponse.
type GetEventTypesResponse struct{ Types []string }

// GetSupportedOptionalOperationsRequest is
// co:getSupportedOptionalOperationsRequest.
type GetSupportedOptionalOperationsRequest struct{}

// GetSupportedOptionalOperationsResponse is
// co:getSupportedOptionalOperationsResponse.
type GetSupportedOptionalOperationsResponse struct{ Operations []string }

// An empty list of an introspection response is written as one nil co:item
// (co:ArrayOfString needs an item); nil items are skipped on reading.

// ExceptionKind is the typed child of a JSR-91 exception element.
type ExceptionKind int

// Exception kinds, named after their elements.
const (
	IllegalArgumentException ExceptionKind = iota + 1
	ObjectNotFoundException
	ResyncRequiredException
	CreateException
	RemoteException
	SetException
)

var exceptionNames = [...]string{"", "illegalArgumentException", "objectNotFoundException",
	"resyncRequiredException", "createException", "remoteException", "setException"}

// String returns the element's local name, e.g. "illegalArgumentException".
func (k ExceptionKind) String() string {
	if k > 0 && int(k) < len(exceptionNames) {
		return exceptionNames[k]
	}
	return "ExceptionKind(" + itoa(int(k)) + ")"
}

// ExceptionKindFor returns the typed exception that carries return code c
// in the exception of operation o (V2.md, "Faults"): 8 objectNotFound, 6
// resyncRequired, 100 createException, 10, 14, 23 (and the other server-side
// codes) remoteException, the caller's errors illegalArgumentException —
// each falling back to what the operation's schema choice allows.
func ExceptionKindFor(o Operation, c codes.ReturnCode) ExceptionKind {
	allowed := o.Exceptions()
	want := IllegalArgumentException
	switch c {
	case codes.ReturnCodeUnknown:
		want = ObjectNotFoundException
	case codes.ReturnCodeDesync:
		want = ResyncRequiredException
	case codes.ReturnCodeCannotCreate:
		want = CreateException
	case codes.ReturnCodeInternal, codes.ReturnCodeMaintenance, codes.ReturnCodeSLA, codes.ReturnCodeSaturation,
		codes.ReturnCodeNoSuchService, codes.ReturnCodeDataFormat, codes.ReturnCodeServiceDisabled,
		codes.ReturnCodeUnreachable, codes.ReturnCodeNoResponse, codes.ReturnCodeBadInterface:
		want = RemoteException
	}
	if slices.Contains(allowed, want) {
		return want
	}
	if slices.Contains(allowed, IllegalArgumentException) && want != RemoteException {
		return IllegalArgumentException
	}
	return RemoteException
}

// Exception is a JSR-91 exception element tt:<op>Exception (co:<op>Exception
// for introspection) with its typed child, plus the sav:erreur that travels
// next to it in the SOAP fault's detail (V2.md, "Faults").
type Exception struct {
	Op   Operation
	Kind ExceptionKind
	// Message is the child's co:message.
	Message string
	// Key is the co:managedEntityKey of a resyncRequiredException (written
	// with xsi:type="tt:TroubleTicketKey"); nil for the other kinds.
	Key *TroubleTicketKey
	// Erreur is the sav:erreur of the detail; nil when the fault has none.
	Erreur *Erreur
}

// Erreur is sav:erreur: the harmonised return code, its message and, for a
// duplicate create (100), the key of the existing ticket.
type Erreur struct {
	CodeRetour       codes.ReturnCode
	MessageRetour    string
	TroubleTicketKey *TroubleTicketKey
}

// NewException builds the exception of operation o for return code c: the
// typed child of [ExceptionKindFor], the message c.Message(field) and a
// sav:erreur carrying both. key, when non-nil, is the resync key of a code 6
// and the existing ticket's key of a code 100.
func NewException(o Operation, c codes.ReturnCode, field string, key *TroubleTicketKey) *Exception {
	msg := c.Message(field)
	e := &Exception{Op: o, Kind: ExceptionKindFor(o, c), Message: msg,
		Erreur: &Erreur{CodeRetour: c, MessageRetour: msg}}
	if key != nil {
		k := *key
		if e.Kind == ResyncRequiredException {
			e.Key = &k
		}
		e.Erreur.TroubleTicketKey = &k
	}
	if e.Kind == ResyncRequiredException && e.Key == nil {
		e.Key = &TroubleTicketKey{}
	}
	return e
}

// ReturnCode returns the sav:erreur return code, or a code deduced from the
// typed child when the detail has no sav:erreur (8 objectNotFound, 6 resync,
// 100 create, 10 remote, 13 otherwise).
func (e *Exception) ReturnCode() codes.ReturnCode {
	if e.Erreur != nil {
		return e.Erreur.CodeRetour
	}
	switch e.Kind {
	case ObjectNotFoundException:
		return codes.ReturnCodeUnknown
	case ResyncRequiredException:
		return codes.ReturnCodeDesync
	case CreateException:
		return codes.ReturnCodeCannotCreate
	case RemoteException:
		return codes.ReturnCodeInternal
	}
	return codes.ReturnCodeUnexpected
}

func (*CreateTroubleTicketByValueRequest) Operation() Operation  { return OpCreateTroubleTicketByValue }
func (*CreateTroubleTicketByValueResponse) Operation() Operation { return OpCreateTroubleTicketByValue }
func (*SetTroubleTicketByValueRequest) Operation() Operation     { return OpSetTroubleTicketByValue }
func (*SetTroubleTicketByValueResponse) Operation() Operation    { return OpSetTroubleTicketByValue }
func (*GetTroubleTicketByKeyRequest) Operation() Operation       { return OpGetTroubleTicketByKey }
func (*GetTroubleTicketByKeyResponse) Operation() Operation      { return OpGetTroubleTicketByKey }
func (*GetTroubleTicketsByTemplateRequest) Operation() Operation {
	return OpGetTroubleTicketsByTemplate
}
func (*GetTroubleTicketsByTemplateResponse) Operation() Operation {
	return OpGetTroubleTicketsByTemplate
}
func (*QueryTroubleTicketsRequest) Operation() Operation    { return OpQueryTroubleTickets }
func (*QueryTroubleTicketsResponse) Operation() Operation   { return OpQueryTroubleTickets }
func (*GetManagedEntityTypesRequest) Operation() Operation  { return OpGetManagedEntityTypes }
func (*GetManagedEntityTypesResponse) Operation() Operation { return OpGetManagedEntityTypes }
func (*GetQueryTypesRequest) Operation() Operation          { return OpGetQueryTypes }
func (*GetQueryTypesResponse) Operation() Operation         { return OpGetQueryTypes }
func (*GetEventTypesRequest) Operation() Operation          { return OpGetEventTypes }
func (*GetEventTypesResponse) Operation() Operation         { return OpGetEventTypes }
func (*GetSupportedOptionalOperationsRequest) Operation() Operation {
	return OpGetSupportedOptionalOperations
}
func (*GetSupportedOptionalOperationsResponse) Operation() Operation {
	return OpGetSupportedOptionalOperations
}
func (e *Exception) Operation() Operation { return e.Op }

func (*CreateTroubleTicketByValueRequest) Part() Part      { return PartRequest }
func (*CreateTroubleTicketByValueResponse) Part() Part     { return PartResponse }
func (*SetTroubleTicketByValueRequest) Part() Part         { return PartRequest }
func (*SetTroubleTicketByValueResponse) Part() Part        { return PartResponse }
func (*GetTroubleTicketByKeyRequest) Part() Part           { return PartRequest }
func (*GetTroubleTicketByKeyResponse) Part() Part          { return PartResponse }
func (*GetTroubleTicketsByTemplateRequest) Part() Part     { return PartRequest }
func (*GetTroubleTicketsByTemplateResponse) Part() Part    { return PartResponse }
func (*QueryTroubleTicketsRequest) Part() Part             { return PartRequest }
func (*QueryTroubleTicketsResponse) Part() Part            { return PartResponse }
func (*GetManagedEntityTypesRequest) Part() Part           { return PartRequest }
func (*GetManagedEntityTypesResponse) Part() Part          { return PartResponse }
func (*GetQueryTypesRequest) Part() Part                   { return PartRequest }
func (*GetQueryTypesResponse) Part() Part                  { return PartResponse }
func (*GetEventTypesRequest) Part() Part                   { return PartRequest }
func (*GetEventTypesResponse) Part() Part                  { return PartResponse }
func (*GetSupportedOptionalOperationsRequest) Part() Part  { return PartRequest }
func (*GetSupportedOptionalOperationsResponse) Part() Part { return PartResponse }
func (*Exception) Part() Part                              { return PartException }

func (*CreateTroubleTicketByValueRequest) isMessage()      {}
func (*CreateTroubleTicketByValueResponse) isMessage()     {}
func (*SetTroubleTicketByValueRequest) isMessage()         {}
func (*SetTroubleTicketByValueResponse) isMessage()        {}
func (*GetTroubleTicketByKeyRequest) isMessage()           {}
func (*GetTroubleTicketByKeyResponse) isMessage()          {}
func (*GetTroubleTicketsByTemplateRequest) isMessage()     {}
func (*GetTroubleTicketsByTemplateResponse) isMessage()    {}
func (*QueryTroubleTicketsRequest) isMessage()             {}
func (*QueryTroubleTicketsResponse) isMessage()            {}
func (*GetManagedEntityTypesRequest) isMessage()           {}
func (*GetManagedEntityTypesResponse) isMessage()          {}
func (*GetQueryTypesRequest) isMessage()                   {}
func (*GetQueryTypesResponse) isMessage()                  {}
func (*GetEventTypesRequest) isMessage()                   {}
func (*GetEventTypesResponse) isMessage()                  {}
func (*GetSupportedOptionalOperationsRequest) isMessage()  {}
func (*GetSupportedOptionalOperationsResponse) isMessage() {}
func (*Exception) isMessage()                              {}

// NewMessage returns an empty message of operation o and part p, or nil when
// o or p is unknown.
func NewMessage(o Operation, p Part) Message {
	switch p {
	case PartException:
		if o.Valid() {
			return &Exception{Op: o}
		}
	case PartRequest:
		switch o {
		case OpCreateTroubleTicketByValue:
			return &CreateTroubleTicketByValueRequest{}
		case OpSetTroubleTicketByValue:
			return &SetTroubleTicketByValueRequest{}
		case OpGetTroubleTicketByKey:
			return &GetTroubleTicketByKeyRequest{}
		case OpGetTroubleTicketsByTemplate:
			return &GetTroubleTicketsByTemplateRequest{}
		case OpQueryTroubleTickets:
			return &QueryTroubleTicketsRequest{}
		case OpGetManagedEntityTypes:
			return &GetManagedEntityTypesRequest{}
		case OpGetQueryTypes:
			return &GetQueryTypesRequest{}
		case OpGetEventTypes:
			return &GetEventTypesRequest{}
		case OpGetSupportedOptionalOperations:
			return &GetSupportedOptionalOperationsRequest{}
		}
	case PartResponse:
		switch o {
		case OpCreateTroubleTicketByValue:
			return &CreateTroubleTicketByValueResponse{}
		case OpSetTroubleTicketByValue:
			return &SetTroubleTicketByValueResponse{}
		case OpGetTroubleTicketByKey:
			return &GetTroubleTicketByKeyResponse{}
		case OpGetTroubleTicketsByTemplate:
			return &GetTroubleTicketsByTemplateResponse{}
		case OpQueryTroubleTickets:
			return &QueryTroubleTicketsResponse{}
		case OpGetManagedEntityTypes:
			return &GetManagedEntityTypesResponse{}
		case OpGetQueryTypes:
			return &GetQueryTypesResponse{}
		case OpGetEventTypes:
			return &GetEventTypesResponse{}
		case OpGetSupportedOptionalOperations:
			return &GetSupportedOptionalOperationsResponse{}
		}
	}
	return nil
}

// LookupElement returns the operation and part of a body root element name,
// resolved by namespace URI.
func LookupElement(name xml.Name) (Operation, Part, bool) {
	for _, o := range Operations {
		if name.Space != o.Namespace() {
			continue
		}
		for _, p := range []Part{PartRequest, PartResponse, PartException} {
			if name.Local == o.String()+p.String() {
				return o, p, true
			}
		}
	}
	return 0, 0, false
}
