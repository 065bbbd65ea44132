// Package savtest provides an in-memory OI/OC pair for the tests of programs
// that embed package sav, as net/http/httptest provides servers: two
// engines wired together over protocol 2.0 (loopback HTTP servers with basic
// authentication) or protocol 1.0a (temporary Maildirs polled in the
// background), with recorders of the events each side receives and helpers
// to wait for them.
//
//	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V2})
//	tk, err := p.OC.File(ctx, &filing)
//	ev := p.OIEvents.Wait(t, tk.ReferenceSigSAVRaccoOC, sav.EventFiled)
//
// The building blocks are exported for other topologies (a gateway between
// two partners, several OCs): Endpoint is a loopback HTTP server that can be
// stopped and started again on the same address (a partner that is down),
// PostOffice delivers 1.0a mail to Maildirs by address and polls them, and
// Recorder keeps events.
//
// Programs that are not tests (examples, demonstrations) use Start and
// Close instead of NewPair. A program that speaks protocol 2.0 itself gets
// a v2.Client of either side from Pair.V2Client, authenticated with the
// pair's credentials: that replaces the usual setup of two v2.Memory
// backends, two servers on loopback and two basic-auth clients.
//
// Everything listens on 127.0.0.1 only and stops with Pair.Close (or the
// test's cleanup with NewPair).
package savtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// Protocol is the protocol a pair speaks.
type Protocol int

// Protocols.
const (
	V2  Protocol = iota + 1 // protocol 2.0 over loopback HTTP
	V1A                     // protocol 1.0a over temporary Maildirs
)

func (p Protocol) String() string {
	switch p {
	case V2:
		return "v2"
	case V1A:
		return "v1a"
	}
	return fmt.Sprintf("Protocol(%d)", int(p))
}

// Default operator codes, credentials and addresses of a pair.
const (
	DefaultOCCode     = "BYTL"
	DefaultOICode     = "FTEL"
	DefaultOCPassword = "oc-secret"
	DefaultOIPassword = "oi-secret"
)

// Options configures a Pair. The zero value is a 2.0 pair BYTL (OC) → FTEL
// (OI) on in-memory stores.
type Options struct {
	// Protocol between the two engines; zero means V2.
	Protocol Protocol
	// OCCode and OICode are the operator codes; empty means the defaults.
	OCCode, OICode string
	// OCStore and OIStore are the engines' stores; nil means new MemStores.
	OCStore, OIStore sav.Store
	// Qualifier is the OI's qualitative check; nil accepts all.
	Qualifier sav.Qualifier
	// Now is both engines' clock; nil means time.Now.
	Now func() time.Time
	// PollInterval is how often the 1.0a mailboxes are polled; zero means
	// 10 ms.
	PollInterval time.Duration
	// Backoff is the outboxes' retry schedule; zero means 20 ms doubling up
	// to 200 ms (a test does not wait for minutes).
	Backoff sav.Backoff
	// Dir holds the Maildirs; empty means a new temporary directory,
	// removed by Close.
	Dir string
	// OCHandler and OIHandler, when set, receive the events too (after the
	// recorders).
	OCHandler, OIHandler sav.Handler
}

// Pair is an OC engine and an OI engine wired together.
type Pair struct {
	Protocol Protocol
	OC       *sav.OC
	OI       *sav.OI
	// OCStore and OIStore are the engines' stores.
	OCStore, OIStore sav.Store
	// OCEvents and OIEvents record the events each engine emitted.
	OCEvents, OIEvents *Recorder
	// OCPeers and OIPeers are the engines' peers configurations.
	OCPeers, OIPeers *sav.Peers

	// OCEndpoint and OIEndpoint are the 2.0 servers (V2 only).
	OCEndpoint, OIEndpoint *Endpoint
	// Post delivers and polls the 1.0a mailboxes (V1A only).
	Post *PostOffice
	// OCAddress and OIAddress are the 1.0a addresses (V1A only).
	OCAddress, OIAddress mail.Address

	cancel context.CancelFunc
	wg     sync.WaitGroup
	dir    string
}

