package v2

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
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
