package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap/soaptest"
)

const plainNS = "urn:example:plain"

type plainEntry struct {
	XMLName xml.Name
	Value   string `xml:"value"`
}

// readPlain reads doc, collecting the header, body and detail entries.
func readPlain(doc string) (headers, bodies, details []plainEntry, f *Fault, err error) {
	collect := func(dst *[]plainEntry) ElementFunc {
		return func(d *xml.Decoder, start xml.StartElement) error {
			var e plainEntry
			if err := d.DecodeElement(&e, &start); err != nil {
				return err
			}
			*dst = append(*dst, e)
			return nil
		}
	}
	er := EnvelopeReader{Header: collect(&headers), Body: collect(&bodies), Detail: collect(&details)}
	f, err = er.ReadEnvelope(strings.NewReader(doc))
	return headers, bodies, details, f, err
}

func TestReadEnvelope(t *testing.T) {
	const env = `<e:Envelope xmlns:e="` + EnvelopeSpace + `" xmlns:p="` + plainNS + `">`
	tests := []struct {
		name            string
		doc             string
		headers, bodies []string
		fault           *Fault
		details         []string
		err             string
		errIs           error
		wantEnvelopeErr bool
	}{
		{name: "header and body entry",
			doc:     env + `<e:Header><p:H><value>h1</value></p:H><H2><value>h2</value></H2></e:Header><e:Body><p:B><value>b</value></p:B></e:Body><p:After/></e:Envelope>`,
			headers: []string{"h1", "h2"}, bodies: []string{"b"}},
		{name: "a second body entry",
			doc: env + `<e:Body><p:B><value>b</value></p:B><p:Next/></e:Body></e:Envelope>`,
			err: "more than one element in the Body: Next", errIs: ErrBody, wantEnvelopeErr: true},
		{name: "a second Body",
			doc: env + `<e:Body><p:B/></e:Body><e:Body/></e:Envelope>`,
			err: "more than one Body", errIs: ErrBody, wantEnvelopeErr: true},
		{name: "windows-1252",
			doc:    "<?xml version=\"1.0\" encoding=\"windows-1252\"?>" + env + "<e:Body><B><value>\x80</value></B></e:Body></e:Envelope>",
			bodies: []string{"€"}},
		{name: "fault with a detail and a resolved code",
			doc: env + `<e:Body><e:Fault><faultcode> e:Client </faultcode><faultstring>no</faultstring><faultactor>a</faultactor>` +
				`<detail><p:D><value>d</value></p:D></detail></e:Fault></e:Body></e:Envelope>`,
			fault:   &Fault{Code: FaultClient, String: "no", Actor: "a"},
			details: []string{"d"}},
		{name: "fault code declared on the element",
			doc:   env + `<e:Body><e:Fault><faultcode xmlns:x="urn:x">x:Busy</faultcode><faultstring/></e:Fault></e:Body></e:Envelope>`,
			fault: &Fault{Code: xml.Name{Space: "urn:x", Local: "Busy"}}},
		{name: "fault code with an unbound prefix",
			doc:   env + `<e:Body><e:Fault><faultcode>q:Server</faultcode></e:Fault></e:Body></e:Envelope>`,
			fault: &Fault{Code: xml.Name{Space: "q", Local: "Server"}}},
		{name: "DTD", doc: `<!DOCTYPE e [<!ENTITY x "y">]>` + env + `<e:Body/></e:Envelope>`,
			err: "DTDs and directives are not allowed", wantEnvelopeErr: true},
		{name: "unknown encoding", doc: `<?xml version="1.0" encoding="x-none"?>` + env + `<e:Body/></e:Envelope>`,
			err: `unsupported encoding "x-none"`, wantEnvelopeErr: true},
		{name: "wrong root", doc: `<Envelope/>`, err: "want a SOAP 1.1 Envelope", wantEnvelopeErr: true},
		{name: "SOAP 1.2", doc: `<e:Envelope xmlns:e="` + Envelope12Space + `"><e:Body/></e:Envelope>`,
			err: "want a SOAP 1.1 Envelope", wantEnvelopeErr: true},
		{name: "no Body", doc: env + `<e:Header/></e:Envelope>`, err: "envelope without a Body", wantEnvelopeErr: true},
		{name: "empty Body", doc: env + `<e:Body> </e:Body></e:Envelope>`, errIs: ErrNoBody},
		{name: "broken body entry", doc: env + `<e:Body><B></C></e:Body></e:Envelope>`, err: "reading B", wantEnvelopeErr: true},
		{name: "broken fault", doc: env + `<e:Body><e:Fault><faultcode>`, err: "reading the Fault", wantEnvelopeErr: true},
		{name: "empty", doc: ``, err: "reading the envelope", wantEnvelopeErr: true},
	}
	values := func(es []plainEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Value)
		}
		return out
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, bs, ds, f, err := readPlain(tc.doc)
			if tc.errIs != nil {
				require.ErrorIs(t, err, tc.errIs)
				if tc.err == "" {
					return
				}
			}
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				_, ok := errors.AsType[*EnvelopeError](err)
				require.Equal(t, tc.wantEnvelopeErr, ok, "%T %v", err, err)
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tc.fault, f); diff != "" {
				t.Errorf("fault (-want +got):\n%s", diff)
			}
			require.Equal(t, tc.headers, values(hs))
			require.Equal(t, tc.bodies, values(bs))
			require.Equal(t, tc.details, values(ds))
		})
	}
}

