package sav

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// OI is the building operator's engine: it takes the deposits of its OCs
// from 1.0a mailboxes (OI.MailHandler) and from its 2.0 web service
// (OI.V2Handler), checks them (syntax, then the Qualifier), answers AR OK
// or AR KO and gives OI ids, and lets the embedder take the tickets in
// charge, inform, confirm appointments and close them (OI.TakeCharge,
// OI.Inform, OI.ConfirmRdv, OI.Close). Each step goes to the ticket's OC in
// its protocol through the Store's outbox, so an OC that is down gets it once
// it is back, in order. What the OCs do (information, cancellations) comes
// back as [Event]s.
//
// An OI is safe for concurrent use. Run its outbox dispatcher with OI.Run.
type OI struct {
	e       *engine
	handler http.Handler
	// relay, when set (a gateway), files each deposit with the real OI and
	// returns the id and receipt time it answered, or a *v2.Refusal (AR KO).
	relay func(ctx context.Context, submitted *ticket.Ticket) (id string, at time.Time, err error)
	// created, when set, runs after a new ticket is committed.
	created func(ctx context.Context, t *ticket.Ticket)
}

// NewOI returns the OI engine of opts.Code.
func NewOI(opts Options) (*OI, error) {
	e, err := newEngine(codes.RoleOI, opts)
	if err != nil {
		return nil, err
	}
	o := &OI{e: e}
	srv, err := v2.NewOIServer(oiSystem{o}, v2.ServerOptions{Code: opts.Code, Auth: e.opts.Auth, Profile: e.p,
		Now: opts.Now, Logger: opts.Logger, Journal: v2Journal{e}})
	if err != nil {
		return nil, err
	}
	o.handler = srv
	return o, nil
}

// Code returns our operator code.
func (o *OI) Code() string { return o.e.opts.Code }

// Run delivers the outbox (the notifications to the OCs) until ctx ends;
// see [Dispatcher.Run].
func (o *OI) Run(ctx context.Context) error { return o.e.run(ctx) }

// Wake makes a running dispatcher read the outbox now.
func (o *OI) Wake() { o.e.disp.Wake() }

// V2Handler returns the protocol 2.0 web service the OCs call (mount it on
// /sav/v2/oi). The answer to each create and set of an authenticated OC is
// journaled before it is sent, and the same request received again from
// that OC gets the same answer without being applied twice; reads are
// always answered afresh (see the package documentation, "Inbound
// messages, duplicates and quarantine").
func (o *OI) V2Handler() http.Handler { return o.handler }

// MailHandler returns the handler of the 1.0a mailbox where the OCs send
// their DEPOT and INFO files (run it with a v1a.Poller).
func (o *OI) MailHandler() v1a.MailHandler { return v1a.MailHandlerFunc(o.handleMail) }

// Ticket returns our copy of a ticket.
func (o *OI) Ticket(ctx context.Context, key Key) (*ticket.Ticket, error) {
	return o.e.opts.Store.Get(ctx, key)
}

// TicketByID returns the ticket we know as id (ReferenceSigSAVOI).
func (o *OI) TicketByID(ctx context.Context, id string) (*ticket.Ticket, error) {
	return o.e.getByOI(ctx, o.e.opts.Code, id)
}

// List returns the tickets filed with us that q selects (q.Role is set to
// OI).
func (o *OI) List(ctx context.Context, q Query) ([]*ticket.Ticket, error) {
	q.Role = codes.RoleOI
	return o.e.opts.Store.List(ctx, q)
}

// Information is the payload of an information notification (SU CASE
// INFORMATION NOTIFICATION from the OI, CO CASE INFORMATION NOTIFICATION
// from the OC): a typed message and what goes with it. EtatResolution and
// Intervention are the OI's; Client the OC's; Rdv either side's.
type Information struct {
	Message        *ticket.Message
	EtatResolution codes.EtatResolution
	Intervention   *ticket.Intervention
	Client         *ticket.Customer
	Rdv            *ticket.Appointment
}

