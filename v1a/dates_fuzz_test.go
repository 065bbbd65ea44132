package v1a

import (
	"strings"
	"testing"
	"time"

	"github.com/opensav/savsdk/ticket"
)

// FuzzDates reads arbitrary texts as the dates, times and slots of the CSV
// flows, twice over, with and without the day cache the reader keeps: the
// cache must never change a result; a date must be the calendar date its
// AAAAMMJJ names, and write back to the same text; a time and a slot must
// be the Europe/Paris wall clock their digits name.
func FuzzDates(f *testing.F) {
	f.Add("20261201", "202612010830", "20261201083015", "202612010800-1200|202612011400-2400")
	f.Add("20260329", "202603290230", "20260329023000", "202603290100-0400")
	f.Add("20261025", "202610250230", "20261025023000", "202610250100-0400")
	f.Add("01/12/2026", "01/12/2026 08:30", "1/2/2026 08:30:15", "202612010800-1200 | 202612020800-1200")
	f.Add("20240229", "20230229", "29/02/2024", "")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		var dc dayCache
		for range 2 {
			for _, s := range []string{a, b, c, d} {
				checkDate(t, &dc, s)
				checkClock(t, &dc, s, 12, LayoutMinute)
				checkClock(t, &dc, s, 14, LayoutTimestamp)
				checkSlots(t, &dc, s)
			}
		}
	})
}

func checkDate(t *testing.T, dc *dayCache, s string) {
	t.Helper()
	d1, ok1 := dc.date(s)
	d0, ok0 := (*dayCache)(nil).date(s)
	if ok1 != ok0 || d1 != d0 {
		t.Fatalf("date(%q): %v %v with the cache, %v %v without", s, d1, ok1, d0, ok0)
	}
	ref, err := time.Parse(LayoutDate, s)
	inRange := err == nil && ref.Year() >= 1900 && ref.Year() <= 2999 && digits(s)
	if ok0 != inRange {
		t.Fatalf("date(%q) = %v, %v; time.Parse: %v, %v", s, d0, ok0, ref, err)
	}
	if !ok0 {
		return
	}
	if d0 != ticket.DateOf(ref) {
		t.Fatalf("date(%q) = %v, time.Parse reads %v", s, d0, ref)
	}
	if got := formatDate(d0); got != s {
		t.Fatalf("date(%q) = %v, written %q", s, d0, got)
	}
	pd, sheet, ok := parseDate(s)
	if !ok || sheet || pd != d0 {
		t.Fatalf("parseDate(%q) = %v %v %v, date = %v", s, pd, sheet, ok, d0)
	}
}

func checkClock(t *testing.T, dc *dayCache, s string, n int, layout string) {
	t.Helper()
	t1, sh1, ok1 := parseClock(s, n, dc)
	t0, sh0, ok0 := parseClock(s, n, nil)
	if ok1 != ok0 || sh1 != sh0 || !t1.Equal(t0) {
		t.Fatalf("parseClock(%q, %d): %v %v %v with the cache, %v %v %v without", s, n, t1, sh1, ok1, t0, sh0, ok0)
	}
	if !ok0 || sh0 {
		return
	}
	ref, err := time.ParseInLocation(layout, s, ticket.Paris)
	if err != nil || !ref.Equal(t0) {
		t.Fatalf("parseClock(%q, %d) = %v; time.ParseInLocation: %v, %v", s, n, t0, ref, err)
	}
}

func checkSlots(t *testing.T, dc *dayCache, s string) {
	t.Helper()
	s1, bad1, ok1 := parseSlots(s, dc)
	s0, bad0, ok0 := parseSlots(s, nil)
	if ok1 != ok0 || bad1 != bad0 || len(s1) != len(s0) {
		t.Fatalf("parseSlots(%q): %v %q %v with the cache, %v %q %v without", s, s1, bad1, ok1, s0, bad0, ok0)
	}
	for i := range s0 {
		if !s1[i].Debut.Equal(s0[i].Debut) || !s1[i].Fin.Equal(s0[i].Fin) {
			t.Fatalf("parseSlots(%q): slot %d is %v with the cache, %v without", s, i, s1[i], s0[i])
		}
	}
	if !ok0 {
		return
	}
	items := strings.Split(s, "|")
	if len(items) != len(s0) {
		t.Fatalf("parseSlots(%q): %d slots from %d items", s, len(s0), len(items))
	}
	for i, it := range items {
		it = strings.TrimSpace(it)
		day, end, _ := strings.Cut(it, "-")
		debut, err := time.ParseInLocation(LayoutMinute, day, ticket.Paris)
		if err != nil {
			t.Fatalf("parseSlots(%q): slot %d read from %q: %v", s, i, it, err)
		}
		y, m, dd := debut.Date()
		fin := time.Date(y, m, dd+1, 0, 0, 0, 0, ticket.Paris)
		if end != "2400" {
			fin = time.Date(y, m, dd, atoiDigits(end[:2]), atoiDigits(end[2:]), 0, 0, ticket.Paris)
		}
		if !s0[i].Debut.Equal(debut) || !s0[i].Fin.Equal(fin) {
			t.Fatalf("parseSlots(%q): slot %d is %v – %v, the wall clocks of %q are %v – %v", s, i,
				s0[i].Debut, s0[i].Fin, it, debut, fin)
		}
	}
}
