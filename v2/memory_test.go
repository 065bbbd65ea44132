package v2

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

func submitted(t *testing.T, ref string) *ticket.Ticket {
	t.Helper()
	tk := &ticket.Ticket{}
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, Filing: filing(ref)}))
	return tk
}

func TestMemoryCreateConcurrently(t *testing.T) {
	m := NewMemory(MemoryOptions{IDPrefix: "FTEL"})
	ctx := context.Background()
	const n = 200
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got, err := m.Create(ctx, submitted(t, fmt.Sprintf("BYTL-%d", i%100)))
			if err == nil {
				ids[i] = got.ReferenceSigSAVOI
				return
			}
			var rf *Refusal
			if !errors.As(err, &rf) || rf.Code != codes.ReturnCodeCannotCreate || rf.Key == "" {
				t.Errorf("create %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" {
			require.False(t, seen[id], "id %s given twice", id)
			seen[id] = true
		}
	}
	require.Len(t, seen, 100, "one ticket per OC reference, the duplicates refused")
	require.Equal(t, 100, m.Len())
}

func TestMemoryCreateAcknowledges(t *testing.T) {
	clock := newClock()
	m := NewMemory(MemoryOptions{Now: clock.Now})
	in := submitted(t, "BYTL-1")
	got, err := m.Create(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, "SAV00000001", got.ReferenceSigSAVOI)
	require.Equal(t, ticket.StateQueued, got.State)
	require.Equal(t, 0, got.Version)
	require.False(t, got.DatePriseEnCompte.IsZero())
	require.Equal(t, ticket.StateSubmitted, in.State, "the caller's ticket is untouched")

	_, err = m.Create(context.Background(), in)
	var rf *Refusal
	require.ErrorAs(t, err, &rf)
	require.Equal(t, "SAV00000001", rf.Key)
	require.Contains(t, rf.Error(), "100 IMPOSSIBLE DE CREER LE TICKET")
	code, ok := ReturnCode(err)
	require.True(t, ok)
	require.Equal(t, codes.ReturnCodeCannotCreate, code)

	// A ticket that is not SUBMITTED cannot be acknowledged.
	_, err = m.Create(context.Background(), got)
	require.Error(t, err)
}

func TestMemoryUpdateStoresNothingOnRefusal(t *testing.T) {
	m := NewMemory(MemoryOptions{})
	ctx := context.Background()
	created, err := m.Create(ctx, submitted(t, "BYTL-1"))
	require.NoError(t, err)
	id, oi := created.ReferenceSigSAVOI, created.CodeOI

	boom := errors.New("refused")
	_, err = m.Update(ctx, oi, id, func(tk *ticket.Ticket) error {
		tk.State = ticket.StateClosed // changed, then refused
		return boom
	})
	require.Same(t, boom, err)
	got, err := m.Ticket(ctx, oi, id)
	require.NoError(t, err)
	require.Equal(t, ticket.StateQueued, got.State)

	// Copies in and out: changing what Ticket returned changes nothing.
	got.State = ticket.StateClosed
	again, _ := m.Ticket(ctx, oi, id)
	require.Equal(t, ticket.StateQueued, again.State)

	_, err = m.Update(ctx, oi, "nope", func(*ticket.Ticket) error { return nil })
	require.ErrorIs(t, err, ErrNotFound)
	_, err = m.Ticket(ctx, "ORNG", id)
	require.ErrorIs(t, err, ErrNotFound)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = m.Ticket(cctx, oi, id)
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = m.Search(cctx, &Filter{}, 0, 10)
	require.ErrorIs(t, err, context.Canceled)
}

func TestMemorySearchAndPut(t *testing.T) {
	m := NewMemory(MemoryOptions{IDPrefix: "FTEL"})
	ctx := context.Background()
	for i := range 7 {
		_, err := m.Create(ctx, submitted(t, fmt.Sprintf("BYTL-%d", i)))
		require.NoError(t, err)
	}
	page, more, err := m.Search(ctx, &Filter{CodeOC: testOC}, 0, 3)
	require.NoError(t, err)
	require.True(t, more)
	require.Equal(t, "FTEL00000001", page[0].ReferenceSigSAVOI)
	page, more, err = m.Search(ctx, &Filter{CodeOC: testOC}, 6, 3)
	require.NoError(t, err)
	require.False(t, more)
	require.Len(t, page, 1)
	page, more, err = m.Search(ctx, &Filter{CodeOC: testOC}, 10, 3)
	require.NoError(t, err)
	require.False(t, more)
	require.Empty(t, page)
	require.Empty(t, m.Tickets(&Filter{CodeOC: testOC2}))
	require.Len(t, m.Tickets(nil), 7)

	require.Error(t, m.Put(&ticket.Ticket{}))
	oc := NewMemory(MemoryOptions{})
	tk, _ := m.Ticket(ctx, testOI, "FTEL00000003")
	require.NoError(t, oc.Put(tk))
	got, err := oc.Ticket(ctx, testOI, "FTEL00000003")
	require.NoError(t, err)
	require.Equal(t, "BYTL-2", got.ReferenceSigSAVRaccoOC)
}

func TestFilterMatch(t *testing.T) {
	tk := &ticket.Ticket{Filing: *filing("BYTL-1"), ReferenceSigSAVOI: "FTEL1", State: ticket.StateOpenActive,
		EtatResolution: codes.EtatResolutionPrevue}
	for _, tc := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{CodeOC: testOC, CodeOI: testOI, ReferenceSigSAVOI: "FTEL1"}, true},
		{Filter{CodeOC: testOC2}, false},
		{Filter{States: OpenStates}, true},
		{Filter{States: []ticket.State{ticket.StateClosed}}, false},
		{Filter{ReferencePrise: "FT-1234-5678", NatureDefaut: codes.NatureDefautCoupure}, true},
		{Filter{PrelocDefaut: codes.PrelocDefautPM}, false},
		{Filter{EtatResolution: codes.EtatResolutionPlanifiee}, false},
		{Filter{TypeSAV: codes.TypeSAVExpertise}, false},
		{Filter{ReferencePrestationPrise: "X"}, false},
	} {
		require.Equal(t, tc.want, tc.f.Match(tk), "%+v", tc.f)
	}
}

