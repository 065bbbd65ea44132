package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v2"
)

// ocFilingHandler lets a tester file a ticket through the OC sandbox: a
// createTroubleTicketByValueRequest POSTed to the OC's endpoint (where
// an OI never sends one) is filed with the OI its deposit names (the
// sav:entete codeOI, else the value's), through the engine, so the OC
// sandbox follows the whole life of the ticket, and is answered as the OI
// answered: the OI's key, or a fault with the OI's return code (AR KO,
// refusal, 21 when the OI could not be reached). Every other request goes
// to next.
func ocFilingHandler(oc *sav.OC, next http.Handler, logger *slog.Logger) http.Handler {
	p := v2.DefaultProfile()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, v2.DefaultMaxBodySize+1))
		if err != nil {
			http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, createElement) {
			next.ServeHTTP(w, r)
			return
		}
		m, err := (&soap.Decoder{HeaderSpace: p.NamespaceSAV, Location: p.Location}).Decode(bytes.NewReader(body))
		if err != nil || m.Root != v2.OpCreateTroubleTicketByValue.Element(v2.PartRequest) {
			next.ServeHTTP(w, r)
			return
		}
		doc, err := v2.Check(bytes.NewReader(body), p)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		create, ok := doc.Message.(*v2.CreateTroubleTicketByValueRequest)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		f := create.Value.Filing(p)
		if h := m.Header.Entete; h != nil {
			f.CodeOI = firstOf(h.CodeOI, f.CodeOI)
		}
		f.CodeOC = oc.Code()
		h := soap.Header{Entete: &soap.Entete{VersionProtocole: v2.ProtocolVersion, Horodatage: time.Now().In(p.Location),
			CodeOC: f.CodeOC, CodeOI: f.CodeOI}}
		enc := &soap.Encoder{HeaderSpace: p.NamespaceSAV}
		w.Header().Set("Content-Type", soap.ContentType)
		if len(doc.Findings) > 0 {
			fd := doc.Findings[0]
			writeCreateFault(w, enc, h, p, fd.Code, fd.Field, "", nil)
			return
		}
		t, err := oc.File(r.Context(), &f)
		if err == nil && t.State == ticket.StateSubmitted {
			// A 1.0a OI: the DEPOT file is on its way; its AR comes by mail.
			t, err = awaitAR(r.Context(), oc, oc.Key(f.ReferenceSigSAVRaccoOC), arTimeout)
		}
		var fe *v2.FaultError
		var te *ticket.TransitionError
		switch {
		case errors.As(err, &fe):
			writeCreateFault(w, enc, h, p, fe.ReturnCode(), "", fe.Key(), logger)
		case errors.As(err, &te):
			writeCreateFault(w, enc, h, p, te.Code, te.Field, "", logger)
		case err != nil:
			logger.Warn("filing through the OC sandbox", "ref", f.ReferenceSigSAVRaccoOC, "err", err)
			writeCreateFault(w, enc, h, p, codes.ReturnCodeNoResponse, "", "", logger)
		case t.State == ticket.StateRejected && t.Rejet != nil:
			writeCreateFault(w, enc, h, p, t.Rejet.CodeRetour, "", "", logger)
		case t.ReferenceSigSAVOI == "":
			// No AR in time: the tester sends again and the duplicate fault
			// gives the key once the AR came.
			writeCreateFault(w, enc, h, p, codes.ReturnCodeNoResponse, "", "", logger)
		default:
			err := enc.Encode(w, h, func(w io.Writer) error {
				return v2.WriteBody(w, v2.NewCreateResponse(t.ReferenceSigSAVOI, p), p)
			})
			if err != nil {
				logger.Warn("answering a filing", "err", err)
			}
		}
	})
}

// createElement is the local name of a create request: a body without it
// goes to the engine without being decoded here.
var createElement = []byte(v2.OpCreateTroubleTicketByValue.Element(v2.PartRequest).Local)

// arTimeout bounds the wait for the AR of a 1.0a OI.
const arTimeout = 30 * time.Second

// awaitAR waits until the ticket is no longer Submitted (its AR came), or
// the timeout; it returns the ticket as it is then.
func awaitAR(ctx context.Context, oc *sav.OC, key sav.Key, timeout time.Duration) (*ticket.Ticket, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		t, err := oc.Ticket(ctx, key)
		if err != nil || t.State != ticket.StateSubmitted {
			return t, err
		}
		select {
		case <-ctx.Done():
			return t, nil
		case <-tick.C:
		}
	}
}

func writeCreateFault(w http.ResponseWriter, enc *soap.Encoder, h soap.Header, p *v2.Profile, c codes.ReturnCode,
	field, key string, logger *slog.Logger) {
	var k *v2.TroubleTicketKey
	if key != "" {
		k = &v2.NewCreateResponse(key, p).Key
	}
	ex := v2.NewException(v2.OpCreateTroubleTicketByValue, c, field, k)
	class := "Client"
	if c.Temporary() || c == codes.ReturnCodeInternal {
		class = "Server"
	}
	w.WriteHeader(http.StatusInternalServerError)
	err := enc.EncodeFault(w, h, soap.Fault{Code: xml.Name{Space: soap.EnvelopeSpace, Local: class}, String: ex.Message},
		func(w io.Writer) error { return v2.WriteFaultDetail(w, ex, p) })
	if err != nil && logger != nil {
		logger.Warn("answering a filing", "err", err)
	}
}
