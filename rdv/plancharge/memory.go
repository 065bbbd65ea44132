package plancharge

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

// MemConfig configures a [MemPlanning].
type MemConfig struct {
	// Technicians names the technicians; each works every opening slot.
	// At least one is required.
	Technicians []string
	// Policy gives the opening days and hours and the lead time of the
	// slots offered; nil means rdv.DefaultPolicy().
	Policy *rdv.Policy
	// SlotLength is the length of a slot; zero means 2 h. It must fit the
	// policy's minimum and maximum lengths.
	SlotLength time.Duration
	// Step is the time between the starts of two successive slots of a
	// technician; zero means SlotLength. A Step shorter than SlotLength
	// offers overlapping slots, of which a technician can take one.
	Step time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxSearchDays caps the window of a search (fault 4 beyond); zero
	// means 62.
	MaxSearchDays int
	// MaxResults caps the slots one search returns, earliest first; zero
	// means 500.
	MaxResults int
	// MaxOffers caps the slot ids remembered at once (fault 7 beyond); zero
	// means 100000.
	MaxOffers int
}

// MemPlanning is an in-memory [Planning]: technicians × opening hours ×
// slot length. A slot id names a technician and a time range; booking is
// race-free: of concurrent bookings of one slot (or of overlapping slots of
// one technician) exactly one wins, the others get fault 101. Appointments
// are visible to the OC that booked them only. Safe for concurrent use.
type MemPlanning struct {
	cfg    MemConfig
	policy rdv.Policy

	mu       sync.Mutex
	offers   map[string]*offer                // slot id → what the search that returned it said
	bookings map[string]*booking              // appointment id → booking
	byTech   map[string]map[*booking]struct{} // technician → its bookings
	seq      int
}

type offer struct {
	tech             string
	slot             rdv.Slot
	typeIntervention TypeIntervention
	preloc           codes.PrelocDefaut
	commercialID     string
}

type booking struct {
	id      string
	sirenOC string
	offer   offer
	insee   string
	nature  NatureProduit
	segment SegmentMarche
	statut  StatutRendezVous
}

var _ Planning = (*MemPlanning)(nil)

// NewMemPlanning returns an empty planning.
func NewMemPlanning(cfg MemConfig) (*MemPlanning, error) {
	if len(cfg.Technicians) == 0 {
		return nil, errors.New("plancharge: MemConfig.Technicians is empty")
	}
	if i := slices.IndexFunc(cfg.Technicians, func(s string) bool { return s == "" }); i >= 0 {
		return nil, fmt.Errorf("plancharge: technician %d has no name", i+1)
	}
	p := rdv.DefaultPolicy()
	if cfg.Policy != nil {
		p = *cfg.Policy
	}
	if cfg.SlotLength == 0 {
		cfg.SlotLength = 2 * time.Hour
	}
	if cfg.SlotLength < time.Minute || (p.MinLength > 0 && cfg.SlotLength < p.MinLength) ||
		(p.MaxLength > 0 && cfg.SlotLength > p.MaxLength) {
		return nil, fmt.Errorf("plancharge: slot length %v outside the policy's bounds", cfg.SlotLength)
	}
	if cfg.Step == 0 {
		cfg.Step = cfg.SlotLength
	}
	if cfg.Step < time.Minute {
		return nil, fmt.Errorf("plancharge: step %v shorter than a minute", cfg.Step)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxSearchDays <= 0 {
		cfg.MaxSearchDays = 62
	}
	if cfg.MaxResults <= 0 {
		cfg.MaxResults = 500
	}
	if cfg.MaxOffers <= 0 {
		cfg.MaxOffers = 100000
	}
	cfg.Technicians = slices.Clone(cfg.Technicians)
	return &MemPlanning{cfg: cfg, policy: p, offers: map[string]*offer{}, bookings: map[string]*booking{},
		byTech: map[string]map[*booking]struct{}{}}, nil
}

func slotID(tech string, s rdv.Slot) string {
	return tech + "-" + s.Debut.UTC().Format("20060102T1504Z") + "-" + s.Fin.UTC().Format("1504Z")
}

// candidates returns the slots of the opening hours that lie within
// [from, to] and pass the policy at now, earliest first.
func (m *MemPlanning) candidates(from, to, now time.Time) []rdv.Slot {
	loc := m.policy.Location
	if loc == nil {
		loc = ticket.Paris
	}
	open, closing := m.policy.Open, m.policy.Close
	if closing <= 0 {
		open, closing = 0, 24*time.Hour
	}
	var out []rdv.Slot
	f := from.In(loc)
	for day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); !day.After(to); day = day.AddDate(0, 0, 1) {
		if !m.policy.OpenOn(day.Weekday()) {
			continue
		}
		for off := open; off+m.cfg.SlotLength <= closing; off += m.cfg.Step {
			start := time.Date(day.Year(), day.Month(), day.Day(), int(off/time.Hour), int(off%time.Hour/time.Minute),
				0, 0, loc)
			s := rdv.Slot{Debut: start, Fin: start.Add(m.cfg.SlotLength)}
			if s.Debut.Before(from) || s.Fin.After(to) {
				continue
			}
			if m.policy.CheckSlot(s, now) != nil {
				continue
			}
			out = append(out, s)
		}
	}
	return out
}

