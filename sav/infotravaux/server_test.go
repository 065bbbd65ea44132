package infotravaux

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/infowire"
)

// wireView is what the contract carries of a notice: no DateCreation, no
// Adresses.
func wireView(ts []Travaux) []Travaux {
	out := make([]Travaux, len(ts))
	for i, t := range ts {
		t.DateCreation = Travaux{}.DateCreation
		t.Adresses = nil
		out[i] = t
	}
	return out
}

func TestClientServerRoundTrip(t *testing.T) {
	s := newService(t, nil)
	got, err := s.client.GetInfoTravauxFTTH(t.Context(), header, Filter{})
	require.NoError(t, err)
	all := sampleTravaux()
	want := wireView([]Travaux{all[0], all[1]}) // sirenOC's, by dateModification
	if diff := cmp.Diff(want, got, cmpTime); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}

	// The other OC sees its own version only.
	got, err = s.client.GetInfoTravauxFTTH(t.Context(), Header{SupplierID: sirenOI, ServiceProviderID: sirenOC2}, Filter{})
	require.NoError(t, err)
	if diff := cmp.Diff(wireView(all[2:]), got, cmpTime); diff != "" {
		t.Errorf("other OC (-want +got):\n%s", diff)
	}

	// Criteria travel and apply.
	got, err = s.client.Search(t.Context(), header, Filter{
		Type: CategorieDERCO, DateDebutTravaux: &Periode{Debut: paris(2027, 1, 1, 0, 0), Fin: paris(2027, 3, 1, 0, 0)},
	})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "DERCO-2026-0007", got[0].Reference)
}

func TestServerScopesToTheCallingOC(t *testing.T) {
	// A Source that ignores the header: the server still answers only the
	// caller's notices, filtered.
	all := sampleTravaux()
	s := newService(t, func(s *Server) {
		s.Source = SourceFunc(func(context.Context, Header, Filter) ([]Travaux, error) { return all, nil })
	})
	got, err := s.client.GetInfoTravauxFTTH(t.Context(), header, Filter{Etat: EtatMAJ})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "DERCO-2026-0007", got[0].Reference)
}

func TestServerFaults(t *testing.T) {
	boom := errors.New("database down")
	wide := &Periode{Debut: paris(2026, 1, 1, 0, 0), Fin: paris(2026, 4, 1, 0, 1)}
	tests := []struct {
		name      string
		configure func(*Server)
		header    Header
		filter    Filter
		code      codes.ReturnCode
		soap      string
		message   string
	}{
		{name: "missing supplierID", header: Header{ServiceProviderID: sirenOC}, code: 1, soap: "Client",
			message: "INFO supplierID OBLIGATOIRE"},
		{name: "other supplier", header: Header{SupplierID: "555555555", ServiceProviderID: sirenOC}, code: 8,
			soap: "Client", message: `INFO supplierID INCONNUE - "555555555"`},
		{name: "missing serviceProviderID", header: Header{SupplierID: sirenOI}, code: 1, soap: "Client",
			message: "INFO serviceProviderID OBLIGATOIRE"},
		{name: "bad SIREN", header: Header{SupplierID: sirenOI, ServiceProviderID: "12345"}, code: 3, soap: "Client"},
		{name: "header refused", configure: func(s *Server) {
			s.CheckHeader = func(context.Context, Header) error { return errors.New("unknown partner") }
		}, header: header, code: 12, soap: "Client", message: "ERREUR AUTHENTIFICATION"},
		{name: "etat outside its list", header: header, filter: Filter{Etat: "TERMINE"}, code: 2, soap: "Client",
			message: `INFO etat ERRONEE - HORS VALEURS PREVUEES - "TERMINE"`},
		{name: "window", header: header, filter: Filter{DateCreation: wide}, code: 4, soap: "Client",
			message: "CRITERES DE RECHERCHE NON RESPECTES - dateCreation spans more than 3 months"},
		{name: "period reversed", header: header,
			filter: Filter{DateFinTravaux: &Periode{Debut: wide.Fin, Fin: wide.Debut}}, code: 13, soap: "Client"},
		{name: "saturation", configure: func(s *Server) { s.MaxResults = 1 }, header: header, code: 7, soap: "Server"},
		{name: "source fails", configure: func(s *Server) {
			s.Source = SourceFunc(func(context.Context, Header, Filter) ([]Travaux, error) { return nil, boom })
		}, header: header, code: 10, soap: "Server", message: "ERREUR SI INTERNE"},
		{name: "source refuses", configure: func(s *Server) {
			s.Source = SourceFunc(func(context.Context, Header, Filter) ([]Travaux, error) {
				return nil, &Fault{Code: 201, Message: "TP EN COURS DE SAISIE"}
			})
		}, header: header, code: 201, soap: "Client", message: "TP EN COURS DE SAISIE"},
		{name: "source breaks the schema", configure: func(s *Server) {
			s.Source = SourceFunc(func(context.Context, Header, Filter) ([]Travaux, error) {
				tr := sampleTravaux()[0]
				tr.EquipementConcerne = "ARMOIRE"
				return []Travaux{tr}, nil
			})
		}, header: header, code: 18, soap: "Server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newService(t, tt.configure)
			_, err := s.client.GetInfoTravauxFTTH(t.Context(), tt.header, tt.filter)
			f, ok := errors.AsType[*Fault](err)
			require.True(t, ok, "want a *Fault, got %v", err)
			require.Equal(t, tt.code, f.Code, f.Error())
			require.Equal(t, tt.soap, f.SOAPCode)
			require.True(t, errors.Is(err, &Fault{Code: tt.code}))
			if tt.message != "" {
				require.Equal(t, tt.message, f.Message)
			}
		})
	}
}

