package v1a_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// update reports the -update flag, which rewrites the golden files under
// testdata/golden. The mail tests of the package may define the same flag.
func update() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

// goldenNow is the time date-relative rules compare with in golden tests.
var goldenNow = time.Date(2026, 1, 5, 9, 30, 0, 0, ticket.Paris)

type goldenLine struct {
	Line   int        `json:"line"`
	Type   v1a.Flow   `json:"type"`
	Record v1a.Record `json:"record"`
}

type goldenReport struct {
	Flow     v1a.Flow      `json:"flow,omitempty"`
	Charset  string        `json:"charset,omitempty"`
	Fatal    string        `json:"fatal,omitempty"`
	Records  []goldenLine  `json:"records,omitempty"`
	Errors   []v1a.Finding `json:"errors"`
	Warnings []v1a.Finding `json:"warnings"`
}

// check reads and validates a whole file the way savctl check does.
func check(t *testing.T, data []byte, strict, withRecords bool) goldenReport {
	t.Helper()
	r := v1a.NewReader(bytes.NewReader(data))
	r.Strict = strict
	v := &v1a.Validator{Now: goldenNow, UniqueDeposits: true}
	rep := goldenReport{Errors: []v1a.Finding{}, Warnings: []v1a.Finding{}}
	flow, err := r.Header()
	rep.Flow, rep.Charset = flow, r.DetectedCharset()
	if err != nil {
		rep.Fatal = err.Error()
		return rep
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rep
		}
		if rec == nil {
			rep.Fatal = err.Error()
			return rep
		}
		res := v.Check(context.Background(), r.Line(), rec, err)
		rep.Errors = append(rep.Errors, res.Errors...)
		rep.Warnings = append(rep.Warnings, res.Warnings...)
		if withRecords {
			rep.Records = append(rep.Records, goldenLine{Line: r.Line(), Type: rec.Flow(), Record: rec})
		}
	}
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if update() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test -run %s -update", t.Name())
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func goldenJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// TestGoldenFiles reads every test file, lenient and strict, and pins the
// records, findings and warnings.
func TestGoldenFiles(t *testing.T) {
	for _, dir := range []string{"partner", "libreoffice", "invalid"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.csv"))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".csv")
			t.Run(dir+"/"+name, func(t *testing.T) {
				data, err := os.ReadFile(f)
				require.NoError(t, err)
				withRecords := dir != "invalid"
				rep := check(t, data, false, withRecords)
				golden(t, filepath.Join("testdata", "golden", dir, name+".json"), goldenJSON(t, rep))
				if dir != "invalid" {
					strict := check(t, data, true, false)
					golden(t, filepath.Join("testdata", "golden", dir, name+".strict.json"), goldenJSON(t, strict))
				}
			})
		}
	}
}

// TestGoldenAR computes the AR (or ARDOMMAGE) of every DEPOT and DOMMAGE
// test file and pins the file an OI sends back, in the writer's default
// form (Windows-1252, CRLF).
func TestGoldenAR(t *testing.T) {
	var files []string
	for _, pat := range []string{"partner/*DEPOT*", "partner/depot*", "libreoffice/*DEPOT*", "invalid/depot*",
		"partner/*DOMMAGE_*", "libreoffice/*DOMMAGE_*", "invalid/dommage*", "invalid/unknown_header*",
		"invalid/unterminated*", "invalid/empty*"} {
		m, err := filepath.Glob(filepath.Join("testdata", pat))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		dir, name := filepath.Base(filepath.Dir(f)), strings.TrimSuffix(filepath.Base(f), ".csv")
		t.Run(dir+"/"+name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			opt := v1a.AckOptions{Validator: &v1a.Validator{Now: goldenNow}, IDPrefix: "FTEL-"}
			compute, out := v1a.ComputeAR, v1a.FlowAR
			if strings.Contains(strings.ToUpper(name), "DOMMAGE") {
				compute, out = v1a.ComputeARDommage, v1a.FlowARDommage
			}
			ack, err := compute(context.Background(), bytes.NewReader(data), opt)
			require.NoError(t, err)
			require.Equal(t, out, ack.Flow)
			var buf bytes.Buffer
			require.NoError(t, ack.WriteTo(v1a.NewWriter(&buf, out)))
			golden(t, filepath.Join("testdata", "golden", "ar", dir+"_"+name+".csv"), buf.Bytes())

			// The answer is itself a valid file of its flow, one line per
			// input line.
			_, recs, _, err := v1a.ReadAll(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			require.Len(t, recs, len(ack.Lines))
		})
	}
}
