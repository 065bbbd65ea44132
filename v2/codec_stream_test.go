package v2

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestValueWriterMatchesBatchEncoder(t *testing.T) {
	values := []Field[TroubleTicketValue]{Some(ValueFromTicket(fixtureTicket(), nil)),
		Some(ValueFromTicket(fixtureClosedTicket(), nil))}
	var buf bytes.Buffer
	vw, err := NewValueWriter(&buf, OpQueryTroubleTickets, 2, false, nil)
	require.NoError(t, err)
	for i := range values {
		require.NoError(t, vw.Write(&values[i].Value))
	}
	require.NoError(t, vw.Close())
	require.NoError(t, vw.Close(), "Close is idempotent")
	require.Error(t, vw.Write(&values[0].Value))
	want, err := AppendBody(nil, &QueryTroubleTicketsResponse{Sequence: 2, Values: Some(values)}, nil)
	require.NoError(t, err)
	require.Equal(t, string(want), buf.String())

	_, err = NewValueWriter(&buf, OpSetTroubleTicketByValue, 0, true, nil)
	require.Error(t, err)
}

func TestValueReader(t *testing.T) {
	b, err := os.ReadFile("testdata/golden/query-response.xml")
	require.NoError(t, err)
	m, err := DecodeBody(bytes.NewReader(b), nil)
	require.NoError(t, err)
	want := Values(m.(*QueryTroubleTicketsResponse).Values.Value)

	vr := NewValueReader(bytes.NewReader(b), nil)
	var got []TroubleTicketValue
	for {
		v, err := vr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		got = append(got, *v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	require.Equal(t, OpQueryTroubleTickets, vr.Op)
	require.Equal(t, int32(2), vr.Sequence)
	require.False(t, vr.EndOfReply)
	_, err = vr.Read()
	require.ErrorIs(t, err, io.EOF)

	// Nil items are skipped, an empty page has no value.
	doc := `<tt:getTroubleTicketsByTemplateResponse ` + nsDecl + `><co:sequence>1</co:sequence><co:endOfReply>true</co:endOfReply>
<tt:troubleTicketValues><tt:item xsi:nil="true"/><tt:item><tt:dialog>d</tt:dialog></tt:item></tt:troubleTicketValues></tt:getTroubleTicketsByTemplateResponse>`
	vr = NewValueReader(strings.NewReader(doc), nil)
	v, err := vr.Read()
	require.NoError(t, err)
	require.Equal(t, Some("d"), v.Dialog)
	require.True(t, vr.EndOfReply)
	_, err = vr.Read()
	require.ErrorIs(t, err, io.EOF)
	vr = NewValueReader(strings.NewReader(`<tt:queryTroubleTicketsResponse `+nsDecl+`><co:sequence>0</co:sequence><co:endOfReply>true</co:endOfReply><tt:troubleTicketValues xsi:nil="true"/></tt:queryTroubleTicketsResponse>`), nil)
	_, err = vr.Read()
	require.ErrorIs(t, err, io.EOF)

	vr = NewValueReader(strings.NewReader(`<co:getQueryTypesRequest xmlns:co="`+NamespaceCO+`"/>`), nil)
	_, err = vr.Read()
	require.ErrorIs(t, err, ErrUnknownMessage)
	_, err = vr.Read()
	require.ErrorIs(t, err, ErrUnknownMessage, "errors are sticky")
}

func TestValueReaderAt(t *testing.T) {
	b, err := os.ReadFile("testdata/golden/search-response.xml")
	require.NoError(t, err)
	d := NewXMLDecoder(bytes.NewReader(b))
	r := newReader(d, nil)
	start, err := r.root()
	require.NoError(t, err)
	vr, err := NewValueReaderAt(d, start, nil)
	require.NoError(t, err)
	v, err := vr.Read()
	require.NoError(t, err)
	require.Equal(t, "FTEL-SAV-0000123", v.TroubleTicketKey.Value.PrimaryKey)
	_, err = vr.Read()
	require.ErrorIs(t, err, io.EOF)
}

// BenchmarkValueReader reads a page of 100 values one at a time.
func BenchmarkValueReader(b *testing.B) {
	var buf bytes.Buffer
	vw, err := NewValueWriter(&buf, OpQueryTroubleTickets, 0, true, nil)
	if err != nil {
		b.Fatal(err)
	}
	v := ValueFromTicket(fixtureTicket(), nil)
	for range 100 {
		if err := vw.Write(&v); err != nil {
			b.Fatal(err)
		}
	}
	if err := vw.Close(); err != nil {
		b.Fatal(err)
	}
	doc := buf.Bytes()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		vr := NewValueReader(bytes.NewReader(doc), nil)
		n := 0
		for {
			_, err := vr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100 {
			b.Fatal(n)
		}
	}
}
