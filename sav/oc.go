package sav

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// OC is the commercial operator's engine: it files signalisations with its
// OIs (OC.File), sends them information and appointment messages
// (OC.Inform, OC.ProposeRdv, OC.AnswerRdv), cancels (OC.Cancel), resyncs
// (OC.Resync) and searches (OC.Search), each in the protocol of the OI its
// peer entry gives (2.0 when it has an endpoint, else 1.0a). What the OIs
// answer and notify — AR OK or KO, prise en charge, information, closure —
// comes back as the same [Event]s whatever the protocol, from the 1.0a
// mailbox (OC.MailHandler) and the 2.0 web service the OIs call
// (OC.V2Handler).
//
// Calls to a 2.0 OI are synchronous: the OI's answer is applied to our copy
// before the call returns. Messages to a 1.0a OI go through the outbox
// (run OC.Run), and its answers come by mail.
//
// An OC is safe for concurrent use.
type OC struct {
	e       *engine
	handler http.Handler
}

// NewOC returns the OC engine of opts.Code.
func NewOC(opts Options) (*OC, error) {
	e, err := newEngine(codes.RoleOC, opts)
	if err != nil {
		return nil, err
	}
	c := &OC{e: e}
	srv, err := v2.NewOCServer(v2Store{e}, v2.ServerOptions{Code: opts.Code, Auth: e.opts.Auth, Profile: e.p,
		Now: opts.Now, Logger: opts.Logger, Journal: v2Journal{e}})
	if err != nil {
		return nil, err
	}
	c.handler = srv
	return c, nil
}

// Code returns our operator code.
func (c *OC) Code() string { return c.e.opts.Code }

// Run delivers the outbox (the mail to 1.0a OIs) until ctx ends.
func (c *OC) Run(ctx context.Context) error { return c.e.run(ctx) }

// Wake makes a running dispatcher read the outbox now.
func (c *OC) Wake() { c.e.disp.Wake() }

// V2Handler returns the protocol 2.0 web service the OIs call (mount it on
// /sav/v2/oc). The answer to each notification of an authenticated OI is
// journaled before it is sent; the same notification received again from
// that OI gets the same answer and is applied once.
func (c *OC) V2Handler() http.Handler { return c.handler }

// MailHandler returns the handler of the 1.0a mailbox where the OIs send
// their AR, INFO and CLOTURE files (run it with a v1a.Poller).
func (c *OC) MailHandler() v1a.MailHandler { return v1a.MailHandlerFunc(c.handleMail) }

// Key returns the key of our ticket of reference ref.
func (c *OC) Key(ref string) Key {
	return Key{Role: codes.RoleOC, CodeOC: c.e.opts.Code, ReferenceSigSAVRaccoOC: ref}
}

// Ticket returns our copy of a ticket.
func (c *OC) Ticket(ctx context.Context, key Key) (*ticket.Ticket, error) {
	return c.e.opts.Store.Get(ctx, key)
}

// List returns our tickets that q selects (q.Role is set to OC).
func (c *OC) List(ctx context.Context, q Query) ([]*ticket.Ticket, error) {
	q.Role = codes.RoleOC
	return c.e.opts.Store.List(ctx, q)
}

