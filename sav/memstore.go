package sav

import (
	"cmp"
	"container/heap"
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// MemStore is a [Store] in memory, for tests, sandboxes (savctl serve) and
// programs that keep nothing across restarts. Everything it holds is lost
// with the process: production embedders implement [Store] over their
// database (see the package documentation).
//
// It is safe for concurrent use. Updates of one ticket are serialised by a
// lock of that ticket; other operations hold a store-wide lock only for
// the time of a map access. Values are copied in and out. It is bounded by
// nothing but memory: it keeps every ticket, journal entry and delivery
// (delivered ones included) for the life of the process, unless [MemStore.Prune]
// forgets the delivered deliveries and processed entries.
//
// The zero value is an empty store ready to use.
type MemStore struct {
	// Now is the clock that stamps EnqueuedAt; nil means time.Now. Set it
	// before first use.
	Now func() time.Time

	mu      sync.Mutex
	tickets map[Key]*memTicket
	byOI    map[OIKey]Key

	journal     map[InboundRef]*Inbound
	unresolved  map[InboundRef]*Inbound
	quarantined map[InboundRef]*Inbound
	jseq        int64
	// processed lists the processed entries in the order they were
	// processed (from processedHead; refs of entries deleted since are
	// skipped), and nprocessed counts those still in journal: Forget.
	processed     []InboundRef
	processedHead int
	nprocessed    int

	deliveries map[string]*memDelivery // all, final ones included
	active     map[string]*memDelivery // not final
	lanes      map[Lane][]*memDelivery // not final, by Seq
	schedule   schedule                // front deliveries by readiness
	dseq       int64

	subs Subscribers

	sequences map[string]int64
}

var (
	_ Store    = (*MemStore)(nil)
	_ Notifier = (*MemStore)(nil)
)

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{} }

type memTicket struct {
	// lock is held (a value in the channel) by the Update running on the
	// ticket; a channel so that waiting for it honours the context.
	lock chan struct{}
	// t is the stored ticket. It is never changed in place: an update
	// replaces it, holding both lock and MemStore.mu.
	t *ticket.Ticket
	// role is the key's role, for List.
	role codes.Role
}

type memDelivery struct {
	d Delivery
	// front: d is the first not-final delivery of each of its lanes.
	front bool
	// gen invalidates schedule entries when d's schedule changes.
	gen int
}

func (s *MemStore) initLocked() {
	if s.tickets != nil {
		return
	}
	s.tickets = map[Key]*memTicket{}
	s.byOI = map[OIKey]Key{}
	s.journal = map[InboundRef]*Inbound{}
	s.unresolved = map[InboundRef]*Inbound{}
	s.quarantined = map[InboundRef]*Inbound{}
	s.deliveries = map[string]*memDelivery{}
	s.active = map[string]*memDelivery{}
	s.lanes = map[Lane][]*memDelivery{}
	s.sequences = map[string]int64{}
}

