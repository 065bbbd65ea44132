package v1a_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

const benchLines = 100_000

// benchDepots returns n realistic DEPOT records: both access ids, a
// customer, slots on half of them, accents in names and comments.
func benchDepots(n int) []v1a.Record {
	recs := make([]v1a.Record, n)
	names := []string{"Lefèvre", "DUPONT", "Müller", "Nguyen", "Cœurdevey"}
	for i := range recs {
		d := &v1a.Depot{
			ReferencePrestationPrise: fmt.Sprintf("VIA0A%015d", i), ReferencePrise: fmt.Sprintf("FI-%04d-%04d", i/10000, i%10000),
			ReferenceSigSAVRaccoOC: fmt.Sprintf("BTGP-MG-OI-%06d-ZZZZ", i), DateIncidClientFinal: ticket.Date{Year: 2026, Month: 1, Day: 1 + i%4},
			NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO, NomClient: names[i%len(names)],
			PrenomClient: "Zoé", ContactClient1: fmt.Sprintf("06%08d", i), Commentaire: "Pas de signal chez notre cliente… Signal au PM : -19.43 dBm",
		}
		if i%2 == 0 {
			d.PrelocDefaut = codes.PrelocDefautPTO
			d.PropalRdv = []ticket.Slot{{Debut: paris(2026, 1, 8, 14, 0, 0), Fin: paris(2026, 1, 8, 16, 0, 0)},
				{Debut: paris(2026, 1, 9, 10, 0, 0), Fin: paris(2026, 1, 9, 12, 0, 0)}}
		}
		if i%10 == 0 {
			d.Commentaire = "Client : \"code porte\"; 3e étage\nappeler avant"
		}
		recs[i] = d
	}
	return recs
}

var benchData = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := v1a.WriteAll(&buf, v1a.FlowDepot, benchDepots(benchLines)...); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

func readValidate(b *testing.B, data []byte) {
	r := v1a.NewReader(bytes.NewReader(data))
	v := &v1a.Validator{Now: goldenNow}
	ctx := context.Background()
	n := 0
	for {
		res, err := v.Next(ctx, r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if !res.Valid() {
			b.Fatalf("line %d: %v", res.Line, res.Errors)
		}
		n++
	}
	if n != benchLines {
		b.Fatalf("read %d lines", n)
	}
}

// readOnly decodes the lines without validating them.
func readOnly(b *testing.B, data []byte) {
	r := v1a.NewReader(bytes.NewReader(data))
	n := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if rec == nil {
			b.Fatal(err)
		}
		n++
	}
	if n != benchLines {
		b.Fatalf("read %d lines", n)
	}
}

func readCSV(b *testing.B, data []byte) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	n := 0
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != benchLines+1 {
		b.Fatalf("read %d lines", n)
	}
}

// BenchmarkReadValidateDepot decodes (Windows-1252) and validates 100 000
// DEPOT lines.
func BenchmarkReadValidateDepot(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		readValidate(b, data)
	}
}

// BenchmarkReadDepot decodes the same lines without validating them.
func BenchmarkReadDepot(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		readOnly(b, data)
	}
}

// BenchmarkReadDepotCSVBaseline reads the same bytes with encoding/csv, the
// baseline of BenchmarkReadValidateDepot.
func BenchmarkReadDepotCSVBaseline(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		readCSV(b, data)
	}
}

func writeRecords(b *testing.B, recs []v1a.Record) {
	w := v1a.NewWriter(io.Discard, v1a.FlowDepot)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
}

// csvRows are the same lines as strings, the input of the csv.Writer
// baseline.
func csvRows(b *testing.B) [][]string {
	_, recs, _, err := v1a.ReadAll(bytes.NewReader(benchData()))
	if err != nil {
		b.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(benchData()))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != len(recs)+1 {
		b.Fatal(err)
	}
	return rows
}

