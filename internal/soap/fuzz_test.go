package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// canonical lists the tokens of a fragment with names resolved and
// namespace declarations left out, so two fragments that differ only by the
// bindings they declare compare equal.
func canonical(t *testing.T, frag []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(frag))
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("fragment %q does not parse: %v", frag, err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			s := "<{" + v.Name.Space + "}" + v.Name.Local
			for _, a := range v.Attr {
				if a.Name.Space == xmlnsSpace || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				s += " {" + a.Name.Space + "}" + a.Name.Local + "=" + a.Value
			}
			out = append(out, s)
		case xml.EndElement:
			out = append(out, "</"+v.Name.Local)
		case xml.CharData:
			out = append(out, "text:"+string(v))
		case xml.Comment:
			out = append(out, "comment:"+string(v))
		}
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	f.Add([]byte(createEnvelope))
	f.Add([]byte(`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault><faultcode>e:Client</faultcode><faultstring>x</faultstring><detail><a xmlns="urn:a"/></detail></e:Fault></e:Body></e:Envelope>`))
	f.Add([]byte(`<tt:getTroubleTicketByKeyRequest xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket"/>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c1, err := decodeCapture(t, doc)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				// Callback errors are CaptureElement's, which only fails on
				// the document's own syntax.
				if !strings.Contains(err.Error(), "XML syntax error") {
					t.Fatalf("unclassified error %T: %v", err, err)
				}
			}
			return
		}
		enc1 := c1.encode(t)
		c2, err := decodeCapture(t, enc1)
		if err != nil {
			t.Fatalf("re-decoding %q: %v\nfrom %q", enc1, err, doc)
		}
		cmpMsg := func(a, b *Message) {
			a2, b2 := *a, *b
			a2.Line, b2.Line = 0, 0
			a2.EnvelopeLine, b2.EnvelopeLine, a2.HeaderLine, b2.HeaderLine = 0, 0, 0, 0
			if d := cmp.Diff(a2, b2, cmp.Comparer(func(x, y Entete) bool {
				return x.VersionProtocole == y.VersionProtocole && x.Horodatage.Equal(y.Horodatage) &&
					x.CodeOC == y.CodeOC && x.CodeOI == y.CodeOI && x.SirenOC == y.SirenOC && x.SirenOI == y.SirenOI
			})); d != "" {
				t.Fatalf("message changed (-first +second):\n%s\nfrom %q", d, doc)
			}
		}
		cmpMsg(c1.msg, c2.msg)
		if c1.body != nil {
			if d := cmp.Diff(canonical(t, c1.body), canonical(t, c2.body)); d != "" {
				t.Fatalf("body changed:\n%s", d)
			}
		}
		if len(c1.detail) != len(c2.detail) {
			t.Fatalf("%d detail entries, then %d", len(c1.detail), len(c2.detail))
		}
		for i := range c1.detail {
			if d := cmp.Diff(canonical(t, c1.detail[i]), canonical(t, c2.detail[i])); d != "" {
				t.Fatalf("detail %d changed:\n%s", i, d)
			}
		}
		// From the second pass on, the bytes are stable.
		enc2 := c2.encode(t)
		c3, err := decodeCapture(t, enc2)
		if err != nil {
			t.Fatalf("third decode: %v", err)
		}
		if enc3 := c3.encode(t); !bytes.Equal(enc2, enc3) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc2, enc3)
		}
	})
}
