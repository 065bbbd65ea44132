package pgstore_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/pgstore"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

// raw is the baseline: the same rows written with pgx by hand, in one
// transaction, without the store.
type raw struct{ s *pgstore.Store }

func (r raw) create(b *testing.B, tk *ticket.Ticket, withDelivery bool) {
	doc, err := json.Marshal(tk)
	if err != nil {
		b.Fatal(err)
	}
	err = pgx.BeginFunc(bg, r.s.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(bg, `INSERT INTO sav_tickets (role, code_oc, ref_oc, code_oi, ref_oi, open, version, doc)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, "OI", tk.CodeOC, tk.ReferenceSigSAVRaccoOC, tk.CodeOI,
			tk.ReferenceSigSAVOI, true, tk.Version, doc); err != nil {
			return err
		}
		if withDelivery {
			return r.enqueue(tx, tk)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func (r raw) enqueue(tx pgx.Tx, tk *ticket.Ticket) error {
	d := delivery("N", sav.KeyOf(codes.RoleOI, tk))
	id := rand.Text()
	tickets, _ := json.Marshal(d.Tickets)
	var seq int64
	if err := tx.QueryRow(bg, `INSERT INTO sav_deliveries (id, protocol, dest_code, dest_address, body, tickets, label,
	idempotency_key, status, enqueued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $1, 1, $8) RETURNING seq`,
		id, string(d.Protocol), d.Destination.Code, d.Destination.Address, d.Body, tickets, d.Label,
		time.Now()).Scan(&seq); err != nil {
		return err
	}
	_, err := tx.Exec(bg, `INSERT INTO sav_lanes (lane, seq) VALUES ($1, $2)`, tk.ReferenceSigSAVRaccoOC, seq)
	return err
}

func (r raw) update(b *testing.B, tk *ticket.Ticket, text string, withDelivery bool) {
	err := pgx.BeginFunc(bg, r.s.Pool(), func(tx pgx.Tx) error {
		var (
			id  int64
			doc []byte
		)
		if err := tx.QueryRow(bg, `SELECT id, doc FROM sav_tickets WHERE role = $1 AND code_oc = $2 AND ref_oc = $3
FOR UPDATE`, "OI", tk.CodeOC, tk.ReferenceSigSAVRaccoOC).Scan(&id, &doc); err != nil {
			return err
		}
		var cur ticket.Ticket
		if err := json.Unmarshal(doc, &cur); err != nil {
			return err
		}
		if err := cur.Apply(storetest.Comment(text)); err != nil {
			return err
		}
		doc, err := json.Marshal(&cur)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(bg, `UPDATE sav_tickets SET doc = $2, version = $3, updated_at = now() WHERE id = $1`,
			id, doc, cur.Version); err != nil {
			return err
		}
		if withDelivery {
			return r.enqueue(tx, &cur)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRatios times the store's Create and Update against the raw
// baseline in the same run, alternately, and reports the store's
// throughput as a fraction of the baseline's (1 = as fast, above 1 =
// faster): create-x, update-x, and with one delivery committed with the
// ticket, create-delivery-x and update-delivery-x.
func BenchmarkRatios(b *testing.B) {
	for _, withDelivery := range []bool{false, true} {
		name := "Plain"
		if withDelivery {
			name = "WithDelivery"
		}
		b.Run(name, func(b *testing.B) {
			s, _ := open(b)
			r := raw{s}
			var fx sav.Effects
			if withDelivery {
				fx.Deliveries = []sav.Delivery{delivery("N")}
			}
			var ours, base, oursU, baseU time.Duration
			n := 0
			for b.Loop() {
				n++
				mine := storetest.NewTicket(fmt.Sprintf("S-%d", n), fmt.Sprintf("OI-S-%d", n))
				theirs := storetest.NewTicket(fmt.Sprintf("R-%d", n), fmt.Sprintf("OI-R-%d", n))
				t0 := time.Now()
				if _, err := s.Create(bg, codes.RoleOI, mine, fx); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				r.create(b, theirs, withDelivery)
				t2 := time.Now()
				if _, err := s.Update(bg, sav.KeyOf(codes.RoleOI, mine), func(t *ticket.Ticket) (sav.Effects, error) {
					return fx, t.Apply(storetest.Comment("one"))
				}); err != nil {
					b.Fatal(err)
				}
				t3 := time.Now()
				r.update(b, theirs, "one", withDelivery)
				t4 := time.Now()
				ours, base, oursU, baseU = ours+t1.Sub(t0), base+t2.Sub(t1), oursU+t3.Sub(t2), baseU+t4.Sub(t3)
			}
			suffix := "-x"
			if withDelivery {
				suffix = "-delivery-x"
			}
			b.ReportMetric(float64(base)/float64(ours), "create"+suffix)
			b.ReportMetric(float64(baseU)/float64(oursU), "update"+suffix)
			b.ReportMetric(float64(n)/ours.Seconds(), "creates/s")
			b.ReportMetric(float64(n)/oursU.Seconds(), "updates/s")
		})
	}
}
