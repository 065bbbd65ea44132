package plancharge

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

const (
	sirenOC  = "123456789"
	sirenOI  = "987654321"
	inseeNum = "75056"
)

// clock is a settable test clock; it starts on Monday 30 November 2026,
// 10:00 in Paris.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 30, 10, 0, 0, 0, ticket.Paris)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type service struct {
	clock    *clock
	planning *MemPlanning
	server   *Server
	http     *httptest.Server
	client   *Client
}

// newService starts a server over a two-technician planning on loopback.
func newService(t testing.TB, cfg MemConfig) *service {
	t.Helper()
	c := newClock()
	if cfg.Technicians == nil {
		cfg.Technicians = []string{"T1", "T2"}
	}
	cfg.Now = c.Now
	p, err := NewMemPlanning(cfg)
	require.NoError(t, err)
	s := &Server{Planning: p, Now: c.Now}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &service{clock: c, planning: p, server: s, http: hs,
		client: &Client{URL: hs.URL, HTTP: hs.Client(), SirenOC: sirenOC, SirenOI: sirenOI, Now: c.Now}}
}

func day(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, ticket.Paris) }

func searchReq(from, to time.Time) SearchRequest {
	return SearchRequest{TypeIntervention: TypeInterventionS, NatureProduit: NatureProduitFTTHAcces,
		SegmentMarche: SegmentMarcheGP, CommercialId: "VIA0A0000000BBBBBBBB", CodeInsee: inseeNum,
		DateDebut: from, DateFin: to, DefectPrelocalization: codes.PrelocDefautPTO}
}

func bookReq(id string) BookRequest {
	return BookRequest{NatureProduit: NatureProduitFTTHAcces, SegmentMarche: SegmentMarcheGP, CodeInsee: inseeNum,
		IdCreneau: id}
}

func reportReq(id string, n NatureReport, slot string) ReportRequest {
	return ReportRequest{TypeIntervention: TypeInterventionS, NatureProduit: NatureProduitFTTHAcces,
		SegmentMarche: SegmentMarcheGP, CodeInsee: inseeNum, IdRendezvous: id, NatureReport: n, IdCreneau: slot}
}

func requireFault(t *testing.T, err error, code codes.ReturnCode) *Fault {
	t.Helper()
	require.Error(t, err)
	f, ok := errors.AsType[*Fault](err)
	require.True(t, ok, "want a *Fault, got %T: %v", err, err)
	require.Equal(t, code, f.Code, "%v", err)
	return f
}

