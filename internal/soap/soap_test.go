package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/opensav/savsdk/codes"
)

const savNS = "urn:savsdk:sav:2.0"

// captured decodes a document, capturing the body and the detail entries as
// standalone fragments.
type captured struct {
	msg    *Message
	body   []byte
	detail [][]byte
}

func decodeCapture(t testing.TB, doc []byte) (*captured, error) {
	t.Helper()
	c := &captured{}
	dc := &Decoder{
		HeaderSpace: savNS,
		Body: func(d TokenReader, start xml.StartElement) error {
			b, err := CaptureElement(d, start)
			c.body = b
			return err
		},
		Detail: func(d TokenReader, start xml.StartElement) error {
			b, err := CaptureElement(d, start)
			c.detail = append(c.detail, b)
			return err
		},
	}
	m, err := dc.Decode(bytes.NewReader(doc))
	c.msg = m
	return c, err
}

var enc = &Encoder{HeaderSpace: savNS}

func (c *captured) encode(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	switch {
	case !c.msg.Envelope:
		b.Write(c.body)
	case c.msg.Fault != nil:
		var detail WriteFunc
		if len(c.detail) > 0 {
			detail = func(w io.Writer) error {
				for _, d := range c.detail {
					if _, err := w.Write(d); err != nil {
						return err
					}
				}
				return nil
			}
		}
		require.NoError(t, enc.EncodeFault(&b, c.msg.Header, *c.msg.Fault, detail))
	default:
		var body WriteFunc
		if c.body != nil {
			body = func(w io.Writer) error { _, err := w.Write(c.body); return err }
		}
		require.NoError(t, enc.Encode(&b, c.msg.Header, body))
	}
	return b.Bytes()
}

const createEnvelope = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket"
    xmlns:s="urn:savsdk:sav:2.0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <soapenv:Header>
    <s:entete>
      <s:versionProtocole>2.0</s:versionProtocole>
      <s:horodatage>2026-03-02T10:15:00+01:00</s:horodatage>
      <s:codeOC>BYTL</s:codeOC>
      <s:codeOI>FTEL</s:codeOI>
      <s:sirenOC>123456789</s:sirenOC>
    </s:entete>
    <x:trace xmlns:x="urn:example:trace">abc</x:trace>
  </soapenv:Header>
  <soapenv:Body>
    <tt:createTroubleTicketByValueRequest>
      <tt:troubleTicketValue xsi:type="s:SAVTroubleTicketValue">
        <tt:customerTroubleNum>BYTL-0001</tt:customerTroubleNum>
        <s:codeOC>BYTL</s:codeOC>
      </tt:troubleTicketValue>
    </tt:createTroubleTicketByValueRequest>
  </soapenv:Body>
