package v1a

import (
	"bytes"
	"io"
	"net/mail"
)

// MessageOptions tunes [NewMessage]. The zero value writes V1A.md's defaults:
// the default naming and subjects, Windows-1252, the flow's default layout.
type MessageOptions struct {
	// Naming gives the file name and the subject; nil means DefaultNaming().
	Naming *Naming
	// Charset of the CSV file; the zero value is Windows-1252.
	Charset Charset
	// Layout of the CSV file for a partner; nil means the flow's
	// DefaultLayout.
	Layout *Layout
	// Text is the text/plain part; empty means the subject.
	Text string
	// InReplyTo is the Message-ID the message answers (an AR answers its
	// DEPOT's mail).
	InReplyTo string
}

// NewMessage returns the mail carrying one file of name.Flow from from to
// to: the records written by a [Writer] (header line, CRLF, the charset of
// opt), the normalised file name and the subject of V1A.md ("SAV FTTH - …",
// "PREVENANCE FTTH - …", "DOMMAGE FTTH - …"). It checks the name
// ([FileName.Check]) and returns the writer's errors (a record of another
// flow, a rune the charset cannot encode) as they are.
func NewMessage(from mail.Address, to []mail.Address, name FileName, recs []Record, opt *MessageOptions) (*Message, error) {
	if opt == nil {
		opt = &MessageOptions{}
	}
	if err := name.Check(); err != nil {
		return nil, err
	}
	naming := DefaultNaming()
	if opt.Naming != nil {
		naming = *opt.Naming
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, name.Flow)
	w.Charset = opt.Charset
	w.Layout = opt.Layout
	if err := w.WriteHeader(); err != nil {
		return nil, err
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return &Message{
		From:       from,
		To:         to,
		Subject:    naming.Subject(name),
		InReplyTo:  opt.InReplyTo,
		Text:       opt.Text,
		FileName:   naming.Format(name),
		Charset:    opt.Charset.String(),
		Attachment: buf.Bytes(),
	}, nil
}

// Inbound is an inbound mail read whole: the message, the normalised name
// of its file and the file's records.
type Inbound struct {
	Message *Message
	// Name is the file's normalised name, read from the attachment's file
	// name or, failing that, from the subject; NameErr says why neither
	// parsed (a file renamed by a person still decodes: its flow comes from
	// its header line).
	Name    FileName
	NameErr error
	// Flow is the flow named by the file's header line.
	Flow Flow
	// Records are the file's lines, in order; Problems the per-line findings
	// and warnings of lenient reading (nil when every line was clean).
	Records  []Record
	Problems []*RecordError
}

// Sender returns the sender's bare address.
func (in *Inbound) Sender() string { return in.Message.From.Address }

// ReadMail parses one message and decodes its CSV file with a zero
// [MailParser]. See [MailParser.ReadMail].
func ReadMail(r io.Reader) (*Inbound, error) {
	var p MailParser
	return p.ReadMail(r)
}

// ReadMail parses one message ([MailParser.Parse]) and decodes its file
// ([MailParser.Decode]). When the message parses but its file does not,
// the Inbound is returned with the error, so the caller knows whom to
// answer.
func (p *MailParser) ReadMail(r io.Reader) (*Inbound, error) {
	m, err := p.Parse(r)
	if err != nil {
		if m == nil {
			return nil, err
		}
		in := &Inbound{Message: m}
		in.Name, in.NameErr = p.fileName(m)
		return in, err
	}
	return p.Decode(m)
}

// Decode turns a parsed message's attachment into records: the attachment's
// bytes and MIME charset go through a [Reader] set with the parser's
// Layouts, Aliases and Strict. Errors are the Reader's fatal ones
// ([*ParseError], [*HeaderError], an unknown charset); the Inbound is
// returned with them. When m has no file name but its subject holds a
// normalised one, Decode sets m.FileName to it.
func (p *MailParser) Decode(m *Message) (*Inbound, error) {
	in := &Inbound{Message: m}
	in.Name, in.NameErr = p.fileName(m)
	r := NewReader(bytes.NewReader(m.Attachment))
	r.Charset = m.Charset
	r.Layouts = p.Layouts
	r.Aliases = p.Aliases
	r.Strict = p.Strict
	flow, recs, probs, err := r.ReadAll()
	in.Flow, in.Records, in.Problems = flow, recs, probs
	return in, err
}

// fileName reads the normalised name of m's file from its file name, else
// from its subject. When m has no file name but the subject holds one, it
// becomes m.FileName.
func (p *MailParser) fileName(m *Message) (FileName, error) {
	naming := DefaultNaming()
	if p.Naming != nil {
		naming = *p.Naming
	}
	var nameErr error
	if m.FileName != "" {
		n, err := naming.Parse(m.FileName)
		if err == nil {
			return n, nil
		}
		nameErr = err
	}
	n, err := naming.ParseSubject(m.Subject)
	if err != nil {
		if nameErr != nil {
			return FileName{}, nameErr
		}
		return FileName{}, err
	}
	if m.FileName == "" {
		m.FileName = naming.Format(n)
	}
	return n, nil
}
