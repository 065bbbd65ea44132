package v2_test

import (
	"testing"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
	v2 "github.com/opensav/savsdk/v2"
)

var rdvBenchMessage = rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: rdvAt,
	Slots: []rdv.Slot{rdvAutumn, rdvMorning, rdvSpring}, Texte: "Trois créneaux"}

func rdvBenchRequest(b *testing.B) *v2.SetTroubleTicketByValueRequest {
	req, err := v2.NewRdvSetRequest(rdvTicket(ticket.StateOpenActive), rdvBenchMessage, nil)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// BenchmarkSetTransactionRdv is the baseline of the conversions below: the
// ticket transaction of the same request.
func BenchmarkSetTransactionRdv(b *testing.B) {
	req := rdvBenchRequest(b)
	for b.Loop() {
		if _, _, err := req.Transaction(nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRdvMessage(b *testing.B) {
	req := rdvBenchRequest(b)
	for b.Loop() {
		if _, err := req.RdvMessage(nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewRdvSetRequest(b *testing.B) {
	tk := rdvTicket(ticket.StateOpenActive)
	for b.Loop() {
		if _, err := v2.NewRdvSetRequest(tk, rdvBenchMessage, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateRdvRequest(b *testing.B) {
	req := &v2.CreateTroubleTicketByValueRequest{}
	if err := req.SetRdvRequest(rdv.Request{Slots: rdvBenchMessage.Slots}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := req.RdvRequest(nil, rdvAt); err != nil {
			b.Fatal(err)
		}
	}
}