func TestClientEmptyResults(t *testing.T) {
	for _, faultOn := range []bool{false, true} {
		s := newService(t, func(s *Server) { s.FaultOnNoResult = faultOn })
		got, err := s.client.GetInfoTravauxFTTH(t.Context(), header, Filter{ReferenceTPDERCO: "NONE"})
		require.NoError(t, err, "FaultOnNoResult=%v", faultOn)
		require.Empty(t, got)
		// On the wire: an empty listeTravaux, or the fault 5.
		var buf bytes.Buffer
		require.NoError(t, infowire.Encode(&buf, wireHeader(header), wireRequest(&Filter{ReferenceTPDERCO: "NONE"})))
		status, out := post(t, s, buf.String())
		_, err = decodeResponse(status, []byte(out))
		if faultOn {
			require.ErrorIs(t, err, ErrNoResult)
		} else {
			require.NoError(t, err)
			require.Contains(t, out, "<listeTravaux></listeTravaux>")
		}
	}
}

// post sends a raw body and returns the status and answer.
func post(t *testing.T, s *service, body string) (int, string) {
	t.Helper()
	resp, err := s.http.Client().Post(s.http.URL, "text/xml; charset=utf-8", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

const envOpen = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:inf="http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0">`

func TestServerReadsHeaderQualifiedOrNot(t *testing.T) {
	s := newService(t, nil)
	for name, h := range map[string]string{
		"unqualified": `<InfoTravauxFTTHHeader><supplierID>987654321</supplierID><serviceProviderID>123456789</serviceProviderID></InfoTravauxFTTHHeader>`,
		"qualified":   `<inf:InfoTravauxFTTHHeader><supplierID>987654321</supplierID><serviceProviderID>123456789</serviceProviderID></inf:InfoTravauxFTTHHeader>`,
		"default ns":  `<InfoTravauxFTTHHeader xmlns="http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0"><supplierID xmlns="">987654321</supplierID><serviceProviderID xmlns="">123456789</serviceProviderID></InfoTravauxFTTHHeader>`,
	} {
		t.Run(name, func(t *testing.T) {
			body := envOpen + `<soapenv:Header>` + h + `</soapenv:Header><soapenv:Body><inf:getInfoTravauxFTTHRequest>` +
				`<referenceTPDERCO>DERCO-2026-0007</referenceTPDERCO></inf:getInfoTravauxFTTHRequest></soapenv:Body></soapenv:Envelope>`
			status, out := post(t, s, body)
			require.Equal(t, http.StatusOK, status, out)
			ts, err := decodeResponse(status, []byte(out))
			require.NoError(t, err)
			require.Len(t, ts, 1)
			require.Equal(t, "DERCO-2026-0007", ts[0].Reference)
		})
	}
}

func TestServerBadRequests(t *testing.T) {
	s := newService(t, func(s *Server) { s.MaxBodyBytes = 4096 })
	hdr := `<soapenv:Header><InfoTravauxFTTHHeader><supplierID>987654321</supplierID><serviceProviderID>123456789</serviceProviderID></InfoTravauxFTTHHeader></soapenv:Header>`
	tests := []struct {
		name   string
		body   string
		status int
		code   codes.ReturnCode
	}{
		{"not XML", "hello", 500, 22},
		{"not an envelope", `<a/>`, 500, 22},
		{"no header", envOpen + `<soapenv:Body><inf:getInfoTravauxFTTHRequest/></soapenv:Body></soapenv:Envelope>`, 500, 1},
		{"other operation", envOpen + hdr + `<soapenv:Body><inf:getTravaux/></soapenv:Body></soapenv:Envelope>`, 500, 22},
		{"empty body", envOpen + hdr + `<soapenv:Body></soapenv:Body></soapenv:Envelope>`, 500, 22},
		{"bad date", envOpen + hdr + `<soapenv:Body><inf:getInfoTravauxFTTHRequest><dateCreation><dateDebutRecherche>01/12/2026</dateDebutRecherche><dateFinRecherche>2026-12-02T00:00:00Z</dateFinRecherche></dateCreation></inf:getInfoTravauxFTTHRequest></soapenv:Body></soapenv:Envelope>`, 500, 3},
		{"period without end", envOpen + hdr + `<soapenv:Body><inf:getInfoTravauxFTTHRequest><dateCreation><dateDebutRecherche>2026-12-01T00:00:00</dateDebutRecherche></dateCreation></inf:getInfoTravauxFTTHRequest></soapenv:Body></soapenv:Envelope>`, 500, 1},
		{"too large", envOpen + hdr + `<soapenv:Body><inf:getInfoTravauxFTTHRequest><referenceTPDERCO>` + strings.Repeat("x", 5000) + `</referenceTPDERCO></inf:getInfoTravauxFTTHRequest></soapenv:Body></soapenv:Envelope>`, 413, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := post(t, s, tt.body)
			require.Equal(t, tt.status, status, out)
			_, err := decodeResponse(status, []byte(out))
			f, ok := errors.AsType[*Fault](err)
			require.True(t, ok, "%v", err)
			require.Equal(t, tt.code, f.Code, f.Message)
		})
	}
}

func TestServerHTTP(t *testing.T) {
	s := newService(t, nil)
	resp, err := s.http.Client().Get(s.http.URL + "/ftth/services/infoTravauxService?wsdl")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(b), `location="`+s.http.URL+`/ftth/services/infoTravauxService"`)
	require.Contains(t, string(b), `element="tns:InfoTravauxFTTHHeader"`)

	resp, err = s.http.Client().Get(s.http.URL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	req, _ := http.NewRequest(http.MethodPut, s.http.URL, nil)
	resp, err = s.http.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, "GET, HEAD, POST", resp.Header.Get("Allow"))
}

func TestClientResponseErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"HTML error page", 502, "<html>bad gateway</html>"},
		{"HTTP error with an answer", 503, envOpenResp + `<soapenv:Body><tns:getInfoTravauxFTTHResponse/></soapenv:Body></soapenv:Envelope>`},
		{"other answer", 200, envOpenResp + `<soapenv:Body><tns:other/></soapenv:Body></soapenv:Envelope>`},
		{"bad date", 200, envOpenResp + `<soapenv:Body><tns:getInfoTravauxFTTHResponse><listeTravaux><travaux reference="R" serviceProviderID="S"><dateModification>hier</dateModification></travaux></listeTravaux></tns:getInfoTravauxFTTHResponse></soapenv:Body></soapenv:Envelope>`},
		{"empty body", 200, envOpenResp + `<soapenv:Body/></soapenv:Envelope>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeResponse(tt.status, []byte(tt.body))
			re, ok := errors.AsType[*ResponseError](err)
			require.True(t, ok, "%v", err)
			if tt.status != 200 {
				require.Equal(t, tt.status, re.StatusCode)
			}
		})
	}
	// A fault without the infoFtthError detail is a 10 with the faultstring.
	_, err := decodeResponse(500, []byte(envOpenResp+`<soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>NullPointerException</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`))
	f, ok := errors.AsType[*Fault](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, codes.ReturnCodeInternal, f.Code)
	require.Equal(t, "NullPointerException", f.Message)
	require.True(t, f.Temporary())

	// A response over the limit.
	s := newService(t, nil)
	s.client.MaxResponseBytes = 100
	_, err = s.client.GetInfoTravauxFTTH(t.Context(), header, Filter{})
	_, ok = errors.AsType[*ResponseError](err)
	require.True(t, ok, "%v", err)
}

