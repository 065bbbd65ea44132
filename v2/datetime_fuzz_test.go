package v2

import (
	"strings"
	"testing"
	"time"

	"github.com/opensav/savsdk/ticket"
)

// FuzzParseDateTime reads arbitrary xs:dateTime texts, as the values and the
// sav:entete carry them. A time read must write back (FormatDateTime) to a
// text that reads as the same instant with the same offset; a text without
// offset is the wall clock of the location given. An offset of whole
// minutes is kept; another (a local mean time) is written in UTC.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2026-03-02T10:00:00+01:00", "2026-03-02T10:00:00Z", "2026-03-02T10:00:00.123456789-05:30",
		"2026-03-29T02:30:00", "2026-10-25T02:30:00", " 2026-03-02T10:00:00 ", "2026-03-02", "2026-13-02T10:00:00",
		"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999+14:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseDateTime(s, ticket.Paris)
		if err != nil {
			return
		}
		text := FormatDateTime(tm)
		back, err := ParseDateTime(text, time.UTC)
		if err != nil {
			t.Fatalf("%q read as %v, written %q, which does not read: %v", s, tm, text, err)
		}
		_, off1 := tm.Zone()
		_, off2 := back.Zone()
		if off1%60 != 0 {
			off1 = 0
		}
		if !back.Equal(tm) || off1 != off2 {
			t.Fatalf("%q read as %v, written %q, read back as %v", s, tm, text, back)
		}
		if again := FormatDateTime(back); again != text {
			t.Fatalf("%q written %q, then %q", s, text, again)
		}
		if !strings.ContainsAny(strings.TrimSpace(s)[10:], "Zz+-") {
			y, mo, d := tm.In(ticket.Paris).Date()
			h, mi, sec := tm.In(ticket.Paris).Clock()
			wall := time.Date(y, mo, d, h, mi, sec, tm.Nanosecond(), ticket.Paris)
			if !wall.Equal(tm) {
				t.Fatalf("%q read as %v, not a Paris wall clock", s, tm)
			}
		}
	})
}