// File files a signalisation with the OI f.CodeOI (f.CodeOC defaults to
// ours) and returns our copy of the ticket.
//
// With a 2.0 OI the create is answered at once: the ticket comes back
// Queued with the OI's id (AR OK), or Rejected with the OI's return code
// (AR KO; that is no error), and EventAcknowledged or EventRejected is
// emitted as for 1.0a. A failure that may be temporary leaves the ticket
// Submitted and returns the error: calling File again with the same filing
// sends it again, and a duplicate answer (100 with the existing key)
// recovers the ticket the lost answer had created.
//
// With a 1.0a OI the DEPOT file goes to the outbox and the ticket comes
// back Submitted; the AR comes by mail as an event (an AR OK also starts
// the prise en charge: EventAcknowledged then EventTakenInCharge). An
// EXPERTISE cannot be filed over 1.0a: *UnsupportedError.
//
// Filing again a reference we already filed returns the stored ticket.
func (c *OC) File(ctx context.Context, f *ticket.Filing) (*ticket.Ticket, error) {
	e := c.e
	filing := *f
	if filing.CodeOC == "" {
		filing.CodeOC = e.opts.Code
	}
	if filing.CodeOC != e.opts.Code {
		return nil, fmt.Errorf("sav: File: CodeOC %s is not ours (%s)", filing.CodeOC, e.opts.Code)
	}
	peer, err := e.peer(filing.CodeOI)
	if err != nil {
		return nil, err
	}
	t := &ticket.Ticket{}
	if err := t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: e.now(), Filing: &filing}); err != nil {
		return nil, err
	}
	if peer.Protocol() == ProtocolV1A {
		return c.fileV1A(ctx, peer, t)
	}
	stored, err := e.opts.Store.Create(ctx, codes.RoleOC, t, Effects{})
	recover := false
	if err != nil {
		var de *DuplicateError
		if !errors.As(err, &de) {
			return nil, err
		}
		if de.Existing.State != ticket.StateSubmitted {
			return de.Existing, nil
		}
		stored, recover = de.Existing, true
	}
	e.created(stored)
	return c.createV2(ctx, peer, stored, recover)
}

func (c *OC) fileV1A(ctx context.Context, peer *Peer, t *ticket.Ticket) (*ticket.Ticket, error) {
	e := c.e
	d, loss, err := v1a.DepotFromFiling(&t.Filing)
	if err == nil {
		err = e.checkLoss(peer.Code, "CREATE", loss)
	}
	if err != nil {
		if errors.Is(err, v1a.ErrNotCarried) {
			return nil, &UnsupportedError{Partner: peer.Code, Protocol: ProtocolV1A, Operation: string(codes.TypeSAVExpertise),
				Code: codes.ReturnCodeNotAllowed, Field: "typeSAV", Reason: err.Error()}
		}
		return nil, err
	}
	name, err := e.fileName(ctx, v1a.FlowDepot, peer.Code)
	if err != nil {
		return nil, err
	}
	del, err := e.namedMail(peer, name, []v1a.Record{d}, "")
	if err != nil {
		return nil, err
	}
	stored, err := e.opts.Store.Create(ctx, codes.RoleOC, t, Effects{Deliveries: []Delivery{del}})
	if err != nil {
		var de *DuplicateError
		if errors.As(err, &de) {
			return de.Existing, nil
		}
		return nil, err
	}
	e.created(stored)
	e.disp.Wake()
	return stored, nil
}

// createV2 sends the create of a Submitted ticket and applies the answer.
func (c *OC) createV2(ctx context.Context, peer *Peer, t *ticket.Ticket, recover bool) (*ticket.Ticket, error) {
	e := c.e
	cl, err := e.client(peer, t.CodeOC, t.CodeOI)
	if err != nil {
		return t, err
	}
	res, err := cl.Create(ctx, &t.Filing, &v2.CreateOptions{Retries: e.opts.CreateRetries,
		Backoff: e.opts.CreateBackoff, RecoverDuplicate: recover})
	key := KeyOf(codes.RoleOC, t)
	var tx ticket.Transaction
	switch {
	case err == nil:
		at := res.Ticket.DatePriseEnCompte
		if at.IsZero() {
			at = e.now()
		}
		tx = ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: at, ReferenceSigSAVOI: res.Key}
	case v2.Temporary(err) || ctx.Err() != nil:
		return t, err
	default:
		var fe *v2.FaultError
		if !errors.As(err, &fe) {
			return t, err
		}
		tx = ticket.Transaction{Kind: ticket.KindReject, Sender: codes.RoleOI, At: e.now(),
			Rejet: &ticket.Rejection{CodeRetour: fe.ReturnCode(), MotifRefus: fe.Message()}}
	}
	var from int
	out, uerr := e.opts.Store.Update(ctx, key, func(t *ticket.Ticket) (Effects, error) {
		from = len(t.History)
		if err := t.Apply(tx); err != nil {
			return Effects{}, err
		}
		if err == nil && res.Recovered && res.Ticket != nil && res.Ticket.Version > 0 {
			adopt(t, res.Ticket)
		}
		return Effects{}, nil
	})
	if uerr != nil {
		return t, uerr
	}
	e.emit(ctx, t.CodeOI, ProtocolV2, from, out)
	return out, nil
}