// busy reports whether tech has a booking overlapping s, other than except.
func (m *MemPlanning) busy(tech string, s rdv.Slot, except *booking) bool {
	for b := range m.byTech[tech] {
		if b != except && rdv.Overlap(b.offer.slot, s) {
			return true
		}
	}
	return false
}

// prune forgets the offers whose start has passed.
func (m *MemPlanning) prune(now time.Time) {
	for id, o := range m.offers {
		if !o.slot.Debut.After(now) {
			delete(m.offers, id)
		}
	}
}

// Search implements [Planning]: the free slots of every technician within
// the request's window, earliest first, at most MaxResults.
func (m *MemPlanning) Search(ctx context.Context, r SearchRequest) ([]Creneau, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.DateFin.Sub(r.DateDebut) > time.Duration(m.cfg.MaxSearchDays)*24*time.Hour {
		return nil, Faultf(codes.ReturnCodeSearchCriteria, "", "window longer than %d days", m.cfg.MaxSearchDays)
	}
	now := m.cfg.Now()
	cands := m.candidates(r.DateDebut, r.DateFin, now)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prune(now)
	out := []Creneau{}
	for _, s := range cands {
		for _, tech := range m.cfg.Technicians {
			if len(out) == m.cfg.MaxResults {
				break
			}
			if m.busy(tech, s, nil) {
				continue
			}
			id := slotID(tech, s)
			if _, known := m.offers[id]; !known && len(m.offers) >= m.cfg.MaxOffers {
				return nil, Faultf(codes.ReturnCodeSaturation, "", "too many slots offered at once")
			}
			m.offers[id] = &offer{tech: tech, slot: s, typeIntervention: r.TypeIntervention,
				preloc: r.DefectPrelocalization, commercialID: r.CommercialId}
			out = append(out, Creneau{Slot: s, IdOI: id})
		}
	}
	return out, nil
}

// take returns the offer id if it can be booked now by except's owner.
func (m *MemPlanning) take(id string, now time.Time, except *booking) (*offer, error) {
	o, ok := m.offers[id]
	switch {
	case !ok:
		return nil, Faultf(codes.ReturnCodeRdvNonDisponible, "idCreneau", "slot %q unknown", id)
	case !o.slot.Debut.After(now):
		delete(m.offers, id)
		return nil, Faultf(codes.ReturnCodeRdvNonDisponible, "idCreneau", "slot %q has started", id)
	case m.busy(o.tech, o.slot, except):
		return nil, Faultf(codes.ReturnCodeRdvNonDisponible, "idCreneau", "slot %q is taken", id)
	}
	return o, nil
}

func (m *MemPlanning) newID() string {
	m.seq++
	return fmt.Sprintf("RDV%08d", m.seq)
}

// Book implements [Planning].
func (m *MemPlanning) Book(ctx context.Context, r BookRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now := m.cfg.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	o, err := m.take(r.IdCreneau, now, nil)
	if err != nil {
		return "", err
	}
	b := &booking{id: m.newID(), sirenOC: r.SirenOC, offer: *o, insee: r.CodeInsee, nature: r.NatureProduit,
		segment: r.SegmentMarche, statut: StatutRendezVousCree}
	m.add(b)
	return b.id, nil
}

func (m *MemPlanning) add(b *booking) {
	m.bookings[b.id] = b
	set := m.byTech[b.offer.tech]
	if set == nil {
		set = map[*booking]struct{}{}
		m.byTech[b.offer.tech] = set
	}
	set[b] = struct{}{}
}

func (m *MemPlanning) remove(b *booking) {
	delete(m.bookings, b.id)
	delete(m.byTech[b.offer.tech], b)
}

