// Command v1a-travaux shows a planned-works notice (prévenance de travaux)
// under protocol 1.0a: the OI mails a TRAVAUX file, one line per impacted
// address, to the OC's prévenance address, and the OC reads and checks it.
//
// Transport: the OC's prévenance mailbox is a Maildir in a temporary
// directory and (*v1a.Maildir).Send delivers into it directly, so no mail
// server is needed. In production the OI sends with a v1a.SMTPSender.
//
// Run it with: go run ./examples/v1a-travaux
package main

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

func main() {
	demo.Main("v1a-travaux", run)
}

func run(ctx context.Context) error {
	root, err := os.MkdirTemp("", "v1a-travaux")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	// One address per kind of exchange: planned works go to the OC's
	// prévenance address.
	ocPrevenance, err := v1a.OpenMaildir(filepath.Join(root, "oc-prevenance"))
	if err != nil {
		return err
	}
	oi := mail.Address{Name: "Exploitation FTEL", Address: "travaux@oi.example"}
	oc := mail.Address{Address: "prevenance@oc.example"}

	// The OI plans a cable move at a PM next week: three buildings are
	// impacted, one line each.
	y, m, d := time.Now().In(ticket.Paris).Date()
	start := time.Date(y, m, d+7, 8, 0, 0, 0, ticket.Paris)
	line := func(numero, voie, cp, commune, insee string) v1a.Record {
		return &v1a.Travaux{
			ReferenceTravaux: "FTEL-TRV-2026-0042", Etat: v1a.EtatTravauxNouveau,
			ReferencePM: "FTEL-PM-00000000000042", DateDebut: start, DateFin: start.Add(4 * time.Hour),
			NatureIntervention: v1a.NatureInterventionDEPL, InterventionRequiseOC: v1a.Non,
			NumeroVoie: numero, Voie: voie, CodePostal: cp, Commune: commune, CodeInsee: insee,
			Commentaire: "Déplacement du câble de transport, coupure d'environ 2 h",
		}
	}
	lines := []v1a.Record{
		line("12", "Rue de l'Église", "01000", "Bourg-en-Bresse", "01053"),
		line("14", "Rue de l'Église", "01000", "Bourg-en-Bresse", "01053"),
		line("3 bis", "Allée des Cœurs", "01000", "Bourg-en-Bresse", "01053"),
	}
	var seq v1a.Sequence
	msg, err := v1a.NewMessage(oi, []mail.Address{oc},
		v1a.NewFileName(&seq, v1a.FlowTravaux, "FTEL", "BTGP", time.Now()), lines, nil)
	if err != nil {
		return err
	}
	if err := ocPrevenance.Send(ctx, msg); err != nil {
		return err
	}
	fmt.Printf("OI: sent %q, %d addresses\n", msg.Subject, len(lines))

	// The OC reads its prévenance mailbox and checks each line.
	v := &v1a.Validator{}
	poller := &v1a.Poller{
		Mailbox: ocPrevenance,
		Handler: v1a.MailHandlerFunc(func(ctx context.Context, in *v1a.Inbound) error {
			fmt.Printf("OC: %s from %s (%s), flow %s\n", in.Name, in.Sender(), in.Message.Subject, in.Flow)
			for i, rec := range in.Records {
				t := rec.(*v1a.Travaux)
				res := v.Check(ctx, i+2, t, nil)
				fmt.Printf("OC:   %s %s %s %s, %s %s: %s to %s, valid=%v\n", t.ReferenceTravaux, t.Etat,
					t.NumeroVoie, t.Voie, t.CodePostal, t.Commune, t.DateDebut.Format("02/01 15:04"),
					t.DateFin.Format("15:04"), res.Valid())
				if !res.Valid() {
					return fmt.Errorf("line %d: %v", res.Line, res.Errors)
				}
			}
			return nil
		}),
	}
	res, err := poller.Poll(ctx)
	if err != nil {
		return err
	}
	if res.Handled != 1 {
		return fmt.Errorf("handled %d notices, want 1", res.Handled)
	}
	return nil
}
