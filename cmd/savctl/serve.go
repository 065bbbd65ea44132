package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv/plancharge"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/v2"
)

const serveUsage = "savctl serve --role oi|oc [--addr 127.0.0.1:8080] [--code CODE] [--peers FILE] " +
	"[--maildir DIR [--address ADDR] [--poll D]] [--autoplay DELAY] [--retry D] [--state FILE] [--travaux FILE]"

// Default operator codes of the sandbox, by role.
var sandboxCodes = map[codes.Role]string{codes.RoleOI: "SBOI", codes.RoleOC: "SBOC"}

// serveConfig is what the endpoints of a sandbox are built from.
type serveConfig struct {
	role   codes.Role
	code   string
	peers  *sav.Peers
	logger *slog.Logger
	stderr io.Writer
	// Exactly one engine is set, the one of the role.
	oi *sav.OI
	oc *sav.OC
	// planning is the OI's Plan de charge, where OCs book slots.
	planning *plancharge.MemPlanning
	// travaux is the JSON file of the OI's works notices (--travaux).
	travaux string
}

// endpoint is one web service the sandbox serves, on a fixed path
// (SAVCTL.md, "serve").
type endpoint struct {
	path    string
	handler http.Handler
}

// endpointProviders build the sandbox's endpoints, one provider per
// protocol or service; each returns nothing for a role it does not serve.
var endpointProviders = []func(*serveConfig) ([]endpoint, error){v2Endpoints, planChargeEndpoints, infoTravauxEndpoints}

// v2Endpoints serves protocol 2.0 through the engine: /sav/v2/oi for an
// OI, /sav/v2/oc for an OC. The OC's endpoint also takes the deposits a
// tester files through the sandbox (see ocFilingHandler).
func v2Endpoints(cfg *serveConfig) ([]endpoint, error) {
	if cfg.role == codes.RoleOI {
		return []endpoint{{"/sav/v2/oi", cfg.oi.V2Handler()}}, nil
	}
	return []endpoint{{"/sav/v2/oc", ocFilingHandler(cfg.oc, cfg.oc.V2Handler(), cfg.logger)}}, nil
}

// serveFlags are the options of serve.
type serveFlags struct {
	role              codes.Role
	addr, code, peers string
	maildir, address  string
	poll              time.Duration
	autoplay          time.Duration
	retry             time.Duration
	state             string
	travaux           string
}

func parseServeFlags(args []string) (*serveFlags, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	roleText := fs.String("role", "", "oi or oc")
	f := &serveFlags{}
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	fs.StringVar(&f.code, "code", "", "the sandbox's operator code (default SBOI or SBOC)")
	fs.StringVar(&f.peers, "peers", "", "JSON file of the partners and their credentials")
	fs.StringVar(&f.maildir, "maildir", "", "directory of the Maildirs of protocol 1.0a, one per address")
	fs.StringVar(&f.address, "address", "", "the sandbox's 1.0a address (default sav-ftth@CODE.sandbox, lower case)")
	fs.DurationVar(&f.poll, "poll", time.Second, "how often the 1.0a Maildir is polled")
	fs.DurationVar(&f.autoplay, "autoplay", 0, "play the role, each step after this delay (0: off)")
	fs.DurationVar(&f.retry, "retry", sav.DefaultBackoff.Initial,
		"first wait before a notification is sent again to a partner that is down (doubling, up to 30 times it)")
	fs.StringVar(&f.state, "state", "", "JSON file keeping the sandbox's tickets across restarts")
	fs.StringVar(&f.travaux, "travaux", "", "JSON array of the works notices the OI's InfoTravaux service publishes")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usagef("unexpected argument %q", rest[0])
	}
	role, err := codes.ParseRole(*roleText)
	if err != nil || !role.Valid() {
		return nil, usagef("--role %q: want oi or oc", *roleText)
	}
	f.role = role
	if f.code == "" {
		f.code = sandboxCodes[role]
	}
	if codes.ValidOperatorCode(f.code) != nil {
		return nil, usagef("--code %q: want four upper-case letters or digits", f.code)
	}
	switch {
	case f.autoplay < 0:
		return nil, usagef("--autoplay %v: want a positive delay", f.autoplay)
	case f.poll <= 0:
		return nil, usagef("--poll %v: want a positive interval", f.poll)
	case f.retry <= 0:
		return nil, usagef("--retry %v: want a positive duration", f.retry)
	case f.travaux != "" && f.role != codes.RoleOI:
		return nil, usagef("--travaux is for an OI")
	case f.address != "" && f.maildir == "":
		return nil, usagef("--address needs --maildir")
	}
	if f.address == "" {
		f.address = "sav-ftth@" + strings.ToLower(f.code) + ".sandbox"
	}
	if _, err := mail.ParseAddress(f.address); err != nil {
		return nil, usagef("--address %q: %v", f.address, err)
	}
	return f, nil
}

