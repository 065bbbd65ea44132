package storetest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

func TestMemStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sav.Store { return sav.NewMemStore() })
}

// Broken stores, each breaking one guarantee; the suite must fail on each.

// sharedGet hands out the same pointer on every Get: callers change the
// stored state through it.
type sharedGet struct {
	sav.Store
	mu    sync.Mutex
	cache map[sav.Key]*ticket.Ticket
}

func (s *sharedGet) Get(ctx context.Context, k sav.Key) (*ticket.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.cache[k]; ok {
		return t, nil
	}
	t, err := s.Store.Get(ctx, k)
	if err == nil {
		s.cache[k] = t
	}
	return t, err
}

// dropsDeliveries commits the ticket change without its deliveries.
type dropsDeliveries struct{ sav.Store }

func (s dropsDeliveries) Update(ctx context.Context, k sav.Key, fn sav.UpdateFunc) (*ticket.Ticket, error) {
	return s.Store.Update(ctx, k, func(t *ticket.Ticket) (sav.Effects, error) {
		fx, err := fn(t)
		fx.Deliveries = nil
		return fx, err
	})
}

// forgetful never recognises a duplicate message: it journals each under
// a new identity.
type forgetful struct {
	sav.Store
	n *atomic.Int64
}

func (s forgetful) Record(ctx context.Context, in *sav.Inbound) (*sav.Inbound, bool, error) {
	c := *in
	c.ID = fmt.Sprintf("%s#%d", in.ID, s.n.Add(1))
	stored, _, err := s.Store.Record(ctx, &c)
	return stored, false, err
}

// unserialised runs the update function outside the store's lock and
// writes its result back: concurrent updates overwrite each other.
type unserialised struct{ sav.Store }

func (s unserialised) Update(ctx context.Context, k sav.Key, fn sav.UpdateFunc) (*ticket.Ticket, error) {
	cur, err := s.Store.Get(ctx, k)
	if err != nil {
		return nil, err
	}
	fx, err := fn(cur)
	if err != nil {
		return nil, err
	}
	return s.Store.Update(ctx, k, func(t *ticket.Ticket) (sav.Effects, error) {
		*t = *cur
		return fx, nil
	})
}

var broken = map[string]struct {
	store    func() sav.Store
	failures []string // subtests that must fail
}{
	"shared-get": {func() sav.Store { return &sharedGet{Store: sav.NewMemStore(), cache: map[sav.Key]*ticket.Ticket{}} },
		[]string{"Tickets/Copies"}},
	"drops-deliveries": {func() sav.Store { return dropsDeliveries{sav.NewMemStore()} },
		[]string{"Tickets/UpdateAppliesAndEnqueues", "Concurrency/Updates"}},
	"forgetful": {func() sav.Store { return forgetful{sav.NewMemStore(), new(atomic.Int64)} },
		[]string{"Journal/RecordAndDuplicate", "Concurrency/Journal"}},
	"unserialised": {func() sav.Store { return unserialised{sav.NewMemStore()} },
		[]string{"Concurrency/Updates"}},
}

// TestBrokenStore runs the suite on the broken store its environment names;
// TestSuiteCatchesBrokenStores runs it in a child process.
func TestBrokenStore(t *testing.T) {
	name := os.Getenv("STORETEST_BROKEN")
	if name == "" {
		t.Skip("run by TestSuiteCatchesBrokenStores")
	}
	storetest.Run(t, func(t *testing.T) sav.Store { return broken[name].store() })
}

func TestSuiteCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStore$", "-test.v")
			cmd.Env = append(os.Environ(), "STORETEST_BROKEN="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed on a broken store:\n%s", out)
			}
			for _, f := range b.failures {
				if !strings.Contains(string(out), "--- FAIL: TestBrokenStore/"+f+" ") {
					t.Errorf("subtest %s did not fail:\n%s", f, out)
				}
			}
		})
	}
}

// Run the suite against your own Store implementation from a test of your
// package.
func ExampleRun() {
	_ = func(t *testing.T) { // func TestStore(t *testing.T)
		storetest.Run(t, func(t *testing.T) sav.Store {
			return sav.NewMemStore() // your store, empty
		})
	}
}
