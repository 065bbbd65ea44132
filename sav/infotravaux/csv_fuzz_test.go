package infotravaux

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/opensav/savsdk/v1a"
)

// travauxHeader is the header line of the default TRAVAUX layout.
var travauxHeader = strings.Join(v1a.DefaultLayout(v1a.FlowTravaux).Header(), ";") + "\r\n"

// readNotices reads every notice of file. It checks that errors are typed
// and sticky and that notices start on increasing lines; it returns the
// notices and the fatal error that stopped the reading (nil at io.EOF).
func readNotices(t *testing.T, file []byte) ([]Travaux, error) {
	t.Helper()
	r := NewCSVReader(v1a.NewReader(bytes.NewReader(file)))
	var out []Travaux
	last := 0
	for range 1 << 14 {
		n, err := r.Read()
		if n == nil {
			if err == nil {
				t.Fatal("no notice and no error")
			}
			var (
				pe *v1a.ParseError
				he *v1a.HeaderError
			)
			if !errors.Is(err, io.EOF) && !errors.As(err, &pe) && !errors.As(err, &he) && !errors.Is(err, ErrNotTravaux) {
				t.Fatalf("untyped fatal error %T: %v", err, err)
			}
			if _, again := r.Read(); again != err {
				t.Fatalf("error not sticky: %v, then %v", err, again)
			}
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		if err != nil {
			var ce *CSVError
			if !errors.As(err, &ce) || len(ce.Errs) == 0 || ce.StartLine != r.Line() {
				t.Fatalf("a notice with error %T: %v", err, err)
			}
			if !errors.Is(err, v1a.ErrFindings) && !errors.Is(err, v1a.ErrWarnings) {
				t.Fatalf("a notice's error is neither findings nor warnings: %v", err)
			}
		}
		if r.Line() <= last {
			t.Fatalf("notice on line %d after one on line %d", r.Line(), last)
		}
		last = r.Line()
		out = append(out, *n)
	}
	t.Fatal("too many notices")
	return nil, nil
}

func writeNotices(t *testing.T, notices []Travaux) []byte {
	t.Helper()
	var buf bytes.Buffer
	vw := v1a.NewWriter(&buf, v1a.FlowTravaux)
	vw.Charset = v1a.UTF8
	w := NewCSVWriter(vw)
	for i := range notices {
		if err := w.Write(&notices[i]); err != nil {
			t.Fatalf("cannot write notice %d %+v: %v", i, notices[i], err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzCSVReader reads arbitrary TRAVAUX files as works notices. It must not
// panic and must fail only with typed errors; the notices read must write
// as a file that reads back to the same notices (the buildings named by no
// address may come in another order), and that file must be the writer's
// fixed point.
func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("TP-1;NOUVEAU;PM-1;202612010800;202612011700;DEPL;OUI;1;Rue A;75011;Paris;75111;IMB-1;01 23 45 67 89;\r\n" +
		"TP-1;NOUVEAU;PM-1;202612010800;202612011700;DEPL;OUI;2;Rue B;1000;Bourg;;IMB-2;01 23 45 67 89;\r\n" +
		"TP-1;MAJ;PM-1;202612010800;202612011800;DEPL;OUI;1;Rue A;75011;Paris;75111;IMB-1;01 23 45 67 89;fin décalée\r\n"))
	f.Add([]byte("TP-2;TERMINE;PM-2;202612010800;pas de date;AUTR;NON;;Rue C;69001;Lyon;;;;autre\n"))
	f.Add([]byte("TP-3;NOUVEAU;PM-3;01/12/2026 08:00;01/12/2026 17:00;DEPL;OUI;;;;;;IMB-9;;\"multi\r\nligne; \"\"cité\"\"\"\r\n" +
		"TP-3;NOUVEAU;PM-3;01/12/2026 08:00;01/12/2026 17:00;DEPL;OUI;3;=Place du Marché;01000;Bourg-en-Bresse;;IMB-8;;\"multi\r\nligne; \"\"cité\"\"\"\r\n"))
	f.Add([]byte("\"unterminated\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := append([]byte(travauxHeader), data...)
		notices, _ := readNotices(t, file)
		if len(notices) == 0 {
			return
		}
		file1 := writeNotices(t, notices)
		again, err := readNotices(t, file1)
		if err != nil {
			t.Fatalf("the written file does not read: %v\n%s", err, file1)
		}
		sortBuildings := cmp.Transformer("sortBuildings", func(t Travaux) Travaux {
			t.IdentifiantImmeuble = slices.Sorted(slices.Values(t.IdentifiantImmeuble))
			return t
		})
		timeEqual := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
		if d := cmp.Diff(notices, again, timeEqual, cmpopts.EquateEmpty(), sortBuildings); d != "" {
			t.Fatalf("notices changed through the file (-read +read back):\n%s\n%s", d, file1)
		}
		if file2 := writeNotices(t, again); !bytes.Equal(file1, file2) {
			t.Fatalf("unstable file:\n%s\n%s", file1, file2)
		}
	})
}
