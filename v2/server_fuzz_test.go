package v2

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/opensav/savsdk/internal/soap"
)

// FuzzServerRequest posts arbitrary bodies to the OI's server: whatever
// arrives, the answer is a SOAP message (a response with status 200 or a
// fault with status 500 carrying a return code), and a fault never leaves
// anything stored.
func FuzzServerRequest(f *testing.F) {
	valid := func(body string) []byte { return []byte(envelope(testOC, testOI, body)) }
	f.Add(valid(`<tt:getTroubleTicketByKeyRequest><tt:troubleTicketKey><co:type>tt:TroubleTicketValue</co:type><tt:primaryKey>FTEL00000001</tt:primaryKey></tt:troubleTicketKey></tt:getTroubleTicketByKeyRequest>`))
	f.Add(valid(`<tt:queryTroubleTicketsRequest><co:howMany>5</co:howMany><tt:query xsi:type="tt:QueryAllOpenTroubleTicketsValue"/></tt:queryTroubleTicketsRequest>`))
	f.Add(valid(`<co:getManagedEntityTypesRequest/>`))
	f.Add([]byte(`<a/>`))
	mem := NewMemory(MemoryOptions{IDPrefix: testOI})
	srv, err := NewOIServer(mem, ServerOptions{Code: testOI, Auth: TrustHeader{}, MaxBodySize: 64 << 10})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := mem.Len()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/sav/v2/oi", bytes.NewReader(body))
		req.Header.Set("Content-Type", soap.ContentType)
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusInternalServerError {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		var exc Exception
		dec := &soap.Decoder{HeaderSpace: DefaultNamespaceSAV,
			Body: func(d soap.TokenReader, start xml.StartElement) error {
				_, err := readBody(d, start, nil)
				return err
			},
			Detail: func(d soap.TokenReader, start xml.StartElement) error {
				return readFaultDetail(d, start, nil, &exc)
			}}
		m, err := dec.Decode(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("the answer does not decode: %v\n%s", err, rec.Body.Bytes())
		}
		if (m.Fault != nil) != (rec.Code == http.StatusInternalServerError) {
			t.Fatalf("status %d with fault %v", rec.Code, m.Fault)
		}
		if m.Fault != nil {
			if exc.Erreur == nil {
				t.Fatalf("fault without sav:erreur:\n%s", rec.Body.Bytes())
			}
			if mem.Len() != before {
				t.Fatalf("a refused request stored a ticket")
			}
		}
	})
}
