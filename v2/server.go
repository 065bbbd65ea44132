package v2

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

// DefaultMaxBodySize caps the body of a request a server reads (4 MiB).
const DefaultMaxBodySize = soap.DefaultMaxBodySize

// XMLLimits bounds the XML documents the servers and clients read, checked
// while reading (a document beyond them costs what was read up to the
// offending byte): MaxDepth (default 100 levels from the Envelope; bodies
// are also held to Profile.MaxDepth), MaxElements (262,144), MaxAttributes
// per element (64, namespace declarations included) and MaxTokenBytes (1
// MiB per tag, text, comment, CDATA section or processing instruction). A
// zero field takes its default, a negative one lifts the limit; the same
// limits serve Plan de charge SAV and InfoTravaux. A document beyond them
// is answered fault 3 naming the limit.
type XMLLimits = soap.Limits

// ServerOptions configures [NewOIServer] and [NewOCServer].
type ServerOptions struct {
	// Code is this operator's code (quadrigramme); required. Requests
	// addressed to another operator are refused (15).
	Code string
	// Siren is this operator's SIREN, written in the sav:entete of the
	// responses when set.
	Siren string
	// Auth tells which operator is calling; required. Use [TrustHeader]
	// only for a sandbox.
	Auth Authenticator
	// Profile holds the wire decisions; nil means DefaultProfile().
	Profile *Profile
	// MaxBodySize caps request bodies; 0 means DefaultMaxBodySize.
	MaxBodySize int64
	// Logger, when set, receives one record per exchange.
	Logger *slog.Logger
	// PublicURL is the endpoint's URL as partners reach it, written in the
	// WSDL served at ?wsdl; empty means the URL of the request.
	PublicURL string
	// Now is the clock (times of the transactions a set does not date, and
	// of the sav:entete); nil means time.Now.
	Now func() time.Time
	// Limits bounds the XML of a request (depth, elements, attributes,
	// token length); the zero value means the SDK's defaults, the same for
	// every SOAP service (see [XMLLimits]). MaxBodySize caps the body.
	Limits XMLLimits
	// Journal, when set, makes creates and sets idempotent: a request the
	// same authenticated operator sends again gets the recorded answer (see
	// [RequestJournal]). Nil processes every request.
	Journal RequestJournal
}

// Server is the protocol 2.0 web service of one role, an [http.Handler] to
// mount on the path the partners call (savctl uses /sav/v2/oi and
// /sav/v2/oc). It answers POSTed SOAP 1.1 requests, dispatching on the body's
// root element, and GET ?wsdl and ?xsd=NAME with the schema files. A Server
// is safe for concurrent use.
//
// For each request it checks, in order: the HTTP method and content type,
// the size limit, the envelope, the sav:entete (present, version 2.0, codes
// well-formed), the caller's identity (the Authenticator; 12 when unknown,
// 15 when the header claims another operator), that the request is
// addressed to this operator (15), the operation (served by this role, else
// 17), the schema of the body and the requirements of V2.md, the tenant
// (another OC's ticket behaves as if it did not exist: 8), the lifecycle
// ([ticket.Ticket.Apply] with the version rule of DOMAIN.md "Versions"), and
// only then lets the backend store. A refused request stores nothing.
type Server struct {
	role  codes.Role
	sys   TicketSystem // OI role
	store Store
	opts  ServerOptions
	p     *Profile
	enc   *soap.Encoder
}

var _ http.Handler = (*Server)(nil)

// NewOIServer returns the OI's server: the operations its OCs call
// (create, set with CO transactions, get, search, query, introspection),
// backed by the OI's ticket system.
func NewOIServer(sys TicketSystem, opts ServerOptions) (*Server, error) {
	if sys == nil {
		return nil, errors.New("v2: NewOIServer: nil TicketSystem")
	}
	s, err := newServer(codes.RoleOI, opts)
	if err != nil {
		return nil, err
	}
	s.sys, s.store = sys, sys
	return s, nil
}

