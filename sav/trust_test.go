package sav_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// The tests of this file attack the promise that nothing one operator does
// reaches another: the journal's replays, reads, memory before
// authentication, notifications after an OI restart, and trust by default.

const (
	bytlPassword = "bytl-secret"
	sfraPassword = "sfra-secret"
)

// trustOI is an OI (FTEL) with two OCs, BYTL and SFRA, each presenting HTTP
// basic credentials; its 2.0 handler is called in process.
type trustOI struct {
	oi    *sav.OI
	store *sav.MemStore
	h     http.Handler
}

func newTrustOI(t testing.TB, mutate func(*sav.Options)) *trustOI {
	t.Helper()
	st := sav.NewMemStore()
	peers := &sav.Peers{Operators: []sav.Peer{
		{Code: "BYTL", Role: codes.RoleOC, V2: &sav.PeerV2{URL: "http://127.0.0.1:1/sav/v2/oc"},
			Auth: &sav.PeerAuth{Basic: &sav.BasicCredentials{User: "bytl", Password: bytlPassword}}},
		{Code: "SFRA", Role: codes.RoleOC, V2: &sav.PeerV2{URL: "http://127.0.0.1:1/sav/v2/oc"},
			Auth: &sav.PeerAuth{Basic: &sav.BasicCredentials{User: "sfra", Password: sfraPassword}}},
	}}
	opts := sav.Options{Code: "FTEL", Store: st, Peers: peers}
	if mutate != nil {
		mutate(&opts)
	}
	oi, err := sav.NewOI(opts)
	require.NoError(t, err)
	return &trustOI{oi: oi, store: st, h: oi.V2Handler()}
}

// exchange is one request and its answer as they crossed the wire.
type exchange struct {
	body     []byte
	status   int
	response []byte
}

// wire is a v2.Doer that serves requests with h in process, with the given
// basic credentials, and keeps the last exchange.
type wire struct {
	h          http.Handler
	user, pass string
	mu         sync.Mutex
	last       exchange
}

func (w *wire) Do(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	status, resp := post(w.h, body, w.user, w.pass, r.Header.Get(sav.IdempotencyHeader))
	w.mu.Lock()
	w.last = exchange{body: body, status: status, response: resp}
	w.mu.Unlock()
	return &http.Response{StatusCode: status, Status: http.StatusText(status),
		Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}}, Body: io.NopCloser(bytes.NewReader(resp)),
		Request: r}, nil
}

