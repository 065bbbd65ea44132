package sav

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// Options configures an engine ([NewOC], [NewOI]).
type Options struct {
	// Code is our operator code (quadrigramme); required.
	Code string
	// Store keeps the tickets, the journal and the outbox; required.
	Store Store
	// Peers says how to reach each partner and which credentials it
	// presents; required to talk to anyone.
	Peers *Peers
	// Handler receives the events (what partners did); nil drops them.
	Handler Handler

	// MailFrom is our protocol 1.0a address: the From of the mail we send.
	// Required to talk to a 1.0a partner.
	MailFrom mail.Address
	// Mail sends the 1.0a mail the outbox delivers (an *v1a.SMTPSender,
	// a *v1a.Maildir, a v1a.SenderFunc); required to talk to a 1.0a
	// partner.
	Mail v1a.Sender
	// Validator returns the validator of an inbound 1.0a file (OI: DEPOT
	// lines); nil means a zero v1a.Validator at the current time. The
	// engine adds the Qualifier to it.
	Validator func() *v1a.Validator

	// HTTPClient calls the 2.0 partners whose peer entry sets no transport;
	// nil means http.DefaultClient.
	HTTPClient *http.Client
	// Auth authenticates the callers of our 2.0 server; nil means the one
	// Peers.Authenticator builds from the credentials the peers present.
	// When neither gives one, [NewOI] and [NewOC] refuse a configuration
	// with a 2.0 peer ([*ConfigError], [ErrNoAuthenticator]), and the 2.0
	// server of a configuration without one refuses every caller (12).
	Auth v2.Authenticator
	// TrustHeader, for tests and sandboxes only, lets the 2.0 server believe
	// the operator code the sav:entete header claims when no authenticator
	// is configured (v2.TrustHeader): any caller can then act as any
	// operator. It is also required to pass v2.TrustHeader as Auth. The
	// engine logs a warning when it is in force.
	TrustHeader bool
	// Profile holds the 2.0 wire decisions; nil means v2.DefaultProfile().
	Profile *v2.Profile

	// AcceptLoss sends 1.0a messages that cannot carry every field of the
	// step (a closure's description, the customer's name in an INFO, the
	// kind of an intervention: v1a.Loss); the losses then go to the Logger.
	// By default such a step is refused with an *UnsupportedError naming
	// what would be lost, and nothing changes. A Gateway accepts losses.
	AcceptLoss bool

	// Qualifier runs the embedder's qualitative checks on a deposit (OI):
	// return codes 8 (INCONNUE) and 9 (HORS PARC OC). Nil accepts all.
	Qualifier Qualifier
	// IDPrefix starts the ids an OI gives its tickets (followed by eight
	// digits from the Store's sequence); empty means Code.
	IDPrefix string

	// CreateRetries and CreateBackoff tune the OC's 2.0 create (see
	// v2.CreateOptions); zero means 2 retries after 200 ms.
	CreateRetries int
	CreateBackoff time.Duration

	// Backoff, MaxAttempts and Poll tune the outbox Dispatcher (see
	// [Dispatcher]).
	Backoff     Backoff
	MaxAttempts int
	Poll        time.Duration
	// Concurrency bounds the deliveries attempted at once; zero means
	// DefaultConcurrency.
	Concurrency int

	// JournalRetention and JournalEntries bound the journal (see the
	// package documentation, "Security"): the answers recorded to replay
	// and the processed mails are forgotten once older than
	// JournalRetention (0: DefaultJournalRetention; negative: never), and
	// beyond the newest JournalEntries (0: DefaultJournalEntries;
	// negative: no bound). A partner's retry after that is processed
	// again, and the lifecycle refuses what was applied already.
	// Unprocessed and quarantined entries are never forgotten.
	JournalRetention time.Duration
	JournalEntries   int

	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the dispatcher's and the engine's records; nil means
	// none.
	Logger *slog.Logger
}

// Journal bounds of [Options].
const (
	DefaultJournalRetention = 72 * time.Hour
	DefaultJournalEntries   = 20000
)

// Qualifier runs the operator's qualitative checks on a deposit (V1A.md
// "Validation": the access is in the OI's parc, …). It returns 0 to accept,
// or a return code (8 INFO XXXXX INCONNUE, 9 INFO XXXXX HORS PARC OC) with
// the field and a reason; the engine answers AR KO with them, in 1.0a and in
// 2.0 alike.
type Qualifier interface {
	Qualify(ctx context.Context, f *ticket.Filing) (code codes.ReturnCode, field, reason string)
}

