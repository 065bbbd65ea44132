package sav

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
)

// Inbound is one message a partner sent us, as the journal keeps it: its
// identity, where it came from, its bytes, and what became of it.
//
// A protocol layer journals every inbound message before it acknowledges it
// (marks the mail handled; for a 2.0 create or set, records its answer
// before sending it), so a message is never acknowledged and then lost:
// after a crash, [Journal.Unresolved] lists the mails to process again,
// with their bytes (a 2.0 request that was not answered is sent again by
// its caller).
type Inbound struct {
	// Protocol and ID identify the message: for protocol 1.0a the mail's
	// Message-ID (without angle brackets; "sha256:" and the digest of the
	// bytes when it has none), for protocol 2.0 the authenticated caller's
	// operator code, the operation and the request's identity
	// (v2.RequestID.String: its Idempotency-Key, or the OC's reference of a
	// create, or the OI id, version and content of a set). A message
	// received twice has the same identity.
	Protocol Protocol `json:"protocol"`
	ID       string   `json:"id"`
	// From is the sender as the transport saw it: the mail's From address,
	// or the authenticated caller of a web service.
	From string `json:"from,omitempty"`
	// CodeOperator is the partner's operator code the message claims or the
	// transport authenticated, when known.
	CodeOperator string `json:"codeOperator,omitempty"`
	// ReceivedAt is when the message arrived.
	ReceivedAt time.Time `json:"receivedAt"`
	// ContentType and Body are the message as received (the whole mail, or
	// the request body).
	ContentType string `json:"contentType,omitempty"`
	Body        []byte `json:"body,omitempty"`

	// Seq is the journal's order of arrival, assigned by the store.
	Seq int64 `json:"seq"`
	// Outcome is what became of the message; nil while it is pending.
	Outcome *Outcome `json:"outcome,omitempty"`
}

// Ref returns the message's identity.
func (in *Inbound) Ref() InboundRef { return InboundRef{Protocol: in.Protocol, ID: in.ID} }

// Pending reports whether the message has no outcome yet.
func (in *Inbound) Pending() bool { return in.Outcome == nil }

// Quarantined reports whether the message was quarantined.
func (in *Inbound) Quarantined() bool {
	return in.Outcome != nil && in.Outcome.Disposition == DispositionQuarantined
}

// Clone returns a deep copy of in.
func (in *Inbound) Clone() *Inbound {
	c := *in
	c.Body = slices.Clone(in.Body)
	if in.Outcome != nil {
		o := *in.Outcome
		o.Response = slices.Clone(o.Response)
		c.Outcome = &o
	}
	return &c
}

// InboundRef identifies a journaled message.
type InboundRef struct {
	Protocol Protocol `json:"protocol"`
	ID       string   `json:"id"`
}

// String returns "protocol:id".
func (r InboundRef) String() string { return string(r.Protocol) + ":" + r.ID }

// Check reports whether r can identify a message (a known protocol, a
// non-empty ID); the error wraps [ErrInvalidKey].
func (r InboundRef) Check() error {
	if !r.Protocol.Valid() {
		return fmt.Errorf("sav: inbound %v: unknown protocol: %w", r, ErrInvalidKey)
	}
	if strings.TrimSpace(r.ID) == "" {
		return fmt.Errorf("sav: inbound %v: empty ID: %w", r, ErrInvalidKey)
	}
	return nil
}

// Disposition is what became of an inbound message.
type Disposition int

// Dispositions.
const (
	// DispositionProcessed: the message was processed; the outcome holds the
	// answer, so a duplicate is answered the same way.
	DispositionProcessed Disposition = iota + 1
	// DispositionQuarantined: the message is kept aside and never processed
	// (for example its sender is not the address configured for the
	// operator code it claims); the outcome's Reason says why.
	DispositionQuarantined
)

var dispositionNames = [...]string{"", "processed", "quarantined"}

// String returns "processed" or "quarantined".
func (d Disposition) String() string {
	if d > 0 && int(d) < len(dispositionNames) {
		return dispositionNames[d]
	}
	return fmt.Sprintf("Disposition(%d)", int(d))
}

// MarshalText implements encoding.TextMarshaler.
func (d Disposition) MarshalText() ([]byte, error) {
	if d <= 0 || int(d) >= len(dispositionNames) {
		return nil, fmt.Errorf("sav: cannot marshal %v", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Disposition) UnmarshalText(b []byte) error {
	for i, n := range dispositionNames {
		if i > 0 && strings.EqualFold(string(b), n) {
			*d = Disposition(i)
			return nil
		}
	}
	return fmt.Errorf("sav: unknown disposition %q", b)
}

// Outcome is what became of an inbound message.
type Outcome struct {
	Disposition Disposition `json:"disposition"`
	// At is when the outcome was recorded.
	At time.Time `json:"at"`
	// Code is the return code the message was answered with (0 when it was
	// accepted).
	Code codes.ReturnCode `json:"code"`
	// Reason explains a refusal or a quarantine.
	Reason string `json:"reason,omitempty"`
	// ContentType and Response are the answer sent back (the SOAP response,
	// the AR file), when there is one, so that a duplicate gets the same.
	ContentType string `json:"contentType,omitempty"`
	Response    []byte `json:"response,omitempty"`
}

// Resolution records the outcome of the journaled message Ref.
type Resolution struct {
	Ref     InboundRef
	Outcome Outcome
}

// Journal is the inbound message journal of a [Store].
type Journal interface {
	// Record journals in. When a message with the same identity is already
	// there it writes nothing and returns a copy of the stored entry (with
	// its outcome, if any) and dup = true; otherwise it returns the stored
	// copy and dup = false. Journal a message before acknowledging it.
	Record(ctx context.Context, in *Inbound) (stored *Inbound, dup bool, err error)

	// Resolve records the outcome of a pending entry: [ErrNotFound] for an
	// unknown one, [ErrResolved] when it already has an outcome. To record
	// it with the ticket change it caused, put it in [Effects.Outcomes]
	// instead.
	Resolve(ctx context.Context, r Resolution) error

	// Inbound returns the entry ref names, or [ErrNotFound].
	Inbound(ctx context.Context, ref InboundRef) (*Inbound, error)

	// Unresolved lists the pending entries, oldest first: the messages
	// received and not yet processed (after a crash: to process again).
	Unresolved(ctx context.Context) ([]*Inbound, error)

	// Quarantined lists the quarantined entries, oldest first.
	Quarantined(ctx context.Context) ([]*Inbound, error)

	// Forget deletes the processed entries that r lets go, and returns
	// how many it deleted. Pending and quarantined entries are kept: they
	// wait for work or for a person.
	Forget(ctx context.Context, r Retention) (int, error)
}

// Retention says which processed journal entries [Journal.Forget] deletes:
// those whose outcome was recorded before Before (zero: none by age), then
// the oldest ones beyond the newest Keep processed entries (negative: no
// bound by count).
type Retention struct {
	Before time.Time
	Keep   int
}

// Quarantine returns the resolution that quarantines the message ref for
// reason at the given time.
func Quarantine(ref InboundRef, at time.Time, reason string) Resolution {
	return Resolution{Ref: ref, Outcome: Outcome{Disposition: DispositionQuarantined, At: at, Reason: reason}}
}
