package v2

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// payloadFor returns a transaction of kind k with a payload the lifecycle
// accepts, so only the sender or the state can refuse it.
func payloadFor(k ticket.Kind) ticket.Transaction {
	tx := ticket.Transaction{Kind: k}
	switch k {
	case ticket.KindSUInformation:
		tx.Message = &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: "En cours"}
	case ticket.KindCOInformation:
		tx.Message = &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Digicode 1234"}
	case ticket.KindCaseSolved:
		tx.Cloture = &ticket.Closure{Code: "STT01", Responsabilite: codes.ResponsabiliteOC}
	}
	return tx
}

// paths to each state from QUEUED.
var pathTo = map[ticket.State][]ticket.Kind{
	ticket.StateQueued:          nil,
	ticket.StateOpenActive:      {ticket.KindCaseSolving},
	ticket.StateCancelRequested: {ticket.KindCaseSolving, ticket.KindCancelRequest},
	ticket.StateClosed:          {ticket.KindCaseSolving, ticket.KindCaseSolved},
}

// reach brings both copies of a new ticket to state s.
func (w *world) reach(ref string, s ticket.State) string {
	w.t.Helper()
	key := w.create(ref)
	for _, k := range pathTo[s] {
		tx := payloadFor(k)
		tx.Sender, tx.At = ticket.SenderOf(k), w.clock.Now()
		w.oiApply(key, tx)
		w.ocApply(key, tx)
	}
	require.Equal(w.t, s, w.oiTicket(key).State)
	return key
}

var setKinds = []ticket.Kind{ticket.KindCaseSolving, ticket.KindSUInformation, ticket.KindCOInformation,
	ticket.KindCancel, ticket.KindCancelRequest, ticket.KindCaseSolved}

// TestRefusedTransitions sends every set transaction in every state to both
// servers: whatever the lifecycle refuses comes back as a fault with code 11
// (wrong sender) or 13 (wrong state) and changes nothing on either side.
func TestRefusedTransitions(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	n := 0
	for _, role := range []codes.Role{codes.RoleOI, codes.RoleOC} { // the server's role
		sender := role.Other()
		client, mem := w.oc, w.oiMem
		if role == codes.RoleOC {
			client, mem = w.oi, w.ocMem
		}
		for _, state := range []ticket.State{ticket.StateQueued, ticket.StateOpenActive, ticket.StateCancelRequested,
			ticket.StateClosed} {
			for _, kind := range setKinds {
				want := codes.ReturnCodeOK
				switch {
				case ticket.SenderOf(kind) != sender:
					want = codes.ReturnCodeNotAllowed
				default:
					if _, ok := ticket.Allowed(state, kind, sender); !ok {
						want = codes.ReturnCodeUnexpected
					}
				}
				if want == codes.ReturnCodeOK {
					continue
				}
				n++
				name := fmt.Sprintf("%s server/%v/%v", role, state, kind)
				t.Run(name, func(t *testing.T) {
					key := w.reach(fmt.Sprintf("BYTL-T%03d", n), state)
					before, err := mem.Ticket(ctx, testOI, key)
					require.NoError(t, err)
					tx := payloadFor(kind)
					tx.Version, tx.ResyncRequired, tx.Sender = before.Version, true, ticket.SenderOf(kind)
					_, err = client.Set(ctx, key, tx, nil)
					fe := requireFaultCode(t, err, want)
					require.Equal(t, IllegalArgumentException, fe.Exception.Kind)
					require.Equal(t, "Client", fe.FaultCode)
					after, err := mem.Ticket(ctx, testOI, key)
					require.NoError(t, err)
					require.Equal(t, before, after, "nothing stored")
				})
			}
		}
	}
	require.Equal(t, 38, n, "refused triples")
}

