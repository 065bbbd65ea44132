package v1a

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseMail feeds arbitrary bytes to the mail parser: it must never
// panic, must fail only with a typed error, and whatever it reads must
// survive composing it again and parsing that.
func FuzzParseMail(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "mail", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	p := MailParser{Limits: MailLimits{MaxSize: 1 << 20, MaxParts: 32, MaxDepth: 6}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := p.Parse(bytes.NewReader(raw))
		if err != nil {
			if _, ok := err.(*MailError); !ok {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil message without an error")
		}
		if m.From.Address == "" || len(m.To) == 0 || m.FileName == "" {
			return // nothing to compose
		}
		var buf bytes.Buffer
		if err := ComposeMail(&buf, m); err != nil {
			return // a header value Compose refuses to write
		}
		again, err := p.Parse(&buf)
		if err != nil {
			t.Fatalf("composed message does not parse: %v\n%s", err, buf.Bytes())
		}
		if !bytes.Equal(m.Attachment, again.Attachment) {
			t.Fatalf("attachment changed:\n%q\n%q", m.Attachment, again.Attachment)
		}
		if again.Charset != m.Charset {
			t.Fatalf("charset %q became %q", m.Charset, again.Charset)
		}
		if utf8.ValidString(m.FileName) && printable(m.FileName) && again.FileName != m.FileName {
			t.Fatalf("file name %q became %q", m.FileName, again.FileName)
		}
		if utf8.ValidString(m.Subject) && printable(m.Subject) &&
			strings.Join(strings.Fields(again.Subject), " ") != strings.Join(strings.Fields(m.Subject), " ") {
			t.Fatalf("subject %q became %q", m.Subject, again.Subject)
		}
		if again.MessageID != m.MessageID {
			t.Fatalf("Message-ID %q became %q", m.MessageID, again.MessageID)
		}
	})
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return false
		}
	}
	return true
}
