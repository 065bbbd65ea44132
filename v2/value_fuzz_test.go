package v2

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// maxStreamValues bounds the values one fuzz input may yield, so that a
// reader that never ends fails instead of hanging.
const maxStreamValues = 1 << 12

// streamAll reads every value of doc with a ValueReader. It returns the
// values, the reader (for Op, Sequence, EndOfReply) and the error that
// stopped it (nil at io.EOF). It checks that errors are sticky and that
// io.EOF repeats.
func streamAll(t *testing.T, doc []byte) ([]TroubleTicketValue, *ValueReader, error) {
	t.Helper()
	vr := NewValueReader(bytes.NewReader(doc), nil)
	var out []TroubleTicketValue
	for range maxStreamValues {
		v, err := vr.Read()
		if errors.Is(err, io.EOF) {
			if v != nil {
				t.Fatalf("a value with io.EOF: %+v", v)
			}
			if _, again := vr.Read(); !errors.Is(again, io.EOF) {
				t.Fatalf("Read after io.EOF returned %v", again)
			}
			return out, vr, nil
		}
		if err != nil {
			if v != nil {
				t.Fatalf("a value with error %v", err)
			}
			if _, again := vr.Read(); again != err {
				t.Fatalf("error not sticky: %v, then %v", err, again)
			}
			return out, vr, err
		}
		if v == nil {
			t.Fatal("nil value without an error")
		}
		out = append(out, *v)
	}
	t.Fatalf("more than %d values", maxStreamValues)
	return nil, nil, nil
}

// FuzzValueReader reads arbitrary documents with the streaming reader of
// search and query responses. It must not panic and must fail only with a
// *DecodeError; it must read what DecodeBody reads (same sequence and
// endOfReply, the batch decoder's values ending the stream: a repeated
// troubleTicketValues replaces the batch decoder's list and extends the
// stream); each value must write and read back to the same bytes; and the
// values written again through a ValueWriter must stream back equal.
func FuzzValueReader(f *testing.F) {
	for _, name := range []string{"query-response.xml", "query-response-empty.xml", "search-response.xml"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "golden", name)); err == nil {
			f.Add(b)
		}
	}
	ns := `xmlns:tt="` + NamespaceTT + `" xmlns:co="` + NamespaceCO + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`
	f.Add([]byte(`<tt:getTroubleTicketsByTemplateResponse ` + ns + `><co:sequence>1</co:sequence><co:endOfReply>true</co:endOfReply>` +
		`<tt:troubleTicketValues><tt:item xsi:nil="true"/><tt:item><tt:dialog>d</tt:dialog></tt:item></tt:troubleTicketValues>` +
		`</tt:getTroubleTicketsByTemplateResponse>`))
	f.Add([]byte(`<tt:queryTroubleTicketsResponse ` + ns + `><co:sequence>0</co:sequence><co:endOfReply>true</co:endOfReply>` +
		`<tt:troubleTicketValues xsi:nil="true"/></tt:queryTroubleTicketsResponse>`))
	f.Add([]byte(`<tt:queryTroubleTicketsResponse ` + ns + `><tt:troubleTicketValues><tt:item><tt:dialog>a</tt:dialog></tt:item>` +
		`</tt:troubleTicketValues><co:sequence>3</co:sequence><tt:troubleTicketValues><tt:item><tt:dialog>b</tt:dialog></tt:item>` +
		`</tt:troubleTicketValues></tt:queryTroubleTicketsResponse>`))
	f.Add([]byte(`<co:getQueryTypesRequest xmlns:co="` + NamespaceCO + `"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		values, vr, err := streamAll(t, data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *DecodeError: %T %v", err, err)
			}
		}

		// The batch decoder reads the same elements, and checks the
		// trailer besides: what it accepts, the stream accepts.
		if m, berr := DecodeBody(bytes.NewReader(data), nil); berr == nil {
			var seq int32
			var end bool
			var batch Field[[]Field[TroubleTicketValue]]
			switch m := m.(type) {
			case *QueryTroubleTicketsResponse:
				seq, end, batch = m.Sequence, m.EndOfReply, m.Values
			case *GetTroubleTicketsByTemplateResponse:
				seq, end, batch = m.Sequence, m.EndOfReply, m.Values
			default:
				if err == nil {
					t.Fatalf("the stream reads a %T", m)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeBody reads the response, the stream fails: %v", err)
			}
			if vr.Op != m.Operation() || vr.Sequence != seq || vr.EndOfReply != end {
				t.Fatalf("stream %v/%d/%v, batch %v/%d/%v", vr.Op, vr.Sequence, vr.EndOfReply, m.Operation(), seq, end)
			}
			want := Values(batch.Value)
			if len(want) > len(values) {
				t.Fatalf("batch has %d values, stream %d", len(want), len(values))
			}
			if d := cmp.Diff(want, values[len(values)-len(want):], cmpopts.EquateEmpty()); d != "" {
				t.Fatalf("batch values are not the end of the stream (-batch +stream):\n%s", d)
			}
		}
		if err != nil {
			return
		}

		for i := range values {
			b1, err := AppendTroubleTicketValue(nil, &values[i], nil)
			if err != nil {
				t.Fatalf("cannot write value %d: %v", i, err)
			}
			v2, err := DecodeTroubleTicketValue(bytes.NewReader(b1), nil)
			if err != nil {
				t.Fatalf("cannot read value %d back: %v\n%s", i, err, b1)
			}
			b2, err := AppendTroubleTicketValue(nil, v2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1, b2) {
				t.Fatalf("value %d unstable:\n%s\n%s", i, b1, b2)
			}
		}

		// Written again as a page, the values stream back equal.
		var page bytes.Buffer
		vw, err := NewValueWriter(&page, vr.Op, vr.Sequence, vr.EndOfReply, nil)
		if err != nil {
			t.Fatalf("NewValueWriter(%v): %v", vr.Op, err)
		}
		for i := range values {
			if err := vw.Write(&values[i]); err != nil {
				t.Fatalf("write value %d: %v", i, err)
			}
		}
		if err := vw.Close(); err != nil {
			t.Fatal(err)
		}
		again, vr2, err := streamAll(t, page.Bytes())
		if err != nil {
			t.Fatalf("the written page does not stream: %v\n%s", err, page.Bytes())
		}
		if vr2.Op != vr.Op || vr2.Sequence != vr.Sequence || vr2.EndOfReply != vr.EndOfReply {
			t.Fatalf("page %v/%d/%v read back as %v/%d/%v", vr.Op, vr.Sequence, vr.EndOfReply, vr2.Op, vr2.Sequence,
				vr2.EndOfReply)
		}
		if len(again) != len(values) {
			t.Fatalf("%d values written, %d read back", len(values), len(again))
		}
		for i := range values {
			b1, _ := AppendTroubleTicketValue(nil, &values[i], nil)
			b2, err := AppendTroubleTicketValue(nil, &again[i], nil)
			if err != nil || !bytes.Equal(b1, b2) {
				t.Fatalf("value %d changed in the page (%v):\n%s\n%s", i, err, b1, b2)
			}
		}
		if _, err := DecodeBody(bytes.NewReader(page.Bytes()), nil); err != nil {
			t.Fatalf("the written page does not decode in batch: %v", err)
		}
	})
}