func TestVersionRule(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	key := w.reach("BYTL-V1", ticket.StateOpenActive) // version 1
	info := payloadFor(ticket.KindCOInformation)

	// resyncRequired and a stale version: 6, with the key, nothing stored.
	info.Version, info.ResyncRequired = 0, true
	_, err := w.oc.Set(ctx, key, info, nil)
	fe := requireFaultCode(t, err, codes.ReturnCodeDesync)
	require.Equal(t, ResyncRequiredException, fe.Exception.Kind)
	require.Equal(t, key, fe.Key())
	require.Equal(t, key, fe.Exception.Key.PrimaryKey)
	require.Equal(t, 1, w.oiTicket(key).Version)

	// Without resyncRequired the stale set applies when the lifecycle
	// allows it…
	info.ResyncRequired = false
	_, err = w.oc.Set(ctx, key, info, nil)
	require.NoError(t, err)
	require.Equal(t, 2, w.oiTicket(key).Version)

	// …and is refused with 13 when it does not.
	cancel := payloadFor(ticket.KindCancel)
	cancel.Version = 0
	_, err = w.oc.Set(ctx, key, cancel, nil)
	requireFaultCode(t, err, codes.ReturnCodeUnexpected)
	require.Equal(t, 2, w.oiTicket(key).Version)
	require.Equal(t, ticket.StateOpenActive, w.oiTicket(key).State)

	// The right version with resyncRequired applies.
	req := payloadFor(ticket.KindCancelRequest)
	req.Version, req.ResyncRequired = 2, true
	_, err = w.oc.Set(ctx, key, req, nil)
	require.NoError(t, err)
	require.Equal(t, ticket.StateCancelRequested, w.oiTicket(key).State)

	// The same rule holds on the OC's side.
	solved := payloadFor(ticket.KindCaseSolved)
	solved.Version, solved.ResyncRequired = 0, true
	_, err = w.oi.Set(ctx, key, solved, nil)
	requireFaultCode(t, err, codes.ReturnCodeDesync)
	require.Equal(t, ticket.StateOpenActive, w.ocTicket(key).State)
}

var horodatageRE = regexp.MustCompile(`<sav:horodatage>[^<]*</sav:horodatage>`)

func TestTenantIsolation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	key := w.create("BYTL-SECRET")
	before := w.oiTicket(key)

	// Get: another OC's ticket answers exactly as an unknown one.
	get := func(k string) *rawResult {
		return post(t, w.oiSrv, "sfra", testPass2, "text/xml", []byte(envelope(testOC2, testOI,
			`<tt:getTroubleTicketByKeyRequest><tt:troubleTicketKey><co:type>tt:TroubleTicketValue</co:type><tt:primaryKey>`+
				k+`</tt:primaryKey></tt:troubleTicketKey></tt:getTroubleTicketByKeyRequest>`)))
	}
	other, unknown := get(key), get("FTEL99999999")
	requireFault(t, other, codes.ReturnCodeUnknown, ObjectNotFoundException, "Client")
	require.NotNil(t, other.entete, "an identified caller's fault carries sav:entete")
	require.Equal(t, testOC2, other.entete.CodeOC)
	require.Equal(t, horodatageRE.ReplaceAllString(unknown.body, ""),
		strings.ReplaceAll(horodatageRE.ReplaceAllString(other.body, ""), key, "FTEL99999999"),
		"no difference between another OC's ticket and no ticket")
	require.NotContains(t, other.body, "BYTL-SECRET")

	_, err := w.oc2.Get(ctx, key, nil)
	requireFaultCode(t, err, codes.ReturnCodeUnknown)
	require.ErrorIs(t, err, ErrNotFound)

	// Set: 8 as well, and nothing changes.
	info := payloadFor(ticket.KindCOInformation)
	_, err = w.oc2.Set(ctx, key, info, nil)
	fe := requireFaultCode(t, err, codes.ReturnCodeUnknown)
	require.Equal(t, ObjectNotFoundException, fe.Exception.Kind)

	// Search and query: not returned, even when asked for by name.
	for tk, err := range w.oc2.Search(ctx, &Filter{}, nil) {
		require.NoError(t, err)
		require.NotEqual(t, key, tk.ReferenceSigSAVOI)
	}
	for tk, err := range w.oc2.Search(ctx, &Filter{CodeOC: testOC}, nil) {
		t.Fatalf("another OC's ticket returned: %v %v", tk, err)
	}
	for tk, err := range w.oc2.Search(ctx, &Filter{ReferenceSigSAVOI: key}, nil) {
		t.Fatalf("another OC's ticket returned: %v %v", tk, err)
	}
	for tk, err := range w.oc2.Query(ctx, nil) {
		t.Fatalf("another OC's ticket returned: %v %v", tk, err)
	}

	// Create for another OC: 15.
	f := filing("BYTL-FORGED")
	res := post(t, w.oiSrv, "sfra", testPass2, "text/xml", []byte(envelope(testOC2, testOI, createBody(t, f))))
	requireFault(t, res, codes.ReturnCodeAccessDenied, IllegalArgumentException, "Client")
	// A header claiming another operator than the authenticated one: 15,
	// answered from the header alone, before the body is read.
	res = post(t, w.oiSrv, "sfra", testPass2, "text/xml", []byte(envelope(testOC, testOI, createBody(t, f))))
	requireFault(t, res, codes.ReturnCodeAccessDenied, 0, "Client")
	// Addressed to another OI: 15.
	res = post(t, w.oiSrv, "bytl", testPass, "text/xml", []byte(envelope(testOC, "ORNG", createBody(t, f))))
	requireFault(t, res, codes.ReturnCodeAccessDenied, 0, "Client")

	// Unauthenticated: 12.
	for _, cred := range [][2]string{{"", ""}, {"bytl", "wrong"}, {"nobody", testPass}} {
		res = post(t, w.oiSrv, cred[0], cred[1], "text/xml", []byte(envelope(testOC, testOI, createBody(t, f))))
		requireFault(t, res, codes.ReturnCodeAuthentication, 0, "Client")
	}

	// The OC's endpoint: an OI only reaches the tickets filed with it.
	other2 := w.client(w.ocSrv, codes.RoleOI, testOC, "ORNG", "ftel", testPass)
	_, err = other2.Set(ctx, key, payloadFor(ticket.KindCaseSolving), nil)
	requireFaultCode(t, err, codes.ReturnCodeAccessDenied) // FTEL's credentials, ORNG in the header

	require.Equal(t, 1, w.oiMem.Len(), "nothing created")
	require.Equal(t, before, w.oiTicket(key), "nothing changed")
}

