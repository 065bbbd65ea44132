package v1a_test

import (
	"bytes"
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

const rdvInfoHeader = "ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;Emetteur;DateMessage;TypeMessage;EtatResolution;" +
	"DateIntervention;IdRdv;PropalRdv;ContactClient1;ContactClient2;Commentaire\r\n"

// FuzzRdvInfoRoundTrip reads arbitrary INFO files; every line that
// RdvMessageOf accepts must be written back by InfoFromRdv and read again to
// the same message, and every refusal must be an *RdvError with a code. A
// DEPOT line's appointment goes the same way through RdvRequestOf and
// SetRdvRequest.
func FuzzRdvInfoRoundTrip(f *testing.F) {
	f.Add([]byte(rdvInfoHeader + "OI-1;OC-1;OC;20261020093000;PROPOSITION RDV;;;;202610260800-1000;;;\r\n"))
	f.Add([]byte(rdvInfoHeader + "OI-1;OC-1;OI;20261020093000;CONFIRMATION RDV;ACTION PLANIFIEE;;;202703280100-0400;;;ok\r\n"))
	f.Add([]byte(rdvInfoHeader + "OI-1;OC-1;OI;20261020093000;Demande rdv;;;;;;;101 RDV NON DISPONIBLE\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, recs, _, err := v1a.ReadAll(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, rec := range recs {
			if d, ok := rec.(*v1a.Depot); ok {
				fuzzRdvDepot(t, d)
				continue
			}
			in, ok := rec.(*v1a.Info)
			if !ok {
				return
			}
			m, err := v1a.RdvMessageOf(in)
			if err != nil {
				var re *v1a.RdvError
				if !errors.As(err, &re) || re.Code == 0 || re.Field == "" {
					t.Fatalf("refusal %v (%T) is not a coded *RdvError", err, err)
				}
				continue
			}
			if utf8.RuneCountInString(m.Texte) > 1500 || !utf8.ValidString(m.Texte+m.IdRdv) {
				continue // a column too long for the writer; the validator reports it
			}
			tk := &ticket.Ticket{ReferenceSigSAVOI: "OI-1", Filing: ticket.Filing{ReferenceSigSAVRaccoOC: "OC-1"}}
			out, err := v1a.InfoFromRdv(tk, m)
			if err != nil {
				t.Fatalf("accepted message %+v not written: %v", m, err)
			}
			var buf bytes.Buffer
			w := v1a.NewWriter(&buf, v1a.FlowInfo)
			w.Charset = v1a.UTF8
			if err := w.Write(out); err != nil {
				t.Fatalf("write: %v", err)
			}
			w.Flush()
			if err := w.Error(); err != nil {
				t.Fatalf("flush: %v", err)
			}
			_, back, _, err := v1a.ReadAll(&buf)
			if err != nil || len(back) != 1 {
				t.Fatalf("read back: %d records, %v\n%s", len(back), err, buf.String())
			}
			got, err := v1a.RdvMessageOf(back[0].(*v1a.Info))
			if err != nil {
				t.Fatalf("read back refused: %v\n%s", err, buf.String())
			}
			if diff := cmp.Diff(m, got, cmp.Comparer(rdv.SameSlot)); diff != "" {
				t.Fatalf("round trip (-first +second):\n%s\n%s", diff, buf.String())
			}
		}
	})
}

func fuzzRdvDepot(t *testing.T, d *v1a.Depot) {
	r, err := v1a.RdvRequestOf(d, time.Time{})
	if err != nil {
		var re *v1a.RdvError
		if !errors.As(err, &re) || re.Code == 0 || re.Field == "" {
			t.Fatalf("refusal %v (%T) is not a coded *RdvError", err, err)
		}
		return
	}
	if !utf8.ValidString(r.IdRdv) {
		return
	}
	out := &v1a.Depot{}
	if err := v1a.SetRdvRequest(out, r); err != nil {
		t.Fatalf("accepted request %+v not written: %v", r, err)
	}
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, v1a.FlowDepot)
	w.Charset = v1a.UTF8
	if err := w.Write(out); err != nil {
		t.Fatalf("write: %v", err)
	}
	w.Flush()
	_, back, _, err := v1a.ReadAll(&buf)
	if err != nil || len(back) != 1 {
		t.Fatalf("read back: %d records, %v\n%s", len(back), err, buf.String())
	}
	got, err := v1a.RdvRequestOf(back[0].(*v1a.Depot), time.Time{})
	if err != nil {
		t.Fatalf("read back refused: %v\n%s", err, buf.String())
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Fatalf("round trip (-first +second):\n%s\n%s", diff, buf.String())
	}
}