func (in Information) transaction(k ticket.Kind) ticket.Transaction {
	return ticket.Transaction{Kind: k, Message: in.Message, EtatResolution: in.EtatResolution,
		Intervention: in.Intervention, Client: in.Client, Rdv: in.Rdv}
}

// TakeCharge sends CASE SOLVING NOTIFICATION with the initial resolution
// sub-state (empty: ACTION A DEFINIR). A 1.0a ticket was taken in charge by
// its AR OK already: then TakeCharge changes nothing and returns the ticket
// (or, with another sub-state than ACTION A DEFINIR, sends it as an INFO).
func (o *OI) TakeCharge(ctx context.Context, key Key, etat codes.EtatResolution) (*ticket.Ticket, error) {
	t, err := o.Ticket(ctx, key)
	if err != nil {
		return nil, err
	}
	if t.State == ticket.StateOpenActive && len(t.History) > 0 && implicitlyTaken(t) {
		if etat == "" || etat == t.EtatResolution {
			return t, nil
		}
		return o.Send(ctx, key, ticket.Transaction{Kind: ticket.KindSUInformation, EtatResolution: etat,
			Message: &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: "Prise en charge: " + string(etat)}})
	}
	return o.Send(ctx, key, ticket.Transaction{Kind: ticket.KindCaseSolving, EtatResolution: etat})
}

func implicitlyTaken(t *ticket.Ticket) bool {
	for _, r := range t.History {
		if r.Kind == ticket.KindCaseSolving {
			return r.Implicit
		}
	}
	return false
}

// Inform sends SU CASE INFORMATION NOTIFICATION.
func (o *OI) Inform(ctx context.Context, key Key, in Information) (*ticket.Ticket, error) {
	return o.Send(ctx, key, in.transaction(ticket.KindSUInformation))
}

// ConfirmRdv confirms an appointment slot (CONFIRMATION RDV, sub-state
// ACTION PLANIFIEE), with the booking id when there is one: a booked slot
// is confirmed with both its booking id and the slot, so that the OC can
// check it names its booking (rdv.Advance does).
func (o *OI) ConfirmRdv(ctx context.Context, key Key, slot ticket.Slot, idRdv string) (*ticket.Ticket, error) {
	return o.Send(ctx, key, ticket.Transaction{Kind: ticket.KindSUInformation,
		EtatResolution: codes.EtatResolutionPlanifiee,
		Message:        &ticket.Message{Type: codes.TypeMessageConfirmationRdv, Date: o.e.now()},
		Rdv:            &ticket.Appointment{IdRdv: idRdv, Creneaux: []ticket.Slot{slot}}})
}

// Close sends CASE SOLVED NOTIFICATION with the closure (code,
// responsibility, localisation for RETxx, description, comment); a zero
// Date means now.
func (o *OI) Close(ctx context.Context, key Key, c ticket.Closure) (*ticket.Ticket, error) {
	if c.Date.IsZero() {
		c.Date = o.e.now()
	}
	return o.Send(ctx, key, ticket.Transaction{Kind: ticket.KindCaseSolved, At: c.Date, Cloture: &c})
}

// Send applies one OI transaction to a ticket and enqueues its notification
// to the OC, in the OC's protocol (2.0 when its peer entry has an endpoint,
// else 1.0a), in one commit. tx.Sender, tx.At (when zero) and tx.Version
// are set here. A step the OC's protocol cannot carry is an
// *UnsupportedError and nothing changes.
func (o *OI) Send(ctx context.Context, key Key, tx ticket.Transaction) (*ticket.Ticket, error) {
	key.Role = codes.RoleOI
	return o.e.send(ctx, key, tx)
}

