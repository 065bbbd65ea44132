package soap

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

type testFault struct{ msg string }

func testService() *Service[testFault] {
	return &Service[testFault]{
		WSDL:         func(r *http.Request) string { return "<wsdl at=\"" + Endpoint(r) + "\"/>" },
		MaxBodyBytes: 64,
		Call: func(ctx context.Context, body []byte, out *bytes.Buffer) *testFault {
			if string(body) == "refuse" {
				return &testFault{msg: "refused"}
			}
			out.WriteString("answer to " + string(body))
			return nil
		},
		Refused: func(field, msg string) *testFault { return &testFault{msg: field + ": " + msg} },
		Fault:   func(out *bytes.Buffer, f *testFault) { out.WriteString("fault: " + f.msg) },
	}
}

func TestService(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		status                     int
		want                       string
		header                     map[string]string
	}{
		{name: "call", method: http.MethodPost, target: "/svc", body: "x", status: http.StatusOK, want: "answer to x",
			header: map[string]string{"Content-Type": ContentType, "Content-Length": "11"}},
		{name: "fault", method: http.MethodPost, target: "/svc", body: "refuse", status: http.StatusInternalServerError,
			want: "fault: refused", header: map[string]string{"Content-Type": ContentType}},
		{name: "too large", method: http.MethodPost, target: "/svc", body: strings.Repeat("a", 65),
			status: http.StatusRequestEntityTooLarge, want: "fault: Envelope: request larger than 64 bytes"},
		{name: "wsdl", method: http.MethodGet, target: "/svc?wsdl", status: http.StatusOK,
			want: `<wsdl at="http://example.com/svc"/>`, header: map[string]string{"Content-Type": ContentType}},
		{name: "wsdl head", method: http.MethodHead, target: "/svc?wsdl", status: http.StatusOK, want: ""},
		{name: "get", method: http.MethodGet, target: "/svc", status: http.StatusNotFound, want: "POST SOAP 1.1 requests here"},
		{name: "put", method: http.MethodPut, target: "/svc", status: http.StatusMethodNotAllowed, want: "method not allowed",
			header: map[string]string{"Allow": "GET, HEAD, POST"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			testService().ServeHTTP(w, httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body)))
			require.Equal(t, tc.status, w.Code)
			if tc.want == "" {
				require.Empty(t, w.Body.String())
			} else {
				require.Contains(t, w.Body.String(), tc.want)
			}
			for k, v := range tc.header {
				require.Equal(t, v, w.Header().Get(k), k)
			}
		})
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken") }

func TestServiceUnreadableBody(t *testing.T) {
	w := httptest.NewRecorder()
	testService().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/svc", errReader{}))
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Equal(t, "fault: Envelope: unreadable body", w.Body.String())
}

func TestEndpoint(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "https://oi.example/a/b?wsdl", nil)
	require.Equal(t, "https://oi.example/a/b", Endpoint(r))
	r.Host = ""
	r.TLS = nil
	require.Equal(t, "http://localhost/a/b", Endpoint(r))
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestPost(t *testing.T) {
	var got *http.Request
	var sent []byte
	answer := func(status int, body string) Doer {
		return doerFunc(func(r *http.Request) (*http.Response, error) {
			got = r
			sent, _ = io.ReadAll(r.Body)
			return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}}, nil
		})
	}
	status, data, err := Post(context.Background(), answer(http.StatusOK, "<ok/>"), "http://oi.example/s", "op", []byte("<req/>"), 5)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "<ok/>", string(data))
	require.Equal(t, "<req/>", string(sent))
	require.Equal(t, http.MethodPost, got.Method)
	require.Equal(t, ContentType, got.Header.Get("Content-Type"))
	require.Equal(t, `"op"`, got.Header.Get("SOAPAction"))

	_, _, err = Post(context.Background(), answer(http.StatusOK, ""), "http://oi.example/s", "", nil, 5)
	require.NoError(t, err)
	require.Equal(t, `""`, got.Header.Get("SOAPAction"))

	status, _, err = Post(context.Background(), answer(http.StatusInternalServerError, "<long/>"), "http://oi.example/s", "", nil, 5)
	tl, ok := errors.AsType[*TooLargeError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, int64(5), tl.Limit)
	require.Equal(t, http.StatusInternalServerError, status)

	broken := doerFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(errReader{})}, nil
	})
	_, _, err = Post(context.Background(), broken, "http://oi.example/s", "", nil, 5)
	require.ErrorContains(t, err, "reading the response: broken")

	_, _, err = Post(context.Background(), nil, "::bad", "", nil, 5)
	require.Error(t, err)
}

func TestAnswerError(t *testing.T) {
	bad := errors.New("bad")
	tests := []struct {
		name   string
		status int
		found  bool
		err    error
		code   int
		want   error
	}{
		{"usable", 200, true, nil, 0, nil},
		{"bad envelope in a 200", 200, false, bad, 0, bad},
		{"bad envelope in a 502", 502, false, bad, 502, bad},
		{"HTTP error", 503, true, nil, 503, nil},
		{"no answer", 200, false, nil, 0, ErrNoBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, err := AnswerError(tc.status, tc.found, tc.err)
			require.Equal(t, tc.code, code)
			switch {
			case tc.want != nil:
				require.ErrorIs(t, err, tc.want)
			case tc.status/100 != 2:
				require.ErrorContains(t, err, "HTTP error without a SOAP fault")
			default:
				require.NoError(t, err)
			}
		})
	}
}

func TestFaultClassAndMessage(t *testing.T) {
	require.Equal(t, "Server", FaultClass(codes.ReturnCodeInternal))
	require.Equal(t, "Server", FaultClass(codes.ReturnCodeSaturation))
	require.Equal(t, "Client", FaultClass(codes.ReturnCodeMissing))
	require.Equal(t, codes.ReturnCodeMissing.Message("x"), FaultMessage(codes.ReturnCodeMissing, "x", ""))
	require.Equal(t, codes.ReturnCodeMissing.Message("x")+" - 3 left", FaultMessage(codes.ReturnCodeMissing, "x", "%d left", 3))
}

func BenchmarkService(b *testing.B) {
	s := testService()
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/svc", strings.NewReader("x")))
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
