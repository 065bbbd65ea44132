package v1a_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/opensav/savsdk/v1a"
)

// FuzzReadMail reads arbitrary mails whole, as a Poller does: the message,
// then its CSV file. It must not panic; it must fail only with the typed
// errors of the mail parser and the reader; a message that parses comes
// back with its error so its sender can be answered; decoding a message
// again gives the same records; each record is of the file's flow and
// writes and reads back equal.
func FuzzReadMail(f *testing.F) {
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
	p := v1a.MailParser{Limits: v1a.MailLimits{MaxSize: 1 << 20, MaxParts: 32, MaxDepth: 6}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := p.ReadMail(bytes.NewReader(raw))
		if err != nil {
			var (
				me *v1a.MailError
				pe *v1a.ParseError
				he *v1a.HeaderError
			)
			if !errors.As(err, &me) && !errors.As(err, &pe) && !errors.As(err, &he) && !errors.Is(err, v1a.ErrCharset) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if in != nil && in.Message == nil {
				t.Fatal("an Inbound without its message")
			}
			if me == nil && in == nil {
				t.Fatalf("the message parsed but is not returned with the file's error %v", err)
			}
			return
		}
		if in == nil || in.Message == nil {
			t.Fatal("nil Inbound without an error")
		}
		if in.Flow == "" {
			t.Fatal("a file read without a flow")
		}
		again, err := p.Decode(in.Message)
		if err != nil {
			t.Fatalf("decoding the message again: %v", err)
		}
		if again.Flow != in.Flow || again.Name != in.Name || (again.NameErr == nil) != (in.NameErr == nil) {
			t.Fatalf("decoded again as %v %v %v, first %v %v %v", again.Flow, again.Name, again.NameErr, in.Flow,
				in.Name, in.NameErr)
		}
		if d := cmp.Diff(in.Records, again.Records, timeEqual); d != "" {
			t.Fatalf("records changed when decoded again (-first +second):\n%s", d)
		}
		if len(in.Problems) != len(again.Problems) {
			t.Fatalf("%d problems, then %d", len(in.Problems), len(again.Problems))
		}
		for _, pr := range in.Problems {
			if pr.Line < 2 {
				t.Fatalf("problem on line %d: %v", pr.Line, pr)
			}
		}
		for _, rec := range in.Records {
			if rec.Flow() != in.Flow {
				t.Fatalf("a %s record in a %s file", rec.Flow(), in.Flow)
			}
			roundTrip(t, rec)
		}
	})
}
