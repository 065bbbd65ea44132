package v2

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// TestLifecycleBothSides runs a ticket from creation to closure over
// loopback HTTP, checking that the OI's and the OC's copies agree on state
// and version at every step.
func TestLifecycleBothSides(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	key := w.create("BYTL-0001")
	require.Equal(t, "FTEL00000001", key)

	agree := func(state ticket.State, version int) {
		t.Helper()
		oi, oc := w.oiTicket(key), w.ocTicket(key)
		require.Equal(t, state, oi.State, "OI state")
		require.Equal(t, state, oc.State, "OC state")
		require.Equal(t, version, oi.Version, "OI version")
		require.Equal(t, version, oc.Version, "OC version")
		got, err := w.oc.Get(ctx, key, nil)
		require.NoError(t, err)
		require.Equal(t, state, got.State)
		require.Equal(t, version, got.Version)
	}
	agree(ticket.StateQueued, 0)

	got, err := w.oc.Get(ctx, key, nil)
	require.NoError(t, err)
	require.Equal(t, "BYTL-0001", got.ReferenceSigSAVRaccoOC)
	require.Equal(t, codes.NatureDefautCoupure, got.NatureDefaut)
	require.False(t, got.DatePriseEnCompte.IsZero(), "receivedTime set by the OI")

	// The OC adds information (CO), both sides apply it.
	co := ticket.Transaction{Kind: ticket.KindCOInformation, Version: 0, ResyncRequired: true,
		Client:  &ticket.Customer{Nom: "Dupont", Contact1: "0601020304"},
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Client absent le matin"}}
	_, err = w.oc.Set(ctx, key, co, nil)
	require.NoError(t, err)
	co.Sender, co.At = codes.RoleOC, w.clock.Now()
	w.ocApply(key, co)
	agree(ticket.StateQueued, 1)
	require.Equal(t, "Dupont", w.oiTicket(key).Client.Nom)

	// The OI takes charge and informs (SU).
	w.notify(key, ticket.Transaction{Kind: ticket.KindCaseSolving, EtatResolution: codes.EtatResolutionPrevue,
		ResyncRequired: true})
	agree(ticket.StateOpenActive, 2)
	w.notify(key, ticket.Transaction{Kind: ticket.KindSUInformation, ResyncRequired: true,
		Message:      &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: "Technicien planifié"},
		Intervention: &ticket.Intervention{Date: time.Date(2026, 3, 4, 9, 0, 0, 0, ticket.Paris), Type: "RACCORDEMENT"}})
	agree(ticket.StateOpenActive, 3)
	require.Equal(t, "RACCORDEMENT", w.ocTicket(key).Intervention.Type)

	// The OI closes.
	w.notify(key, ticket.Transaction{Kind: ticket.KindCaseSolved, ResyncRequired: true,
		Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
			Localisation: codes.PrelocDefautPBO, Commentaire: "Fibre réparée au PBO"}})
	agree(ticket.StateClosed, 4)
	oc := w.ocTicket(key)
	require.Equal(t, codes.ClosureCode("RET01"), oc.Cloture.Code)
	require.Equal(t, codes.EtatResolutionTerminee, oc.EtatResolution)

	// What the OC's get returns matches the OI's copy, field for field.
	got, err = w.oc.Get(ctx, key, nil)
	require.NoError(t, err)
	oi := w.oiTicket(key)
	if d := cmp.Diff(oi.Filing, got.Filing); d != "" {
		t.Errorf("filing (-OI +get):\n%s", d)
	}
	require.Equal(t, oi.Cloture.Code, got.Cloture.Code)
	require.Equal(t, oi.Cloture.Commentaire, got.Cloture.Commentaire)
}

// lossyDoer runs the request but loses the first n responses.
type lossyDoer struct {
	d    Doer
	lose atomic.Int32
}

var errLost = errors.New("connection reset by peer")

func (l *lossyDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := l.d.Do(r)
	if err == nil && l.lose.Add(-1) >= 0 {
		resp.Body.Close()
		return nil, &netError{errLost}
	}
	return resp, err
}

// netError is a temporary network failure.
type netError struct{ error }

func (netError) Timeout() bool   { return true }
func (netError) Temporary() bool { return true }