func TestServiceLifecycle(t *testing.T) {
	s := newService(t, MemConfig{})
	ctx := context.Background()

	// Tuesday 1 and Wednesday 2 December: 08, 10, 12, 14, 16 h × 2 technicians.
	slots, err := s.client.Search(ctx, searchReq(day(1, 0), day(3, 0)))
	require.NoError(t, err)
	require.Len(t, slots, 20)
	require.True(t, slots[0].Debut.Equal(day(1, 8)))
	require.True(t, slots[0].Fin.Equal(day(1, 10)))
	require.Equal(t, "+01:00", slots[0].Debut.Format("Z07:00"))
	for i := 1; i < len(slots); i++ {
		require.False(t, slots[i].Debut.Before(slots[i-1].Debut), "earliest first")
	}
	off, ok := s.planning.Offered(slots[0].IdOI)
	require.True(t, ok)
	require.Equal(t, TypeInterventionS, off.TypeIntervention)
	require.Equal(t, codes.PrelocDefautPTO, off.DefectPrelocalization)

	id, err := s.client.Book(ctx, bookReq(slots[0].IdOI))
	require.NoError(t, err)
	rv, err := s.client.Consult(ctx, ConsultRequest{IdRendezVous: id})
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(Rendezvous{IdRendezVous: id, Slot: rv.Slot, CodeInsee: inseeNum,
		TypeIntervention: TypeInterventionS, NatureProduit: NatureProduitFTTHAcces, SegmentMarche: SegmentMarcheGP,
		StatutRendezVous: StatutRendezVousCree, ReferencePrestationPrise: "VIA0A0000000BBBBBBBB"}, rv))
	require.True(t, rdv.SameSlot(slots[0].Slot, rv.Slot))

	// The slot is taken: booking it again is 101, and it is no longer offered.
	_, err = s.client.Book(ctx, bookReq(slots[0].IdOI))
	require.ErrorIs(t, requireFault(t, err, 101), ErrRdvNonDisponible)
	again, err := s.client.Search(ctx, searchReq(day(1, 0), day(3, 0)))
	require.NoError(t, err)
	require.Len(t, again, 19)

	// Unknown slot: 101. Unknown appointment: 8. Another OC's: 8.
	_, err = s.client.Book(ctx, bookReq("T9-nope"))
	requireFault(t, err, 101)
	_, err = s.client.Consult(ctx, ConsultRequest{IdRendezVous: "RDV99999999"})
	require.ErrorIs(t, requireFault(t, err, 8), ErrRdvInconnu)
	other := *s.client
	other.SirenOC = "111111111"
	_, err = other.Consult(ctx, ConsultRequest{IdRendezVous: id})
	requireFault(t, err, 8)

	// The OI confirms; a REPORT_RDV_RESERVE no longer fits, REPORT_RDV_CONFIRME does.
	require.NoError(t, s.planning.Confirm(ctx, id))
	rv, err = s.client.Consult(ctx, ConsultRequest{IdRendezVous: id})
	require.NoError(t, err)
	require.Equal(t, StatutRendezVousConfirme, rv.StatutRendezVous)
	_, err = s.client.Report(ctx, reportReq(id, NatureReportReserve, slots[3].IdOI))
	f := requireFault(t, err, 13)
	require.Contains(t, f.Message, "natureReport")
	_, err = s.client.Report(ctx, reportReq(id, NatureReportConfirme, slots[3].IdOI))
	require.NoError(t, err)
	rv, err = s.client.Consult(ctx, ConsultRequest{IdRendezVous: id})
	require.NoError(t, err)
	require.Equal(t, StatutRendezVousCree, rv.StatutRendezVous)
	require.True(t, rdv.SameSlot(slots[3].Slot, rv.Slot))

	// The old slot is free again and bookable by its id.
	id2, err := s.client.Book(ctx, bookReq(slots[0].IdOI))
	require.NoError(t, err)

	// REPORT_RDV_RESERVE onto a taken slot: 101; onto a free one: moved.
	_, err = s.client.Report(ctx, reportReq(id, NatureReportReserve, slots[0].IdOI))
	requireFault(t, err, 101)
	_, err = s.client.Report(ctx, reportReq(id, NatureReportReserve, slots[5].IdOI))
	require.NoError(t, err)

	// NOUVEAU_RDV: a new id, the old one is gone (8) and its slot free.
	newID, err := s.planning.Report(ctx, reportReq(id2, NatureReportNouveau, slots[7].IdOI))
	require.NoError(t, err)
	require.NotEqual(t, id2, newID)
	_, err = s.client.Consult(ctx, ConsultRequest{IdRendezVous: id2})
	requireFault(t, err, 8)
	_, err = s.client.Report(ctx, reportReq(id2, NatureReportReserve, slots[0].IdOI))
	requireFault(t, err, 8)
	_, err = s.client.Book(ctx, bookReq(slots[0].IdOI))
	require.NoError(t, err)
	require.Len(t, s.planning.Appointments(), 3)

	// A slot whose start passed is gone: 101.
	s.clock.Set(day(1, 13))
	_, err = s.client.Book(ctx, bookReq(slots[4].IdOI))
	requireFault(t, err, 101)
	require.NoError(t, s.planning.Cancel(ctx, newID))
	requireFault(t, s.planning.Cancel(ctx, newID), 8)
}

