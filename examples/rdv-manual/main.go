// Command rdv-manual walks through the manual appointment process of
// RDV.md with the engines sav.OC and sav.OI, over protocol 2.0 and then over
// protocol 1.0a, with the same calls: the OC files a ticket needing a home
// intervention and proposes three slots; the OI checks them against its
// slot policy (rdv.Policy: opening hours, lead time), has no technician free
// on the acceptable ones and counter-proposes two slots (PROPOSITION RDV)
// while taking the ticket in charge; the OC picks one (REPONSE RDV,
// AnswerRdv) and the OI confirms it (CONFIRMATION RDV, ConfirmRdv), which
// moves the ticket to ACTION PLANIFIEE on both sides. Only the OI confirms:
// an OC's confirmation is refused with code 13.
//
// Each pair of engines (savtest.Start) runs on loopback (2.0) or on
// Maildirs in a temporary directory (1.0a).
//
//	go run ./examples/rdv-manual
package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

func main() {
	demo.Main("rdv-manual", demo.EachProtocol(savtest.Options{}, negotiate))
}

func negotiate(ctx context.Context, p *savtest.Pair) error {
	const ref = "BYTL-2026-000042"
	// The first slot starts before the OI opens.
	proposal := []ticket.Slot{demo.Slot(2, 7), demo.Slot(2, 14), demo.Slot(3, 9)}
	f := p.Filing(ref)
	f.PrelocDefaut = codes.PrelocDefautPTO
	f.Client = &ticket.Customer{Nom: "Martin", Contact1: "0612345678"}
	f.Rdv = &ticket.Appointment{Creneaux: proposal}
	if _, err := p.OC.File(ctx, f); err != nil {
		return err
	}
	fmt.Printf("OC  File %s at the customer's, proposing %d slots\n", ref, len(proposal))
	filed, err := demo.Wait(p.OIEvents, ref, sav.EventFiled)
	if err != nil {
		return err
	}
	now := time.Now()
	policy := rdv.DefaultPolicy()
	for i, s := range filed.Ticket.Rdv.Creneaux {
		err := policy.CheckSlot(s, now)
		if se, ok := errors.AsType[*rdv.SlotError](err); ok {
			fmt.Printf("OI  policy: slot %d %s refused: %s (%s)\n", i+1, rdv.FormatSlot(s), se.Rule.String(), se.Detail)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("OI  policy: slot %d %s acceptable, but no technician is free then\n", i+1, rdv.FormatSlot(s))
	}
	if _, err := p.OI.TakeCharge(ctx, filed.Key, codes.EtatResolutionADefinir); err != nil {
		return err
	}
	fmt.Println("OI  TakeCharge")
	counter := []ticket.Slot{demo.Slot(4, 14), demo.Slot(5, 10)}
	if err := policy.Check(counter, now); err != nil {
		return err
	}
	if _, err := p.OI.Inform(ctx, filed.Key, sav.Information{Rdv: &ticket.Appointment{Creneaux: counter},
		Message: &ticket.Message{Type: codes.TypeMessagePropositionRdv,
			Texte: "Aucun technicien disponible sur vos créneaux"}}); err != nil {
		return err
	}
	fmt.Printf("OI  Inform PROPOSITION RDV: %d slots\n", len(counter))
	got, err := wait(p.OCEvents, ref, codes.TypeMessagePropositionRdv)
	if err != nil {
		return err
	}
	pick := got.Ticket.Rdv.Creneaux[1]
	_, err = p.OC.Send(ctx, p.OCKey(ref), ticket.Transaction{Kind: ticket.KindCOInformation,
		Message: &ticket.Message{Type: codes.TypeMessageConfirmationRdv}, Rdv: &ticket.Appointment{Creneaux: []ticket.Slot{pick}}})
	code, ok := ticket.ReturnCode(err)
	if !ok || code != codes.ReturnCodeUnexpected {
		return fmt.Errorf("want code 13 for an OC's confirmation, got %v", err)
	}
	fmt.Printf("OC  CONFIRMATION RDV refused: code %d: only the OI confirms\n", code)
	if _, err := p.OC.AnswerRdv(ctx, p.OCKey(ref), pick); err != nil {
		return err
	}
	fmt.Printf("OC  AnswerRdv %s\n", rdv.FormatSlot(pick))
	if _, err := wait(p.OIEvents, ref, codes.TypeMessageReponseRdv); err != nil {
		return err
	}
	if _, err := p.OI.ConfirmRdv(ctx, filed.Key, pick, ""); err != nil {
		return err
	}
	e, err := wait(p.OCEvents, ref, codes.TypeMessageConfirmationRdv)
	if err != nil {
		return err
	}
	fmt.Printf("OI  ConfirmRdv → OC's copy %s %s, slot %s\n", e.Ticket.State, e.Ticket.EtatResolution,
		rdv.FormatSlot(e.Ticket.Rdv.Creneaux[0]))
	if e.Ticket.EtatResolution != codes.EtatResolutionPlanifiee {
		return fmt.Errorf("appointment not planned: %s", e.Ticket.EtatResolution)
	}
	return nil
}

// wait waits for the information event about ref carrying a message of
// type t.
func wait(r *savtest.Recorder, ref string, t codes.TypeMessage) (sav.Event, error) {
	ctx, cancel := context.WithTimeout(context.Background(), savtest.DefaultWait)
	defer cancel()
	e, err := r.WaitFunc(ctx, func(e sav.Event) bool {
		m := e.Transaction.Message
		return e.Key.ReferenceSigSAVRaccoOC == ref && e.Kind == sav.EventInformation && m != nil && m.Type == t
	})
	if err != nil {
		return e, fmt.Errorf("no %s for %s: %w", t, ref, err)
	}
	return e, nil
}
