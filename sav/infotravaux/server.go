package infotravaux

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/infowire"
	"github.com/opensav/savsdk/internal/soap"
)

// DefaultMaxBodyBytes caps a request body when Server.MaxBodyBytes and
// Server.Limits.MaxBodyBytes are zero.
const DefaultMaxBodyBytes = 1 << 20

// Limits are the XML limits every SOAP service of the SDK applies to what
// it reads: nesting depth, number of elements, attributes per element,
// token length (internal/soap Limits: zero fields take the defaults, 100
// levels, 262,144 elements, 64 attributes, 1 MiB; negative ones lift the
// limit). A request beyond them is refused with fault 3 on Envelope as soon
// as the offending byte is read.
type Limits = soap.Limits

// DefaultMaxResults caps the notices of one answer when Server.MaxResults is
// zero.
const DefaultMaxResults = 10000

// Server is the OI side of the InfoTravaux FTTH web service, an
// http.Handler to mount on the embedder's mux (SAVCTL.md serves it at
// /ftth/services/infoTravauxService). POST requests are SOAP 1.1
// getInfoTravauxFTTH calls; GET with a wsdl query ("?wsdl") returns the
// service description ([WSDL]) with its address set to the request's URL.
//
// For each call the server reads the InfoTravauxFTTHHeader (qualified or
// not; fault 1 without it) and checks it with CheckHeader, checks the
// criteria and the search window ([Filter.Check]), asks the Source, keeps
// the notices of the calling OC that match, checks each against the schema
// ([Travaux.Check]) and answers them. A refusal is an infoFtthError fault
// (HTTP 500, faultcode Client for the caller's errors, Server otherwise).
// Fill the fields before serving; a Server is safe for concurrent use.
type Server struct {
	// Source holds the OI's works notices; required.
	Source Source
	// SupplierID, when set, is the OI's own SIREN: a request naming another
	// supplierID is refused with 8 INFO supplierID INCONNUE.
	SupplierID string
	// CheckHeader accepts or refuses a request's header after the
	// SupplierID rule, returning a *Fault (other errors are answered 12
	// ERREUR AUTHENTIFICATION). Nil means CheckSIRENs.
	CheckHeader func(ctx context.Context, h Header) error
	// Window is the search-window rule of the date criteria (three months
	// by default).
	Window Window
	// MaxResults caps the notices of one answer: more is refused with 7
	// SEUIL DE SATURATION DEPASSE. Zero means DefaultMaxResults.
	MaxResults int
	// FaultOnNoResult answers 5 AUCUN RESULTAT TROUVE instead of an empty
	// listeTravaux when nothing matches.
	FaultOnNoResult bool
	// MaxBodyBytes caps the request body; zero means Limits.MaxBodyBytes,
	// and DefaultMaxBodyBytes when that is zero too.
	MaxBodyBytes int64
	// Limits bounds the XML of a request; the zero value means the
	// defaults.
	Limits Limits
	// Logger receives the Source errors that are not faults (answered 10
	// ERREUR SI INTERNE) and the notices that break the schema (answered 18);
	// nil logs nothing.
	Logger *slog.Logger
}

var _ http.Handler = (*Server)(nil)

// CheckSIRENs is the default header rule: supplierID and serviceProviderID
// present (1) and nine-digit SIRENs (3).
func CheckSIRENs(h Header) error {
	for _, v := range []struct{ field, value string }{
		{"supplierID", h.SupplierID}, {"serviceProviderID", h.ServiceProviderID},
	} {
		if v.value == "" {
			return Faultf(codes.ReturnCodeMissing, v.field, "")
		}
		if codes.ValidSIREN(v.value) != nil {
			return Faultf(codes.ReturnCodeBadFormat, v.field, "%q is not a nine-digit SIREN", v.value)
		}
	}
	return nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	max := s.MaxBodyBytes
	switch {
	case max > 0:
	case s.Limits.MaxBodyBytes != 0:
		max = s.Limits.BodyBytes()
	default:
		max = DefaultMaxBodyBytes
	}
	svc := soap.Service[Fault]{WSDL: wsdl, MaxBodyBytes: max, Call: s.serve, Refused: refused, Fault: writeFault}
	svc.ServeHTTP(w, r)
}

func wsdl(r *http.Request) string { return WSDL(soap.Endpoint(r)) }

// refused is the fault answering a request that cannot be read.
func refused(field, msg string) *Fault { return Faultf(codes.ReturnCodeBadFormat, field, "%s", msg) }

// request is a decoded getInfoTravauxFTTH call.
type request struct {
	header *Header
	filter Filter
	found  bool // the body held getInfoTravauxFTTHRequest
}