</soapenv:Envelope>
`

func TestDecodeEnvelope(t *testing.T) {
	c, err := decodeCapture(t, []byte(createEnvelope))
	require.NoError(t, err)
	want := &Message{
		Envelope: true,
		Header: Header{Entete: &Entete{
			VersionProtocole: "2.0",
			Horodatage:       time.Date(2026, 3, 2, 10, 15, 0, 0, time.FixedZone("", 3600)),
			CodeOC:           "BYTL", CodeOI: "FTEL", SirenOC: "123456789",
		}},
		Root:         xml.Name{Space: "http://java.sun.com/products/oss/xml/TroubleTicket", Local: "createTroubleTicketByValueRequest"},
		Line:         17,
		EnvelopeLine: 5,
		HeaderLine:   6,
	}
	require.Equal(t, 7, c.msg.Header.Entete.Line)
	require.Equal(t, map[string]int{"versionProtocole": 8, "horodatage": 9, "codeOC": 10, "codeOI": 11, "sirenOC": 12},
		c.msg.Header.Entete.Lines)
	if d := cmp.Diff(want, c.msg, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
		cmpopts.IgnoreFields(Entete{}, "Line", "Lines")); d != "" {
		t.Errorf("message (-want +got):\n%s", d)
	}
	require.NoError(t, c.msg.Header.Entete.Check())

	// The fragment declares the bindings the envelope gave it, so the
	// xsi:type QName still resolves.
	frag := string(c.body)
	for _, s := range []string{`xmlns:s="urn:savsdk:sav:2.0"`, `xmlns:xsi=`, `xmlns:tt=`, `xsi:type="s:SAVTroubleTicketValue"`,
		`<s:codeOC>BYTL</s:codeOC>`} {
		require.Contains(t, frag, s)
	}
	var v struct {
		Value struct {
			Type string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
			Num  string `xml:"http://java.sun.com/products/oss/xml/TroubleTicket customerTroubleNum"`
			OC   string `xml:"urn:savsdk:sav:2.0 codeOC"`
		} `xml:"http://java.sun.com/products/oss/xml/TroubleTicket troubleTicketValue"`
	}
	require.NoError(t, xml.Unmarshal(c.body, &v))
	require.Equal(t, "BYTL-0001", v.Value.Num)
	require.Equal(t, "BYTL", v.Value.OC)
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	h := Header{
		Entete: &Entete{VersionProtocole: "2.0", Horodatage: time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC),
			CodeOC: "BYTL", CodeOI: "FTEL", SirenOI: "380129866"},
		Pagination: &Pagination{Sequence: 3},
	}
	body := `<tt:queryTroubleTicketsRequest xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket"><tt:howMany>10</tt:howMany></tt:queryTroubleTicketsRequest>`
	var b bytes.Buffer
	require.NoError(t, enc.Encode(&b, h, func(w io.Writer) error {
		_, err := io.WriteString(w, `<?xml version="1.0"?>`+"\n"+body)
		return err
	}))
	require.NotContains(t, b.String()[10:], "<?xml", "the body's declaration is dropped")
	c, err := decodeCapture(t, b.Bytes())
	require.NoError(t, err)
	require.Equal(t, 3, c.msg.Header.Pagination.Sequence)
	require.True(t, h.Entete.Horodatage.Equal(c.msg.Header.Entete.Horodatage))
	require.Equal(t, "380129866", c.msg.Header.Entete.SirenOI)
	require.Contains(t, string(c.body), "<tt:howMany>10</tt:howMany>")
}

func TestFaultRoundTrip(t *testing.T) {
	h := Header{Entete: &Entete{VersionProtocole: "2.0", Horodatage: time.Now(), CodeOC: "BYTL", CodeOI: "FTEL"}}
	for _, code := range []xml.Name{FaultClient, FaultServer, {Space: "urn:x", Local: "Custom"}, {Local: "Bare"}} {
		f := Fault{Code: code, String: "INFO codeOC OBLIGATOIRE <&>", Actor: "urn:actor"}
		var b bytes.Buffer
		require.NoError(t, enc.EncodeFault(&b, h, f, func(w io.Writer) error {
			_, err := io.WriteString(w, `<tt:getTroubleTicketByKeyException xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket"><tt:objectNotFoundException/></tt:getTroubleTicketByKeyException>`)
			return err
		}))
		if code.Space == EnvelopeSpace {
			require.Contains(t, b.String(), "<faultcode>soapenv:"+code.Local+"</faultcode>")
		}
		c, err := decodeCapture(t, b.Bytes())
		require.NoError(t, err)
		require.NotNil(t, c.msg.Fault)
		require.Equal(t, f, *c.msg.Fault)
		require.Len(t, c.detail, 1)
		require.Contains(t, string(c.detail[0]), "objectNotFoundException")
	}
}

func TestFaultClass(t *testing.T) {
	for _, tc := range []struct {
		code xml.Name
		want string
	}{
		{FaultClient, "Client"}, {FaultServer, "Server"}, {xml.Name{Space: EnvelopeSpace, Local: "Client.Authentication"}, "Client"},
		{xml.Name{Local: "Server"}, "Server"}, {xml.Name{Space: "urn:x", Local: "Client"}, ""}, {FaultMustUnderstand, "MustUnderstand"},
		{xml.Name{Space: EnvelopeSpace, Local: "Other"}, ""},
	} {
		f := Fault{Code: tc.code}
		require.Equal(t, tc.want, f.Class(), "%v", tc.code)
	}
}

func TestDecodeFaultcodeByNamespace(t *testing.T) {
	// The prefix is whatever the sender chose; only the namespace counts.
	doc := `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault xmlns:zz="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>zz:Server</faultcode><faultstring>boom</faultstring><detail>text<a:x xmlns:a="urn:a"/></detail></e:Fault></e:Body></e:Envelope>`
	c, err := decodeCapture(t, []byte(doc))
	require.NoError(t, err)
	require.Equal(t, FaultServer, c.msg.Fault.Code)
	require.Equal(t, `<a:x xmlns:a="urn:a" xmlns:zz="http://schemas.xmlsoap.org/soap/envelope/" `+
		`xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"></a:x>`, string(c.detail[0]))
}

