package sav_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

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

// BenchmarkUpdate measures Update on 1000 tickets from parallel
// goroutines, each update applying a transaction and enqueueing one
// notification. Its baseline, "apply", is what the update function costs
// without a store: the copy of the ticket and ticket.Apply.
func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	b.Run("apply", func(b *testing.B) {
		s := sav.NewMemStore()
		keys := benchTickets(b, s, 1)
		base, _ := s.Get(ctx, keys[0])
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				t := base.Clone()
				if err := applyComment(t, "x"); err != nil {
					b.Fatal(err)
				}
				_ = t.Clone()
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
					k := keys[next.Add(1)%uint64(len(keys))]
					_, err := s.Update(ctx, k, func(t *ticket.Ticket) (sav.Effects, error) {
						if err := applyComment(t, "x"); err != nil {
							return sav.Effects{}, err
						}
						return sav.Effects{Deliveries: []sav.Delivery{notification("CO", k)}}, nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
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
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkJournal measures Record and Resolve of one inbound message.
func BenchmarkJournal(b *testing.B) {
	ctx := context.Background()
	s := sav.NewMemStore()
	body := make([]byte, 4096)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := &sav.Inbound{Protocol: sav.ProtocolV1A, ID: fmt.Sprintf("m%d@bytl.example", i), Body: body}
		if _, _, err := s.Record(ctx, in); err != nil {
			b.Fatal(err)
		}
		if err := s.Resolve(ctx, sav.Resolution{Ref: in.Ref(), Outcome: sav.Outcome{
			Disposition: sav.DispositionProcessed}}); err != nil {
			b.Fatal(err)
		}
	}
}