func TestCreateRecoversKeyAfterLostResponse(t *testing.T) {
	w := newWorld(t)
	lossy := &lossyDoer{d: basicDoer{w.oiSrv.Client(), "bytl", testPass}}
	lossy.lose.Store(1)
	c, err := NewClient(lossy, w.oiSrv.URL, ClientOptions{Role: codes.RoleOC, CodeOC: testOC, CodeOI: testOI, Now: w.clock.Now})
	require.NoError(t, err)
	res, err := c.Create(context.Background(), filing("BYTL-LOST"), &CreateOptions{Retries: 2, Backoff: time.Millisecond})
	require.NoError(t, err)
	require.True(t, res.Recovered)
	require.Equal(t, 2, res.Attempts)
	require.Equal(t, "FTEL00000001", res.Key)
	require.Equal(t, ticket.StateQueued, res.Ticket.State)
	require.Equal(t, 1, w.oiMem.Len(), "created once")

	// Without retries, the lost response is an error the caller can retry.
	lossy.lose.Store(1)
	_, err = c.Create(context.Background(), filing("BYTL-LOST2"), nil)
	require.Error(t, err)
	require.True(t, Temporary(err), "%v", err)

	// A later process re-sending the deposit learns the key with
	// RecoverDuplicate; without it, it gets the duplicate fault and its key.
	_, err = w.oc.Create(context.Background(), filing("BYTL-LOST2"), nil)
	fe := requireFaultCode(t, err, codes.ReturnCodeCannotCreate)
	require.ErrorIs(t, err, ErrDuplicate)
	require.Equal(t, "FTEL00000002", fe.Key())
	require.Equal(t, CreateException, fe.Exception.Kind)
	require.False(t, fe.Temporary())
	res, err = w.oc.Create(context.Background(), filing("BYTL-LOST2"), &CreateOptions{RecoverDuplicate: true})
	require.NoError(t, err)
	require.True(t, res.Recovered)
	require.Equal(t, "FTEL00000002", res.Key)
	require.Equal(t, 2, w.oiMem.Len())
}

func TestCreateRefusesInvalidFilingLocally(t *testing.T) {
	w := newWorld(t)
	f := filing("BYTL-BAD")
	f.NatureDefaut = ""
	_, err := w.oc.Create(context.Background(), f, nil)
	var te *ticket.TransitionError
	require.ErrorAs(t, err, &te)
	require.Equal(t, codes.ReturnCodeMissing, te.Code)
	require.Equal(t, 0, w.oiMem.Len())
}

func TestSetResync(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	key := w.create("BYTL-RESYNC")
	// The OI moved on (version 1) without the OC hearing of it.
	w.oiApply(key, ticket.Transaction{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: w.clock.Now()})

	tx := ticket.Transaction{Kind: ticket.KindCOInformation, Version: 0, ResyncRequired: true,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Digicode 1234"}}
	_, err := w.oc.Set(ctx, key, tx, nil)
	fe := requireFaultCode(t, err, codes.ReturnCodeDesync)
	require.ErrorIs(t, err, ticket.ErrResync)
	require.Equal(t, ResyncRequiredException, fe.Exception.Kind)
	require.Equal(t, key, fe.Key())

	res, err := w.oc.Set(ctx, key, tx, &SetOptions{Resync: true})
	require.NoError(t, err)
	require.True(t, res.Resynced)
	require.Equal(t, ticket.StateOpenActive, res.Ticket.State)
	require.Equal(t, 2, res.Ticket.Version)
	require.Equal(t, 2, w.oiTicket(key).Version)

	// Once closed at the OI, the lifecycle forbids the CO transaction: the
	// resync reports why, with the OI's ticket.
	w.oiApply(key, ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: w.clock.Now(),
		Cloture: &ticket.Closure{Code: "STT01", Responsabilite: codes.ResponsabiliteOC}})
	_, err = w.oc.Set(ctx, key, tx, &SetOptions{Resync: true})
	var re *ResyncError
	require.ErrorAs(t, err, &re)
	require.Equal(t, ticket.StateClosed, re.Ticket.State)
	require.ErrorIs(t, err, ticket.ErrWrongState)
	require.Equal(t, 3, w.oiTicket(key).Version, "nothing stored")
}