// send is OI.Send and OC's outbox path: apply tx and enqueue its message to
// the partner in one commit.
func (e *engine) send(ctx context.Context, key Key, tx ticket.Transaction) (*ticket.Ticket, error) {
	t, err := e.opts.Store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	partner := t.CodeOC
	if e.role == codes.RoleOC {
		partner = t.CodeOI
	}
	peer, err := e.peer(partner)
	if err != nil {
		return nil, err
	}
	tx.Sender = e.role
	if tx.At.IsZero() {
		tx.At = e.now()
	}
	var name v1a.FileName
	proto := peer.Protocol()
	if proto == ProtocolV1A {
		flow := v1a.FlowInfo
		if tx.Kind == ticket.KindCaseSolved {
			flow = v1a.FlowCloture
		}
		if name, err = e.fileName(ctx, flow, partner); err != nil {
			return nil, err
		}
	}
	return e.opts.Store.Update(ctx, key, func(t *ticket.Ticket) (Effects, error) {
		before := t.Clone()
		tx.Version = t.Version
		if err := t.Apply(tx); err != nil {
			return Effects{}, err
		}
		var d Delivery
		switch proto {
		case ProtocolV2:
			if d, err = e.setDelivery(peer, t, &tx); err != nil {
				return Effects{}, err
			}
		default:
			rec, loss, err := v1a.FromTransaction(before, tx)
			if err == nil {
				err = e.checkLoss(partner, tx.Kind.String(), loss)
			}
			if err != nil {
				if errors.Is(err, v1a.ErrNotCarried) {
					return Effects{}, &UnsupportedError{Partner: partner, Protocol: ProtocolV1A,
						Operation: tx.Kind.String(), Code: codes.ReturnCodeNotAllowed, Reason: err.Error()}
				}
				return Effects{}, err
			}
			if d, err = e.namedMail(peer, name, []v1a.Record{rec}, ""); err != nil {
				return Effects{}, err
			}
		}
		return Effects{Deliveries: []Delivery{d}}, nil
	})
}

// oiSystem is the OI engine as the backend of the 2.0 server.
type oiSystem struct{ o *OI }

func (s oiSystem) Ticket(ctx context.Context, codeOI, id string) (*ticket.Ticket, error) {
	return v2Store{s.o.e}.Ticket(ctx, codeOI, id)
}

func (s oiSystem) Update(ctx context.Context, codeOI, id string, apply func(*ticket.Ticket) error) (*ticket.Ticket, error) {
	return v2Store{s.o.e}.Update(ctx, codeOI, id, apply)
}

func (s oiSystem) Create(ctx context.Context, submitted *ticket.Ticket) (*ticket.Ticket, error) {
	o, e := s.o, s.o.e
	if existing, err := e.opts.Store.Get(ctx, KeyOf(codes.RoleOI, submitted)); err == nil {
		return nil, duplicateRefusal(existing)
	}
	if q := e.opts.Qualifier; q != nil {
		if code, field, reason := q.Qualify(ctx, &submitted.Filing); code != codes.ReturnCodeOK {
			return nil, &v2.Refusal{Code: code, Field: field, Reason: reason}
		}
	}
	id, at := "", e.now()
	var err error
	if o.relay != nil {
		id, at, err = o.relay(ctx, submitted)
	} else {
		id, err = o.newID(ctx)
	}
	if err != nil {
		return nil, err
	}
	t := submitted.Clone()
	if err := t.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: at,
		ReferenceSigSAVOI: id}); err != nil {
		return nil, err
	}
	stored, err := e.opts.Store.Create(ctx, codes.RoleOI, t, Effects{})
	if err != nil {
		var de *DuplicateError
		if errors.As(err, &de) {
			return nil, duplicateRefusal(de.Existing)
		}
		return nil, err
	}
	e.emit(ctx, stored.CodeOC, ProtocolV2, 0, stored)
	if o.created != nil {
		o.created(ctx, stored)
	}
	return stored, nil
}

