package sav_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
)

// receiver is a partner that drops what it already has, by idempotency key,
// and keeps what it got in order, per ticket.
type receiver struct {
	mu        sync.Mutex
	seen      map[string]bool
	perTicket map[sav.Key][]string
	dups      int
	total     int
}

func newReceiver() *receiver {
	return &receiver{seen: map[string]bool{}, perTicket: map[sav.Key][]string{}}
}

func (r *receiver) accept(d *sav.Delivery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[d.IdempotencyKey] {
		r.dups++
		return
	}
	r.seen[d.IdempotencyKey] = true
	r.total++
	for _, k := range d.Tickets {
		r.perTicket[k] = append(r.perTicket[k], d.Label)
	}
}

func (r *receiver) got() (map[sav.Key][]string, int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[sav.Key][]string{}
	for k, v := range r.perTicket {
		m[k] = slices.Clone(v)
	}
	return m, r.total, r.dups
}

func ticketKey(ref string) sav.Key {
	return sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: ref}
}

func notification(label string, k sav.Key) sav.Delivery {
	return sav.Delivery{Protocol: sav.ProtocolV2, Destination: sav.Destination{Code: "BYTL",
		Address: "http://127.0.0.1:9/sav/v2/oc"}, ContentType: "text/xml; charset=utf-8",
		Body: []byte("<" + label + "/>"), Label: label, Tickets: []sav.Key{k}}
}

// enqueue commits, for each of tickets, n notifications labelled REF#i,
// interleaved across tickets, and returns what each ticket must receive.
func enqueue(t *testing.T, s sav.Store, tickets []string, n int) map[sav.Key][]string {
	t.Helper()
	want := map[sav.Key][]string{}
	for i := range n {
		for _, ref := range tickets {
			k := ticketKey(ref)
			l := fmt.Sprintf("%s#%d", ref, i)
			_, err := s.Commit(context.Background(), sav.Effects{Deliveries: []sav.Delivery{notification(l, k)}})
			require.NoError(t, err)
			want[k] = append(want[k], l)
		}
	}
	return want
}

// flakyOutbox fails the first n Delivered calls, as a store that is briefly
// unreachable would: the attempt arrived but its success is not recorded.
type flakyOutbox struct {
	sav.Store
	mu   sync.Mutex
	fail int
}

func (f *flakyOutbox) Delivered(ctx context.Context, id string, at time.Time) error {
	f.mu.Lock()
	fail := f.fail > 0
	f.fail--
	f.mu.Unlock()
	if fail {
		return errors.New("store unreachable")
	}
	return f.Store.Delivered(ctx, id, at)
}

func TestDispatcherPartnerDownThenBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := sav.NewMemStore()
		want := enqueue(t, store, []string{"A", "B", "C", "D", "E"}, 6)
		rcv := newReceiver()
		up := time.Now().Add(3 * time.Minute)
		calls := 0
		var mu sync.Mutex
		deliverer := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
			mu.Lock()
			calls++
			lost := calls%7 == 0
			mu.Unlock()
			if time.Now().Before(up) {
				return errors.New("dial tcp 127.0.0.1:9: connection refused")
			}
			rcv.accept(d)
			if lost {
				return errors.New("read: connection reset by peer") // accepted, answer lost
			}
			return nil
		})
		ctx, stop := context.WithCancel(context.Background())
		disp := &sav.Dispatcher{Outbox: &flakyOutbox{Store: store, fail: 3}, Deliverer: deliverer,
			Backoff: sav.Backoff{Initial: time.Second, Max: 30 * time.Second, Multiplier: 2, Jitter: 0.5},
			Timeout: 10 * time.Second, Concurrency: 3}
		ran := make(chan error)
		go func() { ran <- disp.Run(ctx) }()

		for {
			synctest.Wait()
			ps, err := store.Pending(context.Background())
			require.NoError(t, err)
			if len(ps) == 0 {
				break
			}
			time.Sleep(time.Second)
		}
		stop()
		require.NoError(t, <-ran)

		got, total, dups := rcv.got()
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("per-ticket arrivals (-want +got):\n%s", d)
		}
		require.Equal(t, 30, total)
		require.Positive(t, dups, "the lost answers and unrecorded successes made duplicates, which the receiver dropped")
		stuck, err := store.Stuck(context.Background())
		require.NoError(t, err)
		require.Empty(t, stuck)
		require.False(t, time.Now().Before(up), "everything arrived only once the partner was back")
	})
}

