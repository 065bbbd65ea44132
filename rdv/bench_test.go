package rdv

import (
	"testing"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// BenchmarkPolicyCheck checks a three-slot proposal against the default
// policy.
func BenchmarkPolicyCheck(b *testing.B) {
	p := DefaultPolicy()
	slots := []Slot{slotA, slotB, slotC}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Check(slots, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNegotiation runs a proposal, a counter-proposal, a pick and a
// confirmation.
func BenchmarkNegotiation(b *testing.B) {
	msgs := []Message{
		{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: now, Slots: []Slot{slotA, slotB}},
		{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOI, At: now, Slots: []Slot{slotC, slotD}},
		{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, At: now, Slots: []Slot{slotD}},
		{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now, Slots: []Slot{slotD}},
	}
	b.ReportAllocs()
	for b.Loop() {
		var n Negotiation
		for _, m := range msgs {
			if err := n.Apply(m); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkAdvance applies a confirmation to a negotiation and a ticket.
func BenchmarkAdvance(b *testing.B) {
	tk := &ticket.Ticket{State: ticket.StateOpenActive, EtatResolution: codes.EtatResolutionADefinir}
	base := Negotiation{State: StateProposedByOC, Slots: []Slot{slotA, slotB}}
	m := Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now, Slots: []Slot{slotB}}
	b.ReportAllocs()
	for b.Loop() {
		t := *tk
		n := base
		if err := Advance(&t, &n, m); err != nil {
			b.Fatal(err)
		}
	}
}
