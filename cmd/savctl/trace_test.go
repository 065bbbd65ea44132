package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with the golden file name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(got), 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err)
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-want +got):\n%s", name, d)
	}
}

func globs(t *testing.T, patterns ...string) []string {
	t.Helper()
	var out []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		require.NoError(t, err)
		require.NotEmpty(t, m, p)
		out = append(out, m...)
	}
	return out
}

func TestTrace(t *testing.T) {
	partner := filepath.Join(testdata, "partner")
	for _, tc := range []struct {
		name  string
		files []string
		code  int
	}{
		// A whole 1.0a exchange (CSV files and a mail), given out of order:
		// the file names order it.
		{"v1a", globs(t, "testdata/trace/v1a/SAV_CLOTURE_*", "testdata/trace/v1a/SAV_INFO_*",
			"testdata/trace/v1a/ar.eml", "testdata/trace/v1a/SAV_DEPOT_*"), exitOK},
		// A whole 2.0 exchange, ordered by the sav:entete horodatage.
		{"v2", globs(t, "testdata/trace/v2/5-*", "testdata/trace/v2/[1-4]-*"), exitOK},
		// A partner's files: four tickets, one AR KO, and a closure of a
		// ticket that was never acknowledged (refused).
		{"refused", globs(t, filepath.Join(partner, "SAV_DEPOT_*"), filepath.Join(partner, "SAV_AR_*"),
			filepath.Join(partner, "SAV_INFO_*"), filepath.Join(partner, "SAV_CLOTURE_*")), exitInvalid},
		// A closure without its create: refused on an unknown ticket.
		{"unknown", globs(t, "testdata/trace/v2/5-*"), exitInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := savctl(t, "", append([]string{"trace"}, tc.files...)...)
			require.Equal(t, tc.code, r.code, r.stderr)
			golden(t, "trace-"+tc.name+".txt", r.stdout)
		})
	}
}

func TestTraceErrors(t *testing.T) {
	for _, args := range [][]string{
		{"trace"},
		{"trace", "--bad"},
		{"trace", filepath.Join("testdata", "no-such-file")},
		{"trace", writeFile(t, "bad.xml", "<soapenv:Envelope")},
		{"trace", writeFile(t, "bad.csv", "not;a;header\n1;2;3\n")},
	} {
		r := savctl(t, "", args...)
		require.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
	// Lines about no ticket are noted, not replayed.
	r := savctl(t, "", "trace", td("partner", "SAV_TRAVAUX_FTEL_BYTL_20260112080000_0001.csv"))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stderr, "about no ticket")
	require.Contains(t, r.stdout, "0 tickets")
}

// faultDoc writes a SOAP fault answering op with return code c.
func faultDoc(t *testing.T, name string, op v2.Operation, c codes.ReturnCode, at time.Time) string {
	t.Helper()
	p := v2.DefaultProfile()
	var b bytes.Buffer
	h := soap.Header{Entete: &soap.Entete{VersionProtocole: v2.ProtocolVersion, Horodatage: at, CodeOC: "BYTL", CodeOI: "FTEL"}}
	ex := v2.NewException(op, c, "referencePrise", nil)
	err := (&soap.Encoder{HeaderSpace: p.NamespaceSAV}).EncodeFault(&b, h,
		soap.Fault{Code: xml.Name{Space: soap.EnvelopeSpace, Local: "Client"}, String: c.Message("referencePrise")},
		func(w io.Writer) error { return v2.WriteFaultDetail(w, ex, p) })
	require.NoError(t, err)
	return writeFile(t, name, b.String())
}

func TestTraceFaults(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 4, h, 0, 0, 0, ticket.Paris) }
	// A fault answering a create is its AR KO.
	r := savctl(t, "", "trace", "testdata/trace/v2/1-create.xml",
		faultDoc(t, "ko.xml", v2.OpCreateTroubleTicketByValue, codes.ReturnCode(9), at(10)))
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "OI AR KO -> REJECTED v0")
	// A fault answering a set: the set did not happen.
	r = savctl(t, "", "trace", "testdata/trace/v2/1-create.xml", "testdata/trace/v2/2-create-response.xml",
		"testdata/trace/v2/3-set-solving.xml", faultDoc(t, "f.xml", v2.OpSetTroubleTicketByValue, codes.ReturnCode(13), at(11)))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "partner's fault 13")
	require.Contains(t, r.stdout, "=> QUEUED, version 0: ok")
	// An answer to nothing.
	r = savctl(t, "", "trace", "testdata/trace/v2/2-create-response.xml")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "an answer to no request")
}

// FuzzTrace feeds arbitrary files to trace, as a CSV, a mail and an XML
// document: it never panics and always exits with a contract code.
func FuzzTrace(f *testing.F) {
	for _, p := range []string{
		"testdata/trace/v1a/SAV_DEPOT_BYTL_FTEL_20260302090000_0001.csv",
		"testdata/trace/v1a/ar.eml",
		"testdata/trace/v2/5-set-solved.xml",
	} {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"SAV_INFO_FTEL_BYTL_20260302100000_0001.csv", "m.eml", "d.xml"} {
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, data, 0o644))
			r := savctl(t, "", "trace", p)
			if r.code != exitOK && r.code != exitInvalid && r.code != exitUsage {
				t.Fatalf("exit %d", r.code)
			}
		}
	})
}

// BenchmarkTrace replays the partner's exchange; the baseline reads and
// decodes the same files without replaying them.
func BenchmarkTrace(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(testdata, "partner", "SAV_[DACI]*_FTEL_*.csv"))
	require.NoError(b, err)
	more, err := filepath.Glob(filepath.Join(testdata, "partner", "SAV_*_FTEL_BYTL_*.csv"))
	require.NoError(b, err)
	files = append(files, more...)
	e := &env{stdout: io.Discard, stderr: io.Discard}
	b.Run("baseline-read", func(b *testing.B) {
		for b.Loop() {
			for _, f := range files {
				in, err := readInput(e, f)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := readTraceFile(e, in); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("trace", func(b *testing.B) {
		for b.Loop() {
			run(context.Background(), e, append([]string{"trace"}, files...))
		}
	})
}