// post sends body to h as a SOAP request with the given credentials (none
// when user is empty) and idempotency key.
func post(h http.Handler, body []byte, user, pass, key string) (int, []byte) {
	r := httptest.NewRequest(http.MethodPost, "/sav/v2/oi", bytes.NewReader(body))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	if user != "" {
		r.SetBasicAuth(user, pass)
	}
	if key != "" {
		r.Header.Set(sav.IdempotencyHeader, key)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

func (o *trustOI) client(t testing.TB, code, user, pass string) (*v2.Client, *wire) {
	t.Helper()
	w := &wire{h: o.h, user: user, pass: pass}
	c, err := v2.NewClient(w, "http://in-process/sav/v2/oi", v2.ClientOptions{Role: codes.RoleOC, CodeOC: code,
		CodeOI: "FTEL"})
	require.NoError(t, err)
	return c, w
}

var codeRetour = regexp.MustCompile(`codeRetour>([0-9]+)<`)

// returnCode is the codeRetour of a fault answer, 0 for a response.
func returnCode(t testing.TB, status int, resp []byte) codes.ReturnCode {
	t.Helper()
	if status == http.StatusOK {
		return codes.ReturnCodeOK
	}
	m := codeRetour.FindSubmatch(resp)
	require.NotNil(t, m, "status %d without a return code: %s", status, resp)
	n, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	return codes.ReturnCode(n)
}

// TestReplayNotAcrossCallers: the bytes of BYTL's create, posted again by an
// anonymous caller or by SFRA with its own credentials, never get BYTL's
// answer (its ticket's key); another operator using the same
// Idempotency-Key gets its own processing.
func TestReplayNotAcrossCallers(t *testing.T) {
	ctx := context.Background()
	o := newTrustOI(t, nil)
	bytl, w := o.client(t, "BYTL", "bytl", bytlPassword)
	created, err := bytl.Create(ctx, savtest.Filing("BYTL", "FTEL", "A-1"), nil)
	require.NoError(t, err)
	body := w.last.body
	require.Contains(t, string(w.last.response), created.Key)

	status, resp := post(o.h, body, "", "", "")
	require.Equal(t, codes.ReturnCodeAuthentication, returnCode(t, status, resp))
	require.NotContains(t, string(resp), created.Key)

	status, resp = post(o.h, body, "sfra", sfraPassword, "")
	require.Equal(t, codes.ReturnCodeAccessDenied, returnCode(t, status, resp), "SFRA cannot file as BYTL")
	require.NotContains(t, string(resp), created.Key)

	// The same Idempotency-Key from two operators: two requests.
	a, err := createWithKey(o, "BYTL", "bytl", bytlPassword, "K-1", "B-1")
	require.NoError(t, err)
	b, err := createWithKey(o, "SFRA", "sfra", sfraPassword, "K-1", "S-1")
	require.NoError(t, err)
	require.NotEqual(t, a, b, "each operator's request is its own")
	list, err := o.oi.List(ctx, sav.Query{})
	require.NoError(t, err)
	require.Len(t, list, 3)
}

// createWithKey files ref for code with an Idempotency-Key and returns the
// OI's key.
func createWithKey(o *trustOI, code, user, pass, key, ref string) (string, error) {
	w := &wire{h: keyed{o.h, key}, user: user, pass: pass}
	c, err := v2.NewClient(w, "http://in-process/sav/v2/oi", v2.ClientOptions{Role: codes.RoleOC, CodeOC: code,
		CodeOI: "FTEL"})
	if err != nil {
		return "", err
	}
	res, err := c.Create(context.Background(), savtest.Filing(code, "FTEL", ref), nil)
	if err != nil {
		return "", err
	}
	return res.Key, nil
}

// keyed sets an Idempotency-Key on every request.
type keyed struct {
	h   http.Handler
	key string
}

func (k keyed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Header.Set(sav.IdempotencyHeader, k.key)
	k.h.ServeHTTP(w, r)
}

// TestGetNotReplayed: BYTL's get, replayed without credentials, is refused
// (12) and does not carry the ticket; replayed by BYTL after the OI took the
// ticket in charge, it answers the ticket as it is now; reads leave nothing
// in the journal.
func TestGetNotReplayed(t *testing.T) {
	ctx := context.Background()
	o := newTrustOI(t, nil)
	bytl, w := o.client(t, "BYTL", "bytl", bytlPassword)
	created, err := bytl.Create(ctx, savtest.Filing("BYTL", "FTEL", "G-1"), nil)
	require.NoError(t, err)
	got, err := bytl.Get(ctx, created.Key, nil)
	require.NoError(t, err)
	require.Equal(t, ticket.StateQueued, got.State)
	getBody := w.last.body

	status, resp := post(o.h, getBody, "", "", "")
	require.Equal(t, codes.ReturnCodeAuthentication, returnCode(t, status, resp))
	require.NotContains(t, string(resp), "G-1")

	_, err = o.oi.TakeCharge(ctx, sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "G-1"}, "")
	require.NoError(t, err)
	status, resp = post(o.h, getBody, "bytl", bytlPassword, "")
	require.Equal(t, http.StatusOK, status, "%s", resp)
	require.Contains(t, string(resp), "OPENACTIVE", "the second read sees the change")

	n, err := o.store.Forget(ctx, sav.Retention{Keep: 0})
	require.NoError(t, err)
	require.Equal(t, 1, n, "only the create is journaled")
}

// TestFaultNotReplayedOnceFixed: a request refused for a transient cause
// (the store unavailable: 10) or before authentication (12) is processed
// when it comes again and the cause is gone.
func TestFaultNotReplayedOnceFixed(t *testing.T) {
	ctx := context.Background()
	flaky := &flakyStore{MemStore: sav.NewMemStore()}
	flaky.fail.Store(true)
	o := newTrustOI(t, func(opts *sav.Options) { opts.Store = flaky })
	bytl, w := o.client(t, "BYTL", "bytl", bytlPassword)
	_, err := bytl.Create(ctx, savtest.Filing("BYTL", "FTEL", "F-1"), &v2.CreateOptions{})
	require.Error(t, err)
	body := w.last.body
	require.Equal(t, codes.ReturnCodeInternal, returnCode(t, w.last.status, w.last.response))
	flaky.fail.Store(false)
	status, resp := post(o.h, body, "bytl", bytlPassword, "")
	require.Equal(t, http.StatusOK, status, "%s", resp)

	// Wrong password first, then the right one: the same bytes are
	// processed the second time.
	_, w2 := o.client(t, "BYTL", "bytl", "wrong")
	bad, _ := v2.NewClient(w2, "http://in-process/sav/v2/oi", v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL",
		CodeOI: "FTEL"})
	_, err = bad.Create(ctx, savtest.Filing("BYTL", "FTEL", "F-2"), &v2.CreateOptions{})
	require.Error(t, err)
	require.Equal(t, codes.ReturnCodeAuthentication, returnCode(t, w2.last.status, w2.last.response))
	status, resp = post(o.h, w2.last.body, "bytl", bytlPassword, "")
	require.Equal(t, http.StatusOK, status, "%s", resp)
	_, err = o.oi.Ticket(ctx, sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "F-2"})
	require.NoError(t, err)
}

