package v2

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// seedFiles adds the golden and partner documents to a fuzz corpus (the
// committed corpus under testdata/fuzz holds the same and more).
func seedFiles(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.xml"))
	files = append(files, filepath.Join("testdata", "partner-create-windows-1252.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b)
		}
	}
}

// FuzzDecodeTroubleTicketValue checks that no input panics the decoder and
// that whatever it accepts is written back in a form that decodes to the
// same value and the same bytes.
func FuzzDecodeTroubleTicketValue(f *testing.F) {
	seedFiles(f)
	f.Add([]byte(`<tt:troubleTicketValue xmlns:tt="` + NamespaceTT + `"><tt:baseState>X</tt:baseState></tt:troubleTicketValue>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeTroubleTicketValue(bytes.NewReader(data), nil)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *DecodeError: %v", err)
			}
			return
		}
		b1, err := AppendTroubleTicketValue(nil, v, nil)
		if err != nil {
			t.Fatalf("cannot write a decoded value: %v", err)
		}
		v2, err := DecodeTroubleTicketValue(bytes.NewReader(b1), nil)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, b1)
		}
		b2, err := AppendTroubleTicketValue(nil, v2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("unstable:\n%s\n%s", b1, b2)
		}
	})
}

// FuzzDecodeBody does the same for whole message bodies, dispatched on
// their root element.
func FuzzDecodeBody(f *testing.F) {
	seedFiles(f)
	f.Add([]byte(`<co:getQueryTypesRequest xmlns:co="` + NamespaceCO + `"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, checkErr := Check(bytes.NewReader(data), nil)
		m, err := DecodeBody(bytes.NewReader(data), nil)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *DecodeError: %v", err)
			}
			return
		}
		if checkErr != nil {
			t.Fatalf("Check refuses what DecodeBody reads: %v", checkErr)
		}
		if len(doc.Findings) < len(Validate(m, nil)) {
			t.Fatalf("Check finds less than Validate: %v", doc.Findings)
		}
		b1, err := AppendBody(nil, m, nil)
		if err != nil {
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Fatalf("error is not an *EncodeError: %v", err)
			}
			return // e.g. a query without xsi:type: co:QueryValue is abstract
		}
		m2, err := DecodeBody(bytes.NewReader(b1), nil)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, b1)
		}
		b2, err := AppendBody(nil, m2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("unstable:\n%s\n%s", b1, b2)
		}
	})
}
