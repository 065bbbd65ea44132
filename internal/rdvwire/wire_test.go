package rdvwire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/internal/soap/soaptest"
)

type entry struct {
	XMLName xml.Name
	Value   string `xml:"value"`
}

func decodeAll(t testing.TB, doc string) (headers, bodies []entry, err error) {
	t.Helper()
	collect := func(dst *[]entry) Entry {
		return func(d *xml.Decoder, start xml.StartElement) error {
			var e entry
			if err := d.DecodeElement(&e, &start); err != nil {
				return err
			}
			*dst = append(*dst, e)
			return nil
		}
	}
	err = Decode(strings.NewReader(doc), soap.Limits{}, collect(&headers), collect(&bodies))
	return headers, bodies, err
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name          string
		doc           string
		headers, body []string
		err           string
	}{
		{name: "prefixes declared on the envelope",
			doc: `<e:Envelope xmlns:e="` + EnvelopeNS + `" xmlns:p="` + NS + `"><e:Header><p:H><value>h</value></p:H></e:Header>` +
				`<e:Body><p:B><p:value>b</p:value></p:B></e:Body><p:Ignored/></e:Envelope>`,
			headers: []string{"h"}, body: []string{"b"}},
		{name: "a second body entry",
			doc: `<e:Envelope xmlns:e="` + EnvelopeNS + `" xmlns:p="` + NS + `"><e:Body><p:B><p:value>b</p:value></p:B><p:B/></e:Body></e:Envelope>`,
			err: "more than one element in the Body"},
		{name: "a byte order mark", doc: "\xef\xbb\xbf<?xml version=\"1.0\"?><e:Envelope xmlns:e=\"" + EnvelopeNS +
			"\"><e:Body><B><value>b</value></B></e:Body></e:Envelope>", body: []string{"b"}},
		{name: "no header, comments and a declaration",
			doc:  `<?xml version="1.0"?><!-- c --><Envelope xmlns="` + EnvelopeNS + `"><Body><B xmlns=""><value> b </value></B></Body></Envelope>`,
			body: []string{" b "}},
		{name: "latin-1", doc: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><e:Envelope xmlns:e=\"" + EnvelopeNS +
			"\"><e:Body><B><value>\xe9t\xe9</value></B></e:Body></e:Envelope>", body: []string{"été"}},
		{name: "other encoding", doc: `<?xml version="1.0" encoding="EBCDIC"?><e:Envelope xmlns:e="` + EnvelopeNS + `"/>`,
			err: "unsupported encoding"},
		{name: "not SOAP", doc: `<Envelope/>`, err: "want a SOAP 1.1 Envelope"},
		{name: "no body", doc: `<e:Envelope xmlns:e="` + EnvelopeNS + `"><e:Header/></e:Envelope>`, err: "without a Body"},
		{name: "empty body", doc: `<e:Envelope xmlns:e="` + EnvelopeNS + `"><e:Body> </e:Body></e:Envelope>`, err: "empty SOAP Body"},
		{name: "truncated", doc: `<e:Envelope xmlns:e="` + EnvelopeNS + `"><e:Body><B>`, err: "offset"},
		{name: "empty", doc: ``, err: "reading the envelope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, bs, err := decodeAll(t, tc.doc)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, h := range hs {
				got = append(got, h.Value)
			}
			require.Equal(t, tc.headers, got)
			got = nil
			for _, b := range bs {
				got = append(got, b.Value)
			}
			require.Equal(t, tc.body, got)
		})
	}
}

func TestFaultRoundTrip(t *testing.T) {
	for _, f := range []*Fault{
		{Code: "Client", String: "RDV NON DISPONIBLE & <co>", Info: &InfoErreur{CodeErreur: 101, MessageErreur: "RDV NON DISPONIBLE"}},
		{Code: "Server", String: "down", Actor: "http://oi.example/rdv"},
	} {
		var buf bytes.Buffer
		require.NoError(t, EncodeFault(&buf, f))
		_, _, err := decodeAll(t, buf.String())
		got, ok := errors.AsType[*Fault](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, f, got)
		require.Contains(t, got.Error(), f.Code)
	}
}

func TestEncode(t *testing.T) {
	var buf bytes.Buffer
	h := &entry{XMLName: xml.Name{Local: Prefix + ":H"}, Value: "a<b"}
	b := &entry{XMLName: xml.Name{Local: Prefix + ":B"}, Value: "c"}
	require.NoError(t, Encode(&buf, h, b))
	hs, bs, err := decodeAll(t, buf.String())
	require.NoError(t, err)
	require.Equal(t, []entry{{XMLName: xml.Name{Space: NS, Local: "H"}, Value: "a<b"}}, hs)
	require.Equal(t, []entry{{XMLName: xml.Name{Space: NS, Local: "B"}, Value: "c"}}, bs)
	buf.Reset()
	require.NoError(t, Encode[entry](&buf, nil, b))
	require.NotContains(t, buf.String(), "Header")
}

func TestSyntaxError(t *testing.T) {
	_, _, err := decodeAll(t, `<e:Envelope xmlns:e="`+EnvelopeNS+`"><e:Body><B></C></e:Body></e:Envelope>`)
	se, ok := errors.AsType[*SyntaxError](err)
	require.True(t, ok, "%v", err)
	require.Positive(t, se.Offset)
	require.NotNil(t, errors.Unwrap(se))
}

// FuzzDecode: the envelope reader never panics, and a fault it reads reads
// the same once written back.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`<e:Envelope xmlns:e="` + EnvelopeNS + `"><e:Body><B><value>x</value></B></e:Body></e:Envelope>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := decodeAll(t, string(data))
		fault, ok := errors.AsType[*Fault](err)
		if !ok || !soaptest.XMLClean(fault.Code+fault.String+fault.Actor) || (fault.Info != nil && !soaptest.XMLClean(fault.Info.MessageErreur)) {
			return
		}
		var buf bytes.Buffer
		require.NoError(t, EncodeFault(&buf, fault))
		_, _, err = decodeAll(t, buf.String())
		again, ok := errors.AsType[*Fault](err)
		require.True(t, ok, "%v\n%s", err, buf.String())
		require.Equal(t, fault, again)
	})
}

func BenchmarkDecode(b *testing.B) {
	doc := `<e:Envelope xmlns:e="` + EnvelopeNS + `" xmlns:p="` + NS + `"><e:Header><p:H><value>h</value></p:H></e:Header>` +
		`<e:Body><p:B><value>b</value></p:B></e:Body></e:Envelope>`
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := decodeAll(b, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeFault(b *testing.B) {
	f := &Fault{Code: "Client", String: "RDV NON DISPONIBLE", Info: &InfoErreur{CodeErreur: 101, MessageErreur: "RDV NON DISPONIBLE"}}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := EncodeFault(&buf, f); err != nil {
			b.Fatal(err)
		}
	}
}