func TestSearchAndQueryIterate(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var keys []string
	for i := range 25 {
		keys = append(keys, w.create("BYTL-S"+itoa(100+i)))
	}
	// Another OC's tickets never show.
	_, err := w.oc2.Create(ctx, &ticket.Filing{CodeOC: testOC2, CodeOI: testOI, TypeSAV: codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC: "SFRA-1", ReferencePrise: "FT-0000-0001",
		DateIncident: ticket.Date{Year: 2026, Month: 3, Day: 1}, NatureDefaut: codes.NatureDefautCoupure,
		PrelocDefaut: codes.PrelocDefautPTO}, nil)
	require.NoError(t, err)
	w.oiApply(keys[3], ticket.Transaction{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: w.clock.Now()})
	w.oiApply(keys[4], ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: w.clock.Now(),
		Cloture: &ticket.Closure{Code: "ERR01", Responsabilite: codes.ResponsabiliteOC}})

	var got []string
	for tk, err := range w.oc.Search(ctx, &Filter{}, &SearchOptions{HowMany: 10}) {
		require.NoError(t, err)
		got = append(got, tk.ReferenceSigSAVOI)
	}
	require.Equal(t, keys, got, "every ticket of the OC, ordered by key, over 3 pages")

	pg, err := w.oc.SearchPage(ctx, &Filter{}, &PageOptions{HowMany: 10, Sequence: 2})
	require.NoError(t, err)
	require.Len(t, pg.Tickets, 5)
	require.True(t, pg.EndOfReply)
	require.Equal(t, 2, pg.Sequence)

	got = nil
	for tk, err := range w.oc.Search(ctx, &Filter{States: []ticket.State{ticket.StateOpenActive}}, nil) {
		require.NoError(t, err)
		got = append(got, tk.ReferenceSigSAVOI)
	}
	require.Equal(t, []string{keys[3]}, got)

	got = nil
	for tk, err := range w.oc.Search(ctx, &Filter{ReferenceSigSAVRaccoOC: "BYTL-S107"}, nil) {
		require.NoError(t, err)
		got = append(got, tk.ReferenceSigSAVOI)
	}
	require.Equal(t, []string{keys[7]}, got)

	got = nil
	for tk, err := range w.oc.Query(ctx, &SearchOptions{HowMany: 7}) {
		require.NoError(t, err)
		got = append(got, tk.ReferenceSigSAVOI)
	}
	require.Equal(t, slices.Delete(slices.Clone(keys), 4, 5), got, "open tickets only")

	// Stopping early stops fetching.
	n := 0
	for range w.oc.Query(ctx, &SearchOptions{HowMany: 2}) {
		n++
		if n == 3 {
			break
		}
	}
	require.Equal(t, 3, n)

	_, err = w.oc.SearchPage(ctx, &Filter{}, &PageOptions{HowMany: 1001})
	requireFaultCode(t, err, codes.ReturnCodeSearchCriteria)
	_, err = w.oc.SearchPage(ctx, &Filter{States: []ticket.State{ticket.StateQueued, ticket.StateClosed}}, nil)
	require.ErrorIs(t, err, ErrFilter)
}

func TestIntrospection(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	types, err := w.oc.ManagedEntityTypes(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"tt:TroubleTicketValue", "sav:SAVTroubleTicketValue"}, types)
	q, err := w.oc.QueryTypes(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"tt:QueryAllOpenTroubleTicketsValue"}, q)
	ev, err := w.oc.EventTypes(ctx)
	require.NoError(t, err)
	require.Empty(t, ev)
	ops, err := w.oc.SupportedOptionalOperations(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"createTroubleTicketByValue", "setTroubleTicketByValue", "getTroubleTicketByKey",
		"getTroubleTicketsByTemplate", "queryTroubleTickets"}, ops)

	ops, err = w.oi.SupportedOptionalOperations(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"setTroubleTicketByValue"}, ops)
	q, err = w.oi.QueryTypes(ctx)
	require.NoError(t, err)
	require.Empty(t, q)
}

func TestClientErrors(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Not a SOAP endpoint.
	c, err := NewClient(nil, w.oiSrv.URL+"/nowhere?x", ClientOptions{Role: codes.RoleOC, CodeOC: testOC, CodeOI: testOI})
	require.NoError(t, err)
	_, err = c.Get(ctx, "X", nil)
	// The server serves every path, but without credentials the caller is
	// not authenticated.
	requireFaultCode(t, err, codes.ReturnCodeAuthentication)
	require.ErrorIs(t, err, ErrUnauthenticated)

	mux := http.NewServeMux()
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	})
	srv := newTestServer(t, mux)
	c, err = NewClient(srv.Client(), srv.URL+"/busy", ClientOptions{Role: codes.RoleOC, CodeOC: testOC, CodeOI: testOI})
	require.NoError(t, err)
	_, err = c.Get(ctx, "X", nil)
	var se *StatusError
	require.ErrorAs(t, err, &se)
	require.Equal(t, http.StatusServiceUnavailable, se.StatusCode)
	require.True(t, Temporary(err))

	_, err = NewClient(nil, "http://x", ClientOptions{Role: "XX", CodeOC: testOC, CodeOI: testOI})
	require.Error(t, err)
	_, err = NewClient(nil, "http://x", ClientOptions{Role: codes.RoleOC, CodeOC: "bad", CodeOI: testOI})
	require.Error(t, err)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = w.oc.Get(cctx, "X", nil)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, Temporary(err))
}

