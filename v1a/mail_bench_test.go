package v1a

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"testing"
)

// bigDepot returns a DEPOT file of n lines in Windows-1252.
func bigDepot(b *testing.B, n int) []byte {
	b.Helper()
	fixture := readMailFixture(b, "depot_win1252.csv")
	header, rest, _ := bytes.Cut(fixture, []byte("\r\n"))
	var buf bytes.Buffer
	buf.Write(header)
	buf.WriteString("\r\n")
	for buf.Len() == len(header)+2 || bytes.Count(buf.Bytes(), []byte("\r\n")) <= n {
		buf.Write(rest)
	}
	return buf.Bytes()
}

// BenchmarkMail measures composing and parsing a mail carrying a
// 1000-line DEPOT file (about 250 kB), next to baselines doing the least
// the same work needs: base64 over the file, and net/mail plus base64 over
// the composed mail. Compare compose with baseline-encode and parse with
// baseline-decode.
func BenchmarkMail(b *testing.B) {
	m := depotMessage(b)
	m.Attachment = bigDepot(b, 1000)
	raw, err := (&Composer{Rand: &counter{}}).composeBytes(m)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("baseline-encode", func(b *testing.B) {
		b.SetBytes(int64(len(m.Attachment)))
		enc := base64.NewEncoder(base64.StdEncoding, io.Discard)
		for b.Loop() {
			if _, err := enc.Write(m.Attachment); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compose", func(b *testing.B) {
		b.SetBytes(int64(len(m.Attachment)))
		c := &Composer{}
		for b.Loop() {
			mm := *m
			mm.MessageID = ""
			if err := c.Compose(io.Discard, &mm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-decode", func(b *testing.B) {
		b.SetBytes(int64(len(m.Attachment)))
		for b.Loop() {
			msg, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				b.Fatal(err)
			}
			_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
			if err != nil {
				b.Fatal(err)
			}
			mr := multipart.NewReader(msg.Body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				if part.Header.Get("Content-Transfer-Encoding") == "base64" {
					if _, err := io.Copy(io.Discard, base64.NewDecoder(base64.StdEncoding, part)); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(m.Attachment)))
		var p MailParser
		for b.Loop() {
			if _, err := p.Parse(bytes.NewReader(raw)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read-records", func(b *testing.B) {
		b.SetBytes(int64(len(m.Attachment)))
		var p MailParser
		for b.Loop() {
			in, err := p.ReadMail(bytes.NewReader(raw))
			if err != nil || len(in.Records) < 1000 {
				b.Fatal(err, len(in.Records))
			}
		}
	})
}

// BenchmarkMaildirDeliverPoll measures one local delivery plus one poll of
// a small DEPOT mail through a Maildir on disk.
func BenchmarkMaildirDeliverPoll(b *testing.B) {
	ctx := context.Background()
	md, err := OpenMaildir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	p := &Poller{Mailbox: md, Handler: MailHandlerFunc(func(context.Context, *Inbound) error { return nil })}
	m := depotMessage(b)
	for b.Loop() {
		mm := *m
		mm.MessageID = ""
		if err := md.Send(ctx, &mm); err != nil {
			b.Fatal(err)
		}
		if res, err := p.Poll(ctx); err != nil || res.Handled != 1 {
			b.Fatal(err, res)
		}
	}
}
