package v2

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Memory is an in-memory backend for both roles: as an OI's [TicketSystem]
// it numbers the tickets it receives (IDPrefix followed by eight digits, so
// ids sort in creation order) and dates their receipt with its clock; as an
// OC's [Store] it holds the copies of the tickets the OC filed ([Memory.Put])
// and records what the OI notifies. It is safe for concurrent use; tickets go
// in and out as copies. Tests, examples and `savctl serve` use it.
type Memory struct {
	mu      sync.Mutex
	opts    MemoryOptions
	seq     int
	tickets map[memKey]*ticket.Ticket
	byRef   map[memRef]string // (CodeOC, CodeOI, ReferenceSigSAVRaccoOC) → OI id
}

// MemoryOptions configures [NewMemory].
type MemoryOptions struct {
	// IDPrefix starts the ids the OI assigns; "SAV" when empty.
	IDPrefix string
	// Now dates the receipt of new tickets; nil means time.Now.
	Now func() time.Time
}

type memKey struct{ codeOI, id string }

type memRef struct{ codeOC, codeOI, ref string }

var (
	_ TicketSystem = (*Memory)(nil)
	_ Store        = (*Memory)(nil)
)

// NewMemory returns an empty Memory.
func NewMemory(opts MemoryOptions) *Memory {
	if opts.IDPrefix == "" {
		opts.IDPrefix = "SAV"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Memory{opts: opts, tickets: map[memKey]*ticket.Ticket{}, byRef: map[memRef]string{}}
}

// Create implements [TicketSystem]: it refuses a second ticket with the
// same OC reference (100, with the existing id), else numbers the ticket,
// applies the AR OK at the current time and stores it.
func (m *Memory) Create(ctx context.Context, submitted *ticket.Ticket) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ref := memRef{submitted.CodeOC, submitted.CodeOI, submitted.ReferenceSigSAVRaccoOC}
	if id, dup := m.byRef[ref]; dup {
		return nil, &Refusal{Code: codes.ReturnCodeCannotCreate, Field: "customerTroubleNum",
			Reason: "the OC already filed " + ref.ref, Key: id}
	}
	// Apply works on a deep copy of its ticket, so a shallow copy of the
	// caller's is enough to keep it untouched.
	t := new(ticket.Ticket)
	*t = *submitted
	id := m.opts.IDPrefix + fmt.Sprintf("%08d", m.seq+1)
	if err := t.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: m.opts.Now(),
		ReferenceSigSAVOI: id}); err != nil {
		return nil, err
	}
	m.seq++
	m.tickets[memKey{t.CodeOI, id}] = t
	m.byRef[ref] = id
	return t.Clone(), nil
}

// Put stores a copy of t under its CodeOI and ReferenceSigSAVOI, replacing
// any ticket there: the OC records the tickets it filed once it has the OI's
// id, so the OI's notifications find them.
func (m *Memory) Put(t *ticket.Ticket) error {
	if t.ReferenceSigSAVOI == "" || t.CodeOI == "" {
		return fmt.Errorf("v2: Memory.Put: ticket without OI id or CodeOI")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tickets[memKey{t.CodeOI, t.ReferenceSigSAVOI}] = t.Clone()
	if t.ReferenceSigSAVRaccoOC != "" {
		m.byRef[memRef{t.CodeOC, t.CodeOI, t.ReferenceSigSAVRaccoOC}] = t.ReferenceSigSAVOI
	}
	return nil
}

// Ticket implements [Store].
func (m *Memory) Ticket(ctx context.Context, codeOI, id string) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tickets[memKey{codeOI, id}]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return t.Clone(), nil
}

// Update implements [Store].
func (m *Memory) Update(ctx context.Context, codeOI, id string, apply func(*ticket.Ticket) error) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memKey{codeOI, id}
	t, ok := m.tickets[k]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	c := t.Clone()
	if err := apply(c); err != nil {
		return nil, err
	}
	m.tickets[k] = c
	return c.Clone(), nil
}

// Search implements [TicketSystem].
func (m *Memory) Search(ctx context.Context, f *Filter, offset, limit int) ([]*ticket.Ticket, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	all := m.match(f)
	if offset >= len(all) {
		return []*ticket.Ticket{}, false, nil
	}
	end := min(offset+limit, len(all))
	return all[offset:end], end < len(all), nil
}

// Tickets returns copies of the tickets matching f (every ticket when f is
// nil), ordered by OI code then id.
func (m *Memory) Tickets(f *Filter) []*ticket.Ticket {
	if f == nil {
		f = &Filter{}
	}
	return m.match(f)
}

func (m *Memory) match(f *Filter) []*ticket.Ticket {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*ticket.Ticket
	for _, t := range m.tickets {
		if f.Match(t) {
			out = append(out, t.Clone())
		}
	}
	slices.SortFunc(out, func(a, b *ticket.Ticket) int {
		if c := strings.Compare(a.CodeOI, b.CodeOI); c != 0 {
			return c
		}
		return strings.Compare(a.ReferenceSigSAVOI, b.ReferenceSigSAVOI)
	})
	return out
}

// Len returns the number of tickets held.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tickets)
}
