package rdv_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

func slotAt(day, from, to int) rdv.Slot {
	return rdv.Slot{Debut: time.Date(2026, 12, day, from, 0, 0, 0, ticket.Paris),
		Fin: time.Date(2026, 12, day, to, 0, 0, 0, ticket.Paris)}
}

// The OC's deposit proposes two slots; the OI confirms the second.
func ExampleNegotiation_Apply() {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, ticket.Paris)
	n, err := rdv.Deposit(&ticket.Appointment{Creneaux: []rdv.Slot{slotAt(1, 8, 10), slotAt(2, 14, 16)}}, now)
	if err != nil {
		panic(err)
	}
	fmt.Println(n.State)

	err = n.Apply(rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now,
		Slots: []rdv.Slot{slotAt(3, 9, 11)}})
	fmt.Println(errors.Is(err, rdv.RuleNotProposed))

	err = n.Apply(rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now,
		Slots: []rdv.Slot{slotAt(2, 14, 16)}})
	fmt.Println(err, n.State, rdv.FormatSlot(n.Slots[0]))
	// Output:
	// PROPOSED_BY_OC
	// true
	// <nil> CONFIRMED 2026-12-02 14:00–16:00 +01:00
}

// An OI engine checks the OC's proposal against its policy.
func ExamplePolicy_Check() {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, ticket.Paris)
	p := rdv.DefaultPolicy()
	err := p.Check([]rdv.Slot{slotAt(1, 8, 10), slotAt(1, 18, 20)}, now)
	var se *rdv.SlotError
	if errors.As(err, &se) {
		fmt.Println(se.Index, se.Rule.String(), se.Code())
	}
	fmt.Println(err)
	// Output:
	// 2 slot outside opening hours 13 INFO XXXXX INCORRECTE - HORS VALEURS ATTENDUES
	// rdv: slot 2 (2026-12-01 18:00–20:00 +01:00): slot outside opening hours: opening hours Mon–Sat 08:00–19:00 Europe/Paris [13 INFO PropalRdv INCORRECTE - HORS VALEURS ATTENDUES]
}

// A confirmation goes through the negotiation and the ticket together: the
// OI's first answer to a queued ticket is its prise en charge, at ACTION
// PLANIFIEE.
func ExampleAdvance() {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, ticket.Paris)
	tk := &ticket.Ticket{}
	_ = tk.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: now,
		Filing: &ticket.Filing{ReferenceSigSAVRaccoOC: "OC-1", ReferencePrise: "FI-1234-5678",
			DateIncident: ticket.DateOf(now), NatureDefaut: codes.NatureDefautCoupure,
			PrelocDefaut: codes.PrelocDefautPTO, Rdv: &ticket.Appointment{IdRdv: "RDV00000001"}}})
	_ = tk.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: now,
		ReferenceSigSAVOI: "OI-1"})
	n, _ := rdv.FromTicket(tk)
	fmt.Println(n.State, n.IdRdv)

	err := rdv.Advance(tk, &n, rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now,
		Slots: []rdv.Slot{slotAt(1, 8, 10)}, IdRdv: "RDV00000001"})
	fmt.Println(err, n.State, tk.State, tk.EtatResolution)
	// Output:
	// BOOKED RDV00000001
	// <nil> CONFIRMED OPENACTIVE ACTION PLANIFIEE
}

func ExampleAllowed() {
	to, ok := rdv.Allowed(rdv.StateBooked, codes.TypeMessageDemandeRdv, codes.RoleOI)
	fmt.Println(to, ok)
	_, ok = rdv.Allowed(rdv.StateBooked, codes.TypeMessageConfirmationRdv, codes.RoleOC)
	fmt.Println(ok)
	// Output:
	// REQUESTED true
	// false
}
