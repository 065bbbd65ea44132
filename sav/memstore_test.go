package sav_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

func TestMemStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sav.Store { return sav.NewMemStore() })
}

func TestMemStoreZeroValue(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sav.Store { return new(sav.MemStore) })
}

func TestMemStoreUpdateWaitHonoursContext(t *testing.T) {
	ctx := context.Background()
	s := sav.NewMemStore()
	tk, err := s.Create(ctx, codes.RoleOI, storetest.NewTicket("REF-1", "OI-1"), sav.Effects{})
	require.NoError(t, err)
	key := sav.KeyOf(codes.RoleOI, tk)
	inside := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := s.Update(ctx, key, func(t *ticket.Ticket) (sav.Effects, error) {
			close(inside)
			<-release
			return sav.Effects{}, t.Apply(storetest.Comment("first"))
		})
		done <- err
	}()
	<-inside
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err = s.Update(waitCtx, key, func(t *ticket.Ticket) (sav.Effects, error) {
		return sav.Effects{}, t.Apply(storetest.Comment("second"))
	})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	require.NoError(t, <-done)
	got, err := s.Get(ctx, key)
	require.NoError(t, err)
	require.Equal(t, 1, got.Version)

	// A context that ends while the update function runs: nothing is
	// committed.
	runCtx, stop := context.WithCancel(ctx)
	_, err = s.Update(runCtx, key, func(t *ticket.Ticket) (sav.Effects, error) {
		stop()
		return sav.Effects{}, t.Apply(storetest.Comment("too late"))
	})
	require.ErrorIs(t, err, context.Canceled)
	got, err = s.Get(ctx, key)
	require.NoError(t, err)
	require.Equal(t, 1, got.Version)
}

func TestMemStorePrune(t *testing.T) {
	ctx := context.Background()
	t0 := storetest.T0
	s := &sav.MemStore{Now: func() time.Time { return t0 }}
	k := ticketKey("A")
	ds, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{notification("old", k), notification("new", k),
		notification("stuck", ticketKey("B")), notification("waiting", k)}})
	require.NoError(t, err)
	c, err := s.Claim(ctx, sav.ClaimRequest{Now: t0, Limit: 10, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, c.Deliveries, 2)
	require.NoError(t, s.Delivered(ctx, ds[0].ID, t0))
	require.NoError(t, s.Failed(ctx, ds[2].ID, sav.Failure{At: t0, Err: "x", Park: true, Reason: "permanent failure"}))
	c, err = s.Claim(ctx, sav.ClaimRequest{Now: t0, Limit: 10, Lease: time.Minute})
	require.NoError(t, err)
	require.NoError(t, s.Delivered(ctx, c.Deliveries[0].ID, t0.Add(time.Hour)))

	for i, id := range []string{"m1", "m2", "m3", "m4"} {
		_, _, err := s.Record(ctx, &sav.Inbound{Protocol: sav.ProtocolV1A, ID: id, ReceivedAt: t0})
		require.NoError(t, err)
		ref := sav.InboundRef{Protocol: sav.ProtocolV1A, ID: id}
		switch i {
		case 0:
			require.NoError(t, s.Resolve(ctx, sav.Resolution{Ref: ref, Outcome: sav.Outcome{
				Disposition: sav.DispositionProcessed, At: t0}}))
		case 1:
			require.NoError(t, s.Resolve(ctx, sav.Resolution{Ref: ref, Outcome: sav.Outcome{
				Disposition: sav.DispositionProcessed, At: t0.Add(time.Hour)}}))
		case 2:
			require.NoError(t, s.Resolve(ctx, sav.Quarantine(ref, t0, "unknown sender")))
		}
	}

	nd, ne := s.Prune(t0.Add(time.Minute))
	require.Equal(t, 1, nd)
	require.Equal(t, 1, ne)
	_, err = s.Delivery(ctx, ds[0].ID)
	require.ErrorIs(t, err, sav.ErrNotFound)
	for _, id := range []string{ds[1].ID, ds[2].ID, ds[3].ID} {
		_, err = s.Delivery(ctx, id)
		require.NoError(t, err)
	}
	_, dup, err := s.Record(ctx, &sav.Inbound{Protocol: sav.ProtocolV1A, ID: "m1", ReceivedAt: t0})
	require.NoError(t, err)
	require.False(t, dup, "a forgotten entry is new again")
	for _, id := range []string{"m2", "m3", "m4"} {
		_, err := s.Inbound(ctx, sav.InboundRef{Protocol: sav.ProtocolV1A, ID: id})
		require.NoError(t, err, id)
	}
	ps, err := s.Pending(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"waiting"}, []string{ps[0].Label})
}

func TestErrorsAndNames(t *testing.T) {
	k := sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "REF-1"}
	require.Equal(t, "OI/BYTL/REF-1", k.String())
	oik := sav.OIKey{Role: codes.RoleOC, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-1"}
	require.Equal(t, "OC/FTEL/OI-1", oik.String())
	require.Equal(t, "sav: ticket OI/BYTL/REF-1 already exists", (&sav.DuplicateError{Key: k}).Error())
	require.Equal(t, "sav: ticket OI/BYTL/REF-1: OI reference OC/FTEL/OI-1 already used",
		(&sav.DuplicateError{Key: k, OIKey: oik}).Error())
	err := sav.CheckUpdate(k, storetest.NewTicket("REF-1", "OI-1"), storetest.NewTicket("REF-1", "OI-2"))
	require.ErrorIs(t, err, sav.ErrKeyChanged)
	require.Equal(t, `sav: ticket OI/BYTL/REF-1: ReferenceSigSAVOI: changed from "OI-1" to "OI-2"`, err.Error())
	require.NoError(t, sav.CheckUpdate(k, storetest.NewTicket("REF-1", ""), storetest.NewTicket("REF-1", "OI-2")))
	err = sav.Key{Role: "XX", CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "R"}.Check()
	var ke *sav.KeyError
	require.True(t, errors.As(err, &ke))
	require.Equal(t, "Role", ke.Field)
	require.ErrorIs(t, sav.Key{Role: codes.RoleOC, ReferenceSigSAVRaccoOC: "R"}.Check(), sav.ErrInvalidKey)
	require.True(t, sav.Key{}.IsZero())
	require.True(t, sav.ProtocolV1A.Valid())
	require.False(t, sav.Protocol("x400").Valid())
	require.Equal(t, "v2:abc", sav.InboundRef{Protocol: sav.ProtocolV2, ID: "abc"}.String())
	require.Equal(t, "BYTL <sav@bytl.example>", sav.Destination{Code: "BYTL", Address: "sav@bytl.example"}.String())
	_, ok := sav.OIKeyOf(codes.RoleOI, storetest.NewTicket("REF-1", ""))
	require.False(t, ok)

	in := &sav.Inbound{Body: []byte("a"), Outcome: &sav.Outcome{Response: []byte("b")}}
	c := in.Clone()
	c.Body[0], c.Outcome.Response[0] = 'x', 'y'
	c.Outcome.Reason = "changed"
	require.Equal(t, "a", string(in.Body))
	require.Equal(t, "b", string(in.Outcome.Response))
	require.Empty(t, in.Outcome.Reason)

	d := &sav.Delivery{Protocol: sav.ProtocolV1A, Destination: sav.Destination{Address: "x@example.org"},
		Tickets: []sav.Key{k, k}}
	require.Equal(t, []sav.Lane{{Ticket: k}}, d.Lanes(), "one lane per distinct ticket")
	d.Tickets = nil
	require.Equal(t, []sav.Lane{{Destination: d.Destination}}, d.Lanes())
}
