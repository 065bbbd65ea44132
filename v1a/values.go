package v1a

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/opensav/savsdk/ticket"
)

// Wire formats of V1A.md, "CSV format"; times are Europe/Paris wall-clock.
const (
	LayoutDate      = "20060102"       // AAAAMMJJ
	LayoutTimestamp = "20060102150405" // AAAAMMJJHHMMSS
	LayoutMinute    = "200601021504"   // AAAAMMJJHHMM
)

func digits(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// Eight bytes at a time: each must be 0x30 to 0x3F, and still so
		// plus 6 (which 0x3A to 0x3F are not).
		const hi, three, six = 0xF0F0F0F0F0F0F0F0, 0x3030303030303030, 0x0606060606060606
		w := word8(s, i)
		if w&hi != three || (w+six)&hi != three {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// word8 returns the eight bytes of s at i as a little-endian word.
func word8(s string, i int) uint64 {
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ymd checks and returns a calendar date.
func ymd(y, m, d int) (ticket.Date, bool) {
	if y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return ticket.Date{}, false
	}
	return ticket.Date{Year: y, Month: time.Month(m), Day: d}, true
}

// parseDate reads AAAAMMJJ; spreadsheet reports JJ/MM/AAAA (also J/M/AAAA)
// are read too, with spreadsheet set.
func parseDate(s string) (d ticket.Date, spreadsheet, ok bool) {
	if len(s) == 8 && digits(s) {
		d, ok = (*dayCache)(nil).date(s)
		return d, false, ok
	}
	d, ok = parseSlashDate(s)
	return d, ok, ok
}

func parseSlashDate(s string) (ticket.Date, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 ||
		len(parts[2]) != 4 || !digits(parts[0]) || !digits(parts[1]) || !digits(parts[2]) {
		return ticket.Date{}, false
	}
	return ymd(atoiDigits(parts[2]), atoiDigits(parts[1]), atoiDigits(parts[0]))
}

func formatDate(d ticket.Date) string {
	if d.IsZero() {
		return ""
	}
	b := make([]byte, 0, 8)
	b = appendN(b, d.Year, 4)
	b = appendN(b, int(d.Month), 2)
	return string(appendN(b, d.Day, 2))
}

func appendN(b []byte, n, width int) []byte {
	var tmp [8]byte
	i := len(tmp)
	for w := 0; w < width || n > 0; w++ {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if i == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// parseClock reads a date and time of the given number of digits (12:
// AAAAMMJJHHMM, 14: AAAAMMJJHHMMSS) in Europe/Paris; with spreadsheet set, it
// also read "JJ/MM/AAAA HH:MM[:SS]".
func parseClock(s string, n int, dc *dayCache) (t time.Time, spreadsheet, ok bool) {
	if len(s) == n && digits(s) {
		t, ok = clock(s[:8], s[8:10], s[10:12], secPart(s, n), dc)
		return t, false, ok
	}
	date, rest, found := strings.Cut(s, " ")
	if !found {
		return time.Time{}, false, false
	}
	d, okd := parseSlashDate(date)
	hms := strings.Split(strings.TrimSpace(rest), ":")
	if !okd || len(hms) < 2 || len(hms) > 3 {
		return time.Time{}, false, false
	}
	for _, p := range hms {
		if len(p) != 2 || !digits(p) {
			return time.Time{}, false, false
		}
	}
	sec := 0
	if len(hms) == 3 {
		sec = atoiDigits(hms[2])
	}
	h, m := atoiDigits(hms[0]), atoiDigits(hms[1])
	if h > 23 || m > 59 || sec > 59 {
		return time.Time{}, false, false
	}
	return dc.paris(d, h, m, sec), true, true
}

func secPart(s string, n int) string {
	if n == 14 {
		return s[12:14]
	}
	return "00"
}

func clock(date, hh, mm, ss string, dc *dayCache) (time.Time, bool) {
	d, ok := dc.date(date)
	h, m, sec := atoiDigits(hh), atoiDigits(mm), atoiDigits(ss)
	if !ok || h > 23 || m > 59 || sec > 59 {
		return time.Time{}, false
	}
	return dc.paris(d, h, m, sec), true
}

// dayCache remembers the Unix time of the Paris midnight of a few recent
// days without a change of time, so that decoding a wall-clock time there
// is an addition. A nil *dayCache computes every time.
type dayCache struct {
	key  [4]int32 // AAAAMMJJ, 0 for an empty entry
	base [4]int64 // Unix time of the day's midnight in Paris
	next int

	// The last few AAAAMMJJ texts that were valid dates, as eight bytes,
	// with their dates: a file has few dates.
	text     [4]uint64
	textDate [4]ticket.Date
	textNext int
}

// date reads AAAAMMJJ, eight digits.
func (c *dayCache) date(s string) (ticket.Date, bool) {
	if len(s) != 8 {
		return ticket.Date{}, false
	}
	w := word8(s, 0)
	if c != nil && w != 0 { // 0 marks an empty entry
		for i, k := range c.text {
			if k == w {
				return c.textDate[i], true
			}
		}
	}
	if !digits(s) {
		return ticket.Date{}, false
	}
	d, ok := ymd(atoiDigits(s[:4]), atoiDigits(s[4:6]), atoiDigits(s[6:8]))
	if ok && c != nil {
		c.text[c.textNext], c.textDate[c.textNext] = w, d
		c.textNext = (c.textNext + 1) % len(c.text)
	}
	return d, ok
}

// paris returns the Paris wall-clock time h:m:s of day d.
func (c *dayCache) paris(d ticket.Date, h, m, s int) time.Time {
	if c == nil {
		return time.Date(d.Year, d.Month, d.Day, h, m, s, 0, ticket.Paris)
	}
	key := int32(d.Year*10000 + int(d.Month)*100 + d.Day)
	for i, k := range c.key {
		if k == key {
			return time.Unix(c.base[i]+int64(h*3600+m*60+s), 0).In(ticket.Paris)
		}
	}
	midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, ticket.Paris)
	if time.Date(d.Year, d.Month, d.Day, 23, 0, 0, 0, ticket.Paris).Sub(midnight) == 23*time.Hour {
		c.key[c.next], c.base[c.next] = key, midnight.Unix()
		c.next = (c.next + 1) % len(c.key)
		return time.Unix(midnight.Unix()+int64(h*3600+m*60+s), 0).In(ticket.Paris)
	}
	return time.Date(d.Year, d.Month, d.Day, h, m, s, 0, ticket.Paris) // a day with a change of time
}

func formatClock(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	var b [14]byte
	return string(appendClock(b[:0], t, layout == LayoutTimestamp))
}

// appendClock appends AAAAMMJJHHMM, and SS with seconds, of t in
// Europe/Paris.
func appendClock(b []byte, t time.Time, seconds bool) []byte {
	return appendWallClock(b, t.In(ticket.Paris), seconds)
}

// parisClock turns instants into Europe/Paris wall clocks, remembering the
// span of the last offset it met ([time.Time.ZoneBounds]), so that times of
// the same season cost no lookup in the zone's transitions.
type parisClock struct {
	start, end int64 // Unix seconds of the span [start, end) of offset off
	off        int64
	ok         bool
}

// wall returns the Paris wall clock of t, as a UTC time.
func (z *parisClock) wall(t time.Time) time.Time {
	sec := t.Unix()
	if !z.ok || sec < z.start || sec >= z.end {
		p := t.In(ticket.Paris)
		_, off := p.Zone()
		start, end := p.ZoneBounds()
		z.start, z.end, z.off, z.ok = math.MinInt64, math.MaxInt64, int64(off), true
		if !start.IsZero() {
			z.start = start.Unix()
		}
		if !end.IsZero() {
			z.end = end.Unix()
		}
	}
	return time.Unix(sec+z.off, int64(t.Nanosecond())).UTC()
}

// appendClock is the package-level appendClock.
func (z *parisClock) appendClock(b []byte, t time.Time, seconds bool) []byte {
	return appendWallClock(b, z.wall(t), seconds)
}

// appendSlots appends the wire form of slots, as slotWire writes each,
// separated by '|'; false, with dst as it was, when one cannot be written
// (see slotsWritable).
func (z *parisClock) appendSlots(dst []byte, slots []ticket.Slot) ([]byte, bool) {
	n := len(dst)
	for i, sl := range slots {
		d, f := z.wall(sl.Debut), z.wall(sl.Fin)
		if d.Second() != 0 || d.Nanosecond() != 0 || f.Second() != 0 || f.Nanosecond() != 0 {
			return dst[:n], false
		}
		y, m, dd := d.Date()
		fy, fm, fd := f.Date()
		sameDay := fy == y && fm == m && fd == dd
		if !sameDay && !sl.Fin.Equal(time.Date(y, m, dd+1, 0, 0, 0, 0, ticket.Paris)) {
			return dst[:n], false
		}
		if i > 0 {
			dst = append(dst, '|')
		}
		dst = appendWallClock(dst, d, false)
		dst = append(dst, '-')
		if fd != dd {
			dst = append(dst, "2400"...)
		} else {
			h, mi, _ := f.Clock()
			dst = appendN(appendN(dst, h, 2), mi, 2)
		}
	}
	return dst, true
}

// appendWallClock appends AAAAMMJJHHMM, and SS with seconds, of the wall
// clock of t in its own location.
func appendWallClock(b []byte, t time.Time, seconds bool) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendN(b, y, 4)
	b = appendN(b, int(mo), 2)
	b = appendN(b, d, 2)
	b = appendN(b, h, 2)
	b = appendN(b, mi, 2)
	if seconds {
		b = appendN(b, s, 2)
	}
	return b
}

// parseSlots reads PropalRdv: slots AAAAMMJJHHMM-HHMM separated by '|'. It
// returns the slots and the first bad item.
func parseSlots(s string, dc *dayCache) ([]ticket.Slot, string, bool) {
	return parseSlotsInto(nil, s, dc)
}

// parseSlotsInto is parseSlots appending to slots, which has room for
// every item of s when not nil.
func parseSlotsInto(slots []ticket.Slot, s string, dc *dayCache) ([]ticket.Slot, string, bool) {
	if slots == nil {
		slots = make([]ticket.Slot, 0, strings.Count(s, "|")+1)
	}
	for rest := s; ; {
		var it, tail string
		var more bool
		if len(rest) >= 17 && (len(rest) == 17 || rest[17] == '|') {
			// The usual form, without spaces: cut at fixed offsets.
			it, tail, more = rest[:17], rest[min(18, len(rest)):], len(rest) > 17
		} else {
			it, tail, more = strings.Cut(rest, "|")
			it = strings.TrimSpace(it)
		}
		var day, end string
		found := len(it) == 17 && it[12] == '-'
		if found {
			// The usual form: the dash at its fixed offset (a dash earlier
			// fails the digits check below, as it would after a cut).
			day, end = it[:12], it[13:]
		} else {
			day, end, found = strings.Cut(it, "-")
		}
		if !found || len(day) != 12 || len(end) != 4 || !digits(day) || !digits(end) {
			return nil, it, false
		}
		start, ok := clock(day[:8], day[8:10], day[10:12], "00", dc)
		if !ok {
			return nil, it, false
		}
		startHM := atoiDigits(day[8:12])
		endHM := atoiDigits(end)
		if h, m := endHM/100, endHM%100; m > 59 || h > 24 || (h == 24 && m != 0) {
			return nil, it, false
		}
		var fin time.Time
		switch {
		case (startHM >= 300 && endHM >= 300) || (startHM < 200 && endHM < 200):
			// No change of time between or at the two wall clocks (Paris
			// changes between 02:00 and 03:00), whichever comes first: the
			// end is the start plus the difference. Otherwise the end is
			// its wall clock on the start's day, resolved as the start is.
			mins := (endHM/100*60 + endHM%100) - (startHM/100*60 + startHM%100)
			fin = start.Add(time.Duration(mins) * time.Minute)
		case endHM == 2400:
			fin = time.Date(start.Year(), start.Month(), start.Day()+1, 0, 0, 0, 0, ticket.Paris)
		default:
			y, mo, d := start.Date()
			fin = time.Date(y, mo, d, endHM/100, endHM%100, 0, 0, ticket.Paris)
		}
		slots = append(slots, ticket.Slot{Debut: start, Fin: fin})
		if !more {
			return slots, "", true
		}
		rest = tail
	}
}

// slotWire writes one slot; a slot must end on the day it starts (or at the
// midnight that ends it, written 2400) and be whole minutes.
func slotWire(sl ticket.Slot) (string, bool) {
	if !slotsWritable([]ticket.Slot{sl}) {
		return "", false
	}
	var b [17]byte
	out := appendClock(b[:0], sl.Debut, false)
	out = append(out, '-')
	f := sl.Fin.In(ticket.Paris)
	if f.Day() != sl.Debut.In(ticket.Paris).Day() {
		out = append(out, "2400"...)
	} else {
		h, m, _ := f.Clock()
		out = appendN(appendN(out, h, 2), m, 2)
	}
	return string(out), true
}

// slotsWritable reports whether every slot can be written: whole minutes,
// ending on the day it starts or at the midnight that ends it.
func slotsWritable(slots []ticket.Slot) bool {
	for _, sl := range slots {
		d, f := sl.Debut.In(ticket.Paris), sl.Fin.In(ticket.Paris)
		if d.Second() != 0 || d.Nanosecond() != 0 || f.Second() != 0 || f.Nanosecond() != 0 {
			return false
		}
		y, m, dd := d.Date()
		if fy, fm, fd := f.Date(); (fy != y || fm != m || fd != dd) &&
			!f.Equal(time.Date(y, m, dd+1, 0, 0, 0, 0, ticket.Paris)) {
			return false
		}
	}
	return true
}

// slotText is a slot as a string for messages.
func slotText(sl ticket.Slot) string {
	if t, ok := slotWire(sl); ok {
		return t
	}
	return formatClock(sl.Debut, LayoutTimestamp) + "-" + formatClock(sl.Fin, LayoutTimestamp)
}

// stripPhone removes the separators partners put in phone numbers: spaces,
// dots, dashes, slashes, parentheses and no-break spaces.
func stripPhone(s string) string {
	if digits(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ', '.', '-', '/', '\t', '(', ')', '\u00a0', '\u202f':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// repairPhone undoes what a spreadsheet does to a phone number it took for a
// number: nine digits starting 1–9 lost their leading 0; eleven digits
// starting 33 lost their +. It returns the repaired value and whether it
// changed.
func repairPhone(s string) (string, bool) {
	if !digits(s) {
		return s, false
	}
	switch {
	case len(s) == 9 && s[0] != '0':
		return "0" + s, true
	case len(s) == 11 && strings.HasPrefix(s, "33") && s[2] != '0':
		return "+" + s, true
	}
	return s, false
}

// validPhone reports a French number as the protocol writes it: 0 and nine
// digits, or +33 and nine digits, the first not 0.
func validPhone(s string) bool {
	var rest string
	switch {
	case strings.HasPrefix(s, "+33"):
		rest = s[3:]
	case strings.HasPrefix(s, "0"):
		rest = s[1:]
	default:
		return false
	}
	return len(rest) == 9 && rest[0] != '0' && digits(rest)
}

func itoa(n int) string { return strconv.Itoa(n) }

// quoteValue quotes a value for a finding's message, shortened when long.
func quoteValue(s string) string {
	const max = 60
	if n := len([]rune(s)); n > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}
