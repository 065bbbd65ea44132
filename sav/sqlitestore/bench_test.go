package sqlitestore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

// rawBaseline is a database of the store's schema written by hand through
// database/sql, with the store's settings: what a commit costs SQLite
// itself, for the ratios.
type rawBaseline struct {
	db     *sql.DB
	insert *sql.Stmt
	get    *sql.Stmt
	update *sql.Stmt
}

func newRawBaseline(b *testing.B) *rawBaseline {
	path := filepath.Join(b.TempDir(), "raw.db")
	open(b, path).Close() // the same tables and indexes
	db, err := sql.Open("sqlite", path+"?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL"+
		"&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	r := &rawBaseline{db: db}
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{
		{&r.insert, `INSERT INTO tickets (role, code_oc, ref_oc, code_oi, ref_oi, terminal, data)
VALUES (?, ?, ?, ?, ?, ?, ?)`},
		{&r.get, `SELECT id, data FROM tickets WHERE role = ? AND code_oc = ? AND ref_oc = ?`},
		{&r.update, `UPDATE tickets SET code_oi = ?, ref_oi = ?, terminal = ?, data = ? WHERE id = ?`},
	} {
		if *p.st, err = db.Prepare(p.q); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

// tx runs fn in one transaction and commits it.
func (r *rawBaseline) tx(b *testing.B, fn func(tx *sql.Tx) error) {
	tx, err := r.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	if err := fn(tx); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func (r *rawBaseline) create(b *testing.B, t *ticket.Ticket, data []byte) {
	r.tx(b, func(tx *sql.Tx) error {
		_, err := tx.Stmt(r.insert).Exec(codes.RoleOI, t.CodeOC, t.ReferenceSigSAVRaccoOC, t.CodeOI,
			t.ReferenceSigSAVOI, 0, data)
		return err
	})
}

// change reads the row of t and writes data in its place.
func (r *rawBaseline) change(b *testing.B, t *ticket.Ticket, data []byte) {
	r.tx(b, func(tx *sql.Tx) error {
		var id int64
		var old []byte
		if err := tx.Stmt(r.get).QueryRow(codes.RoleOI, t.CodeOC, t.ReferenceSigSAVRaccoOC).Scan(&id, &old); err != nil {
			return err
		}
		_, err := tx.Stmt(r.update).Exec(t.CodeOI, t.ReferenceSigSAVOI, 0, data, id)
		return err
	})
}

// pairs times the store and the raw baseline doing the same work, each
// iteration running them in turn first so that neither always follows the
// other's sync.
type pairs struct{ ours, base []time.Duration }

func (p *pairs) run(store, raw func()) {
	timed := func(f func()) time.Duration {
		t0 := time.Now()
		f()
		return time.Since(t0)
	}
	if len(p.ours)%2 == 0 {
		p.ours = append(p.ours, timed(store))
		p.base = append(p.base, timed(raw))
		return
	}
	p.base = append(p.base, timed(raw))
	p.ours = append(p.ours, timed(store))
}

// report gives the rates from the median times, which the disk's sync
// latency spikes (other programs' I/O) move less than the means, and their
// ratio store/raw.
func (p *pairs) report(b *testing.B) {
	median := func(ds []time.Duration) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	if len(p.ours) == 0 {
		return
	}
	ours, base := median(p.ours), median(p.base)
	b.ReportMetric(1/ours.Seconds(), "store-ops/s")
	b.ReportMetric(1/base.Seconds(), "raw-ops/s")
	b.ReportMetric(base.Seconds()/ours.Seconds(), "store/raw")
}

// BenchmarkStoreRatios commits tickets through the Store and the same rows
// through the raw baseline, alternately in the same run, and reports both
// rates and their ratio (store/raw: the store's share of what SQLite can
// do with the same settings; 1 is as fast as the raw statements).
//
//   - create: Create of a new acknowledged ticket, against one INSERT in
//     a transaction;
//   - update: Update applying a comment (read, decode, Apply, check,
//     encode, write), against a SELECT and an UPDATE of the same row to
//     the same bytes in a transaction.
func BenchmarkStoreRatios(b *testing.B) {
	ctx := context.Background()
	b.Run("create", func(b *testing.B) {
		s := open(b, filepath.Join(b.TempDir(), "sav.db"))
		raw := newRawBaseline(b)
		var p pairs
		n := 0
		for b.Loop() {
			t := storetest.NewTicket(fmt.Sprintf("REF-%d", n), fmt.Sprintf("OI-%d", n))
			data, err := json.Marshal(t)
			if err != nil {
				b.Fatal(err)
			}
			p.run(func() {
				if _, err := s.Create(ctx, codes.RoleOI, t, sav.Effects{}); err != nil {
					b.Fatal(err)
				}
			}, func() { raw.create(b, t, data) })
			n++
		}
		p.report(b)
	})
	b.Run("update", func(b *testing.B) {
		s := open(b, filepath.Join(b.TempDir(), "sav.db"))
		raw := newRawBaseline(b)
		// Updates go round 200 tickets, so that they grow slowly.
		var tickets []*ticket.Ticket
		for i := range 200 {
			t := storetest.NewTicket(fmt.Sprintf("REF-%d", i), fmt.Sprintf("OI-%d", i))
			if _, err := s.Create(ctx, codes.RoleOI, t, sav.Effects{}); err != nil {
				b.Fatal(err)
			}
			data, _ := json.Marshal(t)
			raw.create(b, t, data)
			tickets = append(tickets, t)
		}
		var p pairs
		n := 0
		for b.Loop() {
			t := tickets[n%len(tickets)]
			// The raw baseline writes the bytes the store writes.
			next := t.Clone()
			if err := next.Apply(storetest.Comment("bench")); err != nil {
				b.Fatal(err)
			}
			data, err := json.Marshal(next)
			if err != nil {
				b.Fatal(err)
			}
			p.run(func() {
				if _, err := s.Update(ctx, sav.KeyOf(codes.RoleOI, t), func(t *ticket.Ticket) (sav.Effects, error) {
					return sav.Effects{}, t.Apply(storetest.Comment("bench"))
				}); err != nil {
					b.Fatal(err)
				}
			}, func() { raw.change(b, t, data) })
			tickets[n%len(tickets)] = next
			n++
		}
		p.report(b)
	})
}

// BenchmarkOutbox is one delivery's life: committed, claimed, delivered.
func BenchmarkOutbox(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "sav.db"))
	n := 0
	for b.Loop() {
		k := sav.KeyOf(codes.RoleOI, storetest.NewTicket(fmt.Sprintf("REF-%d", n%50), ""))
		n++
		if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{{Protocol: sav.ProtocolV2,
			Destination: sav.Destination{Code: "BYTL", Address: "http://x"}, Body: []byte("<x/>"),
			Tickets: []sav.Key{k}}}}); err != nil {
			b.Fatal(err)
		}
		c, err := s.Claim(ctx, sav.ClaimRequest{Now: time.Now(), Limit: 1, Lease: time.Minute})
		if err != nil || len(c.Deliveries) != 1 {
			b.Fatalf("Claim: %v, %v", c.Deliveries, err)
		}
		if err := s.Delivered(ctx, c.Deliveries[0].ID, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