func TestFaultErrorWithoutDetail(t *testing.T) {
	for _, tc := range []struct {
		fe   FaultError
		want codes.ReturnCode
	}{
		{FaultError{FaultCode: "Server", FaultString: "boom"}, codes.ReturnCodeInternal},
		{FaultError{FaultCode: "Client", FaultString: "nope"}, codes.ReturnCodeBadInterface},
		{FaultError{FaultCode: "Client", FaultString: "14 SI EN MAINTENANCE"}, codes.ReturnCodeMaintenance},
		{FaultError{FaultCode: "Client", Exception: &Exception{Kind: ObjectNotFoundException}}, codes.ReturnCodeUnknown},
		{FaultError{Exception: &Exception{Kind: ResyncRequiredException, Key: &TroubleTicketKey{PrimaryKey: "K"}}},
			codes.ReturnCodeDesync},
	} {
		require.Equal(t, tc.want, tc.fe.ReturnCode(), "%+v", tc.fe)
		require.NotEmpty(t, tc.fe.Error())
	}
	fe := &FaultError{Exception: &Exception{Kind: ResyncRequiredException, Key: &TroubleTicketKey{PrimaryKey: "K"}}}
	require.Equal(t, "K", fe.Key())
	require.ErrorIs(t, fe, ticket.ErrResync)
	require.True(t, (&FaultError{FaultString: "14 SI EN MAINTENANCE"}).Temporary())

	se := &StatusError{StatusCode: 502, Status: "502 Bad Gateway", ContentType: "text/html", Snippet: "<html>"}
	require.Equal(t, `v2: HTTP 502 Bad Gateway (text/html): "<html>"`, se.Error())
	re := &ResyncError{Err: errors.New("closed")}
	require.Equal(t, "v2: resync: closed", re.Error())

	code, ok := ReturnCode(&DecodeError{Code: codes.ReturnCodeBadFormat, Err: ErrValue})
	require.True(t, ok)
	require.Equal(t, codes.ReturnCodeBadFormat, code)
	_, ok = ReturnCode(errors.New("plain"))
	require.False(t, ok)
	require.False(t, Temporary(nil))
	require.False(t, Temporary(errors.New("plain")))
}

func TestServerLogsEachExchange(t *testing.T) {
	var logs syncBuf
	srv, err := NewOIServer(NewMemory(MemoryOptions{}), ServerOptions{Code: testOI, Auth: TrustHeader{},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	ts := newTestServer(t, srv)
	c, err := NewClient(ts.Client(), ts.URL, ClientOptions{Role: codes.RoleOC, CodeOC: testOC, CodeOI: testOI})
	require.NoError(t, err)
	_, err = c.Create(context.Background(), filing("BYTL-LOG"), nil)
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "NOPE", nil)
	require.Error(t, err)
	out := logs.String()
	require.Contains(t, out, "v2 request served")
	require.Contains(t, out, "operation=createTroubleTicketByValue")
	require.Contains(t, out, "caller=BYTL")
	require.Contains(t, out, "v2 request refused")
	require.Contains(t, out, "code=8")
}

type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestClientServerProfileNamespace runs a partner whose extension namespace differs from
// ours: both sides configured with it interoperate; a side that is not does
// not find the sav:entete (1).
func TestClientServerProfileNamespace(t *testing.T) {
	p := DefaultProfile()
	p.NamespaceSAV = "urn:partner:sav"
	srv, err := NewOIServer(NewMemory(MemoryOptions{IDPrefix: testOI}), ServerOptions{Code: testOI,
		Auth: TrustHeader{}, Profile: p})
	require.NoError(t, err)
	ts := newTestServer(t, srv)
	c, err := NewClient(ts.Client(), ts.URL, ClientOptions{Role: codes.RoleOC, CodeOC: testOC, CodeOI: testOI, Profile: p})
	require.NoError(t, err)
	res, err := c.Create(context.Background(), filing("BYTL-NS"), nil)
	require.NoError(t, err)
	got, err := c.Get(context.Background(), res.Key, nil)
	require.NoError(t, err)
	require.Equal(t, codes.NatureDefautCoupure, got.NatureDefaut)

	other, err := NewClient(ts.Client(), ts.URL, ClientOptions{Role: codes.RoleOC, CodeOC: testOC, CodeOI: testOI})
	require.NoError(t, err)
	_, err = other.Get(context.Background(), res.Key, nil)
	requireFaultCode(t, err, codes.ReturnCodeMissing)
}
