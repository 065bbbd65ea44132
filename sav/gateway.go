package sav

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// DefaultRelayTimeout bounds how long a gateway waits for the real OI's AR
// before answering a 2.0 create with return code 21 (the OC retries).
const DefaultRelayTimeout = 30 * time.Second

// GatewayOptions configures a Gateway.
type GatewayOptions struct {
	// Upstream configures the gateway's OI engine, facing the OCs: its Code
	// is the real OI's code (the OCs address their tickets to it), its
	// Peers the OCs.
	Upstream Options
	// Downstream configures the gateway's OC engine, facing the real OI:
	// its Code is the OC's code it files for, its Peers the real OI.
	// Downstream.Store may be Upstream.Store: the roles keep the two copies
	// of a ticket apart.
	Downstream Options
	// RelayTimeout bounds the wait for the real OI's AR; zero means
	// DefaultRelayTimeout.
	RelayTimeout time.Duration
	// Handler, when set, also receives both engines' events (after the
	// gateway relayed them).
	Handler Handler
}

// Gateway relays tickets between an OC and an OI that speak different
// protocols (a 2.0 OC and a 1.0a OI, or the reverse): it is an OI engine
// towards the OC and an OC engine towards the OI, and turns each step
// received on one side into the same step on the other. The package
// documentation lists the mapping rules.
//
// A Gateway serves one OC code towards one OI code (Downstream.Code and
// Upstream.Code); run one per pair. It is safe for concurrent use.
type Gateway struct {
	// OI faces the OCs: mount OI.V2Handler and poll OI.MailHandler.
	OI *OI
	// OC faces the real OI: mount OC.V2Handler and poll OC.MailHandler.
	OC *OC

	opts    GatewayOptions
	mu      sync.Mutex
	waiting map[string]chan struct{}
}

// NewGateway returns a gateway; run it with Gateway.Run.
func NewGateway(opts GatewayOptions) (*Gateway, error) {
	if opts.RelayTimeout == 0 {
		opts.RelayTimeout = DefaultRelayTimeout
	}
	g := &Gateway{opts: opts, waiting: map[string]chan struct{}{}}
	up, down := opts.Upstream, opts.Downstream
	// A relay must get through: what 1.0a cannot carry is logged, not
	// refused (the OC or the OI made the step already).
	up.AcceptLoss, down.AcceptLoss = true, true
	up.Handler = HandlerFunc(g.fromOC)
	down.Handler = HandlerFunc(g.fromOI)
	var err error
	if g.OI, err = NewOI(up); err != nil {
		return nil, err
	}
	if g.OC, err = NewOC(down); err != nil {
		return nil, err
	}
	g.OI.relay = g.relay
	g.OI.created = g.created
	g.OI.e.vet = g.vetFromOC
	return g, nil
}