// flakyStore fails ticket creation while fail is set, as a database that
// is down would.
type flakyStore struct {
	*sav.MemStore
	fail atomicBool
}

type atomicBool struct {
	mu sync.Mutex
	v  bool
}

func (b *atomicBool) Store(v bool) { b.mu.Lock(); b.v = v; b.mu.Unlock() }
func (b *atomicBool) Load() bool   { b.mu.Lock(); defer b.mu.Unlock(); return b.v }

func (f *flakyStore) Create(ctx context.Context, role codes.Role, t *ticket.Ticket, fx sav.Effects) (*ticket.Ticket, error) {
	if f.fail.Load() {
		return nil, errors.New("store unavailable")
	}
	return f.MemStore.Create(ctx, role, t, fx)
}

// heapAfterGC returns the live heap.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemoryBeforeAuthentication: 1,000 anonymous 200 KB requests leave
// the OI's heap less than 10 MB larger, and the journal empty.
func TestMemoryBeforeAuthentication(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 200 MB of requests")
	}
	ctx := context.Background()
	o := newTrustOI(t, nil)
	body := anonymousCreate(200 << 10)
	before := heapAfterGC()
	for i := range 1000 {
		b := bytes.Replace(body, []byte("REF-0000"), fmt.Appendf(nil, "REF-%04d", i), 1)
		status, resp := post(o.h, b, "", "", "")
		if i == 0 {
			require.Equal(t, codes.ReturnCodeAuthentication, returnCode(t, status, resp))
		}
	}
	growth := int64(heapAfterGC()) - int64(before)
	t.Logf("heap growth after 1,000 anonymous 200 KB requests: %.2f MB", float64(growth)/(1<<20))
	require.Less(t, growth, int64(10<<20))
	n, err := o.store.Forget(ctx, sav.Retention{Keep: 0})
	require.NoError(t, err)
	require.Zero(t, n, "an anonymous request costs no journal entry")
	un, err := o.store.Unresolved(ctx)
	require.NoError(t, err)
	require.Empty(t, un)
}

