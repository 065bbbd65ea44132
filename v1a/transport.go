package v1a

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
)

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
	// Truncated says that Raw holds only the beginning of a message larger
	// than the mailbox's size limit; the Poller quarantines it as too large.
	Truncated bool
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

// MailHandler handles one inbound mail whose file could be read. Returning
// nil marks the message handled; an error wrapping [ErrQuarantine] moves it
// to quarantine; any other error leaves it in the mailbox, to be fetched
// again by the next poll.
type MailHandler interface {
	HandleMail(ctx context.Context, in *Inbound) error
}

// MailHandlerFunc adapts a function to [MailHandler].
type MailHandlerFunc func(ctx context.Context, in *Inbound) error

// HandleMail calls f(ctx, in).
func (f MailHandlerFunc) HandleMail(ctx context.Context, in *Inbound) error { return f(ctx, in) }

var _ MailHandler = MailHandlerFunc(nil)

// ErrQuarantine, wrapped in a handler's error, asks the [Poller] to
// quarantine the message instead of trying it again. The handler answers
// the sender itself if it wants to.
var ErrQuarantine = errors.New("v1a: quarantine this message")

// Poller drives a [Mailbox]: each poll fetches the waiting messages, reads
// each one ([MailParser.ReadMail]) and
//
//   - hands a readable one to Handler, then marks it handled when the
//     handler succeeds, quarantined when its error wraps [ErrQuarantine],
//     and leaves it for the next poll otherwise;
//   - quarantines one that cannot be read (mail structure, limits, file
//     syntax, unknown header line) and, when Replies is set and the sender
//     is known, answers it with one AR KO line (ARDOMMAGE for a DOMMAGE
//     file), return code 3, "INFO fichier INCORRECTE - FORMAT INVALIDE: "
//     and the reason. An AR or ARDOMMAGE is never answered.
//
// The answer's file name goes from Operator to the partner's operator code:
// the EMETTEUR of the inbound file name when it parses, else Partners'
// entry for the sender address. Without either the message is quarantined
// unanswered (and logged).
//
// The Poller logs only through Logger. Poll must not run concurrently on the
// same Poller.
type Poller struct {
	Mailbox Mailbox
	Handler MailHandler
	// Parser reads the messages; nil means a zero MailParser.
	Parser *MailParser

	// Replies sends the AR KO answers to unreadable messages; nil means no
	// answer.
	Replies Sender
	// Self is the address answers come from; Operator this operator's code.
	Self     mail.Address
	Operator string
	// Partners maps a sender address (lower case) to its operator code, for
	// answers to messages whose file name does not parse.
	Partners map[string]string
	// Sequence numbers the answer files; nil means a Sequence of the Poller.
	Sequence *Sequence
	// Composer writes the answers; nil means a zero Composer. Its Now, when
	// set, also dates the answer files.
	Composer *Composer
	// Logger, when set, receives a record per message handled, quarantined
	// or failed.
	Logger *slog.Logger

	seq Sequence
}

// PollResult counts what one [Poller.Poll] did.
type PollResult struct {
	Handled     int // handlers succeeded
	Quarantined int // unreadable, or the handler asked for it
	Answered    int // quarantined messages answered with an AR KO
	Failed      int // handlers failed; the messages stay in the mailbox
}

// HandlerError reports a message whose handler failed or which could not be
// marked; the message stays in the mailbox.
type HandlerError struct {
	Key       string // the mailbox's name for the message
	MessageID string
	Err       error
}

func (e *HandlerError) Error() string {
	return fmt.Sprintf("v1a: message %s (%s): %v", e.Key, e.MessageID, e.Err)
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// Poll handles the messages waiting now. It goes through all of them even
// when some fail: the error joins one [*HandlerError] per failed message,
// the Mailbox's errors and the context's error.
func (p *Poller) Poll(ctx context.Context) (PollResult, error) {
	var res PollResult
	envs, err := p.Mailbox.Fetch(ctx)
	errs := []error{err}
	for _, e := range envs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if err := p.one(ctx, e, &res); err != nil {
			res.Failed++
			errs = append(errs, &HandlerError{Key: e.Key, MessageID: e.MessageID, Err: err})
		}
	}
	return res, errors.Join(errs...)
}

