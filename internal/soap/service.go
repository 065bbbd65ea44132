package soap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/opensav/savsdk/codes"
)

// This file is the HTTP side shared by the single-purpose services (Plan de
// charge SAV, InfoTravaux): the handler scaffolding around one call, the
// client's POST, and the classification of their answers.

// Service is the http.Handler scaffolding of a SOAP 1.1 service whose
// refusals are faults of type F: GET or HEAD with a wsdl query answers the
// description, other GETs 404, methods other than GET, HEAD and POST 405; a
// POST whose Content-Type is not one [AcceptableContentType] allows is
// answered 415 with a fault about Content-Type; a POST body is read up to
// MaxBodyBytes (413 beyond, 400 when unreadable, both answered with a fault
// about Envelope) and handed to Call; the answer goes out with status 200, a
// fault with 500. Fill every field; a Service holds no state of its own.
type Service[F any] struct {
	// WSDL returns the service description answered to GET ?wsdl.
	WSDL func(r *http.Request) string
	// MaxBodyBytes caps the request body; it must be positive.
	MaxBodyBytes int64
	// Call handles one request body, writing the answer envelope to out,
	// or returns the fault to answer.
	Call func(ctx context.Context, body []byte, out *bytes.Buffer) *F
	// Refused returns the fault answering a request that cannot be read:
	// field is the part at fault (Content-Type, Envelope) and msg says why.
	Refused func(field, msg string) *F
	// Fault writes the envelope of a fault to out.
	Fault func(out *bytes.Buffer, f *F)
}

// ServeHTTP implements http.Handler.
func (s *Service[F]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if _, ok := r.URL.Query()["wsdl"]; ok {
			w.Header().Set("Content-Type", ContentType)
			if r.Method == http.MethodGet {
				_, _ = io.WriteString(w, s.WSDL(r))
			}
			return
		}
		http.Error(w, "POST SOAP 1.1 requests here; GET ?wsdl for the service description", http.StatusNotFound)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if ct := r.Header.Get("Content-Type"); !AcceptableContentType(ct) {
		s.fault(w, http.StatusUnsupportedMediaType,
			s.Refused("Content-Type", fmt.Sprintf("%q is not an XML media type: want %s", ct, ContentType)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.fault(w, http.StatusRequestEntityTooLarge, s.Refused("Envelope", fmt.Sprintf("request larger than %d bytes", s.MaxBodyBytes)))
			return
		}
		s.fault(w, http.StatusBadRequest, s.Refused("Envelope", "unreadable body"))
		return
	}
	var buf bytes.Buffer
	if f := s.Call(r.Context(), body, &buf); f != nil {
		s.fault(w, http.StatusInternalServerError, f)
		return
	}
	WriteResponse(w, http.StatusOK, buf.Bytes())
}

func (s *Service[F]) fault(w http.ResponseWriter, status int, f *F) {
	var buf bytes.Buffer
	s.Fault(&buf, f)
	WriteResponse(w, status, buf.Bytes())
}

// Endpoint returns the URL a request reached (from its Host header), for the
// address a served WSDL advertises.
func Endpoint(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + r.URL.Path
}

// FaultClass returns the SOAP faultcode's local part answering return code
// c: Server for the codes that say the server failed (saturation, internal
// error, maintenance, data format, service disabled, unreachable, no
// response, SLA), Client for every other.
func FaultClass(c codes.ReturnCode) string {
	switch c {
	case codes.ReturnCodeSaturation, codes.ReturnCodeInternal, codes.ReturnCodeMaintenance,
		codes.ReturnCodeDataFormat, codes.ReturnCodeServiceDisabled, codes.ReturnCodeUnreachable,
		codes.ReturnCodeNoResponse, codes.ReturnCodeSLA:
		return "Server"
	}
	return "Client"
}

// FaultMessage returns the message of a fault with code c about field: the
// code's message followed by the formatted detail when format is not empty.
func FaultMessage(c codes.ReturnCode, field, format string, args ...any) string {
	m := c.Message(field)
	if format != "" {
		m += " - " + fmt.Sprintf(format, args...)
	}
	return m
}

// TooLargeError is a response body larger than the client accepts.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string { return fmt.Sprintf("response larger than %d bytes", e.Limit) }

// Post sends envelope to url with doer (nil means http.DefaultClient) as a
// SOAP 1.1 request whose SOAPAction is action (quoted), and returns the
// response's status and body, read up to max bytes (max must be positive).
// Errors: the request's or the transport's as they are, a read error wrapped
// ("reading the response"), and a [*TooLargeError] with the status.
func Post(ctx context.Context, doer Doer, url, action string, envelope []byte, max int64) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(envelope))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("SOAPAction", strconv.Quote(action))
	if doer == nil {
		doer = http.DefaultClient
	}
	resp, err := doer.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("reading the response: %w", err)
	}
	if int64(len(data)) > max {
		return resp.StatusCode, nil, &TooLargeError{Limit: max}
	}
	return resp.StatusCode, data, nil
}

// StatusIfBad returns status when it is not a 2xx, else 0.
func StatusIfBad(status int) int {
	if status/100 == 2 {
		return 0
	}
	return status
}

// AnswerError checks a response read with [EnvelopeReader] that was not a
// fault: err is the reader's error, status the HTTP status, found whether
// the Body held the expected answer. It returns nil for a usable answer,
// else the status to report ([StatusIfBad] for a bad envelope, the status
// for an HTTP error, 0 for a missing answer) and the cause.
func AnswerError(status int, found bool, err error) (int, error) {
	switch {
	case err != nil:
		return StatusIfBad(status), err
	case status/100 != 2:
		return status, errors.New("HTTP error without a SOAP fault")
	case !found:
		return 0, ErrNoBody
	}
	return 0, nil
}

// Refusal classifies an error of [EnvelopeReader.ReadEnvelope] that a
// single-purpose service answers with return code 3 (INFO XXXXX INCORRECTE -
// FORMAT INVALIDE): a document beyond the [Limits] (field Envelope) or a Body
// holding more than one entry (field Body); msg says why. ok is false for
// every other error.
func Refusal(err error) (field, msg string, ok bool) {
	if le, isLimit := errors.AsType[*LimitError](err); isLimit {
		return "Envelope", strings.TrimPrefix(le.Error(), "soap: "), true
	}
	if errors.Is(err, ErrBody) {
		return "Body", "the Body holds more than one element", true
	}
	return "", "", false
}
