package sqlitestore_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/sqlitestore"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

// open opens a store on path for the test, closed at its end.
func open(t testing.TB, path string) *sqlitestore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := sqlitestore.Open(ctx, path, &sqlitestore.Options{BusyTimeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.RunWith(t, func(t *testing.T) sav.Store {
		return open(t, filepath.Join(t.TempDir(), "sav.db"))
	}, storetest.Options{
		Reopen: func(t *testing.T, s sav.Store) sav.Store { return open(t, s.(*sqlitestore.Store).Path()) },
	})
}

// rawDB opens the database file at path without the store, for the tests
// that look under it.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsApplyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sav.db")
	versions := func() []int {
		t.Helper()
		rows, err := rawDB(t, path).Query("SELECT version FROM sav_schema ORDER BY version")
		if err != nil {
			t.Fatalf("schema table: %v", err)
		}
		defer rows.Close()
		var vs []int
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			vs = append(vs, v)
		}
		return vs
	}
	s := open(t, path)
	s.Close()
	want := []int{}
	for v := 1; v <= sqlitestore.SchemaVersion(); v++ {
		want = append(want, v)
	}
	if got := versions(); !slices.Equal(got, want) {
		t.Fatalf("versions after the first Open: %v, want %v", got, want)
	}
	open(t, path).Close()
	if got := versions(); !slices.Equal(got, want) {
		t.Fatalf("versions after the second Open: %v, want %v", got, want)
	}
}

func TestSchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sav.db")
	open(t, path).Close()
	newer := sqlitestore.SchemaVersion() + 1
	if _, err := rawDB(t, path).Exec("INSERT INTO sav_schema (version, name, applied_at) VALUES (?, 'future', '')",
		newer); err != nil {
		t.Fatal(err)
	}
	s, err := sqlitestore.Open(context.Background(), path, nil)
	if err == nil {
		s.Close()
		t.Fatal("Open of a database of a newer schema succeeded")
	}
	var se *sqlitestore.SchemaError
	if !errors.Is(err, sqlitestore.ErrSchemaTooNew) || !errors.As(err, &se) {
		t.Fatalf("Open: %v, want a *SchemaError", err)
	}
	if se.Version != newer || se.Known != sqlitestore.SchemaVersion() || se.Path != path {
		t.Fatalf("SchemaError %+v", se)
	}
}

func TestOpenInvalid(t *testing.T) {
	if _, err := sqlitestore.Open(context.Background(), "", nil); !errors.Is(err, sav.ErrInvalid) {
		t.Fatalf("Open with an empty path: %v", err)
	}
	notDB := filepath.Join(t.TempDir(), "not-a-database")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not SQLite\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := sqlitestore.Open(context.Background(), notDB, nil); err == nil {
		s.Close()
		t.Fatal("Open of a file that is not a database succeeded")
	}
	s := open(t, filepath.Join(t.TempDir(), "sav.db"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close again: %v", err)
	}
	if _, err := s.NextSequence(context.Background(), "x"); err == nil {
		t.Fatal("NextSequence on a closed store succeeded")
	}
}

func TestNotifier(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "sav.db"))
	ctx := context.Background()
	ch, stop := s.Subscribe()
	defer stop()
	signalled := func(what string, want bool) {
		t.Helper()
		select {
		case <-ch:
			if !want {
				t.Fatalf("%s: signalled", what)
			}
		case <-time.After(50 * time.Millisecond):
			if want {
				t.Fatalf("%s: not signalled", what)
			}
		}
	}
	k := sav.KeyOf(codes.RoleOI, storetest.NewTicket("A", ""))
	d := sav.Delivery{Protocol: sav.ProtocolV2, Destination: sav.Destination{Code: "BYTL", Address: "http://x"},
		Tickets: []sav.Key{k}}
	ds, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{d, d}})
	if err != nil {
		t.Fatal(err)
	}
	signalled("Commit", true)
	c, err := s.Claim(ctx, sav.ClaimRequest{Now: storetest.T0, Limit: 1, Lease: time.Minute})
	if err != nil || len(c.Deliveries) != 1 {
		t.Fatalf("Claim: %v %v", c, err)
	}
	signalled("Claim", false)
	if err := s.Failed(ctx, ds[0].ID, sav.Failure{At: storetest.T0, Park: true}); err != nil {
		t.Fatal(err)
	}
	signalled("Failed", false)
	if err := s.Retry(ctx, ds[0].ID, storetest.T0); err != nil {
		t.Fatal(err)
	}
	signalled("Retry", true)
	if _, err := s.Claim(ctx, sav.ClaimRequest{Now: storetest.T0, Limit: 1, Lease: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delivered(ctx, ds[0].ID, storetest.T0); err != nil {
		t.Fatal(err)
	}
	signalled("Delivered, making the next of the lane ready", true)
}

// TestUpdateWaitHonoursContext: an update waits for the one under way on
// this handle, or on another, until its context ends.
func TestUpdateWaitHonoursContext(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "sav.db"))
	other := open(t, s.Path())
	ctx := context.Background()
	tk := storetest.NewTicket("REF-1", "OI-1")
	if _, err := s.Create(ctx, codes.RoleOI, tk, sav.Effects{}); err != nil {
		t.Fatal(err)
	}
	key := sav.KeyOf(codes.RoleOI, tk)
	inFn, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := s.Update(ctx, key, func(t *ticket.Ticket) (sav.Effects, error) {
			close(inFn)
			<-release
			return sav.Effects{}, t.Apply(storetest.Comment("first"))
		})
		done <- err
	}()
	<-inFn
	for name, h := range map[string]*sqlitestore.Store{"same handle": s, "other handle": other} {
		wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err := h.Update(wctx, key, func(t *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{}, t.Apply(storetest.Comment("second"))
		})
		cancel()
		if err == nil {
			t.Fatalf("%s: an update ran while another held the ticket", name)
		}
		if name == "same handle" && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: %v, want the context's error", name, err)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("first Update: %v", err)
	}
	got, err := other.Get(ctx, key)
	if err != nil || got.Version != 1 {
		t.Fatalf("after: version %v, %v", got, err)
	}
}

