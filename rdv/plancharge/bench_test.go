package plancharge

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/opensav/savsdk/internal/rdvwire"
)

// The server path benchmarks run the same work, search one day then book
// its first slot (freed again afterwards), three ways: on the planning
// directly (the baseline), through Server.ServeHTTP without a network, and
// through the Client over loopback HTTP. Compare their ns/op.

func benchService(b *testing.B) *service {
	s := newService(b, MemConfig{})
	return s
}

func BenchmarkSearchBookPlanning(b *testing.B) {
	s := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r := searchReq(day(1, 0), day(2, 0))
		r.SirenOC = sirenOC
		cs, err := s.planning.Search(ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		br := bookReq(cs[0].IdOI)
		br.SirenOC = sirenOC
		id, err := s.planning.Book(ctx, br)
		if err != nil {
			b.Fatal(err)
		}
		_ = s.planning.Cancel(ctx, id)
	}
}

func BenchmarkSearchBookHandler(b *testing.B) {
	s := benchService(b)
	ctx := context.Background()
	var search bytes.Buffer
	if err := rdvwire.Encode(&search, s.client.header(), wireSearch(searchReq(day(1, 0), day(2, 0)))); err != nil {
		b.Fatal(err)
	}
	cs, err := s.planning.Search(ctx, searchReq(day(1, 0), day(2, 0)))
	if err != nil {
		b.Fatal(err)
	}
	var book bytes.Buffer
	r := bookReq(cs[0].IdOI)
	if err := rdvwire.Encode(&book, s.client.header(), &xBook{XMLName: tns(elemBook), NatureProduit: r.NatureProduit,
		SegmentMarche: r.SegmentMarche, CodeInsee: r.CodeInsee, IdCreneau: r.IdCreneau}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, body := range [][]byte{search.Bytes(), book.Bytes()} {
			w := httptest.NewRecorder()
			s.server.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
			if w.Code != 200 {
				b.Fatal(w.Body.String())
			}
		}
		for _, a := range s.planning.Appointments() {
			_ = s.planning.Cancel(ctx, a.IdRendezVous)
		}
	}
}

func BenchmarkSearchBookLoopback(b *testing.B) {
	s := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		cs, err := s.client.Search(ctx, searchReq(day(1, 0), day(2, 0)))
		if err != nil {
			b.Fatal(err)
		}
		id, err := s.client.Book(ctx, bookReq(cs[0].IdOI))
		if err != nil {
			b.Fatal(err)
		}
		_ = s.planning.Cancel(ctx, id)
	}
}

// Codec benchmarks: a search answer of 20 slots, written and read.

func searchAnswer(b *testing.B) []byte {
	s := benchService(b)
	cs, err := s.planning.Search(context.Background(), searchReq(day(1, 0), day(3, 0)))
	if err != nil || len(cs) != 20 {
		b.Fatal(err, len(cs))
	}
	var buf bytes.Buffer
	if err := rdvwire.Encode(&buf, s.client.header(), wireSearchReponse(cs)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkEncodeSearchAnswer(b *testing.B) {
	data := searchAnswer(b)
	var x xSearchReponse
	if err := decodeResponse(OpRechercheCreneauxLibres, 200, data, elemSearchReponse, &x); err != nil {
		b.Fatal(err)
	}
	cs := x.creneaux()
	h := wireEntete(Entete{VersionWS: "1.0", SirenOC: sirenOC, SirenOI: sirenOI})
	var buf bytes.Buffer
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := rdvwire.Encode(&buf, h, wireSearchReponse(cs)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSearchAnswer(b *testing.B) {
	data := searchAnswer(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var x xSearchReponse
		if err := decodeResponse(OpRechercheCreneauxLibres, 200, data, elemSearchReponse, &x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSearchRequest(b *testing.B) {
	var buf bytes.Buffer
	c := &Client{SirenOC: sirenOC, SirenOI: sirenOI}
	if err := rdvwire.Encode(&buf, c.header(), wireSearch(searchReq(day(1, 0), day(2, 0)))); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeRequest(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