// anonymousCreate is a create request of about size bytes (a long
// description), with the reference REF-0000.
func anonymousCreate(size int) []byte {
	var out bytes.Buffer
	c, _ := v2.NewClient(v2.DoerFunc(func(r *http.Request) (*http.Response, error) {
		_, _ = io.Copy(&out, r.Body)
		return nil, errors.New("captured")
	}), "http://in-process/sav/v2/oi", v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"})
	f := savtest.Filing("BYTL", "FTEL", "REF-0000")
	f.Commentaire = strings.Repeat("x", size)
	_, _ = c.Create(context.Background(), f, &v2.CreateOptions{})
	return out.Bytes()
}

// BenchmarkJournalMemory reports the heap growth after 1,000 anonymous
// 200 KB requests (anon-MB) and after b.N authenticated creates with the
// default retention (MB, and journal entries kept), all in process.
func BenchmarkJournalMemory(b *testing.B) {
	ctx := context.Background()
	b.Run("anonymous-1000x200KB", func(b *testing.B) {
		for b.Loop() {
			o := newTrustOI(b, nil)
			body := anonymousCreate(200 << 10)
			before := heapAfterGC()
			for range 1000 {
				post(o.h, body, "", "", "")
			}
			b.ReportMetric(float64(int64(heapAfterGC())-int64(before))/(1<<20), "heap-MB")
		}
	})
	// creates: the default retention; creates-journal-1: the same with a
	// journal of one entry, so that the difference is the journal's part
	// of the growth (the rest is the tickets themselves).
	for _, c := range []struct {
		name string
		keep int
	}{{"creates", 0}, {"creates-journal-1", 1}} {
		b.Run(c.name, func(b *testing.B) {
			o := newTrustOI(b, func(opts *sav.Options) { opts.JournalEntries = c.keep })
			cl, _ := o.client(b, "BYTL", "bytl", bytlPassword)
			before := heapAfterGC()
			i := 0
			for b.Loop() {
				i++
				if _, err := cl.Create(ctx, savtest.Filing("BYTL", "FTEL", fmt.Sprintf("M-%d", i)), nil); err != nil {
					b.Fatal(err)
				}
			}
			growth := float64(int64(heapAfterGC())-int64(before)) / (1 << 20)
			kept, _ := o.store.Forget(ctx, sav.Retention{Keep: 0})
			b.ReportMetric(growth, "heap-MB")
			b.ReportMetric(float64(kept), "journal-entries")
		})
	}
}

// TestNotificationNamesBothKeys: after an OI restart that lost its sequence,
// the OI's id FTEL00000001 is given to ticket B while the OC holds it for
// ticket A. B's closure, over 2.0 or in a 1.0a CLOTURE, is refused and
// never applied to A.
func TestNotificationNamesBothKeys(t *testing.T) {
	ctx := context.Background()
	for _, proto := range []savtest.Protocol{savtest.V2, savtest.V1A} {
		t.Run(proto.String(), func(t *testing.T) {
			p := savtest.NewPair(t, savtest.Options{Protocol: proto})
			_, err := p.OC.File(ctx, p.Filing("A"))
			require.NoError(t, err)
			p.OCEvents.Wait(t, "A", sav.EventAcknowledged)
			a, err := p.OC.Ticket(ctx, p.OC.Key("A"))
			require.NoError(t, err)
			require.NotEmpty(t, a.ReferenceSigSAVOI)

			// Ticket B as the restarted OI holds it, with A's OI id.
			b := &ticket.Ticket{}
			require.NoError(t, b.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC,
				At: time.Now(), Filing: p.Filing("B")}))
			require.NoError(t, b.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI,
				At: time.Now(), ReferenceSigSAVOI: a.ReferenceSigSAVOI}))
			b.Version = a.Version
			closure := ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: time.Now(),
				Version: a.Version, Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
					Localisation: codes.PrelocDefautPM, Date: time.Now()}}
			switch proto {
			case savtest.V2:
				req, err := sav.V2SetRequest(b, closure, nil)
				require.NoError(t, err)
				c, err := p.V2Client(codes.RoleOI)
				require.NoError(t, err)
				ref, _ := req.Value.CustomerTroubleNum.Get()
				require.Equal(t, "B", ref)
				_, err = c.Set(ctx, a.ReferenceSigSAVOI, closure, &v2.SetOptions{ReferenceSigSAVRaccoOC: ref})
				var fe *v2.FaultError
				require.ErrorAs(t, err, &fe)
				require.Equal(t, codes.ReturnCodeUnexpected, fe.ReturnCode())
			case savtest.V1A:
				rec, _, err := sav.V1ARecord(b, closure)
				require.NoError(t, err)
				name := v1a.FileName{Flow: v1a.FlowCloture, Sender: "FTEL", Recipient: "BYTL", Time: time.Now(), Seq: 9}
				m, err := v1a.NewMessage(p.OIAddress, []mail.Address{p.OCAddress}, name, []v1a.Record{rec}, nil)
				require.NoError(t, err)
				raw, err := m.Bytes()
				require.NoError(t, err)
				in, err := v1a.ReadMail(bytes.NewReader(raw))
				require.NoError(t, err)
				require.NoError(t, p.OC.MailHandler().HandleMail(ctx, in))
				entry, err := p.OCStore.Inbound(ctx, sav.InboundRef{Protocol: sav.ProtocolV1A, ID: in.Message.MessageID})
				require.NoError(t, err)
				require.NotNil(t, entry.Outcome)
				require.Equal(t, codes.ReturnCodeUnexpected, entry.Outcome.Code, entry.Outcome.Reason)
			}
			got, err := p.OC.Ticket(ctx, p.OC.Key("A"))
			require.NoError(t, err)
			require.NotEqual(t, ticket.StateClosed, got.State, "B's closure was applied to A")
			require.Equal(t, a.Version, got.Version)
		})
	}
}