// fakeClock is a manual clock: After registers a waiter that Advance fires.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	asked   []time.Duration
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked = append(c.asked, d)
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	return ch
}

// advance moves the clock to the earliest waiter and fires the waiters
// that are due; it reports false when nobody waits.
func (c *fakeClock) advance() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.waiters) == 0 {
		return false
	}
	next := slices.MinFunc(c.waiters, func(a, b fakeWaiter) int { return a.at.Compare(b.at) }).at
	if next.After(c.now) {
		c.now = next
	}
	c.waiters = slices.DeleteFunc(c.waiters, func(w fakeWaiter) bool {
		if w.at.After(c.now) {
			return false
		}
		w.ch <- c.now
		return true
	})
	return true
}

func TestDispatcherBackoffSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := &fakeClock{now: t0}
		store := &sav.MemStore{Now: clock.Now}
		_, err := store.Commit(context.Background(), sav.Effects{Deliveries: []sav.Delivery{
			notification("N1", ticketKey("A")), notification("N2", ticketKey("A"))}})
		require.NoError(t, err)

		var attempts []time.Duration
		var seen []*sav.Delivery
		deliverer := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
			attempts = append(attempts, clock.Now().Sub(t0))
			if len(attempts) <= 5 {
				ps, err := store.Pending(ctx)
				require.NoError(t, err)
				seen = append(seen, ps[0])
				return fmt.Errorf("attempt %d: connection refused", len(attempts))
			}
			return nil
		})
		ctx, stop := context.WithCancel(context.Background())
		disp := &sav.Dispatcher{Outbox: store, Deliverer: deliverer, Clock: clock,
			Backoff: sav.Backoff{Initial: time.Second, Max: 5 * time.Second, Multiplier: 2, Jitter: 0.2},
			Rand:    func() float64 { return 0.5 }, Poll: time.Hour}
		ran := make(chan error)
		go func() { ran <- disp.Run(ctx) }()
		for {
			synctest.Wait()
			ps, err := store.Pending(context.Background())
			require.NoError(t, err)
			if len(ps) == 0 {
				break
			}
			require.True(t, clock.advance(), "the dispatcher waits for nothing with deliveries pending")
		}
		stop()
		require.NoError(t, <-ran)

		// Waits of 0.9 s, 1.8 s, 3.6 s, then the 5 s cap, each less 10%
		// (jitter 0.2 × 0.5); N2 goes right after N1.
		ms := time.Millisecond
		require.Equal(t, []time.Duration{0, 900 * ms, 2700 * ms, 6300 * ms, 10800 * ms, 15300 * ms, 15300 * ms},
			attempts)
		require.Len(t, seen, 5)
		require.Equal(t, 1, seen[0].Attempts)
		require.Empty(t, seen[0].LastError)
		require.Equal(t, 2, seen[1].Attempts)
		require.Equal(t, "attempt 1: connection refused", seen[1].LastError)
		require.Equal(t, t0.Add(900*ms), seen[1].NextAttempt)
		require.Equal(t, t0, seen[1].LastAttemptAt)
		require.Equal(t, "attempt 4: connection refused", seen[4].LastError)
		require.Equal(t, t0.Add(10800*ms), seen[4].NextAttempt)
		require.NotEmpty(t, clock.asked)
	})
}

func TestBackoffDelay(t *testing.T) {
	s := time.Second
	b := sav.Backoff{Initial: s, Max: 10 * s, Multiplier: 3, Jitter: 0.5}
	for _, c := range []struct {
		b       sav.Backoff
		attempt int
		r       float64
		want    time.Duration
	}{
		{b, 1, 0, s},
		{b, 2, 0, 3 * s},
		{b, 3, 0, 9 * s},
		{b, 4, 0, 10 * s},
		{b, 1000, 0, 10 * s},
		{b, 3, 0.5, 9 * s * 3 / 4},
		{b, 4, 0.999999, 5*s + 5*time.Microsecond},
		{b, 0, 0, s},
		{b, 1, 7, s / 2},
		{sav.Backoff{}, 1, 0, 2 * s},
		{sav.Backoff{}, 1, 1, 1600 * time.Millisecond},
		{sav.Backoff{}, 30, 0, 10 * time.Minute},
		{sav.Backoff{Initial: s}, 3, 0, 4 * s},
		{sav.Backoff{Initial: s, Jitter: 3}, 3, 0.5, 2 * s},
	} {
		if got := c.b.Delay(c.attempt, c.r); got != c.want {
			t.Errorf("%+v.Delay(%d, %v) = %v, want %v", c.b, c.attempt, c.r, got, c.want)
		}
	}
}

func TestDispatcherParksAndRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := sav.NewMemStore()
		a, b := ticketKey("A"), ticketKey("B")
		_, err := store.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{
			notification("A1", a), notification("B1", b), notification("A2", a), notification("B2", b)}})
		require.NoError(t, err)
		rcv := newReceiver()
		refuse := true
		deliverer := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
			if d.Label == "A1" && refuse {
				return sav.Permanent(errors.New("fault 13: INFO transaction INCORRECTE - HORS VALEURS ATTENDUES"))
			}
			rcv.accept(d)
			return nil
		})
		var logs bytes.Buffer
		runCtx, stop := context.WithCancel(ctx)
		disp := &sav.Dispatcher{Outbox: store, Deliverer: deliverer,
			Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
		ran := make(chan error)
		go func() { ran <- disp.Run(runCtx) }()
		synctest.Wait()

		got, _, _ := rcv.got()
		require.Equal(t, map[sav.Key][]string{b: {"B1", "B2"}}, got, "B goes on; A waits behind its stuck A1")
		stuck, err := store.Stuck(ctx)
		require.NoError(t, err)
		require.Len(t, stuck, 1)
		require.Equal(t, "A1", stuck[0].Label)
		require.Equal(t, "permanent failure", stuck[0].Reason)
		require.Contains(t, stuck[0].LastError, "fault 13")
		require.Equal(t, 1, stuck[0].Attempts)
		ps, err := store.Pending(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"A2"}, []string{ps[0].Label})
		require.Contains(t, logs.String(), "outbox: delivery parked as stuck")

		time.Sleep(time.Hour) // a stuck delivery is never retried by itself
		synctest.Wait()
		got, _, _ = rcv.got()
		require.Len(t, got[a], 0)

		refuse = false
		require.NoError(t, disp.Retry(ctx, stuck[0].ID))
		synctest.Wait()
		got, total, dups := rcv.got()
		require.Equal(t, map[sav.Key][]string{a: {"A1", "A2"}, b: {"B1", "B2"}}, got)
		require.Equal(t, 4, total)
		require.Zero(t, dups)
		require.ErrorIs(t, disp.Retry(ctx, stuck[0].ID), sav.ErrDeliveryState)
		stop()
		require.NoError(t, <-ran)
	})
}

func TestDispatcherMaxAttemptsAndPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := sav.NewMemStore()
		_, err := store.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{
			notification("down", ticketKey("A")), notification("bug", ticketKey("B"))}})
		require.NoError(t, err)
		deliverer := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
			if d.Label == "bug" {
				panic("index out of range")
			}
			return errors.New("503 Service Unavailable")
		})
		runCtx, stop := context.WithCancel(ctx)
		disp := &sav.Dispatcher{Outbox: store, Deliverer: deliverer, MaxAttempts: 4}
		ran := make(chan error)
		go func() { ran <- disp.Run(runCtx) }()
		time.Sleep(time.Hour)
		synctest.Wait()
		stuck, err := store.Stuck(ctx)
		require.NoError(t, err)
		require.Len(t, stuck, 2)
		require.Equal(t, "down", stuck[0].Label)
		require.Equal(t, "gave up after 4 attempts", stuck[0].Reason)
		require.Equal(t, 4, stuck[0].Attempts)
		require.Equal(t, "503 Service Unavailable", stuck[0].LastError)
		require.Equal(t, "the deliverer panicked", stuck[1].Reason)
		require.Contains(t, stuck[1].LastError, "index out of range")
		stop()
		require.NoError(t, <-ran)
	})
}

