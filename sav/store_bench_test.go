package sav_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

// keepHistory bounds a benchmark ticket's history to a realistic length (a
// ticket's life has a few dozen transactions), so that the cost measured
// does not grow with b.N.
const keepHistory = 24

func applyComment(t *ticket.Ticket, text string) error {
	if err := t.Apply(storetest.Comment(text)); err != nil {
		return err
	}
	if n := len(t.History); n > keepHistory {
		t.History = append(t.History[:0:0], t.History[n-keepHistory:]...)
	}
	return nil
}

func benchTickets(b *testing.B, s sav.Store, n int) []sav.Key {
	b.Helper()
	keys := make([]sav.Key, n)
	for i := range keys {
		tk := storetest.NewTicket(fmt.Sprintf("REF-%06d", i), fmt.Sprintf("OI-%06d", i))
		for j := range keepHistory {
			if err := applyComment(tk, fmt.Sprint(j)); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.Create(context.Background(), codes.RoleOI, tk, sav.Effects{}); err != nil {
			b.Fatal(err)
		}
		keys[i] = sav.KeyOf(codes.RoleOI, tk)
	}
	return keys
}

// applyOnce is what an update function costs without a store: a copy of
// the ticket, ticket.Apply, a copy of the result.
func applyOnce(tb testing.TB, base *ticket.Ticket) {
	t := base.Clone()
	if err := applyComment(t, "x"); err != nil {
		tb.Error(err)
	}
	_ = t.Clone()
}

// updateOnce applies a transaction to k through Update, enqueueing one
// notification.
func updateOnce(tb testing.TB, s sav.Store, k sav.Key) {
	_, err := s.Update(context.Background(), k, func(t *ticket.Ticket) (sav.Effects, error) {
		if err := applyComment(t, "x"); err != nil {
			return sav.Effects{}, err
		}
		return sav.Effects{Deliveries: []sav.Delivery{notification("CO", k)}}, nil
	})
	if err != nil {
		tb.Error(err)
	}
}

// BenchmarkUpdate measures Update on 1 and on 1000 tickets from parallel
// goroutines, and its baseline "apply", the update function alone.
func BenchmarkUpdate(b *testing.B) {
	b.Run("apply", func(b *testing.B) {
		s := sav.NewMemStore()
		base := get(b, s, benchTickets(b, s, 1)[0])
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				applyOnce(b, base)
			}
		})
	})
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprintf("memstore-%d-tickets", n), func(b *testing.B) {
			s := sav.NewMemStore()
			keys := benchTickets(b, s, n)
			var next atomic.Uint64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					updateOnce(b, s, keys[next.Add(1)%uint64(len(keys))])
				}
			})
		})
	}
}

func get(tb testing.TB, s sav.Store, k sav.Key) *ticket.Ticket {
	t, err := s.Get(context.Background(), k)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// parallel runs f(i) for i in [0, n) on GOMAXPROCS goroutines and returns
// the time it took.
func parallel(n int, f func(i int)) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				f(int(i))
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkGet measures concurrent reads of 1000 tickets.
func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	s := sav.NewMemStore()
	keys := benchTickets(b, s, 1000)
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Get(ctx, keys[next.Add(1)%uint64(len(keys))]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkJournal measures Record and Resolve of one 4 KiB inbound
// message, in a journal pruned every 1000 messages (the steady state of a
// long-running program).
func BenchmarkJournal(b *testing.B) {
	ctx := context.Background()
	s := sav.NewMemStore()
	body := make([]byte, 4096)
	t0 := time.Now()
	b.ReportAllocs()
	for i := range b.N {
		in := &sav.Inbound{Protocol: sav.ProtocolV1A, ID: fmt.Sprintf("m%d@bytl.example", i), Body: body}
		if _, _, err := s.Record(ctx, in); err != nil {
			b.Fatal(err)
		}
		if err := s.Resolve(ctx, sav.Resolution{Ref: in.Ref(), Outcome: sav.Outcome{
			Disposition: sav.DispositionProcessed, At: t0}}); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			s.Prune(t0.Add(time.Second))
		}
	}
}

// BenchmarkRatios times each store path and its baseline in this process,
// in alternating rounds, and reports their ratios: update-x, Update on 1000
// tickets from parallel goroutines ÷ the update function alone; deliver-x,
// deliveries through the outbox and the dispatcher ÷ a hand-off of the same
// payloads to the same deliverer over a channel, with no persistence and no
// order.
func BenchmarkRatios(b *testing.B) {
	const rounds = 2000
	s := sav.NewMemStore()
	keys := benchTickets(b, s, 1000)
	base := get(b, s, keys[0])
	var tApply, tUpdate, tChannel, tDispatch time.Duration
	for b.Loop() {
		tApply += parallel(rounds, func(int) { applyOnce(b, base) })
		tUpdate += parallel(rounds, func(i int) { updateOnce(b, s, keys[i%len(keys)]) })
		tChannel += channelAll(b, rounds)
		tDispatch += dispatchAll(b, rounds)
	}
	b.ReportMetric(float64(tUpdate)/float64(tApply), "update-x")
	b.ReportMetric(float64(tDispatch)/float64(tChannel), "deliver-x")
}
