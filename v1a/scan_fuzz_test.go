package v1a

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scannedRecord is what the scanner reports for one record.
type scannedRecord struct {
	Cells         []string
	Start, Line   int
	Stray         []int
	Quoted, Blank bool
	Err           string
}

// scanAll reads data to its end with the fast paths on or off, the input
// arriving chunk bytes at a time (0: all at once).
func scanAll(data string, comma byte, hi *[128]utf8Seq, chunk int, cellByCell bool) []scannedRecord {
	var src io.Reader = strings.NewReader(data)
	if chunk > 0 {
		src = &chunkReader{s: data, n: chunk}
	}
	s := newScanner(src, comma, 256, nil, 0, 0)
	s.setCharset(hi)
	s.cellByCell = cellByCell
	var out []scannedRecord
	for range 10_000 {
		blank, err := s.record()
		r := scannedRecord{Start: s.startLine, Line: s.line, Quoted: s.quoted, Blank: blank}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			r.Err = err.Error()
			return append(out, r)
		}
		for i := range s.ends {
			r.Cells = append(r.Cells, string(s.cellBytes(i)))
		}
		if len(s.stray) > 0 {
			r.Stray = append([]int(nil), s.stray...)
		}
		out = append(out, r)
	}
	return out
}

type chunkReader struct {
	s string
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[n:]
	return n, nil
}

// FuzzScannerPaths checks that the fast paths (whole lines, quoted records
// in the buffer) cut every input as the cell-by-cell path does: same
// cells, lines, quoting and errors, whatever the charset and however the
// input arrives.
func FuzzScannerPaths(f *testing.F) {
	for _, s := range []string{
		"a;b;c\r\nd;e;f\n",
		"x;\"a;b\";\"say \"\"hi\"\"\"\r\n;\"two\nlines\";z\n",
		"\"a\" ;  \"b\"\t;c\n\"x\"y;z\n",
		"a\"b;c\"\n\"\";;\n",
		"\"a\r\nb\";c\r\n\"open",
		"a;b\rc;d\n",
		" \"q\" ;Lef\xe8vre;\"Zo\xe9; \xe9\"\n;;\n",
		"\"" + strings.Repeat("x", 300) + "\";y\n",
	} {
		f.Add(s, byte(';'), 0, false)
		f.Add(s, byte(','), 7, true)
	}
	f.Fuzz(func(t *testing.T, data string, comma byte, chunk int, latin bool) {
		// The separators a Reader accepts: not a quote, a line end, a byte
		// beyond ASCII, or a blank, which the trimming of cells takes.
		if comma == '"' || comma == '\r' || comma == '\n' || comma == ' ' || comma == '\t' || comma >= 0x80 {
			comma = ';'
		}
		chunk = max(chunk%64, 0)
		var hi *[128]utf8Seq
		if latin {
			hi = cp1252Hi
		}
		want := scanAll(data, comma, hi, chunk, true)
		got := scanAll(data, comma, hi, chunk, false)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q (comma %q, chunk %d): fast paths differ (-cell by cell +fast):\n%s", data, comma, chunk, diff)
		}
	})
}

// BenchmarkScanner cuts 1 000 typical Windows-1252 DEPOT lines into cells,
// one in ten with a quoted comment.
func BenchmarkScanner(b *testing.B) {
	var sb strings.Builder
	for i := range 1000 {
		sb.WriteString("VIA0A000000000012345;FI-0001-2345;BTGP-MG-OI-012345-ZZZZ;20260102;COUPURE;PTO;Lef\xe8vre;Zo\xe9;0600012345;;;" +
			"202601081400-1600|202601091000-1200;")
		if i%10 == 0 {
			sb.WriteString("\"Client : \"\"code porte\"\"; 3e \xe9tage\r\nappeler avant\"\r\n")
		} else {
			sb.WriteString("Pas de signal chez notre cliente\x85 Signal au PM : -19.43 dBm\r\n")
		}
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := newScanner(strings.NewReader(data), ';', 0, nil, 0, 0)
		s.setCharset(cp1252Hi)
		for s.next() == nil {
		}
	}
}
