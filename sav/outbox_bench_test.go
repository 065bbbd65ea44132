package sav_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opensav/savsdk/sav"
)

// BenchmarkOutbox measures the outbox per delivery, on 1000 tickets:
// "commit" enqueues only (the baseline); "commit-claim-delivered" adds the
// store's side of one delivery; "dispatcher" runs the whole loop with a
// deliverer that accepts at once.
func BenchmarkOutbox(b *testing.B) {
	ctx := context.Background()
	keys := make([]sav.Key, 1000)
	for i := range keys {
		keys[i] = ticketKey(fmt.Sprintf("REF-%06d", i))
	}
	body := make([]byte, 2048)
	delivery := func(i int) sav.Delivery {
		d := notification("N", keys[i%len(keys)])
		d.Body = body
		return d
	}
	b.Run("commit", func(b *testing.B) {
		s := sav.NewMemStore()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{delivery(i)}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("commit-claim-delivered", func(b *testing.B) {
		s := sav.NewMemStore()
		now := time.Now()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{delivery(i)}}); err != nil {
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
		}
	})
	b.Run("dispatcher", func(b *testing.B) {
		s := sav.NewMemStore()
		var delivered atomic.Int64
		all := make(chan struct{})
		want := int64(0)
		disp := &sav.Dispatcher{Outbox: s, Concurrency: 8,
			Deliverer: sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
				if delivered.Add(1) == atomic.LoadInt64(&want) {
					close(all)
				}
				return nil
			})}
		b.ReportAllocs()
		n := b.N
		atomic.StoreInt64(&want, int64(n))
		runCtx, stop := context.WithCancel(ctx)
		ran := make(chan error)
		b.ResetTimer()
		go func() { ran <- disp.Run(runCtx) }()
		for i := range n {
			if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{delivery(i)}}); err != nil {
				b.Fatal(err)
			}
		}
		<-all
		b.StopTimer()
		stop()
		if err := <-ran; err != nil {
			b.Fatal(err)
		}
	})
}
