package v1a_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// fuzzFlow reads a file of flow f made of f's header line and data. It must
// not panic, fatal errors must be typed, every record read must write and
// read back equal (the writer's output is the reader's fixed point), and
// Validator.Next must find what Read then Check find.
func fuzzFlow(t *testing.T, f v1a.Flow, data []byte) {
	file := append([]byte(strings.Join(v1a.DefaultLayout(f).Header(), ";")+"\r\n"), data...)
	r, rn := v1a.NewReader(bytes.NewReader(file)), v1a.NewReader(bytes.NewReader(file))
	r.MaxRecordBytes, rn.MaxRecordBytes = 1<<16, 1<<16
	v, vn := &v1a.Validator{Now: goldenNow}, &v1a.Validator{Now: goldenNow}
	for n := 0; n < 1000; n++ {
		rec, err := r.Read()
		next, nextErr := vn.Next(t.Context(), rn)
		if rec == nil {
			if nextErr == nil || next.Record != nil || err.Error() != nextErr.Error() {
				t.Fatalf("Read ended with %v, Next with %v", err, nextErr)
			}
		}
		if errors.Is(err, io.EOF) {
			return
		}
		if rec == nil {
			var pe *v1a.ParseError
			var he *v1a.HeaderError
			if !errors.As(err, &pe) && !errors.As(err, &he) {
				t.Fatalf("untyped fatal error %T: %v", err, err)
			}
			return
		}
		if rec.Flow() != f {
			t.Fatalf("read a %s record from a %s file", rec.Flow(), f)
		}
		res := v.Check(t.Context(), r.Line(), rec, err)
		if diff := cmp.Diff(res, next, timeEqual); diff != "" {
			t.Fatalf("line %d (-Read+Check +Next)\n%s", r.Line(), diff)
		}
		for _, fd := range res.Errors {
			if fd.Line != r.Line() || fd.Message == "" || fd.Code == 0 {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
		roundTrip(t, rec)
	}
}

// roundTrip writes rec in UTF-8 and reads it back; it must come back equal.
func roundTrip(t *testing.T, rec v1a.Record) {
	t.Helper()
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, rec.Flow())
	w.Charset = v1a.UTF8
	if err := w.Write(rec); err != nil {
		if errors.Is(err, codes.ErrFormat) { // a slot the wire cannot carry
			return
		}
		t.Fatalf("write %+v: %v", rec, err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	flow, recs, _, err := v1a.ReadAll(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("read back %q: %v", buf.String(), err)
	}
	if flow != rec.Flow() || len(recs) != 1 {
		t.Fatalf("read back %d records of %s from %q", len(recs), flow, buf.String())
	}
	if diff := cmp.Diff(rec, recs[0], timeEqual); diff != "" {
		t.Fatalf("round trip of %q (-want +got)\n%s", buf.String(), diff)
	}
}

func FuzzReadDepot(f *testing.F)     { fuzzSeed(f, v1a.FlowDepot) }
func FuzzReadAR(f *testing.F)        { fuzzSeed(f, v1a.FlowAR) }
func FuzzReadCloture(f *testing.F)   { fuzzSeed(f, v1a.FlowCloture) }
func FuzzReadInfo(f *testing.F)      { fuzzSeed(f, v1a.FlowInfo) }
func FuzzReadTravaux(f *testing.F)   { fuzzSeed(f, v1a.FlowTravaux) }
func FuzzReadDommage(f *testing.F)   { fuzzSeed(f, v1a.FlowDommage) }
func FuzzReadARDommage(f *testing.F) { fuzzSeed(f, v1a.FlowARDommage) }

func fuzzSeed(f *testing.F, flow v1a.Flow) {
	f.Add([]byte(""))
	f.Add([]byte("\"unterminated\r\n"))
	f.Add([]byte(";;;;\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFlow(t, flow, data) })
}

// FuzzWriteRead builds records from arbitrary text and checks that what the
// writer writes reads back equal (line breaks read back as LF).
func FuzzWriteRead(f *testing.F) {
	f.Add("Lefèvre", "=1+1", " spaces ", "a;b\"c\r\nd")
	f.Add("'@x", "''", "-", "")
	f.Add("\t", "\ufeff", "\x00", "0612345678")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		for _, s := range []string{a, b, c, d} {
			if !isValidUTF8(s) {
				return
			}
		}
		nl := func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
		}
		recs := []v1a.Record{
			&v1a.Dommage{ReferenceDommageOC: a, ReferencePM: b, AdresseImmeuble: c, NomContactImmeuble: d,
				Commentaire: a + d, DateConstat: ticket.Date{Year: 2026, Month: 1, Day: 4},
				LocalisationDommage: codes.PrelocDefautPM},
			&v1a.Depot{ReferencePrise: b, ReferenceSigSAVRaccoOC: c, NomClient: a, PrenomClient: d, IdRdv: a,
				Commentaire: b + c, NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPTO},
			&v1a.AR{ReferenceSigSAVRaccoOC: a, StatutAR: v1a.StatutKO, CodeRetour: 3, MotifRefus: d},
		}
		cp1252 := true
		for _, s := range []string{a, b, c, d} {
			if _, ok := v1a.Windows1252.Encodable(s); !ok {
				cp1252 = false
			}
		}
		for _, cs := range []v1a.Charset{v1a.UTF8, v1a.Windows1252} {
			if cs == v1a.Windows1252 && !cp1252 {
				continue
			}
			for _, rec := range recs {
				var buf bytes.Buffer
				w := v1a.NewWriter(&buf, rec.Flow())
				w.Charset = cs
				if err := w.Write(rec); err != nil {
					t.Fatalf("write: %v", err)
				}
				w.Flush()
				r := v1a.NewReader(bytes.NewReader(buf.Bytes()))
				r.Charset = cs.String() // as the MIME part says
				_, got, _, err := r.ReadAll()
				if err != nil || len(got) != 1 {
					t.Fatalf("read back %q: %d records, %v", buf.String(), len(got), err)
				}
				want := normalizeText(rec, nl)
				if diff := cmp.Diff(want, got[0], timeEqual); diff != "" {
					t.Fatalf("round trip of %q in %s (-want +got)\n%s", buf.String(), cs, diff)
				}
			}
		}
	})
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// normalizeText applies fn to the free-text fields of the fuzzed records.
func normalizeText(rec v1a.Record, fn func(string) string) v1a.Record {
	switch x := rec.(type) {
	case *v1a.Dommage:
		c := *x
		c.ReferenceDommageOC, c.ReferencePM, c.AdresseImmeuble = fn(c.ReferenceDommageOC), fn(c.ReferencePM), fn(c.AdresseImmeuble)
		c.NomContactImmeuble, c.Commentaire = fn(c.NomContactImmeuble), fn(c.Commentaire)
		return &c
	case *v1a.Depot:
		c := *x
		c.ReferencePrise, c.ReferenceSigSAVRaccoOC, c.NomClient = fn(c.ReferencePrise), fn(c.ReferenceSigSAVRaccoOC), fn(c.NomClient)
		c.PrenomClient, c.IdRdv, c.Commentaire = fn(c.PrenomClient), fn(c.IdRdv), fn(c.Commentaire)
		return &c
	case *v1a.AR:
		c := *x
		c.ReferenceSigSAVRaccoOC, c.MotifRefus = fn(c.ReferenceSigSAVRaccoOC), fn(c.MotifRefus)
		return &c
	}
	return rec
}

// FuzzParseFileName: a name that parses formats back to a name that parses
// to the same parts, and its subject parses too.
func FuzzParseFileName(f *testing.F) {
	f.Add("SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv")
	f.Add("sav_travaux_ftel_bytl_20260329023000_9999")
	f.Add("SAV_AR_FTEL_BYTL_20261305093000_0001.csv")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := v1a.ParseFileName(s)
		if err != nil {
			var fe *v1a.FileNameError
			if !errors.As(err, &fe) {
				t.Fatalf("untyped error %T", err)
			}
			return
		}
		if err := n.Check(); err != nil {
			t.Fatalf("%q parsed to an invalid name: %v", s, err)
		}
		m, err := v1a.ParseFileName(n.String())
		if err != nil || m.String() != n.String() || !m.Time.Equal(n.Time) {
			t.Fatalf("%q → %q → %q, %v", s, n.String(), m.String(), err)
		}
		if _, err := v1a.ParseSubject(v1a.Subject(n)); err != nil {
			t.Fatalf("subject of %q: %v", n.String(), err)
		}
	})
}