// decodeRequest reads a request envelope within lim. Errors:
// *infowire.SyntaxError (not an envelope, a second body entry, beyond lim),
// *DateTimeError (a criterion date), *Fault 22 (another body entry).
func decodeRequest(body []byte, lim soap.Limits) (request, error) {
	var q request
	err := infowire.Decode(bytes.NewReader(body), lim,
		func(d *xml.Decoder, start xml.StartElement) error {
			if !ours(start.Name, elemHeader) || q.header != nil {
				return d.Skip()
			}
			var x xHeader
			if err := d.DecodeElement(&x, &start); err != nil {
				return &infowire.SyntaxError{Offset: d.InputOffset(), Msg: "reading " + elemHeader, Err: err}
			}
			h := x.header()
			q.header = &h
			return nil
		},
		func(d *xml.Decoder, start xml.StartElement) error {
			if !ours(start.Name, elemRequest) {
				return Faultf(codes.ReturnCodeBadInterface, "", "the Body holds {%s}%s, want %s",
					start.Name.Space, start.Name.Local, elemRequest)
			}
			var x xRequest
			if err := d.DecodeElement(&x, &start); err != nil {
				return &infowire.SyntaxError{Offset: d.InputOffset(), Msg: "reading " + elemRequest, Err: err}
			}
			q.found = true
			f, err := x.filter()
			q.filter = f
			return err
		})
	if err == nil && !q.found {
		err = infowire.ErrNoBody
	}
	return q, err
}

// serve handles one request envelope and writes the response envelope to
// out, or returns the fault to answer.
func (s *Server) serve(ctx context.Context, body []byte, out *bytes.Buffer) *Fault {
	q, err := decodeRequest(body, s.Limits)
	if err != nil {
		if field, msg, ok := soap.Refusal(err); ok {
			return refused(field, msg)
		}
		if f, ok := errors.AsType[*Fault](err); ok {
			return f
		}
		if de, ok := errors.AsType[*DateTimeError](err); ok {
			return Faultf(codes.ReturnCodeBadFormat, de.Field, "%q is not an xs:dateTime", de.Value)
		}
		return Faultf(codes.ReturnCodeBadInterface, "", "%v", err)
	}
	if q.header == nil {
		return Faultf(codes.ReturnCodeMissing, elemHeader, "")
	}
	h := *q.header
	if err := s.checkHeader(ctx, h); err != nil {
		if f, ok := errors.AsType[*Fault](err); ok {
			return f
		}
		return Faultf(codes.ReturnCodeAuthentication, "", "")
	}
	if err := q.filter.Check(s.Window); err != nil {
		f, _ := asFault(err)
		return f
	}
	found, err := s.Source.Search(ctx, h, q.filter)
	if err != nil {
		return s.asFault(ctx, err)
	}
	kept := found[:0:0]
	for i := range found {
		t := &found[i]
		if t.ServiceProviderID != h.ServiceProviderID || !q.filter.Match(t) {
			continue
		}
		if err := t.Check(); err != nil {
			if s.Logger != nil {
				s.Logger.ErrorContext(ctx, "infotravaux: the source returned a notice that breaks the schema",
					"reference", t.Reference, "error", err)
			}
			return Faultf(codes.ReturnCodeDataFormat, "", "")
		}
		kept = append(kept, *t)
	}
	if max := s.maxResults(); len(kept) > max {
		return Faultf(codes.ReturnCodeSaturation, "", "%d notices match, at most %d are answered", len(kept), max)
	}
	if len(kept) == 0 && s.FaultOnNoResult {
		return Faultf(codes.ReturnCodeNoResult, "", "")
	}
	if err := infowire.Encode[xHeader](out, nil, wireResponse(kept)); err != nil {
		return s.asFault(ctx, fmt.Errorf("encoding the response: %w", err))
	}
	return nil
}

func (s *Server) maxResults() int {
	if s.MaxResults > 0 {
		return s.MaxResults
	}
	return DefaultMaxResults
}

func (s *Server) asFault(ctx context.Context, err error) *Fault {
	f, internal := asFault(err)
	if internal && s.Logger != nil {
		s.Logger.ErrorContext(ctx, "infotravaux: search failed", "error", err)
	}
	return f
}

func (s *Server) checkHeader(ctx context.Context, h Header) error {
	if s.SupplierID != "" && h.SupplierID != s.SupplierID {
		if h.SupplierID == "" {
			return Faultf(codes.ReturnCodeMissing, "supplierID", "")
		}
		return Faultf(codes.ReturnCodeUnknown, "supplierID", "%q", h.SupplierID)
	}
	if s.CheckHeader != nil {
		return s.CheckHeader(ctx, h)
	}
	return CheckSIRENs(h)
}

// writeFault writes the infoFtthError envelope of f.
func writeFault(out *bytes.Buffer, f *Fault) {
	_ = infowire.EncodeFault(out, &infowire.Fault{Code: soap.FaultClass(f.Code), String: f.Text(),
		Info: &infowire.InfoFtthError{CodeRetour: strconv.Itoa(int(f.Code)), MessageRetour: f.Text()}})
}