// TestTrustIsExplicit: without credentials for a 2.0 peer and without an
// authenticator, NewOI and NewOC refuse the configuration, saying what to
// configure; TrustHeader opts in; v2.TrustHeader as Auth needs it too.
func TestTrustIsExplicit(t *testing.T) {
	peers := &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V2: &sav.PeerV2{URL: "http://127.0.0.1:1/sav/v2/oc"}}}}
	for _, tc := range []struct {
		name string
		opts sav.Options
		ok   bool
	}{
		{"no authenticator", sav.Options{Peers: peers}, false},
		{"TrustHeader authenticator alone", sav.Options{Peers: peers, Auth: v2.TrustHeader{}}, false},
		{"TrustHeader opt-in", sav.Options{Peers: peers, TrustHeader: true}, true},
		{"explicit authenticator", sav.Options{Peers: peers, Auth: v2.NewBasicAuth()}, true},
		{"no 2.0 peer", sav.Options{Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL",
			V1A: &sav.PeerV1A{Address: "sav@bytl.test"}}}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Code, tc.opts.Store = "FTEL", sav.NewMemStore()
			_, err := sav.NewOI(tc.opts)
			tc.opts.Code = "SFRA"
			_, err2 := sav.NewOC(tc.opts)
			if tc.ok {
				require.NoError(t, err)
				require.NoError(t, err2)
				return
			}
			for _, err := range []error{err, err2} {
				require.ErrorIs(t, err, sav.ErrNoAuthenticator)
				var ce *sav.ConfigError
				require.ErrorAs(t, err, &ce)
				require.Equal(t, "Auth", ce.Field)
				require.Contains(t, err.Error(), "TrustHeader")
			}
		})
	}
	// Without a 2.0 peer the 2.0 server, if mounted, refuses every caller.
	o, err := sav.NewOI(sav.Options{Code: "FTEL", Store: sav.NewMemStore()})
	require.NoError(t, err)
	status, resp := post(o.V2Handler(), anonymousCreate(10), "", "", "")
	require.Equal(t, codes.ReturnCodeAuthentication, returnCode(t, status, resp))
}