// TestCrash kills a process that commits in a loop (SIGKILL, no chance to
// close anything) and checks, reopening the database, that every commit
// the process reported is there, whole, and that the sequence goes on past
// the numbers it gave. crashChild is the process (see TestMain).
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "sav.db")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SQLITESTORE_CRASH_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var reported []int64 // the sequence numbers of the commits reported
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(reported) < 60 {
		if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				t.Fatalf("child: %q", sc.Text())
			}
			reported = append(reported, v)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if len(reported) < 60 {
		t.Fatalf("the child reported %d commits before it ended", len(reported))
	}

	var check string
	if err := rawDB(t, path).QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	s := open(t, path)
	pend, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byLabel := map[string]bool{}
	for _, d := range pend {
		byLabel[d.Label] = true
	}
	for _, n := range reported {
		ref := fmt.Sprintf("REF-%d", n)
		got, err := s.Get(ctx, sav.KeyOf(codes.RoleOI, storetest.NewTicket(ref, "")))
		if err != nil {
			t.Fatalf("ticket of commit %d: %v", n, err)
		}
		if got.Version != 1 {
			t.Fatalf("ticket of commit %d: version %d, want 1 (created and updated)", n, got.Version)
		}
		if !byLabel[ref] {
			t.Fatalf("the delivery committed with ticket %s is lost", ref)
		}
	}
	next, err := s.NextSequence(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	if last := reported[len(reported)-1]; next <= last {
		t.Fatalf("sequence %d after the crash, want more than %d", next, last)
	}
}

// TestMain runs the test binary as TestCrash's child when it is started
// with SQLITESTORE_CRASH_DB set, and as the tests otherwise.
func TestMain(m *testing.M) {
	if path := os.Getenv("SQLITESTORE_CRASH_DB"); path != "" {
		if err := crashChild(path); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashChild commits until it is killed, reporting each commit once it
// returned.
func crashChild(path string) error {
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, path, nil)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		n, err := s.NextSequence(ctx, "crash")
		if err != nil {
			return err
		}
		ref := fmt.Sprintf("REF-%d", n)
		tk := storetest.NewTicket(ref, fmt.Sprintf("OI-%d", n))
		d := sav.Delivery{Protocol: sav.ProtocolV2, Destination: sav.Destination{Code: "BYTL", Address: "http://x"},
			Label: ref}
		if _, err := s.Create(ctx, codes.RoleOI, tk, sav.Effects{Deliveries: []sav.Delivery{d}}); err != nil {
			return err
		}
		if _, err := s.Update(ctx, sav.KeyOf(codes.RoleOI, tk), func(t *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{}, t.Apply(storetest.Comment("before the crash"))
		}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stdout, "committed %d\n", n)
	}
	return nil
}
