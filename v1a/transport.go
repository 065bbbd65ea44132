package v1a

import "context"

// Sender sends one protocol 1.0a message. Implementations: [*SMTPSender]
// (an SMTP server), [*Maildir] (local delivery) and [SenderFunc].
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// SenderFunc adapts a function to [Sender].
type SenderFunc func(ctx context.Context, m *Message) error

// Send calls f(ctx, m).
func (f SenderFunc) Send(ctx context.Context, m *Message) error { return f(ctx, m) }

// Envelope is one inbound message as a [Mailbox] holds it.
type Envelope struct {
	Key       string // the mailbox's name for the message (a Maildir: its file name in new/)
	MessageID string // its identity: the Message-ID without angle brackets, or "sha256:" and the digest of Raw
	Raw       []byte // the message as delivered
}

// Disposition is what became of an inbound message.
type Disposition int

const (
	// DispositionHandled: the message was read and its handler succeeded.
	DispositionHandled Disposition = iota + 1
	// DispositionQuarantined: the message could not be read; it is kept
	// aside for a person.
	DispositionQuarantined
)

func (d Disposition) String() string {
	switch d {
	case DispositionHandled:
		return "handled"
	case DispositionQuarantined:
		return "quarantined"
	}
	return "unknown"
}

// Mailbox is where inbound mail waits: Fetch returns the messages not
// yet handled, Mark records what became of one. A message that is fetched
// and not marked (its handler failed) is fetched again next time.
type Mailbox interface {
	Fetch(ctx context.Context) ([]*Envelope, error)
	Mark(ctx context.Context, e *Envelope, d Disposition) error
}

// Compile-time guards.
var (
	_ Sender  = SenderFunc(nil)
	_ Sender  = (*SMTPSender)(nil)
	_ Sender  = (*Maildir)(nil)
	_ Mailbox = (*Maildir)(nil)
)
