// Package v2 implements protocol SAV 2.0: a simplified JSR-91 v1.0 OSS
// Trouble Ticket exchanged as XML over SOAP 1.1 web services (V2.md). It
// holds the XML codec of the trouble ticket and of every message body, the
// validation of requests, the mapping to package ticket, the schema files,
// and the client and server built on them.
//
// # The trouble ticket
//
// [TroubleTicketValue] carries every element of the published
// tt:TroubleTicketValue, in schema order, plus the SAV extension
// sav:SAVTroubleTicketValue ([SAVExtension], V2.md "Extension namespace"
// and "Mapping"). Each element is a three-state [Field]: absent, xsi:nil or
// a value, so that a setTroubleTicketByValue request says exactly what it
// changes (absent = untouched, nil = cleared) and a decoded document is
// written back unchanged. Enumerated attributes are read from both their
// substitution-group head (tt:baseState) and their member (tt:troubleState);
// a literal of the schema's enumeration is written in the member, anything
// else in the head. Dates are written with their offset; a date received
// without one is in the [Profile]'s zone, Europe/Paris.
//
// [ValueFromFiling], [ValueFromTicket], [NewSetRequest] and their reverses
// [TroubleTicketValue.Filing], [TroubleTicketValue.Ticket] and
// [SetTroubleTicketByValueRequest.Transaction] map values to and from
// [ticket.Filing], [ticket.Ticket] and [ticket.Transaction].
//
// # Messages
//
// Every operation of V2.md has a request, a response and an exception
// ([Message], [Operation], [Part]): createTroubleTicketByValue,
// setTroubleTicketByValue, getTroubleTicketByKey, getTroubleTicketsByTemplate,
// queryTroubleTickets and the introspection operations getManagedEntityTypes,
// getQueryTypes, getEventTypes and getSupportedOptionalOperations. A fault's
// detail holds the JSR-91 exception element with its typed child and
// sav:erreur ([Exception], [Erreur], [NewException], [ExceptionKindFor]).
//
// [ReadBody] and [DecodeBody] read a body element, dispatched on its
// qualified name; [WriteBody], [AppendBody] and [MarshalBody] write one.
// [ReadFaultDetail], [WriteFaultDetail] and [DecodeFaultDetail] do the same
// for a fault's detail. [ValueReader] and [ValueWriter] stream the values of
// a search or query page one at a time. Reading is a streaming [encoding/xml.Decoder] token
// loop: children in any order, unknown elements skipped, names and xsi:type
// values resolved by namespace URI (never by prefix), any declared encoding
// read ([NewXMLDecoder] uses charset.NewReaderLabel). Writing produces UTF-8
// documents that validate against the official JSR-91 schemas.
//
// [Validate] checks a request against the profile's rules (V2.md "Create
// requires", "Set requires" and the transaction payloads of DOMAIN.md) and
// returns [Finding]s; [Check] reads a whole document — a SOAP envelope or a
// bare message — and gives each finding the line of its element, as
// `savctl check` prints them.
//
// # Schema files
//
// The project's own XSDs (tt:/co: subset, the sav: extension) and the WSDLs
// of the OI's and the OC's services are embedded ([SchemaFS]); [SchemaFile]
// returns one ready to serve at ?wsdl or ?xsd=NAME.
//
// # Profile
//
// Every decision of our profile that a partner may need changed — the
// extension namespace, the key type, the time zone, the alias tables of the
// codes, the paging limits, the decoder's depth limit — is a [Profile]
// field; a nil *Profile means [DefaultProfile].
//
// # Errors
//
// Decoding errors are [*DecodeError] values carrying the line, the element
// and the return code a server answers with; they wrap [ErrSyntax],
// [ErrUnknownMessage], [ErrValue], [ErrNotNillable], [ErrMissingElement] or
// [ErrTooDeep]. The encoder returns [*EncodeError] (for example wrapping
// [ErrNotNillable]); the mapping returns errors wrapping [ErrMapping].
//
// # Concurrency
//
// The functions of the codec are safe for concurrent use; a [Profile] must
// not be modified while in use. Values and messages are plain data: use one
// from one goroutine at a time, or guard it.
package v2
