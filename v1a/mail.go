package v1a

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one protocol 1.0a e-mail: a short text and one CSV file attached
// to it (V1A.md, "Transport"). The same type is composed for sending
// ([Composer]) and filled by parsing inbound mail ([MailParser]).
//
// Attachment holds the CSV file's bytes exactly as they travel, already
// encoded in Charset (Windows-1252 by default for files this SDK writes); the
// transfer encoding (base64, quoted-printable) is not part of it.
type Message struct {
	From      mail.Address   // the sender; parsing fills Address (and Name when given)
	To        []mail.Address // the recipients
	Subject   string         // decoded text, e.g. "SAV FTTH - SAV_DEPOT_FTEL_ABCD_20260105093000_0001.csv"
	MessageID string         // without angle brackets; Compose generates one when empty
	InReplyTo string         // Message-ID this message answers, without angle brackets; optional
	Date      time.Time      // Compose uses the current time when zero

	Text string // the text/plain part; Compose writes the subject when empty

	FileName   string // the attachment's file name, e.g. SAV_DEPOT_FTEL_ABCD_20260105093000_0001.csv
	Charset    string // the attachment's MIME charset label, e.g. "windows-1252"; empty when the part named none
	Attachment []byte // the CSV file as it travels, in Charset
}

// Composer writes [Message]s as RFC 5322 mail: multipart/mixed with a
// text/plain part (UTF-8, quoted-printable) and the CSV part (text/csv with
// its charset parameter, base64, the file name both as a plain and as an RFC
// 2231 filename* parameter). The zero Composer is ready to use.
type Composer struct {
	// Now gives the Date of a message whose Date is zero; nil means time.Now.
	Now func() time.Time
	// Rand is the source of the random bytes in generated Message-IDs and
	// MIME boundaries; nil means crypto/rand.
	Rand io.Reader
	// Domain is the right-hand side of generated Message-IDs; empty means the
	// domain of the From address.
	Domain string
}

// ComposeMail writes m with a zero [Composer]. See [Composer.Compose].
func ComposeMail(w io.Writer, m *Message) error {
	var c Composer
	return c.Compose(w, m)
}

// Compose writes m to w as an RFC 5322 message with CRLF line ends, ready for
// SMTP DATA or a Maildir file. It sets m.MessageID and m.Date when they are
// empty, so the caller can record the identity of what it sent. It refuses a
// message without a From address, without a recipient or without a file name
// with a [*MailError] wrapping [ErrMailIncomplete]; write errors are returned
// as they are.
func (c *Composer) Compose(w io.Writer, m *Message) error {
	if err := checkOutgoing(m); err != nil {
		return err
	}
	if m.Date.IsZero() {
		if c.Now != nil {
			m.Date = c.Now()
		} else {
			m.Date = time.Now()
		}
	}
	if m.MessageID == "" {
		id, err := c.newMessageID(m)
		if err != nil {
			return err
		}
		m.MessageID = id
	}
	boundary, err := c.random(12)
	if err != nil {
		return err
	}
	boundary = "=_savsdk_" + boundary

	bw := bufio.NewWriter(w)
	h := &headerWriter{w: bw}
	h.field("From", m.From.String())
	tos := make([]string, len(m.To))
	for i, a := range m.To {
		tos[i] = a.String()
	}
	h.field("To", strings.Join(tos, ", "))
	h.field("Subject", encodeHeaderText(m.Subject))
	h.field("Date", m.Date.Format(time.RFC1123Z))
	h.field("Message-ID", "<"+m.MessageID+">")
	if m.InReplyTo != "" {
		h.field("In-Reply-To", "<"+m.InReplyTo+">")
		h.field("References", "<"+m.InReplyTo+">")
	}
	h.field("MIME-Version", "1.0")
	h.field("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": boundary}))
	h.raw("\r\n")
	h.raw("This is a multi-part message in MIME format.\r\n")

	// The text part.
	h.raw("\r\n--" + boundary + "\r\n")
	h.field("Content-Type", "text/plain; charset=utf-8")
	h.field("Content-Transfer-Encoding", "quoted-printable")
	h.raw("\r\n")
	if h.err == nil {
		text := m.Text
		if text == "" {
			text = m.Subject + "\n"
		}
		qp := quotedprintable.NewWriter(bw)
		if _, err := io.WriteString(qp, normalizeNewlines(text)); err != nil {
			h.err = err
		} else if err := qp.Close(); err != nil {
			h.err = err
		}
	}
	h.raw("\r\n")

	// The CSV part.
	h.raw("--" + boundary + "\r\n")
	ct := "text/csv"
	params := map[string]string{"name": asciiFallback(m.FileName)}
	if m.Charset != "" {
		params["charset"] = m.Charset
	}
	h.field("Content-Type", mime.FormatMediaType(ct, params))
	h.field("Content-Disposition", contentDisposition(m.FileName))
	h.field("Content-Transfer-Encoding", "base64")
	h.raw("\r\n")
	if h.err == nil {
		h.err = writeBase64Lines(bw, m.Attachment)
	}
	h.raw("--" + boundary + "--\r\n")
	if h.err != nil {
		return h.err
	}
	return bw.Flush()
}

