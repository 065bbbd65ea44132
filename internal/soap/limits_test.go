package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

// benchEnvelope is a protocol 2.0 envelope around the full ticket of the v2
// golden files (about 13 kB, 250 elements), the size of a real exchange.
func benchEnvelope(tb testing.TB) []byte {
	tb.Helper()
	body, err := os.ReadFile("../../v2/testdata/golden/get-response-full.xml")
	if err != nil {
		tb.Fatal(err)
	}
	body = bytes.TrimPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`))
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<soapenv:Envelope xmlns:soapenv="` + EnvelopeSpace + `" xmlns:sav="` + savNS + `"><soapenv:Header>`)
	b.WriteString(`<sav:entete><sav:versionProtocole>2.0</sav:versionProtocole><sav:horodatage>2026-03-02T10:00:00+01:00</sav:horodatage>`)
	b.WriteString(`<sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI></sav:entete></soapenv:Header><soapenv:Body>`)
	b.Write(bytes.TrimSpace(body))
	b.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	return b.Bytes()
}

// BenchmarkDecode is the protocol 2.0 decoding path: the envelope, the
// sav:entete and a body read token by token, as the v2 server reads it.
func BenchmarkDecode(b *testing.B) {
	doc := benchEnvelope(b)
	dc := &Decoder{HeaderSpace: savNS, Body: func(d TokenReader, start xml.StartElement) error { return d.Skip() }}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dc.Decode(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadEnvelopeLarge is the plain envelope path on the same
// document.
func BenchmarkReadEnvelopeLarge(b *testing.B) {
	doc := benchEnvelope(b)
	er := &EnvelopeReader{Body: func(d *xml.Decoder, start xml.StartElement) error { return d.Skip() }}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := er.ReadEnvelope(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}

// The tests below feed each decoder documents that only the limits refuse:
// header entries other services would skip, nested or wide beyond reason.

const otherNS = "urn:example:other"

// deepEntry is a header entry nesting n elements.
func deepEntry(n int) string {
	return `<o:deep xmlns:o="` + otherNS + `">` + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + `</o:deep>`
}

// wideEntry is a header entry carrying n attributes.
func wideEntry(n int) string {
	var b strings.Builder
	b.WriteString(`<o:wide xmlns:o="` + otherNS + `"`)
	for i := range n {
		b.WriteString(` a` + strconv.Itoa(i) + `="v"`)
	}
	b.WriteString(`/>`)
	return b.String()
}

// manyEntry is a header entry holding n empty elements.
func manyEntry(n int) string {
	return `<o:many xmlns:o="` + otherNS + `">` + strings.Repeat("<a/>", n) + `</o:many>`
}

// longEntry is a header entry whose text is n bytes long.
func longEntry(n int) string {
	return `<o:long xmlns:o="` + otherNS + `">` + strings.Repeat("x", n) + `</o:long>`
}

const v2Entete = `<sav:entete><sav:versionProtocole>2.0</sav:versionProtocole><sav:horodatage>2026-03-02T10:00:00+01:00</sav:horodatage>` +
	`<sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI></sav:entete>`

// v2Envelope is a protocol 2.0 envelope whose header holds extra after the
// sav:entete.
func v2Envelope(extra, body string) string {
	return `<soapenv:Envelope xmlns:soapenv="` + EnvelopeSpace + `" xmlns:sav="` + savNS + `"><soapenv:Header>` +
		v2Entete + extra + `</soapenv:Header><soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`
}

// plainEnvelope is a plain envelope whose header holds extra.
func plainEnvelope(extra, body string) string {
	return `<e:Envelope xmlns:e="` + EnvelopeSpace + `" xmlns:p="` + plainNS + `"><e:Header>` + extra +
		`</e:Header><e:Body>` + body + `</e:Body></e:Envelope>`
}

// beyondLimits are header entries beyond each default limit, by the name of
// the limit the error names.
var beyondLimits = []struct{ limit, entry string }{
	{"MaxDepth", deepEntry(50000)},
	{"MaxAttributes", wideEntry(50000)},
	{"MaxElements", manyEntry(300000)},
	{"MaxTokenBytes", longEntry(2 << 20)},
}

func TestDecodeRefusesBeyondLimits(t *testing.T) {
	for _, tc := range beyondLimits {
		t.Run(tc.limit, func(t *testing.T) {
			dc := &Decoder{HeaderSpace: savNS}
			_, err := dc.Decode(strings.NewReader(v2Envelope(tc.entry, `<sav:x/>`)))
			require.Error(t, err)
			se, ok := errors.AsType[*Error](err)
			require.True(t, ok, "%v", err)
			require.Equal(t, codes.ReturnCodeBadFormat, se.Code)
			require.Equal(t, FaultClient, se.FaultCode())
			require.Contains(t, err.Error(), tc.limit)
		})
	}
}

func TestReadEnvelopeRefusesBeyondLimits(t *testing.T) {
	for _, tc := range beyondLimits {
		t.Run(tc.limit, func(t *testing.T) {
			// The Header callback skips what it does not know, as the
			// services' callbacks do.
			er := &EnvelopeReader{Header: func(d *xml.Decoder, _ xml.StartElement) error { return d.Skip() }}
			_, err := er.ReadEnvelope(strings.NewReader(plainEnvelope(tc.entry, `<p:B/>`)))
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.limit)
		})
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLimitsRefuseWhileReading checks that a document beyond the limits
// is refused before the decoder builds it: reading it costs far less than
// the document itself.
func TestLimitsRefuseWhileReading(t *testing.T) {
	for _, tc := range beyondLimits[:2] {
		t.Run(tc.limit, func(t *testing.T) {
			doc := []byte(v2Envelope(tc.entry, `<sav:x/>`))
			var err error
			n := allocated(func() { _, err = (&Decoder{HeaderSpace: savNS}).Decode(bytes.NewReader(doc)) })
			require.Error(t, err)
			require.Less(t, n, uint64(len(doc)/4), "bytes allocated reading a %d-byte document", len(doc))
			doc = []byte(plainEnvelope(tc.entry, `<p:B/>`))
			n = allocated(func() { _, err = (&EnvelopeReader{}).ReadEnvelope(bytes.NewReader(doc)) })
			require.Error(t, err)
			require.Less(t, n, uint64(len(doc)/4), "bytes allocated reading a %d-byte document", len(doc))
		})
	}
}

func TestReadEnvelopeRefusesASecondBodyEntry(t *testing.T) {
	for name, body := range map[string]string{
		"two entries":       `<p:B><value>b</value></p:B><p:C/>`,
		"a fault and more":  `<e:Fault><faultcode>e:Client</faultcode><faultstring>x</faultstring></e:Fault><p:C/>`,
		"an entry, a fault": `<p:B/><e:Fault><faultcode>e:Client</faultcode><faultstring>x</faultstring></e:Fault>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, _, err := readPlain(plainEnvelope("", body))
			require.Error(t, err)
			require.Contains(t, err.Error(), "more than one element in the Body")
		})
	}
}

func TestDecodeRefusesASecondBodyEntry(t *testing.T) {
	_, err := (&Decoder{HeaderSpace: savNS}).Decode(strings.NewReader(v2Envelope("", `<sav:x/><sav:y/>`)))
	se, ok := errors.AsType[*Error](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, codes.ReturnCodeBadFormat, se.Code)
	require.ErrorIs(t, err, ErrBody)
}

const bom = "\xef\xbb\xbf"

func TestDecodersAcceptAByteOrderMark(t *testing.T) {
	for name, decl := range map[string]string{
		"no declaration": "",
		"declaration":    `<?xml version="1.0" encoding="UTF-8"?>` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			var root xml.Name
			m, err := (&Decoder{HeaderSpace: savNS, Body: func(d TokenReader, start xml.StartElement) error {
				root = start.Name
				return d.Skip()
			}}).Decode(strings.NewReader(bom + decl + v2Envelope("", `<sav:x/>`)))
			require.NoError(t, err)
			require.True(t, m.Envelope)
			require.NotNil(t, m.Header.Entete)
			require.Equal(t, xml.Name{Space: savNS, Local: "x"}, root)

			_, bodies, _, _, err := readPlain(bom + decl + plainEnvelope("", `<p:B><value>b</value></p:B>`))
			require.NoError(t, err)
			require.Equal(t, "b", bodies[0].Value)
		})
	}
	// A byte order mark anywhere else is text before the root.
	_, err := (&Decoder{HeaderSpace: savNS}).Decode(strings.NewReader(" " + bom + v2Envelope("", `<sav:x/>`)))
	require.ErrorIs(t, err, ErrSyntax)
}

func TestServiceRefusesOtherMediaTypes(t *testing.T) {
	for _, ct := range []string{"application/json", "text/plain; charset=utf-8", "multipart/form-data; boundary=x", "text/xml; charset"} {
		t.Run(ct, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/svc", strings.NewReader("x"))
			r.Header.Set("Content-Type", ct)
			testService().ServeHTTP(w, r)
			require.Equal(t, http.StatusUnsupportedMediaType, w.Code)
			require.Contains(t, w.Body.String(), "fault: ")
			require.Contains(t, w.Body.String(), "Content-Type")
		})
	}
	for _, ct := range []string{"", "text/xml", "text/xml; charset=utf-8", "application/soap+xml", "application/xml; charset=iso-8859-1"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/svc", strings.NewReader("x"))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		testService().ServeHTTP(w, r)
		require.Equal(t, http.StatusOK, w.Code, ct)
	}
}

func TestLimitsAreConfigurable(t *testing.T) {
	doc := v2Envelope(deepEntry(10), `<sav:x/>`) // the entry's innermost element is at level 13
	for _, tc := range []struct {
		name   string
		limits Limits
		refuse bool
	}{
		{"defaults", Limits{}, false},
		{"exactly", Limits{MaxDepth: 13}, false},
		{"one less", Limits{MaxDepth: 12}, true},
		{"lifted", Limits{MaxDepth: -1, MaxElements: -1, MaxAttributes: -1, MaxTokenBytes: -1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&Decoder{HeaderSpace: savNS, Limits: tc.limits}).Decode(strings.NewReader(doc))
			_, perr := (&EnvelopeReader{Limits: tc.limits}).ReadEnvelope(strings.NewReader(plainEnvelope(deepEntry(10), `<p:B/>`)))
			if !tc.refuse {
				require.NoError(t, err)
				require.NoError(t, perr)
				return
			}
			for _, err := range []error{err, perr} {
				require.ErrorIs(t, err, ErrLimit)
				le, ok := errors.AsType[*LimitError](err)
				require.True(t, ok, "%v", err)
				require.Equal(t, &LimitError{Limit: "MaxDepth", Max: 12}, le)
				se, ok := errors.AsType[*Error](err)
				require.True(t, ok, "%v", err)
				require.Equal(t, "Envelope", se.Field)
				require.Equal(t, 1, se.Line)
			}
			_, ok := errors.AsType[*EnvelopeError](perr)
			require.True(t, ok, "%T", perr)
		})
	}
}

func TestLimitsInsideCallbacks(t *testing.T) {
	// The body callback meets the limit; the error is the limit's, not
	// what the callback made of it.
	dc := &Decoder{HeaderSpace: savNS, Limits: Limits{MaxAttributes: 2}, Body: func(d TokenReader, start xml.StartElement) error {
		var v struct{}
		if err := DecodeElement(d, &v, &start); err != nil {
			return fmt.Errorf("reading the body: %v", err)
		}
		return nil
	}}
	_, err := dc.Decode(strings.NewReader(v2Envelope("", `<sav:x><sav:y a="1" b="2" c="3"/></sav:x>`)))
	le, ok := errors.AsType[*LimitError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, "MaxAttributes", le.Limit)

	// A token cut in the middle of a rune is still refused for its length.
	_, err = (&Decoder{HeaderSpace: savNS, Limits: Limits{MaxTokenBytes: 4}}).Decode(strings.NewReader(
		v2Envelope("", `<sav:x>`+"ééé"+`</sav:x>`)))
	le, ok = errors.AsType[*LimitError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, "MaxTokenBytes", le.Limit)
}

func TestLimitsAfterADeclaredEncoding(t *testing.T) {
	// The guard follows the document into its declared encoding: the
	// limits apply to what the decoder reads, from the end of the
	// declaration on.
	decl := `<?xml version="1.0" encoding="ISO-8859-1"?>`
	doc := decl + v2Envelope(deepEntry(200), "<sav:x>\xe9t\xe9</sav:x>")
	_, err := (&Decoder{HeaderSpace: savNS}).Decode(strings.NewReader(doc))
	require.ErrorIs(t, err, ErrLimit)
	_, err = (&EnvelopeReader{}).ReadEnvelope(strings.NewReader(decl + plainEnvelope(deepEntry(200), `<p:B/>`)))
	require.ErrorIs(t, err, ErrLimit)

	var got string
	m, err := (&Decoder{HeaderSpace: savNS, Body: func(d TokenReader, start xml.StartElement) error {
		return DecodeElement(d, &got, &start)
	}}).Decode(strings.NewReader(bom + decl + v2Envelope(deepEntry(20), "<sav:x>\xe9t\xe9</sav:x>")))
	require.NoError(t, err)
	require.True(t, m.Envelope)
	require.Equal(t, "été", got)
}

func TestLimitsSized(t *testing.T) {
	require.Equal(t, Limits{MaxBodyBytes: 1 << 20}, Limits{}.Sized(1<<20))
	require.Equal(t, Limits{MaxBodyBytes: 32 << 20, MaxElements: 2 << 20}, Limits{}.Sized(32<<20))
	require.Equal(t, Limits{MaxBodyBytes: 32 << 20, MaxElements: 10}, Limits{MaxElements: 10}.Sized(32<<20))
	require.Equal(t, DefaultMaxBodySize, Limits{}.BodyBytes())
	require.Equal(t, int64(10), Limits{MaxBodyBytes: 10}.BodyBytes())
	require.Equal(t, int64(math.MaxInt64), Limits{MaxBodyBytes: -1}.BodyBytes())
}

func TestRefusal(t *testing.T) {
	_, err := (&EnvelopeReader{}).ReadEnvelope(strings.NewReader(plainEnvelope(wideEntry(100), `<p:B/>`)))
	field, msg, ok := Refusal(err)
	require.True(t, ok)
	require.Equal(t, "Envelope", field)
	require.Equal(t, "XML limit exceeded: more than 64 attributes on one element (MaxAttributes 64)", msg)
	_, _, _, _, err = readPlain(plainEnvelope("", `<p:B/><p:C/>`))
	field, _, ok = Refusal(err)
	require.True(t, ok)
	require.Equal(t, "Body", field)
	_, _, _, _, err = readPlain(`<nope/>`)
	_, _, ok = Refusal(err)
	require.False(t, ok)
}
