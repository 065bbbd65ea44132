package infotravaux

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/opensav/savsdk/codes"
)

// MemSource is an in-memory [Source]: the works notices an OI publishes,
// one current version per (Reference, ServiceProviderID). It keeps the
// date a notice was first published (its DateCreation) across versions and
// enforces the sequence of states. It is safe for concurrent use; the zero
// value is empty and ready.
type MemSource struct {
	mu sync.RWMutex
	m  map[memKey]*Travaux
}

type memKey struct{ reference, serviceProviderID string }

// Put publishes t, a new notice or a new version of one (same Reference and
// ServiceProviderID). It returns the *codes.ValueError of t.Check, or a
// *Fault 13 on etat when the state cannot follow the current one
// (Etat.Follows). The first version's creation date is kept: t.DateCreation,
// or its DateModification.
func (s *MemSource) Put(t Travaux) error {
	if err := t.Check(); err != nil {
		return err
	}
	t = clone(&t)
	k := memKey{t.Reference, t.ServiceProviderID}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.m[k]; ok {
		if t.Etat != "" && !t.Etat.Follows(prev.Etat) {
			return Faultf(codes.ReturnCodeUnexpected, "etat", "%s cannot follow %s for works %q", t.Etat, prev.Etat,
				t.Reference)
		}
		t.DateCreation = prev.Created()
	} else {
		t.DateCreation = t.Created()
	}
	if s.m == nil {
		s.m = make(map[memKey]*Travaux)
	}
	s.m[k] = &t
	return nil
}

// Get returns the current version of a notice.
func (s *MemSource) Get(reference, serviceProviderID string) (Travaux, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.m[memKey{reference, serviceProviderID}]
	if !ok {
		return Travaux{}, false
	}
	return clone(t), true
}

// Len returns the number of notices.
func (s *MemSource) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}

// Search implements Source: the notices of OC h.ServiceProviderID (all of
// them when it is empty) that match f, by DateModification then Reference.
func (s *MemSource) Search(ctx context.Context, h Header, f Filter) ([]Travaux, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var out []Travaux
	for k, t := range s.m {
		if h.ServiceProviderID != "" && k.serviceProviderID != h.ServiceProviderID {
			continue
		}
		if f.Match(t) {
			out = append(out, clone(t))
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Travaux) int {
		return cmp.Or(a.DateModification.Compare(b.DateModification), cmp.Compare(a.Reference, b.Reference),
			cmp.Compare(a.ServiceProviderID, b.ServiceProviderID))
	})
	return out, nil
}

// clone returns a copy of t that shares no slice with it.
func clone(t *Travaux) Travaux {
	c := *t
	c.ReferencePBO = slices.Clone(t.ReferencePBO)
	c.ReferencePmTechnique = slices.Clone(t.ReferencePmTechnique)
	c.IdentifiantImmeuble = slices.Clone(t.IdentifiantImmeuble)
	c.ReferencePriseImpactees = slices.Clone(t.ReferencePriseImpactees)
	c.ReferencePrestationPriseImpactees = slices.Clone(t.ReferencePrestationPriseImpactees)
	c.Adresses = slices.Clone(t.Adresses)
	return c
}
