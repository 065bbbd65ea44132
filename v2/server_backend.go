package v2

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// ErrNotFound is what a [Store] returns for a ticket it does not hold. The
// servers answer it with return code 8 (objectNotFoundException), exactly as
// they answer a ticket of another operator.
var ErrNotFound = errors.New("v2: no such ticket")

// Refusal is an error a backend returns to refuse a request with a
// harmonised return code: the AR KO of a create (9 HORS PARC OC, …), a
// duplicate create (100, with the existing ticket's id in Key), an operator
// rule. The servers answer it as a fault carrying Code, Field and Key;
// Reason goes in the faultstring.
type Refusal struct {
	Code   codes.ReturnCode
	Field  string // element or field the refusal is about, may be empty
	Reason string // explanation for the partner, may be empty
	Key    string // the existing ticket's OI id for a duplicate (100)
}

func (e *Refusal) Error() string {
	s := "v2: refused: " + strings.TrimSpace(itoa(int(e.Code))+" "+e.Code.Message(e.Field))
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Key != "" {
		s += " [existing ticket " + e.Key + "]"
	}
	return s
}

// Store keeps tickets by the OI that owns them and their id there. The OC's
// server needs only a Store (its copies of the tickets it filed); the OI's
// needs a [TicketSystem]. Implementations must be safe for concurrent use.
type Store interface {
	// Ticket returns a copy of the ticket codeOI knows as id, or an error
	// wrapping ErrNotFound.
	Ticket(ctx context.Context, codeOI, id string) (*ticket.Ticket, error)
	// Update changes a ticket atomically: it calls apply with a copy of the
	// ticket and, when apply returns nil, stores the copy and returns it;
	// otherwise it stores nothing and returns apply's error. An unknown
	// ticket is an error wrapping ErrNotFound.
	Update(ctx context.Context, codeOI, id string, apply func(*ticket.Ticket) error) (*ticket.Ticket, error)
}

// TicketSystem is the OI's trouble ticket system as its protocol 2.0 server
// sees it. The server does everything protocol-level (envelope, schema and
// requirement checks, the lifecycle, versions, tenant isolation); the system
// stores, numbers and finds tickets.
type TicketSystem interface {
	Store
	// Create files a deposit. submitted is a ticket in state SUBMITTED:
	// the Create transaction applied, the filing checked, its CodeOC the
	// authenticated caller's. The system refuses a duplicate (same CodeOC and
	// ReferenceSigSAVRaccoOC) with a *Refusal of code 100 carrying the
	// existing id in Key, may refuse the deposit with another *Refusal (AR
	// KO), or else assigns the OI id and the receipt time, applies the AR OK
	// (ticket.KindAcknowledge from the OI) and stores and returns the
	// ticket, QUEUED at version 0.
	Create(ctx context.Context, submitted *ticket.Ticket) (*ticket.Ticket, error)
	// Search returns the tickets matching f ordered by id, skipping the
	// first offset of them and returning at most limit, and whether more
	// follow.
	Search(ctx context.Context, f *Filter, offset, limit int) (tickets []*ticket.Ticket, more bool, err error)
}

// Filter selects tickets: every non-empty field must match. The OI's server
// always sets CodeOC (the authenticated OC sees only its own tickets) and
// CodeOI.
type Filter struct {
	CodeOC                   string
	CodeOI                   string
	ReferenceSigSAVOI        string
	ReferenceSigSAVRaccoOC   string
	ReferencePrise           string
	ReferencePrestationPrise string
	TypeSAV                  codes.TypeSAV
	NatureDefaut             codes.NatureDefaut
	PrelocDefaut             codes.PrelocDefaut
	EtatResolution           codes.EtatResolution
	// States, when not empty, lists the states accepted.
	States []ticket.State
}

// OpenStates are the states of an open ticket (queryTroubleTickets with
// QueryAllOpenTroubleTicketsValue).
var OpenStates = []ticket.State{ticket.StateQueued, ticket.StateOpenActive, ticket.StateCancelRequested}

// Match reports whether t matches every criterion of f.
func (f *Filter) Match(t *ticket.Ticket) bool {
	for _, c := range []struct{ want, got string }{
		{f.CodeOC, t.CodeOC}, {f.CodeOI, t.CodeOI}, {f.ReferenceSigSAVOI, t.ReferenceSigSAVOI},
		{f.ReferenceSigSAVRaccoOC, t.ReferenceSigSAVRaccoOC}, {f.ReferencePrise, t.ReferencePrise},
		{f.ReferencePrestationPrise, t.ReferencePrestationPrise}, {string(f.TypeSAV), string(t.TypeSAV)},
		{string(f.NatureDefaut), string(t.NatureDefaut)}, {string(f.PrelocDefaut), string(t.PrelocDefaut)},
		{string(f.EtatResolution), string(t.EtatResolution)},
	} {
		if c.want != "" && c.want != c.got {
			return false
		}
	}
	return len(f.States) == 0 || slices.Contains(f.States, t.State)
}
