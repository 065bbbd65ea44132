package v1a

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParseCharset reads arbitrary charset labels. A refusal must wrap
// ErrCharset; an accepted label must name the charset the reader decodes
// with for the same label, and the charset's own label must parse back to
// it.
func FuzzParseCharset(f *testing.F) {
	for _, s := range []string{"windows-1252", "UTF-8", " utf8 ", "latin1", "ISO-8859-1", "iso-8859-15",
		"l9", "cp1252", "us-ascii", "utf-16", "x-user-defined", "", "\"utf-8\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		c, err := ParseCharset(label)
		if err != nil {
			if !errors.Is(err, ErrCharset) {
				t.Fatalf("ParseCharset(%q): error does not wrap ErrCharset: %v", label, err)
			}
			return
		}
		again, err := ParseCharset(c.String())
		if err != nil || again != c {
			t.Fatalf("ParseCharset(%q) = %v, whose label %q reads as %v, %v", label, c, c.String(), again, err)
		}
		m, skip, err := chooseCharset(label, []byte("a;b\r\n"), true)
		if err != nil || skip != 0 {
			t.Fatalf("the writer takes %q as %v, the reader refuses it: %v", label, c, err)
		}
		if m.name != c.String() {
			t.Fatalf("the writer takes %q as %v, the reader as %s", label, c, m.name)
		}
	})
}

// FuzzCharsetEncode checks the charsets the writer writes: what Encodable
// accepts, appendEncoded writes and the reader's table decodes back to the
// same text; what appendEncoded refuses, Encodable refuses with the same
// rune.
func FuzzCharsetEncode(f *testing.F) {
	f.Add("Lefèvre œuvre 12 €", uint8(Windows1252))
	f.Add("Lefèvre œuvre 12 €", uint8(ISO885915))
	f.Add("naïve ½ ¤", uint8(ISO885915))
	f.Add("日本", uint8(UTF8))
	f.Add("bad \xff byte", uint8(UTF8))
	f.Add("\u0081 \u008d", uint8(Windows1252))
	f.Add("\ufffd", uint8(Windows1252))
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		c := Charset(which % 3)
		r, ok := c.Encodable(s)
		b, r2, ok2 := appendEncoded(nil, s, c.charmapOf())
		if !ok2 {
			if ok {
				t.Fatalf("%v: Encodable(%q) accepts, appendEncoded refuses %U", c, s, r2)
			}
			if r != r2 {
				t.Fatalf("%v: %q: Encodable refuses %U, appendEncoded %U", c, s, r, r2)
			}
			return
		}
		if !ok {
			if c != UTF8 || r != utf8.RuneError {
				t.Fatalf("%v: Encodable(%q) refuses %U, appendEncoded writes it", c, s, r)
			}
			return // Encodable also refuses a literal U+FFFD in UTF-8
		}
		var back string
		if cm := c.charmapOf(); cm != nil {
			back = decodeTable(b, tableOf(cm))
		} else {
			back = string(b)
		}
		if back != s {
			t.Fatalf("%v: %q written as %q, read back as %q", c, s, b, back)
		}
	})
}
