package sav_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opensav/savsdk/sav"
)

var (
	benchKeys = func() []sav.Key {
		keys := make([]sav.Key, 1000)
		for i := range keys {
			keys[i] = ticketKey(fmt.Sprintf("REF-%06d", i))
		}
		return keys
	}()
	benchBody = make([]byte, 2048)
)

// benchDelivery is a 2 KiB notification about one of 1000 tickets.
func benchDelivery(i int) sav.Delivery {
	d := notification("N", benchKeys[i%len(benchKeys)])
	d.Body = benchBody
	return d
}

// drain delivers what s holds and forgets it, so that a benchmark measures
// a store of steady size.
func drain(b *testing.B, s *sav.MemStore, now time.Time) {
	ctx := context.Background()
	for {
		c, err := s.Claim(ctx, sav.ClaimRequest{Now: now, Limit: 1000, Lease: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		if len(c.Deliveries) == 0 {
			break
		}
		for _, d := range c.Deliveries {
			if err := s.Delivered(ctx, d.ID, now); err != nil {
				b.Fatal(err)
			}
		}
	}
	s.Prune(now.Add(time.Second))
}

// benchCommit enqueues one delivery per operation.
func benchCommit(b *testing.B) {
	ctx := context.Background()
	s := sav.NewMemStore()
	now := time.Now()
	b.ReportAllocs()
	for i := range b.N {
		if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{benchDelivery(i)}}); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			b.StopTimer()
			drain(b, s, now)
			b.StartTimer()
		}
	}
}

// benchCycle enqueues, claims and records one delivery per operation: the
// store's whole part of a delivery.
func benchCycle(b *testing.B) {
	ctx := context.Background()
	s := sav.NewMemStore()
	now := time.Now()
	b.ReportAllocs()
	for i := range b.N {
		if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{benchDelivery(i)}}); err != nil {
			b.Fatal(err)
		}
		c, err := s.Claim(ctx, sav.ClaimRequest{Now: now, Limit: 8, Lease: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range c.Deliveries {
			if err := s.Delivered(ctx, d.ID, now); err != nil {
				b.Fatal(err)
			}
		}
		if i%1000 == 999 {
			s.Prune(now.Add(time.Second))
		}
	}
}

// countingDeliverer accepts at once and closes all after want deliveries.
func countingDeliverer(want int64, all chan struct{}) sav.Deliverer {
	var n atomic.Int64
	return sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
		if n.Add(1) == want {
			close(all)
		}
		return nil
	})
}

// dispatchAll enqueues n deliveries while a dispatcher (concurrency 8)
// delivers them, and returns once all have arrived, with the time it took.
func dispatchAll(tb testing.TB, n int) time.Duration {
	ctx := context.Background()
	s := sav.NewMemStore()
	all := make(chan struct{})
	disp := &sav.Dispatcher{Outbox: s, Concurrency: 8, Deliverer: countingDeliverer(int64(n), all)}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error)
	start := time.Now()
	go func() { ran <- disp.Run(runCtx) }()
	for i := range n {
		if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{benchDelivery(i)}}); err != nil {
			tb.Fatal(err)
		}
		if i%1000 == 999 {
			s.Prune(time.Now())
		}
	}
	<-all
	took := time.Since(start)
	stop()
	if err := <-ran; err != nil {
		tb.Fatal(err)
	}
	return took
}

// channelAll is the baseline of dispatchAll: the same payloads handed to
// the same deliverer by 8 goroutines reading a channel.
func channelAll(tb testing.TB, n int) time.Duration {
	ctx := context.Background()
	all := make(chan struct{})
	dl := countingDeliverer(int64(n), all)
	ch := make(chan *sav.Delivery, 64)
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Go(func() {
			for d := range ch {
				if err := dl.Deliver(ctx, d.Clone()); err != nil {
					tb.Error(err)
				}
			}
		})
	}
	for i := range n {
		d := benchDelivery(i)
		ch <- d.Clone()
	}
	close(ch)
	<-all
	took := time.Since(start)
	wg.Wait()
	return took
}

// BenchmarkOutbox measures the outbox per delivery, on 1000 tickets:
// "commit" enqueues only; "commit-claim-delivered" adds the store's side of
// the delivery; "dispatcher" runs the whole loop with a deliverer that
// accepts at once, and "channel" is its baseline (see BenchmarkRatios).
func BenchmarkOutbox(b *testing.B) {
	b.Run("commit", benchCommit)
	b.Run("commit-claim-delivered", benchCycle)
	b.Run("dispatcher", func(b *testing.B) {
		b.ReportAllocs()
		dispatchAll(b, b.N)
	})
	b.Run("channel", func(b *testing.B) {
		b.ReportAllocs()
		channelAll(b, b.N)
	})
}
