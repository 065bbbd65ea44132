// Command quickstart walks one signalisation through its whole life in
// memory: the OC files it, the OI acknowledges it, takes it in charge,
// confirms the appointment the OC proposed and closes it with a RETxx code and
// the localisation it found. The OC's and the OI's copies apply the same
// transactions through the one lifecycle machine and end identical.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, ticket.Paris)
	slot := ticket.Slot{Debut: now.Add(24 * time.Hour), Fin: now.Add(26 * time.Hour)}
	steps := []ticket.Transaction{
		{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: now, Filing: &ticket.Filing{
			CodeOC: "BYTL", CodeOI: "FTEL",
			ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000123-0001",
			ReferencePrise:         "FI-1234-ABCD",
			DateIncident:           ticket.DateOf(now.AddDate(0, 0, -1)),
			NatureDefaut:           codes.NatureDefautCoupure,
			PrelocDefaut:           codes.PrelocDefautPTO,
			Client:                 &ticket.Customer{Nom: "Martin", Prenom: "Léa", Contact1: "0612345678"},
			Rdv:                    &ticket.Appointment{Creneaux: []ticket.Slot{slot}},
			Commentaire:            "Pas de signal chez notre cliente. Signal au PM : -19.43 dBm",
		}},
		{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: now.Add(5 * time.Minute),
			ReferenceSigSAVOI: "FTEL-SAV-000042"},
		{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: now.Add(time.Hour),
			EtatResolution: codes.EtatResolutionADefinir},
		{Kind: ticket.KindSUInformation, Sender: codes.RoleOI, At: now.Add(2 * time.Hour),
			Message: &ticket.Message{Type: codes.TypeMessageConfirmationRdv, Texte: "Créneau retenu",
				Date: now.Add(2 * time.Hour)},
			Rdv: &ticket.Appointment{Creneaux: []ticket.Slot{slot}}},
		{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: slot.Fin, Cloture: &ticket.Closure{
			Code: "RET01", Responsabilite: codes.ResponsabiliteOI, Localisation: codes.PrelocDefautPTO,
			Description: "PTO endommagée", Commentaire: "PTO remplacée, signal rétabli"}},
	}

	oc, oi := &ticket.Ticket{}, &ticket.Ticket{}
	for _, tx := range steps {
		for _, side := range []*ticket.Ticket{oc, oi} {
			if err := side.Apply(tx); err != nil {
				return err
			}
		}
		fmt.Printf("%-34s %-3s → %-11s %-17s version %d\n", tx.Kind, tx.Sender, oc.State, oc.EtatResolution, oc.Version)
	}

	// One more closure is refused: a closed ticket cannot change.
	err := oc.Apply(steps[len(steps)-1])
	code, _ := ticket.ReturnCode(err)
	fmt.Printf("closing again is refused with code %d: %v\n", code, err)

	c := oc.Cloture
	fmt.Printf("ticket %s (OC %s) closed %s: %s, responsabilité %s, localisation %s\n",
		oc.ReferenceSigSAVOI, oc.ReferenceSigSAVRaccoOC, c.Date.Format(time.RFC3339), c.Code, c.Responsabilite,
		c.Localisation.Label())
	if oc.State != oi.State || oc.Version != oi.Version {
		return fmt.Errorf("the two copies disagree: %v/%d vs %v/%d", oc.State, oc.Version, oi.State, oi.Version)
	}
	fmt.Println("OC and OI copies agree:", oc.State, "version", oc.Version)
	return nil
}