func TestTemplateFilterRoundTrip(t *testing.T) {
	for _, f := range []Filter{
		{},
		{ReferenceSigSAVOI: "FTEL1", ReferenceSigSAVRaccoOC: "BYTL-1"},
		{States: []ticket.State{ticket.StateQueued}},
		{States: []ticket.State{ticket.StateOpenActive}},
		{States: []ticket.State{ticket.StateCancelRequested}},
		{States: []ticket.State{ticket.StateCancelRequested, ticket.StateOpenActive}},
		{States: []ticket.State{ticket.StateClosed}, CodeOC: testOC, CodeOI: testOI, TypeSAV: codes.TypeSAVExpertise,
			ReferencePrise: "FT-1", ReferencePrestationPrise: "VIA1", NatureDefaut: codes.NatureDefautCoupure,
			PrelocDefaut: codes.PrelocDefautPM, EtatResolution: codes.EtatResolutionTerminee},
	} {
		v, err := TemplateFromFilter(&f, nil)
		require.NoError(t, err)
		back, err := FilterFromTemplate(&v)
		require.NoError(t, err)
		want := f
		if len(want.States) == 2 {
			want.States = []ticket.State{ticket.StateOpenActive, ticket.StateCancelRequested}
		}
		require.Equal(t, want, *back)
	}
	for _, s := range [][]ticket.State{{ticket.StateSubmitted}, {ticket.StateQueued, ticket.StateClosed}} {
		_, err := TemplateFromFilter(&Filter{States: s}, nil)
		require.ErrorIs(t, err, ErrFilter)
	}
	// Elements that are not criteria are refused rather than ignored.
	for name, v := range map[string]TroubleTicketValue{
		"troubleDescription":        {TroubleDescription: Some("x")},
		"cancelRequestedByCustomer": {CancelRequestedByCustomer: Some(true)},
		"troubleState":              {TroubleState: Some(TroubleState("SUSPENDED"))},
		"customerTroubleNum":        {CustomerTroubleNum: Null[string]()},
		"primaryKey":                {TroubleTicketKey: Some(TroubleTicketKey{})},
		"message":                   {SAV: &SAVExtension{Message: Some(InfoMessage{})}},
	} {
		_, err := FilterFromTemplate(&v)
		var ce *errCriteria
		require.ErrorAs(t, err, &ce, name)
		require.Equal(t, name, ce.field)
	}
}
