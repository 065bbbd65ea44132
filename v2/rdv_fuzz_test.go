package v2_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
	v2 "github.com/opensav/savsdk/v2"
)

// FuzzRdvSetRoundTrip reads arbitrary message bodies; every
// setTroubleTicketByValueRequest whose appointment message RdvMessage
// accepts must be written again by NewRdvSetRequest and read back to the
// same message, and every refusal must be an *RdvError with a code. A
// createTroubleTicketByValueRequest's appointment goes the same way through
// RdvRequest and SetRdvRequest.
func FuzzRdvSetRoundTrip(f *testing.F) {
	for _, m := range []rdv.Message{
		{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: rdvAt, Slots: []rdv.Slot{rdvAutumn, rdvSpring}},
		{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: rdvAt, Slots: []rdv.Slot{rdvMidnight}},
		{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOI, At: rdvAt, Texte: "101 RDV NON DISPONIBLE"},
	} {
		req, err := v2.NewRdvSetRequest(rdvTicket(ticket.StateOpenActive), m, nil)
		if err != nil {
			f.Fatal(err)
		}
		body, err := v2.MarshalBody(req, nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := v2.DecodeBody(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		switch req := msg.(type) {
		case *v2.SetTroubleTicketByValueRequest:
			fuzzRdvSet(t, req)
		case *v2.CreateTroubleTicketByValueRequest:
			fuzzRdvCreate(t, req)
		}
	})
}

func fuzzRdvRefusal(t *testing.T, err error) {
	t.Helper()
	var re *v2.RdvError
	if !errors.As(err, &re) || re.Code == 0 || re.Field == "" {
		t.Fatalf("refusal %v (%T) is not a coded *RdvError", err, err)
	}
}

func fuzzRdvSet(t *testing.T, req *v2.SetTroubleTicketByValueRequest) {
	m, err := req.RdvMessage(nil)
	if err != nil {
		fuzzRdvRefusal(t, err)
		return
	}
	out, err := v2.NewRdvSetRequest(rdvTicket(ticket.StateOpenActive), m, nil)
	if err != nil {
		t.Fatalf("accepted message %+v not written: %v", m, err)
	}
	body, err := v2.MarshalBody(out, nil)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	back, err := v2.DecodeBody(bytes.NewReader(body), nil)
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, body)
	}
	got, err := back.(*v2.SetTroubleTicketByValueRequest).RdvMessage(nil)
	if err != nil {
		t.Fatalf("read back refused: %v\n%s", err, body)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Fatalf("round trip (-first +second):\n%s\n%s", diff, body)
	}
}

func fuzzRdvCreate(t *testing.T, req *v2.CreateTroubleTicketByValueRequest) {
	r, err := req.RdvRequest(nil, rdvAt)
	if err != nil {
		fuzzRdvRefusal(t, err)
		return
	}
	out := &v2.CreateTroubleTicketByValueRequest{}
	if err := out.SetRdvRequest(r); err != nil {
		t.Fatalf("accepted request %+v not written: %v", r, err)
	}
	body, err := v2.MarshalBody(out, nil)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	back, err := v2.DecodeBody(bytes.NewReader(body), nil)
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, body)
	}
	got, err := back.(*v2.CreateTroubleTicketByValueRequest).RdvRequest(nil, rdvAt)
	if err != nil {
		t.Fatalf("read back refused: %v\n%s", err, body)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Fatalf("round trip (-first +second):\n%s\n%s", diff, body)
	}
}