// NewPair starts a pair for a test and closes it in the test's cleanup; it
// fails the test when the pair cannot start.
func NewPair(t testing.TB, opts Options) *Pair {
	t.Helper()
	p, err := Start(opts)
	if err != nil {
		t.Fatalf("savtest: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// Start starts a pair; Close stops it. Programs that are not tests (the
// examples) use it directly.
func Start(opts Options) (*Pair, error) {
	if opts.Protocol == 0 {
		opts.Protocol = V2
	}
	if opts.OCCode == "" {
		opts.OCCode = DefaultOCCode
	}
	if opts.OICode == "" {
		opts.OICode = DefaultOICode
	}
	if opts.OCStore == nil {
		opts.OCStore = sav.NewMemStore()
	}
	if opts.OIStore == nil {
		opts.OIStore = sav.NewMemStore()
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = 10 * time.Millisecond
	}
	if opts.Backoff == (sav.Backoff{}) {
		opts.Backoff = sav.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2}
	}
	p := &Pair{Protocol: opts.Protocol, OCStore: opts.OCStore, OIStore: opts.OIStore,
		OCEvents: &Recorder{}, OIEvents: &Recorder{}}
	ocHandler, oiHandler := sav.Handler(p.OCEvents), sav.Handler(p.OIEvents)
	if opts.OCHandler != nil {
		ocHandler = Handlers{p.OCEvents, opts.OCHandler}
	}
	if opts.OIHandler != nil {
		oiHandler = Handlers{p.OIEvents, opts.OIHandler}
	}
	ocPeer := sav.Peer{Code: opts.OCCode, Role: codes.RoleOC}
	oiPeer := sav.Peer{Code: opts.OICode, Role: codes.RoleOI}
	ocOpts := sav.Options{Code: opts.OCCode, Store: opts.OCStore, Handler: ocHandler, Now: opts.Now, Backoff: opts.Backoff,
		Poll: 100 * time.Millisecond, CreateBackoff: 20 * time.Millisecond}
	oiOpts := sav.Options{Code: opts.OICode, Store: opts.OIStore, Handler: oiHandler, Now: opts.Now, Backoff: opts.Backoff,
		Poll: 100 * time.Millisecond, Qualifier: opts.Qualifier}

	var err error
	switch opts.Protocol {
	case V2:
		if p.OCEndpoint, err = NewEndpoint(); err != nil {
			return nil, err
		}
		if p.OIEndpoint, err = NewEndpoint(); err != nil {
			p.OCEndpoint.Close()
			return nil, err
		}
		ocPeer.V2 = &sav.PeerV2{URL: p.OCEndpoint.URL + "/sav/v2/oc"}
		oiPeer.V2 = &sav.PeerV2{URL: p.OIEndpoint.URL + "/sav/v2/oi"}
		ocLogin := &sav.BasicCredentials{User: strings.ToLower(opts.OCCode), Password: DefaultOCPassword}
		oiLogin := &sav.BasicCredentials{User: strings.ToLower(opts.OICode), Password: DefaultOIPassword}
		ocPeer.Auth = &sav.PeerAuth{Basic: ocLogin, Outbound: &sav.PeerOutbound{Basic: oiLogin}}
		oiPeer.Auth = &sav.PeerAuth{Basic: oiLogin, Outbound: &sav.PeerOutbound{Basic: ocLogin}}
	case V1A:
		dir := opts.Dir
		if dir == "" {
			if dir, err = os.MkdirTemp("", "savtest-"); err != nil {
				return nil, err
			}
			p.dir = dir
		}
		p.OCAddress = mail.Address{Address: "sav-ftth@" + strings.ToLower(opts.OCCode) + ".test"}
		p.OIAddress = mail.Address{Address: "sav-ftth@" + strings.ToLower(opts.OICode) + ".test"}
		ocPeer.V1A = &sav.PeerV1A{Address: p.OCAddress.Address}
		oiPeer.V1A = &sav.PeerV1A{Address: p.OIAddress.Address}
		p.Post = NewPostOffice(opts.PollInterval)
		ocOpts.MailFrom, oiOpts.MailFrom = p.OCAddress, p.OIAddress
		ocOpts.Mail, oiOpts.Mail = p.Post, p.Post
	default:
		return nil, fmt.Errorf("savtest: unknown protocol %v", opts.Protocol)
	}
	p.OCPeers = &sav.Peers{Operators: []sav.Peer{oiPeer}}
	p.OIPeers = &sav.Peers{Operators: []sav.Peer{ocPeer}}
	ocOpts.Peers, oiOpts.Peers = p.OCPeers, p.OIPeers
	if p.OC, err = sav.NewOC(ocOpts); err != nil {
		p.Close()
		return nil, err
	}
	if p.OI, err = sav.NewOI(oiOpts); err != nil {
		p.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	switch opts.Protocol {
	case V2:
		p.OCEndpoint.Handle("/sav/v2/oc", p.OC.V2Handler())
		p.OIEndpoint.Handle("/sav/v2/oi", p.OI.V2Handler())
	case V1A:
		for _, box := range []struct {
			addr     mail.Address
			code     string
			partners map[string]string
			h        v1a.MailHandler
			sub      string
		}{
			{p.OCAddress, opts.OCCode, map[string]string{p.OIAddress.Address: opts.OICode}, p.OC.MailHandler(), "oc"},
			{p.OIAddress, opts.OICode, map[string]string{p.OCAddress.Address: opts.OCCode}, p.OI.MailHandler(), "oi"},
		} {
			dir := filepath.Join(p.dirOr(opts.Dir), box.sub)
			if err := p.Post.Open(box.addr, box.code, dir, box.partners, box.h); err != nil {
				p.Close()
				return nil, err
			}
		}
		p.Post.Start(ctx)
	}
	for _, run := range []func(context.Context) error{p.OC.Run, p.OI.Run} {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			_ = run(ctx)
		}()
	}
	return p, nil
}

func (p *Pair) dirOr(d string) string {
	if d != "" {
		return d
	}
	return p.dir
}

// Close stops the dispatchers, the pollers and the servers, and removes the
// temporary Maildirs.
func (p *Pair) Close() {
	if p.cancel != nil {
		p.cancel()
	}
	p.wg.Wait()
	if p.Post != nil {
		p.Post.Wait()
	}
	if p.OCEndpoint != nil {
		p.OCEndpoint.Close()
	}
	if p.OIEndpoint != nil {
		p.OIEndpoint.Close()
	}
	if p.dir != "" {
		_ = os.RemoveAll(p.dir)
	}
}

// OCKey returns the OC's key of its ticket ref; OIKey the OI's.
func (p *Pair) OCKey(ref string) sav.Key { return p.OC.Key(ref) }

// OIKey returns the OI's key of the ticket the OC filed as ref.
func (p *Pair) OIKey(ref string) sav.Key {
	return sav.Key{Role: codes.RoleOI, CodeOC: p.OC.Code(), ReferenceSigSAVRaccoOC: ref}
}

// Filing returns a valid deposit of reference ref from the pair's OC to its
// OI, needing no home intervention (PM, COUPURE), dated yesterday: the
// smallest thing to File in a test.
func (p *Pair) Filing(ref string) *ticket.Filing {
	return Filing(p.OC.Code(), p.OI.Code(), ref)
}

// Filing returns a valid deposit of reference ref from codeOC to codeOI,
// needing no home intervention.
func Filing(codeOC, codeOI, ref string) *ticket.Filing {
	return &ticket.Filing{CodeOC: codeOC, CodeOI: codeOI, ReferenceSigSAVRaccoOC: ref,
		ReferencePrise: "FI-1234-5678", DateIncident: ticket.DateOf(time.Now().In(ticket.Paris).AddDate(0, 0, -1)),
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPM,
		Commentaire: "Pas de signal chez le client. Signal au PM : -19.43 dBm"}
}

// Handlers sends each event to every handler in turn.
type Handlers []sav.Handler

// HandleEvent implements sav.Handler.
func (hs Handlers) HandleEvent(ctx context.Context, e sav.Event) {
	for _, h := range hs {
		h.HandleEvent(ctx, e)
	}
}

// Recorder is a sav.Handler that keeps every event, for tests to inspect and
// wait for. It is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	events []sav.Event
	wake   chan struct{}
}

// HandleEvent implements sav.Handler.
func (r *Recorder) HandleEvent(_ context.Context, e sav.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	if r.wake != nil {
		close(r.wake)
		r.wake = nil
	}
	r.mu.Unlock()
}

// Events returns the events received so far, in order.
func (r *Recorder) Events() []sav.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sav.Event(nil), r.events...)
}