func TestReadEnvelopeCallbackError(t *testing.T) {
	want := errors.New("refused")
	er := EnvelopeReader{Body: func(d *xml.Decoder, start xml.StartElement) error { return want }}
	_, err := er.ReadEnvelope(strings.NewReader(`<e:Envelope xmlns:e="` + EnvelopeSpace + `"><e:Body><B/></e:Body></e:Envelope>`))
	require.Same(t, want, err)
}

func TestWriteEnvelopeRoundTrip(t *testing.T) {
	ns := []Namespace{{Prefix: "p", URI: plainNS}}
	var buf bytes.Buffer
	require.NoError(t, WriteEnvelope(&buf, ns,
		Marshal(&plainEntry{XMLName: xml.Name{Local: "p:H"}, Value: "a<b"}),
		Marshal(&plainEntry{XMLName: xml.Name{Local: "p:B"}, Value: `"c"`})))
	require.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<soapenv:Envelope xmlns:soapenv="`+EnvelopeSpace+`" xmlns:p="`+plainNS+`"><soapenv:Header>`+
		`<p:H><value>a&lt;b</value></p:H></soapenv:Header><soapenv:Body><p:B><value>&#34;c&#34;</value></p:B>`+
		`</soapenv:Body></soapenv:Envelope>`+"\n", buf.String())
	hs, bs, _, f, err := readPlain(buf.String())
	require.NoError(t, err)
	require.Nil(t, f)
	require.Equal(t, []plainEntry{{XMLName: xml.Name{Space: plainNS, Local: "H"}, Value: "a<b"}}, hs)
	require.Equal(t, []plainEntry{{XMLName: xml.Name{Space: plainNS, Local: "B"}, Value: `"c"`}}, bs)

	buf.Reset()
	require.NoError(t, WriteEnvelope(&buf, ns, nil, Marshal(&plainEntry{XMLName: xml.Name{Local: "p:B"}})))
	require.NotContains(t, buf.String(), "Header")

	// A failing writer leaves w untouched.
	buf.Reset()
	failing := func(io.Writer) error { return errors.New("no") }
	require.Error(t, WriteEnvelope(&buf, ns, nil, failing))
	require.Zero(t, buf.Len())
}

func TestWriteFaultRoundTrip(t *testing.T) {
	ns := []Namespace{{Prefix: "p", URI: plainNS}}
	for _, f := range []*Fault{
		{Code: FaultClient, String: "bad & <worse>", Actor: "urn:actor"},
		{Code: FaultServer, String: "down"},
		{Code: xml.Name{Space: "urn:x", Local: "Busy"}, String: "later"},
		{Code: xml.Name{Local: "Bare"}, String: "s"},
	} {
		var buf bytes.Buffer
		require.NoError(t, WriteFault(&buf, ns, f, Marshal(&plainEntry{XMLName: xml.Name{Local: "p:D"}, Value: "d"})))
		_, _, ds, got, err := readPlain(buf.String())
		require.NoError(t, err)
		if diff := cmp.Diff(f, got); diff != "" {
			t.Errorf("fault (-want +got):\n%s\n%s", diff, buf.String())
		}
		require.Equal(t, []plainEntry{{XMLName: xml.Name{Space: plainNS, Local: "D"}, Value: "d"}}, ds)
	}
}

