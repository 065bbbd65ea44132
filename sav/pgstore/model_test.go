package pgstore_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
)

// The outbox gives the answers of sav.MemStore, the reference, to random
// sequences of commits, claims, deliveries, failures, retries and
// abandons over lanes of tickets and destinations.
func TestOutboxModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			pg, _ := open(t)
			mem := sav.NewMemStore()
			stores := []sav.Store{mem, pg}
			rng := rand.New(rand.NewPCG(seed, 7))
			now := storetest.T0
			ids := map[string][2]string{} // label → IDs in mem and pg
			n, claimed, done := 0, 0, 0
			pick := func(ds []*sav.Delivery) *sav.Delivery {
				if len(ds) == 0 {
					return nil
				}
				return ds[rng.IntN(len(ds))]
			}
			same := func(step string, a, b any) {
				t.Helper()
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("%s: MemStore %v, pgstore %v", step, a, b)
				}
			}
			for step := range 300 {
				now = now.Add(time.Duration(rng.IntN(20)) * time.Second)
				switch op := rng.IntN(10); {
				case op < 3: // commit
					var ds []sav.Delivery
					for range 1 + rng.IntN(3) {
						n++
						label := fmt.Sprintf("D%03d", n)
						d := delivery(label, key(fmt.Sprintf("T%d", rng.IntN(4))))
						switch rng.IntN(4) {
						case 0:
							d.Tickets = append(d.Tickets, key(fmt.Sprintf("T%d", rng.IntN(4))))
						case 1:
							d.DestinationOrder = true
						case 2:
							d.Tickets = nil
						}
						if rng.IntN(4) == 0 {
							d.NextAttempt = now.Add(time.Duration(rng.IntN(60)) * time.Second)
						}
						ds = append(ds, d)
					}
					var got [2][]*sav.Delivery
					for i, s := range stores {
						out, err := s.Commit(bg, sav.Effects{Deliveries: ds})
						if err != nil {
							t.Fatal(err)
						}
						got[i] = out
					}
					for j, d := range got[0] {
						ids[d.Label] = [2]string{d.ID, got[1][j].ID}
					}
				case op < 6: // claim
					req := sav.ClaimRequest{Now: now, Limit: 1 + rng.IntN(3), Lease: time.Duration(10+rng.IntN(50)) * time.Second}
					var res [2][]string
					var due [2]time.Time
					for i, s := range stores {
						c, err := s.Claim(bg, req)
						if err != nil {
							t.Fatal(err)
						}
						for _, d := range c.Deliveries {
							res[i] = append(res[i], fmt.Sprintf("%s#%d", d.Label, d.Attempts))
						}
						due[i] = c.NextDue
					}
					same(fmt.Sprintf("step %d: claim", step), res[0], res[1])
					claimed += len(res[0])
					same(fmt.Sprintf("step %d: next due", step), due[0], due[1])
				default: // a result, a retry or an abandon, on a delivery the reference picks
					all, _ := mem.Pending(bg)
					stuck, _ := mem.Stuck(bg)
					var d *sav.Delivery
					var do func(s sav.Store, id string) error
					switch op {
					case 6, 7:
						var inFlight []*sav.Delivery
						for _, p := range all {
							if p.Status == sav.DeliveryInFlight {
								inFlight = append(inFlight, p)
							}
						}
						d = pick(inFlight)
						switch r := rng.IntN(3); {
						case r == 0:
							do = func(s sav.Store, id string) error { return s.Delivered(bg, id, now) }
						default:
							f := sav.Failure{At: now, Err: "down", Park: r == 1, Reason: "gave up",
								Next: now.Add(time.Duration(rng.IntN(30)) * time.Second)}
							do = func(s sav.Store, id string) error { return s.Failed(bg, id, f) }
						}
					case 8:
						d = pick(stuck)
						do = func(s sav.Store, id string) error { return s.Retry(bg, id, now) }
					default:
						d = pick(append(all, stuck...))
						do = func(s sav.Store, id string) error { return s.Abandon(bg, id, "given up") }
					}
					if d == nil {
						continue
					}
					var errs [2]string
					for i, s := range stores {
						if err := do(s, ids[d.Label][i]); err != nil {
							errs[i] = err.Error()
						}
					}
					if (errs[0] == "") != (errs[1] == "") {
						t.Fatalf("step %d on %s: MemStore %q, pgstore %q", step, d.Label, errs[0], errs[1])
					}
					done++
				}
				var lists [2][]string
				for i, s := range stores {
					ps, _ := s.Pending(bg)
					st, _ := s.Stuck(bg)
					for _, d := range append(ps, st...) {
						lists[i] = append(lists[i], fmt.Sprintf("%s:%v:%d", d.Label, d.Status, d.Attempts))
					}
				}
				same(fmt.Sprintf("step %d: pending and stuck", step), lists[0], lists[1])
			}
			if claimed < 20 || done < 20 {
				t.Fatalf("the sequence claimed %d and changed %d deliveries: too few to compare", claimed, done)
			}
			t.Logf("%d deliveries, %d claimed, %d results, retries and abandons", n, claimed, done)
		})
	}
}