func TestSearchRules(t *testing.T) {
	s := newService(t, MemConfig{SlotLength: 3 * time.Hour, Step: time.Hour})
	ctx := context.Background()
	// Today is excluded by the lead time, Sunday 6 by the opening days.
	slots, err := s.client.Search(ctx, searchReq(day(5, 0), day(7, 12)))
	require.NoError(t, err)
	// Saturday 5: starts 08..16 (9) and Monday 7 morning: starts 08, 09 ending by 12 (2) × 2.
	require.Len(t, slots, 22)
	slots, err = s.client.Search(ctx, searchReq(day(30, 10).AddDate(0, -1, 0), day(30, 18).AddDate(0, -1, 0)))
	require.NoError(t, err)
	require.Empty(t, slots, "today is before the lead time")
	_, err = s.client.Search(ctx, searchReq(day(1, 0), day(1, 0).AddDate(0, 3, 0)))
	requireFault(t, err, 4)
	r := searchReq(day(2, 0), day(1, 0))
	_, err = s.client.Search(ctx, r)
	f := requireFault(t, err, 13)
	require.Contains(t, f.Message, "dateFin")

	// Overlapping offers: booking 08–11 takes 09–12 and 10–13 of the same technician.
	slots, err = s.client.Search(ctx, searchReq(day(1, 8), day(1, 13)))
	require.NoError(t, err)
	require.Len(t, slots, 6)
	_, err = s.client.Book(ctx, bookReq(slots[0].IdOI))
	require.NoError(t, err)
	var refused int
	for _, c := range slots[1:] {
		if tech, _, _ := strings.Cut(c.IdOI, "-"); tech == "T1" {
			_, err := s.client.Book(ctx, bookReq(c.IdOI))
			requireFault(t, err, 101)
			refused++
		}
	}
	require.Equal(t, 2, refused)
}

func TestMemConfig(t *testing.T) {
	_, err := NewMemPlanning(MemConfig{})
	require.Error(t, err)
	_, err = NewMemPlanning(MemConfig{Technicians: []string{""}})
	require.Error(t, err)
	_, err = NewMemPlanning(MemConfig{Technicians: []string{"T"}, SlotLength: 5 * time.Hour})
	require.Error(t, err)
	_, err = NewMemPlanning(MemConfig{Technicians: []string{"T"}, Step: time.Second})
	require.Error(t, err)
	p, err := NewMemPlanning(MemConfig{Technicians: []string{"T"}, MaxOffers: 2, MaxResults: 10,
		Now: newClock().Now})
	require.NoError(t, err)
	_, err = p.Search(context.Background(), searchReq(day(1, 0), day(2, 0)))
	requireFault(t, err, 7)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.Search(ctx, searchReq(day(1, 0), day(2, 0)))
	require.ErrorIs(t, err, context.Canceled)
}

// post sends a raw body and returns the status and the response text.
func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "text/xml; charset=utf-8", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

const envelope = `<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://interop-fibre.fr">
<s:Header>%s</s:Header><s:Body>%s</s:Body></s:Envelope>`

const goodHeader = `<i:EnteteType><versionWS>2.0</versionWS><horodatageRequete>2026-11-30T10:00:00+01:00</horodatageRequete>` +
	`<sirenOC>123456789</sirenOC><sirenOI>987654321</sirenOI></i:EnteteType>`