// Run runs the outbox dispatchers until ctx ends: one per engine, or a
// single one when both engines share a Store (each delivery then goes
// through the engine whose peers know its destination).
func (g *Gateway) Run(ctx context.Context) error {
	if g.opts.Upstream.Store == g.opts.Downstream.Store {
		src := g.OI.e.disp
		d := &Dispatcher{Outbox: src.Outbox, Backoff: src.Backoff, MaxAttempts: src.MaxAttempts,
			Concurrency: src.Concurrency, Poll: src.Poll, Logger: src.Logger}
		d.Deliverer = DelivererFunc(func(ctx context.Context, del *Delivery) error {
			for _, e := range []*engine{g.OI.e, g.OC.e} {
				if _, ok := e.opts.Peers.Lookup(del.Destination.Code); ok {
					return e.disp.Deliverer.Deliver(ctx, del)
				}
			}
			return Permanent(fmt.Errorf("%w: no peer %q on either side of the gateway", ErrUnknownPeer,
				del.Destination.Code))
		})
		return d.Run(ctx)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, run := range []func(context.Context) error{g.OI.Run, g.OC.Run} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = run(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (g *Gateway) oiPeer() (*Peer, error) { return g.OC.e.peer(g.opts.Upstream.Code) }

// downKey is the key of the downstream copy of the upstream ticket t.
func (g *Gateway) downKey(t *ticket.Ticket) Key {
	return Key{Role: codes.RoleOC, CodeOC: t.CodeOC, ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC}
}

func (g *Gateway) upKey(t *ticket.Ticket) Key {
	return Key{Role: codes.RoleOI, CodeOC: t.CodeOC, ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC}
}

// relay files a deposit with the real OI and waits for its AR.
func (g *Gateway) relay(ctx context.Context, submitted *ticket.Ticket) (string, time.Time, error) {
	peer, err := g.oiPeer()
	if err != nil {
		return "", time.Time{}, &v2.Refusal{Code: codes.ReturnCodeUnreachable, Reason: err.Error()}
	}
	if err := CheckFiling(peer.Protocol(), &submitted.Filing); err != nil {
		var ue *UnsupportedError
		if errors.As(err, &ue) {
			return "", time.Time{}, &v2.Refusal{Code: ue.Code, Field: ue.Field, Reason: ue.Reason}
		}
		return "", time.Time{}, err
	}
	ref := submitted.ReferenceSigSAVRaccoOC
	wake := g.watch(ref)
	defer g.unwatch(ref)
	t, err := g.OC.File(ctx, &submitted.Filing)
	if err != nil {
		if t == nil {
			return "", time.Time{}, &v2.Refusal{Code: codes.ReturnCodeUnreachable, Reason: err.Error()}
		}
	}
	timer := time.NewTimer(g.opts.RelayTimeout)
	defer timer.Stop()
	for {
		t, err := g.OC.Ticket(ctx, g.downKey(submitted))
		if err != nil {
			return "", time.Time{}, err
		}
		switch t.State {
		case ticket.StateRejected:
			r := t.Rejet
			return "", time.Time{}, &v2.Refusal{Code: r.CodeRetour, Reason: r.MotifRefus}
		case ticket.StateSubmitted:
		default:
			return t.ReferenceSigSAVOI, t.DatePriseEnCompte, nil
		}
		select {
		case <-wake:
			wake = g.watch(ref)
		case <-timer.C:
			return "", time.Time{}, &v2.Refusal{Code: codes.ReturnCodeNoResponse,
				Reason: "the OI " + peer.Code + " has not acknowledged the ticket yet"}
		case <-ctx.Done():
			return "", time.Time{}, ctx.Err()
		}
	}
}

func (g *Gateway) watch(ref string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch, ok := g.waiting[ref]
	if !ok {
		ch = make(chan struct{})
		g.waiting[ref] = ch
	}
	return ch
}

func (g *Gateway) unwatch(ref string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.waiting, ref)
}

func (g *Gateway) signal(ref string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if ch, ok := g.waiting[ref]; ok {
		close(ch)
		delete(g.waiting, ref)
	}
}

// created relays a prise en charge the real OI made before the OC's
// ticket existed (the implied one of a 1.0a AR OK).
func (g *Gateway) created(ctx context.Context, up *ticket.Ticket) {
	down, err := g.OC.Ticket(ctx, g.downKey(up))
	if err != nil || up.State != ticket.StateQueued {
		return
	}
	if down.State == ticket.StateOpenActive || down.State == ticket.StateCancelRequested {
		if _, err := g.OI.TakeCharge(ctx, g.upKey(up), down.EtatResolution); err != nil {
			g.log("relaying the prise en charge", up, err)
		}
	}
}

// vetFromOC refuses, before it is applied, a step of the OC the real OI's
// protocol cannot carry (a cancellation to a 1.0a OI: 11).
func (g *Gateway) vetFromOC(t *ticket.Ticket, r ticket.Record) error {
	if r.Sender != codes.RoleOC {
		return nil
	}
	peer, err := g.oiPeer()
	if err != nil {
		return &v2.Refusal{Code: codes.ReturnCodeUnreachable, Reason: err.Error()}
	}
	if err := CheckTransaction(peer.Protocol(), r.Transaction); err != nil {
		var ue *UnsupportedError
		if errors.As(err, &ue) {
			return &v2.Refusal{Code: ue.Code, Field: ue.Field, Reason: ue.Reason}
		}
		return err
	}
	return nil
}

// fromOC relays what the OC did (upstream events) to the real OI.
func (g *Gateway) fromOC(ctx context.Context, ev Event) {
	switch ev.Kind {
	case EventInformation, EventCancelled, EventCancelRequested:
		tx := ev.Transaction.Transaction
		tx.Version, tx.ResyncRequired = 0, false
		if _, err := g.OC.Send(ctx, g.downKey(ev.Ticket), tx); err != nil {
			g.log("relaying "+tx.Kind.String()+" to the OI", ev.Ticket, err)
		}
	}
	if h := g.opts.Handler; h != nil {
		h.HandleEvent(ctx, ev)
	}
}

// fromOI relays what the real OI did (downstream events) to the OC.
func (g *Gateway) fromOI(ctx context.Context, ev Event) {
	up := g.upKey(ev.Ticket)
	switch ev.Kind {
	case EventAcknowledged, EventRejected:
		g.signal(ev.Key.ReferenceSigSAVRaccoOC)
	case EventTakenInCharge:
		if ev.Implicit() {
			g.signal(ev.Key.ReferenceSigSAVRaccoOC)
			break
		}
		if _, err := g.OI.TakeCharge(ctx, up, ev.Transaction.EtatResolution); err != nil && !errors.Is(err, ErrNotFound) {
			g.log("relaying the prise en charge", ev.Ticket, err)
		}
	case EventInformation:
		tx := ev.Transaction.Transaction
		if _, err := g.OI.Inform(ctx, up, Information{Message: tx.Message, EtatResolution: tx.EtatResolution,
			Intervention: tx.Intervention, Rdv: tx.Rdv}); err != nil {
			g.log("relaying information", ev.Ticket, err)
		}
	case EventClosed:
		if c := ev.Transaction.Cloture; c != nil {
			closure := *c
			if peer, err := g.OI.e.peer(ev.Ticket.CodeOC); err == nil && peer.Protocol() == ProtocolV1A {
				closure = V1AClosure(closure)
			}
			if _, err := g.OI.Close(ctx, up, closure); err != nil {
				g.log("relaying the closure", ev.Ticket, err)
			}
		}
	}
	if h := g.opts.Handler; h != nil {
		h.HandleEvent(ctx, ev)
	}
}

func (g *Gateway) log(what string, t *ticket.Ticket, err error) {
	if l := g.opts.Upstream.Logger; l != nil {
		l.Error("sav: gateway: "+what, "ticket", t.ReferenceSigSAVRaccoOC, "error", err)
	}
}

// CheckFiling reports whether a deposit can be carried to an OI speaking
// proto, as an *UnsupportedError otherwise: 1.0a carries no EXPERTISE (11
// on typeSAV), and a deposit that needs a home intervention must come with
// an appointment in 1.0a (1 on rdv). The gateway and `savctl convert` use it.
func CheckFiling(proto Protocol, f *ticket.Filing) error {
	if proto != ProtocolV1A {
		return nil
	}
	if f.TypeSAV == codes.TypeSAVExpertise {
		return &UnsupportedError{Partner: f.CodeOI, Protocol: proto, Operation: string(codes.TypeSAVExpertise),
			Code: codes.ReturnCodeNotAllowed, Field: "typeSAV",
			Reason: "protocol 1.0a cannot carry an expertise contradictoire"}
	}
	if f.NeedsHomeIntervention() && (f.Rdv == nil || (f.Rdv.IdRdv == "" && len(f.Rdv.Creneaux) == 0)) {
		return &UnsupportedError{Partner: f.CodeOI, Protocol: proto, Operation: "CREATE",
			Code: codes.ReturnCodeMissing, Field: "rdv",
			Reason: "a home intervention needs an appointment to be filed over protocol 1.0a"}
	}
	return nil
}

// CheckTransaction reports whether a transaction can be carried to a
// partner speaking proto: 1.0a has no cancellation flow (11) and no explicit
// CASE SOLVING NOTIFICATION (its AR OK implies it).
func CheckTransaction(proto Protocol, tx ticket.Transaction) error {
	if proto != ProtocolV1A {
		return nil
	}
	switch tx.Kind {
	case ticket.KindCancel, ticket.KindCancelRequest, ticket.KindCaseSolving:
		return &UnsupportedError{Protocol: proto, Operation: tx.Kind.String(), Code: codes.ReturnCodeNotAllowed,
			Reason: "protocol 1.0a has no flow for " + strings.ToLower(tx.Kind.String())}
	}
	return nil
}

// V1AClosure returns the closure as 1.0a carries it without loss: CLOTURE
// has no description column, so the description goes first in the
// comment ("description | comment").
func V1AClosure(c ticket.Closure) ticket.Closure {
	if c.Description != "" {
		c.Commentaire = strings.TrimSpace(strings.TrimSuffix(c.Description+" | "+c.Commentaire, " | "))
		c.Description = ""
	}
	return c
}

// V1ARecord returns the 1.0a record carrying tx on ticket t (as it was
// before tx) and what 1.0a loses of it; a step 1.0a cannot carry is an
// *UnsupportedError.
func V1ARecord(t *ticket.Ticket, tx ticket.Transaction) (v1a.Record, []v1a.Loss, error) {
	if err := CheckTransaction(ProtocolV1A, tx); err != nil {
		return nil, nil, err
	}
	rec, loss, err := v1a.FromTransaction(t, tx)
	if errors.Is(err, v1a.ErrNotCarried) {
		return nil, nil, &UnsupportedError{Protocol: ProtocolV1A, Operation: tx.Kind.String(),
			Code: codes.ReturnCodeNotAllowed, Reason: err.Error()}
	}
	return rec, loss, err
}

// V2SetRequest returns the 2.0 set request carrying tx on ticket t (the
// version tx.Version says). It names both keys of the ticket, the OI's id
// and the OC's reference (tt:customerTroubleNum), so that the receiver
// refuses it rather than apply it to another ticket of the same OI id.
func V2SetRequest(t *ticket.Ticket, tx ticket.Transaction, p *v2.Profile) (*v2.SetTroubleTicketByValueRequest, error) {
	if t.ReferenceSigSAVOI == "" {
		return nil, fmt.Errorf("sav: %s has no OI id: a set needs one", t.ReferenceSigSAVRaccoOC)
	}
	req, err := v2.NewSetRequest(t.ReferenceSigSAVOI, t.CodeOC, t.CodeOI, &tx, p)
	if err != nil {
		return nil, err
	}
	if t.ReferenceSigSAVRaccoOC != "" {
		req.Value.CustomerTroubleNum = v2.Some(t.ReferenceSigSAVRaccoOC)
	}
	return req, nil
}