func duplicateRefusal(existing *ticket.Ticket) error {
	return &v2.Refusal{Code: codes.ReturnCodeCannotCreate, Field: "customerTroubleNum",
		Reason: "the OC already filed " + existing.ReferenceSigSAVRaccoOC, Key: existing.ReferenceSigSAVOI}
}

func (s oiSystem) Search(ctx context.Context, f *v2.Filter, offset, limit int) ([]*ticket.Ticket, bool, error) {
	q := Query{Role: codes.RoleOI, CodeOC: f.CodeOC, CodeOI: f.CodeOI, Match: f.Match, Offset: offset}
	if limit > 0 {
		q.Limit = limit + 1
	}
	ts, err := s.o.e.opts.Store.List(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if limit > 0 && len(ts) > limit {
		return ts[:limit], true, nil
	}
	return ts, false, nil
}

// newID returns a new OI id: the prefix and eight digits of the Store's
// sequence, so ids sort in creation order.
func (o *OI) newID(ctx context.Context) (string, error) {
	n, err := o.e.opts.Store.NextSequence(ctx, "oi-id/"+o.e.opts.Code)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%08d", o.e.opts.IDPrefix, n), nil
}

// handleMail handles one inbound 1.0a mail of an OC: DEPOT files are
// answered by an AR file, INFO files applied. The mail is journaled first;
// a mail received again (same Message-ID) is recognised and nothing is
// sent again: its AR is already in the outbox, delivered once.
func (o *OI) handleMail(ctx context.Context, in *v1a.Inbound) error {
	e := o.e
	partner, entry, done, err := e.journalMail(ctx, in)
	if done || err != nil {
		return err
	}
	switch in.Flow {
	case v1a.FlowDepot:
		return o.handleDepot(ctx, partner, entry, in)
	case v1a.FlowInfo:
		return e.applyMailRecords(ctx, partner, entry, in)
	}
	return e.resolveOrQuarantine(ctx, entry, fmt.Sprintf("a %s file is not for an OI", in.Flow))
}

// resolveOrQuarantine quarantines a mail the engine has no use for.
func (e *engine) resolveOrQuarantine(ctx context.Context, entry *Inbound, reason string) error {
	if err := e.opts.Store.Resolve(ctx, Quarantine(entry.Ref(), e.now(), reason)); err != nil && !errors.Is(err, ErrResolved) {
		return err
	}
	return fmt.Errorf("sav: %w: %s", v1a.ErrQuarantine, reason)
}

// handleDepot answers a DEPOT file: each line is validated (v1a.Validator
// with the Qualifier as its hook) and answered OK — a ticket is created and
// acknowledged with the 1.0a rule (ApplyV1AAcknowledge) — or KO. A line
// whose OC reference we already hold with the same filing is answered OK
// with the existing id (a mail processed again after a crash); with another
// filing, KO 100. The AR file is committed to the outbox with the mail's
// journal outcome.
func (o *OI) handleDepot(ctx context.Context, partner string, entry *Inbound, in *v1a.Inbound) error {
	e := o.e
	val := &v1a.Validator{Now: e.now()}
	if e.opts.Validator != nil {
		val = e.opts.Validator()
	}
	val.Sender = codes.RoleOC
	if q := e.opts.Qualifier; q != nil {
		val.Hook = v1a.HookFunc(func(ctx context.Context, line int, rec v1a.Record) []v1a.Finding {
			d, ok := rec.(*v1a.Depot)
			if !ok {
				return nil
			}
			if code, field, reason := q.Qualify(ctx, v1a.FilingOf(d, partner, e.opts.Code)); code != 0 {
				return []v1a.Finding{{Field: field, Code: code, Message: strings.TrimSpace(code.Message(field) + " " + reason)}}
			}
			return nil
		})
	}
	var idErr error
	ack, err := v1a.ComputeAR(ctx, bytes.NewReader(in.Message.Attachment), v1a.AckOptions{Validator: val,
		Charset: in.Message.Charset, NewID: func(int) string {
			if o.relay != nil {
				return "RELAIS" // replaced by the real OI's id below
			}
			id, err := o.newID(ctx)
			if err != nil && idErr == nil {
				idErr = err
			}
			return id
		}})
	if err != nil {
		return err
	}
	if idErr != nil {
		return idErr
	}
	var created []*ticket.Ticket
	var keys []Key
	for i := range ack.Lines {
		ar, ok := ack.Lines[i].Answer.(*v1a.AR)
		d, isDepot := ack.Lines[i].Record.(*v1a.Depot)
		if !ok || !isDepot || ar.StatutAR != v1a.StatutOK {
			continue
		}
		filing := v1a.FilingOf(d, partner, e.opts.Code)
		t := &ticket.Ticket{}
		err := t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: e.now(), Filing: filing})
		if err == nil && o.relay != nil {
			if existing, gerr := e.opts.Store.Get(ctx, KeyOf(codes.RoleOI, t)); gerr == nil {
				ar.ReferenceSigSAVOI, ar.DatePriseEnCompte = existing.ReferenceSigSAVOI, existing.DatePriseEnCompte
			} else {
				id, at, rerr := o.relay(ctx, t)
				var rf *v2.Refusal
				if errors.As(rerr, &rf) {
					koLine(ar, rf.Code, strings.TrimSpace(rf.Code.Message(rf.Field)+" "+rf.Reason))
					continue
				}
				if rerr != nil {
					return rerr
				}
				ar.ReferenceSigSAVOI, ar.DatePriseEnCompte = id, at.In(ticket.Paris).Truncate(time.Second)
			}
		}
		if err == nil {
			err = t.ApplyV1AAcknowledge(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI,
				At: ar.DatePriseEnCompte, ReferenceSigSAVOI: ar.ReferenceSigSAVOI})
		}
		if err != nil {
			code, _ := ticket.ReturnCode(err)
			koLine(ar, code, err.Error())
			continue
		}
		stored, err := e.opts.Store.Create(ctx, codes.RoleOI, t, Effects{})
		var de *DuplicateError
		switch {
		case errors.As(err, &de):
			if reflect.DeepEqual(de.Existing.Filing, t.Filing) && de.Existing.ReferenceSigSAVOI != "" {
				ar.ReferenceSigSAVOI, ar.DatePriseEnCompte = de.Existing.ReferenceSigSAVOI, de.Existing.DatePriseEnCompte
				keys = append(keys, KeyOf(codes.RoleOI, de.Existing))
			} else {
				koLine(ar, codes.ReturnCodeCannotCreate, "ReferenceSigSAVRaccoOC "+t.ReferenceSigSAVRaccoOC+
					" already filed as "+de.Existing.ReferenceSigSAVOI)
			}
			continue
		case err != nil:
			return err
		}
		created = append(created, stored)
		keys = append(keys, KeyOf(codes.RoleOI, stored))
	}
	peer, err := e.peer(partner)
	if err != nil {
		return err
	}
	name, err := e.fileName(ctx, v1a.FlowAR, partner)
	if err != nil {
		return err
	}
	d, err := e.namedMail(peer, name, ack.Records(), in.Message.MessageID)
	if err != nil {
		return err
	}
	d.Tickets = keys
	if len(keys) == 0 {
		d.DestinationOrder = true
	}
	if _, err := e.opts.Store.Commit(ctx, Effects{Deliveries: []Delivery{d},
		Outcomes: []Resolution{e.processed(entry, 0, "")}}); err != nil {
		if errors.Is(err, ErrResolved) {
			return nil
		}
		return err
	}
	e.disp.Wake()
	for _, t := range created {
		e.emit(ctx, partner, ProtocolV1A, 0, t)
		if o.created != nil {
			o.created(ctx, t)
		}
	}
	return nil
}

