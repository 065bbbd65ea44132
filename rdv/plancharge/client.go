package plancharge

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/rdvwire"
	"github.com/opensav/savsdk/internal/soap"
)

// Doer sends an HTTP request; *http.Client implements it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

var _ Doer = (*http.Client)(nil)

// DefaultMaxResponseBytes caps a response body when
// Client.MaxResponseBytes is zero.
const DefaultMaxResponseBytes = 8 << 20

// Client is the OC side of the Plan de charge SAV web service. Each method
// sends one SOAP 1.1 request with the EnteteType header built from the
// client's fields and returns the result, a [*Fault] when the server answers
// an rdvErreur (compare with errors.Is against [ErrRdvNonDisponible]), or a
// transport error. A Client implements [Planning], so it can stand in for a
// planning. Fill the fields before use; a Client is safe for concurrent use.
type Client struct {
	// URL is the service endpoint.
	URL string
	// HTTP sends the requests; nil means http.DefaultClient. Deadlines come
	// from the context of each call.
	HTTP Doer
	// VersionWS, SirenOC and SirenOI fill the header.
	VersionWS string
	SirenOC   string
	SirenOI   string
	// Now is the clock of horodatageRequete; nil means time.Now.
	Now func() time.Time
	// MaxResponseBytes caps a response body; zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

var _ Planning = (*Client)(nil)

// DefaultVersionWS is the versionWS a Client sends when VersionWS is empty.
const DefaultVersionWS = "1.0"

// Search calls rechercheCreneauxLibres.
func (c *Client) Search(ctx context.Context, r SearchRequest) ([]Creneau, error) {
	var x xSearchReponse
	if err := call(ctx, c, OpRechercheCreneauxLibres, wireSearch(r), elemSearchReponse, &x); err != nil {
		return nil, err
	}
	return x.creneaux(), nil
}

// Book calls reservationCreneau and returns the appointment id
// (idRendezvous).
func (c *Client) Book(ctx context.Context, r BookRequest) (string, error) {
	var x xBookReponse
	req := &xBook{XMLName: tns(elemBook), NatureProduit: r.NatureProduit, SegmentMarche: r.SegmentMarche,
		CodeInsee: r.CodeInsee, IdCreneau: r.IdCreneau}
	if err := call(ctx, c, OpReservationCreneau, req, elemBookReponse, &x); err != nil {
		return "", err
	}
	id := strings.TrimSpace(x.IdRendezvous)
	if id == "" {
		return "", &ResponseError{Op: OpReservationCreneau, Err: errors.New("empty idRendezvous")}
	}
	return id, nil
}

// Consult calls consultationRdv.
func (c *Client) Consult(ctx context.Context, r ConsultRequest) (Rendezvous, error) {
	var x xConsultReponse
	req := &xConsult{XMLName: tns(elemConsult), IdRendezVous: r.IdRendezVous}
	if err := call(ctx, c, OpConsultationRdv, req, elemConsultReponse, &x); err != nil {
		return Rendezvous{}, err
	}
	return x.rendezvous(), nil
}

// Report calls reportRDV. The contract's answer is empty, so the returned id
// is always "": for NOUVEAU_RDV the new appointment id reaches the OC through
// the ticket.
func (c *Client) Report(ctx context.Context, r ReportRequest) (string, error) {
	var x xReportReponse
	return "", call(ctx, c, OpReportRDV, wireReport(r), elemReportReponse, &x)
}

// ResponseError is a response the client cannot use: an HTTP status
// without a SOAP fault, a body that is not the operation's answer.
type ResponseError struct {
	Op         Operation
	StatusCode int
	Err        error
}

func (e *ResponseError) Error() string {
	s := "plancharge: " + e.Op.String() + ": "
	if e.StatusCode != 0 {
		s += fmt.Sprintf("HTTP %d: ", e.StatusCode)
	}
	return s + e.Err.Error()
}

func (e *ResponseError) Unwrap() error { return e.Err }

func (c *Client) header() *xEntete {
	v := c.VersionWS
	if v == "" {
		v = DefaultVersionWS
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return wireEntete(Entete{VersionWS: v, HorodatageRequete: now(), SirenOC: c.SirenOC, SirenOI: c.SirenOI})
}

// call sends body and decodes the answer element want into out.
func call[B, R any](ctx context.Context, c *Client, op Operation, body *B, want string, out *R) error {
	var buf bytes.Buffer
	if err := rdvwire.Encode(&buf, c.header(), body); err != nil {
		return fmt.Errorf("plancharge: %v: encoding the request: %w", op, err)
	}
	max := c.MaxResponseBytes
	if max <= 0 {
		max = DefaultMaxResponseBytes
	}
	status, data, err := soap.Post(ctx, c.HTTP, c.URL, "", buf.Bytes(), max)
	if tl, ok := errors.AsType[*soap.TooLargeError](err); ok {
		return &ResponseError{Op: op, StatusCode: status, Err: tl}
	}
	if err != nil {
		return fmt.Errorf("plancharge: %v: %w", op, err)
	}
	return decodeResponse(op, status, data, want, out)
}

// decodeResponse reads a response envelope: the answer element want into
// out, or the fault as a *Fault.
func decodeResponse[R any](op Operation, status int, data []byte, want string, out *R) error {
	found := false
	var h *Entete
	// The answer is within the client's size cap; its elements are held to
	// the density of compact markup.
	lim := soap.Limits{}.Sized(int64(len(data)))
	err := rdvwire.Decode(bytes.NewReader(data), lim, decodeEntete(&h), func(d *xml.Decoder, start xml.StartElement) error {
		if start.Name.Local != want {
			return fmt.Errorf("answer is %s, want %s", start.Name.Local, want)
		}
		found = true
		return d.DecodeElement(out, &start)
	})
	if f, ok := errors.AsType[*rdvwire.Fault](err); ok {
		return faultOf(f)
	}
	if code, err := soap.AnswerError(status, found, err); err != nil {
		return &ResponseError{Op: op, StatusCode: code, Err: err}
	}
	return nil
}

// faultOf converts a SOAP fault: the rdvErreur detail's code and message,
// else 10 with the faultstring.
func faultOf(f *rdvwire.Fault) *Fault {
	if f.Info != nil {
		return &Fault{Code: codes.ReturnCode(f.Info.CodeErreur), Message: strings.TrimSpace(f.Info.MessageErreur),
			SOAPCode: f.Code}
	}
	return &Fault{Code: codes.ReturnCodeInternal, Message: f.String, SOAPCode: f.Code}
}