// Of returns the events received so far about the ticket of OC reference
// ref.
func (r *Recorder) Of(ref string) []sav.Event {
	var out []sav.Event
	for _, e := range r.Events() {
		if e.Key.ReferenceSigSAVRaccoOC == ref {
			out = append(out, e)
		}
	}
	return out
}

// Kinds returns the kinds of the events about ref, in order.
func (r *Recorder) Kinds(ref string) []sav.EventKind {
	var out []sav.EventKind
	for _, e := range r.Of(ref) {
		out = append(out, e.Kind)
	}
	return out
}

// DefaultWait bounds Wait.
const DefaultWait = 10 * time.Second

// Wait waits for an event of kind about the ticket of OC reference ref
// (any ticket when ref is empty) and returns the first such event; it fails
// the test after DefaultWait.
func (r *Recorder) Wait(t testing.TB, ref string, kind sav.EventKind) sav.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultWait)
	defer cancel()
	e, err := r.WaitFunc(ctx, func(e sav.Event) bool {
		return e.Kind == kind && (ref == "" || e.Key.ReferenceSigSAVRaccoOC == ref)
	})
	if err != nil {
		t.Fatalf("savtest: no %s event for %q: %v (got %v)", kind, ref, err, r.Kinds(ref))
	}
	return e
}

