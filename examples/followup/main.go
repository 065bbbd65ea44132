// Command followup follows a signalisation from the prise en charge to its
// closure with the engines sav.OC and sav.OI, over protocol 2.0 and then
// over protocol 1.0a, with the same calls: the OI takes the ticket in
// charge (ACTION PREVUE) and reports progress with an intervention date
// (SU CASE INFORMATION NOTIFICATION), the OC sends its customer's new phone
// number (CO CASE INFORMATION NOTIFICATION), and the OI closes the ticket
// with RET02, its responsibility and the localisation it found. Both copies
// end at the same state and version; any later step is refused (code 13):
// a closed ticket cannot change.
//
// Each pair of engines (savtest.Start) runs on loopback (2.0) or on
// Maildirs in a temporary directory (1.0a).
//
//	go run ./examples/followup
package main

import (
	"context"
	"fmt"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

func main() {
	demo.Main("followup", demo.EachProtocol(savtest.Options{}, follow))
}

func follow(ctx context.Context, p *savtest.Pair) error {
	const ref = "BYTL-2026-000200"
	if _, err := p.OC.File(ctx, p.Filing(ref)); err != nil {
		return err
	}
	filed, err := demo.Wait(p.OIEvents, ref, sav.EventFiled)
	if err != nil {
		return err
	}
	key := filed.Key
	// seen waits for the event of kind the OC (oc) or the OI received,
	// carrying the message text when text is set, and prints it.
	seen := func(oc bool, kind sav.EventKind, text string) error {
		r, who := p.OIEvents, "OI"
		if oc {
			r, who = p.OCEvents, "OC"
		}
		ctx, cancel := context.WithTimeout(ctx, savtest.DefaultWait)
		defer cancel()
		e, err := r.WaitFunc(ctx, func(e sav.Event) bool {
			m := e.Transaction.Message
			return e.Kind == kind && (text == "" || m != nil && m.Texte == text)
		})
		if err != nil {
			return fmt.Errorf("%s: no %s event %q: %w", who, kind, text, err)
		}
		fmt.Printf("    %s event %-15s %s %-17s version %d\n", who, e.Kind, e.Transaction.State,
			e.Ticket.EtatResolution, e.Transaction.Version)
		return nil
	}

	// Over 1.0a the AR OK already took the ticket in charge (ACTION A
	// DEFINIR); TakeCharge then sends the new resolution state in an INFO.
	if _, err := p.OI.TakeCharge(ctx, key, codes.EtatResolutionPrevue); err != nil {
		return err
	}
	fmt.Println("OI  TakeCharge, ACTION PREVUE")
	if err := seen(true, sav.EventTakenInCharge, ""); err != nil {
		return err
	}

	planned := "Technicien prévu le " + demo.Slot(3, 14).Debut.Format("02/01/2006 15:04")
	if _, err := p.OI.Inform(ctx, key, sav.Information{EtatResolution: codes.EtatResolutionPrevue,
		Message: &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: planned}}); err != nil {
		return err
	}
	fmt.Println("OI  Inform:", planned)
	if err := seen(true, sav.EventInformation, planned); err != nil {
		return err
	}

	const phone = "Nouveau numéro du client"
	if _, err := p.OC.Inform(ctx, p.OCKey(ref), sav.Information{Client: &ticket.Customer{Contact1: "0698765432"},
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: phone}}); err != nil {
		return err
	}
	fmt.Println("OC  Inform:", phone)
	if err := seen(false, sav.EventInformation, phone); err != nil {
		return err
	}

	if _, err := p.OI.Close(ctx, key, ticket.Closure{Code: "RET02", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPBO, Commentaire: "Épissure refaite au PBO, signal rétabli"}); err != nil {
		return err
	}
	fmt.Println("OI  Close RET02, localisation PBO")
	if err := seen(true, sav.EventClosed, ""); err != nil {
		return err
	}

	oc, err := p.OC.Ticket(ctx, p.OCKey(ref))
	if err != nil {
		return err
	}
	oi, err := p.OI.Ticket(ctx, key)
	if err != nil {
		return err
	}
	if oc.State != oi.State || oc.Version != oi.Version {
		return fmt.Errorf("the copies disagree: OC %s v%d, OI %s v%d", oc.State, oc.Version, oi.State, oi.Version)
	}
	fmt.Printf("OC and OI copies agree: %s version %d, contact %s, %s %s\n", oc.State, oc.Version,
		oc.Client.Contact1, oc.Cloture.Code, oc.Cloture.Localisation.Label())

	_, err = p.OC.Inform(ctx, p.OCKey(ref), sav.Information{
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Le client rappelle"}})
	code, ok := ticket.ReturnCode(err)
	if !ok {
		return fmt.Errorf("want a refusal after the closure, got %v", err)
	}
	fmt.Printf("OC  Inform after the closure refused: %d %s\n", code, code.Message("transaction"))
	return nil
}
