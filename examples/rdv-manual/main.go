// Command rdv-manual walks through the manual appointment process of RDV.md:
// the OC files a ticket proposing three slots, the OI's engine checks them
// against its slot policy and counter-proposes while taking the ticket in
// charge, the OC picks one of the OI's slots and the OI confirms it, which
// moves the ticket to ACTION PLANIFIEE. Every message goes through the
// negotiation machine and the ticket's lifecycle (rdv.Advance), on both
// sides' copies of the ticket.
//
//	go run ./examples/rdv-manual
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

func main() {
	if err := run(time.Now()); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

// party is one operator's copy of the ticket and of its negotiation.
type party struct {
	name   string
	ticket *ticket.Ticket
	rdv    rdv.Negotiation
}

// exchange applies a message to both copies, as sender and receiver do.
func exchange(oc, oi *party, m rdv.Message) error {
	for _, p := range []*party{oc, oi} {
		if err := rdv.Advance(p.ticket, &p.rdv, m); err != nil {
			return fmt.Errorf("%s copy: %w", p.name, err)
		}
	}
	fmt.Printf("%-2s → %-16s %-45s negotiation %-14v ticket %v / %s\n", m.Sender, m.Type, slots(m.Slots),
		oi.rdv.State, oi.ticket.State, oi.ticket.EtatResolution)
	return nil
}

func slots(ss []rdv.Slot) string {
	if len(ss) == 0 {
		return "-"
	}
	s := rdv.FormatSlot(ss[0])
	if len(ss) > 1 {
		s += fmt.Sprintf(" (+%d)", len(ss)-1)
	}
	return s
}

// openDay returns the n-th opening day (Monday–Saturday) after now, at
// hour h in Paris.
func openDay(now time.Time, n, h int) time.Time {
	d := now.In(ticket.Paris)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if d.Weekday() != time.Sunday {
			n--
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, ticket.Paris)
}

func slot(start time.Time, hours int) rdv.Slot {
	return rdv.Slot{Debut: start, Fin: start.Add(time.Duration(hours) * time.Hour)}
}

func run(now time.Time) error {
	// The OC proposes three slots; the first starts before opening time.
	proposal := []rdv.Slot{slot(openDay(now, 2, 7), 2), slot(openDay(now, 2, 14), 2), slot(openDay(now, 3, 9), 2)}
	filing := &ticket.Filing{CodeOC: "OCAA", CodeOI: "OIBB", ReferenceSigSAVRaccoOC: "OCAA-SAV-000042",
		ReferencePrise: "FI-1234-5678", DateIncident: ticket.DateOf(now), NatureDefaut: codes.NatureDefautCoupure,
		PrelocDefaut: codes.PrelocDefautPTO, Client: &ticket.Customer{Nom: "Martin", Contact1: "0612345678"},
		Rdv: &ticket.Appointment{Creneaux: proposal}}
	oc := &party{name: "OC", ticket: &ticket.Ticket{}}
	oi := &party{name: "OI", ticket: &ticket.Ticket{}}
	for _, tx := range []ticket.Transaction{
		{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: now, Filing: filing},
		{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: now, ReferenceSigSAVOI: "OIBB-000123"},
	} {
		for _, p := range []*party{oc, oi} {
			if err := p.ticket.Apply(tx); err != nil {
				return err
			}
		}
	}
	for _, p := range []*party{oc, oi} {
		n, err := rdv.FromTicket(p.ticket)
		if err != nil {
			return err
		}
		p.rdv = n
	}
	fmt.Printf("OC filed %s with %d slots; negotiation %v, ticket %v\n", filing.ReferenceSigSAVRaccoOC,
		len(proposal), oi.rdv.State, oi.ticket.State)

	// The OI's engine checks each proposed slot against its policy.
	policy := rdv.DefaultPolicy()
	for i, s := range proposal {
		err := policy.CheckSlot(s, now)
		if se, ok := errors.AsType[*rdv.SlotError](err); ok {
			fmt.Printf("OI policy: slot %d %s refused: %s (%s)\n", i+1, rdv.FormatSlot(s), se.Rule.String(), se.Detail)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("OI policy: slot %d %s acceptable, but no technician is free then\n", i+1, rdv.FormatSlot(s))
	}

	// Only the OI confirms: an OC confirmation is refused with code 13.
	err := rdv.Advance(oc.ticket, &oc.rdv, rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOC,
		At: now, Slots: proposal[1:2]})
	code, _ := rdv.ReturnCode(err)
	fmt.Printf("OC → CONFIRMATION RDV refused: code %d (%v)\n", code, err)
	if code != codes.ReturnCodeUnexpected {
		return fmt.Errorf("want code 13, got %v", err)
	}

	counter := []rdv.Slot{slot(openDay(now, 3, 14), 2), slot(openDay(now, 4, 10), 2)}
	if err := policy.Check(counter, now); err != nil {
		return err
	}
	steps := []rdv.Message{
		{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOI, At: now, Slots: counter,
			Texte: "aucun technicien disponible sur vos créneaux"},
		{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, At: now.Add(time.Hour), Slots: counter[1:]},
		{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now.Add(2 * time.Hour), Slots: counter[1:]},
	}
	for _, m := range steps {
		if err := exchange(oc, oi, m); err != nil {
			return err
		}
	}
	if oi.ticket.EtatResolution != codes.EtatResolutionPlanifiee || oc.rdv.State != rdv.StateConfirmed {
		return fmt.Errorf("appointment not planned: %v, %v", oi.ticket.EtatResolution, oc.rdv.State)
	}
	fmt.Printf("appointment confirmed: %s; both copies at version %d\n", rdv.FormatSlot(oc.rdv.Slots[0]),
		oc.ticket.Version)
	return nil
}
