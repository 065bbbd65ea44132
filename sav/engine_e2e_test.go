package sav_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

func bothProtocols(t *testing.T, f func(t *testing.T, proto savtest.Protocol)) {
	for _, p := range []savtest.Protocol{savtest.V2, savtest.V1A} {
		t.Run(p.String(), func(t *testing.T) { f(t, p) })
	}
}

func tomorrowSlot(h int) ticket.Slot {
	d := time.Now().In(ticket.Paris).AddDate(0, 0, 2)
	start := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, ticket.Paris)
	return ticket.Slot{Debut: start, Fin: start.Add(2 * time.Hour)}
}

// TestFlowToClosure drives one ticket from filing to closure in each
// protocol and checks both sides saw the same steps.
func TestFlowToClosure(t *testing.T) {
	bothProtocols(t, func(t *testing.T, proto savtest.Protocol) {
		ctx := context.Background()
		p := savtest.NewPair(t, savtest.Options{Protocol: proto})
		tk, err := p.OC.File(ctx, p.Filing("REF-1"))
		require.NoError(t, err)
		if proto == savtest.V2 {
			require.Equal(t, ticket.StateQueued, tk.State)
		} else {
			require.Equal(t, ticket.StateSubmitted, tk.State)
		}
		p.OCEvents.Wait(t, "REF-1", sav.EventAcknowledged)
		filed := p.OIEvents.Wait(t, "REF-1", sav.EventFiled)
		oiKey := filed.Key

		_, err = p.OI.TakeCharge(ctx, oiKey, "")
		require.NoError(t, err)
		p.OCEvents.Wait(t, "REF-1", sav.EventTakenInCharge)

		slot := tomorrowSlot(9)
		_, err = p.OC.ProposeRdv(ctx, p.OCKey("REF-1"), slot)
		require.NoError(t, err)
		p.OIEvents.Wait(t, "REF-1", sav.EventInformation)

		_, err = p.OI.ConfirmRdv(ctx, oiKey, slot, "")
		require.NoError(t, err)
		info := p.OCEvents.Wait(t, "REF-1", sav.EventInformation)
		require.Equal(t, codes.TypeMessageConfirmationRdv, info.Transaction.Message.Type)

		_, err = p.OI.Close(ctx, oiKey, ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
			Localisation: codes.PrelocDefautPM, Commentaire: "Connecteur remplacé"})
		require.NoError(t, err)
		closed := p.OCEvents.Wait(t, "REF-1", sav.EventClosed)
		require.Equal(t, ticket.StateClosed, closed.Ticket.State)
		require.Equal(t, codes.ClosureCode("RET01"), closed.Ticket.Cloture.Code)

		want := []sav.EventKind{sav.EventAcknowledged, sav.EventTakenInCharge, sav.EventInformation, sav.EventClosed}
		if diff := cmp.Diff(want, p.OCEvents.Kinds("REF-1")); diff != "" {
			t.Errorf("OC events (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]sav.EventKind{sav.EventFiled, sav.EventInformation}, p.OIEvents.Kinds("REF-1")); diff != "" {
			t.Errorf("OI events (-want +got):\n%s", diff)
		}
		oc, err := p.OC.Ticket(ctx, p.OCKey("REF-1"))
		require.NoError(t, err)
		oi, err := p.OI.Ticket(ctx, oiKey)
		require.NoError(t, err)
		require.Equal(t, oi.Version, oc.Version, "both copies count the same transactions")
		require.Equal(t, oi.ReferenceSigSAVOI, oc.ReferenceSigSAVOI)
		require.Equal(t, ticket.StateClosed, oi.State)
		if proto == savtest.V1A {
			require.True(t, closed.Transaction.Version > 0)
			ack := p.OCEvents.Wait(t, "REF-1", sav.EventTakenInCharge)
			require.True(t, ack.Implicit(), "a 1.0a AR OK starts the prise en charge")
		}
	})
}

