package v1a

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"net/textproto"
	"sync"
	"time"
)

// Default timeouts of an [SMTPSender].
const (
	DefaultSMTPDialTimeout    = 30 * time.Second
	DefaultSMTPCommandTimeout = 2 * time.Minute
)

// StartTLSPolicy says when an [SMTPSender] upgrades the connection with
// STARTTLS.
type StartTLSPolicy int

const (
	// StartTLSOpportunistic upgrades when the server offers STARTTLS and
	// goes on in clear text otherwise (the default).
	StartTLSOpportunistic StartTLSPolicy = iota
	// StartTLSRequired refuses to send when the server does not offer
	// STARTTLS.
	StartTLSRequired
	// StartTLSNever never upgrades (a loopback relay).
	StartTLSNever
)

// SMTPSender is a [Sender] that submits each message to one SMTP server (the
// operator's relay or a partner's MX): EHLO, STARTTLS when offered (see
// StartTLS), AUTH PLAIN when Username is set, MAIL FROM, RCPT TO for every
// recipient, DATA. Each message is one connection. Every command has a
// deadline (CommandTimeout) and the context cancels the exchange at any
// point. A STARTTLS that fails (an untrusted certificate) is an error, never
// a fallback to clear text. AUTH PLAIN is only attempted over TLS or to a
// loopback server, so a password never travels in clear text. The zero value is not usable: set
// Addr. An SMTPSender is safe for concurrent use.
type SMTPSender struct {
	Addr string // host:port of the server

	// LocalName is the name given in EHLO; empty means "localhost".
	LocalName string
	// StartTLS chooses when to upgrade; the default upgrades when offered.
	StartTLS StartTLSPolicy
	// TLSConfig is used for STARTTLS; nil means a default configuration
	// whose ServerName is the host of Addr.
	TLSConfig *tls.Config
	// Username and Password, when Username is not empty, authenticate with
	// AUTH PLAIN.
	Username, Password string

	// DialTimeout bounds the connection; CommandTimeout bounds each command
	// and the transfer of the message. Zero means the defaults.
	DialTimeout, CommandTimeout time.Duration
	// Dialer opens the connection; nil means a net.Dialer.
	Dialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	}

	// Composer writes the messages; nil means a zero Composer.
	Composer *Composer
	// Logger, when set, receives one debug record per message sent.
	Logger *slog.Logger
}

// Send composes m and submits it: the envelope sender is m.From.Address and
// the envelope recipients are m.To. It sets m.MessageID and m.Date when they
// are empty. Errors are [*SMTPError]s (unwrapping to the context's error
// when ctx ended the exchange) or [*MailError]s for a message that cannot
// be composed.
func (s *SMTPSender) Send(ctx context.Context, m *Message) error {
	c := s.Composer
	if c == nil {
		c = &Composer{}
	}
	var buf bytes.Buffer
	if err := c.Compose(&buf, m); err != nil {
		return err
	}
	err := s.SendRaw(ctx, m.From.Address, m.Recipients(), buf.Bytes())
	if err == nil && s.Logger != nil {
		s.Logger.DebugContext(ctx, "v1a: mail sent", "addr", s.Addr, "message_id", m.MessageID, "file", m.FileName)
	}
	return err
}

