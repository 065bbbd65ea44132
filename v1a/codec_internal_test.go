package v1a

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/opensav/savsdk/ticket"
)

func TestHasControl(t *testing.T) {
	slow := func(s string, multi bool) bool {
		for i := 0; i < len(s); i++ {
			if b := s[i]; (b < 0x20 || b == 0x7f) && !(multi && (b == '\n' || b == '\t')) {
				return true
			}
		}
		return false
	}
	base := strings.Repeat("Pas de signal chez notre cliente é€ ", 3)
	for _, c := range []byte{0, 1, '\t', '\n', '\r', 0x1f, ' ', '~', 0x7f, 0x80, 0xff} {
		for pos := 0; pos < len(base); pos += 7 {
			s := base[:pos] + string([]byte{c}) + base[pos:]
			for _, multi := range []bool{false, true} {
				require.Equal(t, slow(s, multi), hasControl(s, multi), "%q at %d", c, pos)
			}
			require.Equal(t, !slow(s, false), controlFree([]byte(s)), "%q at %d", c, pos)
		}
	}
}

func TestASCIIPrefix(t *testing.T) {
	for n := range 40 {
		b := []byte(strings.Repeat("a", n) + "é" + "bbbbbbbbbb")
		require.Equal(t, n, asciiPrefix(b))
		require.Equal(t, n, asciiPrefix(b[:n]))
		require.Equal(t, n, asciiPrefixString(string(b)))
		require.Equal(t, n, asciiPrefixString(string(b[:n])))
	}
}

// The day cache gives the same instants as time.Date, on ordinary days and
// on the days Paris changes time.
func TestDayCache(t *testing.T) {
	var dc dayCache
	for day := time.Date(2025, 12, 25, 0, 0, 0, 0, time.UTC); day.Year() < 2027; day = day.AddDate(0, 0, 3) {
		d := ticket.DateOf(day)
		for _, hm := range [][2]int{{0, 0}, {1, 30}, {2, 30}, {3, 0}, {12, 15}, {23, 59}} {
			want := time.Date(d.Year, d.Month, d.Day, hm[0], hm[1], 0, 0, ticket.Paris)
			got := dc.paris(d, hm[0], hm[1], 0)
			require.True(t, want.Equal(got), "%v %v: %v != %v", d, hm, got, want)
		}
	}
	for _, d := range []ticket.Date{{Year: 2026, Month: 3, Day: 29}, {Year: 2026, Month: 10, Day: 25}} {
		for h := range 24 {
			want := time.Date(d.Year, d.Month, d.Day, h, 0, 0, 0, ticket.Paris)
			require.True(t, want.Equal(dc.paris(d, h, 0, 0)), "%v %d", d, h)
		}
	}
}

// The day cache reads AAAAMMJJ as parseDate does, whether the text is in
// the cache or not.
func TestDayCacheDate(t *testing.T) {
	var dc dayCache
	inputs := []string{"20260105", "20260229", "20240229", "2026010", "202601055", "\x00\x00\x00\x00\x00\x00\x00\x00",
		"2026-1-5", "20261305", "20260100", "19000101", "30000101", "20260131", "20260431", "2026010a", "20260105"}
	for range 3 {
		for _, s := range inputs {
			want, sheet, ok := parseDate(s)
			if sheet {
				want, ok = ticket.Date{}, false
			}
			got, gotOK := dc.date(s)
			require.Equal(t, ok, gotOK, "%q", s)
			require.Equal(t, want, got, "%q", s)
			nilGot, nilOK := (*dayCache)(nil).date(s)
			require.Equal(t, ok, nilOK, "%q", s)
			require.Equal(t, want, nilGot, "%q", s)
		}
	}
}

// The fast line path cuts decoded text, unless the charset decodes a high
// byte to ASCII: then it cuts the bytes first, and that byte is text, never
// a separator.
func TestScannerFastLineCharsets(t *testing.T) {
	odd := *cp1252Hi
	odd[0x81-0x80] = utf8Seq{b: [4]byte{';'}, n: 1} // 0x81 is unused in Windows-1252
	cells := func(hi *[128]utf8Seq, line string) []string {
		s := newScanner(strings.NewReader(line), ';', 0, nil, 0, 0)
		s.setCharset(hi)
		require.NoError(t, s.next())
		var out []string
		for i := range s.ends {
			out = append(out, string(s.cellBytes(i)))
		}
		return out
	}
	for _, line := range []string{
		"a;b;c\r\n", " a ;\tb\t; c\n", ";;x;\n", "Lef\xe8vre ; Zo\xe9 ;\xe9\n", "  \n;x", "\xe9\n",
		"VIA0A000000000000001;FI-0000-0001;BTGP-MG-OI-000001-ZZZZ;20260101;COUPURE;PTO;Lef\xe8vre;Zo\xe9;0600000001;;;;x\n",
		";;;;;;;;;;;;;;;;;;;;\n;;;;;;;;;;;;;;;;;;;x\n", "  ;  ;\t\t;abcdefgh;abcdefg;abcdefghi; abcdefgh ;\x01;\x7f\n",
	} {
		want := cells(nil, line)
		for i, c := range want {
			want[i] = decodeTable([]byte(c), cp1252Table)
		}
		require.Equal(t, want, cells(cp1252Hi, line), "%q", line)
		require.Equal(t, want, cells(&odd, line), "%q", line)
	}
	require.Equal(t, []string{"a;b", "c"}, cells(&odd, "a\x81b;c\n"))
	// Whether a line has control characters is noted on the way.
	for line, clean := range map[string]bool{
		"abcdefgh;abcdefgh;abcdefgh\n": true, "abcdefgh;abc\tdefgh;abcdefgh\n": false,
		"abcdefgh;abcdefgh;abcdefg\x7f\n": false, "ab\x01\n": false, "ab\xe9\n": true,
	} {
		s := newScanner(strings.NewReader(line), ';', 0, nil, 0, 0)
		s.setCharset(cp1252Hi)
		require.NoError(t, s.next())
		require.Equal(t, clean, s.clean, "%q", line)
		require.Equal(t, clean, controlFree(s.rec), "%q", line)
	}
}