// TestARKO checks a deposit the OI's qualitative check refuses comes back as
// EventRejected with the code, in both protocols.
func TestARKO(t *testing.T) {
	bothProtocols(t, func(t *testing.T, proto savtest.Protocol) {
		ctx := context.Background()
		q := sav.QualifierFunc(func(_ context.Context, f *ticket.Filing) (codes.ReturnCode, string, string) {
			if f.ReferencePrise == "FI-0000-0000" {
				return codes.ReturnCodeHorsParcOC, "ReferencePrise", "not in our parc"
			}
			return 0, "", ""
		})
		p := savtest.NewPair(t, savtest.Options{Protocol: proto, Qualifier: q})
		f := p.Filing("REF-KO")
		f.ReferencePrise = "FI-0000-0000"
		_, err := p.OC.File(ctx, f)
		require.NoError(t, err)
		ev := p.OCEvents.Wait(t, "REF-KO", sav.EventRejected)
		require.Equal(t, ticket.StateRejected, ev.Ticket.State)
		require.Equal(t, codes.ReturnCodeHorsParcOC, ev.Ticket.Rejet.CodeRetour)
		require.True(t, strings.HasPrefix(ev.Ticket.Rejet.MotifRefus, "INFO ReferencePrise HORS PARC OC"),
			"the motif is the partner's message, the same in both protocols: %q", ev.Ticket.Rejet.MotifRefus)
		list, err := p.OI.List(ctx, sav.Query{})
		require.NoError(t, err)
		require.Empty(t, list, "an AR KO creates no ticket at the OI")
	})
}

// TestCancellation covers the direct cancellation (Queued) and the request
// (OpenActive) over 2.0, and the typed refusal over 1.0a.
func TestCancellation(t *testing.T) {
	ctx := context.Background()
	t.Run("v2-direct", func(t *testing.T) {
		p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V2})
		_, err := p.OC.File(ctx, p.Filing("REF-C1"))
		require.NoError(t, err)
		tk, err := p.OC.Cancel(ctx, p.OCKey("REF-C1"), "client dépanné")
		require.NoError(t, err)
		require.Equal(t, ticket.StateClosed, tk.State)
		require.True(t, tk.Cloture.Annulation)
		ev := p.OIEvents.Wait(t, "REF-C1", sav.EventCancelled)
		require.Equal(t, ticket.StateClosed, ev.Ticket.State)
	})
	t.Run("v2-request", func(t *testing.T) {
		p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V2})
		_, err := p.OC.File(ctx, p.Filing("REF-C2"))
		require.NoError(t, err)
		oiKey := p.OIEvents.Wait(t, "REF-C2", sav.EventFiled).Key
		_, err = p.OI.TakeCharge(ctx, oiKey, codes.EtatResolutionPrevue)
		require.NoError(t, err)
		p.OCEvents.Wait(t, "REF-C2", sav.EventTakenInCharge)
		tk, err := p.OC.Cancel(ctx, p.OCKey("REF-C2"), "")
		require.NoError(t, err)
		require.Equal(t, ticket.StateCancelRequested, tk.State)
		p.OIEvents.Wait(t, "REF-C2", sav.EventCancelRequested)
		_, err = p.OI.Close(ctx, oiKey, ticket.Closure{Code: "STT01", Responsabilite: codes.ResponsabiliteOC})
		require.NoError(t, err)
		require.Equal(t, ticket.StateClosed, p.OCEvents.Wait(t, "REF-C2", sav.EventClosed).Ticket.State)
	})
	t.Run("v1a-refused", func(t *testing.T) {
		p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
		_, err := p.OC.File(ctx, p.Filing("REF-C3"))
		require.NoError(t, err)
		p.OCEvents.Wait(t, "REF-C3", sav.EventAcknowledged)
		_, err = p.OC.Cancel(ctx, p.OCKey("REF-C3"), "")
		var ue *sav.UnsupportedError
		require.ErrorAs(t, err, &ue)
		require.ErrorIs(t, err, sav.ErrUnsupported)
		require.Equal(t, codes.ReturnCodeNotAllowed, ue.Code)
		tk, err := p.OC.Ticket(ctx, p.OCKey("REF-C3"))
		require.NoError(t, err)
		require.Equal(t, ticket.StateOpenActive, tk.State, "nothing changed")
	})
	t.Run("v1a-expertise", func(t *testing.T) {
		p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
		f := p.Filing("REF-X")
		f.TypeSAV, f.RelatedTicket = codes.TypeSAVExpertise, "FTEL00000001"
		_, err := p.OC.File(ctx, f)
		require.True(t, errors.Is(err, sav.ErrUnsupported), "got %v", err)
	})
}

