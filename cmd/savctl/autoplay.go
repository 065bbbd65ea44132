package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv/plancharge"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
)

// Closures the OI sandbox sends when it plays its role (--autoplay).
const (
	// autoplayClosure closes a ticket repaired: service restored, the OI's
	// responsibility, at the place the deposit pointed to.
	autoplayClosure = codes.ClosureCode("RET01")
	// autoplayCancelClosure closes a ticket whose cancellation the OC
	// requested: transmitted wrongly, the OC's responsibility.
	autoplayCancelClosure = codes.ClosureCode("STT01")
)

// autoplayer plays the sandbox's role (SAVCTL.md, "--autoplay"). An OI
// takes each new ticket in charge after the delay, confirms the first
// proposed or booked slot if any, then closes it, one step per delay,
// looking at the ticket before each step: a cancelled ticket is left
// alone, one whose cancellation was requested is closed at once. An OC
// acknowledges what it receives (the engine's answer is the protocol's
// acknowledgement; the sandbox logs it) and accepts the first slot an OI
// proposes.
type autoplayer struct {
	ctx    context.Context // the sandbox's: plays stop with it
	wg     *sync.WaitGroup
	delay  time.Duration
	logger *slog.Logger
	oi     *sav.OI
	oc     *sav.OC
	// planning, for an OI, holds the slots OCs booked (IdRdv).
	planning *plancharge.MemPlanning
}

func (a *autoplayer) HandleEvent(_ context.Context, ev sav.Event) {
	switch {
	case a.oi != nil && ev.Kind == sav.EventFiled:
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.playOI(ev.Key)
		}()
	case a.oi != nil && ev.Kind == sav.EventCancelRequested:
		// The play of the ticket closes it at its next step; when that play
		// is over (a restart lost it), close it now.
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			if a.wait() {
				a.closeIfCancelRequested(ev.Key)
			}
		}()
	case a.oc != nil:
		a.logger.Info("autoplay: acknowledged", "kind", ev.Kind.String(), "ref", ev.Key.ReferenceSigSAVRaccoOC,
			"partner", ev.Partner)
		tx := ev.Transaction
		if ev.Kind == sav.EventInformation && tx.Message != nil &&
			tx.Message.Type == codes.TypeMessagePropositionRdv && tx.Rdv != nil && len(tx.Rdv.Creneaux) > 0 {
			slot := tx.Rdv.Creneaux[0]
			a.wg.Add(1)
			go func() {
				defer a.wg.Done()
				if !a.wait() {
					return
				}
				if _, err := a.oc.AnswerRdv(a.ctx, ev.Key, slot); err != nil {
					a.logger.Warn("autoplay: answering the proposed slots", "ref", ev.Key.ReferenceSigSAVRaccoOC, "err", err)
					return
				}
				a.logger.Info("autoplay: slot accepted", "ref", ev.Key.ReferenceSigSAVRaccoOC, "slot", slot.Debut)
			}()
		}
	}
}

// resume plays the open tickets of a store loaded from --state (OI).
func (a *autoplayer) resume(st sav.Store) error {
	if a.oi == nil {
		return nil
	}
	open, err := st.List(a.ctx, sav.Query{Role: codes.RoleOI, Open: true})
	if err != nil {
		return err
	}
	for _, t := range open {
		key := sav.KeyOf(codes.RoleOI, t)
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.playOI(key)
		}()
	}
	return nil
}

// wait waits for the delay; false when the sandbox stops first.
func (a *autoplayer) wait() bool {
	t := time.NewTimer(a.delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-a.ctx.Done():
		return false
	}
}