// FuzzReadEnvelope: the plain reader never panics, and a fault it reads
// reads the same once written back.
func FuzzReadEnvelope(f *testing.F) {
	f.Add([]byte(`<e:Envelope xmlns:e="` + EnvelopeSpace + `"><e:Body><B><value>x</value></B></e:Body></e:Envelope>`))
	f.Add([]byte(`<e:Envelope xmlns:e="` + EnvelopeSpace + `"><e:Body><e:Fault><faultcode>e:Client</faultcode>` +
		`<faultstring>s</faultstring><detail><D><value>d</value></D></detail></e:Fault></e:Body></e:Envelope>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _, fault, err := readPlain(string(data))
		if err != nil || fault == nil || !soaptest.XMLClean(fault.Code.Space+fault.Code.Local+fault.String+fault.Actor) ||
			strings.ContainsAny(fault.Code.Local, ": \t\n") || fault.Code.Local == "" {
			return
		}
		var buf bytes.Buffer
		require.NoError(t, WriteFault(&buf, nil, fault, nil))
		_, _, _, again, err := readPlain(buf.String())
		require.NoError(t, err, buf.String())
		require.Equal(t, fault, again)
	})
}

func BenchmarkReadEnvelope(b *testing.B) {
	doc := `<e:Envelope xmlns:e="` + EnvelopeSpace + `" xmlns:p="` + plainNS + `"><e:Header><p:H><value>h</value></p:H></e:Header>` +
		`<e:Body><p:B><value>b</value></p:B></e:Body></e:Envelope>`
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, _, err := readPlain(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteFault(b *testing.B) {
	f := &Fault{Code: FaultClient, String: "RDV NON DISPONIBLE"}
	detail := Marshal(&plainEntry{XMLName: xml.Name{Local: "p:D"}, Value: "101"})
	ns := []Namespace{{Prefix: "p", URI: plainNS}}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteFault(&buf, ns, f, detail); err != nil {
			b.Fatal(err)
		}
	}
}

type plainDetail struct {
	Code int    `xml:"code"`
	Text string `xml:"text"`
}

func (plainDetail) Layer() string    { return "plain" }
func (d plainDetail) String() string { return strconv.Itoa(d.Code) + " " + d.Text }

func TestContract(t *testing.T) {
	c := Contract[plainDetail]{NS: plainNS, Prefix: "p", DetailName: "err"}
	var buf bytes.Buffer
	sent := &DetailFault[plainDetail]{Code: "Client", String: "no & never", Actor: "urn:a", Info: &plainDetail{Code: 7, Text: "<x>"}}
	require.NoError(t, c.WriteFault(&buf, sent))
	require.Contains(t, buf.String(), `<faultcode>soapenv:Client</faultcode>`)
	require.Contains(t, buf.String(), `<detail><p:err><code>7</code><text>&lt;x&gt;</text></p:err></detail>`)
	f, info, err := c.Read(bytes.NewReader(buf.Bytes()), Limits{}, nil, nil)
	require.NoError(t, err)
	require.Equal(t, &Fault{Code: FaultClient, String: "no & never", Actor: "urn:a"}, f)
	require.Equal(t, &plainDetail{Code: 7, Text: "<x>"}, info)
	err = c.Decode(&buf, Limits{}, nil, nil)
	got, ok := errors.AsType[*DetailFault[plainDetail]](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, sent, got)
	require.Equal(t, "plain: SOAP fault Client: 7 <x>", got.Error())

	buf.Reset()
	require.NoError(t, c.WriteFault(&buf, &DetailFault[plainDetail]{Code: "Server", String: "down"}))
	require.NotContains(t, buf.String(), "detail")
	err = c.Decode(&buf, Limits{}, nil, nil)
	got, ok = errors.AsType[*DetailFault[plainDetail]](err)
	require.True(t, ok, "%v", err)
	require.Nil(t, got.Info)
	require.Equal(t, "plain: SOAP fault Server: down", got.Error())

	buf.Reset()
	require.NoError(t, c.Write(&buf, Marshal[plainEntry](nil), Marshal(&plainEntry{XMLName: xml.Name{Local: "p:B"}, Value: "v"})))
	var entry plainEntry
	require.NoError(t, c.Decode(&buf, Limits{}, nil, func(d *xml.Decoder, start xml.StartElement) error { return d.DecodeElement(&entry, &start) }))
	require.Equal(t, plainEntry{XMLName: xml.Name{Space: plainNS, Local: "B"}, Value: "v"}, entry)
}