// adopt takes the partner's view of a ticket (resynchronisation): its state,
// version and what the OI said, keeping our filing and history.
func adopt(t, theirs *ticket.Ticket) {
	t.State, t.Version, t.EtatResolution = theirs.State, theirs.Version, theirs.EtatResolution
	t.Intervention, t.Cloture, t.Rejet = theirs.Intervention, theirs.Cloture, theirs.Rejet
	if !theirs.DatePriseEnCompte.IsZero() {
		t.DatePriseEnCompte = theirs.DatePriseEnCompte
	}
	if theirs.Rdv != nil {
		t.Rdv = theirs.Rdv
	}
	if theirs.UpdatedAt.After(t.UpdatedAt) {
		t.UpdatedAt = theirs.UpdatedAt
	}
}

// Inform sends CO CASE INFORMATION NOTIFICATION: a typed message, the
// customer's contact, appointment slots.
func (c *OC) Inform(ctx context.Context, key Key, in Information) (*ticket.Ticket, error) {
	return c.Send(ctx, key, in.transaction(ticket.KindCOInformation))
}

// ProposeRdv proposes 1 to 3 appointment slots (PROPOSITION RDV).
func (c *OC) ProposeRdv(ctx context.Context, key Key, slots ...ticket.Slot) (*ticket.Ticket, error) {
	return c.Inform(ctx, key, Information{Message: &ticket.Message{Type: codes.TypeMessagePropositionRdv, Date: c.e.now()},
		Rdv: &ticket.Appointment{Creneaux: slots}})
}

// AnswerRdv answers the OI's request or proposal (REPONSE RDV) with the
// slots picked or offered.
func (c *OC) AnswerRdv(ctx context.Context, key Key, slots ...ticket.Slot) (*ticket.Ticket, error) {
	return c.Inform(ctx, key, Information{Message: &ticket.Message{Type: codes.TypeMessageReponseRdv, Date: c.e.now()},
		Rdv: &ticket.Appointment{Creneaux: slots}})
}

// Cancel cancels a ticket: CASE CANCELATION while the OI has not taken it
// in charge (Queued: closed at once), CASE CANCELATION REQUEST once it has
// (OpenActive: the OI must close it). Protocol 1.0a cannot carry either: an
// *UnsupportedError (code 11) and nothing changes.
func (c *OC) Cancel(ctx context.Context, key Key, reason string) (*ticket.Ticket, error) {
	t, err := c.Ticket(ctx, key)
	if err != nil {
		return nil, err
	}
	kind := ticket.KindCancel
	if t.State == ticket.StateOpenActive {
		kind = ticket.KindCancelRequest
	}
	tx := ticket.Transaction{Kind: kind}
	if reason != "" {
		tx.Message = &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: reason, Date: c.e.now()}
	}
	return c.Send(ctx, key, tx)
}

// Send applies one OC transaction (CO CASE INFORMATION NOTIFICATION, CASE
// CANCELATION, CASE CANCELATION REQUEST) to a ticket, in the OI's protocol:
// with a 2.0 OI a set is sent first (resynchronising once on a stale
// version) and applied to our copy once the OI accepted it; with a 1.0a OI
// the INFO file is committed to the outbox with the change.
func (c *OC) Send(ctx context.Context, key Key, tx ticket.Transaction) (*ticket.Ticket, error) {
	e := c.e
	key.Role = codes.RoleOC
	t, err := c.Ticket(ctx, key)
	if err != nil {
		return nil, err
	}
	peer, err := e.peer(t.CodeOI)
	if err != nil {
		return nil, err
	}
	tx.Sender = codes.RoleOC
	if tx.At.IsZero() {
		tx.At = e.now()
	}
	if peer.Protocol() == ProtocolV1A {
		if tx.Kind == ticket.KindCancel || tx.Kind == ticket.KindCancelRequest {
			return nil, &UnsupportedError{Partner: peer.Code, Protocol: ProtocolV1A, Operation: tx.Kind.String(),
				Code: codes.ReturnCodeNotAllowed, Reason: "protocol 1.0a has no cancellation flow"}
		}
		return e.send(ctx, key, tx)
	}
	// Check locally first, so a step the lifecycle refuses is not sent.
	probe := t.Clone()
	tx.Version = t.Version
	if err := probe.Apply(tx); err != nil {
		return nil, err
	}
	cl, err := e.client(peer, t.CodeOC, t.CodeOI)
	if err != nil {
		return nil, err
	}
	res, err := cl.Set(ctx, t.ReferenceSigSAVOI, tx, &v2.SetOptions{Resync: true,
		ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC})
	if err != nil {
		return nil, err
	}
	return e.opts.Store.Update(ctx, key, func(t *ticket.Ticket) (Effects, error) {
		if res != nil && res.Resynced && res.Ticket != nil {
			adopt(t, res.Ticket)
			return Effects{}, nil
		}
		tx.Version = t.Version
		return Effects{}, t.Apply(tx)
	})
}