func (s *MemStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Create implements [Tickets.Create].
func (s *MemStore) Create(ctx context.Context, role codes.Role, t *ticket.Ticket, fx Effects) (*ticket.Ticket, error) {
	key, ds, err := PrepareCreate(ctx, role, t, fx)
	if err != nil {
		return nil, err
	}
	stored := t.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if e, ok := s.tickets[key]; ok {
		return nil, &DuplicateError{Key: key, Existing: e.t.Clone()}
	}
	oik, hasOI := OIKeyOf(role, stored)
	if hasOI {
		if other, ok := s.byOI[oik]; ok {
			return nil, &DuplicateError{Key: key, OIKey: oik, Existing: s.tickets[other].t.Clone()}
		}
	}
	if err := s.checkOutcomesLocked(fx.Outcomes); err != nil {
		return nil, err
	}
	s.tickets[key] = &memTicket{lock: make(chan struct{}, 1), t: stored, role: role}
	if hasOI {
		s.byOI[oik] = key
	}
	s.commitLocked(ds, fx.Outcomes)
	return stored.Clone(), nil
}

// Update implements [Tickets.Update]. Waiting for the ticket's lock ends
// with ctx; when ctx is done after fn ran, nothing is committed.
func (s *MemStore) Update(ctx context.Context, key Key, fn UpdateFunc) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := key.Check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.initLocked()
	e := s.tickets[key]
	s.mu.Unlock()
	if e == nil {
		return nil, fmt.Errorf("sav: ticket %v: %w", key, ErrNotFound)
	}
	select {
	case e.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.lock }()

	// Holding e.lock, nobody else replaces e.t.
	cur := e.t
	work := cur.Clone()
	fx, err := fn(work)
	if err != nil {
		return nil, err
	}
	if err := CheckUpdate(key, cur, work); err != nil {
		return nil, err
	}
	ds, err := PrepareEffects(key, fx)
	if err != nil {
		return nil, err
	}
	stored := work.Clone()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	oik, hasOI := OIKeyOf(key.Role, stored)
	oldOIK, hadOI := OIKeyOf(key.Role, cur)
	newOI := hasOI && (!hadOI || oik != oldOIK)
	if newOI {
		if other, ok := s.byOI[oik]; ok && other != key {
			return nil, &DuplicateError{Key: key, OIKey: oik, Existing: s.tickets[other].t.Clone()}
		}
	}
	if err := s.checkOutcomesLocked(fx.Outcomes); err != nil {
		return nil, err
	}
	e.t = stored
	if newOI {
		if hadOI {
			delete(s.byOI, oldOIK)
		}
		s.byOI[oik] = key
	}
	s.commitLocked(ds, fx.Outcomes)
	return stored.Clone(), nil
}

// Get implements [Tickets.Get].
func (s *MemStore) Get(ctx context.Context, key Key) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.initLocked()
	e := s.tickets[key]
	var t *ticket.Ticket
	if e != nil {
		t = e.t
	}
	s.mu.Unlock()
	if t == nil {
		return nil, fmt.Errorf("sav: ticket %v: %w", key, ErrNotFound)
	}
	return t.Clone(), nil
}

// GetByOI implements [Tickets.GetByOI].
func (s *MemStore) GetByOI(ctx context.Context, key OIKey) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.initLocked()
	var t *ticket.Ticket
	if k, ok := s.byOI[key]; ok {
		t = s.tickets[k].t
	}
	s.mu.Unlock()
	if t == nil {
		return nil, fmt.Errorf("sav: ticket with OI key %v: %w", key, ErrNotFound)
	}
	return t.Clone(), nil
}

