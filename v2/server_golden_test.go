package v2

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap"
)

// serverExchange is one request to the OI's server and the name of the
// golden file holding its answer.
type serverExchange struct {
	name string
	body string // the request's body element; "" posts raw
	raw  string // a whole request, when body is ""
}

// TestServerGolden pins the server's whole answers — envelope, sav:entete,
// body or fault — in testdata/server (rewritten with -update), and
// validates every body, fault detail and sav:entete it writes against the
// official JSR-91 schemas and the project's own (with xmllint, when
// installed).
func TestServerGolden(t *testing.T) {
	clock := newClock()
	mem := NewMemory(MemoryOptions{IDPrefix: testOI, Now: clock.Now})
	srv, err := NewOIServer(mem, ServerOptions{Code: testOI, Siren: "380129866", Auth: TrustHeader{}, Now: clock.Now})
	require.NoError(t, err)
	key := `<tt:troubleTicketKey><co:type>tt:TroubleTicketValue</co:type><tt:primaryKey>FTEL00000001</tt:primaryKey></tt:troubleTicketKey>`
	info := `<tt:setTroubleTicketByValueRequest><tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">` +
		`<co:lastUpdateVersionNumber>0</co:lastUpdateVersionNumber>` + key +
		`<sav:transaction>CO CASE INFORMATION NOTIFICATION</sav:transaction><sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI>` +
		`<sav:message><sav:type>COMMENTAIRE</sav:type><sav:texte>Digicode 1234</sav:texte></sav:message>` +
		`</tt:troubleTicketValue><tt:resyncRequired>true</tt:resyncRequired></tt:setTroubleTicketByValueRequest>`
	exchanges := []serverExchange{
		{name: "create-response", body: createBody(t, filing("BYTL-GOLDEN-1"))},
		{name: "fault-create-duplicate", body: createBody(t, filing("BYTL-GOLDEN-1"))},
		{name: "set-response", body: info},
		{name: "fault-set-resync", body: info},
		{name: "get-response", body: `<tt:getTroubleTicketByKeyRequest>` + key + `</tt:getTroubleTicketByKeyRequest>`},
		{name: "fault-get-not-found", body: `<tt:getTroubleTicketByKeyRequest>` +
			strings.Replace(key, "FTEL00000001", "FTEL00000099", 1) + `</tt:getTroubleTicketByKeyRequest>`},
		{name: "search-response", body: `<tt:getTroubleTicketsByTemplateRequest><co:howMany>10</co:howMany>` +
			`<tt:template><tt:customerTroubleNum>BYTL-GOLDEN-1</tt:customerTroubleNum></tt:template></tt:getTroubleTicketsByTemplateRequest>`},
		{name: "query-response", body: `<tt:queryTroubleTicketsRequest><tt:query xsi:type="tt:QueryAllOpenTroubleTicketsValue"/></tt:queryTroubleTicketsRequest>`},
		{name: "fault-search-criteria", body: `<tt:getTroubleTicketsByTemplateRequest><co:howMany>5000</co:howMany>` +
			`<tt:template/></tt:getTroubleTicketsByTemplateRequest>`},
		{name: "introspection-response", body: `<co:getManagedEntityTypesRequest/>`},
		{name: "fault-malformed", raw: envelope(testOC, testOI, "<tt:createTroubleTicketByValueRequest>")},
	}
	docs := map[string][]byte{}
	for _, ex := range exchanges {
		req := ex.raw
		if req == "" {
			req = envelope(testOC, testOI, ex.body)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/sav/v2/oi", strings.NewReader(req)))
		got := rec.Body.Bytes()
		wantStatus := http.StatusOK
		if strings.HasPrefix(ex.name, "fault-") {
			wantStatus = http.StatusInternalServerError
		}
		require.Equal(t, wantStatus, rec.Code, "%s: %s", ex.name, got)

		path := filepath.Join("testdata", "server", ex.name+".xml")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, got, 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run go test -run TestServerGolden -update")
		require.Equal(t, string(want), string(got), "%s differs from its golden file (go test -update)", ex.name)

		for part, b := range envelopeParts(t, got) {
			docs[ex.name+"-"+part] = b
		}
	}
	t.Run("xmllint", func(t *testing.T) {
		xmllint(t)
		validateDocs(t, docs)
	})
}

// envelopeParts returns the parts of an answer a schema describes: the
// sav:entete, and the body element or the fault's detail.
func envelopeParts(t *testing.T, env []byte) map[string][]byte {
	t.Helper()
	parts := map[string][]byte{}
	var detail bytes.Buffer
	dec := &soap.Decoder{HeaderSpace: DefaultNamespaceSAV,
		Body: func(d soap.TokenReader, start xml.StartElement) error {
			b, err := soap.CaptureElement(d, start)
			parts["body"] = b
			return err
		},
		Detail: func(d soap.TokenReader, start xml.StartElement) error {
			b, err := soap.CaptureElement(d, start)
			detail.Write(b)
			return err
		}}
	m, err := dec.Decode(bytes.NewReader(env))
	require.NoError(t, err)
	if detail.Len() > 0 {
		parts["detail"] = []byte("<detail>" + detail.String() + "</detail>")
	}
	if m.Header.Entete != nil {
		// The entete as its own document, in the profile's namespace.
		var h bytes.Buffer
		require.NoError(t, (&soap.Encoder{HeaderSpace: DefaultNamespaceSAV}).Encode(&h, m.Header, nil))
		d := xml.NewDecoder(bytes.NewReader(h.Bytes()))
		for {
			tok, err := d.Token()
			require.NoError(t, err)
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == soap.ElementEntete {
				b, err := soap.CaptureElement(d, se)
				require.NoError(t, err)
				parts["entete"] = b
				break
			}
		}
	}
	return parts
}