// createBody returns the body of a create request for f.
func createBody(t testing.TB, f *ticket.Filing) string {
	t.Helper()
	b, err := AppendBody(nil, NewCreateRequest(f, nil), nil)
	require.NoError(t, err)
	return string(b)
}

func TestMalformedRequests(t *testing.T) {
	w := newWorld(t)
	valid := createBody(t, filing("BYTL-M"))
	missingNature := strings.Replace(valid, "<sav:natureDefaut>COUPURE</sav:natureDefaut>", "", 1)
	require.NotEqual(t, valid, missingNature)
	soap12 := strings.Replace(envelope(testOC, testOI, valid), "http://schemas.xmlsoap.org/soap/envelope/",
		"http://www.w3.org/2003/05/soap-envelope", 1)
	noHeader := regexp.MustCompile(`(?s)<soapenv:Header>.*</soapenv:Header>`).ReplaceAllString(envelope(testOC, testOI, valid), "")
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		code        codes.ReturnCode
		kind        ExceptionKind // 0: no operation known, sav:erreur only
		class       string
		field       string
	}{
		{"malformed", "text/xml", envelope(testOC, testOI, "<tt:createTroubleTicketByValueRequest><oops></tt:createTroubleTicketByValueRequest>"), 3, IllegalArgumentException, "Client", ""},
		{"not xml", "text/xml", "hello", 3, 0, "Client", ""},
		{"dtd", "text/xml", `<!DOCTYPE x [<!ENTITY a "b">]>` + envelope(testOC, testOI, valid), 3, 0, "Client", ""},
		{"bare message", "text/xml", valid, 1, IllegalArgumentException, "Client", "Envelope"},
		{"empty body", "text/xml", envelope(testOC, testOI, ""), 1, 0, "Client", "Body"},
		{"unknown operation", "text/xml", envelope(testOC, testOI, "<tt:closeTroubleTicketByKeyRequest/>"), 22, 0, "Client", ""},
		{"response as request", "text/xml", envelope(testOC, testOI, "<tt:setTroubleTicketByValueResponse/>"), 22, RemoteException, "Client", ""},
		{"soap 1.2", "application/soap+xml", soap12, 3, 0, "VersionMismatch", ""},
		{"must understand", "text/xml", strings.Replace(envelope(testOC, testOI, valid), "<sav:entete>",
			`<w:sec xmlns:w="urn:wss" soapenv:mustUnderstand="1"/><sav:entete>`, 1), 11, 0, "MustUnderstand", ""},
		{"no entete", "text/xml", noHeader, 1, 0, "Client", "entete"},
		{"old version", "text/xml", strings.Replace(envelope(testOC, testOI, valid), ">2.0<", ">1.0<", 1), 2, 0, "Client", "versionProtocole"},
		{"bad horodatage", "text/xml", strings.Replace(envelope(testOC, testOI, valid), "2026-03-02T10:00:00+01:00", "hier", 1), 3, 0, "Client", "horodatage"},
		{"json", "application/json", envelope(testOC, testOI, valid), 3, 0, "Client", "Content-Type"},
		{"missing nature", "text/xml", envelope(testOC, testOI, missingNature), 1, IllegalArgumentException, "Client", "natureDefaut"},
		{"bad date", "text/xml", envelope(testOC, testOI, strings.Replace(valid, "2026-03-01T00:00:00+01:00", "yesterday", 1)), 3, IllegalArgumentException, "Client", ""},
		{"oversize", "text/xml", envelope(testOC, testOI, strings.Replace(valid, "Pas de signal", strings.Repeat("x", 5<<20), 1)), 3, IllegalArgumentException, "Client", "Envelope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, w.oiSrv, "bytl", testPass, tc.contentType, []byte(tc.body))
			require.NotNil(t, res.fault, "%s", res.body)
			require.Equal(t, tc.class, faultClass(res), "%s", res.body)
			require.NotNil(t, res.exc.Erreur, "%s", res.body)
			require.Equal(t, tc.code, res.exc.Erreur.CodeRetour, "%s", res.body)
			require.Equal(t, tc.kind, res.exc.Kind, "%s", res.body)
			if tc.field != "" {
				require.Contains(t, res.exc.Erreur.MessageRetour, tc.field)
			}
			require.Equal(t, 0, w.oiMem.Len(), "nothing stored")
			if strings.Contains(res.body, "<sav:entete>") {
				require.NotNil(t, res.entete)
			}
		})
	}

	// The OC's endpoint serves no create.
	res := post(t, w.ocSrv, "ftel", testPass, "text/xml", []byte(envelope(testOC, testOI, valid)))
	requireFault(t, res, codes.ReturnCodeNoSuchService, RemoteException, "Client")
	require.Equal(t, 0, w.ocMem.Len())
}

