package plancharge

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

type enum interface {
	Valid() bool
	Label() string
	MarshalText() ([]byte, error)
}

func TestEnums(t *testing.T) {
	tests := []struct {
		values  []enum
		unknown enum
		read    func(string) enum
	}{
		{values: []enum{TypeInterventionS, TypeInterventionE}, unknown: TypeIntervention("X"),
			read: func(s string) enum { var v TypeIntervention; _ = v.UnmarshalText([]byte(s)); return v }},
		{values: []enum{NatureProduitFTTHAcces}, unknown: NatureProduit("FTTH_PRO"),
			read: func(s string) enum { var v NatureProduit; _ = v.UnmarshalText([]byte(s)); return v }},
		{values: []enum{SegmentMarcheEntreprise, SegmentMarcheGP, SegmentMarcheOperateur}, unknown: SegmentMarche("PME"),
			read: func(s string) enum { var v SegmentMarche; _ = v.UnmarshalText([]byte(s)); return v }},
		{values: []enum{StatutRendezVousCree, StatutRendezVousConfirme}, unknown: StatutRendezVous("ANNULE"),
			read: func(s string) enum { var v StatutRendezVous; _ = v.UnmarshalText([]byte(s)); return v }},
		{values: []enum{NatureReportReserve, NatureReportConfirme, NatureReportNouveau}, unknown: NatureReport("AUTRE"),
			read: func(s string) enum { var v NatureReport; _ = v.UnmarshalText([]byte(s)); return v }},
	}
	for _, tc := range tests {
		for _, v := range append(tc.values, tc.unknown) {
			b, err := v.MarshalText()
			require.NoError(t, err)
			require.Equal(t, v, tc.read(" "+strings.ToLower(string(b))+" "), "lenient read of %s", b)
			require.Equal(t, v != tc.unknown, v.Valid(), "%s", b)
			require.Equal(t, v == tc.unknown, v.Label() == string(b), "label of %s", b)
		}
	}
	for o := OpRechercheCreneauxLibres; o <= OpReportRDV; o++ {
		require.NotContains(t, o.String(), "Operation(")
	}
	require.Equal(t, "Operation(9)", Operation(9).String())
}

// errPlanning refuses every booking with the error it holds.
type errPlanning struct {
	*MemPlanning
	err error
}

func (p *errPlanning) Book(context.Context, BookRequest) (string, error) { return "", p.err }

func TestPlanningErrors(t *testing.T) {
	mem, err := NewMemPlanning(MemConfig{Technicians: []string{"T"}})
	require.NoError(t, err)
	tests := []struct {
		err  error
		code codes.ReturnCode
		text string
	}{
		{err: &rdv.SlotError{Rule: rdv.RuleTooLong, Field: "idCreneau"}, code: 13, text: "slot too long"},
		{err: &codes.ValueError{Field: "codeInsee", Code: codes.ReturnCodeHorsParcOC}, code: 9, text: "HORS PARC OC"},
		{err: &ticket.TransitionError{Code: codes.ReturnCodeNotAllowed}, code: 11, text: "ACTION NON AUTORISEE"},
		{err: errors.Join(errors.New("wrapped"), ErrRdvNonDisponible), code: 101, text: "RDV NON DISPONIBLE"},
	}
	for _, tc := range tests {
		p := &errPlanning{MemPlanning: mem, err: tc.err}
		hs := httptest.NewServer(&Server{Planning: p})
		c := &Client{URL: hs.URL, SirenOC: sirenOC, SirenOI: sirenOI}
		_, err := c.Book(context.Background(), bookReq("x"))
		f := requireFault(t, err, tc.code)
		require.Contains(t, f.Message, tc.text)
		require.Equal(t, "Client", f.SOAPCode)
		hs.Close()
	}
	var nilPlanning Server
	w := httptest.NewRecorder()
	nilPlanning.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(
		strings.Replace(strings.Replace(envelope, "%s", goodHeader, 1), "%s", `<i:ConsultationRdvRequete><idRendezVous>x</idRendezVous></i:ConsultationRdvRequete>`, 1))))
	require.Contains(t, w.Body.String(), "<codeErreur>17</codeErreur>")
}

// TestForeignServer: the client reads answers written the way other SOAP
// toolkits write them: other prefixes, namespaces declared on the entry,
// xsi:nil on the nillable elements, UTC times with fractions, SOAP 1.1
// fault with a Server code.
func TestForeignServer(t *testing.T) {
	answers := map[string]string{
		"ConsultationRdvRequete": `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Header>
    <ns2:EnteteType xmlns:ns2="http://interop-fibre.fr" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <versionWS>3.1</versionWS><horodatageRequete>2026-11-30T09:00:00Z</horodatageRequete>
      <horodatageReponse xsi:nil="true"/><sirenOC>123456789</sirenOC><sirenOI>987654321</sirenOI>
    </ns2:EnteteType>
  </soap:Header>
  <soap:Body>
    <ns2:ConsultationRdvReponse xmlns:ns2="http://interop-fibre.fr" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <idRendezVous> 42 </idRendezVous><dateDebut>2026-12-01T07:00:00.000Z</dateDebut>
      <dateFin>2026-12-01T09:00:00.000Z</dateFin><codeInsee>75056</codeInsee><typeIntervention>S</typeIntervention>
      <natureProduit xsi:nil="true"/><segmentMarche xsi:nil="true"/><statutRendezVous>CONFIRME</statutRendezVous>
    </ns2:ConsultationRdvReponse>
  </soap:Body>
</soap:Envelope>`,
		"ReportRDVRequete": `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>` +
			`<ReportRDVReponse xmlns="http://interop-fibre.fr" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>` +
			`</S:Body></S:Envelope>`,
		"ReservationCreneauRequete": `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault>` +
			`<faultcode>S:Server</faultcode><faultstring>indisponible</faultstring><detail>` +
			`<ns3:InfoErreurType xmlns:ns3="http://interop-fibre.fr"><codeErreur>14</codeErreur>` +
			`<messageErreur>SI EN MAINTENANCE</messageErreur></ns3:InfoErreurType></detail></S:Fault></S:Body></S:Envelope>`,
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		for op, answer := range answers {
			if strings.Contains(string(b), op) {
				if strings.Contains(answer, "Fault") {
					w.WriteHeader(500)
				}
				_, _ = w.Write([]byte(answer))
				return
			}
		}
		w.WriteHeader(404)
	}))
	defer hs.Close()
	c := &Client{URL: hs.URL, SirenOC: sirenOC, SirenOI: sirenOI}
	ctx := context.Background()
	rv, err := c.Consult(ctx, ConsultRequest{IdRendezVous: "42"})
	require.NoError(t, err)
	require.Equal(t, "42", rv.IdRendezVous)
	require.Equal(t, StatutRendezVousConfirme, rv.StatutRendezVous)
	require.Empty(t, rv.NatureProduit)
	require.True(t, rv.Debut.Equal(day(1, 8)))
	_, err = c.Report(ctx, reportReq("42", NatureReportConfirme, "T1"))
	require.NoError(t, err)
	_, err = c.Book(ctx, bookReq("T1"))
	f := requireFault(t, err, 14)
	require.Equal(t, "Server", f.SOAPCode)
	require.True(t, f.Temporary())
	require.False(t, f.ClientFault())
	_, err = c.Search(ctx, searchReq(day(1, 0), day(2, 0)))
	re, ok := errors.AsType[*ResponseError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, 404, re.StatusCode)
	require.NotNil(t, errors.Unwrap(re))
}
