// Command filing shows an OC filing signalisations with the engine sav.OC,
// over protocol 2.0 and then over protocol 1.0a, with the same calls and
// the same events:
//
//   - a complete deposit is acknowledged (AR OK) with the OI's id: at once
//     over 2.0 (createTroubleTicketByValue), by an AR file in the OC's mail
//     over 1.0a, where the AR OK also starts the prise en charge;
//   - a deposit the OI's qualitative check refuses (a line outside the OC's
//     parc) comes back rejected (AR KO) with return code 9;
//   - an incomplete deposit is refused before anything is sent, with a typed
//     error naming the field and the return code;
//   - filing the same reference again returns the stored ticket instead of
//     filing twice.
//
// Each pair of engines (savtest.Start) runs on loopback (2.0) or on
// Maildirs in a temporary directory (1.0a).
//
//	go run ./examples/filing
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
	demo.Main("filing", demo.EachProtocol(savtest.Options{Qualifier: sav.QualifierFunc(qualify)}, file))
}

// outsideParc is a line the OI does not know as the OC's.
const outsideParc = "FI-0000-0000"

// qualify is the OI's qualitative check of a deposit (return codes 8 and 9
// need the OI's own data).
func qualify(_ context.Context, f *ticket.Filing) (codes.ReturnCode, string, string) {
	if f.ReferencePrise == outsideParc {
		return codes.ReturnCodeHorsParcOC, "ReferencePrise", "ligne hors parc de l'OC"
	}
	return 0, "", ""
}

func file(ctx context.Context, p *savtest.Pair) error {

	// AR OK.
	ok := p.Filing("BYTL-2026-000123")
	tk, err := p.OC.File(ctx, ok)
	if err != nil {
		return err
	}
	fmt.Printf("OC  File %s → %s\n", ok.ReferenceSigSAVRaccoOC, tk.State)
	for _, kind := range []sav.EventKind{sav.EventAcknowledged, sav.EventTakenInCharge} {
		if p.Protocol == savtest.V2 && kind == sav.EventTakenInCharge {
			break // over 2.0 the OI takes it in charge by a step of its own
		}
		e, err := demo.Wait(p.OCEvents, ok.ReferenceSigSAVRaccoOC, kind)
		if err != nil {
			return err
		}
		fmt.Printf("    OC event %-15s → %s, the OI's id %s\n", e.Kind, e.Transaction.State, e.Ticket.ReferenceSigSAVOI)
	}

	// AR KO.
	ko := p.Filing("BYTL-2026-000124")
	ko.ReferencePrise = outsideParc
	if _, err := p.OC.File(ctx, ko); err != nil {
		return err
	}
	e, err := demo.Wait(p.OCEvents, ko.ReferenceSigSAVRaccoOC, sav.EventRejected)
	if err != nil {
		return err
	}
	r := e.Ticket.Rejet
	fmt.Printf("OC  File %s with %s\n    OC event %s → %s, code %d: %s\n", ko.ReferenceSigSAVRaccoOC, outsideParc,
		e.Kind, e.Ticket.State, r.CodeRetour, r.MotifRefus)

	// Refused before sending.
	bad := p.Filing("BYTL-2026-000125")
	bad.ReferencePrise = ""
	_, err = p.OC.File(ctx, bad)
	code, isCode := ticket.ReturnCode(err)
	if !isCode {
		return fmt.Errorf("want a refusal with a return code, got %v", err)
	}
	fmt.Printf("OC  File %s without ReferencePrise refused (code %d): %v\n", bad.ReferenceSigSAVRaccoOC, code, err)

	// Filed again.
	again, err := p.OC.File(ctx, ok)
	if err != nil {
		return err
	}
	list, err := p.OI.List(ctx, sav.Query{Role: codes.RoleOI})
	if err != nil {
		return err
	}
	fmt.Printf("OC  File %s again → the stored ticket %s; tickets at the OI: %d\n", ok.ReferenceSigSAVRaccoOC,
		again.ReferenceSigSAVOI, len(list))
	return nil
}
