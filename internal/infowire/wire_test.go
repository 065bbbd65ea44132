package infowire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap"
)

type entry struct {
	XMLName xml.Name
	Value   string `xml:"value"`
}

func TestEncodeDecode(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, &entry{XMLName: xml.Name{Local: "tns:head"}, Value: "h"},
		&entry{XMLName: xml.Name{Local: "tns:body"}, Value: "a < b & c"}))
	var headers, bodies []entry
	err := Decode(&buf, soap.Limits{}, func(d *xml.Decoder, start xml.StartElement) error {
		var e entry
		require.Equal(t, NS, start.Name.Space)
		headers = append(headers, e)
		return d.DecodeElement(&headers[len(headers)-1], &start)
	}, func(d *xml.Decoder, start xml.StartElement) error {
		var e entry
		err := d.DecodeElement(&e, &start)
		bodies = append(bodies, e)
		return err
	})
	require.NoError(t, err)
	require.Len(t, headers, 1)
	require.Equal(t, "h", headers[0].Value)
	require.Len(t, bodies, 1)
	require.Equal(t, "a < b & c", bodies[0].Value)
	require.Equal(t, xml.Name{Space: NS, Local: "body"}, bodies[0].XMLName)

	// Without a header.
	buf.Reset()
	require.NoError(t, Encode[entry](&buf, nil, &entry{XMLName: xml.Name{Local: "tns:body"}}))
	require.NotContains(t, buf.String(), "Header")
}

func TestDecodeErrors(t *testing.T) {
	const env = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">`
	tests := []struct {
		name string
		doc  string
		want func(error) bool
	}{
		{"not XML", "hello", isSyntax},
		{"wrong root", `<Envelope/>`, isSyntax},
		{"SOAP 1.2", `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>`, isSyntax},
		{"no Body", env + `<s:Header/></s:Envelope>`, isSyntax},
		{"empty Body", env + `<s:Body></s:Body></s:Envelope>`, func(err error) bool { return errors.Is(err, ErrNoBody) }},
		{"truncated entry: the entry's error", env + `<s:Body><x>`, func(err error) bool {
			var se *xml.SyntaxError
			return errors.As(err, &se)
		}},
		{"truncated Body", env + `<s:Body>`, isSyntax},
		{"unknown charset", `<?xml version="1.0" encoding="x-unknown"?>` + env + `<s:Body/></s:Envelope>`, isSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decode(strings.NewReader(tt.doc), soap.Limits{}, nil, func(d *xml.Decoder, start xml.StartElement) error { return d.Skip() })
			require.True(t, tt.want(err), "%T %v", err, err)
		})
	}
}

func isSyntax(err error) bool {
	var se *SyntaxError
	return errors.As(err, &se) && se.Error() != ""
}

func TestDecodeLatin1(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" +
		`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><v>` + "\xe9t\xe9" + `</v></s:Body></s:Envelope>`
	var got string
	err := Decode(strings.NewReader(doc), soap.Limits{}, nil, func(d *xml.Decoder, start xml.StartElement) error {
		return d.DecodeElement(&got, &start)
	})
	require.NoError(t, err)
	require.Equal(t, "été", got)
}

func TestFaultRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	f := &Fault{Code: "Client", String: `bad "value" <x>`, Actor: "oi",
		Info: &InfoFtthError{CodeRetour: "2", MessageRetour: "INFO etat ERRONEE & co"}}
	require.NoError(t, EncodeFault(&buf, f))
	require.Contains(t, buf.String(), "<faultcode>soapenv:Client</faultcode>")
	require.Contains(t, buf.String(), "<tns:infoFtthError>")
	err := Decode(&buf, soap.Limits{}, nil, nil)
	got, ok := errors.AsType[*Fault](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, f, got)
	require.Contains(t, got.Error(), "2 INFO etat ERRONEE & co")

	buf.Reset()
	require.NoError(t, EncodeFault(&buf, &Fault{Code: "Server", String: "down"}))
	err = Decode(&buf, soap.Limits{}, nil, nil)
	got, ok = errors.AsType[*Fault](err)
	require.True(t, ok)
	require.Nil(t, got.Info)
	require.Equal(t, "infowire: SOAP fault Server: down", got.Error())
}