func faultClass(r *rawResult) string {
	switch r.fault.Code.Local {
	case "Client", "Server", "VersionMismatch", "MustUnderstand":
		return r.fault.Code.Local
	}
	return ""
}

func TestCreateExpertise(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	open := w.create("BYTL-E0")
	closed := w.reach("BYTL-E1", ticket.StateClosed)
	exp := func(ref, related string) *ticket.Filing {
		f := filing(ref)
		f.TypeSAV, f.RelatedTicket = codes.TypeSAVExpertise, related
		return f
	}
	_, err := w.oc.Create(ctx, exp("BYTL-E2", "FTEL99999999"), nil)
	requireFaultCode(t, err, codes.ReturnCodeUnknown)
	_, err = w.oc.Create(ctx, exp("BYTL-E3", open), nil)
	requireFaultCode(t, err, codes.ReturnCodeUnexpected)
	res, err := w.oc.Create(ctx, exp("BYTL-E4", closed), nil)
	require.NoError(t, err)
	got, err := w.oc.Get(ctx, res.Key, nil)
	require.NoError(t, err)
	require.Equal(t, closed, got.RelatedTicket)
	require.Equal(t, codes.TypeSAVExpertise, got.TypeSAV)

	// Another OC cannot contest BYTL's ticket: it does not exist for it.
	f := exp("SFRA-E", closed)
	f.CodeOC = testOC2
	_, err = w.oc2.Create(ctx, f, nil)
	requireFaultCode(t, err, codes.ReturnCodeUnknown)
}

func TestGetAttrNames(t *testing.T) {
	w := newWorld(t)
	key := w.create("BYTL-A")
	got, err := w.oc.Get(context.Background(), key, &GetOptions{AttrNames: []string{"tt:troubleState", "customerTroubleNum"}})
	require.NoError(t, err)
	require.Equal(t, ticket.StateQueued, got.State)
	require.Equal(t, "BYTL-A", got.ReferenceSigSAVRaccoOC)
	require.Empty(t, got.NatureDefaut, "not asked for")
	require.Equal(t, key, got.ReferenceSigSAVOI)
}

