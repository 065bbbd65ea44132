package sav_test

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// creator files tickets through a v2 client against the OI server mount
// puts on a loopback endpoint.
type creator struct {
	ep *savtest.Endpoint
	c  *v2.Client
	i  int
}

func newCreator(b *testing.B, mount func(ep *savtest.Endpoint)) *creator {
	ep, err := savtest.NewEndpoint()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ep.Close)
	mount(ep)
	c, err := v2.NewClient(nil, ep.URL+"/sav/v2/oi", v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"})
	if err != nil {
		b.Fatal(err)
	}
	return &creator{ep: ep, c: c}
}

func (cr *creator) create(b *testing.B) {
	cr.i++
	if _, err := cr.c.Create(context.Background(), savtest.Filing("BYTL", "FTEL", fmt.Sprintf("B-%d", cr.i)), nil); err != nil {
		b.Fatal(err)
	}
}

func createBench(b *testing.B, mount func(ep *savtest.Endpoint)) {
	cr := newCreator(b, mount)
	for b.Loop() {
		cr.create(b)
	}
}

func mountEngine(ep *savtest.Endpoint) {
	oi, err := sav.NewOI(sav.Options{TrustHeader: true, Code: "FTEL", Store: sav.NewMemStore()})
	if err != nil {
		panic(err)
	}
	ep.Handle("/sav/v2/oi", oi.V2Handler())
}

func mountBare(ep *savtest.Endpoint) {
	srv, err := v2.NewOIServer(v2.NewMemory(v2.MemoryOptions{IDPrefix: "FTEL"}), v2.ServerOptions{Code: "FTEL",
		Auth: v2.TrustHeader{}})
	if err != nil {
		panic(err)
	}
	ep.Handle("/sav/v2/oi", srv)
}

// BenchmarkOIV2Create is a 2.0 create over loopback answered by the OI
// engine (journal, store, events).
func BenchmarkOIV2Create(b *testing.B) { createBench(b, mountEngine) }

// BenchmarkOIV2CreateBaseline is the same create answered by the bare 2.0
// server on v2.Memory: the baseline of the engine's cost.
func BenchmarkOIV2CreateBaseline(b *testing.B) { createBench(b, mountBare) }

// BenchmarkEngineRatios files one ticket through the OI engine and one
// through the bare 2.0 server on v2.Memory per iteration, in the same
// process, and reports the ratio of their times (engine-create-x): what the
// journal, the Store and the events cost on top of the protocol.
func BenchmarkEngineRatios(b *testing.B) {
	engine, bare := newCreator(b, mountEngine), newCreator(b, mountBare)
	var ours, base time.Duration
	for b.Loop() {
		t0 := time.Now()
		engine.create(b)
		t1 := time.Now()
		bare.create(b)
		ours, base = ours+t1.Sub(t0), base+time.Since(t1)
	}
	b.ReportMetric(float64(ours)/float64(base), "engine-create-x")
}

// queuedTickets stores n acknowledged tickets in st as the OI.
func queuedTickets(b *testing.B, st sav.Store, n int) []sav.Key {
	ctx := context.Background()
	keys := make([]sav.Key, n)
	for i := range keys {
		t := &ticket.Ticket{}
		if err := t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: time.Now(),
			Filing: savtest.Filing("BYTL", "FTEL", fmt.Sprintf("Q-%d", i))}); err != nil {
			b.Fatal(err)
		}
		if err := t.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: time.Now(),
			ReferenceSigSAVOI: fmt.Sprintf("FTEL%08d", i+1)}); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Create(ctx, codes.RoleOI, t, sav.Effects{}); err != nil {
			b.Fatal(err)
		}
		keys[i] = sav.KeyOf(codes.RoleOI, t)
	}
	return keys
}

func benchClose(b *testing.B, peer sav.Peer) {
	st := sav.NewMemStore()
	oi, err := sav.NewOI(sav.Options{TrustHeader: true, Code: "FTEL", Store: st, MailFrom: mail.Address{Address: "sav@ftel.test"},
		Peers: &sav.Peers{Operators: []sav.Peer{peer}}})
	if err != nil {
		b.Fatal(err)
	}
	keys := queuedTickets(b, st, b.N)
	ctx := context.Background()
	closure := ticket.Closure{Code: "ERR01", Responsabilite: codes.ResponsabiliteOC}
	b.ResetTimer()
	for i := range b.N {
		if _, err := oi.Close(ctx, keys[i], closure); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOIClose2 is an OI step (CASE SOLVED NOTIFICATION) committed with
// its 2.0 set request to the outbox.
func BenchmarkOIClose2(b *testing.B) {
	benchClose(b, sav.Peer{Code: "BYTL", V2: &sav.PeerV2{URL: "http://127.0.0.1:1/sav/v2/oc"}})
}

// BenchmarkOIClose1a is the same step committed with its CLOTURE mail.
func BenchmarkOIClose1a(b *testing.B) {
	benchClose(b, sav.Peer{Code: "BYTL", V1A: &sav.PeerV1A{Address: "sav@bytl.test"}})
}

// BenchmarkOIDepotMail handles a one-line DEPOT mail: journal, validation,
// ticket creation with the 1.0a AR rule, AR file to the outbox.
func BenchmarkOIDepotMail(b *testing.B) {
	st := sav.NewMemStore()
	oc, oiAddr := mail.Address{Address: "sav@bytl.test"}, mail.Address{Address: "sav@ftel.test"}
	oi, err := sav.NewOI(sav.Options{TrustHeader: true, Code: "FTEL", Store: st, MailFrom: oiAddr,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V1A: &sav.PeerV1A{Address: oc.Address}}}}})
	if err != nil {
		b.Fatal(err)
	}
	mails := make([]*v1a.Inbound, b.N)
	for i := range mails {
		d, _, err := v1a.DepotFromFiling(savtest.Filing("BYTL", "FTEL", fmt.Sprintf("M-%d", i)))
		if err != nil {
			b.Fatal(err)
		}
		name := v1a.FileName{Flow: v1a.FlowDepot, Sender: "BYTL", Recipient: "FTEL", Time: time.Now(), Seq: i%9999 + 1}
		m, err := v1a.NewMessage(oc, []mail.Address{oiAddr}, name, []v1a.Record{d}, nil)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := m.Bytes()
		if err != nil {
			b.Fatal(err)
		}
		if mails[i], err = v1a.ReadMail(bytesReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
	h := oi.MailHandler()
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if err := h.HandleMail(ctx, mails[i]); err != nil {
			b.Fatal(err)
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// BenchmarkOCNotification is a 2.0 notification (CASE SOLVING
// NOTIFICATION) received by the OC engine over loopback: journal, lifecycle,
// store, event.
func BenchmarkOCNotification(b *testing.B) {
	pair, err := savtest.Start(savtest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer pair.Close()
	ctx := context.Background()
	ids := make([]string, b.N)
	for i := range ids {
		tk, err := pair.OC.File(ctx, pair.Filing(fmt.Sprintf("N-%d", i)))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = tk.ReferenceSigSAVOI
	}
	c, err := pair.V2Client(codes.RoleOI)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := c.Set(ctx, ids[i], ticket.Transaction{Kind: ticket.KindCaseSolving}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
