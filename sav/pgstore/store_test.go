package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/pgtest"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/pgstore"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var bg = context.Background()

// open returns a store on a fresh schema, and a function that opens more
// handles (each with its own pool) on the same schema.
func open(t testing.TB) (*pgstore.Store, func() *pgstore.Store) {
	t.Helper()
	u := pgtest.URL(t)
	schema := pgtest.Schema(t)
	another := func() *pgstore.Store {
		t.Helper()
		s, err := pgstore.Open(bg, u, &pgstore.Options{Schema: schema})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return another(), another
}

func TestStore(t *testing.T) {
	storetest.RunWith(t, func(t *testing.T) sav.Store {
		s, _ := open(t)
		return s
	}, storetest.Options{Reopen: func(t *testing.T, s sav.Store) sav.Store {
		r, err := pgstore.Open(bg, pgtest.URL(t), &pgstore.Options{Schema: s.(*pgstore.Store).Schema()})
		if err != nil {
			t.Fatalf("reopening: %v", err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}})
}

func key(ref string) sav.Key {
	return sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: ref}
}

func delivery(label string, keys ...sav.Key) sav.Delivery {
	return sav.Delivery{Protocol: sav.ProtocolV2, Destination: sav.Destination{Code: "BYTL",
		Address: "http://127.0.0.1:9/sav/v2/oc"}, Body: []byte("<" + label + "/>"), Label: label, Tickets: keys}
}

// Two handles, each with its own pool (as two processes), update one
// ticket at once: every update is kept, once, with contiguous versions.
func TestTwoHandlesUpdateOneTicket(t *testing.T) {
	a, another := open(t)
	b := another()
	tk := storetest.NewTicket("REF-1", "OI-1")
	if _, err := a.Create(bg, codes.RoleOI, tk, sav.Effects{}); err != nil {
		t.Fatal(err)
	}
	const perHandle = 25
	var wg sync.WaitGroup
	for h, s := range []*pgstore.Store{a, b} {
		for i := range perHandle {
			wg.Go(func() {
				text := fmt.Sprintf("h%d-%02d", h, i)
				_, err := s.Update(bg, key("REF-1"), func(t *ticket.Ticket) (sav.Effects, error) {
					time.Sleep(100 * time.Microsecond)
					return sav.Effects{Deliveries: []sav.Delivery{delivery(text)}}, t.Apply(storetest.Comment(text))
				})
				if err != nil {
					t.Errorf("Update %s: %v", text, err)
				}
			})
		}
	}
	wg.Wait()
	got, err := b.Get(bg, key("REF-1"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2*perHandle {
		t.Fatalf("version %d, want %d: an update was lost", got.Version, 2*perHandle)
	}
	seen := map[string]bool{}
	for i, r := range got.History[2:] {
		if r.Version != i+1 {
			t.Fatalf("history entry %d has version %d", i+2, r.Version)
		}
		if seen[r.Message.Texte] {
			t.Fatalf("%s applied twice", r.Message.Texte)
		}
		seen[r.Message.Texte] = true
	}
	ps, err := a.Pending(bg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2*perHandle {
		t.Fatalf("%d deliveries, want %d", len(ps), 2*perHandle)
	}
	for i, d := range ps {
		if want := got.History[2+i].Message.Texte; d.Label != want {
			t.Fatalf("delivery %d is %s, want %s: deliveries must follow the versions", i, d.Label, want)
		}
	}
}

// Two dispatchers, on two handles, deliver one outbox: each delivery
// once, in order per ticket, also for deliveries about two tickets (a 1.0a
// AR) and those ordered by destination.
func TestTwoDispatchers(t *testing.T) {
	a, another := open(t)
	b := another()
	const n, tickets = 150, 10
	var ds []sav.Delivery
	for i := range n {
		k := i % tickets
		d := delivery(fmt.Sprintf("D%04d", i), key(fmt.Sprintf("T%02d", k)))
		switch i % 5 {
		case 1:
			d.Tickets = append(d.Tickets, key(fmt.Sprintf("T%02d", (k+1)%tickets)))
		case 2:
			d.DestinationOrder = true
		}
		ds = append(ds, d)
	}
	if _, err := a.Commit(bg, sav.Effects{Deliveries: ds}); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		got   = map[string]int{}
		order = map[string][]int{} // by lane
	)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	deliverer := sav.DelivererFunc(func(_ context.Context, d *sav.Delivery) error {
		var i int
		fmt.Sscanf(d.Label, "D%04d", &i)
		mu.Lock()
		defer mu.Unlock()
		got[d.Label]++
		for _, l := range d.Lanes() {
			name := l.Ticket.ReferenceSigSAVRaccoOC + l.Destination.Address
			order[name] = append(order[name], i)
		}
		if len(got) == n {
			cancel()
		}
		return nil
	})
	var wg sync.WaitGroup
	for _, s := range []*pgstore.Store{a, b} {
		d := &sav.Dispatcher{Outbox: s, Deliverer: deliverer, Concurrency: 4, Poll: 50 * time.Millisecond,
			Timeout: 10 * time.Second}
		wg.Go(func() { _ = d.Run(ctx) })
	}
	select {
	case <-ctx.Done():
	case <-time.After(30 * time.Second):
		t.Error("the dispatchers did not deliver everything within 30 s")
		cancel()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n {
		t.Errorf("%d deliveries delivered, want %d", len(got), n)
	}
	for l, c := range got {
		if c != 1 {
			t.Errorf("%s delivered %d times", l, c)
		}
	}
	for lane, is := range order {
		if !slices.IsSorted(is) {
			t.Errorf("lane %s: delivered in the order %v", lane, is)
		}
	}
	ps, err := b.Pending(bg)
	if err != nil || len(ps) != 0 {
		t.Fatalf("pending after the run: %d, %v", len(ps), err)
	}
}

// A dispatcher that goes away (its lease ends) loses its claim to another
// one; its late report of a failure is refused once the other delivered.
func TestLeaseTakeover(t *testing.T) {
	a, another := open(t)
	b := another()
	k := key("A")
	if _, err := a.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", k), delivery("A2", k)}}); err != nil {
		t.Fatal(err)
	}
	t0 := storetest.T0
	c1, err := a.Claim(bg, sav.ClaimRequest{Now: t0, Limit: 10, Lease: time.Minute})
	if err != nil || len(c1.Deliveries) != 1 || c1.Deliveries[0].Label != "A1" {
		t.Fatalf("first claim: %+v, %v", c1, err)
	}
	c2, err := b.Claim(bg, sav.ClaimRequest{Now: t0.Add(59 * time.Second), Limit: 10, Lease: time.Minute})
	if err != nil || len(c2.Deliveries) != 0 || !c2.NextDue.Equal(t0.Add(time.Minute)) {
		t.Fatalf("claim during the lease: %+v, %v", c2, err)
	}
	c3, err := b.Claim(bg, sav.ClaimRequest{Now: t0.Add(time.Minute), Limit: 10, Lease: time.Minute})
	if err != nil || len(c3.Deliveries) != 1 || c3.Deliveries[0].Label != "A1" || c3.Deliveries[0].Attempts != 2 {
		t.Fatalf("claim after the lease: %+v, %v", c3, err)
	}
	if !c3.Deliveries[0].LeaseUntil.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("new lease until %v", c3.Deliveries[0].LeaseUntil)
	}
	// A2 waits behind A1, whoever holds it.
	if c, _ := a.Claim(bg, sav.ClaimRequest{Now: t0.Add(90 * time.Second), Limit: 10, Lease: time.Minute}); len(c.Deliveries) != 0 {
		t.Fatalf("A2 claimed while A1 is in flight: %+v", c.Deliveries)
	}
	if err := b.Delivered(bg, c3.Deliveries[0].ID, t0.Add(70*time.Second)); err != nil {
		t.Fatal(err)
	}
	err = a.Failed(bg, c1.Deliveries[0].ID, sav.Failure{At: t0.Add(80 * time.Second), Err: "timeout", Next: t0})
	if !errors.Is(err, sav.ErrDeliveryState) {
		t.Fatalf("late failure of the first claimer: %v, want ErrDeliveryState", err)
	}
	if err := a.Delivered(bg, c1.Deliveries[0].ID, t0.Add(80*time.Second)); err != nil {
		t.Fatalf("late success of the first claimer: %v", err)
	}
	d, err := a.Delivery(bg, c1.Deliveries[0].ID)
	if err != nil || d.Status != sav.DeliveryDelivered || !d.DeliveredAt.Equal(t0.Add(70*time.Second)) {
		t.Fatalf("A1: %+v, %v", d, err)
	}
	c4, err := a.Claim(bg, sav.ClaimRequest{Now: t0.Add(90 * time.Second), Limit: 10, Lease: time.Minute})
	if err != nil || len(c4.Deliveries) != 1 || c4.Deliveries[0].Label != "A2" {
		t.Fatalf("claim after A1: %+v, %v", c4, err)
	}
}

// Sequence numbers are unique across handles, and go on after a reopen.
func TestSequencesAcrossHandlesAndReopen(t *testing.T) {
	a, another := open(t)
	b := another()
	var (
		mu   sync.Mutex
		seen = map[int64]bool{}
		wg   sync.WaitGroup
	)
	for _, s := range []*pgstore.Store{a, b, a, b} {
		wg.Go(func() {
			for range 25 {
				n, err := s.NextSequence(bg, "ticket")
				if err != nil {
					t.Errorf("NextSequence: %v", err)
					return
				}
				mu.Lock()
				if seen[n] {
					t.Errorf("%d given twice", n)
				}
				seen[n] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	a.Close()
	b.Close()
	c := another()
	n, err := c.NextSequence(bg, "ticket")
	if err != nil || n != 101 {
		t.Fatalf("after reopening: %d, %v; want 101", n, err)
	}
}

func TestMigrations(t *testing.T) {
	// Processes that start together on a new schema migrate it once.
	u, schema := pgtest.URL(t), pgtest.Schema(t)
	stores := make([]*pgstore.Store, 4)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			s, err := pgstore.Open(bg, u, &pgstore.Options{Schema: schema})
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			stores[i] = s
		})
	}
	wg.Wait()
	for _, s := range stores {
		if s != nil {
			s.Close()
		}
	}
	if t.Failed() {
		return
	}
	s, another := open(t)
	var versions []int
	rows, err := s.Pool().Query(bg, "SELECT version FROM sav_schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	if rows.Err() != nil || len(versions) != pgstore.SchemaVersion() || versions[len(versions)-1] != pgstore.SchemaVersion() {
		t.Fatalf("applied versions %v (%v), want 1…%d", versions, rows.Err(), pgstore.SchemaVersion())
	}
	// Opening again applies nothing.
	for range 4 {
		wg.Go(func() { another() })
	}
	wg.Wait()
	if _, err := s.Pool().Exec(bg, "INSERT INTO sav_schema_migrations (version, name) VALUES ($1, 'future.sql')",
		pgstore.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	_, err = pgstore.Open(bg, pgtest.URL(t), &pgstore.Options{Schema: s.Schema()})
	var se *pgstore.SchemaError
	if !errors.Is(err, pgstore.ErrSchemaTooNew) || !errors.As(err, &se) || se.Version != pgstore.SchemaVersion()+1 {
		t.Fatalf("Open on a newer schema: %v, want a *SchemaError", err)
	}
}

// A store in a new schema of an existing pool, through New.
func TestNew(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t)
	s, err := pgstore.Open(bg, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := pgstore.New(bg, s.Pool(), &pgstore.Options{Schema: schema}); err == nil {
		t.Fatal("New with a schema that is not the pool's current one succeeded")
	}
	s2, err := pgstore.Open(bg, pgtest.WithSearchPath(t, u, schema), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s3, err := pgstore.New(bg, s2.Pool(), &pgstore.Options{Schema: schema})
	if err != nil || s3.Schema() != schema {
		t.Fatalf("New: %v, schema %q", err, s3.Schema())
	}
}

// A commit in one process wakes the subscribers of another at once.
func TestNotifyAcrossHandles(t *testing.T) {
	a, another := open(t)
	b := another()
	ch, cancel := b.Subscribe()
	defer cancel()
	// The listener's first connection wakes once.
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener did not connect")
	}
	if _, err := a.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", key("A"))}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no notification from the other handle's commit")
	}
}

// Text PostgreSQL cannot hold is refused with sav.ErrInvalid, not stored
// altered; diagnostics are stored cleaned.
func TestText(t *testing.T) {
	s, _ := open(t)
	tk := storetest.NewTicket("REF\x00", "")
	_, err := s.Create(bg, codes.RoleOI, tk, sav.Effects{})
	if !errors.Is(err, sav.ErrInvalid) {
		t.Fatalf("Create with a NUL in the key: %v, want ErrInvalid", err)
	}
	tk = storetest.NewTicket("REF-1", "")
	tk.Commentaire = "nul \x00 and \xff in the document"
	if _, err := s.Create(bg, codes.RoleOI, tk, sav.Effects{}); err != nil {
		t.Fatalf("Create with a NUL in the document: %v", err)
	}
	if _, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", key("REF-1"))}}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Claim(bg, sav.ClaimRequest{Now: storetest.T0, Limit: 1, Lease: time.Minute})
	if err != nil || len(c.Deliveries) != 1 {
		t.Fatal(c, err)
	}
	if err := s.Failed(bg, c.Deliveries[0].ID, sav.Failure{At: storetest.T0, Err: "550 \x00\xff", Park: true,
		Reason: "permanent"}); err != nil {
		t.Fatalf("Failed with a NUL in the error: %v", err)
	}
	d, _ := s.Delivery(bg, c.Deliveries[0].ID)
	if d.LastError != "550 \uFFFD" {
		t.Fatalf("stored error %q", d.LastError)
	}
}

// The Tx methods write in the caller's transaction: with the embedder's own
// rows, all committed or all rolled back.
func TestCallersTransaction(t *testing.T) {
	s, _ := open(t)
	if _, err := s.Pool().Exec(bg, "CREATE TABLE invoices (ref text PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Record(bg, &sav.Inbound{Protocol: sav.ProtocolV1A, ID: "m1", ReceivedAt: storetest.T0})
	if err != nil {
		t.Fatal(err)
	}
	write := func(tx pgx.Tx) error {
		if _, err := tx.Exec(bg, "INSERT INTO invoices VALUES ('REF-1')"); err != nil {
			return err
		}
		if _, err := s.CreateTx(bg, tx, codes.RoleOI, storetest.NewTicket("REF-1", "OI-1"), sav.Effects{}); err != nil {
			return err
		}
		_, err := s.CreateTx(bg, tx, codes.RoleOI, storetest.NewTicket("REF-1", "OI-1"), sav.Effects{})
		if !errors.Is(err, sav.ErrDuplicate) {
			return fmt.Errorf("second CreateTx: %v, want ErrDuplicate", err)
		}
		if _, err := s.UpdateTx(bg, tx, key("REF-1"), func(tk *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{Deliveries: []sav.Delivery{delivery("N1")}}, tk.Apply(storetest.Comment("one"))
		}); err != nil {
			return err
		}
		_, err = s.CommitTx(bg, tx, sav.Effects{Outcomes: []sav.Resolution{{Ref: sav.InboundRef{Protocol: sav.ProtocolV1A,
			ID: "m1"}, Outcome: sav.Outcome{Disposition: sav.DispositionProcessed, At: storetest.T0}}}})
		return err
	}
	rollback := errors.New("rolled back by the caller")
	if err := pgx.BeginFunc(bg, s.Pool(), func(tx pgx.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return rollback
	}); !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if _, err := s.Get(bg, key("REF-1")); !errors.Is(err, sav.ErrNotFound) {
		t.Fatalf("after the rollback: %v", err)
	}
	if un, _ := s.Unresolved(bg); len(un) != 1 {
		t.Fatalf("after the rollback, unresolved: %d", len(un))
	}
	if err := pgx.BeginFunc(bg, s.Pool(), write); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(bg, key("REF-1"))
	if err != nil || got.Version != 1 {
		t.Fatalf("after the commit: %v, %v", got, err)
	}
	var n int
	if err := s.Pool().QueryRow(bg, "SELECT count(*) FROM invoices").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the caller's row: %d, %v", n, err)
	}
	if ps, _ := s.Pending(bg); len(ps) != 1 {
		t.Fatalf("pending: %d", len(ps))
	}
	if un, _ := s.Unresolved(bg); len(un) != 0 {
		t.Fatalf("unresolved: %d", len(un))
	}
}

// The listener reconnects when its connection is lost, and wakes the
// subscriptions then, since it may have missed notifications.
func TestNotifyAfterLostConnection(t *testing.T) {
	a, another := open(t)
	b := another()
	ch, cancel := b.Subscribe()
	defer cancel()
	wake := func(what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal(what)
		}
	}
	wake("the listener did not connect")
	var n int
	if err := a.Pool().QueryRow(bg, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("terminating the listener: %d, %v", n, err)
	}
	wake("no wake-up after the reconnection")
	if _, err := a.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", key("A"))}}); err != nil {
		t.Fatal(err)
	}
	wake("no notification after the reconnection")
}
