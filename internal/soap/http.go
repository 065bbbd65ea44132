package soap

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/opensav/savsdk/codes"
)

// HTTP binding constants.
const (
	// ContentType is the Content-Type of every message written.
	ContentType = "text/xml; charset=utf-8"
	// DefaultMaxBodySize caps request and response bodies (4 MiB).
	DefaultMaxBodySize int64 = 4 << 20
	// SOAPAction is the SOAPAction header value sent; it is ignored on
	// input (dispatch is on the body's root element).
	SOAPAction = `""`
)

// Doer sends an HTTP request; *http.Client is one.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// AcceptableContentType reports whether a Content-Type header may carry a
// SOAP 1.1 message: text/xml, application/xml, application/soap+xml (whose
// envelope namespace then decides) or no header at all.
func AcceptableContentType(v string) bool {
	if strings.TrimSpace(v) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return false
	}
	switch mt {
	case "text/xml", "application/xml", "application/soap+xml":
		return true
	}
	return false
}

// NewRequest returns a POST of a SOAP message to url with the binding's
// headers.
func NewRequest(ctx context.Context, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("SOAPAction", SOAPAction)
	req.Header.Set("Accept", "text/xml")
	return req, nil
}

// HTTPError is an HTTP response that does not carry a SOAP message: a
// status other than 200 and 500, or a body that is not XML.
type HTTPError struct {
	StatusCode  int
	Status      string
	ContentType string
	Snippet     string // the start of the body, for diagnostics
}

func (e *HTTPError) Error() string {
	s := "soap: HTTP " + e.Status
	if e.Status == "" {
		s = "soap: HTTP " + strconv.Itoa(e.StatusCode)
	}
	if e.ContentType != "" {
		s += " (" + e.ContentType + ")"
	}
	if e.Snippet != "" {
		s += ": " + strconv.Quote(e.Snippet)
	}
	return s
}

// Temporary reports whether the status says the request may succeed later:
// 408, 429, 502, 503 and 504.
func (e *HTTPError) Temporary() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// ResponseBody reads and closes the body of a response to a SOAP request.
// A 200 or 500 response with an XML content type is read up to limit bytes
// (more is an [*Error] wrapping [ErrTooLarge]); any other response is an
// [*HTTPError].
func ResponseBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	ct := resp.Header.Get("Content-Type")
	if (resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusInternalServerError) ||
		!AcceptableContentType(ct) {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		return nil, &HTTPError{StatusCode: resp.StatusCode, Status: resp.Status, ContentType: ct,
			Snippet: strings.TrimSpace(string(snippet))}
	}
	return ReadLimited(resp.Body, limit)
}

// ReadLimited reads r to its end, refusing more than limit bytes (limit <= 0
// means [DefaultMaxBodySize]).
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBodySize
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &Error{Field: "Envelope", Code: codes.ReturnCodeBadFormat,
			Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)}
	}
	return b, nil
}

// WriteResponse writes a SOAP message with the binding's headers: status
// 200 for a response, 500 for a fault (SOAP 1.1 HTTP binding).
func WriteResponse(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
