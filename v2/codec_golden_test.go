package v2

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

type goldenCase struct {
	name string
	msg  Message
}

// goldenCases covers every operation's request and response, every
// transaction a set carries and each kind of fault detail.
func goldenCases(t testing.TB) []goldenCase {
	t.Helper()
	p := DefaultProfile()
	var cs []goldenCase
	add := func(name string, m Message) { cs = append(cs, goldenCase{name, m}) }

	add("create-request", NewCreateRequest(fixtureFiling(), p))
	add("create-request-expertise", NewCreateRequest(fixtureExpertise(), p))
	add("create-response", NewCreateResponse("FTEL-SAV-0000123", p))
	for _, name := range []string{"set-case-solving", "set-su-information", "set-co-information", "set-cancel",
		"set-cancel-request", "set-case-solved"} {
		m, err := NewSetRequest("FTEL-SAV-0000123", "BYTL", "FTEL", fixtureTransactions()[name], p)
		require.NoError(t, err)
		add(name, m)
	}
	add("set-response", &SetTroubleTicketByValueResponse{})
	add("get-request", NewGetRequest("FTEL-SAV-0000123", p))
	add("get-response", &GetTroubleTicketByKeyResponse{Value: ValueFromTicket(fixtureTicket(), p)})
	add("get-response-closed", &GetTroubleTicketByKeyResponse{Value: ValueFromTicket(fixtureClosedTicket(), p)})
	add("get-response-full", &GetTroubleTicketByKeyResponse{Value: fixtureFullValue()})
	add("search-request", &GetTroubleTicketsByTemplateRequest{HowMany: Some[uint32](50),
		Template: TroubleTicketValue{TroubleState: Some(TroubleStateOpenActive),
			SAV: &SAVExtension{CodeOC: Some("BYTL"), TechnicalID: Some("FI-1234-5678")}},
		AttrNames: Null[[]Field[string]]()})
	add("search-response", &GetTroubleTicketsByTemplateResponse{Sequence: 0, EndOfReply: true,
		Values: Some([]Field[TroubleTicketValue]{Some(ValueFromTicket(fixtureTicket(), p))})})
	add("query-request", NewQueryRequest(100))
	add("query-response", &QueryTroubleTicketsResponse{Sequence: 2, EndOfReply: false,
		Values: Some([]Field[TroubleTicketValue]{Some(ValueFromTicket(fixtureTicket(), p)),
			Some(ValueFromTicket(fixtureClosedTicket(), p))})})
	add("query-response-empty", &QueryTroubleTicketsResponse{Sequence: 0, EndOfReply: true, Values: Null[[]Field[TroubleTicketValue]]()})
	add("introspection-managed-entity-types-request", &GetManagedEntityTypesRequest{})
	add("introspection-managed-entity-types-response", &GetManagedEntityTypesResponse{
		Types: []string{"tt:TroubleTicketValue", "sav:SAVTroubleTicketValue"}})
	add("introspection-query-types-request", &GetQueryTypesRequest{})
	add("introspection-query-types-response", &GetQueryTypesResponse{Types: []string{"tt:QueryAllOpenTroubleTicketsValue"}})
	add("introspection-event-types-request", &GetEventTypesRequest{})
	add("introspection-event-types-response", &GetEventTypesResponse{Types: []string{}})
	add("introspection-optional-operations-request", &GetSupportedOptionalOperationsRequest{})
	add("introspection-optional-operations-response", &GetSupportedOptionalOperationsResponse{Operations: []string{
		"getTroubleTicketsByTemplate", "queryTroubleTickets"}})
	key := p.Key("FTEL-SAV-0000123")
	add("fault-create-illegal-argument", NewException(OpCreateTroubleTicketByValue, codes.ReturnCodeMissing, "natureDefaut", nil))
	add("fault-create-duplicate", NewException(OpCreateTroubleTicketByValue, codes.ReturnCodeCannotCreate, "", &key))
	add("fault-create-remote", NewException(OpCreateTroubleTicketByValue, codes.ReturnCodeMaintenance, "", nil))
	add("fault-set-not-found", NewException(OpSetTroubleTicketByValue, codes.ReturnCodeUnknown, "troubleTicketKey", nil))
	add("fault-set-resync", NewException(OpSetTroubleTicketByValue, codes.ReturnCodeDesync, "", &key))
	add("fault-set-not-allowed", NewException(OpSetTroubleTicketByValue, codes.ReturnCodeUnexpected, "transaction", nil))
	add("fault-get-not-found", NewException(OpGetTroubleTicketByKey, codes.ReturnCodeUnknown, "troubleTicketKey", nil))
	add("fault-search-criteria", NewException(OpGetTroubleTicketsByTemplate, codes.ReturnCodeSearchCriteria, "", nil))
	add("fault-query-remote", NewException(OpQueryTroubleTickets, codes.ReturnCodeInternal, "", nil))
	add("fault-introspection-remote", NewException(OpGetManagedEntityTypes, codes.ReturnCodeAuthentication, "", nil))
	add("fault-set-bare-exception", &Exception{Op: OpSetTroubleTicketByValue, Kind: SetException, Message: "refused"})
	return cs
}

func encodeGolden(t testing.TB, m Message, indent string) []byte {
	t.Helper()
	var b []byte
	var err error
	if e, ok := m.(*Exception); ok {
		b, err = MarshalFaultDetail(e, nil, indent)
	} else if indent != "" {
		b, err = MarshalBodyIndent(m, nil, indent)
	} else {
		b, err = MarshalBody(m, nil)
	}
	require.NoError(t, err)
	return b
}