// warnMismatch logs a notification refused as a *MismatchError.
func (e *engine) warnMismatch(err error) {
	var me *MismatchError
	if l := e.opts.Logger; l != nil && errors.As(err, &me) {
		l.Warn("sav: notification refused: its references name different tickets", "partner", me.Partner,
			"protocol", string(me.Protocol), "referenceSigSAVOI", me.ReferenceSigSAVOI,
			"referenceSigSAVRaccoOC", me.ReferenceSigSAVRaccoOC, "ticket", me.Found.String())
	}
}

// koLine turns an AR line into a KO one.
func koLine(ar *v1a.AR, code codes.ReturnCode, reason string) {
	ar.StatutAR, ar.ReferenceSigSAVOI, ar.DatePriseEnCompte = v1a.StatutKO, "", time.Time{}
	ar.CodeRetour, ar.MotifRefus = code, reason
}

// errBeforeAR: a notification about a ticket whose AR has not arrived yet
// (mail may overtake mail); the mail is left for the next poll.
var errBeforeAR = errors.New("notification before the AR of the ticket")

// applyMailRecords applies the ticket records of a 1.0a file (AR, CLOTURE,
// INFO) to our copies, emitting the partner's steps. A record the lifecycle
// refuses is reported in the journal outcome (1.0a has no answer to these
// flows).
func (e *engine) applyMailRecords(ctx context.Context, partner string, entry *Inbound, in *v1a.Inbound) error {
	codeOC, codeOI := partner, e.opts.Code
	if e.role == codes.RoleOC {
		codeOC, codeOI = e.opts.Code, partner
	}
	var refusals []string
	type done struct {
		from int
		t    *ticket.Ticket
	}
	var applied []done
	for i, rec := range in.Records {
		tx, err := v1a.TransactionOf(rec, codeOC, codeOI)
		if err != nil {
			refusals = append(refusals, fmt.Sprintf("line %d: %v", i+2, err))
			continue
		}
		if tx.Sender == e.role {
			refusals = append(refusals, fmt.Sprintf("line %d: %s sent by %s, our own role", i+2, tx.Kind, tx.Sender))
			continue
		}
		key, err := e.keyOfRecord(ctx, partner, rec, codeOC, codeOI)
		if err != nil {
			e.warnMismatch(err)
			refusals = append(refusals, fmt.Sprintf("line %d: %v", i+2, err))
			continue
		}
		var from int
		t, err := e.opts.Store.Update(ctx, key, func(t *ticket.Ticket) (Effects, error) {
			from = len(t.History)
			if err := e.matchRecord(partner, rec, t); err != nil {
				return Effects{}, err
			}
			if t.State == ticket.StateSubmitted && tx.Kind != ticket.KindAcknowledge && tx.Kind != ticket.KindReject {
				return Effects{}, errBeforeAR
			}
			var err error
			if tx.Kind == ticket.KindAcknowledge {
				err = t.ApplyV1AAcknowledge(tx)
			} else {
				err = t.Apply(tx)
			}
			if err != nil {
				return Effects{}, err
			}
			return e.afterPartnerStep(t, from)
		})
		if errors.Is(err, errBeforeAR) {
			// The AR has not arrived yet: leave the mail for the next poll.
			for _, a := range applied {
				e.emit(ctx, partner, ProtocolV1A, a.from, a.t)
			}
			return fmt.Errorf("sav: line %d: %w", i+2, err)
		}
		if err != nil {
			e.warnMismatch(err)
			refusals = append(refusals, fmt.Sprintf("line %d: %v", i+2, err))
			continue
		}
		applied = append(applied, done{from, t})
	}
	code := codes.ReturnCodeOK
	if len(refusals) > 0 {
		code = codes.ReturnCodeUnexpected
	}
	if err := e.opts.Store.Resolve(ctx, e.processed(entry, code, strings.Join(refusals, " | "))); err != nil &&
		!errors.Is(err, ErrResolved) {
		return err
	}
	e.disp.Wake()
	for _, a := range applied {
		e.emit(ctx, partner, ProtocolV1A, a.from, a.t)
	}
	return nil
}

