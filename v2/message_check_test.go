package v2

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

func TestValidateGoldenRequestsAreValid(t *testing.T) {
	for _, c := range goldenCases(t) {
		require.Empty(t, Validate(c.msg, nil), c.name)
	}
}

type finding struct {
	Line  int
	Field string
	Code  codes.ReturnCode
}

func checkFindings(t *testing.T, doc string) []finding {
	t.Helper()
	d, err := Check(strings.NewReader(doc), nil)
	require.NoError(t, err)
	var out []finding
	for _, f := range d.Findings {
		require.Equal(t, f.Code.Message(f.Field), f.Message)
		out = append(out, finding{f.Line, f.Field, f.Code})
	}
	return out
}

func TestCheckCreateFindings(t *testing.T) {
	doc := `<?xml version="1.0"?>
<tt:createTroubleTicketByValueRequest ` + nsDecl + `>
  <tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
    <tt:customerTroubleNum>` + strings.Repeat("X", 51) + `</tt:customerTroubleNum>
    <sav:typeSAV>EXPERTISE</sav:typeSAV>
    <sav:codeOC>bytl</sav:codeOC>
    <sav:natureDefaut>FUITE</sav:natureDefaut>
    <sav:prelocDefaut xsi:nil="true"/>
    <sav:client>
      <sav:nom>X</sav:nom>
      <sav:contact1>12</sav:contact1>
    </sav:client>
  </tt:troubleTicketValue>
</tt:createTroubleTicketByValueRequest>`
	got := checkFindings(t, doc)
	want := []finding{
		{4, "customerTroubleNum", 3},
		{3, "troubleDetectionTime", 1},
		{6, "codeOC", 3},
		{3, "codeOI", 1},
		{3, "technicalId", 1},
		{7, "natureDefaut", 2},
		{8, "prelocDefaut", 1},
		{3, "relatedTroubleTicketKeyList", 1},
		{11, "contact1", 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
}

func TestValidateCreateRules(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(f *ticket.Filing)
		field string
		code  codes.ReturnCode
	}{
		{"valid", func(*ticket.Filing) {}, "", 0},
		{"commercial id only", func(f *ticket.Filing) { f.ReferencePrise = "" }, "", 0},
		{"no access id", func(f *ticket.Filing) { f.ReferencePrise, f.ReferencePrestationPrise = "", "" }, "technicalId", 1},
		{"long technical id", func(f *ticket.Filing) { f.ReferencePrise = strings.Repeat("A", 31) }, "technicalId", 3},
		{"no OC reference", func(f *ticket.Filing) { f.ReferenceSigSAVRaccoOC = "" }, "customerTroubleNum", 1},
		{"no date", func(f *ticket.Filing) { f.DateIncident = ticket.Date{} }, "troubleDetectionTime", 1},
		{"bad preloc", func(f *ticket.Filing) { f.PrelocDefaut = "GARAGE" }, "prelocDefaut", 2},
		{"related on signalisation", func(f *ticket.Filing) { f.RelatedTicket = "X" }, "relatedTroubleTicketKeyList", 13},
		{"bad typeSAV", func(f *ticket.Filing) { f.TypeSAV = "AUDIT" }, "typeSAV", 2},
		{"rdv id and slots", func(f *ticket.Filing) { f.Rdv.IdRdv = "R1" }, "rdv", 13},
		{"four slots", func(f *ticket.Filing) {
			s := f.Rdv.Creneaux[0]
			for i := range 2 {
				s.Debut, s.Fin = s.Debut.AddDate(0, 0, i+1), s.Fin.AddDate(0, 0, i+1)
				f.Rdv.Creneaux = append(f.Rdv.Creneaux, s)
			}
		}, "rdv", 3},
		{"bad contact", func(f *ticket.Filing) { f.Client.Contact2 = "123" }, "contact2", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fixtureFiling()
			c.edit(f)
			got := Validate(NewCreateRequest(f, nil), nil)
			if c.code == 0 {
				require.Empty(t, got)
				return
			}
			require.NotEmpty(t, got)
			require.Equal(t, c.field, got[0].Field, got)
			require.Equal(t, c.code, got[0].Code, got)
			require.Zero(t, got[0].Line)
		})
	}
	// Missing sav: extension altogether.
	got := Validate(&CreateTroubleTicketByValueRequest{}, nil)
	require.Len(t, got, 8)
}