// The writer's cached Paris clock formats times and slots as the
// package-level functions do, across changes of time and for slots that
// cannot be written.
func TestParisClock(t *testing.T) {
	var z parisClock
	old := func(slots []ticket.Slot) (string, bool) {
		if !slotsWritable(slots) {
			return "", false
		}
		var parts []string
		for _, sl := range slots {
			w, _ := slotWire(sl)
			parts = append(parts, w)
		}
		return strings.Join(parts, "|"), true
	}
	var starts []time.Time
	for _, y := range []int{1916, 1940, 1945, 1976, 2000, 2026, 2027, 2100} {
		for _, d := range []time.Time{
			time.Date(y, 3, 1, 0, 0, 0, 0, ticket.Paris), time.Date(y, 10, 1, 0, 0, 0, 0, ticket.Paris),
			time.Date(y, 6, 14, 20, 0, 0, 0, ticket.Paris), time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC),
		} {
			for h := 0; h < 40*24; h += 7 {
				starts = append(starts, d.Add(time.Duration(h)*time.Hour))
			}
		}
	}
	for _, st := range starts {
		for _, st := range []time.Time{st, st.Add(30 * time.Minute), st.Add(time.Second), st.Add(time.Millisecond)} {
			require.Equal(t, string(appendClock(nil, st, true)), string(z.appendClock(nil, st, true)), "%v", st)
			require.Equal(t, string(appendClock(nil, st, false)), string(z.appendClock(nil, st, false)), "%v", st)
			y, m, d := st.In(ticket.Paris).Date()
			for _, fin := range []time.Time{st.Add(2 * time.Hour), st.Add(23 * time.Hour), st.Add(90 * time.Second),
				time.Date(y, m, d+1, 0, 0, 0, 0, ticket.Paris), time.Date(y, m, d+1, 0, 1, 0, 0, ticket.Paris)} {
				slots := []ticket.Slot{{Debut: st, Fin: fin}, {Debut: st.Add(time.Hour), Fin: fin}}
				want, wantOK := old(slots)
				got, ok := z.appendSlots([]byte("x"), slots)
				require.Equal(t, wantOK, ok, "%v", slots)
				if ok {
					require.Equal(t, "x"+want, string(got), "%v", slots)
				} else {
					require.Equal(t, "x", string(got))
				}
			}
		}
	}
}

// appendEncoded's table of the first 256 runes agrees with the charmaps.
func TestAppendEncodedLatin(t *testing.T) {
	for _, cm := range []*charmap.Charmap{charmap.Windows1252, charmap.ISO8859_15} {
		got, _, ok := appendEncoded([]byte("x"), "Lefèvre, Cœurdevey : 12 € à l'étage…", cm)
		want, _ := cm.NewEncoder().String("Lefèvre, Cœurdevey : 12 € à l'étage…")
		if cm == charmap.ISO8859_15 {
			require.False(t, ok) // no …
		} else {
			require.True(t, ok)
			require.Equal(t, "x"+want, string(got))
		}
		for r := rune(0x80); r < 0x200; r++ {
			wantB, wantOK := cm.EncodeRune(r)
			got, bad, ok := appendEncoded(nil, "a"+string(r), cm)
			require.Equal(t, wantOK, ok, "%U", r)
			if ok {
				require.Equal(t, []byte{'a', wantB}, got, "%U", r)
			} else {
				require.Equal(t, r, bad)
			}
		}
	}
}

func TestScanCell(t *testing.T) {
	slow := func(s string, comma byte) (quote, ascii, cr bool) {
		ascii = true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 0x80 {
				ascii = false
			}
			if c == comma || c == '"' || c == '\r' || c == '\n' {
				quote = true
			}
			if c == '\r' {
				cr = true
			}
		}
		if s != "" && (s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
			quote = true
		}
		return quote, ascii, cr
	}
	base := "Pas de signal chez notre cliente: -19 dBm au PM"
	for _, comma := range []byte{';', ',', '\t'} {
		w := &Writer{Comma: comma}
		for _, c := range []string{"", ";", ",", "\t", "\"", "\r", "\n", " ", "é", "…", "\x7f", "\x00", "'"} {
			for pos := 0; pos <= len(base); pos++ {
				s := base[:pos] + c + base[pos:]
				q, a, r := slow(s, comma)
				gq, ga, gr := w.scanCell(s)
				require.Equal(t, []bool{q, a, r}, []bool{gq, ga, gr}, "%q", s)
				s = s[:min(len(s), pos+1)]
				q, a, r = slow(s, comma)
				gq, ga, gr = w.scanCell(s)
				require.Equal(t, []bool{q, a, r}, []bool{gq, ga, gr}, "%q", s)
			}
		}
	}
}

func TestQuotedText(t *testing.T) {
	for n := range 300 {
		for _, c := range []byte{'"', '\r', '\n'} {
			b := []byte(strings.Repeat("é;x ", 80)[:n] + string(c) + "abc\"\r\n")
			require.Equal(t, n, quotedText(b), "%q after %d", c, n)
			require.Equal(t, n, quotedText(b[:n]))
		}
	}
}
