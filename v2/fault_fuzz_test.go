package v2

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeFaultDetail reads arbitrary documents as a SOAP fault's detail.
// It must not panic and must fail only with a *DecodeError; what it accepts
// names an operation or carries a sav:erreur; a detail it reads that can be
// written again reads back with the same operation, exception kind, message,
// key and sav:erreur (a key without co:type gets the default one), and
// writes the same bytes.
func FuzzDecodeFaultDetail(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "fault-*.xml"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	ns := `xmlns:tt="` + NamespaceTT + `" xmlns:co="` + NamespaceCO + `" xmlns:sav="` + DefaultNamespaceSAV + `"`
	f.Add([]byte(`<detail><sav:erreur ` + ns + `><sav:codeRetour>10</sav:codeRetour><sav:messageRetour>x</sav:messageRetour></sav:erreur></detail>`))
	f.Add([]byte(`<detail><co:getQueryTypesException ` + ns + `><co:remoteException><co:message>m</co:message></co:remoteException></co:getQueryTypesException></detail>`))
	f.Add([]byte(`<detail><tt:setTroubleTicketByValueException ` + ns + `/></detail>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeFaultDetail(bytes.NewReader(data), nil)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *DecodeError: %T %v", err, err)
			}
			if e != nil {
				t.Fatalf("an exception with error %v", err)
			}
			return
		}
		if !e.Op.Valid() && e.Erreur == nil {
			t.Fatalf("accepted a detail without exception nor sav:erreur: %+v", e)
		}
		_ = e.ReturnCode()
		b1, err := MarshalFaultDetail(e, nil, "")
		if err != nil {
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Fatalf("error is not an *EncodeError: %T %v", err, err)
			}
			return // e.g. a sav:erreur without exception, or a kind the operation does not raise
		}
		e2, err := DecodeFaultDetail(bytes.NewReader(b1), nil)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, b1)
		}
		if e2.Op != e.Op || e2.Message != e.Message {
			t.Fatalf("%v %q read back as %v %q\n%s", e.Op, e.Message, e2.Op, e2.Message, b1)
		}
		if e.Kind != 0 && e2.Kind != e.Kind {
			t.Fatalf("kind %v read back as %v", e.Kind, e2.Kind)
		}
		// A key written without co:type gets the profile's default one.
		defaultType := cmp.Transformer("defaultKeyType", func(k TroubleTicketKey) TroubleTicketKey {
			if k.Type == "" {
				k.Type = DefaultKeyType
			}
			return k
		})
		if d := cmp.Diff(e.Erreur, e2.Erreur, defaultType); d != "" {
			t.Fatalf("sav:erreur changed (-first +second):\n%s", d)
		}
		if e2.Kind == ResyncRequiredException && e.Key != nil && e.Kind == ResyncRequiredException {
			if d := cmp.Diff(e.Key, e2.Key, defaultType); d != "" {
				t.Fatalf("key changed (-first +second):\n%s", d)
			}
		}
		if e2.ReturnCode() != e.ReturnCode() {
			t.Fatalf("return code %v read back as %v", e.ReturnCode(), e2.ReturnCode())
		}
		b2, err := MarshalFaultDetail(e2, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("unstable:\n%s\n%s", b1, b2)
		}
	})
}