// SendRaw submits an already composed message (CRLF line ends) with the
// given envelope.
func (s *SMTPSender) SendRaw(ctx context.Context, from string, to []string, msg []byte) error {
	if len(to) == 0 {
		return &SMTPError{Command: "RCPT TO", Err: ErrMailIncomplete}
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return &SMTPError{Command: "connect", Err: err}
	}
	dialTimeout := s.DialTimeout
	if dialTimeout <= 0 {
		dialTimeout = DefaultSMTPDialTimeout
	}
	cmdTimeout := s.CommandTimeout
	if cmdTimeout <= 0 {
		cmdTimeout = DefaultSMTPCommandTimeout
	}
	var dialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	} = &net.Dialer{}
	if s.Dialer != nil {
		dialer = s.Dialer
	}
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	conn, err := dialer.DialContext(dctx, "tcp", s.Addr)
	cancel()
	if err != nil {
		return s.fail(ctx, "connect", err)
	}
	defer conn.Close()

	dl := &deadlines{conn: conn, timeout: cmdTimeout}
	stop := context.AfterFunc(ctx, dl.cancel)
	defer stop()

	dl.arm()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return s.fail(ctx, "greeting", err)
	}
	defer c.Close()

	local := s.LocalName
	if local == "" {
		local = "localhost"
	}
	dl.arm()
	if err := c.Hello(local); err != nil {
		return s.fail(ctx, "EHLO", err)
	}
	if s.StartTLS != StartTLSNever {
		offered, _ := c.Extension("STARTTLS")
		switch {
		case offered:
			cfg := s.TLSConfig
			if cfg == nil {
				cfg = &tls.Config{ServerName: host}
			}
			dl.arm()
			if err := c.StartTLS(cfg); err != nil {
				return s.fail(ctx, "STARTTLS", err)
			}
		case s.StartTLS == StartTLSRequired:
			return &SMTPError{Command: "STARTTLS", Err: ErrSTARTTLSUnavailable}
		}
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return &SMTPError{Command: "AUTH", Err: ErrAuthUnavailable}
		}
		dl.arm()
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return s.fail(ctx, "AUTH", err)
		}
	}
	dl.arm()
	if err := c.Mail(from); err != nil {
		return s.fail(ctx, "MAIL FROM", err)
	}
	for _, rcpt := range to {
		dl.arm()
		if err := c.Rcpt(rcpt); err != nil {
			return s.fail(ctx, "RCPT TO", err)
		}
	}
	dl.arm()
	w, err := c.Data()
	if err != nil {
		return s.fail(ctx, "DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return s.fail(ctx, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return s.fail(ctx, "DATA", err)
	}
	// The message is accepted; a failing QUIT does not change that.
	dl.arm()
	_ = c.Quit()
	return nil
}

// fail wraps err, preferring the context's error when the context ended the
// exchange.
func (s *SMTPSender) fail(ctx context.Context, cmd string, err error) error {
	if ctx.Err() != nil {
		return &SMTPError{Command: cmd, Err: ctx.Err()}
	}
	e := &SMTPError{Command: cmd, Err: err}
	var te *textproto.Error
	if errors.As(err, &te) {
		e.Code, e.Message = te.Code, te.Msg
	}
	return e
}

// deadlines arms a fresh deadline before each command and makes context
// cancellation stick: once cancelled, the deadline stays in the past.
type deadlines struct {
	conn      net.Conn
	timeout   time.Duration
	mu        sync.Mutex
	cancelled bool
}

func (d *deadlines) arm() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancelled {
		return
	}
	_ = d.conn.SetDeadline(time.Now().Add(d.timeout))
}

func (d *deadlines) cancel() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cancelled = true
	_ = d.conn.SetDeadline(time.Unix(1, 0))
}

// Errors an [SMTPError] may wrap besides reply, network and context errors.
var (
	// ErrSTARTTLSUnavailable: StartTLSRequired and the server does not offer
	// STARTTLS.
	ErrSTARTTLSUnavailable = errors.New("v1a: server does not offer STARTTLS")
	// ErrAuthUnavailable: credentials are set and the server offers no AUTH.
	ErrAuthUnavailable = errors.New("v1a: server does not offer AUTH")
)

// SMTPError reports a failed SMTP exchange: the command that failed, the
// server's reply code and text when it answered, and the underlying error
// (a *textproto.Error, a network error, the context's error or one of
// [ErrSTARTTLSUnavailable], [ErrAuthUnavailable], [ErrMailIncomplete]).
type SMTPError struct {
	Command string // "connect", "greeting", "EHLO", "STARTTLS", "AUTH", "MAIL FROM", "RCPT TO", "DATA"
	Code    int    // the SMTP reply code; 0 when the server gave none
	Message string // the server's reply text
	Err     error
}

func (e *SMTPError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("v1a: smtp %s: %d %s", e.Command, e.Code, e.Message)
	}
	return fmt.Sprintf("v1a: smtp %s: %v", e.Command, e.Err)
}

// Unwrap returns the underlying error.
func (e *SMTPError) Unwrap() error { return e.Err }

// Temporary reports whether sending again later may succeed: a 4xx reply, or
// a network failure or timeout without a reply. A 5xx reply, a refused
// STARTTLS or AUTH requirement and a cancelled context are not temporary.
func (e *SMTPError) Temporary() bool {
	switch {
	case e.Code >= 400 && e.Code < 500:
		return true
	case e.Code != 0:
		return false
	case errors.Is(e.Err, context.Canceled), errors.Is(e.Err, ErrSTARTTLSUnavailable),
		errors.Is(e.Err, ErrAuthUnavailable), errors.Is(e.Err, ErrMailIncomplete):
		return false
	}
	var ne net.Error
	return errors.As(e.Err, &ne) || errors.Is(e.Err, context.DeadlineExceeded)
}
