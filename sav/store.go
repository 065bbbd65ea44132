package sav

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Protocol names the exchange protocol of an inbound message or an outbound
// delivery.
type Protocol string

// Protocols.
const (
	ProtocolV1A Protocol = "v1a" // protocol 1.0a: e-mail + CSV
	ProtocolV2  Protocol = "v2"  // protocol 2.0: JSR-91 over SOAP 1.1
)

// Valid reports whether p is one of the known protocols.
func (p Protocol) Valid() bool { return p == ProtocolV1A || p == ProtocolV2 }

// Key identifies a ticket in a [Store]: our role for the ticket, the OC's
// operator code and the OC's reference (ReferenceSigSAVRaccoOC, unique per
// OC, DOMAIN.md "Identifiers").
//
// Role is the part this program plays for the ticket: [codes.RoleOI] for a
// ticket a partner OC filed with us, [codes.RoleOC] for a ticket we filed
// with a partner OI. One program may serve both roles (and several operator
// codes) from one store, and may even be both ends of one ticket (a sandbox
// OI and OC sharing a store): the role keeps the two copies apart.
type Key struct {
	Role                   codes.Role `json:"role"`
	CodeOC                 string     `json:"codeOC"`
	ReferenceSigSAVRaccoOC string     `json:"referenceSigSAVRaccoOC"`
}

// String returns "ROLE/CODEOC/REFERENCE".
func (k Key) String() string {
	return string(k.Role) + "/" + k.CodeOC + "/" + k.ReferenceSigSAVRaccoOC
}

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k == Key{} }

// Check reports whether k can identify a ticket: a valid role and non-empty
// code and reference. It returns a [*KeyError] otherwise.
func (k Key) Check() error {
	switch {
	case !k.Role.Valid():
		return &KeyError{Key: k, Field: "Role", Reason: "must be OI or OC", err: ErrInvalidKey}
	case strings.TrimSpace(k.CodeOC) == "":
		return &KeyError{Key: k, Field: "CodeOC", Reason: "empty", err: ErrInvalidKey}
	case strings.TrimSpace(k.ReferenceSigSAVRaccoOC) == "":
		return &KeyError{Key: k, Field: "ReferenceSigSAVRaccoOC", Reason: "empty", err: ErrInvalidKey}
	}
	return nil
}

// OIKey is the second identity of a ticket, once the OI acknowledged it: our
// role, the OI's operator code and the OI's reference (ReferenceSigSAVOI).
// Each store keeps it unique among the tickets that have one.
type OIKey struct {
	Role              codes.Role `json:"role"`
	CodeOI            string     `json:"codeOI"`
	ReferenceSigSAVOI string     `json:"referenceSigSAVOI"`
}

// String returns "ROLE/CODEOI/REFERENCE".
func (k OIKey) String() string {
	return string(k.Role) + "/" + k.CodeOI + "/" + k.ReferenceSigSAVOI
}

// KeyOf returns the key of t in a store where we play role.
func KeyOf(role codes.Role, t *ticket.Ticket) Key {
	return Key{Role: role, CodeOC: t.CodeOC, ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC}
}

// OIKeyOf returns the OI key of t in a store where we play role, and false
// when t has no OI reference yet.
func OIKeyOf(role codes.Role, t *ticket.Ticket) (OIKey, bool) {
	if t.ReferenceSigSAVOI == "" {
		return OIKey{}, false
	}
	return OIKey{Role: role, CodeOI: t.CodeOI, ReferenceSigSAVOI: t.ReferenceSigSAVOI}, true
}

// Effects is what a commit writes besides a ticket: outbound deliveries and
// the outcomes of journaled inbound messages. A [Store] commits them with
// the ticket change they go with, all or nothing.
type Effects struct {
	// Deliveries are enqueued in the outbox in this order; the store assigns
	// each its ID, sequence and status. A delivery whose Tickets is empty is
	// tied to the ticket of the commit (none for [Outbox.Commit]).
	Deliveries []Delivery
	// Outcomes record what became of journaled inbound messages, typically
	// the message whose processing made this change. Each must name a
	// pending journal entry, or the whole commit fails with [ErrResolved] or
	// [ErrNotFound].
	Outcomes []Resolution
}

// UpdateFunc changes t, a private copy of the stored ticket (usually with
// [ticket.Ticket.Apply]), and returns what to commit with it. An error
// aborts the update: nothing is written and Update returns the error as is.
//
// It runs while the ticket is locked: keep it short, compose payloads there
// but send nothing (the outbox sends). A store that resolves conflicts
// optimistically may call it again on a fresher copy, so it must have no
// effect other than on t and its results.
type UpdateFunc func(t *ticket.Ticket) (Effects, error)

