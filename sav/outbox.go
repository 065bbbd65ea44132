package sav

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Destination is where a delivery goes: the partner's operator code and its
// address for the delivery's protocol (a mail address for 1.0a, an endpoint
// URL for 2.0).
type Destination struct {
	Code    string `json:"code"`
	Address string `json:"address"`
}

// String returns "CODE <address>".
func (d Destination) String() string { return d.Code + " <" + d.Address + ">" }

// DeliveryStatus is where a delivery is in the outbox.
type DeliveryStatus int

// Delivery statuses. Pending and InFlight deliveries are waiting, Stuck ones
// wait for a person; Delivered and Abandoned are final.
const (
	// DeliveryPending: waiting for its turn or for its next attempt.
	DeliveryPending DeliveryStatus = iota + 1
	// DeliveryInFlight: claimed by a dispatcher, being delivered.
	DeliveryInFlight
	// DeliveryStuck: parked after a permanent failure, or after too many
	// attempts; retried only on request ([Outbox.Retry]).
	DeliveryStuck
	// DeliveryDelivered: the destination accepted it.
	DeliveryDelivered
	// DeliveryAbandoned: a person gave it up ([Outbox.Abandon]); its Reason
	// says why.
	DeliveryAbandoned
)

var deliveryStatusNames = [...]string{"", "pending", "in-flight", "stuck", "delivered", "abandoned"}

// String returns pending, in-flight, stuck, delivered or abandoned.
func (s DeliveryStatus) String() string {
	if s > 0 && int(s) < len(deliveryStatusNames) {
		return deliveryStatusNames[s]
	}
	return fmt.Sprintf("DeliveryStatus(%d)", int(s))
}

// Final reports whether nothing more will happen to the delivery.
func (s DeliveryStatus) Final() bool { return s == DeliveryDelivered || s == DeliveryAbandoned }

// MarshalText implements encoding.TextMarshaler. The zero status (a
// delivery not enqueued yet) is the empty text.
func (s DeliveryStatus) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(deliveryStatusNames) {
		return nil, fmt.Errorf("sav: cannot marshal %v", s)
	}
	return []byte(deliveryStatusNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *DeliveryStatus) UnmarshalText(b []byte) error {
	for i, n := range deliveryStatusNames {
		if strings.EqualFold(string(b), n) {
			*s = DeliveryStatus(i)
			return nil
		}
	}
	return fmt.Errorf("sav: unknown delivery status %q", b)
}

// Delivery is one outbound message in the outbox: an opaque payload the
// protocol layer composed (a whole mail for 1.0a, a SOAP request for 2.0),
// where it goes, the tickets it is about, and how its delivery is going.
//
// The caller fills the first group of fields; the store fills the second.
type Delivery struct {
	// Protocol is the protocol of the payload; the [Deliverer] dispatches
	// on it.
	Protocol Protocol `json:"protocol"`
	// Destination is where it goes.
	Destination Destination `json:"destination"`
	// ContentType and Body are the payload, delivered as is on every
	// attempt.
	ContentType string `json:"contentType,omitempty"`
	Body        []byte `json:"body,omitempty"`
	// Tickets are the tickets the delivery is about (a 1.0a AR file may
	// answer several); they order it (see [Outbox]). In [Effects] of a
	// ticket commit, empty means the committed ticket.
	Tickets []Key `json:"tickets,omitempty"`
	// DestinationOrder also orders the delivery with every other delivery
	// to its destination that sets it (and those about no ticket): for a
	// partner that needs its files in sequence. A stuck one then holds
	// back all of them.
	DestinationOrder bool `json:"destinationOrder,omitempty"`
	// Label says what it is, for people: "CASE SOLVED NOTIFICATION", "AR",
	// a file name.
	Label string `json:"label,omitempty"`
	// IdempotencyKey is the same on every attempt so the receiver can drop
	// a message it already has (for 1.0a, the mail's Message-ID); empty
	// means the ID the store assigns.
	IdempotencyKey string `json:"idempotencyKey"`
	// NextAttempt is when it may be tried next; on enqueue, zero means at
	// once.
	NextAttempt time.Time `json:"nextAttempt,omitzero"`

	// ID identifies the delivery in the store; it is unique, unguessable
	// and never reused.
	ID string `json:"id"`
	// Seq is the order of enqueueing, increasing across the store.
	Seq int64 `json:"seq"`
	// Status is where the delivery is.
	Status DeliveryStatus `json:"status"`
	// EnqueuedAt is when it was committed.
	EnqueuedAt time.Time `json:"enqueuedAt"`
	// Attempts counts the attempts begun since enqueueing or the last
	// manual retry.
	Attempts int `json:"attempts"`
	// LastAttemptAt and LastError describe the latest failed attempt.
	LastAttemptAt time.Time `json:"lastAttemptAt,omitzero"`
	LastError     string    `json:"lastError,omitempty"`
	// LeaseUntil is when an in-flight delivery whose dispatcher went away
	// may be claimed again.
	LeaseUntil time.Time `json:"leaseUntil,omitzero"`
	// ClaimToken identifies the claim an in-flight delivery is under: each
	// Claim gives a new one, so a dispatcher whose lease was taken over is
	// told so when it reports its attempt (see [Failure.ClaimToken]).
	ClaimToken string `json:"claimToken,omitempty"`
	// DeliveredAt is when the destination accepted it.
	DeliveredAt time.Time `json:"deliveredAt,omitzero"`
	// Reason says why it is stuck or abandoned.
	Reason string `json:"reason,omitempty"`
}