// NewOCServer returns the OC's server: the operations its OIs call (set
// with SU transactions, introspection), applied to the OC's copies of its
// tickets in store.
func NewOCServer(store Store, opts ServerOptions) (*Server, error) {
	if store == nil {
		return nil, errors.New("v2: NewOCServer: nil Store")
	}
	s, err := newServer(codes.RoleOC, opts)
	if err != nil {
		return nil, err
	}
	s.store = store
	return s, nil
}

func newServer(role codes.Role, opts ServerOptions) (*Server, error) {
	if err := codes.ValidOperatorCode(opts.Code); err != nil {
		return nil, fmt.Errorf("v2: server Code: %w", err)
	}
	if opts.Siren != "" {
		if err := codes.ValidSIREN(opts.Siren); err != nil {
			return nil, fmt.Errorf("v2: server Siren: %w", err)
		}
	}
	if opts.Auth == nil {
		return nil, errors.New("v2: server without Authenticator (use v2.TrustHeader{} for a sandbox)")
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = DefaultMaxBodySize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := opts.Profile.orDefault()
	return &Server{role: role, opts: opts, p: p, enc: &soap.Encoder{HeaderSpace: p.NamespaceSAV}}, nil
}

// Role returns the role whose services s serves.
func (s *Server) Role() codes.Role { return s.role }

// Operations returns the operations s serves.
func (s *Server) Operations() []Operation {
	if s.role == codes.RoleOI {
		return []Operation{OpCreateTroubleTicketByValue, OpSetTroubleTicketByValue, OpGetTroubleTicketByKey,
			OpGetTroubleTicketsByTemplate, OpQueryTroubleTickets, OpGetManagedEntityTypes, OpGetQueryTypes,
			OpGetEventTypes, OpGetSupportedOptionalOperations}
	}
	return []Operation{OpSetTroubleTicketByValue, OpGetManagedEntityTypes, OpGetQueryTypes, OpGetEventTypes,
		OpGetSupportedOptionalOperations}
}

func (s *Server) serves(op Operation) bool {
	switch op {
	case OpSetTroubleTicketByValue, OpGetManagedEntityTypes, OpGetQueryTypes, OpGetEventTypes,
		OpGetSupportedOptionalOperations:
		return true
	case OpCreateTroubleTicketByValue, OpGetTroubleTicketByKey, OpGetTroubleTicketsByTemplate, OpQueryTroubleTickets:
		return s.role == codes.RoleOI
	}
	return false
}

// NewHTTPServer returns an *http.Server for h on addr with timeouts suited
// to the web services: headers within 10 s, a whole request within 30 s,
// the answer within 60 s, idle connections kept 2 minutes, headers capped
// at 64 KiB.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// exchange is one request being served.
type exchange struct {
	s      *Server
	r      *http.Request
	op     Operation
	entete *soap.Entete // the request's, nil when absent
	page   int
	caller string // authenticated operator code
	msg    Message

	// The journal's part (ServerOptions.Journal): tee keeps the bytes read,
	// replay is a recorded answer to send again, finish records the answer,
	// busy says the same request is being processed.
	tee    *bytes.Buffer
	replay *Answer
	// setTx is a set request's transaction, decoded once (transaction).
	setTx struct {
		key  string
		tx   ticket.Transaction
		err  error
		done bool
	}
	finish func(context.Context, []byte, Answer)
	busy   bool
}

// rpcError is a refusal on its way to a fault.
type rpcError struct {
	code   codes.ReturnCode
	field  string
	reason string
	key    string
	soap   xml.Name // fault code when not derived from code
}

func (e *rpcError) Error() string {
	s := itoa(int(e.code)) + " " + e.code.Message(e.field)
	if e.reason != "" {
		s += ": " + e.reason
	}
	return s
}

func refuse(code codes.ReturnCode, field, reason string) *rpcError {
	return &rpcError{code: code, field: field, reason: reason}
}

// ServeHTTP implements [http.Handler].
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.serveSchema(w, r)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed: POST a SOAP 1.1 request, or GET ?wsdl", http.StatusMethodNotAllowed)
		return
	}
	start := s.opts.Now()
	x := &exchange{s: s, r: r}
	if s.opts.Journal != nil {
		x.tee = getBuffer()
		defer putBuffer(x.tee)
	}
	body, rerr := x.serveSafely(w)
	switch {
	case x.busy:
		writeBusy(w)
	case x.replay != nil:
		w.Header().Set("Content-Type", x.replay.ContentType)
		w.WriteHeader(x.replay.Status)
		_, _ = w.Write(x.replay.Body)
	default:
		status, code := http.StatusOK, codes.ReturnCodeOK
		if rerr != nil {
			body, status, code = s.faultBody(x, rerr), http.StatusInternalServerError, rerr.code
		}
		if x.finish != nil {
			x.finish(r.Context(), x.tee.Bytes(), Answer{Status: status, Code: code, ContentType: soap.ContentType,
				Body: body.Bytes()})
		}
		soap.WriteResponse(w, status, body.Bytes())
		putBuffer(body)
	}
	s.log(r.Context(), x, rerr, s.opts.Now().Sub(start))
}

