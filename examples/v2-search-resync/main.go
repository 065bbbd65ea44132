// Command v2-search-resync shows an OC finding its tickets and catching up
// with its OI over protocol 2.0, on loopback. The OC engine (sav.OC) files a
// dozen tickets; a protocol 2.0 client of the same OI walks them page by
// page with getTroubleTicketsByTemplate (the page index in the
// sav:pagination header) and counts the open ones with queryTroubleTickets;
// the engine's Search finds one by the OC's reference.
//
// Then the OC's web service goes down while the OI takes a ticket in
// charge: the notification waits in the OI's outbox and the OC's copy is
// stale. A step sent with resyncRequired on that version is refused
// (resyncRequiredException, code 6); the engine's Resync reads the OI's
// ticket (getTroubleTicketByKey) and takes its state, and the OC's next
// step goes through. When the OC's service is back, the late notification
// is accepted without being applied twice, and both copies end equal.
//
//	go run ./examples/v2-search-resync
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
	v2 "github.com/opensav/savsdk/v2"
)

func main() {
	demo.Main("v2-search-resync", run)
}

func run(ctx context.Context) error {
	p, err := savtest.Start(savtest.Options{Protocol: savtest.V2})
	if err != nil {
		return err
	}
	defer p.Close()

	var refs []string
	for i := range 12 {
		ref := fmt.Sprintf("BYTL-2026-%06d", 500+i)
		if _, err := p.OC.File(ctx, p.Filing(ref)); err != nil {
			return err
		}
		refs = append(refs, ref)
	}
	// The OI closes one of them (a ticket filed by mistake).
	if _, err := p.OI.Close(ctx, p.OIKey(refs[2]), ticket.Closure{Code: "ERR01",
		Responsabilite: codes.ResponsabiliteOC}); err != nil {
		return err
	}

	// One page at a time, with the OC's protocol 2.0 client of the OI…
	c, err := p.V2Client(codes.RoleOC)
	if err != nil {
		return err
	}
	for seq := 0; ; seq++ {
		page, err := c.SearchPage(ctx, &v2.Filter{}, &v2.PageOptions{HowMany: 5, Sequence: seq})
		if err != nil {
			return err
		}
		var ids []string
		for _, t := range page.Tickets {
			ids = append(ids, t.ReferenceSigSAVOI)
		}
		fmt.Printf("search page %d: %v (end of reply: %v)\n", page.Sequence, ids, page.EndOfReply)
		if page.EndOfReply {
			break
		}
	}
	// …or with an iterator that fetches the pages itself.
	open := 0
	for _, err := range c.Query(ctx, &v2.SearchOptions{HowMany: 5}) {
		if err != nil {
			return err
		}
		open++
	}
	fmt.Printf("open tickets at the OI: %d of %d\n", open, len(refs))
	// The engine searches the OI's tickets too (its own copies for a 1.0a OI).
	found, err := p.OC.Search(ctx, p.OI.Code(), &v2.Filter{ReferenceSigSAVRaccoOC: refs[7]})
	if err != nil {
		return err
	}
	for _, t := range found {
		fmt.Printf("search by the OC's reference: %s is %s\n", t.ReferenceSigSAVRaccoOC, t.ReferenceSigSAVOI)
	}

	// The OC's service is down while the OI takes refs[0] in charge.
	ref := refs[0]
	p.OCEndpoint.Stop()
	if _, err := p.OI.TakeCharge(ctx, p.OIKey(ref), codes.EtatResolutionPrevue); err != nil {
		return err
	}
	mine, err := p.OC.Ticket(ctx, p.OCKey(ref))
	if err != nil {
		return err
	}
	fmt.Printf("\nOC's service down; the OI took %s in charge; the OC's copy is still %s version %d\n",
		ref, mine.State, mine.Version)

	// A step sent with resyncRequired on the stale version is refused
	// (resyncRequiredException, code 6) and changes nothing.
	info := ticket.Transaction{Kind: ticket.KindCOInformation, Version: mine.Version, ResyncRequired: true,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Le client est joignable après 18h"}}
	_, err = c.Set(ctx, mine.ReferenceSigSAVOI, info, nil)
	var fault *v2.FaultError
	if !errors.As(err, &fault) || !errors.Is(err, ticket.ErrResync) {
		return fmt.Errorf("want a resyncRequiredException, got %v", err)
	}
	fmt.Printf("set on version %d refused: %d %s\n", mine.Version, fault.ReturnCode(), fault.ReturnCode().Template())

	// The engine reads the OI's ticket and takes its state.
	tk, err := p.OC.Resync(ctx, p.OCKey(ref))
	if err != nil {
		return err
	}
	fmt.Printf("OC  Resync → %s %s version %d\n", tk.State, tk.EtatResolution, tk.Version)
	if tk, err = p.OC.Inform(ctx, p.OCKey(ref), sav.Information{Message: info.Message}); err != nil {
		return err
	}
	fmt.Printf("OC  Inform → %s version %d\n", tk.State, tk.Version)

	// The service is back: the late notification is accepted without being
	// applied twice, and the closure that follows it arrives.
	if err := p.OCEndpoint.Restart(); err != nil {
		return err
	}
	if _, err := p.OI.Close(ctx, p.OIKey(ref), ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPM}); err != nil {
		return err
	}
	p.OI.Wake()
	e, err := demo.Wait(p.OCEvents, ref, sav.EventClosed)
	if err != nil {
		return err
	}
	fmt.Printf("OC's service back: event %s; OC events for %s: %v\n", e.Kind, ref, p.OCEvents.Kinds(ref))
	oc, err := p.OC.Ticket(ctx, p.OCKey(ref))
	if err != nil {
		return err
	}
	oi, err := p.OI.Ticket(ctx, p.OIKey(ref))
	if err != nil {
		return err
	}
	fmt.Printf("OC copy %s version %d, OI copy %s version %d\n", oc.State, oc.Version, oi.State, oi.Version)
	if oc.State != oi.State || oc.Version != oi.Version {
		return fmt.Errorf("the copies disagree")
	}
	return nil
}
