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
	"time"
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
		for b.Loop() {
			baselineEncode(b, m.Attachment)
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
			baselineDecode(b, raw)
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

// baselineEncode is the least composing needs: base64 over the file.
func baselineEncode(b *testing.B, data []byte) {
	enc := base64.NewEncoder(base64.StdEncoding, io.Discard)
	if _, err := enc.Write(data); err != nil {
		b.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		b.Fatal(err)
	}
}

// baselineDecode is the least parsing needs: net/mail, the multipart reader
// and base64 over the attachment, with nothing kept.
func baselineDecode(b *testing.B, raw []byte) {
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
			return
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

// BenchmarkMailRatio runs each operation right after its baseline in every
// iteration and reports the ratios of their times (compose/baseline,
// parse/baseline), which machine load affects far less than ns/op.
func BenchmarkMailRatio(b *testing.B) {
	m := depotMessage(b)
	m.Attachment = bigDepot(b, 1000)
	raw, err := (&Composer{Rand: &counter{}}).composeBytes(m)
	if err != nil {
		b.Fatal(err)
	}
	var p MailParser
	c := &Composer{}
	var tEnc, tCompose, tDec, tParse time.Duration
	for b.Loop() {
		t0 := time.Now()
		baselineEncode(b, m.Attachment)
		t1 := time.Now()
		mm := *m
		mm.MessageID = ""
		if err := c.Compose(io.Discard, &mm); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		baselineDecode(b, raw)
		t3 := time.Now()
		if _, err := p.Parse(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		tEnc += t1.Sub(t0)
		tCompose += t2.Sub(t1)
		tDec += t3.Sub(t2)
		tParse += t4.Sub(t3)
	}
	b.ReportMetric(float64(tCompose)/float64(tEnc), "compose/baseline")
	b.ReportMetric(float64(tParse)/float64(tDec), "parse/baseline")
}