func TestRequestFaults(t *testing.T) {
	s := newService(t, MemConfig{})
	search := func(fields string) string {
		return `<i:RechercheCreneauxLibresRequete>` + fields + `</i:RechercheCreneauxLibresRequete>`
	}
	good := `<typeIntervention>S</typeIntervention><natureProduit>FTTH_ACCES</natureProduit>` +
		`<segmentMarche>GP</segmentMarche><codeInsee>2A004</codeInsee><dateDebut>2026-12-01T00:00:00</dateDebut>` +
		`<dateFin>2026-12-01T23:00:00Z</dateFin><defectPrelocalization>COL MONTANTE</defectPrelocalization>`
	tests := []struct {
		name, header, body string
		status             int
		code               codes.ReturnCode
		text               string
	}{
		{name: "lenient search", header: goodHeader, body: search(good), status: 200},
		{name: "no header", body: search(good), status: 500, code: 1, text: "EnteteType"},
		{name: "bad siren", header: strings.Replace(goodHeader, "123456789", "12345", 1), body: search(good),
			status: 500, code: 3, text: "sirenOC"},
		{name: "missing siren", header: strings.Replace(goodHeader, "<sirenOI>987654321</sirenOI>", "", 1),
			body: search(good), status: 500, code: 1, text: "sirenOI"},
		{name: "unknown operation", header: goodHeader, body: `<i:Nope/>`, status: 500, code: 22},
		{name: "empty body", header: goodHeader, body: ``, status: 500, code: 22},
		{name: "bad enum", header: goodHeader, body: search(strings.Replace(good, ">GP<", ">XX<", 1)),
			status: 500, code: 2, text: "segmentMarche"},
		{name: "missing insee", header: goodHeader, body: search(strings.Replace(good, "<codeInsee>2A004</codeInsee>", "", 1)),
			status: 500, code: 1, text: "codeInsee"},
		{name: "bad insee", header: goodHeader, body: search(strings.Replace(good, "2A004", "7505", 1)),
			status: 500, code: 3, text: "codeInsee"},
		{name: "bad date", header: goodHeader, body: search(strings.Replace(good, "2026-12-01T00:00:00", "demain", 1)),
			status: 500, code: 3, text: `INFO RechercheCreneauxLibresRequete INCORRECTE - FORMAT INVALIDE - &#34;demain&#34; is not`},
		{name: "bad technicalId", header: goodHeader, body: search(good + `<technicalId>a b</technicalId>`),
			status: 500, code: 3, text: "technicalId"},
		{name: "book without slot", header: goodHeader,
			body:   `<i:ReservationCreneauRequete><natureProduit>FTTH_ACCES</natureProduit><segmentMarche>GP</segmentMarche><codeInsee>75056</codeInsee></i:ReservationCreneauRequete>`,
			status: 500, code: 1, text: "idCreneau"},
		{name: "consult without id", header: goodHeader, body: `<i:ConsultationRdvRequete/>`, status: 500, code: 1,
			text: "idRendezVous"},
		{name: "report bad nature", header: goodHeader,
			body: `<i:ReportRDVRequete><typeIntervention>E</typeIntervention><natureProduit>FTTH_ACCES</natureProduit>` +
				`<segmentMarche>OPERATEUR</segmentMarche><codeInsee>75056</codeInsee><idRendezvous>X</idRendezvous>` +
				`<natureReport>ANNULE</natureReport><idCreneau>Y</idCreneau></i:ReportRDVRequete>`,
			status: 500, code: 2, text: "natureReport"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, text := post(t, s.http.URL, strings.Replace(strings.Replace(envelope, "%s", tc.header, 1), "%s", tc.body, 1))
			require.Equal(t, tc.status, status, text)
			if tc.code == 0 {
				require.Contains(t, text, "occCreneau")
				return
			}
			require.Contains(t, text, "<codeErreur>"+itoa(int(tc.code))+"</codeErreur>")
			require.Contains(t, text, "<faultcode>soapenv:Client</faultcode>")
			require.Contains(t, text, tc.text)
		})
	}
	status, text := post(t, s.http.URL, "not xml")
	require.Equal(t, 500, status)
	require.Contains(t, text, "<codeErreur>22</codeErreur>")

	s.server.MaxBodyBytes = 64
	status, text = post(t, s.http.URL, strings.Repeat(" ", 100))
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
	require.Contains(t, text, "<codeErreur>3</codeErreur>")

	resp, err := http.Get(s.http.URL + "/nothing")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	req, _ := http.NewRequest(http.MethodDelete, s.http.URL, nil)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCheckHeader(t *testing.T) {
	s := newService(t, MemConfig{})
	s.server.CheckHeader = func(_ context.Context, h Entete) error {
		if h.SirenOC != sirenOC {
			return Faultf(codes.ReturnCodeAccessDenied, "", "unknown OC %s", h.SirenOC)
		}
		if h.VersionWS != DefaultVersionWS {
			return errors.New("anything else")
		}
		return nil
	}
	ctx := context.Background()
	_, err := s.client.Search(ctx, searchReq(day(1, 0), day(2, 0)))
	require.NoError(t, err)
	c := *s.client
	c.SirenOC = "111111111"
	_, err = c.Search(ctx, searchReq(day(1, 0), day(2, 0)))
	requireFault(t, err, 15)
	c = *s.client
	c.VersionWS = "9"
	_, err = c.Search(ctx, searchReq(day(1, 0), day(2, 0)))
	requireFault(t, err, 12)
}