func TestValidateSetRules(t *testing.T) {
	p := DefaultProfile()
	mk := func(name string, edit func(tx *ticket.Transaction)) *SetTroubleTicketByValueRequest {
		tx := *fixtureTransactions()[name]
		edit(&tx)
		m, err := NewSetRequest("FTEL-SAV-0000123", "BYTL", "FTEL", &tx, p)
		require.NoError(t, err)
		return m
	}
	none := func(*ticket.Transaction) {}
	cases := []struct {
		name  string
		msg   *SetTroubleTicketByValueRequest
		field string
		code  codes.ReturnCode
	}{
		{"solved valid", mk("set-case-solved", none), "", 0},
		{"solved without closure", mk("set-case-solved", func(tx *ticket.Transaction) { tx.Cloture = nil }), "cloture", 1},
		{"solved without code", mk("set-case-solved", func(tx *ticket.Transaction) { tx.Cloture.Code = "" }), "code", 1},
		{"solved localisation on ABS", mk("set-case-solved", func(tx *ticket.Transaction) { tx.Cloture.Code = "ABS01" }),
			"localisation", 13},
		{"solved bad code", mk("set-case-solved", func(tx *ticket.Transaction) { tx.Cloture.Code = "XYZ01" }), "code", 2},
		{"solved no responsibility", mk("set-case-solved", func(tx *ticket.Transaction) { tx.Cloture.Responsabilite = "" }),
			"responsabilite", 1},
		{"su valid", mk("set-su-information", none), "", 0},
		{"su empty", mk("set-su-information", func(tx *ticket.Transaction) {
			tx.Message, tx.EtatResolution, tx.Intervention, tx.Rdv = nil, "", nil, nil
		}), "message", 1},
		{"su terminee", mk("set-su-information", func(tx *ticket.Transaction) {
			tx.EtatResolution = codes.EtatResolutionTerminee
		}), "etatResolution", 13},
		{"su unknown resolution", mk("set-su-information", func(tx *ticket.Transaction) { tx.EtatResolution = "EN PAUSE" }),
			"etatResolution", 2},
		{"su confirmation of a booked slot", mk("set-su-information", func(tx *ticket.Transaction) {
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV-1", Creneaux: slices.Clone(tx.Rdv.Creneaux)}
		}), "", 0},
		{"su confirmation of a booking with two slots", mk("set-su-information", func(tx *ticket.Transaction) {
			s := tx.Rdv.Creneaux[0]
			later := ticket.Slot{Debut: s.Debut.AddDate(0, 0, 1), Fin: s.Fin.AddDate(0, 0, 1)}
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV-1", Creneaux: []ticket.Slot{s, later}}
		}), "rdv", 13},
		{"su proposition with a booking and a slot", mk("set-su-information", func(tx *ticket.Transaction) {
			tx.Message.Type, tx.EtatResolution = codes.TypeMessagePropositionRdv, ""
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV-1", Creneaux: slices.Clone(tx.Rdv.Creneaux)}
		}), "rdv", 13},
		{"co sets resolution", mk("set-co-information", func(tx *ticket.Transaction) {
			tx.EtatResolution = codes.EtatResolutionPrevue
		}), "etatResolution", 13},
		{"co message of the OI", mk("set-co-information", func(tx *ticket.Transaction) {
			tx.Message.Type = codes.TypeMessageAvancementResolution
		}), "type", 13},
		{"co comment without text", mk("set-co-information", func(tx *ticket.Transaction) {
			tx.Message.Type, tx.Message.Texte = codes.TypeMessageCommentaire, ""
		}), "texte", 1},
		{"co bad phone", mk("set-co-information", func(tx *ticket.Transaction) { tx.Client.Contact1 = "abc" }), "contact1", 3},
		{"solving valid", mk("set-case-solving", none), "", 0},
		{"solving to nouvelle action", mk("set-case-solving", func(tx *ticket.Transaction) {
			tx.EtatResolution = codes.EtatResolutionNouvelleAPrevoir
		}), "etatResolution", 13},
		{"cancel valid", mk("set-cancel", none), "", 0},
		{"cancel request valid", mk("set-cancel-request", none), "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Validate(c.msg, p)
			if c.code == 0 {
				require.Empty(t, got)
				return
			}
			require.NotEmpty(t, got)
			require.Equal(t, c.field, got[0].Field, got)
			require.Equal(t, c.code, got[0].Code, got)
		})
	}
}