const envOpenResp = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0">`

func TestClientContext(t *testing.T) {
	s := newService(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.client.GetInfoTravauxFTTH(ctx, header, Filter{})
	require.ErrorIs(t, err, context.Canceled)
}

// TestGolden pins the bytes the client sends and the server answers.
func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	f := Filter{
		ReferenceTPDERCO: "TP-2026-0001", Type: CategorieTP, ReferencePrestationPm: []string{"PRESTA-PM-01", "PRESTA-PM-02"},
		DateCreation:          &Periode{Debut: paris(2026, 11, 1, 0, 0), Fin: paris(2026, 11, 30, 23, 59)},
		DateDebutTravaux:      &Periode{Debut: paris(2026, 12, 1, 0, 0), Fin: paris(2027, 2, 28, 0, 0)},
		DateFinTravaux:        &Periode{Debut: paris(2026, 12, 1, 0, 0), Fin: paris(2027, 3, 1, 0, 0)},
		InterventionRequiseOC: BooleenOui, Etat: EtatNouveau, ReferencePriseImpactee: "FI-1111-2222",
		ReferencePrestationPriseImpactee: "VIA0A0000000BBBBBBBB",
	}
	require.NoError(t, infowire.Encode(&buf, wireHeader(header), wireRequest(&f)))
	golden(t, "request.xml", buf.Bytes())

	// The request decodes to the same filter.
	q, err := decodeRequest(buf.Bytes(), Limits{})
	require.NoError(t, err)
	require.Equal(t, header, *q.header)
	if diff := cmp.Diff(f, q.filter, cmpTime); diff != "" {
		t.Errorf("filter (-sent +read):\n%s", diff)
	}

	s := newService(t, nil)
	status, out := post(t, s, buf.String())
	require.Equal(t, http.StatusOK, status)
	golden(t, "response.xml", []byte(out))

	status, out = post(t, s, strings.Replace(buf.String(), "<etat>NOUVEAU</etat>", "<etat>FINI</etat>", 1))
	require.Equal(t, http.StatusInternalServerError, status)
	golden(t, "fault.xml", []byte(out))

	// The full response: every element of typeTravaux.
	var all bytes.Buffer
	require.NoError(t, infowire.Encode[xHeader](&all, nil, wireResponse(sampleTravaux())))
	golden(t, "response-all.xml", all.Bytes())
	got, err := decodeResponse(200, all.Bytes())
	require.NoError(t, err)
	if diff := cmp.Diff(wireView(sampleTravaux()), got, cmpTime, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}