func TestDecodeBareMessage(t *testing.T) {
	doc := `<tt:getTroubleTicketByKeyRequest xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket"><tt:troubleTicketKey/></tt:getTroubleTicketByKeyRequest>`
	c, err := decodeCapture(t, []byte(doc))
	require.NoError(t, err)
	require.False(t, c.msg.Envelope)
	require.Nil(t, c.msg.Header.Entete)
	require.Equal(t, "getTroubleTicketByKeyRequest", c.msg.Root.Local)
}

func TestDecodeCharset(t *testing.T) {
	body := `<?xml version="1.0" encoding="ISO-8859-1"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><x:a xmlns:x="urn:x">Élagage prévu</x:a></soapenv:Body></soapenv:Envelope>`
	latin, err := charmap.ISO8859_1.NewEncoder().String(body)
	require.NoError(t, err)
	c, err := decodeCapture(t, []byte(latin))
	require.NoError(t, err)
	require.Equal(t, `<x:a xmlns:x="urn:x" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">Élagage prévu</x:a>`,
		string(c.body))
}

func TestDecodeErrors(t *testing.T) {
	env := func(header, body string) string {
		return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sav="urn:savsdk:sav:2.0">` +
			header + `<soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`
	}
	for _, tc := range []struct {
		name  string
		doc   string
		is    error
		field string
		code  codes.ReturnCode
		fault xml.Name
	}{
		{"empty", "", ErrSyntax, "Envelope", 1, FaultClient},
		{"not xml", "hello", ErrSyntax, "", 3, FaultClient},
		{"truncated", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`, ErrSyntax, "", 3, FaultClient},
		{"mismatched", env("", "<a></b>"), ErrSyntax, "", 3, FaultClient},
		{"dtd", `<!DOCTYPE x [<!ENTITY a "b">]>` + env("", "<a/>"), ErrSyntax, "", 3, FaultClient},
		{"trailing", env("", "<a/>") + "<b/>", ErrSyntax, "", 3, FaultClient},
		{"soap12", `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`, ErrVersionMismatch, "Envelope", 3, FaultVersionMismatch},
		{"no body", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"></soapenv:Envelope>`, ErrBody, "Body", 1, FaultClient},
		{"empty body", env("", ""), ErrBody, "Body", 1, FaultClient},
		{"two elements", env("", "<a/><b/>"), ErrBody, "b", 3, FaultClient},
		{"text in body", env("", "hello<a/>"), ErrBody, "Body", 3, FaultClient},
		{"header after body", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><a/></soapenv:Body><soapenv:Header/></soapenv:Envelope>`, ErrSyntax, "Header", 3, FaultClient},
		{"must understand", env(`<soapenv:Header><w:sec xmlns:w="urn:wss" soapenv:mustUnderstand="1"/></soapenv:Header>`, "<a/>"), ErrMustUnderstand, "sec", 11, FaultMustUnderstand},
		{"bad horodatage", env(`<soapenv:Header><sav:entete><sav:horodatage>hier</sav:horodatage></sav:entete></soapenv:Header>`, "<a/>"), ErrHeader, "horodatage", 3, FaultClient},
		{"two entete", env(`<soapenv:Header><sav:entete/><sav:entete/></soapenv:Header>`, "<a/>"), ErrHeader, "entete", 3, FaultClient},
		{"nested in leaf", env(`<soapenv:Header><sav:entete><sav:codeOC><b/></sav:codeOC></sav:entete></soapenv:Header>`, "<a/>"), ErrHeader, "codeOC", 3, FaultClient},
		{"bad sequence", env(`<soapenv:Header><sav:pagination><sav:sequence>-1</sav:sequence></sav:pagination></soapenv:Header>`, "<a/>"), ErrHeader, "sequence", 3, FaultClient},
		{"no sequence", env(`<soapenv:Header><sav:pagination/></soapenv:Header>`, "<a/>"), ErrHeader, "sequence", 1, FaultClient},
		{"fault without code", env("", `<soapenv:Fault><faultstring>x</faultstring></soapenv:Fault>`), ErrBody, "faultcode", 1, FaultClient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeCapture(t, []byte(tc.doc))
			require.Error(t, err)
			require.ErrorIs(t, err, tc.is)
			var se *Error
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.field, se.Field, "%v", err)
			require.Equal(t, tc.code, se.Code)
			require.Equal(t, tc.fault, se.FaultCode())
		})
	}
}

func TestUnknownHeaderEntriesSkipped(t *testing.T) {
	doc := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><w:sec xmlns:w="urn:wss" soapenv:mustUnderstand="0"><w:x/></w:sec></soapenv:Header><soapenv:Body><a/></soapenv:Body><x:after xmlns:x="urn:x"/></soapenv:Envelope>`
	c, err := decodeCapture(t, []byte(doc))
	require.NoError(t, err)
	require.Nil(t, c.msg.Header.Entete)
	require.Equal(t, "a", c.msg.Root.Local)
}

func TestEnteteCheck(t *testing.T) {
	ok := Entete{VersionProtocole: "2.0", Horodatage: time.Now(), CodeOC: "BYTL", CodeOI: "FTEL"}
	for _, tc := range []struct {
		mod   func(*Entete)
		field string
		code  codes.ReturnCode
	}{
		{func(e *Entete) {}, "", 0},
		{func(e *Entete) { e.VersionProtocole = "" }, "versionProtocole", 1},
		{func(e *Entete) { e.CodeOC = "" }, "codeOC", 1},
		{func(e *Entete) { e.CodeOI = " " }, "codeOI", 1},
		{func(e *Entete) { e.Horodatage = time.Time{} }, "horodatage", 1},
		{func(e *Entete) { e.CodeOC = "bytl" }, "codeOC", 3},
		{func(e *Entete) { e.CodeOI = "FTELX" }, "codeOI", 3},
		{func(e *Entete) { e.SirenOC = "12" }, "sirenOC", 3},
		{func(e *Entete) { e.SirenOI = "12345678A" }, "sirenOI", 3},
		{func(e *Entete) { e.Line, e.Lines = 4, map[string]int{"codeOC": 6}; e.CodeOC = "x" }, "codeOC", 3},
	} {
		e := ok
		tc.mod(&e)
		err := e.Check()
		if tc.code == 0 {
			require.NoError(t, err)
			continue
		}
		var se *Error
		require.ErrorAs(t, err, &se)
		require.ErrorIs(t, err, ErrHeader)
		require.Equal(t, tc.field, se.Field)
		require.Equal(t, tc.code, se.Code)
		require.Contains(t, se.Error(), tc.field)
		if e.Line != 0 {
			require.Equal(t, 6, se.Line)
		}
	}
	bad := Entete{Line: 3, Lines: map[string]int{"codeOI": 5}, CodeOI: "ftel", SirenOC: "1"}
	var got []string
	for _, err := range bad.CheckAll() {
		got = append(got, fmt.Sprintf("%d:%s:%d", err.Line, err.Field, err.Code))
	}
	require.Equal(t, []string{"3:versionProtocole:1", "3:horodatage:1", "3:codeOC:1", "5:codeOI:3", "3:sirenOC:3"}, got)
}

func TestCallbackErrorsPassThrough(t *testing.T) {
	boom := errors.New("boom")
	dc := &Decoder{HeaderSpace: savNS, Body: func(d TokenReader, start xml.StartElement) error { return boom }}
	_, err := dc.Decode(strings.NewReader(`<a/>`))
	require.Same(t, boom, err)

	dc.Body = func(d TokenReader, start xml.StartElement) error {
		_, err := d.Token()
		return err
	}
	_, err = dc.Decode(strings.NewReader(`<a><b></a>`))
	require.ErrorIs(t, err, ErrSyntax)
}

func TestCaptureElementPrefixes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<a xmlns="urn:d"><b/><c xmlns=""/></a>`, `<a xmlns="urn:d"><b></b><c xmlns=""></c></a>`},
		{`<p:a xmlns:p="urn:p" xml:lang="fr" p:k="v&amp;&quot;"><!--c--><?pi x?><![CDATA[<x>]]></p:a>`,
			`<p:a xmlns:p="urn:p" xml:lang="fr" p:k="v&amp;&#34;"><!--c-->&lt;x&gt;</p:a>`},
		{`<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:q"><p:c/></p:b></p:a>`, `<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:q"><p:c></p:c></p:b></p:a>`},
		{`<a xmlns="urn:d" xmlns:x="urn:d" x:k="1"/>`, `<a xmlns="urn:d" xmlns:x="urn:d" x:k="1"></a>`},
	} {
		d := xml.NewDecoder(strings.NewReader(tc.in))
		tok, err := d.Token()
		require.NoError(t, err)
		got, err := CaptureElement(d, tok.(xml.StartElement))
		require.NoError(t, err)
		require.Equal(t, tc.want, string(got))
	}
	// A name in a namespace without a binding gets a generated prefix.
	d := xml.NewDecoder(strings.NewReader(`<a/>`))
	_, _ = d.Token()
	got, err := CaptureElement(d, xml.StartElement{Name: xml.Name{Space: "urn:z", Local: "a"},
		Attr: []xml.Attr{{Name: xml.Name{Space: xmlnsSpace, Local: "ns1"}, Value: "urn:other"}}})
	require.NoError(t, err)
	require.Equal(t, `<ns2:a xmlns:ns1="urn:other" xmlns:ns2="urn:z"></ns2:a>`, string(got))
}

func TestReadLimited(t *testing.T) {
	b, err := ReadLimited(strings.NewReader("12345"), 5)
	require.NoError(t, err)
	require.Equal(t, "12345", string(b))
	_, err = ReadLimited(strings.NewReader("123456"), 5)
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestMaxBytesReaderIsTooLarge(t *testing.T) {
	rec := httptest.NewRecorder()
	r := http.MaxBytesReader(rec, io.NopCloser(strings.NewReader(createEnvelope)), 100)
	_, err := (&Decoder{HeaderSpace: savNS}).Decode(r)
	require.ErrorIs(t, err, ErrTooLarge)
	var se *Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, codes.ReturnCodeBadFormat, se.Code)
}

func TestAcceptableContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"": true, "text/xml": true, "text/xml; charset=utf-8": true, "application/soap+xml; charset=utf-8": true,
		"application/xml": true, "application/json": false, "text/xml; charset": false, "multipart/related": false,
	} {
		require.Equal(t, want, AcceptableContentType(ct), ct)
	}
}

func TestHTTPPlumbing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			require.Equal(t, ContentType, r.Header.Get("Content-Type"))
			require.Equal(t, `""`, r.Header.Get("SOAPAction"))
			WriteResponse(w, http.StatusOK, []byte("<a/>"))
		case "/fault":
			WriteResponse(w, http.StatusInternalServerError, []byte("<f/>"))
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "<html>proxy error</html>")
		default:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	do := func(path string) ([]byte, error) {
		req, err := NewRequest(t.Context(), srv.URL+path, []byte("<x/>"))
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		return ResponseBody(resp, 0)
	}
	b, err := do("/ok")
	require.NoError(t, err)
	require.Equal(t, "<a/>", string(b))
	b, err = do("/fault")
	require.NoError(t, err)
	require.Equal(t, "<f/>", string(b))
	_, err = do("/html")
	var he *HTTPError
	require.ErrorAs(t, err, &he)
	require.Equal(t, 500, he.StatusCode)
	require.False(t, he.Temporary())
	require.Contains(t, he.Error(), "proxy error")
	_, err = do("/busy")
	require.ErrorAs(t, err, &he)
	require.True(t, he.Temporary())
}

func TestParseDateTime(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	got, err := ParseDateTime("2026-07-01T08:00:00", paris)
	require.NoError(t, err)
	require.Equal(t, "2026-07-01T08:00:00+02:00", FormatDateTime(got))
	got, err = ParseDateTime("2026-07-01T08:00:00.5Z", paris)
	require.NoError(t, err)
	require.Equal(t, "2026-07-01T08:00:00.5Z", FormatDateTime(got))
	_, err = ParseDateTime("2026-07-01", paris)
	require.Error(t, err)
}

func TestHeaderCallback(t *testing.T) {
	stop := errors.New("stop")
	var seen *Header
	bodyCalled := false
	dc := &Decoder{HeaderSpace: savNS,
		Header: func(h *Header) error { seen = h; return stop },
		Body: func(d TokenReader, start xml.StartElement) error {
			bodyCalled = true
			return d.Skip()
		}}
	_, err := dc.Decode(strings.NewReader(createEnvelope))
	require.Same(t, stop, err)
	require.False(t, bodyCalled, "the header callback runs before the body")
	require.Equal(t, "BYTL", seen.Entete.CodeOC)

	dc.Header = func(h *Header) error { seen = h; return nil }
	_, err = dc.Decode(strings.NewReader(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><a/></soapenv:Body></soapenv:Envelope>`))
	require.NoError(t, err)
	require.True(t, bodyCalled)
	require.Nil(t, seen.Entete)
}
