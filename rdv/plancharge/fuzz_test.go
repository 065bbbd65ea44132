package plancharge

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/rdvwire"
)

var update = flag.Bool("update", false, "rewrite the seed corpus under testdata/fuzz")

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

// encodeRequest writes q back as a client would.
func encodeRequest(q *request) ([]byte, error) {
	var buf bytes.Buffer
	h := wireEntete(*q.entete)
	var err error
	switch q.op {
	case OpRechercheCreneauxLibres:
		err = rdvwire.Encode(&buf, h, wireSearch(*q.search))
	case OpReservationCreneau:
		r := q.book
		err = rdvwire.Encode(&buf, h, &xBook{XMLName: tns(elemBook), NatureProduit: r.NatureProduit,
			SegmentMarche: r.SegmentMarche, CodeInsee: r.CodeInsee, IdCreneau: r.IdCreneau})
	case OpConsultationRdv:
		err = rdvwire.Encode(&buf, h, &xConsult{XMLName: tns(elemConsult), IdRendezVous: q.consult.IdRendezVous})
	case OpReportRDV:
		err = rdvwire.Encode(&buf, h, wireReport(*q.report))
	}
	return buf.Bytes(), err
}

// FuzzDecodeRequest feeds the server's request decoder. Whatever it
// accepts, written back and read again, reads the same the second time
// round (the first pass may normalise spaces and invalid characters).
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(fmt.Sprintf(envelope, goodHeader, `<i:ConsultationRdvRequete><idRendezVous>RDV1</idRendezVous></i:ConsultationRdvRequete>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := decodeRequest(data, Limits{})
		if err != nil {
			return
		}
		if q.entete == nil {
			q.entete = &Entete{}
		}
		b1, err := encodeRequest(q)
		if err != nil {
			return // a date outside the years xs:dateTime can carry
		}
		q2, err := decodeRequest(b1, Limits{})
		require.NoError(t, err, "%s", b1)
		b2, err := encodeRequest(q2)
		require.NoError(t, err)
		q3, err := decodeRequest(b2, Limits{})
		require.NoError(t, err, "%s", b2)
		require.Empty(t, cmp.Diff(q2, q3, timeEqual, cmp.AllowUnexported(request{})))
		// The server answers every input with a response or a fault.
		s := &Server{Planning: fuzzPlanning}
		var out bytes.Buffer
		_ = s.serve(context.Background(), data, &out)
	})
}

var fuzzPlanning = func() *MemPlanning {
	p, err := NewMemPlanning(MemConfig{Technicians: []string{"T1"}, MaxSearchDays: 3, MaxResults: 10,
		Now: func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		panic(err)
	}
	return p
}()

// FuzzDecodeResponse feeds the client's response decoder for each
// operation: it returns a result, a *Fault or a *ResponseError, never
// panics, and a fault read once reads the same when written back.
func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode>` +
		`<faultstring>x</faultstring><detail><i:InfoErreurType xmlns:i="http://interop-fibre.fr"><codeErreur>101</codeErreur>` +
		`<messageErreur>RDV NON DISPONIBLE</messageErreur></i:InfoErreurType></detail></s:Fault></s:Body></s:Envelope>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var search xSearchReponse
		if decodeResponse(OpRechercheCreneauxLibres, 200, data, elemSearchReponse, &search) == nil {
			var buf bytes.Buffer
			if rdvwire.Encode(&buf, wireEntete(Entete{}), wireSearchReponse(search.creneaux())) == nil {
				var again xSearchReponse
				require.NoError(t, decodeResponse(OpRechercheCreneauxLibres, 200, buf.Bytes(), elemSearchReponse, &again))
				require.Len(t, again.Liste.Occ, len(search.Liste.Occ))
			}
		}
		var book xBookReponse
		_ = decodeResponse(OpReservationCreneau, 200, data, elemBookReponse, &book)
		var consult xConsultReponse
		_ = decodeResponse(OpConsultationRdv, 200, data, elemConsultReponse, &consult)
		var report xReportReponse
		err := decodeResponse(OpReportRDV, 500, data, elemReportReponse, &report)
		if f, ok := err.(*Fault); ok {
			var buf bytes.Buffer
			require.NoError(t, rdvwire.EncodeFault(&buf, &rdvwire.Fault{Code: f.SOAPCode, String: f.Message,
				Info: &rdvwire.InfoErreur{CodeErreur: int(f.Code), MessageErreur: f.Message}}))
			again := decodeResponse(OpReportRDV, 500, buf.Bytes(), elemReportReponse, &report)
			g, ok := again.(*Fault)
			require.True(t, ok, "%v", again)
			require.Equal(t, f.Code, g.Code)
		}
	})
}

// TestSeedCorpus writes (with -update) and checks the committed seed corpus:
// every request and response of a full exchange, faults included.
func TestSeedCorpus(t *testing.T) {
	dirReq := filepath.Join("testdata", "fuzz", "FuzzDecodeRequest")
	dirResp := filepath.Join("testdata", "fuzz", "FuzzDecodeResponse")
	if *update {
		s := newService(t, MemConfig{})
		rec := &recorder{next: s.http.Client()}
		s.client.HTTP = rec
		ctx := context.Background()
		slots, err := s.client.Search(ctx, searchReq(day(1, 0), day(2, 0)))
		require.NoError(t, err)
		id, err := s.client.Book(ctx, bookReq(slots[0].IdOI))
		require.NoError(t, err)
		_, _ = s.client.Consult(ctx, ConsultRequest{IdRendezVous: id})
		_, _ = s.client.Report(ctx, reportReq(id, NatureReportReserve, slots[1].IdOI))
		_, _ = s.client.Book(ctx, bookReq(slots[1].IdOI))
		_, _ = s.client.Consult(ctx, ConsultRequest{IdRendezVous: "RDV404"})
		for _, d := range []string{dirReq, dirResp} {
			require.NoError(t, os.MkdirAll(d, 0o755))
		}
		for i, m := range rec.msgs {
			dir := dirReq
			if i%2 == 1 {
				dir = dirResp
			}
			body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(m)) + ")\n"
			require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("exchange-%02d", i/2)), []byte(body), 0o644))
		}
	}
	for _, d := range []string{dirReq, dirResp} {
		files, err := os.ReadDir(d)
		require.NoError(t, err, "run go test -run TestSeedCorpus -update")
		require.GreaterOrEqual(t, len(files), 6, d)
	}
}