func (s *Server) log(ctx context.Context, x *exchange, rerr *rpcError, d time.Duration) {
	if s.opts.Logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("role", string(s.role)), slog.String("remote", x.r.RemoteAddr),
		slog.Duration("duration", d)}
	if x.op.Valid() {
		attrs = append(attrs, slog.String("operation", x.op.String()))
	}
	if x.caller != "" {
		attrs = append(attrs, slog.String("caller", x.caller))
	}
	if rerr != nil {
		attrs = append(attrs, slog.Int("code", int(rerr.code)), slog.String("fault", rerr.Error()))
		s.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "v2 request refused", attrs...)
		return
	}
	s.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "v2 request served", attrs...)
}

// serveSafely is serve, turning a panic of a backend into an internal
// error (10) instead of a dropped connection.
func (x *exchange) serveSafely(w http.ResponseWriter) (body *bytes.Buffer, rerr *rpcError) {
	defer func() {
		if v := recover(); v != nil {
			body, rerr = nil, x.internal(fmt.Errorf("panic: %v", v))
			x.replay, x.busy = nil, false
		}
	}()
	return x.serve(w)
}

// serve handles a POST up to the response body.
func (x *exchange) serve(w http.ResponseWriter) (*bytes.Buffer, *rpcError) {
	s := x.s
	if !soap.AcceptableContentType(x.r.Header.Get("Content-Type")) {
		return nil, refuse(codes.ReturnCodeBadFormat, "Content-Type", "want text/xml; charset=utf-8")
	}
	in := http.MaxBytesReader(w, x.r.Body, s.opts.MaxBodySize)
	dec := &soap.Decoder{
		HeaderSpace: s.p.NamespaceSAV,
		Location:    s.p.Location,
		Limits:      s.opts.Limits,
		Header: func(h *soap.Header) error {
			x.entete = h.Entete
			if p := h.Pagination; p != nil {
				x.page = p.Sequence
			}
			if rerr := x.identify(); rerr != nil {
				return rerr
			}
			return nil
		},
		Body: func(d soap.TokenReader, start xml.StartElement) error {
			m, err := readBody(d, start, s.p)
			x.msg = m
			switch {
			case m != nil:
				x.op = m.Operation()
			default:
				// The fault still names the operation when it is known.
				if op, _, ok := LookupElement(start.Name); ok {
					x.op = op
				}
			}
			return err
		},
	}
	var body io.Reader = in
	if x.tee != nil {
		body = io.TeeReader(in, x.tee)
	}
	m, err := dec.Decode(body)
	if err != nil {
		return nil, x.classify(err)
	}
	if !m.Envelope {
		return nil, refuse(codes.ReturnCodeMissing, "Envelope", "a request is a SOAP 1.1 envelope")
	}
	if m.Fault != nil {
		return nil, refuse(codes.ReturnCodeBadInterface, "Fault", "a fault is not a request")
	}
	if x.msg.Part() != PartRequest {
		return nil, refuse(codes.ReturnCodeBadInterface, m.Root.Local, "not a request")
	}
	if !s.serves(x.op) {
		return nil, refuse(codes.ReturnCodeNoSuchService, x.op.String(),
			"the "+string(s.role)+" does not serve "+x.op.String())
	}
	rec, rerr := x.beginJournal(x.r.Context())
	if rerr != nil {
		return nil, rerr
	}
	if rec != nil {
		x.replay = rec
		return nil, nil
	}
	resp, rerr := x.dispatch(x.r.Context())
	if rerr != nil {
		return nil, rerr
	}
	out := getBuffer()
	if err := s.enc.Encode(out, s.header(x), func(w io.Writer) error { return appendBody(w, resp, s.p) }); err != nil {
		putBuffer(out)
		return nil, x.internal(err)
	}
	return out, nil
}