// lookup returns the caller's booking id.
func (m *MemPlanning) lookup(id, sirenOC string) (*booking, error) {
	b, ok := m.bookings[id]
	if !ok || (sirenOC != "" && b.sirenOC != "" && b.sirenOC != sirenOC) {
		return nil, Faultf(codes.ReturnCodeUnknown, "idRendezVous", "%q", id)
	}
	return b, nil
}

// Consult implements [Planning].
func (m *MemPlanning) Consult(ctx context.Context, r ConsultRequest) (Rendezvous, error) {
	if err := ctx.Err(); err != nil {
		return Rendezvous{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.lookup(r.IdRendezVous, r.SirenOC)
	if err != nil {
		return Rendezvous{}, err
	}
	return Rendezvous{IdRendezVous: b.id, Slot: b.offer.slot, CodeInsee: b.insee,
		TypeIntervention: b.offer.typeIntervention, NatureProduit: b.nature, SegmentMarche: b.segment,
		StatutRendezVous: b.statut, ReferencePrestationPrise: b.offer.commercialID}, nil
}

// Report implements [Planning].
func (m *MemPlanning) Report(ctx context.Context, r ReportRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now := m.cfg.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.lookup(r.IdRendezvous, r.SirenOC)
	if err != nil {
		return "", Faultf(codes.ReturnCodeUnknown, "idRendezvous", "%q", r.IdRendezvous)
	}
	switch {
	case r.NatureReport == NatureReportReserve && b.statut != StatutRendezVousCree,
		r.NatureReport == NatureReportConfirme && b.statut != StatutRendezVousConfirme:
		return "", Faultf(codes.ReturnCodeUnexpected, "natureReport", "appointment %s is %s", b.id, b.statut)
	}
	o, err := m.take(r.IdCreneau, now, b)
	if err != nil {
		return "", err
	}
	moved := *o
	moved.typeIntervention = r.TypeIntervention
	if moved.commercialID == "" {
		moved.commercialID = b.offer.commercialID
	}
	if r.NatureReport == NatureReportNouveau {
		nb := &booking{id: m.newID(), sirenOC: b.sirenOC, offer: moved, insee: r.CodeInsee, nature: r.NatureProduit,
			segment: r.SegmentMarche, statut: StatutRendezVousCree}
		m.remove(b)
		m.add(nb)
		return nb.id, nil
	}
	m.remove(b)
	b.offer, b.insee, b.nature, b.segment, b.statut = moved, r.CodeInsee, r.NatureProduit, r.SegmentMarche,
		StatutRendezVousCree
	m.add(b)
	return "", nil
}

// Confirm marks an appointment CONFIRME: the OI confirmed the ticket's
// appointment (CONFIRMATION RDV). An unknown id is fault 8.
func (m *MemPlanning) Confirm(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.lookup(id, "")
	if err != nil {
		return err
	}
	b.statut = StatutRendezVousConfirme
	return nil
}

// Cancel frees an appointment's slot and forgets it. An unknown id is fault
// 8.
func (m *MemPlanning) Cancel(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := m.lookup(id, "")
	if err != nil {
		return err
	}
	m.remove(b)
	return nil
}

// Appointments returns the appointments booked, ordered by start then
// technician; for tests and tools.
func (m *MemPlanning) Appointments() []Rendezvous {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Rendezvous, 0, len(m.bookings))
	for _, b := range m.bookings {
		out = append(out, Rendezvous{IdRendezVous: b.id, Slot: b.offer.slot, CodeInsee: b.insee,
			TypeIntervention: b.offer.typeIntervention, NatureProduit: b.nature, SegmentMarche: b.segment,
			StatutRendezVous: b.statut, ReferencePrestationPrise: b.offer.commercialID})
	}
	slices.SortFunc(out, func(a, b Rendezvous) int {
		return cmp.Or(a.Debut.Compare(b.Debut), cmp.Compare(a.IdRendezVous, b.IdRendezVous))
	})
	return out
}

// Technician returns the technician of a booked appointment.
func (m *MemPlanning) Technician(id string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.bookings[id]
	if !ok {
		return "", false
	}
	return b.offer.tech, true
}

// Offer is what a [MemPlanning] remembers of a slot id a search returned.
type Offer struct {
	Technician            string
	Slot                  rdv.Slot
	TypeIntervention      TypeIntervention
	DefectPrelocalization codes.PrelocDefaut
}

// Offered returns what the search that returned slot id said, while the id
// is bookable.
func (m *MemPlanning) Offered(id string) (Offer, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.offers[id]
	if !ok {
		return Offer{}, false
	}
	return Offer{Technician: o.tech, Slot: o.slot, TypeIntervention: o.typeIntervention,
		DefectPrelocalization: o.preloc}, true
}
