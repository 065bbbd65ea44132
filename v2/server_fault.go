package v2

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
)

// serverSide reports whether a return code is the server's failure rather
// than the caller's (faultcode Server).
func serverSide(c codes.ReturnCode) bool {
	switch c {
	case codes.ReturnCodeSaturation, codes.ReturnCodeInternal, codes.ReturnCodeMaintenance,
		codes.ReturnCodeDataFormat, codes.ReturnCodeServiceDisabled, codes.ReturnCodeUnreachable,
		codes.ReturnCodeNoResponse, codes.ReturnCodeSLA:
		return true
	}
	return false
}

// classify turns an error met while serving into the refusal the caller
// gets. Errors the caller cannot have caused become code 10 and are logged.
func (x *exchange) classify(err error) *rpcError {
	var (
		re *rpcError
		se *soap.Error
		de *DecodeError
		te *ticket.TransitionError
		ve *codes.ValueError
		rf *Refusal
		ce *errCriteria
	)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &re):
		return re
	case errors.As(err, &mbe):
		return &rpcError{code: codes.ReturnCodeBadFormat, field: "Envelope",
			reason: "larger than " + itoa(int(mbe.Limit)) + " bytes"}
	case errors.As(err, &se):
		return &rpcError{code: se.Code, field: se.Field, reason: detail(se.Err), soap: se.FaultCode()}
	case errors.As(err, &de):
		return &rpcError{code: de.Code, field: de.Element, reason: detail(de.Err)}
	case errors.As(err, &te):
		return &rpcError{code: te.Code, field: te.Field, reason: te.Reason}
	case errors.As(err, &ve):
		return &rpcError{code: ve.Code, field: ve.Field, reason: ve.Reason}
	case errors.As(err, &rf):
		return &rpcError{code: rf.Code, field: rf.Field, reason: rf.Reason, key: rf.Key}
	case errors.As(err, &ce):
		return &rpcError{code: codes.ReturnCodeSearchCriteria, field: ce.field, reason: ce.reason}
	case errors.Is(err, ErrNotFound):
		// Identical for an unknown ticket and another operator's.
		return &rpcError{code: codes.ReturnCodeUnknown, field: "troubleTicketKey"}
	case errors.Is(err, ErrUnauthenticated):
		return &rpcError{code: codes.ReturnCodeAuthentication, reason: "authentication failed"}
	}
	return x.internal(err)
}

// detail is the text of a wrapped error after its sentinel's prefix.
func detail(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for _, p := range []string{"soap: ", "v2: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// internal records an unexpected error and hides it from the caller.
func (x *exchange) internal(err error) *rpcError {
	if l := x.s.opts.Logger; l != nil {
		l.LogAttrs(x.r.Context(), slog.LevelError, "v2 internal error", slog.String("error", err.Error()))
	}
	return &rpcError{code: codes.ReturnCodeInternal, reason: "internal error"}
}

func (e *rpcError) faultCode() xml.Name {
	switch {
	case e.soap.Local != "":
		return e.soap
	case serverSide(e.code):
		return soap.FaultServer
	}
	return soap.FaultClient
}

// faultBody returns the answer to a refusal, sent with HTTP 500: a SOAP
// fault whose detail is the operation's exception and sav:erreur (only
// sav:erreur when the operation is unknown).
func (s *Server) faultBody(x *exchange, e *rpcError) *bytes.Buffer {
	if e.field == "" && e.code.NeedsField() {
		// A message naming a field names at least the document.
		e.field = "Envelope"
	}
	f := soap.Fault{Code: e.faultCode(), String: e.Error()}
	var key *TroubleTicketKey
	if e.key != "" {
		k := s.p.Key(e.key)
		key = &k
	}
	detail := func(w io.Writer) error {
		if x.op.Valid() {
			return WriteFaultDetail(w, NewException(x.op, e.code, e.field, key), s.p)
		}
		return writeErreurOnly(w, s.p, e.code, e.code.Message(e.field))
	}
	out := getBuffer()
	if err := s.enc.EncodeFault(out, s.header(x), f, detail); err != nil {
		// Only a broken profile gets here; answer without the detail.
		out.Reset()
		_ = s.enc.EncodeFault(out, s.header(x), f, nil)
	}
	return out
}

// writeErreurOnly writes a sav:erreur alone, for a fault that belongs to no
// operation (an envelope that could not be read).
func writeErreurOnly(w io.Writer, p *Profile, code codes.ReturnCode, msg string) error {
	var b bytes.Buffer
	b.WriteString(`<sav:erreur xmlns:sav="`)
	_ = xml.EscapeText(&b, []byte(p.NamespaceSAV))
	b.WriteString(`"><sav:codeRetour>` + itoa(int(code)) + `</sav:codeRetour><sav:messageRetour>`)
	_ = xml.EscapeText(&b, []byte(msg))
	b.WriteString(`</sav:messageRetour></sav:erreur>`)
	_, err := w.Write(b.Bytes())
	return err
}
