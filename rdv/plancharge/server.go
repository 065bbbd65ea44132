package plancharge

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/rdvwire"
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

// Server is the OI side of the Plan de charge SAV web service, an
// http.Handler to mount on the embedder's mux. POST requests are SOAP 1.1
// calls of the four operations; GET with a wsdl query ("?wsdl") returns the
// service description ([WSDL]) with its address set to the request's URL.
//
// The server reads the EnteteType header (fault 1 without it) and checks it
// with CheckHeader, checks the request against the contract (faults 1, 2, 3,
// 13), hands it to the Planning with SirenOC set to the caller, and answers
// with the header echoed and horodatageReponse set. A refusal is an
// rdvErreur fault (HTTP 500, faultcode Client for the caller's errors,
// Server otherwise). Fill the fields before serving; a Server is safe for
// concurrent use by many requests.
type Server struct {
	// Planning is the OI's planning; required.
	Planning Planning
	// CheckHeader accepts or refuses a request's header, returning a
	// *Fault (other errors are answered 12 ERREUR AUTHENTIFICATION). Nil
	// means CheckSIRENs: any versionWS and any pair of nine-digit SIRENs.
	CheckHeader func(ctx context.Context, h Entete) error
	// MaxBodyBytes caps the request body; zero means Limits.MaxBodyBytes,
	// and DefaultMaxBodyBytes when that is zero too.
	MaxBodyBytes int64
	// Limits bounds the XML of a request; the zero value means the
	// defaults.
	Limits Limits
	// Now is the clock of horodatageReponse; nil means time.Now.
	Now func() time.Time
	// WSDLAddress is the soap:address the served WSDL advertises; empty
	// means the URL the request reached (from its Host header).
	WSDLAddress string
	// Logger receives the errors a Planning returns that are not faults
	// (answered 10 ERREUR SI INTERNE); nil logs nothing.
	Logger *slog.Logger
}

var _ http.Handler = (*Server)(nil)

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
	svc := soap.Service[Fault]{WSDL: s.wsdl, MaxBodyBytes: max, Call: s.serve, Refused: refused, Fault: writeFault}
	svc.ServeHTTP(w, r)
}

func (s *Server) wsdl(r *http.Request) string {
	if s.WSDLAddress != "" {
		return wsdlFor(s.WSDLAddress)
	}
	return wsdlFor(soap.Endpoint(r))
}

// refused is the fault answering a request that cannot be read.
func refused(field, msg string) *Fault { return Faultf(codes.ReturnCodeBadFormat, field, "%s", msg) }

// serve handles one request envelope and writes the response envelope to
// out, or returns the fault to answer.
func (s *Server) serve(ctx context.Context, body []byte, out *bytes.Buffer) *Fault {
	q, err := decodeRequest(body, s.Limits)
	if err != nil {
		if field, msg, ok := soap.Refusal(err); ok {
			return refused(field, msg)
		}
		if de, ok := errors.AsType[*DateTimeError](err); ok {
			field := "xs:dateTime"
			if re, ok := errors.AsType[*RequestError](err); ok && re.Element != "" {
				field = re.Element
			}
			return Faultf(codes.ReturnCodeBadFormat, field, "%q is not an xs:dateTime", de.Value)
		}
		return Faultf(codes.ReturnCodeBadInterface, "", "%v", err)
	}
	if q.entete == nil {
		return Faultf(codes.ReturnCodeMissing, elemEntete, "")
	}
	h := *q.entete
	if err := s.checkHeader(ctx, h); err != nil {
		if f, ok := errors.AsType[*Fault](err); ok {
			return f
		}
		return Faultf(codes.ReturnCodeAuthentication, "", "")
	}
	if s.Planning == nil {
		return Faultf(codes.ReturnCodeNoSuchService, "", "no planning behind this endpoint")
	}
	reply := h
	reply.HorodatageReponse = s.now()
	if reply.HorodatageRequete.IsZero() {
		reply.HorodatageRequete = reply.HorodatageReponse // keep the answer's header valid
	}
	rh := wireEntete(reply)
	switch q.op {
	case OpRechercheCreneauxLibres:
		q.search.SirenOC = h.SirenOC
		return answer(ctx, s, q.op, out, rh, q.search, s.Planning.Search, wireSearchReponse)
	case OpReservationCreneau:
		q.book.SirenOC = h.SirenOC
		return answer(ctx, s, q.op, out, rh, q.book, s.Planning.Book, func(id string) *xBookReponse {
			return &xBookReponse{XMLName: tns(elemBookReponse), IdRendezvous: id}
		})
	case OpConsultationRdv:
		q.consult.SirenOC = h.SirenOC
		return answer(ctx, s, q.op, out, rh, q.consult, s.Planning.Consult, wireConsultReponse)
	case OpReportRDV:
		q.report.SirenOC = h.SirenOC
		return answer(ctx, s, q.op, out, rh, q.report, s.Planning.Report, func(string) *xReportReponse {
			return &xReportReponse{XMLName: tns(elemReportReponse)}
		})
	}
	return Faultf(codes.ReturnCodeBadInterface, "", "no operation in the Body")
}

// answer runs one operation: it checks the request q, hands it to the
// planning's method call and writes the answer wire makes of the result, or
// returns the fault to answer.
func answer[Q any, PQ interface {
	*Q
	Check() error
}, R, B any](ctx context.Context, s *Server, op Operation, out *bytes.Buffer, rh *xEntete, q PQ,
	call func(context.Context, Q) (R, error), wire func(R) *B) *Fault {
	if err := q.Check(); err != nil {
		return s.asFault(ctx, op, err)
	}
	r, err := call(ctx, *q)
	if err != nil {
		return s.asFault(ctx, op, err)
	}
	if err := rdvwire.Encode(out, rh, wire(r)); err != nil {
		return s.asFault(ctx, op, err)
	}
	return nil
}

func (s *Server) asFault(ctx context.Context, op Operation, err error) *Fault {
	f, internal := asFault(err)
	if internal && s.Logger != nil {
		s.Logger.ErrorContext(ctx, "plancharge: planning failed", "operation", op.String(), "error", err)
	}
	return f
}

func (s *Server) checkHeader(ctx context.Context, h Entete) error {
	if s.CheckHeader != nil {
		return s.CheckHeader(ctx, h)
	}
	if f := CheckSIRENs(h); f != nil {
		return f
	}
	return nil
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// writeFault writes the rdvErreur envelope of f.
func writeFault(out *bytes.Buffer, f *Fault) {
	_ = rdvwire.EncodeFault(out, &rdvwire.Fault{Code: soap.FaultClass(f.Code), String: f.Text(),
		Info: &rdvwire.InfoErreur{CodeErreur: int(f.Code), MessageErreur: f.Text()}})
}