// composeBytes returns the composed message.
func (c *Composer) composeBytes(m *Message) ([]byte, error) {
	var b bytes.Buffer
	if err := c.Compose(&b, m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Bytes returns the message composed by a zero [Composer]; like
// [Composer.Compose] it sets m.MessageID and m.Date when they are empty.
func (m *Message) Bytes() ([]byte, error) {
	var c Composer
	return c.composeBytes(m)
}

// Recipients returns the bare addresses of m.To, the SMTP envelope
// recipients.
func (m *Message) Recipients() []string {
	out := make([]string, len(m.To))
	for i, a := range m.To {
		out[i] = a.Address
	}
	return out
}

func checkOutgoing(m *Message) error {
	switch {
	case m == nil:
		return &MailError{Err: ErrMailIncomplete, Reason: "nil message"}
	case m.From.Address == "":
		return &MailError{Header: "From", Err: ErrMailIncomplete, Reason: "no sender address"}
	case len(m.To) == 0:
		return &MailError{Header: "To", Err: ErrMailIncomplete, Reason: "no recipient"}
	case m.FileName == "":
		return &MailError{Header: "Content-Disposition", Err: ErrMailIncomplete, Reason: "no attachment file name"}
	}
	for _, a := range append([]mail.Address{m.From}, m.To...) {
		if !validAddrSpec(a.Address) {
			return &MailError{Header: "From/To", Err: ErrMailIncomplete, Reason: fmt.Sprintf("invalid address %q", a.Address)}
		}
	}
	for _, s := range []string{m.MessageID, m.InReplyTo, m.Charset} {
		if strings.ContainsAny(s, "<>\r\n \t") {
			return &MailError{Err: ErrMailIncomplete, Reason: fmt.Sprintf("invalid header value %q", s)}
		}
	}
	if strings.ContainsAny(m.FileName, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return &MailError{Err: ErrMailIncomplete, Reason: "line break in the subject or the file name"}
	}
	// A partner's program may save the file by its name.
	if _, err := SafeFileName(m.FileName); err != nil {
		return &MailError{Header: "Content-Disposition", Err: err}
	}
	return nil
}

// validAddrSpec reports whether a parses as a bare address without a display
// name or angle brackets: what an SMTP envelope accepts.
func validAddrSpec(a string) bool {
	if a == "" || strings.ContainsAny(a, "<>\r\n \t,") {
		return false
	}
	p, err := mail.ParseAddress(a)
	return err == nil && p.Address == a
}

func (c *Composer) random(n int) (string, error) {
	r := c.Rand
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("v1a: random bytes for a message: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func (c *Composer) newMessageID(m *Message) (string, error) {
	r, err := c.random(10)
	if err != nil {
		return "", err
	}
	domain := c.Domain
	if domain == "" {
		if i := strings.LastIndexByte(m.From.Address, '@'); i >= 0 {
			domain = m.From.Address[i+1:]
		}
	}
	if domain == "" {
		domain = "savsdk.invalid"
	}
	return m.Date.UTC().Format("20060102150405") + "." + r + "@" + domain, nil
}

// headerWriter writes header fields, remembering the first error.
type headerWriter struct {
	w   *bufio.Writer
	err error
}

func (h *headerWriter) raw(s string) {
	if h.err == nil {
		_, h.err = h.w.WriteString(s)
	}
}

// field writes "Name: value" folded at spaces so that no line exceeds 78
// characters when that is possible.
func (h *headerWriter) field(name, value string) {
	h.raw(fold(name+": "+value) + "\r\n")
}

func fold(line string) string {
	const limit = 78
	if len(line) <= limit {
		return line
	}
	var b strings.Builder
	for len(line) > limit {
		i := strings.LastIndexByte(line[:limit], ' ')
		if i <= 0 {
			// No space early enough: break at the next space, if any.
			j := strings.IndexByte(line[limit:], ' ')
			if j < 0 {
				break
			}
			i = limit + j
		}
		b.WriteString(line[:i])
		b.WriteString("\r\n")
		line = line[i:] // keeps the space as the folding white space
	}
	b.WriteString(line)
	return b.String()
}

// encodeHeaderText returns s, or its RFC 2047 encoded words when s is not
// printable ASCII.
func encodeHeaderText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// contentDisposition writes the attachment disposition with an ASCII
// filename for old readers and the exact name as an RFC 2231 filename*
// parameter (RFC 6266 §4.3).
func contentDisposition(name string) string {
	return `attachment; filename="` + quoteParam(asciiFallback(name)) + `"; filename*=utf-8''` + rfc2231Escape(name)
}

func quoteParam(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// asciiFallback replaces every rune outside printable ASCII with '_'.
func asciiFallback(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			b.WriteByte('_')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rfc2231Escape percent-encodes everything but RFC 2231 attribute characters.
func rfc2231Escape(s string) string {
	const attrChars = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(attrChars, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

func writeBase64Lines(w *bufio.Writer, data []byte) error {
	const perLine = 57 // 76 encoded characters
	buf := make([]byte, base64.StdEncoding.EncodedLen(perLine))
	for len(data) > 0 {
		n := min(perLine, len(data))
		base64.StdEncoding.Encode(buf, data[:n])
		if _, err := w.Write(buf[:base64.StdEncoding.EncodedLen(n)]); err != nil {
			return err
		}
		if _, err := w.WriteString("\r\n"); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// Sentinel errors of the mail layer, wrapped by [*MailError]. Test them with
// errors.Is.
var (
	// ErrMailIncomplete: a message to compose lacks a sender, a recipient or a
	// file name, or holds a header value that cannot be written.
	ErrMailIncomplete = errors.New("v1a: incomplete message")
	// ErrMailTooLarge: an inbound message exceeds MailLimits.MaxSize.
	ErrMailTooLarge = errors.New("v1a: message too large")
	// ErrMailTooManyParts: an inbound message has more MIME parts than
	// MailLimits.MaxParts.
	ErrMailTooManyParts = errors.New("v1a: too many MIME parts")
	// ErrMailTooDeep: multipart nesting deeper than MailLimits.MaxDepth.
	ErrMailTooDeep = errors.New("v1a: MIME nesting too deep")
	// ErrMailSyntax: the message or one of its parts is not well-formed
	// (header syntax, media type, boundary, transfer encoding).
	ErrMailSyntax = errors.New("v1a: malformed message")
	// ErrNoAttachment: the message carries no CSV file.
	ErrNoAttachment = errors.New("v1a: no CSV attachment")
	// ErrManyAttachments: the message carries more than one CSV file; one
	// mail carries one file.
	ErrManyAttachments = errors.New("v1a: more than one CSV attachment")
)

// MailError reports a message that cannot be composed or parsed. Part is
// the MIME part path ("" for the top-level header, "1", "1.2" for nested
// parts), Header the header field involved, if any.
type MailError struct {
	Part   string
	Header string
	Reason string
	// Err is one of the ErrMail… sentinels, ErrNoAttachment or
	// ErrManyAttachments, or an [*UnsafeNameError] (wrapping
	// [ErrUnsafeName]) for an attachment file name that is not a plain
	// file name.
	Err error
}

func (e *MailError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Part != "" {
		b.WriteString(" (part " + e.Part + ")")
	}
	if e.Header != "" {
		b.WriteString(" [" + e.Header + "]")
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

// Unwrap returns the sentinel (or the *UnsafeNameError).
func (e *MailError) Unwrap() error { return e.Err }
