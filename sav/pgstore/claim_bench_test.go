package pgstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
)

// BenchmarkClaim is one delivery committed, claimed and recorded as
// delivered, with a backlog of deliveries waiting in lanes held back by a
// stuck one (a partner that is down): the claim skips them.
func BenchmarkClaim(b *testing.B) {
	for _, backlog := range []int{0, 5000} {
		b.Run(fmt.Sprintf("backlog=%d", backlog), func(b *testing.B) {
			s, _ := open(b)
			if backlog > 0 {
				var ds []sav.Delivery
				for i := range backlog {
					ds = append(ds, delivery(fmt.Sprintf("B%d", i), key(fmt.Sprintf("DOWN-%d", i%50))))
				}
				if _, err := s.Commit(bg, sav.Effects{Deliveries: ds}); err != nil {
					b.Fatal(err)
				}
				// The first of each lane fails for good: the others wait.
				c, err := s.Claim(bg, sav.ClaimRequest{Now: storetest.T0, Limit: 100, Lease: time.Minute})
				if err != nil || len(c.Deliveries) != 50 {
					b.Fatalf("%d claimed, %v", len(c.Deliveries), err)
				}
				for _, d := range c.Deliveries {
					if err := s.Failed(bg, d.ID, sav.Failure{At: storetest.T0, Park: true, Reason: "down"}); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Pool().Exec(bg, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			n := 0
			for b.Loop() {
				n++
				if _, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("N", key(fmt.Sprintf("UP-%d", n)))}}); err != nil {
					b.Fatal(err)
				}
				c, err := s.Claim(bg, sav.ClaimRequest{Now: storetest.T0, Limit: 4, Lease: time.Minute})
				if err != nil || len(c.Deliveries) != 1 {
					b.Fatalf("%d claimed, %v", len(c.Deliveries), err)
				}
				if err := s.Delivered(bg, c.Deliveries[0].ID, storetest.T0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
