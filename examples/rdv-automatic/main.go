// Command rdv-automatic walks through the automatic appointment process of
// RDV.md on loopback: an OI serves the Plan de charge SAV web service over an
// in-memory planning; the OC searches free slots, books one, and files its
// ticket with the booking id; a second OC trying the same slot gets the
// rdvErreur fault 101; the OI, taking the ticket in charge, validates the
// booking in its planning (CONFIRME) and sends CONFIRMATION RDV, which moves
// the ticket to ACTION PLANIFIEE.
//
//	go run ./examples/rdv-automatic
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/rdv/plancharge"
	"github.com/opensav/savsdk/ticket"
)

func main() {
	demo.Main("rdv-automatic", run)
}

const (
	sirenOC = "123456789"
	sirenOI = "987654321"
)

func run(ctx context.Context) error {
	// The OI: two technicians, Monday–Saturday 08:00–19:00, 2 h slots.
	planning, err := plancharge.NewMemPlanning(plancharge.MemConfig{Technicians: []string{"TECH-A", "TECH-B"}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: &plancharge.Server{Planning: planning}, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Shutdown(context.Background())
	url := "http://" + ln.Addr().String() + "/sav-ftth/rdv"
	fmt.Println("OI serves the Plan de charge SAV web service at", url)

	// The OC searches the coming week for its customer.
	oc := &plancharge.Client{URL: url, HTTP: &http.Client{Timeout: 10 * time.Second}, SirenOC: sirenOC,
		SirenOI: sirenOI}
	now := time.Now()
	free, err := oc.Search(ctx, plancharge.SearchRequest{TypeIntervention: plancharge.TypeInterventionS,
		NatureProduit: plancharge.NatureProduitFTTHAcces, SegmentMarche: plancharge.SegmentMarcheGP,
		TechnicalId: "FI-1234-5678", CodeInsee: "75056", DateDebut: now, DateFin: now.AddDate(0, 0, 8),
		DefectPrelocalization: codes.PrelocDefautPTO})
	if err != nil {
		return err
	}
	if len(free) == 0 {
		return errors.New("no free slot in the coming week")
	}
	fmt.Printf("OC found %d free slots, the first %s (%s)\n", len(free), rdv.FormatSlot(free[0].Slot), free[0].IdOI)

	book := plancharge.BookRequest{NatureProduit: plancharge.NatureProduitFTTHAcces,
		SegmentMarche: plancharge.SegmentMarcheGP, CodeInsee: "75056", IdCreneau: free[0].IdOI}
	idRdv, err := oc.Book(ctx, book)
	if err != nil {
		return err
	}
	fmt.Println("OC booked it:", idRdv)

	// Another OC too late for the same slot.
	other := *oc
	other.SirenOC = "111222333"
	_, err = other.Book(ctx, book)
	if !errors.Is(err, plancharge.ErrRdvNonDisponible) {
		return fmt.Errorf("second booking: want fault 101, got %v", err)
	}
	fmt.Println("another OC booking the same slot:", err)

	// The OC files its ticket with the booking id; the OI acknowledges it.
	tk := &ticket.Ticket{}
	filing := &ticket.Filing{CodeOC: "OCAA", CodeOI: "OIBB", ReferenceSigSAVRaccoOC: "OCAA-SAV-000043",
		ReferencePrise: "FI-1234-5678", DateIncident: ticket.DateOf(now), NatureDefaut: codes.NatureDefautCoupure,
		PrelocDefaut: codes.PrelocDefautPTO, Client: &ticket.Customer{Nom: "Durand", Contact1: "0698765432"},
		Rdv: rdv.Request{IdRdv: idRdv}.Appointment()}
	for _, tx := range []ticket.Transaction{
		{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: now, Filing: filing},
		{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: now, ReferenceSigSAVOI: "OIBB-000124"},
	} {
		if err := tk.Apply(tx); err != nil {
			return err
		}
	}
	n, err := rdv.FromTicket(tk)
	if err != nil {
		return err
	}
	fmt.Printf("ticket %s filed: %v, negotiation %v (booking %s)\n", tk.ReferenceSigSAVOI, tk.State, n.State, n.IdRdv)

	// The OI looks the booking up in its planning, validates it and confirms.
	booked, err := planning.Consult(ctx, plancharge.ConsultRequest{IdRendezVous: idRdv})
	if err != nil {
		return err
	}
	if err := planning.Confirm(ctx, idRdv); err != nil {
		return err
	}
	confirm := rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: time.Now(),
		Slots: []rdv.Slot{booked.Slot}, IdRdv: idRdv}
	if err := rdv.Advance(tk, &n, confirm); err != nil {
		return err
	}
	fmt.Printf("OI → %s %s: negotiation %v, ticket %v / %s\n", confirm.Type, rdv.FormatSlot(booked.Slot), n.State,
		tk.State, tk.EtatResolution)

	// The OC sees the appointment confirmed on the web service.
	seen, err := oc.Consult(ctx, plancharge.ConsultRequest{IdRendezVous: idRdv})
	if err != nil {
		return err
	}
	fmt.Printf("OC consults %s: %s, %s\n", seen.IdRendezVous, seen.StatutRendezVous, rdv.FormatSlot(seen.Slot))
	if seen.StatutRendezVous != plancharge.StatutRendezVousConfirme ||
		tk.EtatResolution != codes.EtatResolutionPlanifiee {
		return errors.New("appointment not confirmed")
	}
	return nil
}