func runServe(ctx context.Context, e *env, args []string) int {
	f, err := parseServeFlags(args)
	if err != nil {
		return fail(e, "serve", err, serveUsage)
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	cfg := &serveConfig{role: f.role, code: f.code, stderr: e.stderr, logger: logger, peers: &sav.Peers{},
		travaux: f.travaux}
	if f.peers != "" {
		if cfg.peers, err = sav.LoadPeers(f.peers); err != nil {
			return fail(e, "serve", err, "")
		}
	}
	auth, trusted, err := cfg.peers.Authenticator()
	if err != nil {
		return fail(e, "serve", err, "")
	}
	if trusted {
		field := "codeOC"
		if f.role == codes.RoleOC {
			field = "codeOI"
		}
		why := "no --peers"
		if f.peers != "" {
			why = "no peer presents credentials"
		}
		fmt.Fprintf(e.stderr, "savctl serve: %s: authentication is off, the sandbox trusts the %s of the sav:entete header\n",
			why, field)
	}

	if f.autoplay > 0 && len(cfg.peers.Operators) == 0 {
		fmt.Fprintln(e.stderr, "savctl serve: --autoplay without partners in --peers: its steps cannot be notified to anyone")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	handlers := sav.Handler(eventLogger{logger})
	var play *autoplayer
	if f.autoplay > 0 {
		play = &autoplayer{ctx: ctx, wg: &wg, delay: f.autoplay, logger: logger}
		handlers = handlerList{handlers, play}
	}
	store := newSandboxStore()
	if f.state != "" {
		n, err := loadState(ctx, f.state, f.role, f.code, store)
		if err != nil {
			return fail(e, "serve", err, "")
		}
		fmt.Fprintf(e.stderr, "savctl serve: %d %s loaded from %s\n", n, plural(n, "ticket", "tickets"), f.state)
	}
	opts := sav.Options{Code: f.code, Store: store, Peers: cfg.peers, Handler: handlers, Auth: auth, TrustHeader: trusted,
		Logger: logger, Backoff: sav.Backoff{Initial: f.retry, Max: 30 * f.retry, Multiplier: 2, Jitter: 0.2}}
	var box *maildirBox
	if f.maildir != "" {
		if box, err = openMaildirs(f.maildir, f.address); err != nil {
			return fail(e, "serve", err, "")
		}
		opts.MailFrom, opts.Mail = mail.Address{Address: f.address}, box
	}
	var run func(context.Context) error
	if f.role == codes.RoleOI {
		if cfg.oi, err = sav.NewOI(opts); err != nil {
			return fail(e, "serve", err, "")
		}
		run = cfg.oi.Run
	} else {
		if cfg.oc, err = sav.NewOC(opts); err != nil {
			return fail(e, "serve", err, "")
		}
		run = cfg.oc.Run
	}
	if play != nil {
		play.oi, play.oc = cfg.oi, cfg.oc
		if err := play.resume(store); err != nil {
			return fail(e, "serve", err, "")
		}
	}

	mux := http.NewServeMux()
	var eps []endpoint
	for _, provide := range endpointProviders {
		got, err := provide(cfg)
		if err != nil {
			return fail(e, "serve", err, "")
		}
		eps = append(eps, got...)
	}
	for _, ep := range eps {
		mux.Handle(ep.path, ep.handler)
	}
	if play != nil {
		play.planning = cfg.planning
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fail(e, "serve", err, "")
	}
	srv := v2.NewHTTPServer(ln.Addr().String(), mux)
	base := "http://" + ln.Addr().String()
	for _, ep := range eps {
		fmt.Fprintf(e.stdout, "listening %s %s%s\n", ep.path, base, ep.path)
	}
	if box != nil {
		fmt.Fprintf(e.stderr, "savctl serve: 1.0a mail for %s is read from %s; outbound mail goes to %s/ADDRESS\n",
			f.address, box.inbox.Dir(), box.root)
	}
	if f, ok := e.stdout.(*os.File); ok {
		_ = f.Sync()
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := run(ctx); err != nil && ctx.Err() == nil {
			logger.Error("outbox dispatcher stopped", "err", err)
		}
	}()
	if box != nil {
		var h = cfg.oc.MailHandler
		if cfg.oi != nil {
			h = cfg.oi.MailHandler
		}
		poller := box.poller(f.code, mail.Address{Address: f.address}, cfg.peers, h(), logger)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := poller.Run(ctx, f.poll); err != nil && ctx.Err() == nil {
				logger.Error("maildir poller stopped", "err", err)
			}
		}()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fail(e, "serve", err, "")
	case <-ctx.Done():
	}
	shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := srv.Shutdown(shutdown); err != nil {
		return fail(e, "serve", err, "")
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(e, "serve", err, "")
	}
	cancel()
	wg.Wait()
	if f.state != "" {
		n, err := saveState(context.Background(), f.state, f.role, f.code, store)
		if err != nil {
			return fail(e, "serve", err, "")
		}
		fmt.Fprintf(e.stderr, "savctl serve: %d %s saved to %s\n", n, plural(n, "ticket", "tickets"), f.state)
	}
	fmt.Fprintf(e.stderr, "savctl serve: %s stopped\n", strings.ToUpper(string(f.role)))
	return exitOK
}

// eventLogger logs each step a partner made, one record per event.
type eventLogger struct{ logger *slog.Logger }

func (l eventLogger) HandleEvent(_ context.Context, ev sav.Event) {
	id := ev.Transaction.ReferenceSigSAVOI
	if ev.Ticket != nil {
		id = ev.Ticket.ReferenceSigSAVOI
	}
	l.logger.Info("ticket event", "kind", ev.Kind.String(), "role", string(ev.Role),
		"ref", ev.Key.ReferenceSigSAVRaccoOC, "codeOC", ev.Key.CodeOC, "id", id,
		"partner", ev.Partner, "protocol", string(ev.Protocol), "state", ev.Transaction.State.String(),
		"version", ev.Transaction.Version, "implicit", ev.Implicit())
}

// handlerList hands each event to every handler in order.
type handlerList []sav.Handler

func (hs handlerList) HandleEvent(ctx context.Context, ev sav.Event) {
	for _, h := range hs {
		h.HandleEvent(ctx, ev)
	}
}
