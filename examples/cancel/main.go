// Command cancel shows an OC cancelling its signalisations with sav.OC's
// Cancel, which picks the flow from the ticket's state:
//
//   - over protocol 2.0, a ticket the OI has not taken in charge yet (QUEUED)
//     is cancelled at once (CASE CANCELATION closes it in the same
//     exchange);
//   - over protocol 2.0, a ticket the OI works on (OPENACTIVE) can only be
//     asked to be cancelled: CASE CANCELATION REQUEST puts it in ANNULATION
//     EN COURS, a direct CASE CANCELATION is refused (code 13), and the OI
//     closes it with CASE SOLVED NOTIFICATION;
//   - protocol 1.0a has no cancellation flow: Cancel returns a typed
//     *sav.UnsupportedError (code 11) and nothing changes.
//
// Each pair of engines (savtest.Start) runs on loopback (2.0) or on
// Maildirs in a temporary directory (1.0a).
//
//	go run ./examples/cancel
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
)

func main() {
	demo.Main("cancel", func(ctx context.Context) error {
		return errors.Join(direct(ctx), request(ctx), unsupported(ctx))
	})
}

// direct cancels a QUEUED ticket over 2.0.
func direct(ctx context.Context) error {
	p, err := savtest.Start(savtest.Options{Protocol: savtest.V2})
	if err != nil {
		return err
	}
	defer p.Close()
	const ref = "BYTL-2026-000400"
	fmt.Println("== 2.0, before the prise en charge")
	if _, err := p.OC.File(ctx, p.Filing(ref)); err != nil {
		return err
	}
	tk, err := p.OC.Cancel(ctx, p.OCKey(ref), "Client dépanné par une box neuve")
	if err != nil {
		return err
	}
	fmt.Printf("OC  Cancel → %s, cancelled by the OC: %v\n", tk.State, tk.Cloture.Annulation)
	e, err := demo.Wait(p.OIEvents, ref, sav.EventCancelled)
	if err != nil {
		return err
	}
	fmt.Printf("    OI event %s → %s\n", e.Kind, e.Ticket.State)
	return nil
}

// request asks the cancellation of a ticket in charge over 2.0.
func request(ctx context.Context) error {
	p, err := savtest.Start(savtest.Options{Protocol: savtest.V2})
	if err != nil {
		return err
	}
	defer p.Close()
	const ref = "BYTL-2026-000401"
	fmt.Println("== 2.0, once the OI took the ticket in charge")
	if _, err := p.OC.File(ctx, p.Filing(ref)); err != nil {
		return err
	}
	filed, err := demo.Wait(p.OIEvents, ref, sav.EventFiled)
	if err != nil {
		return err
	}
	if _, err := p.OI.TakeCharge(ctx, filed.Key, codes.EtatResolutionPrevue); err != nil {
		return err
	}
	if _, err := demo.Wait(p.OCEvents, ref, sav.EventTakenInCharge); err != nil {
		return err
	}
	fmt.Println("OI  TakeCharge")

	_, err = p.OC.Send(ctx, p.OCKey(ref), ticket.Transaction{Kind: ticket.KindCancel})
	code, ok := ticket.ReturnCode(err)
	if !ok || code != codes.ReturnCodeUnexpected {
		return fmt.Errorf("want code 13 for a direct cancellation in charge, got %v", err)
	}
	fmt.Printf("OC  CASE CANCELATION refused: %d %s\n", code, code.Message("transaction"))

	tk, err := p.OC.Cancel(ctx, p.OCKey(ref), "Le client a résilié")
	if err != nil {
		return err
	}
	fmt.Printf("OC  Cancel → %s (CASE CANCELATION REQUEST)\n", tk.State)
	if _, err := demo.Wait(p.OIEvents, ref, sav.EventCancelRequested); err != nil {
		return err
	}
	if _, err := p.OI.Close(ctx, filed.Key, ticket.Closure{Code: "STT01", Responsabilite: codes.ResponsabiliteOC,
		Commentaire: "Annulation à la demande de l'OC"}); err != nil {
		return err
	}
	fmt.Println("OI  Close STT01")
	e, err := demo.Wait(p.OCEvents, ref, sav.EventClosed)
	if err != nil {
		return err
	}
	fmt.Printf("    OC event %s → %s %s\n", e.Kind, e.Ticket.State, e.Ticket.Cloture.Code)
	return nil
}

// unsupported asks a cancellation of a 1.0a OI.
func unsupported(ctx context.Context) error {
	p, err := savtest.Start(savtest.Options{Protocol: savtest.V1A})
	if err != nil {
		return err
	}
	defer p.Close()
	const ref = "BYTL-2026-000402"
	fmt.Println("== 1.0a")
	if _, err := p.OC.File(ctx, p.Filing(ref)); err != nil {
		return err
	}
	if _, err := demo.Wait(p.OCEvents, ref, sav.EventAcknowledged); err != nil {
		return err
	}
	_, err = p.OC.Cancel(ctx, p.OCKey(ref), "")
	var ue *sav.UnsupportedError
	if !errors.As(err, &ue) {
		return fmt.Errorf("want an *sav.UnsupportedError, got %v", err)
	}
	fmt.Printf("OC  Cancel refused: %v (code %d)\n", err, ue.Code)
	tk, err := p.OC.Ticket(ctx, p.OCKey(ref))
	if err != nil {
		return err
	}
	fmt.Printf("OC  the ticket is still %s %s\n", tk.State, tk.EtatResolution)
	return nil
}