func TestCheckSetFindings(t *testing.T) {
	doc := `<tt:setTroubleTicketByValueRequest ` + nsDecl + `>
  <tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
    <sav:transaction>CASE SOLVED NOTIFICATION</sav:transaction>
    <sav:codeOI>FTEL</sav:codeOI>
    <sav:cloture>
      <sav:code>RET01</sav:code>
    </sav:cloture>
  </tt:troubleTicketValue>
  <tt:resyncRequired>true</tt:resyncRequired>
</tt:setTroubleTicketByValueRequest>`
	got := checkFindings(t, doc)
	want := []finding{
		{2, "troubleTicketKey", 1},
		{2, "codeOC", 1},
		{2, "lastUpdateVersionNumber", 1},
		{5, "responsabilite", 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	got = checkFindings(t, `<tt:setTroubleTicketByValueRequest `+nsDecl+`><tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
<tt:troubleTicketKey><co:type>tt:TroubleTicketValue</co:type><tt:primaryKey>K</tt:primaryKey></tt:troubleTicketKey>
<sav:transaction>AR OK</sav:transaction><sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI>
</tt:troubleTicketValue><tt:resyncRequired>false</tt:resyncRequired></tt:setTroubleTicketByValueRequest>`)
	require.Equal(t, []finding{{3, "transaction", 13}}, got)
	got = checkFindings(t, `<tt:setTroubleTicketByValueRequest `+nsDecl+`><tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
<tt:troubleTicketKey><co:type>tt:TroubleTicketValue</co:type><tt:primaryKey>K</tt:primaryKey></tt:troubleTicketKey>
<sav:transaction>CASE REOPENED</sav:transaction><sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI>
</tt:troubleTicketValue><tt:resyncRequired>false</tt:resyncRequired></tt:setTroubleTicketByValueRequest>`)
	require.Equal(t, []finding{{3, "transaction", 2}}, got)
}

func TestValidateOtherRequests(t *testing.T) {
	require.Equal(t, "primaryKey", Validate(&GetTroubleTicketByKeyRequest{}, nil)[0].Field)
	require.Empty(t, Validate(NewQueryRequest(1000), nil))
	got := Validate(NewQueryRequest(1001), nil)
	require.Equal(t, []Finding{{Field: "howMany", Code: 4, Message: "CRITERES DE RECHERCHE NON RESPECTES",
		Reason: "at most 1000 per page"}}, got)
	q := NewQueryRequest(0)
	q.Query.Type.Local = "QueryByEscalationValue"
	require.Equal(t, "query", Validate(q, nil)[0].Field)
	require.Equal(t, codes.ReturnCodeSearchCriteria, Validate(&GetTroubleTicketsByTemplateRequest{HowMany: Some[uint32](5000)}, nil)[0].Code)
	require.Empty(t, Validate(&GetTroubleTicketByKeyResponse{}, nil))
	n, ok := DefaultProfile().PageSize(Field[uint32]{})
	require.True(t, ok)
	require.Equal(t, DefaultHowMany, n)
}

func TestCheckDocuments(t *testing.T) {
	b, err := os.ReadFile("testdata/envelope-set.xml")
	require.NoError(t, err)
	d, err := Check(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.True(t, d.Envelope)
	require.Equal(t, "set", d.Flow())
	require.Equal(t, 1, d.Records())
	require.True(t, d.Valid(), "%v", d.Findings)

	for name, flow := range map[string]string{
		"create-response": "create-response", "query-response": "query-response", "search-request": "search",
		"introspection-query-types-request": "introspection", "get-request": "get",
	} {
		b, err := os.ReadFile("testdata/golden/" + name + ".xml")
		require.NoError(t, err)
		d, err := Check(bytes.NewReader(b), nil)
		require.NoError(t, err)
		require.False(t, d.Envelope)
		require.Equal(t, flow, d.Flow(), name)
	}
	b, err = os.ReadFile("testdata/golden/query-response.xml")
	require.NoError(t, err)
	d, err = Check(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, 2, d.Records())

	fault := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>
<faultcode>soapenv:Client</faultcode><faultstring>duplicate</faultstring><detail>`
	detail, err := AppendFaultDetail(nil, NewException(OpCreateTroubleTicketByValue, 100, "", &TroubleTicketKey{Type: DefaultKeyType, PrimaryKey: "K9"}), nil)
	require.NoError(t, err)
	d, err = Check(strings.NewReader(fault+string(detail)+`</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`), nil)
	require.NoError(t, err)
	require.Equal(t, "fault", d.Flow())
	e := d.Message.(*Exception)
	require.Equal(t, CreateException, e.Kind)
	require.Equal(t, "K9", e.Erreur.TroubleTicketKey.PrimaryKey)

	_, err = Check(strings.NewReader(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>`), nil)
	var de *DecodeError
	require.True(t, errors.As(err, &de))
	require.Equal(t, codes.ReturnCodeMissing, de.Code)
}

func TestFindingString(t *testing.T) {
	f := Finding{Line: 12, Field: "natureDefaut", Code: 2, Message: codes.ReturnCode(2).Message("natureDefaut"), Reason: "x"}
	require.Equal(t, "12: natureDefaut: 2 INFO natureDefaut ERRONEE - HORS VALEURS PREVUEES (x)", f.String())
}

// TestCheckKeepsReadingAfterMalformedValues reports values not of their
// type as findings (code 3 on their line) and goes on with the rules.
func TestCheckKeepsReadingAfterMalformedValues(t *testing.T) {
	doc := `<tt:setTroubleTicketByValueRequest ` + nsDecl + `>
  <tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
    <co:lastUpdateVersionNumber>trois</co:lastUpdateVersionNumber>
    <tt:troubleTicketKey><co:type>tt:TroubleTicketValue</co:type><tt:primaryKey>K</tt:primaryKey></tt:troubleTicketKey>
    <tt:lastUpdateTime>28/11/2026 11:20</tt:lastUpdateTime>
    <tt:baseState xsi:nil="true"/>
    <sav:transaction>CASE SOLVED NOTIFICATION</sav:transaction>
    <sav:codeOC>BYTL</sav:codeOC>
    <sav:codeOI>FTEL</sav:codeOI>
    <sav:cloture><sav:code>RET01</sav:code><sav:responsabilite>OI</sav:responsabilite></sav:cloture>
  </tt:troubleTicketValue>
  <tt:resyncRequired>peut-être</tt:resyncRequired>
</tt:setTroubleTicketByValueRequest>`
	got := checkFindings(t, doc)
	want := []finding{
		{3, "lastUpdateVersionNumber", 3},
		{5, "lastUpdateTime", 3},
		{6, "baseState", 3},
		{12, "resyncRequired", 3},
		{10, "localisation", 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	// DecodeBody stays strict.
	_, err := DecodeBody(strings.NewReader(doc), nil)
	require.ErrorIs(t, err, ErrValue)
}