// playOI takes the ticket in charge, confirms its slot and closes it.
func (a *autoplayer) playOI(key sav.Key) {
	log := a.logger.With("ref", key.ReferenceSigSAVRaccoOC, "codeOC", key.CodeOC)
	steps := []struct {
		name string
		do   func(t *ticket.Ticket) (*ticket.Ticket, error)
	}{
		{"taken in charge", func(t *ticket.Ticket) (*ticket.Ticket, error) {
			if t.State != ticket.StateQueued {
				return nil, nil // a 1.0a AR OK took it in charge already
			}
			return a.oi.TakeCharge(a.ctx, key, "")
		}},
		{"appointment confirmed", func(t *ticket.Ticket) (*ticket.Ticket, error) {
			r := t.Rdv
			if r == nil {
				return nil, nil
			}
			if len(r.Creneaux) > 0 {
				return a.oi.ConfirmRdv(a.ctx, key, r.Creneaux[0], r.IdRdv)
			}
			if r.IdRdv == "" {
				return nil, nil
			}
			if slot, ok := a.booked(r.IdRdv); ok {
				if err := a.planning.Confirm(a.ctx, r.IdRdv); err != nil {
					return nil, err
				}
				// The booking id and the booked slot it confirms.
				return a.oi.ConfirmRdv(a.ctx, key, slot, r.IdRdv)
			}
			// A booking the sandbox's Plan de charge does not hold: its
			// slot is unknown here, so the booking id alone names it.
			return a.oi.Send(a.ctx, key, ticket.Transaction{Kind: ticket.KindSUInformation,
				EtatResolution: codes.EtatResolutionPlanifiee,
				Message:        &ticket.Message{Type: codes.TypeMessageConfirmationRdv, Date: time.Now()},
				Rdv:            &ticket.Appointment{IdRdv: r.IdRdv}})
		}},
		{"closed", func(t *ticket.Ticket) (*ticket.Ticket, error) {
			return a.oi.Close(a.ctx, key, ticket.Closure{Code: autoplayClosure, Responsabilite: codes.ResponsabiliteOI,
				Localisation: t.PrelocDefaut, Date: time.Now(), Commentaire: "Service rétabli (bac à sable)"})
		}},
	}
	for _, st := range steps {
		if !a.wait() {
			return
		}
		t, err := a.oi.Ticket(a.ctx, key)
		if err != nil {
			log.Warn("autoplay: reading the ticket", "err", err)
			return
		}
		switch t.State {
		case ticket.StateClosed, ticket.StateRejected:
			log.Info("autoplay: ticket over", "state", t.State.String())
			return
		case ticket.StateCancelRequested:
			a.closeIfCancelRequested(key)
			return
		}
		done, err := st.do(t)
		if err != nil {
			log.Warn("autoplay: step refused", "step", st.name, "err", err)
			return
		}
		if done != nil {
			log.Info("autoplay: "+st.name, "id", done.ReferenceSigSAVOI, "state", done.State.String(),
				"version", done.Version)
		}
	}
}

// booked returns the slot of an appointment booked in the sandbox's Plan de
// charge, and false when it holds no such booking.
func (a *autoplayer) booked(id string) (ticket.Slot, bool) {
	if id == "" || a.planning == nil {
		return ticket.Slot{}, false
	}
	for _, r := range a.planning.Appointments() {
		if r.IdRendezVous == id {
			return r.Slot, true
		}
	}
	return ticket.Slot{}, false
}

// closeIfCancelRequested closes a ticket whose cancellation the OC
// requested and that is not closed yet.
func (a *autoplayer) closeIfCancelRequested(key sav.Key) {
	t, err := a.oi.Ticket(a.ctx, key)
	if err != nil || t.State != ticket.StateCancelRequested {
		return
	}
	done, err := a.oi.Close(a.ctx, key, ticket.Closure{Code: autoplayCancelClosure,
		Responsabilite: codes.ResponsabiliteOC, Date: time.Now(), Commentaire: "Annulation demandée par l'OC"})
	if err != nil {
		a.logger.Warn("autoplay: closing a cancelled ticket", "ref", key.ReferenceSigSAVRaccoOC, "err", err)
		return
	}
	a.logger.Info("autoplay: closed on cancellation request", "ref", key.ReferenceSigSAVRaccoOC,
		"id", done.ReferenceSigSAVOI, "state", done.State.String(), "version", done.Version)
}
