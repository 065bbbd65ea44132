package v2

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

// cannedDoer answers every request with the same status and body.
type cannedDoer struct {
	status int
	body   []byte
}

func (d cannedDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: d.status, Status: http.StatusText(d.status), Request: r,
		Header: http.Header{"Content-Type": {soap.ContentType}}, Body: io.NopCloser(bytes.NewReader(d.body))}, nil
}

// responseEnvelope wraps a body (a golden document without its XML
// declaration) in the envelope an OI answers with.
func responseEnvelope(body string) []byte {
	if i := strings.Index(body, "?>"); strings.HasPrefix(body, "<?xml") && i > 0 {
		body = body[i+2:]
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sav="` + DefaultNamespaceSAV + `">
<soapenv:Header><sav:entete><sav:versionProtocole>2.0</sav:versionProtocole><sav:horodatage>2026-03-02T10:00:00+01:00</sav:horodatage>` +
		`<sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI></sav:entete></soapenv:Header>
<soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`)
}

// faultEnvelope wraps the entries of a golden detail document in a fault.
func faultEnvelope(detail string) []byte {
	if i := strings.Index(detail, "?>"); strings.HasPrefix(detail, "<?xml") && i > 0 {
		detail = detail[i+2:]
	}
	return responseEnvelope(`<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>3 INFO XXXXX INCORRECTE</faultstring>` +
		detail + `</soapenv:Fault>`)
}

// clientCall is one client operation, chosen by the fuzzer.
type clientCall int

const (
	callGet clientCall = iota
	callQueryPage
	callSearchPage
	callCreate
	callSet
	callIntrospection
	callCount
)

// classifiedClientError reports whether err is one a caller can act on: a
// fault, an HTTP status, a malformed envelope, a response of another
// operation, or an error carrying a return code (a decoding or lifecycle
// refusal).
func classifiedClientError(err error) bool {
	var (
		se  *StatusError
		soe *soap.Error
	)
	if errors.As(err, &se) || errors.As(err, &soe) || errors.Is(err, ErrUnexpectedResponse) || errors.Is(err, ErrMapping) {
		return true
	}
	_, ok := ReturnCode(err)
	return ok
}

// FuzzClientResponse hands arbitrary answers (status 200 or 500) to the
// client's operations. The client must not panic; its errors must be
// classified; a fault must be a *FaultError of the called operation with a
// known return code; what it accepts must be consistent: the page asked
// for, a created ticket acknowledged with the key answered, a ticket that
// maps back to the value it came from.
func FuzzClientResponse(f *testing.F) {
	for _, tc := range []struct {
		call clientCall
		file string
	}{
		{callGet, "get-response.xml"}, {callGet, "get-response-full.xml"}, {callGet, "get-response-closed.xml"},
		{callQueryPage, "query-response.xml"}, {callQueryPage, "query-response-empty.xml"},
		{callSearchPage, "search-response.xml"}, {callCreate, "create-response.xml"}, {callSet, "set-response.xml"},
		{callIntrospection, "introspection-managed-entity-types-response.xml"},
	} {
		if b, err := os.ReadFile(filepath.Join("testdata", "golden", tc.file)); err == nil {
			f.Add(uint8(tc.call), responseEnvelope(string(b)))
		}
	}
	faults, _ := filepath.Glob(filepath.Join("testdata", "golden", "fault-*.xml"))
	for i, name := range faults {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(uint8(i%int(callCount))|0x80, faultEnvelope(string(b)))
		}
	}
	f.Add(uint8(callGet)|0x80, responseEnvelope(`<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>boom</faultstring></soapenv:Fault>`))
	f.Add(uint8(callGet), []byte(`<html>proxy error</html>`))

	now := time.Date(2026, 3, 2, 10, 0, 0, 0, ticket.Paris)
	filing := &ticket.Filing{
		CodeOC: "BYTL", CodeOI: "FTEL", TypeSAV: codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC: "REF-FUZZ", ReferencePrise: "FT-1234-5678",
		DateIncident: ticket.Date{Year: 2026, Month: time.March, Day: 1},
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO,
		Commentaire: "Pas de signal",
	}
	f.Fuzz(func(t *testing.T, sel uint8, body []byte) {
		status := http.StatusOK
		if sel&0x80 != 0 {
			status = http.StatusInternalServerError
		}
		call := clientCall(int(sel&0x7f) % int(callCount))
		c, err := NewClient(cannedDoer{status: status, body: body}, "http://oi.test/sav/v2/oi",
			ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL", Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var op Operation
		switch call {
		case callGet:
			op = OpGetTroubleTicketByKey
			tk, err := c.Get(ctx, "FTEL00000001", nil)
			if err == nil {
				checkMapsBack(t, tk)
			}
			checkClientError(t, op, err)
		case callQueryPage, callSearchPage:
			var pg *Page
			if call == callQueryPage {
				op = OpQueryTroubleTickets
				pg, err = c.QueryPage(ctx, &PageOptions{Sequence: 1})
			} else {
				op = OpGetTroubleTicketsByTemplate
				pg, err = c.SearchPage(ctx, &Filter{}, &PageOptions{Sequence: 1})
			}
			if err == nil {
				if pg.Sequence != 1 {
					t.Fatalf("page %d accepted for page 1", pg.Sequence)
				}
				for _, tk := range pg.Tickets {
					if tk == nil {
						t.Fatal("nil ticket in a page")
					}
					checkMapsBack(t, tk)
				}
			}
			checkClientError(t, op, err)
		case callCreate:
			op = OpCreateTroubleTicketByValue
			res, err := c.Create(ctx, filing, nil)
			if err == nil {
				if res.Key == "" || res.Ticket == nil || res.Ticket.ReferenceSigSAVOI != res.Key || res.Recovered ||
					res.Attempts != 1 {
					t.Fatalf("create result %+v", res)
				}
				if res.Ticket.ReferenceSigSAVRaccoOC != filing.ReferenceSigSAVRaccoOC {
					t.Fatalf("created ticket %q for %q", res.Ticket.ReferenceSigSAVRaccoOC, filing.ReferenceSigSAVRaccoOC)
				}
			}
			checkClientError(t, op, err)
		case callSet:
			op = OpSetTroubleTicketByValue
			_, err := c.Set(ctx, "FTEL00000001", ticket.Transaction{Kind: ticket.KindCOInformation, Version: 1,
				Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "x"}}, nil)
			checkClientError(t, op, err)
		case callIntrospection:
			op = OpGetManagedEntityTypes
			types, err := c.ManagedEntityTypes(ctx)
			if err == nil && types == nil {
				t.Fatal("nil types without an error")
			}
			checkClientError(t, op, err)
		}
	})
}

func checkClientError(t *testing.T, op Operation, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if !classifiedClientError(err) {
		t.Fatalf("unclassified error %T: %v", err, err)
	}
	var fe *FaultError
	if errors.As(err, &fe) {
		if fe.Op != op {
			t.Fatalf("fault of %v for a call of %v", fe.Op, op)
		}
		if fe.Error() == "" {
			t.Fatal("empty fault message")
		}
		_ = fe.Temporary()
		_ = fe.Key()
		if code, ok := ReturnCode(err); !ok || code != fe.ReturnCode() {
			t.Fatalf("ReturnCode(err) = %v, %v; the fault says %v", code, ok, fe.ReturnCode())
		}
	}
	_ = Temporary(err)
}

// checkMapsBack checks that a ticket read from a partner's value maps to a
// value that maps back to the same value.
func checkMapsBack(t *testing.T, tk *ticket.Ticket) {
	t.Helper()
	if tk == nil {
		t.Fatal("nil ticket without an error")
	}
	v1 := ValueFromTicket(tk, nil)
	b1, err := AppendTroubleTicketValue(nil, &v1, nil)
	if err != nil {
		t.Fatalf("cannot write the ticket's value: %v", err)
	}
	tk2, err := v1.Ticket(nil)
	if err != nil {
		t.Fatalf("the ticket's value does not map back: %v\n%s", err, b1)
	}
	v2 := ValueFromTicket(tk2, nil)
	b2, err := AppendTroubleTicketValue(nil, &v2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("ticket value unstable:\n%s\n%s", b1, b2)
	}
}