// appendBody writes m's body element, in place when w is a *bytes.Buffer.
func appendBody(w io.Writer, m Message, p *Profile) error {
	b, ok := w.(*bytes.Buffer)
	if !ok {
		return WriteBody(w, m, p)
	}
	out, err := AppendBody(b.AvailableBuffer(), m, p)
	if err != nil {
		return err
	}
	_, err = b.Write(out)
	return err
}

// buffers are the responses being built, reused across requests.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer recycles b unless it grew large (a big search answer).
func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 256<<10 {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// identify checks the sav:entete and the caller's identity.
func (x *exchange) identify() *rpcError {
	s, e := x.s, x.entete
	if e == nil {
		return refuse(codes.ReturnCodeMissing, soap.ElementEntete, "every request carries the sav:entete header")
	}
	if err := e.Check(); err != nil {
		return x.classify(err)
	}
	if e.VersionProtocole != ProtocolVersion {
		return refuse(codes.ReturnCodeNotInList, "versionProtocole", "this service speaks "+ProtocolVersion)
	}
	claimed, own, callerField, ownField := e.CodeOC, e.CodeOI, "codeOC", "codeOI"
	if s.role == codes.RoleOC {
		claimed, own, callerField, ownField = e.CodeOI, e.CodeOC, "codeOI", "codeOC"
	}
	caller, err := s.opts.Auth.Authenticate(x.r, claimed)
	if err != nil {
		return refuse(codes.ReturnCodeAuthentication, "", authReason(err))
	}
	x.caller = caller
	if caller != claimed {
		return refuse(codes.ReturnCodeAccessDenied, callerField, "the header names another operator than the caller")
	}
	if own != s.opts.Code {
		return refuse(codes.ReturnCodeAccessDenied, ownField, "this service is "+s.opts.Code+"'s")
	}
	return nil
}

// authReason keeps what an authenticator says only when it is one of ours.
func authReason(err error) string {
	if errors.Is(err, ErrUnauthenticated) {
		return "authentication failed"
	}
	return "authentication error"
}

// header returns the sav:entete of a response: the request's operator
// codes, this operator's SIREN, the current time. When the request gave no
// valid code for the partner (a malformed or anonymous request), the
// response has no header rather than one with an invalid sav:entete.
func (s *Server) header(x *exchange) soap.Header {
	e := &soap.Entete{VersionProtocole: ProtocolVersion, Horodatage: s.opts.Now().In(s.p.Location)}
	if x.entete != nil {
		e.CodeOC, e.CodeOI = x.entete.CodeOC, x.entete.CodeOI
		if codes.ValidSIREN(x.entete.SirenOC) == nil {
			e.SirenOC = x.entete.SirenOC
		}
		if codes.ValidSIREN(x.entete.SirenOI) == nil {
			e.SirenOI = x.entete.SirenOI
		}
	}
	partner := &e.CodeOC
	if s.role == codes.RoleOI {
		e.CodeOI = s.opts.Code
		if s.opts.Siren != "" {
			e.SirenOI = s.opts.Siren
		}
	} else {
		e.CodeOC = s.opts.Code
		partner = &e.CodeOI
		if s.opts.Siren != "" {
			e.SirenOC = s.opts.Siren
		}
	}
	if codes.ValidOperatorCode(*partner) != nil {
		return soap.Header{}
	}
	return soap.Header{Entete: e}
}
