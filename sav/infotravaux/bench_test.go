package infotravaux

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/opensav/savsdk/internal/infowire"
	"github.com/opensav/savsdk/v1a"
)

// manyTravaux returns n notices for sirenOC, each with three addresses.
func manyTravaux(n int) []Travaux {
	out := make([]Travaux, n)
	for i := range out {
		t := withAddresses()
		t.Reference = fmt.Sprintf("TP-2026-%05d", i)
		t.DateModification = t.DateModification.Add(time.Duration(i) * time.Minute)
		out[i] = t
	}
	return out
}

// BenchmarkServerLoopback measures one getInfoTravauxFTTH call answering
// ten notices, client and server over loopback, against a bare net/http
// handler answering the same bytes to the same request, in the same
// process: ratio = infotravaux-ns/op ÷ bare-ns/op.
func BenchmarkServerLoopback(b *testing.B) {
	src := &MemSource{}
	for _, t := range manyTravaux(10) {
		if err := src.Put(t); err != nil {
			b.Fatal(err)
		}
	}
	ours := httptest.NewServer(&Server{Source: src, SupplierID: sirenOI})
	defer ours.Close()
	client := &Client{URL: ours.URL, HTTP: ours.Client()}

	var req bytes.Buffer
	if err := infowire.Encode(&req, wireHeader(header), wireRequest(&Filter{})); err != nil {
		b.Fatal(err)
	}
	resp, err := ours.Client().Post(ours.URL, infowire.ContentType, bytes.NewReader(req.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	fixed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", infowire.ContentType)
		_, _ = w.Write(fixed)
	}))
	defer bare.Close()
	bareClient := bare.Client()

	var tBare, tOurs time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		resp, err := bareClient.Post(bare.URL, infowire.ContentType, bytes.NewReader(req.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t1 := time.Now()
		ts, err := client.GetInfoTravauxFTTH(b.Context(), header, Filter{})
		if err != nil || len(ts) != 10 {
			b.Fatalf("%d notices, %v", len(ts), err)
		}
		tOurs += time.Since(t1)
		tBare += t1.Sub(t0)
		n++
	}
	b.ReportMetric(float64(tBare.Nanoseconds())/float64(n), "bare-ns/op")
	b.ReportMetric(float64(tOurs.Nanoseconds())/float64(n), "infotravaux-ns/op")
	b.ReportMetric(float64(tOurs)/float64(tBare), "ratio")
}

// BenchmarkEncodeResponse writes an answer of 100 notices.
func BenchmarkEncodeResponse(b *testing.B) {
	ts := manyTravaux(100)
	x := wireResponse(ts)
	var buf bytes.Buffer
	if err := infowire.Encode[xHeader](&buf, nil, x); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		buf.Reset()
		if err := infowire.Encode[xHeader](&buf, nil, wireResponse(ts)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeResponse reads an answer of 100 notices.
func BenchmarkDecodeResponse(b *testing.B) {
	var buf bytes.Buffer
	if err := infowire.Encode[xHeader](&buf, nil, wireResponse(manyTravaux(100))); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if ts, err := decodeResponse(200, data); err != nil || len(ts) != 100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeRequest reads a request with three criteria.
func BenchmarkDecodeRequest(b *testing.B) {
	data := []byte(envOpen + `<soapenv:Header><InfoTravauxFTTHHeader><supplierID>987654321</supplierID><serviceProviderID>123456789</serviceProviderID></InfoTravauxFTTHHeader></soapenv:Header><soapenv:Body><inf:getInfoTravauxFTTHRequest><type>TP</type><dateDebutTravaux><dateDebutRecherche>2026-12-01T00:00:00+01:00</dateDebutRecherche><dateFinRecherche>2027-02-28T00:00:00+01:00</dateFinRecherche></dateDebutTravaux><etat>NOUVEAU</etat></inf:getInfoTravauxFTTHRequest></soapenv:Body></soapenv:Envelope>`)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if q, err := decodeRequest(data, Limits{}); err != nil || q.header == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCSV converts 100 notices (400 lines) to a TRAVAUX file and back.
func BenchmarkCSV(b *testing.B) {
	ts := manyTravaux(100)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, ts...); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(buf.Len()))
		var out bytes.Buffer
		for b.Loop() {
			out.Reset()
			if err := WriteCSV(&out, ts...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		data := buf.Bytes()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r := NewCSVReader(v1a.NewReader(bytes.NewReader(data)))
			n := 0
			for {
				_, err := r.Read()
				if err == io.EOF {
					break
				}
				n++
			}
			if n != 100 {
				b.Fatalf("%d notices", n)
			}
		}
	})
}