// Query selects tickets for [Tickets.List].
type Query struct {
	// Role is required: the tickets where we play this role.
	Role codes.Role
	// CodeOC and CodeOI, when set, keep the tickets of that OC or OI.
	CodeOC, CodeOI string
	// Open keeps the tickets whose state is not terminal.
	Open bool
	// Match, when set, keeps the tickets it returns true for (a search
	// template). It sees a private copy and runs before paging; it must not
	// call the store.
	Match func(t *ticket.Ticket) bool
	// Offset skips that many matching tickets; Limit bounds the result (0:
	// no bound).
	Offset, Limit int
}

// Tickets is the ticket part of a [Store].
//
// Tickets go in and come out as private copies: a caller never changes
// stored state through a pointer it passed or received.
type Tickets interface {
	// Create stores t, a new ticket, under the key KeyOf(role, t), and
	// commits fx with it. When the key is taken it writes nothing and returns
	// a [*DuplicateError] holding the stored ticket (errors.Is
	// [ErrDuplicate]); the same when t's OI key belongs to another ticket.
	// It returns the stored copy.
	Create(ctx context.Context, role codes.Role, t *ticket.Ticket, fx Effects) (*ticket.Ticket, error)

	// Update runs fn on a copy of the ticket stored under key and commits
	// the changed ticket with the effects fn returns, all or nothing.
	// Updates of one ticket are serialised: fn always sees the latest
	// committed ticket, and no two fn of one ticket run at once. fn must not
	// call the store: a store with a single writer (sqlitestore) would wait
	// on its own transaction. The key (CodeOC,
	// ReferenceSigSAVRaccoOC) cannot change, nor CodeOI and
	// ReferenceSigSAVOI once set ([*KeyError], [ErrKeyChanged]);
	// setting them takes the OI key, which must be free ([*DuplicateError]).
	// An unknown key is [ErrNotFound]. It returns the committed copy.
	Update(ctx context.Context, key Key, fn UpdateFunc) (*ticket.Ticket, error)

	// Get returns the ticket stored under key, or [ErrNotFound].
	Get(ctx context.Context, key Key) (*ticket.Ticket, error)

	// GetByOI returns the ticket whose OI key is key, or [ErrNotFound].
	// KeyOf(key.Role, t) then gives its key for Update.
	GetByOI(ctx context.Context, key OIKey) (*ticket.Ticket, error)

	// List returns the tickets q selects, ordered by CodeOI,
	// ReferenceSigSAVOI, CodeOC and ReferenceSigSAVRaccoOC (byte-wise; a
	// ticket without an OI reference sorts before those of its OI), which is
	// the order of protocol 2.0 searches (V2.md "Paging").
	List(ctx context.Context, q Query) ([]*ticket.Ticket, error)
}

// Store is the persistence of an operator's SAV: its tickets, the journal
// of inbound messages, the outbox of outbound deliveries and its sequence
// numbers. The engines
// and the protocol servers of this package work on a Store; [MemStore] is
// the in-memory one, and production embedders implement it over their
// database. The package documentation lists the guarantees an
// implementation keeps; package storetest checks them.
type Store interface {
	Tickets
	Journal
	Outbox
	Sequences
}

// Sequences hands out persistent sequence numbers: the ids an OI gives its
// tickets (ReferenceSigSAVOI), the per-sender NNNN of 1.0a file names.
type Sequences interface {
	// NextSequence returns the next number of the sequence name: 1 first,
	// then increasing, never the same twice, also across restarts for a
	// persistent store. Numbers taken by a commit that then failed are not
	// given again (there may be gaps). An empty name is [ErrInvalidKey].
	NextSequence(ctx context.Context, name string) (int64, error)
}

// Sentinel errors of the stores; test them with errors.Is.
var (
	// ErrNotFound: no ticket, journal entry or delivery has that key.
	ErrNotFound = errors.New("sav: not found")
	// ErrDuplicate: the key is taken; see [*DuplicateError].
	ErrDuplicate = errors.New("sav: duplicate")
	// ErrInvalidKey: a key or an ID that cannot identify anything (empty
	// fields, unknown role).
	ErrInvalidKey = errors.New("sav: invalid key")
	// ErrKeyChanged: an update changed a ticket's identity.
	ErrKeyChanged = errors.New("sav: ticket identity changed")
	// ErrResolved: the journal entry already has an outcome (processed or
	// quarantined); it cannot get another.
	ErrResolved = errors.New("sav: inbound message already resolved")
	// ErrDeliveryState: the delivery is not in a state that allows the
	// operation (retrying a delivery that is not stuck, completing one that
	// is not in flight).
	ErrDeliveryState = errors.New("sav: delivery not in the right state")
	// ErrLeaseLost: a failed attempt reported under a claim that another
	// claim has replaced (errors.Is ErrDeliveryState too).
	ErrLeaseLost = fmt.Errorf("sav: the delivery was claimed again since: %w", ErrDeliveryState)
	// ErrInvalid: a value a store refuses (a delivery without protocol or
	// destination, an inbound message without ID).
	ErrInvalid = errors.New("sav: invalid value")
)