// Run polls every interval until ctx ends, logging the errors of each poll,
// and returns the context's error.
func (p *Poller) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		res, err := p.Poll(ctx)
		if p.Logger != nil && err != nil && ctx.Err() == nil {
			p.Logger.ErrorContext(ctx, "v1a: poll", "error", err, "handled", res.Handled, "failed", res.Failed)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (p *Poller) one(ctx context.Context, e *Envelope, res *PollResult) error {
	parser := p.Parser
	if parser == nil {
		parser = &MailParser{}
	}
	var in *Inbound
	var err error
	if e.Truncated {
		err = &MailError{Err: ErrMailTooLarge, Reason: fmt.Sprintf("larger than the mailbox's limit of %d bytes", len(e.Raw)-1)}
		if m, _ := parseHeaderOnly(e.Raw); m != nil {
			in = &Inbound{Message: m}
			in.Name, in.NameErr = parser.fileName(m)
		}
	} else {
		in, err = parser.ReadMail(bytes.NewReader(e.Raw))
	}
	if err != nil {
		answered := p.answer(ctx, e, in, err)
		if err := p.Mailbox.Mark(ctx, e, DispositionQuarantined); err != nil {
			return err
		}
		res.Quarantined++
		if answered {
			res.Answered++
		}
		return nil
	}
	if err := p.Handler.HandleMail(ctx, in); err != nil {
		if !errors.Is(err, ErrQuarantine) {
			if p.Logger != nil {
				p.Logger.WarnContext(ctx, "v1a: handler failed, message kept", "key", e.Key, "message_id", e.MessageID, "error", err)
			}
			return err
		}
		if merr := p.Mailbox.Mark(ctx, e, DispositionQuarantined); merr != nil {
			return merr
		}
		if p.Logger != nil {
			p.Logger.WarnContext(ctx, "v1a: quarantined by the handler", "key", e.Key, "message_id", e.MessageID, "error", err)
		}
		res.Quarantined++
		return nil
	}
	if err := p.Mailbox.Mark(ctx, e, DispositionHandled); err != nil {
		return err
	}
	if p.Logger != nil {
		p.Logger.InfoContext(ctx, "v1a: message handled", "key", e.Key, "message_id", e.MessageID,
			"flow", string(in.Flow), "records", len(in.Records))
	}
	res.Handled++
	return nil
}

// answer sends the AR KO for an unreadable message when it can, and reports
// whether it did.
func (p *Poller) answer(ctx context.Context, e *Envelope, in *Inbound, cause error) bool {
	log := func(msg string, args ...any) {
		if p.Logger != nil {
			p.Logger.WarnContext(ctx, msg, append([]any{"key", e.Key, "message_id", e.MessageID, "error", cause}, args...)...)
		}
	}
	if p.Replies == nil || in == nil || in.Message.From.Address == "" {
		log("v1a: unreadable message quarantined, not answered")
		return false
	}
	if in.NameErr == nil && (in.Name.Flow == FlowAR || in.Name.Flow == FlowARDommage) ||
		in.Flow == FlowAR || in.Flow == FlowARDommage {
		log("v1a: unreadable acknowledgement quarantined, not answered")
		return false
	}
	partner := ""
	if in.NameErr == nil {
		partner = in.Name.Sender
	} else if p.Partners != nil {
		partner = p.Partners[strings.ToLower(in.Message.From.Address)]
	}
	if partner == "" {
		log("v1a: unreadable message quarantined, partner unknown, not answered", "from", in.Message.From.Address)
		return false
	}
	flow := FlowAR
	if in.Name.Flow == FlowDommage || in.Flow == FlowDommage {
		flow = FlowARDommage
	}
	ack := unreadable(flow, cause, 0)
	now := time.Now()
	if p.Composer != nil && p.Composer.Now != nil {
		now = p.Composer.Now()
	}
	seq := p.Sequence
	if seq == nil {
		seq = &p.seq
	}
	name := NewFileName(seq, flow, p.Operator, partner, now)
	inReplyTo := in.Message.MessageID
	if strings.ContainsAny(inReplyTo, "<>\r\n \t") {
		inReplyTo = ""
	}
	reply, err := NewMessage(p.Self, []mail.Address{{Address: in.Message.From.Address}}, name, ack.Records(),
		&MessageOptions{InReplyTo: inReplyTo})
	if err == nil {
		err = p.Replies.Send(ctx, reply)
	}
	if err != nil {
		log("v1a: unreadable message quarantined, answer failed", "answer_error", err)
		return false
	}
	log("v1a: unreadable message quarantined and answered", "answer", reply.FileName)
	return true
}