func writeCSV(b *testing.B, rows [][]string) {
	w := csv.NewWriter(io.Discard)
	w.Comma = ';'
	w.UseCRLF = true
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWriteDepot writes 100 000 DEPOT records (Windows-1252, CRLF,
// spreadsheet safety).
func BenchmarkWriteDepot(b *testing.B) {
	recs := benchDepots(benchLines)
	b.SetBytes(int64(len(benchData())))
	for b.Loop() {
		writeRecords(b, recs)
	}
}

// BenchmarkWriteDepotCSVBaseline writes the same lines, as strings, with
// csv.Writer.
func BenchmarkWriteDepotCSVBaseline(b *testing.B) {
	rows := csvRows(b)
	b.SetBytes(int64(len(benchData())))
	for b.Loop() {
		writeCSV(b, rows)
	}
}

// BenchmarkRatios runs each codec and its encoding/csv baseline in the same
// process, on the same data, and reports the ratio of the CPU time each
// used: read-x (decode and validate), decode-only-x and write-x, times the
// CPU of encoding/csv; the wall-clock ratios are reported too (read-wall-x,
// write-wall-x). CPU time, not wall time, keeps the ratio meaningful on a
// busy machine. read-paired-x and decode-paired-x are the medians of the
// ratios within each round, whose phases run back to back, so a machine
// whose speed drifts moves them less.
//
// Each iteration runs ratioRounds rounds; a round times every phase once,
// in alternating order. Load on the machine only ever adds time, so each
// phase's figure is its fastest round (its median with -ratio.median), and
// a burst of load spoils one round, not the figure.
//
// The garbage collection a read phase causes is charged to it: a
// collection runs before every phase (uncharged) and another after a read
// phase (charged), minus the cost of a collection with nothing to collect
// measured right after, so the scanning of the benchmark's own data is
// charged to no phase; the writers leave no garbage. The read phases run
// while the records and rows the write phases use are not live, as in a
// program that streams a file.
func BenchmarkRatios(b *testing.B) {
	const ratioRounds = 7
	data := benchData()
	type cost struct{ cpu, wall time.Duration }
	// timed runs f after a collection; collect charges it with the
	// collection of the garbage it left.
	timed := func(f func(), collect bool) cost {
		runtime.GC()
		c0, w0 := cpuTime(), time.Now()
		f()
		if !collect {
			return cost{cpuTime() - c0, time.Since(w0)}
		}
		runtime.GC()
		c := cost{cpuTime() - c0, time.Since(w0)}
		c1, w1 := cpuTime(), time.Now()
		runtime.GC() // nothing left to collect: the fixed cost of a collection
		c.cpu -= cpuTime() - c1
		c.wall -= time.Since(w1)
		return c
	}
	const (
		pRead = iota
		pDecode
		pCSV
		pWrite
		pWriteCSV
		nPhases
	)
	var costs [nPhases][]cost
	round := 0
	for b.Loop() {
		for range ratioRounds {
			reads := []int{pRead, pDecode, pCSV}
			writes := []int{pWrite, pWriteCSV}
			if round%2 == 1 {
				slices.Reverse(reads)
				slices.Reverse(writes)
			}
			round++
			for _, p := range reads {
				f := map[int]func(*testing.B, []byte){pRead: readValidate, pDecode: readOnly, pCSV: readCSV}[p]
				costs[p] = append(costs[p], timed(func() { f(b, data) }, true))
			}
			b.StopTimer()
			recs := benchDepots(benchLines)
			rows := csvRows(b)
			b.StartTimer()
			for _, p := range writes {
				f := func() { writeRecords(b, recs) }
				if p == pWriteCSV {
					f = func() { writeCSV(b, rows) }
				}
				costs[p] = append(costs[p], timed(f, false))
			}
		}
	}
	pick := func(p int, wall bool) float64 {
		x := make([]float64, len(costs[p]))
		for i, c := range costs[p] {
			x[i] = float64(max(c.cpu, 1))
			if wall {
				x[i] = float64(max(c.wall, 1))
			}
		}
		slices.Sort(x)
		if *ratioMedian {
			return x[len(x)/2]
		}
		return x[0]
	}
	ratio := func(p, base int, wall bool) float64 { return pick(p, wall) / pick(base, wall) }
	paired := func(p, base int) float64 {
		x := make([]float64, len(costs[p]))
		for i := range costs[p] {
			x[i] = float64(costs[p][i].cpu) / float64(costs[base][i].cpu)
		}
		slices.Sort(x)
		return x[len(x)/2]
	}
	b.ReportMetric(paired(pRead, pCSV), "read-paired-x")
	b.ReportMetric(paired(pDecode, pCSV), "decode-paired-x")
	b.ReportMetric(ratio(pRead, pCSV, false), "read-x")
	b.ReportMetric(ratio(pDecode, pCSV, false), "decode-only-x")
	b.ReportMetric(ratio(pWrite, pWriteCSV, false), "write-x")
	b.ReportMetric(ratio(pRead, pCSV, true), "read-wall-x")
	b.ReportMetric(ratio(pWrite, pWriteCSV, true), "write-wall-x")
}

var ratioMedian = flag.Bool("ratio.median", false, "BenchmarkRatios: compare the median rounds, not the fastest")

// BenchmarkComputeAR answers the 100 000-line DEPOT file.
func BenchmarkComputeAR(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		ack, err := v1a.ComputeAR(context.Background(), bytes.NewReader(data),
			v1a.AckOptions{Validator: &v1a.Validator{Now: goldenNow}})
		if err != nil || len(ack.Lines) != benchLines {
			b.Fatal(err)
		}
		if err := ack.WriteTo(v1a.NewWriter(io.Discard, v1a.FlowAR)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadTravaux streams 100 000 generated TRAVAUX lines through the
// reader and the validator.
func BenchmarkReadTravaux(b *testing.B) {
	for b.Loop() {
		r := v1a.NewReader(&travauxSource{n: 100_000})
		v := &v1a.Validator{Now: goldenNow}
		for {
			res, err := v.Next(context.Background(), r)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || !res.Valid() {
				b.Fatal(err, res.Errors)
			}
		}
	}
}

// BenchmarkParseFileName parses a normalised name.
func BenchmarkParseFileName(b *testing.B) {
	for b.Loop() {
		if _, err := v1a.ParseFileName("SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

// travauxSource generates a TRAVAUX file of n lines on the fly, so reading
// it measures the reader's memory, not the input's. Works have 100 lines
// (addresses) each.
type travauxSource struct {
	n, i int
	buf  []byte
}

func (s *travauxSource) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if s.i > s.n {
			return 0, io.EOF
		}
		if s.i == 0 {
			s.buf = append(s.buf, strings.Join(v1a.DefaultLayout(v1a.FlowTravaux).Header(), ";")+"\r\n"...)
		} else {
			w := s.i / 100
			etat := "NOUVEAU"
			if s.i%100 >= 50 {
				etat = "MAJ"
			}
			s.buf = fmt.Appendf(s.buf, "TRV-%07d;%s;FTEL-PM-%014d;202602020900;202602021200;DEPL;OUI;%d;Rue de l'\xc9glise;"+
				"01000;Bourg-en-Bresse;01053;IMB-%08d;Astreinte OI 0472000000;\"Coupure possible; 30 min\r\npr\xe9voir acc\xe8s\"\r\n",
				w, etat, w%5000, s.i%200, s.i)
		}
		s.i++
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// TestTravauxMillionLinesMemory streams a generated 1 000 000-line TRAVAUX
// file through the reader and the validator and checks that the heap in use
// stays under 32 MiB.
func TestTravauxMillionLinesMemory(t *testing.T) {
	lines := 1_000_000
	if testing.Short() {
		lines = 100_000
	}
	runtime.GC()
	var peak uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	r := v1a.NewReader(&travauxSource{n: lines})
	v := &v1a.Validator{Now: goldenNow}
	ctx := context.Background()
	n := 0
	start := time.Now()
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if rec == nil {
			t.Fatal(err)
		}
		if res := v.Check(ctx, r.Line(), rec, err); !res.Valid() {
			t.Fatalf("line %d: %v", r.Line(), res.Errors)
		}
		n++
		if n%20_000 == 0 {
			sample()
		}
	}
	sample()
	if n != lines {
		t.Fatalf("read %d lines, want %d", n, lines)
	}
	t.Logf("%d lines in %v, peak HeapInuse %.1f MiB", n, time.Since(start).Round(time.Millisecond), float64(peak)/(1<<20))
	if peak > 32<<20 {
		t.Fatalf("peak HeapInuse %d bytes, want under 32 MiB", peak)
	}
}

// lineEnds returns data with every line end, inside quoted cells too, as
// LF, CRLF or a bare CR.
func lineEnds(data []byte) map[string][]byte {
	lf := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	return map[string][]byte{
		"LF":   lf,
		"CRLF": bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n")),
		"CR":   bytes.ReplaceAll(lf, []byte("\n"), []byte("\r")),
	}
}

// BenchmarkLineEnds decodes the lines of BenchmarkReadDepot with each of
// the line ends V1A.md reads (LF, CRLF, bare CR): the three cost the same.
// Besides ns/op it reports the CPU time per file (cpu-ns/op), which load
// on the machine moves less.
func BenchmarkLineEnds(b *testing.B) {
	files := lineEnds(benchData())
	for _, name := range []string{"LF", "CRLF", "CR"} {
		b.Run(name, func(b *testing.B) {
			data := files[name]
			b.SetBytes(int64(len(data)))
			c0 := cpuTime()
			for b.Loop() {
				readOnly(b, data)
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestLineEndsSameRecords: the files of BenchmarkLineEnds hold the same
// records.
func TestLineEndsSameRecords(t *testing.T) {
	var buf bytes.Buffer
	if err := v1a.WriteAll(&buf, v1a.FlowDepot, benchDepots(200)...); err != nil {
		t.Fatal(err)
	}
	files := lineEnds(buf.Bytes())
	_, want, _, err := v1a.ReadAll(bytes.NewReader(files["CRLF"]))
	if err != nil || len(want) != 200 {
		t.Fatal(len(want), err)
	}
	for _, name := range []string{"LF", "CR"} {
		_, got, _, err := v1a.ReadAll(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatal(name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s (-CRLF +%s):\n%s", name, name, diff)
		}
	}
}
