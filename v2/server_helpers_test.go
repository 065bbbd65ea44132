package v2

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

const (
	testOC    = "BYTL"
	testOC2   = "SFRA"
	testOI    = "FTEL"
	testPass  = "s3cret"
	testPass2 = "other"
)

// fixedClock is a clock tests advance by hand.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fixedClock {
	return &fixedClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, ticket.Paris)}
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// world is an OI and an OC, each with its in-memory backend and server on
// loopback, and the clients between them.
type world struct {
	t        testing.TB
	clock    *fixedClock
	oiMem    *Memory
	ocMem    *Memory
	oiSrv    *httptest.Server
	ocSrv    *httptest.Server
	oiServer *Server
	ocServer *Server
	oc       *Client // BYTL → FTEL
	oc2      *Client // SFRA → FTEL
	oi       *Client // FTEL → BYTL's OC endpoint
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, clock: newClock()}
	w.oiMem = NewMemory(MemoryOptions{IDPrefix: testOI, Now: w.clock.Now})
	w.ocMem = NewMemory(MemoryOptions{Now: w.clock.Now})
	oiAuth := NewBasicAuth()
	require.NoError(t, oiAuth.Add("bytl", testPass, testOC))
	require.NoError(t, oiAuth.Add("sfra", testPass2, testOC2))
	var err error
	w.oiServer, err = NewOIServer(w.oiMem, ServerOptions{Code: testOI, Auth: oiAuth, Now: w.clock.Now})
	require.NoError(t, err)
	ocAuth := NewBasicAuth()
	require.NoError(t, ocAuth.Add("ftel", testPass, testOI))
	w.ocServer, err = NewOCServer(w.ocMem, ServerOptions{Code: testOC, Auth: ocAuth, Now: w.clock.Now})
	require.NoError(t, err)
	w.oiSrv = httptest.NewServer(w.oiServer)
	w.ocSrv = httptest.NewServer(w.ocServer)
	t.Cleanup(w.oiSrv.Close)
	t.Cleanup(w.ocSrv.Close)
	w.oc = w.client(w.oiSrv, codes.RoleOC, testOC, testOI, "bytl", testPass)
	w.oc2 = w.client(w.oiSrv, codes.RoleOC, testOC2, testOI, "sfra", testPass2)
	w.oi = w.client(w.ocSrv, codes.RoleOI, testOC, testOI, "ftel", testPass)
	return w
}

// basicDoer adds basic credentials to every request.
type basicDoer struct {
	d          Doer
	user, pass string
}

func (b basicDoer) Do(r *http.Request) (*http.Response, error) {
	r.SetBasicAuth(b.user, b.pass)
	return b.d.Do(r)
}

func (w *world) client(srv *httptest.Server, role codes.Role, oc, oi, user, pass string) *Client {
	c, err := NewClient(basicDoer{srv.Client(), user, pass}, srv.URL, ClientOptions{Role: role, CodeOC: oc,
		CodeOI: oi, Now: w.clock.Now})
	require.NoError(w.t, err)
	return c
}

func filing(ref string) *ticket.Filing {
	return &ticket.Filing{
		CodeOC: testOC, CodeOI: testOI, TypeSAV: codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC: ref, ReferencePrise: "FT-1234-5678",
		DateIncident: ticket.Date{Year: 2026, Month: time.March, Day: 1},
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO,
		Commentaire: "Pas de signal depuis l'orage",
	}
}

// create files a ticket as BYTL and records the OC's copy.
func (w *world) create(ref string) string {
	w.t.Helper()
	res, err := w.oc.Create(context.Background(), filing(ref), nil)
	require.NoError(w.t, err)
	require.NoError(w.t, w.ocMem.Put(res.Ticket))
	return res.Key
}

// oiApply applies tx to the OI's copy (as the OI's own system does before
// notifying) and returns the new version.
func (w *world) oiApply(key string, tx ticket.Transaction) *ticket.Ticket {
	w.t.Helper()
	t, err := w.oiMem.Update(context.Background(), testOI, key, func(t *ticket.Ticket) error { return t.Apply(tx) })
	require.NoError(w.t, err)
	return t
}