// Resync replaces our copy's state with the OI's (getTroubleTicketByKey),
// keeping our history; 2.0 only (1.0a has no such request:
// *UnsupportedError). A prise en charge or closure the OI notifies later,
// and that the resynchronised copy reflects already, is accepted without
// being applied again.
func (c *OC) Resync(ctx context.Context, key Key) (*ticket.Ticket, error) {
	e := c.e
	key.Role = codes.RoleOC
	t, err := c.Ticket(ctx, key)
	if err != nil {
		return nil, err
	}
	peer, err := e.peer(t.CodeOI)
	if err != nil {
		return nil, err
	}
	if peer.Protocol() != ProtocolV2 {
		return nil, &UnsupportedError{Partner: peer.Code, Protocol: ProtocolV1A, Operation: "getTroubleTicketByKey",
			Code: codes.ReturnCodeNotAllowed, Reason: "protocol 1.0a has no resynchronisation"}
	}
	if t.ReferenceSigSAVOI == "" {
		return nil, fmt.Errorf("sav: Resync %s: the OI has not acknowledged the ticket", key)
	}
	cl, err := e.client(peer, t.CodeOC, t.CodeOI)
	if err != nil {
		return nil, err
	}
	theirs, err := cl.Get(ctx, t.ReferenceSigSAVOI, nil)
	if err != nil {
		return nil, err
	}
	return e.opts.Store.Update(ctx, key, func(t *ticket.Ticket) (Effects, error) {
		adopt(t, theirs)
		return Effects{}, nil
	})
}

// Search returns the tickets of the OI codeOI matching f: the OI's answer
// to getTroubleTicketsByTemplate for a 2.0 OI, our own copies for a 1.0a
// OI (1.0a has no search).
func (c *OC) Search(ctx context.Context, codeOI string, f *v2.Filter) ([]*ticket.Ticket, error) {
	e := c.e
	peer, err := e.peer(codeOI)
	if err != nil {
		return nil, err
	}
	if f == nil {
		f = &v2.Filter{}
	}
	if peer.Protocol() == ProtocolV1A {
		return c.List(ctx, Query{CodeOC: e.opts.Code, CodeOI: codeOI, Match: f.Match})
	}
	cl, err := e.client(peer, e.opts.Code, codeOI)
	if err != nil {
		return nil, err
	}
	var out []*ticket.Ticket
	for t, err := range cl.Search(ctx, f, nil) {
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
	return out, nil
}

// handleMail handles one inbound 1.0a mail of an OI: AR, INFO and CLOTURE
// files are applied to our copies (an AR OK with the 1.0a rule: it also
// starts the prise en charge). The mail is journaled first; a mail received
// again (same Message-ID) is recognised and not applied again.
func (c *OC) handleMail(ctx context.Context, in *v1a.Inbound) error {
	e := c.e
	partner, entry, done, err := e.journalMail(ctx, in)
	if done || err != nil {
		return err
	}
	switch in.Flow {
	case v1a.FlowAR, v1a.FlowInfo, v1a.FlowCloture:
		return e.applyMailRecords(ctx, partner, entry, in)
	}
	return e.resolveOrQuarantine(ctx, entry, fmt.Sprintf("a %s file is not for an OC", in.Flow))
}
