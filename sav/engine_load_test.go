package sav_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

// latencies collects call durations.
type latencies struct {
	mu sync.Mutex
	d  map[string][]time.Duration
}

func (l *latencies) add(name string, d time.Duration) {
	l.mu.Lock()
	if l.d == nil {
		l.d = map[string][]time.Duration{}
	}
	l.d[name] = append(l.d[name], d)
	l.mu.Unlock()
}

func (l *latencies) report(t *testing.T) {
	names := make([]string, 0, len(l.d))
	for n := range l.d {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		ds := l.d[n]
		slices.Sort(ds)
		q := func(f float64) time.Duration { return ds[min(len(ds)-1, int(f*float64(len(ds))))] }
		t.Logf("%-28s n=%6d p50=%9v p99=%9v max=%9v", n, len(ds), q(0.50).Round(time.Microsecond),
			q(0.99).Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond))
	}
}

// TestLoad runs 20 OCs × 500 tickets each through the 2.0 server over
// loopback to one OI engine on the in-memory store, every ticket driven to
// closure (create, prise en charge, closure notified back to each OC's own
// endpoint through the OI's outbox), and checks none is lost or duplicated.
// It logs tickets per second and the latency of each call; -short (and the
// race detector) run 4 × 50.
func TestLoad(t *testing.T) {
	nOC, perOC := 20, 500
	if testing.Short() || raceEnabled {
		nOC, perOC = 4, 50
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lat latencies
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}

	// The OI.
	oiStore := sav.NewMemStore()
	oiEP, err := savtest.NewEndpoint()
	require.NoError(t, err)
	defer oiEP.Close()
	filed := make(chan sav.Key, nOC*perOC)
	oiPeers := &sav.Peers{}

	// The OCs.
	type ocSide struct {
		oc     *sav.OC
		store  *sav.MemStore
		closed atomic.Int64
		events sync.Map // ref → []sav.EventKind (guarded by evMu)
		evMu   sync.Mutex
		kinds  map[string][]sav.EventKind
		filed  sync.Map // ref → time.Time
	}
	var closedAll atomic.Int64
	done := make(chan struct{})
	total := int64(nOC * perOC)
	ocs := make([]*ocSide, nOC)
	for i := range ocs {
		code := fmt.Sprintf("OC%02d", i)
		ep, err := savtest.NewEndpoint()
		require.NoError(t, err)
		defer ep.Close()
		side := &ocSide{store: sav.NewMemStore(), kinds: map[string][]sav.EventKind{}}
		login := &sav.BasicCredentials{User: strings.ToLower(code), Password: "pw-" + code}
		oiLogin := &sav.BasicCredentials{User: "ftel-" + strings.ToLower(code), Password: "pw-ftel"}
		oiPeers.Operators = append(oiPeers.Operators, sav.Peer{Code: code, Role: codes.RoleOC,
			V2:   &sav.PeerV2{URL: ep.URL + "/sav/v2/oc"},
			Auth: &sav.PeerAuth{Basic: login, Outbound: &sav.PeerOutbound{Basic: oiLogin}}})
		ocPeers := &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", Role: codes.RoleOI,
			V2:   &sav.PeerV2{URL: oiEP.URL + "/sav/v2/oi"},
			Auth: &sav.PeerAuth{Basic: oiLogin, Outbound: &sav.PeerOutbound{Basic: login}}}}}
		side.oc, err = sav.NewOC(sav.Options{TrustHeader: true, Code: code, Store: side.store, Peers: ocPeers, HTTPClient: httpc,
			Handler: sav.HandlerFunc(func(_ context.Context, e sav.Event) {
				ref := e.Key.ReferenceSigSAVRaccoOC
				side.evMu.Lock()
				side.kinds[ref] = append(side.kinds[ref], e.Kind)
				side.evMu.Unlock()
				if e.Kind == sav.EventClosed {
					if at, ok := side.filed.Load(ref); ok {
						lat.add("end-to-end file→closed", time.Since(at.(time.Time)))
					}
					side.closed.Add(1)
					if closedAll.Add(1) == total {
						close(done)
					}
				}
			})})
		require.NoError(t, err)
		ep.Handle("/sav/v2/oc", side.oc.V2Handler())
		ocs[i] = side
	}
	// The OI engine, once its peers (and their credentials) are known.
	oi, err := sav.NewOI(sav.Options{TrustHeader: true, Code: "FTEL", Store: oiStore, Peers: oiPeers, HTTPClient: httpc,
		Concurrency: 16, Poll: 50 * time.Millisecond,
		Backoff: sav.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2},
		Handler: sav.HandlerFunc(func(_ context.Context, e sav.Event) {
			if e.Kind == sav.EventFiled {
				filed <- e.Key
			}
		})})
	require.NoError(t, err)
	oiEP.Handle("/sav/v2/oi", oi.V2Handler())
	go func() { _ = oi.Run(ctx) }()

	// The OI's embedder: take each new ticket in charge, then close it.
	var wg sync.WaitGroup
	var oiErrs atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case key := <-filed:
					start := time.Now()
					if _, err := oi.TakeCharge(ctx, key, ""); err != nil {
						oiErrs.Add(1)
						t.Errorf("take charge %s: %v", key, err)
						continue
					}
					lat.add("OI.TakeCharge (commit)", time.Since(start))
					start = time.Now()
					if _, err := oi.Close(ctx, key, ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
						Localisation: codes.PrelocDefautPM}); err != nil {
						oiErrs.Add(1)
						t.Errorf("close %s: %v", key, err)
						continue
					}
					lat.add("OI.Close (commit)", time.Since(start))
				}
			}
		}()
	}

	began := time.Now()
	var fileWG sync.WaitGroup
	for i, side := range ocs {
		for w := range 2 {
			fileWG.Add(1)
			go func() {
				defer fileWG.Done()
				for n := w; n < perOC; n += 2 {
					ref := fmt.Sprintf("REF-%02d-%05d", i, n)
					side.filed.Store(ref, time.Now())
					start := time.Now()
					tk, err := side.oc.File(ctx, savtest.Filing(side.oc.Code(), "FTEL", ref))
					if err != nil || tk.State != ticket.StateQueued {
						t.Errorf("file %s: %v", ref, err)
						continue
					}
					lat.add("OC.File (v2 create)", time.Since(start))
				}
			}()
		}
	}
	fileWG.Wait()
	filedIn := time.Since(began)
	select {
	case <-done:
	case <-time.After(loadTimeout()):
		pend, _ := oiStore.Pending(context.Background())
		stuck, _ := oiStore.Stuck(context.Background())
		for i, d := range append(pend, stuck...) {
			if i < 5 {
				t.Logf("undelivered: %s %s attempts=%d error=%s reason=%s", d.Label, d.Status, d.Attempts, d.LastError, d.Reason)
			}
		}
		t.Fatalf("only %d of %d tickets closed at the OCs", closedAll.Load(), total)
	}
	elapsed := time.Since(began)
	cancel()
	wg.Wait()

	t.Logf("%d OCs × %d tickets: all filed in %v (%.0f creates/s), all closed at the OCs in %v: %.0f tickets/s to closure",
		nOC, perOC, filedIn.Round(time.Millisecond), float64(total)/filedIn.Seconds(), elapsed.Round(time.Millisecond),
		float64(total)/elapsed.Seconds())
	lat.report(t)

	// Nothing lost, nothing duplicated.
	all, err := oiStore.List(context.Background(), sav.Query{Role: codes.RoleOI})
	require.NoError(t, err)
	require.Len(t, all, int(total))
	ids := map[string]bool{}
	for _, tk := range all {
		require.Equal(t, ticket.StateClosed, tk.State)
		require.False(t, ids[tk.ReferenceSigSAVOI], "id %s given twice", tk.ReferenceSigSAVOI)
		ids[tk.ReferenceSigSAVOI] = true
	}
	want := []sav.EventKind{sav.EventAcknowledged, sav.EventTakenInCharge, sav.EventClosed}
	for _, side := range ocs {
		require.Equal(t, int64(perOC), side.closed.Load())
		mine, err := side.store.List(context.Background(), sav.Query{Role: codes.RoleOC})
		require.NoError(t, err)
		require.Len(t, mine, perOC)
		for _, tk := range mine {
			require.Equal(t, ticket.StateClosed, tk.State)
			require.Equal(t, 2, tk.Version)
			// In the order of the steps, though the answer to the create
			// and the OI's first notification race.
			require.Equal(t, want, side.kinds[tk.ReferenceSigSAVRaccoOC], tk.ReferenceSigSAVRaccoOC)
			var steps []sav.EventKind
			for _, r := range tk.History {
				if r.Sender == codes.RoleOI {
					steps = append(steps, sav.EventKindOf(r.Kind))
				}
			}
			require.Equal(t, want, steps, tk.ReferenceSigSAVRaccoOC)
		}
	}
	require.Zero(t, oiErrs.Load())
}

func loadTimeout() time.Duration {
	if testing.Short() {
		return 20 * time.Second
	}
	return 2 * time.Minute
}