// DuplicateError is returned by [Tickets.Create] (and by an update that sets
// an OI reference another ticket has) when the ticket already exists. It
// carries the stored ticket, so a create retried after a lost answer, or a
// mail received twice, is answered as the first time was.
type DuplicateError struct {
	Key      Key            // the key asked for
	OIKey    OIKey          // set when the conflict is on the OI key
	Existing *ticket.Ticket // a copy of the stored ticket holding the key
}

func (e *DuplicateError) Error() string {
	if e.OIKey != (OIKey{}) {
		return fmt.Sprintf("sav: ticket %v: OI reference %v already used", e.Key, e.OIKey)
	}
	return fmt.Sprintf("sav: ticket %v already exists", e.Key)
}

// Unwrap returns [ErrDuplicate].
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// KeyError reports a key that cannot be used or an update that changed a
// ticket's identity. It unwraps to [ErrInvalidKey] or [ErrKeyChanged].
type KeyError struct {
	Key    Key
	Field  string // the offending field, e.g. "ReferenceSigSAVOI"
	Reason string
	err    error
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("sav: ticket %v: %s: %s", e.Key, e.Field, e.Reason)
}

// Unwrap returns [ErrInvalidKey] or [ErrKeyChanged].
func (e *KeyError) Unwrap() error { return e.err }

// CheckUpdate reports the identity changes an update from old to new may
// not make, as a [*KeyError] unwrapping to [ErrKeyChanged]: the OC code and
// reference, and the OI code and reference once set. Store
// implementations call it on the result of an [UpdateFunc].
func CheckUpdate(key Key, old, new *ticket.Ticket) error {
	changed := func(field, from, to string) error {
		return &KeyError{Key: key, Field: field, err: ErrKeyChanged,
			Reason: fmt.Sprintf("changed from %q to %q", from, to)}
	}
	switch {
	case new.CodeOC != old.CodeOC:
		return changed("CodeOC", old.CodeOC, new.CodeOC)
	case new.ReferenceSigSAVRaccoOC != old.ReferenceSigSAVRaccoOC:
		return changed("ReferenceSigSAVRaccoOC", old.ReferenceSigSAVRaccoOC, new.ReferenceSigSAVRaccoOC)
	case old.CodeOI != "" && new.CodeOI != old.CodeOI:
		return changed("CodeOI", old.CodeOI, new.CodeOI)
	case old.ReferenceSigSAVOI != "" && new.ReferenceSigSAVOI != old.ReferenceSigSAVOI:
		return changed("ReferenceSigSAVOI", old.ReferenceSigSAVOI, new.ReferenceSigSAVOI)
	}
	return nil
}

// PrepareCreate checks the arguments of [Tickets.Create], for the Store
// implementations: ctx not done, a ticket, a key that identifies it
// ([Key.Check]), and effects [PrepareEffects] accepts. It returns the key
// and the prepared deliveries.
func PrepareCreate(ctx context.Context, role codes.Role, t *ticket.Ticket, fx Effects) (Key, []*Delivery, error) {
	if err := ctx.Err(); err != nil {
		return Key{}, nil, err
	}
	if t == nil {
		return Key{}, nil, fmt.Errorf("sav: create: nil ticket: %w", ErrInvalid)
	}
	key := KeyOf(role, t)
	if err := key.Check(); err != nil {
		return Key{}, nil, err
	}
	ds, err := PrepareEffects(key, fx)
	if err != nil {
		return Key{}, nil, err
	}
	return key, ds, nil
}

// PrepareEffects checks and copies the effects of a commit, for the Store
// implementations: each delivery is cloned, tied to key when it names no
// ticket (key is zero for [Outbox.Commit]) and checked ([Delivery.Check]),
// and each outcome is checked ([CheckResolution]). Every store calls it
// before it writes, so all refuse the same values with the same errors.
func PrepareEffects(key Key, fx Effects) ([]*Delivery, error) {
	out := make([]*Delivery, len(fx.Deliveries))
	for i := range fx.Deliveries {
		d := fx.Deliveries[i].Clone()
		if len(d.Tickets) == 0 && !key.IsZero() {
			d.Tickets = []Key{key}
		}
		if err := d.Check(); err != nil {
			return nil, err
		}
		out[i] = d
	}
	for _, r := range fx.Outcomes {
		if err := CheckResolution(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CheckResolution reports why no store can record r: a reference that
// identifies no message ([InboundRef.Check]), or an outcome without a
// disposition ([ErrInvalid]). Whether the entry exists and is pending is
// the store's to check.
func CheckResolution(r Resolution) error {
	if err := r.Ref.Check(); err != nil {
		return err
	}
	if d := r.Outcome.Disposition; d != DispositionProcessed && d != DispositionQuarantined {
		return fmt.Errorf("sav: inbound %v: outcome without disposition: %w", r.Ref, ErrInvalid)
	}
	return nil
}