// QualifierFunc adapts a function to Qualifier.
type QualifierFunc func(ctx context.Context, f *ticket.Filing) (codes.ReturnCode, string, string)

// Qualify calls f.
func (f QualifierFunc) Qualify(ctx context.Context, fi *ticket.Filing) (codes.ReturnCode, string, string) {
	return f(ctx, fi)
}

// engine is what the OC and OI engines share: the store, the peers, the
// outbox dispatcher and its deliverers, the journaled 2.0 handler.
type engine struct {
	role     codes.Role
	opts     Options
	p        *v2.Profile
	disp     *Dispatcher
	clients  sync.Map // client cache key → *v2.Client
	inflight sync.Map // journal refs of the 2.0 requests being processed
	// journalAdded counts the entries recorded, journalForgot is when the
	// retention last ran (UnixNano): see forgetMaybe.
	journalAdded, journalForgot atomic.Int64
	// vet, when set (a gateway), refuses a partner's step before it is
	// committed.
	vet     func(t *ticket.Ticket, r ticket.Record) error
	fileSeq sync.Mutex
	events  eventOrder
}

func newEngine(role codes.Role, opts Options) (*engine, error) {
	if err := codes.ValidOperatorCode(opts.Code); err != nil {
		return nil, fmt.Errorf("sav: engine: Code: %w", err)
	}
	if opts.Store == nil {
		return nil, errors.New("sav: engine: Store is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.IDPrefix == "" {
		opts.IDPrefix = opts.Code
	}
	if opts.CreateRetries == 0 {
		opts.CreateRetries = 2
	}
	if opts.CreateBackoff == 0 {
		opts.CreateBackoff = 200 * time.Millisecond
	}
	if opts.JournalRetention == 0 {
		opts.JournalRetention = DefaultJournalRetention
	}
	if opts.JournalEntries == 0 {
		opts.JournalEntries = DefaultJournalEntries
	}
	auth, err := serverAuth(opts)
	if err != nil {
		return nil, err
	}
	opts.Auth = auth
	p := opts.Profile
	if p == nil {
		p = v2.DefaultProfile()
	}
	e := &engine{role: role, opts: opts, p: p}
	e.disp = &Dispatcher{
		Outbox:      opts.Store,
		Deliverer:   ProtocolDeliverers{ProtocolV1A: &MailDeliverer{Sender: opts.Mail}, ProtocolV2: &setDeliverer{e: e}},
		Backoff:     opts.Backoff,
		MaxAttempts: opts.MaxAttempts,
		Poll:        opts.Poll,
		Concurrency: opts.Concurrency,
		Logger:      opts.Logger,
	}
	return e, nil
}

// ErrNoAuthenticator: a configuration would serve protocol 2.0 to partners
// without knowing who calls; see [Options.Auth] and [Options.TrustHeader].
var ErrNoAuthenticator = errors.New("sav: no authenticator for the 2.0 server")

// ConfigError is a configuration [NewOI], [NewOC] or [NewGateway] refuses:
// the Options field at fault and what to do.
type ConfigError struct {
	Field  string
	Reason string
	Err    error
}

func (e *ConfigError) Error() string { return "sav: Options." + e.Field + ": " + e.Reason }

// Unwrap returns the sentinel, if any.
func (e *ConfigError) Unwrap() error { return e.Err }

// serverAuth returns the authenticator of the engine's 2.0 server.
func serverAuth(opts Options) (v2.Authenticator, error) {
	if _, trusting := opts.Auth.(v2.TrustHeader); trusting && !opts.TrustHeader {
		return nil, &ConfigError{Field: "Auth", Err: ErrNoAuthenticator,
			Reason: "v2.TrustHeader believes any caller; set Options.TrustHeader too (tests and sandboxes only)"}
	}
	if opts.Auth != nil {
		return opts.Auth, nil
	}
	a, trusted, err := opts.Peers.Authenticator()
	if err != nil {
		return nil, err
	}
	if !trusted {
		return a, nil
	}
	if opts.TrustHeader {
		if l := opts.Logger; l != nil {
			l.Warn("sav: the 2.0 server trusts the operator code of the sav:entete header (Options.TrustHeader): any caller can act as any operator")
		}
		return v2.TrustHeader{}, nil
	}
	if opts.Peers != nil {
		for _, p := range opts.Peers.Operators {
			if p.V2 != nil {
				return nil, &ConfigError{Field: "Auth", Err: ErrNoAuthenticator,
					Reason: "peer " + p.Code + " speaks 2.0 but no peer presents credentials: give each 2.0 peer " +
						"auth.basic or auth.certSubject, or set Options.Auth (Options.TrustHeader for tests and sandboxes)"}
			}
		}
	}
	// No 2.0 partner: the 2.0 server, if mounted, refuses every caller.
	return v2.Authenticators{}, nil
}

// run runs the outbox dispatcher until ctx ends.
func (e *engine) run(ctx context.Context) error { return e.disp.Run(ctx) }

func (e *engine) now() time.Time { return e.opts.Now() }

// peer returns the configured partner of code.
func (e *engine) peer(code string) (*Peer, error) {
	p, ok := e.opts.Peers.Lookup(code)
	if !ok {
		return nil, fmt.Errorf("%w: no peer %q in the configuration", ErrUnknownPeer, code)
	}
	return p, nil
}

// emit hands the partner's steps of t to the handler, in the order of the
// ticket's steps (see eventOrder); from is the first entry this call
// committed.
func (e *engine) emit(ctx context.Context, partner string, proto Protocol, from int, t *ticket.Ticket) {
	if h := e.opts.Handler; h != nil && t != nil {
		e.events.emit(ctx, h, e.role, partner, proto, from, t)
	}
}

// created notes a ticket we created, whose steps so far have no events.
func (e *engine) created(t *ticket.Ticket) {
	if e.opts.Handler != nil && t != nil {
		e.events.start(KeyOf(e.role, t), len(t.History))
	}
}

// client returns the 2.0 client that calls peer as role, between codeOC
// and codeOI.
func (e *engine) client(peer *Peer, codeOC, codeOI string) (*v2.Client, error) {
	if peer.V2 == nil {
		return nil, fmt.Errorf("%w: %s has no v2 endpoint", ErrUnknownPeer, peer.Code)
	}
	ck := peer.Code + "|" + peer.V2.URL + "|" + codeOC + "|" + codeOI
	if c, ok := e.clients.Load(ck); ok {
		return c.(*v2.Client), nil
	}
	doer, err := peer.Doer(e.opts.HTTPClient)
	if err != nil {
		return nil, err
	}
	c, err := v2.NewClient(doer, peer.V2.URL, v2.ClientOptions{Role: e.role, CodeOC: codeOC, CodeOI: codeOI,
		Profile: e.p, Now: e.opts.Now})
	if err != nil {
		return nil, err
	}
	c2, _ := e.clients.LoadOrStore(ck, c)
	return c2.(*v2.Client), nil
}

// fileName returns the name of a new 1.0a file to recipient, numbered by
// the Store's sequence of our code.
func (e *engine) fileName(ctx context.Context, f v1a.Flow, recipient string) (v1a.FileName, error) {
	n, err := e.opts.Store.NextSequence(ctx, "v1a-file/"+e.opts.Code)
	if err != nil {
		return v1a.FileName{}, err
	}
	return v1a.FileName{Flow: f, Sender: e.opts.Code, Recipient: recipient, Time: e.now().In(ticket.Paris),
		Seq: int((n-1)%9999) + 1}, nil
}

// checkLoss refuses a 1.0a record that loses part of the step, unless
// Options.AcceptLoss.
func (e *engine) checkLoss(partner, op string, loss []v1a.Loss) error {
	if len(loss) == 0 {
		return nil
	}
	var why []string
	for _, l := range loss {
		why = append(why, l.String())
	}
	if e.opts.AcceptLoss {
		if l := e.opts.Logger; l != nil {
			l.Warn("sav: protocol 1.0a loses part of the step", "partner", partner, "step", op, "losses", why)
		}
		return nil
	}
	return &UnsupportedError{Partner: partner, Protocol: ProtocolV1A, Operation: op, Code: codes.ReturnCodeNotAllowed,
		Field: loss[0].Field, Reason: strings.Join(why, "; ")}
}

// namedMail composes the 1.0a mail carrying recs to peer, as an outbox
// delivery whose idempotency key is the mail's Message-ID.
func (e *engine) namedMail(peer *Peer, name v1a.FileName, recs []v1a.Record, inReplyTo string) (Delivery, error) {
	if peer.V1A == nil {
		return Delivery{}, fmt.Errorf("%w: %s has no v1a address", ErrUnknownPeer, peer.Code)
	}
	if e.opts.MailFrom.Address == "" {
		return Delivery{}, errors.New("sav: Options.MailFrom is required to send 1.0a mail")
	}
	to, err := mail.ParseAddress(peer.V1A.Address)
	if err != nil {
		return Delivery{}, fmt.Errorf("sav: peer %s: %w", peer.Code, err)
	}
	msg, err := v1a.NewMessage(e.opts.MailFrom, []mail.Address{*to}, name, recs, &v1a.MessageOptions{InReplyTo: inReplyTo})
	if err != nil {
		return Delivery{}, err
	}
	msg.Date = e.now()
	raw, err := msg.Bytes()
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{Protocol: ProtocolV1A, Destination: Destination{Code: peer.Code, Address: to.Address},
		ContentType: "message/rfc822", Body: raw, Label: msg.FileName, IdempotencyKey: msg.MessageID}, nil
}

// setDelivery composes the 2.0 setTroubleTicketByValueRequest carrying tx
// on t to peer.
func (e *engine) setDelivery(peer *Peer, t *ticket.Ticket, tx *ticket.Transaction) (Delivery, error) {
	req, err := V2SetRequest(t, *tx, e.p)
	if err != nil {
		return Delivery{}, err
	}
	body, err := v2.MarshalBody(req, e.p)
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{Protocol: ProtocolV2, Destination: Destination{Code: peer.Code, Address: peer.V2.URL},
		ContentType: "application/xml", Body: body, Label: tx.Kind.String()}, nil
}

// MailDeliverer delivers the 1.0a mail of the outbox through a v1a.Sender
// (SMTP, a Maildir, a router of test mailboxes). The payload is the whole
// composed mail: its Message-ID, date and file are the same on every
// attempt, so the partner's mailbox recognises a copy.
type MailDeliverer struct {
	Sender v1a.Sender
}

// Deliver implements Deliverer.
func (m *MailDeliverer) Deliver(ctx context.Context, d *Delivery) error {
	if m.Sender == nil {
		return Permanent(errors.New("sav: no 1.0a mail transport configured (Options.Mail)"))
	}
	msg, err := v1a.ParseMail(bytes.NewReader(d.Body))
	if err != nil {
		return Permanent(fmt.Errorf("sav: outbox mail: %w", err))
	}
	return m.Sender.Send(ctx, msg)
}

// setDeliverer delivers 2.0 set requests of the outbox with a v2.Client,
// sending the delivery's idempotency key in the IdempotencyHeader.
type setDeliverer struct{ e *engine }

func (s *setDeliverer) Deliver(ctx context.Context, d *Delivery) error {
	e := s.e
	m, err := v2.DecodeBody(bytes.NewReader(d.Body), e.p)
	if err != nil {
		return Permanent(fmt.Errorf("sav: outbox set request: %w", err))
	}
	req, ok := m.(*v2.SetTroubleTicketByValueRequest)
	if !ok || req.Value.SAV == nil {
		return Permanent(fmt.Errorf("sav: outbox payload is a %s, not a set request", m.Operation()))
	}
	key, tx, err := req.Transaction(e.p)
	if err != nil {
		return Permanent(err)
	}
	codeOC, _ := req.Value.SAV.CodeOC.Get()
	codeOI, _ := req.Value.SAV.CodeOI.Get()
	peer, err := e.peer(d.Destination.Code)
	if err != nil {
		return Permanent(err)
	}
	c, err := e.client(peer, codeOC, codeOI)
	if err != nil {
		return Permanent(err)
	}
	ctx = context.WithValue(ctx, idempotencyKey{}, d.IdempotencyKey)
	ocRef, _ := req.Value.CustomerTroubleNum.Get()
	if _, err := c.Set(ctx, key, tx, &v2.SetOptions{ReferenceSigSAVRaccoOC: ocRef}); err != nil {
		if v2.Temporary(err) || ctx.Err() != nil {
			return err
		}
		var fe *v2.FaultError
		if errors.As(err, &fe) && fe.ReturnCode() != codes.ReturnCodeUnknown {
			return Permanent(err)
		}
		// Not found (8) is retried: the OC may not have recorded the OI's
		// answer to its create yet when the first notification arrives.
		return err
	}
	return nil
}

// v2Journal is the engine's [v2.RequestJournal]: the answers to the
// creates and sets of authenticated partners, kept in the Store's journal
// under the caller's operator code and the request's identity, so that only
// the same operator's retry is answered from it.
type v2Journal struct{ e *engine }

// Begin implements [v2.RequestJournal].
func (j v2Journal) Begin(ctx context.Context, id v2.RequestID) (*v2.Answer, func(context.Context, []byte, v2.Answer), error) {
	e := j.e
	ref := InboundRef{Protocol: ProtocolV2, ID: id.String()}
	if _, busy := e.inflight.LoadOrStore(ref, true); busy {
		return nil, nil, v2.ErrInFlight
	}
	stored, err := e.opts.Store.Inbound(ctx, ref)
	switch {
	case err == nil && stored.Outcome != nil && stored.Outcome.Disposition == DispositionProcessed:
		e.inflight.Delete(ref)
		o := stored.Outcome
		status := http.StatusOK
		if o.Code != codes.ReturnCodeOK {
			status = http.StatusInternalServerError
		}
		return &v2.Answer{Status: status, Code: o.Code, ContentType: o.ContentType, Body: o.Response}, nil, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		e.inflight.Delete(ref)
		return nil, nil, err
	}
	finish := func(ctx context.Context, request []byte, a v2.Answer) {
		defer e.inflight.Delete(ref)
		if a.Transient() {
			return
		}
		at := e.now()
		in := &Inbound{Protocol: ProtocolV2, ID: ref.ID, From: id.Caller, CodeOperator: id.Caller, ReceivedAt: at,
			ContentType: soapContentType, Body: request, Outcome: &Outcome{Disposition: DispositionProcessed, At: at,
				Code: a.Code, ContentType: a.ContentType, Response: a.Body}}
		if _, _, err := e.opts.Store.Record(ctx, in); err != nil {
			// The answer goes out all the same; a retry is then processed
			// again, and the lifecycle refuses a step applied twice.
			if l := e.opts.Logger; l != nil {
				l.Warn("sav: journal: the answer is not recorded", "request", ref.String(), "error", err)
			}
			return
		}
		e.forgetMaybe(ctx)
	}
	return nil, finish, nil
}

// soapContentType is the content type of the 2.0 requests the journal keeps.
const soapContentType = "text/xml; charset=utf-8"

// forgetMaybe applies the journal's retention now and then: every tenth of
// the count bound of new entries, or every hundredth of the age bound.
func (e *engine) forgetMaybe(ctx context.Context) {
	age, keep := e.opts.JournalRetention, e.opts.JournalEntries
	if age < 0 && keep < 0 {
		return
	}
	n := e.journalAdded.Add(1)
	now := e.now()
	every := int64(keep / 10)
	due := keep >= 0 && n%max(every, 1) == 0
	if last := e.journalForgot.Load(); !due && age >= 0 {
		due = now.Sub(time.Unix(0, last)) >= age/100
	}
	if !due {
		return
	}
	e.journalForgot.Store(now.UnixNano())
	before := time.Time{}
	if age >= 0 {
		before = now.Add(-age)
	}
	if _, err := e.opts.Store.Forget(ctx, Retention{Before: before, Keep: keep}); err != nil {
		if l := e.opts.Logger; l != nil {
			l.Warn("sav: journal retention", "error", err)
		}
	}
}

// mailIdentity returns the journal identity of an inbound mail.
func mailIdentity(in *v1a.Inbound) string {
	if id := in.Message.MessageID; id != "" {
		return id
	}
	h := sha256.New()
	io.WriteString(h, in.Message.Subject)
	h.Write(in.Message.Attachment)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// journalMail journals an inbound mail and checks its sender against the
// peers: a mail whose From is not the address configured for the operator
// code it claims (the file name's EMETTEUR, else the peer of its address) is
// quarantined. It returns the partner's code, the entry, and done = true
// when the mail must not be processed (a duplicate, or quarantined; err
// then wraps v1a.ErrQuarantine for the latter).
func (e *engine) journalMail(ctx context.Context, in *v1a.Inbound) (partner string, entry *Inbound, done bool, err error) {
	from := in.Sender()
	partner = in.Name.Sender
	if in.NameErr != nil || partner == "" {
		partner = ""
		if e.opts.Peers != nil {
			for _, o := range e.opts.Peers.Operators {
				if o.Address() != "" && o.Address() == from {
					partner = o.Code
				}
			}
		}
	}
	rec := &Inbound{Protocol: ProtocolV1A, ID: mailIdentity(in), From: from, CodeOperator: partner,
		ReceivedAt: e.now(), ContentType: "text/csv; charset=" + in.Message.Charset, Body: in.Message.Attachment}
	stored, dup, err := e.opts.Store.Record(ctx, rec)
	if err != nil {
		return partner, nil, true, err
	}
	if !dup {
		e.forgetMaybe(ctx)
	}
	if dup && !stored.Pending() {
		return partner, stored, true, nil
	}
	reason := ""
	peer, ok := e.opts.Peers.Lookup(partner)
	switch {
	case partner == "":
		reason = "sender " + from + " is no configured partner and the file name names none"
	case !ok:
		reason = "operator " + partner + " is not configured"
	case peer.Address() == "":
		reason = "operator " + partner + " has no 1.0a address configured"
	case peer.Address() != from:
		reason = "sender " + from + " is not the address configured for " + partner + " (" + peer.Address() + ")"
	case in.Name.Recipient != "" && in.Name.Recipient != e.opts.Code:
		reason = "file addressed to " + in.Name.Recipient + ", not to " + e.opts.Code
	}
	if reason != "" {
		if err := e.opts.Store.Resolve(ctx, Quarantine(stored.Ref(), e.now(), reason)); err != nil && !errors.Is(err, ErrResolved) {
			return partner, stored, true, err
		}
		return partner, stored, true, fmt.Errorf("sav: %w: %s", v1a.ErrQuarantine, reason)
	}
	return partner, stored, false, nil
}

// processed returns the resolution recording that entry was processed.
func (e *engine) processed(entry *Inbound, code codes.ReturnCode, reason string) Resolution {
	return Resolution{Ref: entry.Ref(), Outcome: Outcome{Disposition: DispositionProcessed, At: e.now(),
		Code: code, Reason: reason}}
}

// oiKeyOf is the OI key of a ticket we hold in our role.
func (e *engine) getByOI(ctx context.Context, codeOI, id string) (*ticket.Ticket, error) {
	return e.opts.Store.GetByOI(ctx, OIKey{Role: e.role, CodeOI: codeOI, ReferenceSigSAVOI: id})
}

// v2Store adapts the Store to the v2 servers' backend for one role: tickets
// by their OI key, updates that emit the partner's steps as events.
type v2Store struct{ e *engine }

func (s v2Store) Ticket(ctx context.Context, codeOI, id string) (*ticket.Ticket, error) {
	t, err := s.e.getByOI(ctx, codeOI, id)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", v2.ErrNotFound, id)
	}
	return t, err
}

func (s v2Store) Update(ctx context.Context, codeOI, id string, apply func(*ticket.Ticket) error) (*ticket.Ticket, error) {
	e := s.e
	t, err := s.Ticket(ctx, codeOI, id)
	if err != nil {
		return nil, err
	}
	var from int
	out, err := e.opts.Store.Update(ctx, KeyOf(e.role, t), func(t *ticket.Ticket) (Effects, error) {
		from = len(t.History)
		if err := apply(t); err != nil {
			if e.role == codes.RoleOC && alreadyThere(err) {
				return Effects{}, errAlreadyThere
			}
			return Effects{}, err
		}
		return e.afterPartnerStep(t, from)
	})
	if errors.Is(err, errAlreadyThere) {
		return e.opts.Store.Get(ctx, KeyOf(e.role, t))
	}
	if err != nil {
		return nil, err
	}
	partner := out.CodeOC
	if e.role == codes.RoleOC {
		partner = out.CodeOI
	}
	e.emit(ctx, partner, ProtocolV2, from, out)
	return out, nil
}

// errAlreadyThere: the OI's step leads to the state the OC's copy is in
// already.
var errAlreadyThere = errors.New("sav: the ticket is already in the state the step leads to")

// alreadyThere reports a refusal of an OI step that would lead to the state
// the ticket is in: the OC's copy reflects it already (it was resynchronised
// from the OI while the notification waited in the OI's outbox). The OC
// accepts such a step without applying it, so the notification does not
// park at the OI.
func alreadyThere(err error) bool {
	var te *ticket.TransitionError
	if !errors.As(err, &te) || !errors.Is(err, ticket.ErrWrongState) {
		return false
	}
	switch te.Kind {
	case ticket.KindCaseSolving:
		return te.State == ticket.StateOpenActive
	case ticket.KindCaseSolved:
		return te.State == ticket.StateClosed
	}
	return false
}

// afterPartnerStep runs in the commit of a partner's step: a gateway
// refuses there the steps it cannot relay (so they are not applied); an
// engine alone has nothing to add.
func (e *engine) afterPartnerStep(t *ticket.Ticket, from int) (Effects, error) {
	if e.vet != nil {
		for _, r := range t.History[from:] {
			if err := e.vet(t, r); err != nil {
				return Effects{}, err
			}
		}
	}
	return Effects{}, nil
}