// keyOfRecord finds our ticket a 1.0a record is about: by the OI id when the
// record has one and we know it, else by the OC reference. A record that
// names both must name one ticket: the one the OI id finds must have the
// record's OC reference (checked here), and the one the OC reference finds
// must have no other OI id (checked by matchRecord when it is applied).
func (e *engine) keyOfRecord(ctx context.Context, partner string, rec v1a.Record, codeOC, codeOI string) (Key, error) {
	oiRef, ocRef := recordRefs(rec)
	if oiRef != "" {
		if t, err := e.getByOI(ctx, codeOI, oiRef); err == nil {
			if ocRef != "" && t.ReferenceSigSAVRaccoOC != ocRef {
				return Key{}, &MismatchError{Partner: partner, Protocol: ProtocolV1A, ReferenceSigSAVOI: oiRef,
					ReferenceSigSAVRaccoOC: ocRef, Found: KeyOf(e.role, t)}
			}
			return KeyOf(e.role, t), nil
		}
	}
	if ocRef == "" {
		return Key{}, fmt.Errorf("%w: the record names no ticket we know", ErrNotFound)
	}
	return Key{Role: e.role, CodeOC: codeOC, ReferenceSigSAVRaccoOC: ocRef}, nil
}

// recordRefs returns the OI id and the OC reference a 1.0a record names.
func recordRefs(rec v1a.Record) (oiRef, ocRef string) {
	switch r := rec.(type) {
	case *v1a.AR:
		ocRef = r.ReferenceSigSAVRaccoOC
	case *v1a.Cloture:
		oiRef, ocRef = r.ReferenceSigSAVOI, r.ReferenceSigSAVRaccoOC
	case *v1a.Info:
		oiRef, ocRef = r.ReferenceSigSAVOI, r.ReferenceSigSAVRaccoOC
	}
	return oiRef, ocRef
}

