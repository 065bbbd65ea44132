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
	"regexp"
	"strconv"
	"strings"
	"sync"
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
	// Peers.Authenticator builds.
	Auth v2.Authenticator
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

	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the dispatcher's and the engine's records; nil means
	// none.
	Logger *slog.Logger
}

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
	inflight sync.Map // journal IDs under processing
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
	if opts.Auth == nil {
		a, _, err := opts.Peers.Authenticator()
		if err != nil {
			return nil, err
		}
		opts.Auth = a
	}
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
	req, err := v2.NewSetRequest(t.ReferenceSigSAVOI, t.CodeOC, t.CodeOI, tx, e.p)
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
	if _, err := c.Set(ctx, key, tx, nil); err != nil {
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

// journalHandler journals every POSTed 2.0 request before next answers it,
// under the IdempotencyHeader when present, else the digest of the body. A
// request journaled and answered before gets the recorded answer again
// without being processed; one being processed is answered 503 (the sender
// retries). Temporary failures and unknown tickets (8) are not recorded, so
// a retry is processed.
func (e *engine) journalHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, v2.DefaultMaxBodySize+1))
		if err != nil {
			http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		id := r.Header.Get(IdempotencyHeader)
		if id != "" {
			id = "key:" + id
		} else {
			sum := sha256.Sum256(body)
			id = "sha256:" + hex.EncodeToString(sum[:])
		}
		ctx := r.Context()
		in := &Inbound{Protocol: ProtocolV2, ID: id, From: r.RemoteAddr, ReceivedAt: e.now(),
			ContentType: r.Header.Get("Content-Type"), Body: body}
		if _, busy := e.inflight.LoadOrStore(id, true); busy {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "the same request is being processed", http.StatusServiceUnavailable)
			return
		}
		defer e.inflight.Delete(id)
		stored, dup, err := e.opts.Store.Record(ctx, in)
		if err != nil {
			http.Error(w, "journal: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if dup && stored.Outcome != nil && stored.Outcome.Disposition == DispositionProcessed {
			status := http.StatusOK
			if stored.Outcome.Code != 0 {
				status = http.StatusInternalServerError
			}
			w.Header().Set("Content-Type", stored.Outcome.ContentType)
			w.WriteHeader(status)
			_, _ = w.Write(stored.Outcome.Response)
			return
		}
		if dup && stored.Outcome != nil {
			http.Error(w, "quarantined", http.StatusForbidden)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		code := codes.ReturnCodeOK
		if rec.status != http.StatusOK {
			code = faultCode(rec.body.Bytes())
		}
		// A temporary failure, or a ticket not known yet (the OC has not
		// recorded the answer to its create), may go otherwise next time:
		// not recorded, so the retry is processed.
		if !code.Temporary() && code != codes.ReturnCodeUnknown {
			err := e.opts.Store.Resolve(ctx, Resolution{Ref: in.Ref(), Outcome: Outcome{
				Disposition: DispositionProcessed, At: e.now(), Code: code,
				ContentType: rec.header.Get("Content-Type"), Response: rec.body.Bytes()}})
			if err != nil && !errors.Is(err, ErrResolved) {
				http.Error(w, "journal: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

var codeRetour = regexp.MustCompile(`codeRetour>\s*([0-9]+)\s*<`)

// faultCode reads the return code of a SOAP fault answer (sav:erreur), or
// 10 when it names none.
func faultCode(b []byte) codes.ReturnCode {
	if m := codeRetour.FindSubmatch(b); m != nil {
		if n, err := strconv.Atoi(string(m[1])); err == nil {
			return codes.ReturnCode(n)
		}
	}
	return codes.ReturnCodeInternal
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(s int) {
	if !r.wrote {
		r.status, r.wrote = s, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
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
