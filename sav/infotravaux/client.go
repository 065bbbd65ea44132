package infotravaux

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/infowire"
	"github.com/opensav/savsdk/internal/soap"
)

// Doer sends an HTTP request; *http.Client implements it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

var _ Doer = (*http.Client)(nil)

// DefaultMaxResponseBytes caps a response body when
// Client.MaxResponseBytes is zero.
const DefaultMaxResponseBytes = 32 << 20

// Client is the OC side of the InfoTravaux FTTH web service. A Client
// implements [Source] (Search is GetInfoTravauxFTTH), so it can stand in for
// the OI's database, in a relay for instance. Fill the fields before use; a
// Client is safe for concurrent use.
type Client struct {
	// URL is the service endpoint, e.g.
	// https://oi.example/ftth/services/infoTravauxService.
	URL string
	// HTTP sends the requests; nil means http.DefaultClient. Deadlines come
	// from the context of each call.
	HTTP Doer
	// MaxResponseBytes caps a response body; zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// ResponseError is a response the client cannot use: an HTTP status
// without a SOAP fault, a body that is not the operation's answer, a value
// that cannot be read.
type ResponseError struct {
	StatusCode int // the HTTP status when it was not 2xx, else 0
	Err        error
}

func (e *ResponseError) Error() string {
	s := "infotravaux: getInfoTravauxFTTH: "
	if e.StatusCode != 0 {
		s += fmt.Sprintf("HTTP %d: ", e.StatusCode)
	}
	return s + e.Err.Error()
}

func (e *ResponseError) Unwrap() error { return e.Err }

// GetInfoTravauxFTTH calls the operation with header h and the criteria f,
// and returns the notices answered (none is an empty result, also when the
// server answers 5 AUCUN RESULTAT TROUVE). A refusal is a [*Fault]; an
// answer that cannot be used a [*ResponseError]; otherwise a transport
// error. The returned notices have no DateCreation and no Adresses: the
// contract does not carry them.
func (c *Client) GetInfoTravauxFTTH(ctx context.Context, h Header, f Filter) ([]Travaux, error) {
	var buf bytes.Buffer
	if err := infowire.Encode(&buf, wireHeader(h), wireRequest(&f)); err != nil {
		return nil, fmt.Errorf("infotravaux: encoding the request: %w", err)
	}
	max := c.MaxResponseBytes
	if max <= 0 {
		max = DefaultMaxResponseBytes
	}
	status, data, err := soap.Post(ctx, c.HTTP, c.URL, infowire.SOAPAction, buf.Bytes(), max)
	if tl, ok := errors.AsType[*soap.TooLargeError](err); ok {
		return nil, &ResponseError{StatusCode: soap.StatusIfBad(status), Err: tl}
	}
	if err != nil {
		return nil, fmt.Errorf("infotravaux: getInfoTravauxFTTH: %w", err)
	}
	ts, err := decodeResponse(status, data)
	if errors.Is(err, ErrNoResult) {
		return nil, nil
	}
	return ts, err
}

// Search implements Source by calling GetInfoTravauxFTTH.
func (c *Client) Search(ctx context.Context, h Header, f Filter) ([]Travaux, error) {
	return c.GetInfoTravauxFTTH(ctx, h, f)
}

// decodeResponse reads a response envelope: the notices, or the fault as a
// *Fault, or a *ResponseError.
func decodeResponse(status int, data []byte) ([]Travaux, error) {
	var x xResponse
	found := false
	// The answer is within the client's size cap; its elements are held to
	// the density of compact markup.
	lim := soap.Limits{}.Sized(int64(len(data)))
	err := infowire.Decode(bytes.NewReader(data), lim, nil, func(d *xml.Decoder, start xml.StartElement) error {
		if !ours(start.Name, elemResponse) {
			return fmt.Errorf("answer is {%s}%s, want %s", start.Name.Space, start.Name.Local, elemResponse)
		}
		found = true
		return d.DecodeElement(&x, &start)
	})
	if f, ok := errors.AsType[*infowire.Fault](err); ok {
		return nil, faultOf(f)
	}
	if code, err := soap.AnswerError(status, found, err); err != nil {
		return nil, &ResponseError{StatusCode: code, Err: err}
	}
	if x.ListeTravaux == nil {
		return nil, nil
	}
	out := make([]Travaux, len(x.ListeTravaux.Travaux))
	for i := range x.ListeTravaux.Travaux {
		out[i] = x.ListeTravaux.Travaux[i].travaux()
	}
	return out, nil
}

// faultOf converts a SOAP fault: the infoFtthError detail's code and
// message, else 10 with the faultstring.
func faultOf(f *infowire.Fault) *Fault {
	if f.Info != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(f.Info.CodeRetour)); err == nil && n >= 0 {
			return &Fault{Code: codes.ReturnCode(n), Message: strings.TrimSpace(f.Info.MessageRetour), SOAPCode: f.Code}
		}
	}
	msg := f.String
	if f.Info != nil && strings.TrimSpace(f.Info.MessageRetour) != "" {
		msg = strings.TrimSpace(f.Info.MessageRetour)
	}
	return &Fault{Code: codes.ReturnCodeInternal, Message: msg, SOAPCode: f.Code}
}