// TestConfirmBookedSlot files a deposit naming a booking (automatic
// process); the OI confirms the booked slot with the booking id and the
// slot, which both protocols carry to the OC.
func TestConfirmBookedSlot(t *testing.T) {
	bothProtocols(t, func(t *testing.T, proto savtest.Protocol) {
		ctx := context.Background()
		p := savtest.NewPair(t, savtest.Options{Protocol: proto})
		f := p.Filing("REF-B")
		f.Rdv = &ticket.Appointment{IdRdv: "RDV-2026-0042"}
		_, err := p.OC.File(ctx, f)
		require.NoError(t, err)
		oiKey := p.OIEvents.Wait(t, "REF-B", sav.EventFiled).Key
		if proto == savtest.V2 {
			_, err = p.OI.TakeCharge(ctx, oiKey, "")
			require.NoError(t, err)
		}
		p.OCEvents.Wait(t, "REF-B", sav.EventTakenInCharge)

		slot := tomorrowSlot(14)
		want := &ticket.Appointment{IdRdv: "RDV-2026-0042", Creneaux: []ticket.Slot{slot}}
		_, err = p.OI.ConfirmRdv(ctx, oiKey, slot, "RDV-2026-0042")
		require.NoError(t, err)
		info := p.OCEvents.Wait(t, "REF-B", sav.EventInformation)
		require.Equal(t, codes.TypeMessageConfirmationRdv, info.Transaction.Message.Type)
		require.Equal(t, "RDV-2026-0042", info.Transaction.Rdv.IdRdv)
		require.Len(t, info.Transaction.Rdv.Creneaux, 1)
		require.True(t, info.Transaction.Rdv.Creneaux[0].Debut.Equal(slot.Debut) &&
			info.Transaction.Rdv.Creneaux[0].Fin.Equal(slot.Fin), "%v", info.Transaction.Rdv)

		oc, err := p.OC.Ticket(ctx, p.OCKey("REF-B"))
		require.NoError(t, err)
		oi, err := p.OI.Ticket(ctx, oiKey)
		require.NoError(t, err)
		for _, tk := range []*ticket.Ticket{oc, oi} {
			require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)
			require.Equal(t, want.IdRdv, tk.Rdv.IdRdv)
			require.Len(t, tk.Rdv.Creneaux, 1)
			require.True(t, tk.Rdv.Creneaux[0].Debut.Equal(slot.Debut))
		}
		require.Equal(t, oi.Version, oc.Version)

		// A booking id with two slots stays refused, before anything is sent.
		_, err = p.OI.Send(ctx, oiKey, ticket.Transaction{Kind: ticket.KindSUInformation,
			Message: &ticket.Message{Type: codes.TypeMessageConfirmationRdv, Date: time.Now()},
			Rdv:     &ticket.Appointment{IdRdv: "RDV-2026-0042", Creneaux: []ticket.Slot{slot, tomorrowSlot(17)}}})
		var te *ticket.TransitionError
		require.ErrorAs(t, err, &te)
		require.Equal(t, codes.ReturnCodeUnexpected, te.Code)
		require.Equal(t, "PropalRdv", te.Field)
	})
}