// matchRecord refuses to apply rec to t when rec names another OI id than
// the one t has.
func (e *engine) matchRecord(partner string, rec v1a.Record, t *ticket.Ticket) error {
	oiRef, ocRef := recordRefs(rec)
	if oiRef != "" && t.ReferenceSigSAVOI != "" && t.ReferenceSigSAVOI != oiRef {
		return &MismatchError{Partner: partner, Protocol: ProtocolV1A, ReferenceSigSAVOI: oiRef,
			ReferenceSigSAVRaccoOC: ocRef, Found: KeyOf(e.role, t)}
	}
	return nil
}

// ErrTicketMismatch: an inbound notification names an OI id and an OC
// reference that are not one ticket's; see [*MismatchError].
var ErrTicketMismatch = errors.New("sav: the notification's references are not one ticket's")

// MismatchError is a partner's notification refused because its two
// references name different tickets: typically an OI that gave one id
// twice after losing its sequence. It is never applied; over 2.0 it is
// answered code 13 on tt:customerTroubleNum, over 1.0a the journal's
// outcome says so (code 13), and both are logged.
type MismatchError struct {
	Partner                string
	Protocol               Protocol
	ReferenceSigSAVOI      string // as the notification names it
	ReferenceSigSAVRaccoOC string // as the notification names it
	Found                  Key    // our ticket that one of them names
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("sav: %s notification from %s names OI id %q and OC reference %q, but our ticket %s has other references",
		e.Protocol, e.Partner, e.ReferenceSigSAVOI, e.ReferenceSigSAVRaccoOC, e.Found)
}

// Unwrap returns ErrTicketMismatch.
func (e *MismatchError) Unwrap() error { return ErrTicketMismatch }