func TestDispatcherStopLosesNothing(t *testing.T) {
	for _, c := range []struct {
		name  string
		grace time.Duration // 0: attempts under way finish
	}{
		{"attempts finish", 0},
		{"attempts cancelled", 100 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				store := sav.NewMemStore()
				want := enqueue(t, store, []string{"A", "B", "C", "D", "E", "F"}, 5)
				rcv := newReceiver()
				slow := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
					select {
					case <-time.After(time.Second):
					case <-ctx.Done():
						return ctx.Err()
					}
					rcv.accept(d)
					return nil
				})
				runCtx, stop := context.WithCancel(ctx)
				disp := &sav.Dispatcher{Outbox: store, Deliverer: slow, Concurrency: 3, Grace: c.grace}
				ran := make(chan error)
				go func() { ran <- disp.Run(runCtx) }()
				time.Sleep(3500 * time.Millisecond) // mid-way through the fourth round
				stop()
				require.NoError(t, <-ran)

				got, total, _ := rcv.got()
				ps, err := store.Pending(ctx)
				require.NoError(t, err)
				for _, d := range ps {
					require.Equal(t, sav.DeliveryPending, d.Status, "%s is left in flight", d.Label)
				}
				if c.grace == 0 {
					require.Equal(t, 12, total, "the attempts under way at stop finished")
				} else {
					require.Equal(t, 9, total, "the attempts under way at stop were cancelled")
					require.Len(t, ps, 21)
					require.Equal(t, "context canceled", ps[0].LastError)
				}
				require.Equal(t, 30, total+len(ps), "delivered or still pending: nothing lost")
				stuck, err := store.Stuck(ctx)
				require.NoError(t, err)
				require.Empty(t, stuck)

				// The next run delivers the rest, in order.
				runCtx, stop = context.WithCancel(ctx)
				disp = &sav.Dispatcher{Outbox: store, Deliverer: slow, Concurrency: 3}
				go func() { ran <- disp.Run(runCtx) }()
				time.Sleep(time.Minute)
				stop()
				require.NoError(t, <-ran)
				got, total, dups := rcv.got()
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("per-ticket arrivals (-want +got):\n%s", d)
				}
				require.Equal(t, 30, total)
				require.Zero(t, dups)
			})
		})
	}
}

func TestDispatcherWake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := sav.NewMemStore()
		// An outbox that is not a Notifier: only Wake or the poll make the
		// dispatcher look.
		outbox := struct{ sav.Outbox }{store}
		rcv := newReceiver()
		runCtx, stop := context.WithCancel(ctx)
		disp := &sav.Dispatcher{Outbox: outbox, Poll: time.Hour,
			Deliverer: sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error { rcv.accept(d); return nil })}
		ran := make(chan error)
		go func() { ran <- disp.Run(runCtx) }()
		synctest.Wait()
		_, err := store.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{notification("N1", ticketKey("A"))}})
		require.NoError(t, err)
		synctest.Wait()
		_, total, _ := rcv.got()
		require.Zero(t, total)
		disp.Wake()
		synctest.Wait()
		_, total, _ = rcv.got()
		require.Equal(t, 1, total)
		start := time.Now()
		_, err = store.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{notification("N2", ticketKey("A"))}})
		require.NoError(t, err)
		for {
			time.Sleep(time.Minute)
			synctest.Wait()
			if _, total, _ = rcv.got(); total == 2 {
				break
			}
		}
		require.Equal(t, time.Hour, time.Since(start).Round(time.Minute), "picked up at the next poll")
		stop()
		require.NoError(t, <-ran)
	})
}

func TestDispatcherConfig(t *testing.T) {
	err := (&sav.Dispatcher{}).Run(context.Background())
	require.ErrorIs(t, err, sav.ErrInvalid)
	err = (&sav.Dispatcher{Outbox: sav.NewMemStore()}).Run(context.Background())
	require.ErrorIs(t, err, sav.ErrInvalid)
	require.ErrorIs(t, (&sav.Dispatcher{}).Retry(context.Background(), "x"), sav.ErrInvalid)
	(&sav.Dispatcher{}).Wake() // never blocks, even when not running
	(&sav.Dispatcher{}).Wake()
}

func TestProtocolDeliverers(t *testing.T) {
	var got []sav.Protocol
	rec := func(p sav.Protocol) sav.Deliverer {
		return sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error { got = append(got, p); return nil })
	}
	m := sav.ProtocolDeliverers{sav.ProtocolV1A: rec(sav.ProtocolV1A), sav.ProtocolV2: rec(sav.ProtocolV2)}
	ctx := context.Background()
	require.NoError(t, m.Deliver(ctx, &sav.Delivery{Protocol: sav.ProtocolV2}))
	require.NoError(t, m.Deliver(ctx, &sav.Delivery{Protocol: sav.ProtocolV1A}))
	require.Equal(t, []sav.Protocol{sav.ProtocolV2, sav.ProtocolV1A}, got)
	err := sav.ProtocolDeliverers{sav.ProtocolV2: m}.Deliver(ctx, &sav.Delivery{Protocol: sav.ProtocolV1A})
	require.ErrorIs(t, err, sav.ErrPermanent)
}

