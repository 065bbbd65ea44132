package soap

import (
	"testing"
	"time"
)

// FuzzParseDateTime reads arbitrary sav:entete horodatage texts. A time
// read must write back (FormatDateTime) to a text that reads as the same
// instant, written again the same.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2026-03-02T10:00:00+01:00", "2026-03-02T10:00:00Z", "2026-03-02T10:00:00.5-05:30",
		"2026-03-29T02:30:00", "2026-10-25T02:30:00", "2026-03-02", "0001-01-01T00:00:00Z"} {
		f.Add(s)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		f.Skip("no time zone database")
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseDateTime(s, paris)
		if err != nil {
			return
		}
		text := FormatDateTime(tm)
		back, err := ParseDateTime(text, time.UTC)
		if err != nil {
			t.Fatalf("%q read as %v, written %q, which does not read: %v", s, tm, text, err)
		}
		if !back.Equal(tm) {
			t.Fatalf("%q read as %v, written %q, read back as %v", s, tm, text, back)
		}
		if again := FormatDateTime(back); again != text {
			t.Fatalf("%q written %q, then %q", s, text, again)
		}
	})
}