// List implements [Tickets.List].
func (s *MemStore) List(ctx context.Context, q Query) ([]*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !q.Role.Valid() {
		return nil, &KeyError{Field: "Role", Reason: "a query must name our role, OI or OC", err: ErrInvalidKey}
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, fmt.Errorf("sav: list: negative offset or limit: %w", ErrInvalid)
	}
	var sel []*ticket.Ticket
	s.mu.Lock()
	s.initLocked()
	for k, e := range s.tickets {
		t := e.t
		if k.Role != q.Role || (q.CodeOC != "" && t.CodeOC != q.CodeOC) ||
			(q.CodeOI != "" && t.CodeOI != q.CodeOI) || (q.Open && t.State.Terminal()) {
			continue
		}
		sel = append(sel, t)
	}
	s.mu.Unlock()
	slices.SortFunc(sel, CompareListOrder)
	var out []*ticket.Ticket
	skip := q.Offset
	for _, t := range sel {
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
		c := t.Clone()
		if q.Match != nil && !q.Match(c) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// CompareListOrder compares two tickets in the order of [Tickets.List]:
// CodeOI, ReferenceSigSAVOI, CodeOC, ReferenceSigSAVRaccoOC.
func CompareListOrder(a, b *ticket.Ticket) int {
	return cmp.Or(
		cmp.Compare(a.CodeOI, b.CodeOI),
		cmp.Compare(a.ReferenceSigSAVOI, b.ReferenceSigSAVOI),
		cmp.Compare(a.CodeOC, b.CodeOC),
		cmp.Compare(a.ReferenceSigSAVRaccoOC, b.ReferenceSigSAVRaccoOC),
	)
}

// checkOutcomesLocked reports why the outcomes cannot be recorded.
func (s *MemStore) checkOutcomesLocked(rs []Resolution) error {
	for i, r := range rs {
		if err := CheckResolution(r); err != nil {
			return err
		}
		in, ok := s.journal[r.Ref]
		switch {
		case !ok:
			return fmt.Errorf("sav: inbound %v: %w", r.Ref, ErrNotFound)
		case in.Outcome != nil:
			return fmt.Errorf("sav: inbound %v is %v: %w", r.Ref, in.Outcome.Disposition, ErrResolved)
		}
		for _, p := range rs[:i] {
			if p.Ref == r.Ref {
				return fmt.Errorf("sav: inbound %v resolved twice in one commit: %w", r.Ref, ErrResolved)
			}
		}
	}
	return nil
}

// commitLocked records checked outcomes and enqueues checked deliveries.
func (s *MemStore) commitLocked(ds []*Delivery, rs []Resolution) {
	for _, r := range rs {
		s.resolveLocked(r)
	}
	if len(ds) == 0 {
		return
	}
	now := s.now()
	for _, d := range ds {
		s.enqueueLocked(d, now)
	}
	s.subs.Notify()
}

func (s *MemStore) resolveLocked(r Resolution) {
	in := s.journal[r.Ref]
	o := r.Outcome
	o.Response = slices.Clone(o.Response)
	in.Outcome = &o
	delete(s.unresolved, r.Ref)
	if o.Disposition == DispositionQuarantined {
		s.quarantined[r.Ref] = in
	} else {
		s.processedLocked(r.Ref)
	}
}

func (s *MemStore) enqueueLocked(d *Delivery, now time.Time) {
	s.dseq++
	d.ID = rand.Text()
	d.Seq = s.dseq
	d.Status = DeliveryPending
	d.EnqueuedAt = now
	d.Attempts = 0
	d.LastAttemptAt, d.LastError, d.LeaseUntil, d.DeliveredAt, d.Reason = time.Time{}, "", time.Time{}, time.Time{}, ""
	d.ClaimToken = ""
	if d.IdempotencyKey == "" {
		d.IdempotencyKey = d.ID
	}
	m := &memDelivery{d: *d}
	s.deliveries[d.ID] = m
	s.active[d.ID] = m
	front := true
	for _, l := range d.Lanes() {
		q := s.lanes[l]
		front = front && len(q) == 0
		s.lanes[l] = append(q, m)
	}
	if front {
		m.front = true
		s.scheduleLocked(m, d.NextAttempt)
	}
}

// scheduleLocked makes at the time m becomes ready, dropping its earlier
// schedule.
func (s *MemStore) scheduleLocked(m *memDelivery, at time.Time) {
	m.gen++
	heap.Push(&s.schedule, slot{at: at, seq: m.d.Seq, gen: m.gen, m: m})
}

// unscheduleLocked drops m's schedule.
func (s *MemStore) unscheduleLocked(m *memDelivery) { m.gen++ }

// finishLocked removes a delivery that became final from its lanes, and
// schedules the deliveries that became first of all their lanes.
func (s *MemStore) finishLocked(m *memDelivery) {
	s.unscheduleLocked(m)
	m.front = false
	delete(s.active, m.d.ID)
	promoted := false
	for _, l := range m.d.Lanes() {
		q := s.lanes[l]
		i := slices.Index(q, m)
		if i < 0 {
			continue
		}
		q = slices.Delete(q, i, i+1)
		if len(q) == 0 {
			delete(s.lanes, l)
			continue
		}
		s.lanes[l] = q
		if i == 0 {
			h := q[0]
			if !h.front && s.isFrontLocked(h) {
				h.front = true
				if h.d.Status == DeliveryPending {
					s.scheduleLocked(h, h.d.NextAttempt)
					promoted = true
				}
			}
		}
	}
	if promoted {
		s.subs.Notify()
	}
}

func (s *MemStore) isFrontLocked(m *memDelivery) bool {
	for _, l := range m.d.Lanes() {
		if q := s.lanes[l]; len(q) == 0 || q[0] != m {
			return false
		}
	}
	return true
}

// Commit implements [Outbox.Commit].
func (s *MemStore) Commit(ctx context.Context, fx Effects) ([]*Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ds, err := PrepareEffects(Key{}, fx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if err := s.checkOutcomesLocked(fx.Outcomes); err != nil {
		return nil, err
	}
	s.commitLocked(ds, fx.Outcomes)
	out := make([]*Delivery, len(ds))
	for i, d := range ds {
		out[i] = s.deliveries[d.ID].d.Clone()
	}
	return out, nil
}

// Claim implements [Outbox.Claim].
func (s *MemStore) Claim(ctx context.Context, req ClaimRequest) (Claimed, error) {
	if err := ctx.Err(); err != nil {
		return Claimed{}, err
	}
	if req.Limit < 1 || req.Lease <= 0 {
		return Claimed{}, fmt.Errorf("sav: claim: limit %d and lease %v must be positive: %w", req.Limit, req.Lease,
			ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	var c Claimed
	for s.schedule.Len() > 0 {
		top := s.schedule[0]
		m := top.m
		if top.gen != m.gen || !m.front || (m.d.Status != DeliveryPending && m.d.Status != DeliveryInFlight) {
			heap.Pop(&s.schedule)
			continue
		}
		if top.at.After(req.Now) || len(c.Deliveries) == req.Limit {
			c.NextDue = top.at
			break
		}
		heap.Pop(&s.schedule)
		m.d.Status = DeliveryInFlight
		m.d.Attempts++
		m.d.LeaseUntil = req.Now.Add(req.Lease)
		m.d.ClaimToken = rand.Text()
		s.scheduleLocked(m, m.d.LeaseUntil)
		c.Deliveries = append(c.Deliveries, m.d.Clone())
	}
	return c, nil
}

func (s *MemStore) deliveryLocked(id string) (*memDelivery, error) {
	m, ok := s.deliveries[id]
	if !ok {
		return nil, fmt.Errorf("sav: delivery %q: %w", id, ErrNotFound)
	}
	return m, nil
}

// withDelivery runs fn on delivery id under the store's lock.
func (s *MemStore) withDelivery(ctx context.Context, id string, fn func(m *memDelivery) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	m, err := s.deliveryLocked(id)
	if err != nil {
		return err
	}
	return fn(m)
}

// Delivered implements [Outbox.Delivered]. A delivery that is pending or
// stuck (its lease ended while the attempt went on) is delivered too: it
// did arrive.
func (s *MemStore) Delivered(ctx context.Context, id string, at time.Time) error {
	return s.withDelivery(ctx, id, func(m *memDelivery) error {
		switch m.d.Status {
		case DeliveryDelivered:
			return nil
		case DeliveryAbandoned:
			return fmt.Errorf("sav: delivery %q is abandoned: %w", id, ErrDeliveryState)
		}
		m.d.Status = DeliveryDelivered
		m.d.DeliveredAt = at
		m.d.LeaseUntil, m.d.ClaimToken = time.Time{}, ""
		s.finishLocked(m)
		return nil
	})
}

// Failed implements [Outbox.Failed].
func (s *MemStore) Failed(ctx context.Context, id string, f Failure) error {
	return s.withDelivery(ctx, id, func(m *memDelivery) error {
		if m.d.Status != DeliveryInFlight {
			return fmt.Errorf("sav: delivery %q is %v, not in flight: %w", id, m.d.Status, ErrDeliveryState)
		}
		if f.ClaimToken != "" && f.ClaimToken != m.d.ClaimToken {
			return fmt.Errorf("sav: delivery %q: %w", id, ErrLeaseLost)
		}
		m.d.LastAttemptAt = f.At
		m.d.LastError = f.Err
		m.d.LeaseUntil, m.d.ClaimToken = time.Time{}, ""
		if f.Park {
			m.d.Status = DeliveryStuck
			m.d.Reason = f.Reason
			m.d.NextAttempt = time.Time{}
			s.unscheduleLocked(m)
			return nil
		}
		m.d.Status = DeliveryPending
		m.d.NextAttempt = f.Next
		s.scheduleLocked(m, f.Next)
		return nil
	})
}

// Retry implements [Outbox.Retry].
func (s *MemStore) Retry(ctx context.Context, id string, at time.Time) error {
	return s.withDelivery(ctx, id, func(m *memDelivery) error {
		if m.d.Status != DeliveryStuck {
			return fmt.Errorf("sav: delivery %q is %v, not stuck: %w", id, m.d.Status, ErrDeliveryState)
		}
		m.d.Status = DeliveryPending
		m.d.Attempts = 0
		m.d.Reason = ""
		m.d.NextAttempt = at
		s.scheduleLocked(m, at)
		s.subs.Notify()
		return nil
	})
}

// Abandon implements [Outbox.Abandon].
func (s *MemStore) Abandon(ctx context.Context, id string, reason string) error {
	return s.withDelivery(ctx, id, func(m *memDelivery) error {
		if m.d.Status != DeliveryPending && m.d.Status != DeliveryStuck {
			return fmt.Errorf("sav: delivery %q is %v: only a pending or stuck delivery can be abandoned: %w", id,
				m.d.Status, ErrDeliveryState)
		}
		m.d.Status = DeliveryAbandoned
		m.d.Reason = reason
		s.finishLocked(m)
		return nil
	})
}

// Delivery implements [Outbox.Delivery].
func (s *MemStore) Delivery(ctx context.Context, id string) (*Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	m, err := s.deliveryLocked(id)
	if err != nil {
		return nil, err
	}
	return m.d.Clone(), nil
}

// Pending implements [Outbox.Pending].
func (s *MemStore) Pending(ctx context.Context) ([]*Delivery, error) {
	return s.listActive(ctx, func(st DeliveryStatus) bool {
		return st == DeliveryPending || st == DeliveryInFlight
	})
}

// Stuck implements [Outbox.Stuck].
func (s *MemStore) Stuck(ctx context.Context) ([]*Delivery, error) {
	return s.listActive(ctx, func(st DeliveryStatus) bool { return st == DeliveryStuck })
}

func (s *MemStore) listActive(ctx context.Context, keep func(DeliveryStatus) bool) ([]*Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.initLocked()
	var out []*Delivery
	for _, m := range s.active {
		if keep(m.d.Status) {
			out = append(out, m.d.Clone())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b *Delivery) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// Prune forgets the deliveries delivered before before and the journal
// entries processed before before, so that a long-running program (a
// sandbox) holds bounded memory; it returns how many of each it forgot.
// Pending, stuck and abandoned deliveries, and unresolved and quarantined
// entries, are kept: they wait for work or for a person. A message whose
// entry was forgotten is no longer recognised as a duplicate, so choose
// before well behind the time partners may resend within (days).
func (s *MemStore) Prune(before time.Time) (deliveries, entries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	for id, m := range s.deliveries {
		if m.d.Status == DeliveryDelivered && m.d.DeliveredAt.Before(before) {
			delete(s.deliveries, id)
			deliveries++
		}
	}
	entries = s.forgetLocked(Retention{Before: before, Keep: -1})
	return deliveries, entries
}

// Forget implements [Journal.Forget].
func (s *MemStore) Forget(ctx context.Context, r Retention) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	return s.forgetLocked(r), nil
}

// forgetLocked deletes the processed entries r lets go, oldest processed
// first. Entries are processed in about the order of their outcome's time,
// so it stops at the first one r keeps.
func (s *MemStore) forgetLocked(r Retention) int {
	n := 0
	for s.processedHead < len(s.processed) {
		ref := s.processed[s.processedHead]
		in, ok := s.journal[ref]
		if ok && in.Outcome != nil && in.Outcome.Disposition == DispositionProcessed {
			old := !r.Before.IsZero() && in.Outcome.At.Before(r.Before)
			over := r.Keep >= 0 && s.nprocessed > r.Keep
			if !old && !over {
				break
			}
			delete(s.journal, ref)
			s.nprocessed--
			n++
		}
		s.processed[s.processedHead] = InboundRef{}
		s.processedHead++
	}
	if s.processedHead > 1024 && s.processedHead > len(s.processed)/2 {
		s.processed = slices.Clone(s.processed[s.processedHead:])
		s.processedHead = 0
	}
	return n
}

// processedLocked notes that the entry ref was processed.
func (s *MemStore) processedLocked(ref InboundRef) {
	s.processed = append(s.processed, ref)
	s.nprocessed++
}

// NextSequence implements [Sequences].
func (s *MemStore) NextSequence(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if name == "" {
		return 0, fmt.Errorf("sav: sequence without a name: %w", ErrInvalidKey)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	s.sequences[name]++
	return s.sequences[name], nil
}

// Subscribe implements [Notifier].
func (s *MemStore) Subscribe() (<-chan struct{}, func()) { return s.subs.Subscribe() }

// Record implements [Journal.Record].
func (s *MemStore) Record(ctx context.Context, in *Inbound) (*Inbound, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	if in == nil {
		return nil, false, fmt.Errorf("sav: record: nil message: %w", ErrInvalid)
	}
	ref := in.Ref()
	if err := ref.Check(); err != nil {
		return nil, false, err
	}
	if in.Outcome != nil {
		if err := CheckResolution(Resolution{Ref: ref, Outcome: *in.Outcome}); err != nil {
			return nil, false, err
		}
	}
	c := in.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if prev, ok := s.journal[ref]; ok {
		return prev.Clone(), true, nil
	}
	s.jseq++
	c.Seq = s.jseq
	s.journal[ref] = c
	switch {
	case c.Outcome == nil:
		s.unresolved[ref] = c
	case c.Outcome.Disposition == DispositionQuarantined:
		s.quarantined[ref] = c
	default:
		s.processedLocked(ref)
	}
	return c.Clone(), false, nil
}

// Resolve implements [Journal.Resolve].
func (s *MemStore) Resolve(ctx context.Context, r Resolution) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	rs := []Resolution{r}
	if err := s.checkOutcomesLocked(rs); err != nil {
		return err
	}
	s.commitLocked(nil, rs)
	return nil
}

// Inbound implements [Journal.Inbound].
func (s *MemStore) Inbound(ctx context.Context, ref InboundRef) (*Inbound, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	in, ok := s.journal[ref]
	if !ok {
		return nil, fmt.Errorf("sav: inbound %v: %w", ref, ErrNotFound)
	}
	return in.Clone(), nil
}

// Unresolved implements [Journal.Unresolved].
func (s *MemStore) Unresolved(ctx context.Context) ([]*Inbound, error) {
	return s.listInbound(ctx, func(s *MemStore) map[InboundRef]*Inbound { return s.unresolved })
}

// Quarantined implements [Journal.Quarantined].
func (s *MemStore) Quarantined(ctx context.Context) ([]*Inbound, error) {
	return s.listInbound(ctx, func(s *MemStore) map[InboundRef]*Inbound { return s.quarantined })
}

func (s *MemStore) listInbound(ctx context.Context, set func(*MemStore) map[InboundRef]*Inbound) ([]*Inbound, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.initLocked()
	var out []*Inbound
	for _, in := range set(s) {
		out = append(out, in.Clone())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b *Inbound) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// slot is a schedule entry: m becomes ready at at. Entries whose gen is not
// m's are stale and skipped.
type slot struct {
	at  time.Time
	seq int64
	gen int
	m   *memDelivery
}

// schedule is a min-heap of slots by time, then Seq.
type schedule []slot

func (h schedule) Len() int { return len(h) }
func (h schedule) Less(i, j int) bool {
	if c := h[i].at.Compare(h[j].at); c != 0 {
		return c < 0
	}
	return h[i].seq < h[j].seq
}
func (h schedule) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *schedule) Push(x any)   { *h = append(*h, x.(slot)) }
func (h *schedule) Pop() any {
	old := *h
	n := len(old) - 1
	x := old[n]
	old[n] = slot{}
	*h = old[:n]
	return x
}
