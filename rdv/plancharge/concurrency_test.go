package plancharge

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/rdv"
)

type attempt struct {
	slot   string
	won    bool
	failed error
}

// bookAll has n goroutines book every slot of ids through the client, each
// in its own order, and returns every attempt.
func bookAll(t *testing.T, c *Client, ids []string, n int) []attempt {
	t.Helper()
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		all []attempt
	)
	start := make(chan struct{})
	for g := range n {
		wg.Go(func() {
			order := append([]string(nil), ids...)
			r := rand.New(rand.NewPCG(uint64(g), 42))
			r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			<-start
			for _, id := range order {
				_, err := c.Book(context.Background(), bookReq(id))
				mu.Lock()
				all = append(all, attempt{slot: id, won: err == nil, failed: err})
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	require.Len(t, all, n*len(ids))
	return all
}

// TestConcurrentBookingSameSlots: 50 OCs race for the same slots; each slot
// has exactly one winner and 49 refusals with fault 101.
func TestConcurrentBookingSameSlots(t *testing.T) {
	s := newService(t, MemConfig{})
	slots, err := s.client.Search(context.Background(), searchReq(day(1, 0), day(2, 0)))
	require.NoError(t, err)
	ids := make([]string, len(slots))
	for i, c := range slots {
		ids[i] = c.IdOI
	}
	wins := map[string]int{}
	for _, a := range bookAll(t, s.client, ids, 50) {
		if a.won {
			wins[a.slot]++
			continue
		}
		require.ErrorIs(t, a.failed, ErrRdvNonDisponible)
	}
	for _, id := range ids {
		require.Equal(t, 1, wins[id], "winners of %s", id)
	}
	require.Len(t, s.planning.Appointments(), len(ids))
}

// TestConcurrentBookingOverlappingSlots: 2 h slots every hour, so slots of
// one technician overlap. 50 OCs book them all at once: every slot has at
// most one winner, a technician's winners never overlap, and every slot
// without a winner overlaps one (it was refused with 101 for that reason).
func TestConcurrentBookingOverlappingSlots(t *testing.T) {
	s := newService(t, MemConfig{Step: time.Hour})
	slots, err := s.client.Search(context.Background(), searchReq(day(1, 0), day(2, 0)))
	require.NoError(t, err)
	require.Len(t, slots, 20)
	ids := make([]string, len(slots))
	byID := map[string]Creneau{}
	for i, c := range slots {
		ids[i] = c.IdOI
		byID[c.IdOI] = c
	}
	wins := map[string]int{}
	for _, a := range bookAll(t, s.client, ids, 50) {
		if a.won {
			wins[a.slot]++
			continue
		}
		require.ErrorIs(t, a.failed, ErrRdvNonDisponible)
	}
	tech := func(id string) string { t, _, _ := strings.Cut(id, "-"); return t }
	for id, n := range wins {
		require.Equal(t, 1, n, "winners of %s", id)
		for other := range wins {
			if other != id && tech(other) == tech(id) {
				require.False(t, rdv.Overlap(byID[id].Slot, byID[other].Slot), "%s and %s both won", id, other)
			}
		}
	}
	for _, id := range ids {
		if wins[id] == 1 {
			continue
		}
		covered := false
		for w := range wins {
			covered = covered || tech(w) == tech(id) && rdv.Overlap(byID[w].Slot, byID[id].Slot)
		}
		require.True(t, covered, "%s has no winner and overlaps none", id)
	}
	require.Len(t, s.planning.Appointments(), len(wins))
}
