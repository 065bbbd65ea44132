package v2

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

// benchRequest is a create request envelope whose OC reference ends with
// the placeholder benchRef, replaced by a counter on each request.
const benchRef = "BENCH-00000000000"

func benchCreateEnvelope(b *testing.B) []byte {
	b.Helper()
	body := createBodyB(b, "BYTL-"+benchRef)
	return []byte(envelope(testOC, testOI, body))
}

func createBodyB(b *testing.B, ref string) string {
	b.Helper()
	out, err := AppendBody(nil, NewCreateRequest(filing(ref), nil), nil)
	if err != nil {
		b.Fatal(err)
	}
	return string(out)
}

// poster POSTs the create envelope to a URL, each request with a fresh OC
// reference, and fails on any answer but 200.
type poster struct {
	b      *testing.B
	client *http.Client
	url    string
	tmpl   []byte
	at     int
	n      *atomic.Int64
}

func newPoster(b *testing.B, client *http.Client, url string, n *atomic.Int64) *poster {
	tmpl := benchCreateEnvelope(b)
	return &poster{b: b, client: client, url: url, tmpl: tmpl, at: bytes.Index(tmpl, []byte(benchRef)), n: n}
}

func (p *poster) post(req []byte) {
	id := strconv.FormatInt(p.n.Add(1), 10)
	copy(req[p.at+len(benchRef)-len(id):], id)
	hr, err := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(req))
	if err != nil {
		p.b.Fatal(err)
	}
	hr.Header.Set("Content-Type", soap.ContentType)
	hr.SetBasicAuth("bytl", testPass)
	resp, err := p.client.Do(hr)
	if err != nil {
		p.b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.b.Fatalf("status %d", resp.StatusCode)
	}
}

// parallel sends n requests from GOMAXPROCS goroutines and returns the
// elapsed time.
func (p *poster) parallel(n int) time.Duration {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := bytes.Clone(p.tmpl)
			for left.Add(-1) >= 0 {
				p.post(req)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// run is the benchmark loop of a single target.
func (p *poster) run() {
	p.b.ReportAllocs()
	p.b.SetBytes(int64(len(p.tmpl)))
	p.b.ResetTimer()
	p.b.RunParallel(func(pb *testing.PB) {
		req := bytes.Clone(p.tmpl)
		for pb.Next() {
			p.post(req)
		}
	})
}

// fullServer is the OI's full server (envelope, authentication,
// validation, lifecycle, in-memory system) over loopback HTTP.
func fullServer(b *testing.B) *httptest.Server {
	auth := NewBasicAuth()
	if err := auth.Add("bytl", testPass, testOC); err != nil {
		b.Fatal(err)
	}
	srv, err := NewOIServer(NewMemory(MemoryOptions{IDPrefix: testOI}), ServerOptions{Code: testOI, Auth: auth})
	if err != nil {
		b.Fatal(err)
	}
	return httptest.NewServer(srv)
}

// bareServer is the baseline: a bare net/http handler that reads the
// request and answers a fixed create response, on the same machine.
func bareServer() *httptest.Server {
	answer := []byte(envelope(testOC, testOI, `<tt:createTroubleTicketByValueResponse><tt:troubleTicketKey>`+
		`<co:type>tt:TroubleTicketValue</co:type><tt:primaryKey>FTEL00000001</tt:primaryKey></tt:troubleTicketKey>`+
		`</tt:createTroubleTicketByValueResponse>`))
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", soap.ContentType)
		_, _ = w.Write(answer)
	}))
}

// BenchmarkServerCreate reports the creates per second of the full OI
// server over loopback HTTP with the in-memory backend ("server"), the
// requests per second of a bare net/http handler answering a fixed body in
// the same process ("bare-handler"), and, in "ratio", both measured in turn
// within one run with their ratio (creates/s ÷ bare requests/s).
func BenchmarkServerCreate(b *testing.B) {
	var n atomic.Int64
	b.Run("bare-handler", func(b *testing.B) {
		ts := bareServer()
		defer ts.Close()
		newPoster(b, ts.Client(), ts.URL, &n).run()
	})
	b.Run("server", func(b *testing.B) {
		ts := fullServer(b)
		defer ts.Close()
		newPoster(b, ts.Client(), ts.URL, &n).run()
	})
	b.Run("ratio", func(b *testing.B) {
		bare, full := bareServer(), fullServer(b)
		defer bare.Close()
		defer full.Close()
		bp, fp := newPoster(b, bare.Client(), bare.URL, &n), newPoster(b, full.Client(), full.URL, &n)
		// Warm both connections pools up.
		bp.parallel(100)
		fp.parallel(100)
		b.ResetTimer()
		tBare := bp.parallel(b.N)
		tFull := fp.parallel(b.N)
		b.StopTimer()
		bareRate, fullRate := float64(b.N)/tBare.Seconds(), float64(b.N)/tFull.Seconds()
		b.ReportMetric(fullRate, "creates/s")
		b.ReportMetric(bareRate, "bare-req/s")
		b.ReportMetric(fullRate/bareRate, "ratio")
	})
}

// BenchmarkClientCreate is a create end to end: the client's encoding and
// decoding included.
func BenchmarkClientCreate(b *testing.B) {
	w := newWorld(b)
	b.ReportAllocs()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f := filing("BYTL-C" + strconv.FormatInt(n.Add(1), 10))
			if _, err := w.oc.Create(context.Background(), f, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkServerGet serves getTroubleTicketByKey through the full server.
func BenchmarkServerGet(b *testing.B) {
	w := newWorld(b)
	key := w.create("BYTL-GET")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := w.oc.Get(context.Background(), key, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkServerSet applies CO information transactions through the full
// server. A fresh ticket is filed every 100 transactions, so the ticket's
// history (copied on each change) stays the size of a real one.
func BenchmarkServerSet(b *testing.B) {
	w := newWorld(b)
	tx := payloadFor(ticket.KindCOInformation)
	var key string
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%100 == 0 {
			b.StopTimer()
			key = w.create("BYTL-SET-" + strconv.Itoa(i))
			b.StartTimer()
		}
		if _, err := w.oc.Set(context.Background(), key, tx, nil); err != nil {
			b.Fatal(err)
		}
	}
}
