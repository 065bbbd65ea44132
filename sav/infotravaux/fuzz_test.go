package infotravaux

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/opensav/savsdk/internal/infowire"
)

// FuzzDecodeRequest: whatever the body, the server's decoder does not
// panic; a request it reads re-encodes to the same header and criteria; the
// server answers it with a response or a fault the client can read.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		envOpen + `<soapenv:Header><InfoTravauxFTTHHeader><supplierID>987654321</supplierID><serviceProviderID>123456789</serviceProviderID></InfoTravauxFTTHHeader></soapenv:Header><soapenv:Body><inf:getInfoTravauxFTTHRequest><type>TP</type></inf:getInfoTravauxFTTHRequest></soapenv:Body></soapenv:Envelope>`,
	} {
		f.Add([]byte(seed))
	}
	src := &MemSource{}
	for _, tr := range sampleTravaux() {
		if err := src.Put(tr); err != nil {
			f.Fatal(err)
		}
	}
	srv := &Server{Source: src}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := decodeRequest(data, Limits{})
		if err == nil {
			var buf bytes.Buffer
			var h *xHeader
			if q.header != nil {
				h = wireHeader(*q.header)
			}
			if err := infowire.Encode(&buf, h, wireRequest(&q.filter)); err != nil {
				t.Fatalf("re-encoding: %v", err)
			}
			again, err := decodeRequest(buf.Bytes(), Limits{})
			if err != nil {
				t.Fatalf("re-reading %q: %v", buf.Bytes(), err)
			}
			if diff := cmp.Diff(q.header, again.header); diff != "" {
				t.Fatalf("header (-first +again):\n%s", diff)
			}
			if diff := cmp.Diff(q.filter, again.filter, cmpTime, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("filter (-first +again):\n%s", diff)
			}
		}
		var out bytes.Buffer
		if fault := srv.serve(t.Context(), data, &out); fault != nil {
			if fault.Code < 0 || fault.Text() == "" {
				t.Fatalf("fault without a code or message: %+v", fault)
			}
			return
		}
		if _, err := decodeResponse(200, out.Bytes()); err != nil {
			t.Fatalf("the server's answer does not read back: %v\n%s", err, out.Bytes())
		}
	})
}

// FuzzDecodeResponse: whatever the answer, the client's decoder does not
// panic and returns notices, a *Fault or a *ResponseError; notices it reads
// re-encode to the same notices.
func FuzzDecodeResponse(f *testing.F) {
	var buf bytes.Buffer
	if err := infowire.Encode[xHeader](&buf, nil, wireResponse(sampleTravaux())); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := decodeResponse(200, data)
		if err != nil {
			_, isFault := errors.AsType[*Fault](err)
			_, isResp := errors.AsType[*ResponseError](err)
			if !isFault && !isResp {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		var out bytes.Buffer
		if err := infowire.Encode[xHeader](&out, nil, wireResponse(ts)); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		again, err := decodeResponse(200, out.Bytes())
		if err != nil {
			t.Fatalf("re-reading: %v\n%s", err, out.Bytes())
		}
		if diff := cmp.Diff(ts, again, cmpTime, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("notices (-first +again):\n%s", diff)
		}
	})
}
