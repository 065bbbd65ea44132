package infotravaux

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

func TestMemSourceVersions(t *testing.T) {
	var s MemSource
	first := sampleTravaux()[0]
	first.DateCreation = time.Time{}
	require.NoError(t, s.Put(first))

	moved := first
	moved.Etat = EtatReplanification
	moved.DateModification = paris(2026, 11, 10, 8, 0)
	moved.DateDebutTravaux = paris(2026, 12, 8, 8, 0)
	moved.DateFinTravaux = paris(2026, 12, 8, 17, 0)
	require.NoError(t, s.Put(moved))

	got, ok := s.Get(first.Reference, first.ServiceProviderID)
	require.True(t, ok)
	require.Equal(t, EtatReplanification, got.Etat)
	require.True(t, got.DateCreation.Equal(first.DateModification), "the first version's date is kept")
	require.Equal(t, 1, s.Len())

	// No return to NOUVEAU.
	back := moved
	back.Etat = EtatNouveau
	err := s.Put(back)
	f, isFault := errors.AsType[*Fault](err)
	require.True(t, isFault, "%v", err)
	require.Equal(t, codes.ReturnCodeUnexpected, f.Code)
	require.Equal(t, "etat", f.Field)

	// Closed is final; a repeated CLOTURE is not a move.
	closed := moved
	closed.Etat = EtatCloture
	require.NoError(t, s.Put(closed))
	require.NoError(t, s.Put(closed))
	reopened := closed
	reopened.Etat = EtatMAJ
	require.Error(t, s.Put(reopened))

	// A notice that breaks the schema is refused with its field.
	bad := first
	bad.Reference = "TP-BAD"
	bad.Type = ""
	ve, isValue := errors.AsType[*codes.ValueError](s.Put(bad))
	require.True(t, isValue)
	require.Equal(t, "type", ve.Field)

	// The stored copy shares nothing with the caller's.
	got.ReferencePBO[0] = "CHANGED"
	again, _ := s.Get(first.Reference, first.ServiceProviderID)
	require.Equal(t, "PBO-0001", again.ReferencePBO[0])
	_, ok = s.Get("NONE", sirenOC)
	require.False(t, ok)
}

func TestMemSourceSearch(t *testing.T) {
	s := newService(t, nil).src
	got, err := s.Search(t.Context(), header, Filter{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "TP-2026-0001", got[0].Reference, "by dateModification")
	all, err := s.Search(t.Context(), Header{}, Filter{})
	require.NoError(t, err)
	require.Len(t, all, 3, "no OC: every notice")
	got, err = s.Search(t.Context(), header, Filter{DateCreation: &Periode{paris(2026, 10, 1, 0, 0), paris(2026, 10, 31, 0, 0)}})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "DERCO-2026-0007", got[0].Reference)

	ctx, cancel := contextCanceled(t)
	defer cancel()
	_, err = s.Search(ctx, header, Filter{})
	require.Error(t, err)
}

// TestMemSourceConcurrent: OCs query while the OI publishes (run with
// -race).
func TestMemSourceConcurrent(t *testing.T) {
	svc := newService(t, nil)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				tr := sampleTravaux()[0]
				tr.Reference = fmt.Sprintf("TP-W%d-%03d", w, i)
				require.NoError(t, svc.src.Put(tr))
				tr.Etat = EtatMAJ
				require.NoError(t, svc.src.Put(tr))
			}
		})
		wg.Go(func() {
			for i := range 50 {
				ref := fmt.Sprintf("TP-W%d-%03d", w, i)
				ts, err := svc.client.GetInfoTravauxFTTH(t.Context(), header, Filter{ReferenceTPDERCO: ref})
				require.NoError(t, err)
				require.LessOrEqual(t, len(ts), 1)
				for _, tr := range ts {
					require.Equal(t, ref, tr.Reference)
					require.Equal(t, sirenOC, tr.ServiceProviderID)
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, 3+4*50, svc.src.Len())
	ts, err := svc.client.GetInfoTravauxFTTH(t.Context(), header, Filter{Etat: EtatMAJ})
	require.NoError(t, err)
	require.Len(t, ts, 1+4*50)
}