func TestPermanent(t *testing.T) {
	require.NoError(t, sav.Permanent(nil))
	cause := errors.New("fault 2")
	err := fmt.Errorf("v2: notify: %w", sav.Permanent(cause))
	require.ErrorIs(t, err, sav.ErrPermanent)
	require.ErrorIs(t, err, cause)
	var pe *sav.PermanentError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "v2: notify: permanent: fault 2", err.Error())
	require.ErrorIs(t, fmt.Errorf("x: %w", sav.ErrPermanent), sav.ErrPermanent)
	require.NotErrorIs(t, cause, sav.ErrPermanent)
}

func TestStatusTextForms(t *testing.T) {
	for _, s := range []sav.DeliveryStatus{sav.DeliveryPending, sav.DeliveryInFlight, sav.DeliveryStuck,
		sav.DeliveryDelivered, sav.DeliveryAbandoned} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back sav.DeliveryStatus
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, s, back)
		require.Equal(t, s == sav.DeliveryDelivered || s == sav.DeliveryAbandoned, s.Final())
	}
	_, err := sav.DeliveryStatus(-1).MarshalText()
	require.Error(t, err)
	require.Error(t, new(sav.DeliveryStatus).UnmarshalText([]byte("lost")))

	// A delivery round-trips through JSON, before and after it is enqueued.
	store := &sav.MemStore{Now: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }}
	d := notification("N1", ticketKey("A"))
	d.DestinationOrder = true
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back sav.Delivery
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, d, back)
	ds, err := store.Commit(context.Background(), sav.Effects{Deliveries: []sav.Delivery{d}})
	require.NoError(t, err)
	b, err = json.Marshal(ds[0])
	require.NoError(t, err)
	require.Contains(t, string(b), `"status":"pending"`)
	back = sav.Delivery{}
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, *ds[0], back)
	require.Equal(t, "DeliveryStatus(9)", sav.DeliveryStatus(9).String())
	for _, d := range []sav.Disposition{sav.DispositionProcessed, sav.DispositionQuarantined} {
		b, err := d.MarshalText()
		require.NoError(t, err)
		var back sav.Disposition
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, d, back)
	}
	_, err = sav.Disposition(0).MarshalText()
	require.Error(t, err)
	require.Error(t, new(sav.Disposition).UnmarshalText([]byte("dropped")))
	require.Equal(t, "Disposition(7)", sav.Disposition(7).String())
}

// brokenOutbox fails its first claims and its first Failed call, as a
// database that is briefly unreachable would.
type brokenOutbox struct {
	sav.Store
	mu                sync.Mutex
	claims, failures  int
	claimed, recorded int
}

func (b *brokenOutbox) Claim(ctx context.Context, req sav.ClaimRequest) (sav.Claimed, error) {
	b.mu.Lock()
	b.claimed++
	fail := b.claimed <= b.claims
	b.mu.Unlock()
	if fail {
		return sav.Claimed{}, errors.New("database unreachable")
	}
	return b.Store.Claim(ctx, req)
}

func (b *brokenOutbox) Failed(ctx context.Context, id string, f sav.Failure) error {
	b.mu.Lock()
	b.recorded++
	fail := b.recorded <= b.failures
	b.mu.Unlock()
	if fail {
		return errors.New("database unreachable")
	}
	return b.Store.Failed(ctx, id, f)
}

func TestDispatcherStoreErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := sav.NewMemStore()
		_, err := store.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{notification("N1", ticketKey("A"))}})
		require.NoError(t, err)
		rcv := newReceiver()
		attempts := 0
		deliverer := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
			attempts++
			if attempts == 1 {
				return errors.New("timeout")
			}
			rcv.accept(d)
			return nil
		})
		var logs bytes.Buffer
		outbox := &brokenOutbox{Store: store, claims: 2, failures: 1}
		runCtx, stop := context.WithCancel(ctx)
		disp := &sav.Dispatcher{Outbox: outbox, Deliverer: deliverer, Timeout: time.Second, Poll: time.Second,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		ran := make(chan error)
		go func() { ran <- disp.Run(runCtx) }()
		for {
			time.Sleep(time.Second)
			synctest.Wait()
			if _, total, _ := rcv.got(); total == 1 {
				break
			}
		}
		stop()
		require.NoError(t, <-ran)
		require.Equal(t, 2, attempts, "the failure that was not recorded is retried when its lease ends")
		require.Contains(t, logs.String(), "outbox: claim failed")
		require.Contains(t, logs.String(), "outbox: failure not recorded")
		ps, err := store.Pending(ctx)
		require.NoError(t, err)
		require.Empty(t, ps)
	})
}