func TestSchemaEndpoints(t *testing.T) {
	w := newWorld(t)
	get := func(srv string, query string) (int, string) {
		resp, err := http.Get(srv + query)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	status, body := get(w.oiSrv.URL, "?wsdl")
	require.Equal(t, http.StatusOK, status)
	require.True(t, strings.Contains(body, `location="`+w.oiSrv.URL+`/"`), "soap:address is the endpoint")
	require.True(t, strings.Contains(body, `schemaLocation="`+w.oiSrv.URL+`/?xsd=tt.xsd"`), "imports served here")
	require.True(t, strings.Contains(body, "createTroubleTicketByValue"))
	status, body = get(w.ocSrv.URL, "?wsdl")
	require.Equal(t, http.StatusOK, status)
	require.False(t, strings.Contains(body, "createTroubleTicketByValue"), "the OC serves no create")
	for _, name := range []string{SchemaTT, SchemaCO, SchemaSAV} {
		status, body = get(w.oiSrv.URL, "?xsd="+name)
		require.Equal(t, http.StatusOK, status, name)
		require.True(t, strings.Contains(body, "<xs:schema"), name)
	}
	for _, q := range []string{"?xsd=../schema.go", "?xsd=oi.wsdl", "?xsd=nope.xsd"} {
		status, _ = get(w.oiSrv.URL, q)
		require.Equal(t, http.StatusNotFound, status, q)
	}
	status, _ = get(w.oiSrv.URL, "")
	require.Equal(t, http.StatusMethodNotAllowed, status)
	req, _ := http.NewRequest(http.MethodPut, w.oiSrv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// brokenSystem fails every call, as a database that is down would.
type brokenSystem struct{ *Memory }

func (brokenSystem) Ticket(context.Context, string, string) (*ticket.Ticket, error) {
	return nil, fmt.Errorf("connection to the database lost")
}

func (brokenSystem) Search(context.Context, *Filter, int, int) ([]*ticket.Ticket, bool, error) {
	panic("search exploded")
}

func TestBackendFailuresAreServerFaults(t *testing.T) {
	w := newWorld(t)
	srv, err := NewOIServer(brokenSystem{NewMemory(MemoryOptions{})}, ServerOptions{Code: testOI, Auth: TrustHeader{}})
	require.NoError(t, err)
	ts := newTestServer(t, srv)
	c := w.client(ts, codes.RoleOC, testOC, testOI, "", "")
	_, err = c.Get(context.Background(), "X", nil)
	fe := requireFaultCode(t, err, codes.ReturnCodeInternal)
	require.Equal(t, "Server", fe.FaultCode)
	require.Equal(t, RemoteException, fe.Exception.Kind)
	require.NotContains(t, fe.Error(), "database", "internal details stay inside")
	require.True(t, Temporary(err))
	_, err = c.QueryPage(context.Background(), nil)
	requireFaultCode(t, err, codes.ReturnCodeInternal)
}

func TestServerOptionsChecked(t *testing.T) {
	m := NewMemory(MemoryOptions{})
	for _, o := range []ServerOptions{
		{Code: "bad", Auth: TrustHeader{}},
		{Code: testOI},
		{Code: testOI, Auth: TrustHeader{}, Siren: "12"},
	} {
		_, err := NewOIServer(m, o)
		require.Error(t, err)
	}
	_, err := NewOIServer(nil, ServerOptions{Code: testOI, Auth: TrustHeader{}})
	require.Error(t, err)
	_, err = NewOCServer(nil, ServerOptions{Code: testOC, Auth: TrustHeader{}})
	require.Error(t, err)
	s, err := NewOCServer(m, ServerOptions{Code: testOC, Auth: TrustHeader{}})
	require.NoError(t, err)
	require.Equal(t, codes.RoleOC, s.Role())
	hs := NewHTTPServer("127.0.0.1:0", s)
	require.NotZero(t, hs.ReadHeaderTimeout)
	require.NotZero(t, hs.WriteTimeout)
}
