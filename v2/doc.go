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
// a search or query page one at a time. Reading is a streaming token loop,
// over an [encoding/xml.Decoder] for these functions and over the SOAP
// layer's own tokenizer (the same tokens, several times faster) in the
// [Server] and the [Client]: children in any order, unknown elements skipped, names and xsi:type
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
// # Client
//
// [NewClient] returns a [Client] of one partner's web service, configured by
// [ClientOptions]: the caller's Role (an OC calls its OI, an OI its OC), the
// CodeOC and CodeOI (and optional SIRENs) written in the sav:entete of every
// request, the [Profile], the response size limit (MaxResponseSize, 0 means
// [DefaultMaxBodySize]) and the clock. Requests go through a [Doer], an
// *http.Client in practice (nil means http.DefaultClient): give it the
// timeouts, TLS client certificate and proxy the partner needs. Every method
// takes a context bounding the whole exchange.
//
// [Client.Create] files a deposit (createTroubleTicketByValue) after checking
// the filing with the lifecycle, and returns a [CreateResult]: the OI's key
// and the OC's copy of the ticket, acknowledged at the OI's sav:entete time.
// With [CreateOptions].Retries it sends the request again after a
// [Temporary] failure, waiting Backoff (one second by default) doubled at
// each retry. A retry answered by a duplicate fault (100, [ErrDuplicate])
// carrying a key means an earlier attempt created the ticket: Create then
// gets that ticket, checks it is the same OC reference, and returns it with
// Recovered set; RecoverDuplicate does the same on the first attempt, for a
// deposit whose answer was lost before the call.
//
// [Client.Set] sends one transaction (setTroubleTicketByValue): CO
// transactions from an OC, SU transactions from an OI. With
// [SetOptions].Resync, an OC whose transaction is refused for a stale
// version (code 6, [ticket.ErrResync]) gets the current ticket, checks the
// transaction against it with the lifecycle and, when still allowed, sends
// it again at the current version ([SetResult] then holds the new copy);
// when the lifecycle no longer allows it, Set returns a [*ResyncError]
// carrying the partner's ticket. [Client.Get] returns the OI's copy of a
// ticket (getTroubleTicketByKey), the resynchronisation of DOMAIN.md.
//
// [Client.SearchPage] (getTroubleTicketsByTemplate, criteria from a
// [Filter]) and [Client.QueryPage] (queryTroubleTickets, the caller's open
// tickets) return one [Page]; the page index travels in the sav:pagination
// header. [Client.Search] and [Client.Query] are iterators (iter.Seq2) that
// fetch the pages in turn until endOfReply; iteration stops at the first
// error, yielded with a nil ticket. The introspection operations are
// [Client.ManagedEntityTypes], [Client.QueryTypes], [Client.EventTypes] and
// [Client.SupportedOptionalOperations].
//
// # Servers
//
// [NewOIServer] returns the OI's [Server] (create, set with CO transactions,
// get, search, query, introspection) on top of a [TicketSystem];
// [NewOCServer] returns the OC's (set with SU transactions, introspection) on
// top of a [Store]. Both take [ServerOptions]: the operator's Code (and
// optional Siren), the [Authenticator] (required), the [Profile], the body
// size limit, a slog.Logger receiving one record per exchange, the PublicURL
// written in the served WSDL, and the clock. A Server is an http.Handler to
// mount on the path partners call; [NewHTTPServer] wraps one in an
// *http.Server with timeouts suited to the web services.
//
// A POST is checked in order: content type, size limit, envelope, sav:entete
// (present, version 2.0, codes well-formed), the caller's identity (12 when
// the authenticator refuses, 15 when the header claims another operator or
// the request is addressed to another operator than Code), the operation
// (17 when the role does not serve it), the body's schema and the
// requirements of V2.md, the tenant (another OC's ticket behaves as if it
// did not exist: 8), the lifecycle with the version rule of DOMAIN.md; only
// then does the backend store anything. A refusal is a SOAP fault with HTTP
// status 500: faultcode Client for the caller's errors and Server for the
// server's (10 internal error, 7 saturation, maintenance, …), and a detail
// holding the operation's JSR-91 exception and sav:erreur with the return
// code. Errors of the backend that carry no return code are answered 10 and
// logged, never sent; a panicking backend is answered 10 too. GET or HEAD
// with ?wsdl answers the role's WSDL, whose address is PublicURL or else the
// request's URL, and ?xsd=NAME the schema files it imports ([SchemaFile]);
// other methods are answered 405.
//
// # Backends
//
// A [Store] holds tickets by the OI that owns them and their id there:
// Ticket returns a copy, Update changes one atomically through a callback
// and stores nothing when the callback fails. A [TicketSystem] adds Create
// (number, date and acknowledge a deposit, or refuse it) and Search (a
// [Filter], ordered by id, with offset and limit). Backends refuse with a
// [*Refusal] carrying a return code (100 with the existing key for a
// duplicate deposit, 9 for an AR KO, …) and report an unknown ticket with
// [ErrNotFound]. [Memory] ([NewMemory], [MemoryOptions]) is an in-memory
// backend for both roles, used by tests, examples and savctl serve; an OC
// puts its copies in it with [Memory.Put].
//
// # Authentication
//
// An [Authenticator] returns the operator code of the caller of an HTTP
// request, or an error wrapping [ErrUnauthenticated]. [BasicAuth]
// ([NewBasicAuth]) maps HTTP basic users to codes, with passwords kept as
// SHA-256 digests compared in constant time; [CertAuth] ([NewCertAuth]) maps
// the subject of a verified TLS client certificate (mTLS: the http.Server's
// tls.Config must verify client certificates) to a code; [Authenticators]
// tries several in turn; [AuthenticatorFunc] adapts a function. [TrustHeader]
// believes the code the sav:entete claims and is only for a sandbox: with
// it any caller can act as any operator.
//
// # Limits and paging
//
// Request bodies are capped by ServerOptions.MaxBodySize and responses by
// ClientOptions.MaxResponseSize, both [DefaultMaxBodySize] (4 MiB) when 0;
// a larger request is refused with code 3 on the Envelope. The decoder
// refuses DTDs and elements nested deeper than Profile.MaxDepth. Search and
// query are paged (V2.md, "Paging"): howMany is the page size, defaulting
// to Profile.DefaultHowMany (100) and refused above Profile.MaxHowMany
// (1000) with code 4; sav:pagination's sequence is the page index from 0;
// each page is ordered by key and says endOfReply on the last one.
//
// # Errors
//
// Decoding errors are [*DecodeError] values carrying the line, the element
// and the return code a server answers with; they wrap [ErrSyntax],
// [ErrUnknownMessage], [ErrValue], [ErrNotNillable], [ErrMissingElement] or
// [ErrTooDeep]. The encoder returns [*EncodeError] (for example wrapping
// [ErrNotNillable]); the mapping returns errors wrapping [ErrMapping].
//
// The client returns a [*FaultError] for a fault the partner answered: the
// operation, faultcode and faultstring, the exception and sav:erreur, its
// [FaultError.ReturnCode] and the ticket [FaultError.Key] it carries (the
// existing ticket of a duplicate). errors.Is matches it against
// [ErrNotFound] (8), [ticket.ErrResync] (6), [ErrDuplicate] (100) and
// [ErrUnauthenticated] (12). A [*StatusError] is an HTTP answer without a
// SOAP message (a status other than 200 and 500, or a proxy's page);
// [ErrUnexpectedResponse] an answer that is not the operation's response;
// [*ResyncError] a resync the lifecycle refuses. [Temporary] tells whether
// the same request may succeed later: a temporary fault (internal error,
// maintenance, saturation, …), status 408, 429, 502, 503 or 504, a network
// timeout or a refused connection, but never a cancelled context or a
// deadline. [ReturnCode] extracts the harmonised return code of any of
// these errors, of a [*Refusal] or of a lifecycle refusal.
//
// # Concurrency
//
// The functions of the codec are safe for concurrent use; a [Profile] must
// not be modified while in use. Values and messages are plain data: use one
// from one goroutine at a time, or guard it.
//
// A [Client] and a [Server] are safe for concurrent use once built; the
// client holds no state between calls, so concurrent calls are independent
// exchanges. Authenticators are filled before serving and then only read.
// Backends must be safe for concurrent use: the server calls them from every
// request's goroutine, and relies on [Store].Update being atomic to apply a
// transaction to the version it checked. [Memory] guards its tickets with a
// mutex and hands out copies.
package v2
