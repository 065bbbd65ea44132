package v1a_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// TestTicketLifecycle plays a whole exchange through package ticket from
// 1.0a records: DEPOT, AR OK, INFO from both sides, CLOTURE.
func TestTicketLifecycle(t *testing.T) {
	recs := sampleRecords()
	dep := recs[0].(*v1a.Depot)
	tk, err := v1a.TicketOf(dep, "BYTL", "FTEL")
	require.NoError(t, err)
	require.Equal(t, ticket.StateSubmitted, tk.State)
	require.Equal(t, "BYTL", tk.CodeOC)
	require.Equal(t, codes.PrelocDefautPMPBO, tk.PrelocDefaut)

	ar := &v1a.AR{ReferenceSigSAVRaccoOC: dep.ReferenceSigSAVRaccoOC, StatutAR: v1a.StatutOK,
		ReferenceSigSAVOI: "FTEL-1", DatePriseEnCompte: paris(2026, 1, 5, 10, 0, 0)}
	tx, err := v1a.TransactionOf(ar, "", "")
	require.NoError(t, err)
	require.NoError(t, tk.ApplyV1AAcknowledge(tx))
	require.Equal(t, ticket.StateOpenActive, tk.State)

	oc := &v1a.Info{ReferenceSigSAVOI: "FTEL-1", ReferenceSigSAVRaccoOC: dep.ReferenceSigSAVRaccoOC, Emetteur: "oc",
		DateMessage: paris(2026, 1, 5, 11, 0, 0), TypeMessage: "Proposition de rdv",
		PropalRdv: dep.PropalRdv[:1], ContactClient1: "0611223344"}
	tx, err = v1a.TransactionOf(oc, "", "")
	require.NoError(t, err)
	require.Equal(t, ticket.KindCOInformation, tx.Kind)
	require.NoError(t, tk.Apply(tx))

	oi := recs[3].(*v1a.Info)
	tx, err = v1a.TransactionOf(oi, "", "")
	require.NoError(t, err)
	require.Equal(t, ticket.KindSUInformation, tx.Kind)
	require.NoError(t, tk.Apply(tx))
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)

	cl := recs[2].(*v1a.Cloture)
	tx, err = v1a.TransactionOf(cl, "", "")
	require.NoError(t, err)
	require.NoError(t, tk.Apply(tx))
	require.Equal(t, ticket.StateClosed, tk.State)

	// The ticket's last step back to 1.0a is the CLOTURE line.
	back, loss, err := v1a.FromTicket(tk)
	require.NoError(t, err)
	require.Empty(t, loss)
	want := *cl
	want.ReferenceSigSAVOI, want.ReferenceSigSAVRaccoOC = "FTEL-1", dep.ReferenceSigSAVRaccoOC
	want.ReferencePrestationPrise, want.ReferencePrise = dep.ReferencePrestationPrise, dep.ReferencePrise
	if diff := cmp.Diff(&want, back, timeEqual); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
}

func TestRecordTicketRoundTrip(t *testing.T) {
	recs := sampleRecords()
	for _, rec := range recs[:4] {
		t.Run(string(rec.Flow()), func(t *testing.T) {
			tk, err := v1a.TicketOf(rec, "BYTL", "FTEL")
			require.NoError(t, err)
			back, loss, err := v1a.FromTicket(tk)
			require.NoError(t, err)
			require.Empty(t, loss)
			want := rec
			if c, ok := rec.(*v1a.Cloture); ok {
				w := *c
				want = &w
			}
			if diff := cmp.Diff(want, back, timeEqual); diff != "" {
				t.Fatalf("(-want +got)\n%s", diff)
			}
		})
	}
	for _, rec := range recs[4:] {
		_, err := v1a.TransactionOf(rec, "", "")
		require.ErrorIs(t, err, v1a.ErrNotCarried)
		_, err = v1a.TicketOf(rec, "", "")
		require.ErrorIs(t, err, v1a.ErrNotCarried)
	}
	_, err := v1a.TransactionOf(nil, "", "")
	require.ErrorIs(t, err, v1a.ErrNotCarried)

	// AR KO.
	ko := &v1a.AR{ReferenceSigSAVRaccoOC: "R", StatutAR: v1a.StatutKO, CodeRetour: 2, MotifRefus: "x"}
	tk, err := v1a.TicketOf(ko, "", "")
	require.NoError(t, err)
	require.Equal(t, ticket.StateRejected, tk.State)
	back, _, err := v1a.FromTicket(tk)
	require.NoError(t, err)
	require.Equal(t, ko, back)
}

func TestFromTransactionLosses(t *testing.T) {
	tk := &ticket.Ticket{ReferenceSigSAVOI: "OI", Filing: ticket.Filing{ReferenceSigSAVRaccoOC: "OC"}}
	_, loss, err := v1a.FromTransaction(tk, ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI,
		Cloture: &ticket.Closure{Code: "RET01", Responsabilite: "OI", Localisation: "PTO", Description: "fibre"}})
	require.NoError(t, err)
	require.Equal(t, "cloture.description", loss[0].Field)

	_, loss, err = v1a.FromTransaction(tk, ticket.Transaction{Kind: ticket.KindSUInformation, Sender: codes.RoleOI,
		Intervention: &ticket.Intervention{Type: "DEPLACEMENT"}, Client: &ticket.Customer{Nom: "X"}})
	require.NoError(t, err)
	require.Len(t, loss, 3)

	for _, k := range []ticket.Kind{ticket.KindCancel, ticket.KindCancelRequest, ticket.KindCaseSolving} {
		_, _, err = v1a.FromTransaction(tk, ticket.Transaction{Kind: k})
		require.ErrorIs(t, err, v1a.ErrNotCarried, k.String())
	}
	_, _, err = v1a.DepotFromFiling(&ticket.Filing{TypeSAV: codes.TypeSAVExpertise})
	require.ErrorIs(t, err, v1a.ErrNotCarried)

	// The implicit prise en charge of a 1.0a AR is skipped: the AR OK is the
	// latest step.
	dep := sampleRecords()[0].(*v1a.Depot)
	tk, err = v1a.TicketOf(dep, "BYTL", "FTEL")
	require.NoError(t, err)
	require.NoError(t, tk.ApplyV1AAcknowledge(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI,
		ReferenceSigSAVOI: "OI-9", At: goldenNow}))
	rec, _, err := v1a.FromTicket(tk)
	require.NoError(t, err)
	require.Equal(t, "OI-9", rec.(*v1a.AR).ReferenceSigSAVOI)
	require.Equal(t, dep.ReferenceSigSAVRaccoOC, rec.(*v1a.AR).ReferenceSigSAVRaccoOC)
}