// WaitFunc waits until an event for which match returns true has been
// received (earlier events included) and returns the first one, or ctx's
// error.
func (r *Recorder) WaitFunc(ctx context.Context, match func(sav.Event) bool) (sav.Event, error) {
	seen := 0
	for {
		r.mu.Lock()
		for ; seen < len(r.events); seen++ {
			if match(r.events[seen]) {
				e := r.events[seen]
				r.mu.Unlock()
				return e, nil
			}
		}
		if r.wake == nil {
			r.wake = make(chan struct{})
		}
		wake := r.wake
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return sav.Event{}, ctx.Err()
		}
	}
}

// Endpoint is a loopback HTTP server (127.0.0.1) whose handlers are mounted
// by path, and which can be stopped and started again on the same address,
// to play a partner that is down for a while.
type Endpoint struct {
	// URL is http://127.0.0.1:PORT, without a trailing slash.
	URL string

	mu   sync.Mutex
	addr string
	mux  *http.ServeMux
	srv  *http.Server
}

// NewEndpoint starts an endpoint on a free loopback port.
func NewEndpoint() (*Endpoint, error) {
	ep := &Endpoint{mux: http.NewServeMux()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ep.addr = l.Addr().String()
	ep.URL = "http://" + ep.addr
	ep.serve(l)
	return ep, nil
}

// Handle mounts h on path.
func (ep *Endpoint) Handle(path string, h http.Handler) { ep.mux.Handle(path, h) }

func (ep *Endpoint) serve(l net.Listener) {
	srv := &http.Server{Handler: ep.mux, ReadHeaderTimeout: 10 * time.Second}
	ep.srv = srv
	go func() { _ = srv.Serve(l) }()
}

// Stop closes the listener and every connection: calls fail with a
// connection refused until Restart.
func (ep *Endpoint) Stop() {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.srv != nil {
		_ = ep.srv.Close()
		ep.srv = nil
	}
}

// Restart listens again on the same address.
func (ep *Endpoint) Restart() error {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.srv != nil {
		return nil
	}
	var l net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if l, err = net.Listen("tcp", ep.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("savtest: restart %s: %w", ep.addr, err)
	}
	ep.serve(l)
	return nil
}

// Close stops the endpoint for good.
func (ep *Endpoint) Close() { ep.Stop() }

// PostOffice is the 1.0a mail of a test: a v1a.Sender that delivers each
// message into the Maildir of its recipient address, and the Pollers that
// hand each Maildir's messages to its engine's handler.
type PostOffice struct {
	interval time.Duration
	mu       sync.Mutex
	boxes    map[string]*v1a.Maildir
	pollers  []*v1a.Poller
	wg       sync.WaitGroup
}

// NewPostOffice returns an empty post office polling every interval.
func NewPostOffice(interval time.Duration) *PostOffice {
	return &PostOffice{interval: interval, boxes: map[string]*v1a.Maildir{}}
}

// Open creates the Maildir of addr in dir, polled for operator code with
// handler h; partners maps sender addresses to operator codes.
func (po *PostOffice) Open(addr mail.Address, code, dir string, partners map[string]string, h v1a.MailHandler) error {
	md, err := v1a.OpenMaildir(dir)
	if err != nil {
		return err
	}
	po.mu.Lock()
	defer po.mu.Unlock()
	po.boxes[strings.ToLower(addr.Address)] = md
	po.pollers = append(po.pollers, &v1a.Poller{Mailbox: md, Handler: h, Replies: po, Self: addr, Operator: code,
		Partners: partners})
	return nil
}

// Maildir returns the mailbox of addr.
func (po *PostOffice) Maildir(addr string) *v1a.Maildir {
	po.mu.Lock()
	defer po.mu.Unlock()
	return po.boxes[strings.ToLower(addr)]
}

// Send implements v1a.Sender: it delivers m into each recipient's Maildir.
func (po *PostOffice) Send(ctx context.Context, m *v1a.Message) error {
	var errs []error
	for _, to := range m.Recipients() {
		md := po.Maildir(to)
		if md == nil {
			errs = append(errs, fmt.Errorf("savtest: no mailbox for %s", to))
			continue
		}
		if err := md.Send(ctx, m); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Start runs every poller until ctx ends.
func (po *PostOffice) Start(ctx context.Context) {
	po.mu.Lock()
	defer po.mu.Unlock()
	for _, p := range po.pollers {
		po.wg.Add(1)
		go func() {
			defer po.wg.Done()
			_ = p.Run(ctx, po.interval)
		}()
	}
}

// Wait waits for the pollers to stop.
func (po *PostOffice) Wait() { po.wg.Wait() }

var _ v1a.Sender = (*PostOffice)(nil)
var _ sav.Handler = (*Recorder)(nil)

// LoseResponses returns a handler that lets h process every request but,
// for the first n POSTs, closes the connection instead of sending h's
// answer: the partner did the work and the caller never learns it (a lost
// response). Later requests are answered normally.
func LoseResponses(h http.Handler, n int) http.Handler {
	var mu sync.Mutex
	left := n
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lose := r.Method == http.MethodPost && left > 0
		if lose {
			left--
		}
		mu.Unlock()
		if !lose {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(discard{header: http.Header{}}, r)
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "lost", http.StatusBadGateway)
			return
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
}

type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// V2Client returns a protocol 2.0 client of the pair (V2 only) for tests
// that speak the protocol directly: as the OC towards the OI's endpoint
// (role OC), or as the OI towards the OC's endpoint (role OI), with the
// pair's basic credentials.
func (p *Pair) V2Client(role codes.Role) (*v2.Client, error) {
	if p.Protocol != V2 {
		return nil, errors.New("savtest: V2Client needs a V2 pair")
	}
	var peer sav.Peer
	switch role {
	case codes.RoleOC:
		peer = p.OCPeers.Operators[0]
	case codes.RoleOI:
		peer = p.OIPeers.Operators[0]
	default:
		return nil, fmt.Errorf("savtest: V2Client: role %q", role)
	}
	doer, err := peer.Doer(nil)
	if err != nil {
		return nil, err
	}
	return v2.NewClient(doer, peer.V2.URL, v2.ClientOptions{Role: role, CodeOC: p.OC.Code(), CodeOI: p.OI.Code()})
}