type failingPlanning struct{ *MemPlanning }

func (*failingPlanning) Book(context.Context, BookRequest) (string, error) {
	return "", errors.New("database on fire")
}

func TestInternalError(t *testing.T) {
	p, err := NewMemPlanning(MemConfig{Technicians: []string{"T"}})
	require.NoError(t, err)
	hs := httptest.NewServer(&Server{Planning: &failingPlanning{MemPlanning: p}})
	defer hs.Close()
	c := &Client{URL: hs.URL, SirenOC: sirenOC, SirenOI: sirenOI}
	_, err = c.Book(context.Background(), bookReq("x"))
	f := requireFault(t, err, 10)
	require.NotContains(t, f.Message, "fire")
	require.Equal(t, "Server", f.SOAPCode)
	require.True(t, f.Temporary())
}

func TestServeWSDL(t *testing.T) {
	s := newService(t, MemConfig{})
	resp, err := http.Get(s.http.URL + "/rdv?wsdl")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(b), `location="`+s.http.URL+`/rdv"`)
	require.Equal(t, WSDL(""), wsdlText)

	s.server.WSDLAddress = "https://oi.example/rdv?a=1&b=2"
	resp, err = http.Get(s.http.URL + "?wsdl")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Contains(t, string(b), `location="https://oi.example/rdv?a=1&amp;b=2"`)
}

func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/502":
			http.Error(w, "bad gateway", http.StatusBadGateway)
		case "/wrong":
			io.WriteString(w, strings.Replace(strings.Replace(envelope, "%s", "", 1), "%s", "<i:Autre/>", 1))
		case "/big":
			io.WriteString(w, strings.Repeat(" ", 2048))
		case "/plainfault":
			io.WriteString(w, `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>`+
				`<faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault></s:Body></s:Envelope>`)
		}
	}))
	defer hs.Close()
	c := &Client{URL: hs.URL + "/502", MaxResponseBytes: 1024}
	_, err := c.Consult(ctx, ConsultRequest{IdRendezVous: "x"})
	re, ok := errors.AsType[*ResponseError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, 502, re.StatusCode)
	c.URL = hs.URL + "/wrong"
	_, err = c.Consult(ctx, ConsultRequest{IdRendezVous: "x"})
	require.ErrorContains(t, err, "want ConsultationRdvReponse")
	c.URL = hs.URL + "/big"
	_, err = c.Consult(ctx, ConsultRequest{IdRendezVous: "x"})
	require.ErrorContains(t, err, "larger than 1024")
	c.URL = hs.URL + "/plainfault"
	_, err = c.Consult(ctx, ConsultRequest{IdRendezVous: "x"})
	f := requireFault(t, err, 10)
	require.Equal(t, "boom", f.Message)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Consult(cctx, ConsultRequest{IdRendezVous: "x"})
	require.ErrorIs(t, err, context.Canceled)
}