// Clone returns a deep copy of d.
func (d *Delivery) Clone() *Delivery {
	c := *d
	c.Body = slices.Clone(d.Body)
	c.Tickets = slices.Clone(d.Tickets)
	return &c
}

// Check reports what makes d impossible to enqueue: an unknown protocol, a
// destination without address, an invalid ticket key. The error wraps
// [ErrInvalid].
func (d *Delivery) Check() error {
	switch {
	case !d.Protocol.Valid():
		return fmt.Errorf("sav: delivery %q: unknown protocol %q: %w", d.Label, d.Protocol, ErrInvalid)
	case strings.TrimSpace(d.Destination.Address) == "":
		return fmt.Errorf("sav: delivery %q: destination without address: %w", d.Label, ErrInvalid)
	}
	for _, k := range d.Tickets {
		if err := k.Check(); err != nil {
			return fmt.Errorf("sav: delivery %q: %w: %w", d.Label, ErrInvalid, err)
		}
	}
	return nil
}

// Lanes returns the ordering lanes of d: one per ticket, and its
// destination's when it is about no ticket or sets DestinationOrder. See
// [Outbox].
func (d *Delivery) Lanes() []Lane {
	ls := make([]Lane, 0, len(d.Tickets)+1)
	for _, k := range d.Tickets {
		l := Lane{Ticket: k}
		if !slices.Contains(ls, l) {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 || d.DestinationOrder {
		ls = append(ls, Lane{Destination: d.Destination})
	}
	return ls
}

// Lane is a FIFO ordering unit of the outbox: a ticket, or the destination
// of deliveries about no ticket.
type Lane struct {
	Ticket      Key
	Destination Destination
}

// ClaimRequest asks an outbox for the deliveries to attempt now.
type ClaimRequest struct {
	// Now is the dispatcher's time: deliveries due at or before it are
	// ready.
	Now time.Time
	// Limit bounds the number claimed (at least 1).
	Limit int
	// Lease is how long a claimed delivery stays in flight before another
	// claim may take it again (when its dispatcher went away).
	Lease time.Duration
}

// Claimed is the answer to a [ClaimRequest].
type Claimed struct {
	// Deliveries are the claimed deliveries, now in flight, in claim
	// order; each has its Attempts already counted.
	Deliveries []*Delivery
	// NextDue is the earliest time a delivery that is waiting for its next
	// attempt or for an expired lease becomes ready; zero when none is.
	NextDue time.Time
}

// Failure is the result of a failed attempt.
type Failure struct {
	// At is when the attempt ended.
	At time.Time
	// Err is the error, as text.
	Err string
	// Park parks the delivery as stuck (a permanent failure, or too many
	// attempts), with Reason; otherwise it is pending again from Next.
	Park   bool
	Reason string
	Next   time.Time
	// ClaimToken is the Delivery.ClaimToken of the claim the attempt was
	// made under. When set, Failed refuses it with [ErrLeaseLost] if the
	// delivery was claimed again since (its lease ended and another
	// dispatcher took it), so that the late report of a dispatcher cannot
	// reset a delivery that another one has in flight. The [Dispatcher]
	// always sets it.
	ClaimToken string
}

// Outbox is the outbound delivery queue of a [Store].
//
// Order: every delivery is in one or more lanes, one per ticket it is
// about, and its destination's when it is about no ticket or sets
// DestinationOrder. A delivery is
// ready when it is pending and due, and every earlier (lower Seq) delivery
// of its lanes is delivered or abandoned: a later delivery for a ticket
// never goes before an earlier one that is pending, in flight or stuck.
// Lanes are independent: a partner that is down holds back its own
// tickets, not the others.
type Outbox interface {
	// Commit enqueues fx.Deliveries and records fx.Outcomes, all or
	// nothing, without a ticket change (use Create and Update to commit
	// with one). It returns the stored deliveries.
	Commit(ctx context.Context, fx Effects) ([]*Delivery, error)

	// Claim marks the ready deliveries in flight, up to req.Limit, in the
	// order they became ready (by Seq among those ready at the same time),
	// and returns them. An in-flight delivery whose lease ended is ready
	// again.
	Claim(ctx context.Context, req ClaimRequest) (Claimed, error)

	// Delivered records that the delivery id arrived; it is final.
	// Normally it is in flight, but a delivery whose lease ended while the
	// attempt went on (pending or stuck again) did arrive too. Recording it
	// again is not an error; an abandoned one is [ErrDeliveryState].
	Delivered(ctx context.Context, id string, at time.Time) error

	// Failed records a failed attempt of the in-flight delivery id: pending
	// again from f.Next, or stuck when f.Park ([ErrDeliveryState] when it is
	// not in flight).
	Failed(ctx context.Context, id string, f Failure) error

	// Retry makes the stuck delivery id pending again from at, with its
	// attempt count reset ([ErrDeliveryState] when it is not stuck).
	Retry(ctx context.Context, id string, at time.Time) error

	// Abandon gives up the pending or stuck delivery id, for reason: it is
	// final and no longer holds back its lanes. It is kept, with the reason.
	Abandon(ctx context.Context, id string, reason string) error

	// Delivery returns the delivery id, or [ErrNotFound].
	Delivery(ctx context.Context, id string) (*Delivery, error)

	// Pending lists the pending and in-flight deliveries by Seq, with their
	// attempts, last error and next attempt.
	Pending(ctx context.Context) ([]*Delivery, error)

	// Stuck lists the stuck deliveries by Seq, with why.
	Stuck(ctx context.Context) ([]*Delivery, error)
}

// Notifier is implemented by outboxes that can tell a [Dispatcher] at once
// that a delivery became ready (enqueued, retried, abandoned), so it does
// not wait for its next poll. Subscribe returns a channel that receives a
// value (without blocking the store; several events may make one) after
// each such change, and a function that ends the subscription.
type Notifier interface {
	Subscribe() (<-chan struct{}, func())
}

// Subscribers is the set of subscriptions of a store that implements
// [Notifier]: Subscribe serves Notifier.Subscribe, and Notify signals every
// subscriber without blocking. The zero value is ready to use; it is safe
// for concurrent use.
type Subscribers struct {
	mu   sync.Mutex
	subs map[int]chan struct{}
	next int
}

// Subscribe implements [Notifier].
func (ss *Subscribers) Subscribe() (<-chan struct{}, func()) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.subs == nil {
		ss.subs = map[int]chan struct{}{}
	}
	ch := make(chan struct{}, 1)
	id := ss.next
	ss.next++
	ss.subs[id] = ch
	return ch, func() {
		ss.mu.Lock()
		delete(ss.subs, id)
		ss.mu.Unlock()
	}
}

// Notify sends a value to every subscriber whose channel is not full.
func (ss *Subscribers) Notify() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, ch := range ss.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Deliverer delivers one payload to its destination; the protocol layers
// implement it (an SMTP or Maildir sender for 1.0a, a SOAP client for 2.0).
// Deliver gets a private copy of the delivery. It returns nil once the
// destination has accepted the payload, an error wrapping [ErrPermanent]
// when retrying cannot help (the delivery is parked as stuck), and any
// other error for a failure worth retrying. A delivery may be delivered
// more than once (at-least-once): receivers drop duplicates by
// IdempotencyKey. Deliver must return soon after ctx is done.
//
// A deliverer whose protocol answers synchronously (a protocol 2.0 create
// is answered with the OI's key, or a fault) applies the answer to the
// ticket ([Tickets.Update]) before it returns nil: the delivery is recorded
// as delivered only then, so an answer is never lost either.
type Deliverer interface {
	Deliver(ctx context.Context, d *Delivery) error
}

// DelivererFunc adapts a function to [Deliverer].
type DelivererFunc func(ctx context.Context, d *Delivery) error

// Deliver calls f(ctx, d).
func (f DelivererFunc) Deliver(ctx context.Context, d *Delivery) error { return f(ctx, d) }

// ProtocolDeliverers routes each delivery to the [Deliverer] of its
// protocol. A delivery of a protocol without a deliverer fails permanently.
type ProtocolDeliverers map[Protocol]Deliverer

// Deliver calls the deliverer of d.Protocol.
func (m ProtocolDeliverers) Deliver(ctx context.Context, d *Delivery) error {
	dl, ok := m[d.Protocol]
	if !ok || dl == nil {
		return Permanent(fmt.Errorf("sav: no deliverer for protocol %q", d.Protocol))
	}
	return dl.Deliver(ctx, d)
}

var (
	_ Deliverer = DelivererFunc(nil)
	_ Deliverer = ProtocolDeliverers(nil)
)

// ErrPermanent marks a delivery failure that retrying cannot help (the
// destination refuses the payload itself). Wrap it, or use [Permanent].
var ErrPermanent = errors.New("sav: permanent delivery failure")

// PermanentError is a delivery failure retrying cannot help; errors.Is
// reports it as [ErrPermanent].
type PermanentError struct {
	Err error
}

// Permanent marks err as a permanent delivery failure. Permanent(nil) is
// nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *PermanentError) Unwrap() error { return e.Err }

// Is reports target == [ErrPermanent].
func (e *PermanentError) Is(target error) bool { return target == ErrPermanent }