func decodeGolden(t testing.TB, m Message, b []byte) Message {
	t.Helper()
	if _, ok := m.(*Exception); ok {
		e, err := DecodeFaultDetail(bytes.NewReader(b), nil)
		require.NoError(t, err)
		return e
	}
	got, err := DecodeBody(bytes.NewReader(b), nil)
	require.NoError(t, err)
	return got
}

// TestGolden pins the encoding of every message, decodes each golden back
// to the same message and the same bytes, and validates every document with
// xmllint against the official JSR-91 schemas (plus the sav: schema) and
// against the project's own schema files.
func TestGolden(t *testing.T) {
	docs := map[string][]byte{}
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got := encodeGolden(t, c.msg, "  ")
			path := filepath.Join("testdata", "golden", c.name+".xml")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to create it")
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Fatalf("%s differs (-golden +encoded):\n%s", path, diff)
			}
			decoded := decodeGolden(t, c.msg, want)
			if diff := cmp.Diff(c.msg, decoded); diff != "" {
				t.Errorf("decoded message differs (-built +decoded):\n%s", diff)
			}
			require.Equal(t, string(want), string(encodeGolden(t, decoded, "  ")), "round trip")
			compact := encodeGolden(t, c.msg, "")
			require.Equal(t, string(compact), string(encodeGolden(t, decodeGolden(t, c.msg, compact), "")))
			docs[c.name] = want
			docs[c.name+"-compact"] = compact
		})
	}
	t.Run("xmllint", func(t *testing.T) { validateDocs(t, docs) })
}

// TestEncodedDocumentsValidate validates, in one xmllint run per schema set,
// the other documents the encoder produces in these tests: every exception
// of every operation for every return code, the re-encoded partner and
// envelope documents, and each set transaction with every optional part.
func TestEncodedDocumentsValidate(t *testing.T) {
	docs := map[string][]byte{}
	for _, o := range Operations {
		for _, code := range []codes.ReturnCode{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
			20, 21, 22, 23, 100, 101} {
			key := DefaultProfile().Key("K-" + o.String())
			e := NewException(o, code, "champ", &key)
			docs["exception-"+o.String()+"-"+itoa(int(code))] = encodeGolden(t, e, "")
		}
	}
	for _, name := range []string{"testdata/partner-create-windows-1252.xml", "testdata/envelope-set.xml"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		d, err := Check(bytes.NewReader(b), nil)
		require.NoError(t, err)
		docs[filepath.Base(name)] = encodeGolden(t, d.Message, "")
	}
	for name, tx := range fixtureTransactions() {
		tx.Client = &ticket.Customer{Nom: "Nom", Prenom: "Prénom", Contact1: "0612345678", Contact2: "0140000000"}
		tx.Rdv = &ticket.Appointment{IdRdv: "R-1"}
		tx.Intervention = &ticket.Intervention{Date: at(28, 8, 0), Type: "PBO"}
		m, err := NewSetRequest("K", "BYTL", "FTEL", tx, nil)
		require.NoError(t, err)
		docs["all-"+name] = encodeGolden(t, m, "\t")
	}
	docs["empty-page"] = encodeGolden(t, &QueryTroubleTicketsResponse{Sequence: 3, EndOfReply: true,
		Values: Some([]Field[TroubleTicketValue]{})}, "")
	docs["empty-arrays"] = encodeGolden(t, &GetTroubleTicketByKeyResponse{Value: TroubleTicketValue{
		TroubleNumList: Some([]Field[string]{}), RelatedTroubleTicketKeys: Some([]Field[TroubleTicketKey]{})}}, "")
	var buf bytes.Buffer
	vw, err := NewValueWriter(&buf, OpGetTroubleTicketsByTemplate, 0, true, nil)
	require.NoError(t, err)
	require.NoError(t, vw.Close())
	docs["stream-empty"] = buf.Bytes()
	validateDocs(t, docs)
}

// TestSchemaValidationCanFail makes sure the xmllint harness rejects a
// document that breaks the official schema: elements out of order, an
// enumeration literal with the schema's stray space missing in the member
// element, xsi:nil on an enumerated attribute.
func TestSchemaValidationCanFail(t *testing.T) {
	schema := officialSchema(t)
	lint := xmllint(t)
	for name, body := range map[string]string{
		"order":   `<tt:troubleState>QUEUED</tt:troubleState><tt:customerTroubleNum>X</tt:customerTroubleNum>`,
		"literal": `<tt:repairActivityList><co:modifier>SET</co:modifier><tt:repairActivities><tt:item><tt:activityCode>ASSIGNED</tt:activityCode></tt:item></tt:repairActivities></tt:repairActivityList>`,
		"nil":     `<tt:baseState xsi:nil="true"/>`,
	} {
		doc := `<tt:createTroubleTicketByValueRequest ` + nsDecl + `><tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">` +
			body + `</tt:troubleTicketValue></tt:createTroubleTicketByValueRequest>`
		f := filepath.Join(t.TempDir(), name+".xml")
		require.NoError(t, os.WriteFile(f, []byte(doc), 0o644))
		out, err := exec.Command(lint, "--noout", "--nonet", "--schema", schema, f).CombinedOutput()
		require.Error(t, err, "%s must not validate:\n%s", name, out)
		require.Contains(t, string(out), "fails to validate")
	}
}