func (w *world) ocApply(key string, tx ticket.Transaction) *ticket.Ticket {
	w.t.Helper()
	t, err := w.ocMem.Update(context.Background(), testOI, key, func(t *ticket.Ticket) error { return t.Apply(tx) })
	require.NoError(w.t, err)
	return t
}

// notify sends an OI transaction to the OC after applying it at the OI.
func (w *world) notify(key string, tx ticket.Transaction) {
	w.t.Helper()
	before := w.oiTicket(key)
	tx.Sender = codes.RoleOI
	tx.Version = before.Version
	tx.At = w.clock.Now()
	w.oiApply(key, tx)
	_, err := w.oi.Set(context.Background(), key, tx, nil)
	require.NoError(w.t, err)
}

func (w *world) oiTicket(key string) *ticket.Ticket {
	w.t.Helper()
	t, err := w.oiMem.Ticket(context.Background(), testOI, key)
	require.NoError(w.t, err)
	return t
}

func (w *world) ocTicket(key string) *ticket.Ticket {
	w.t.Helper()
	t, err := w.ocMem.Ticket(context.Background(), testOI, key)
	require.NoError(w.t, err)
	return t
}

// envelope returns a request envelope around body with a sav:entete.
func envelope(oc, oi, body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sav="urn:savsdk:sav:2.0"
  xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket" xmlns:co="http://java.sun.com/products/oss/xml/Common"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Header><sav:entete><sav:versionProtocole>2.0</sav:versionProtocole><sav:horodatage>2026-03-02T10:00:00+01:00</sav:horodatage><sav:codeOC>` +
		oc + `</sav:codeOC><sav:codeOI>` + oi + `</sav:codeOI></sav:entete></soapenv:Header>
<soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`
}

// rawResult is a server's answer to a raw POST.
type rawResult struct {
	status int
	body   string
	fault  *soap.Fault
	exc    *Exception
	msg    Message
	entete *soap.Entete
}

// post sends raw bytes to srv with credentials and decodes the answer.
func post(t testing.TB, srv *httptest.Server, user, pass, contentType string, body []byte) *rawResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := &rawResult{status: resp.StatusCode, body: string(raw)}
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusInternalServerError {
		require.Equal(t, soap.ContentType, resp.Header.Get("Content-Type"), "%s", raw)
		exc := &Exception{}
		dec := &soap.Decoder{HeaderSpace: DefaultNamespaceSAV,
			Body: func(d soap.TokenReader, start xml.StartElement) error {
				m, err := readBody(d, start, nil)
				r.msg = m
				return err
			},
			Detail: func(d soap.TokenReader, start xml.StartElement) error {
				return readFaultDetail(d, start, nil, exc)
			}}
		m, err := dec.Decode(strings.NewReader(r.body))
		require.NoError(t, err, "%s", raw)
		r.entete = m.Header.Entete
		if e := m.Header.Entete; e != nil {
			require.NoError(t, e.Check(), "the answer's sav:entete is valid: %s", raw)
		}
		r.fault = m.Fault
		if m.Fault != nil {
			require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
			r.exc = exc
		}
	}
	return r
}

// requireFault checks a fault's return code, exception child (0 when the
// fault came before the body was read: sav:erreur alone) and class.
func requireFault(t testing.TB, r *rawResult, code codes.ReturnCode, kind ExceptionKind, class string) {
	t.Helper()
	require.NotNil(t, r.fault, "want a fault, got %d %s", r.status, r.body)
	require.NotNil(t, r.exc.Erreur, "sav:erreur: %s", r.body)
	require.Equal(t, code, r.exc.Erreur.CodeRetour, "%s", r.body)
	require.Equal(t, kind, r.exc.Kind, "%s", r.body) // 0: sav:erreur alone
	require.Equal(t, class, (&soap.Fault{Code: r.fault.Code}).Class(), "%s", r.body)
	require.Contains(t, r.body, "<faultcode>soapenv:"+class+"</faultcode>")
}

// requireFaultCode checks the return code of a client error.
func requireFaultCode(t testing.TB, err error, code codes.ReturnCode) *FaultError {
	t.Helper()
	var fe *FaultError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, code, fe.ReturnCode(), "%v", err)
	return fe
}

func newTestServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
