// Command v1a-oc-depot shows an OC filing a signalisation with an OI under
// protocol 1.0a: the OC mails a DEPOT file, the OI answers with an AR file,
// and the OC reads the AR and moves its ticket on.
//
// Transport: two Maildirs in a temporary directory stand for the OC's and
// the OI's mailboxes, and (*v1a.Maildir).Send delivers into them directly,
// so the program needs no mail server. In production the OC sends with a
// v1a.SMTPSender to its relay and polls the Maildir its own MTA delivers to
// (the MTA test of package v1a runs exactly this exchange through Postfix).
// The OI's side is played here by the SDK's Poller and ComputeAR.
//
// Run it with: go run ./examples/v1a-oc-depot
package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

const (
	codeOC = "BTGP" // the OC's operator code
	codeOI = "FTEL" // the OI's operator code
)

var (
	ocAddr = mail.Address{Name: "SAV BTGP", Address: "sav@oc.example"}
	oiAddr = mail.Address{Name: "SAV FTEL", Address: "sav@oi.example"}
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	root, err := os.MkdirTemp("", "v1a-oc-depot")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	ocBox, err := v1a.OpenMaildir(filepath.Join(root, "oc"))
	if err != nil {
		return err
	}
	oiBox, err := v1a.OpenMaildir(filepath.Join(root, "oi"))
	if err != nil {
		return err
	}
	var seq v1a.Sequence // per-sender file numbers; persist them in production
	now := time.Now().In(ticket.Paris)

	// 1. The OC files a signalisation: its customer has had no signal since
	// yesterday. The ticket starts Submitted on the OC's side.
	depot := &v1a.Depot{
		ReferencePrise:         "FI-1234-5678",
		ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000123-0001",
		DateIncidClientFinal:   ticket.DateOf(now.AddDate(0, 0, -1)),
		NatureDefaut:           codes.NatureDefautCoupure,
		PrelocDefaut:           codes.PrelocDefautPBO,
		NomClient:              "Lefèvre",
		PrenomClient:           "Chloé",
		ContactClient1:         "0612345678",
		Commentaire:            "Pas de signal chez notre cliente. Signal au PM : -19.43 dBm",
	}
	tk, err := v1a.TicketOf(depot, codeOC, codeOI)
	if err != nil {
		return err
	}
	msg, err := v1a.NewMessage(ocAddr, []mail.Address{oiAddr},
		v1a.NewFileName(&seq, v1a.FlowDepot, codeOC, codeOI, now), []v1a.Record{depot}, nil)
	if err != nil {
		return err
	}
	if err := oiBox.Send(ctx, msg); err != nil { // the OI's mailbox as the transport
		return err
	}
	fmt.Printf("OC: sent %q (%d bytes of %s CSV), ticket %s\n", msg.Subject, len(msg.Attachment), msg.Charset, tk.State)

	// 2. The OI reads its mailbox and answers each DEPOT with its AR.
	oi := &v1a.Poller{
		Mailbox: oiBox, Replies: ocBox, Self: oiAddr, Operator: codeOI,
		Handler: v1a.MailHandlerFunc(func(ctx context.Context, in *v1a.Inbound) error {
			ack, err := v1a.ComputeAR(ctx, bytes.NewReader(in.Message.Attachment),
				v1a.AckOptions{Charset: in.Message.Charset, IDPrefix: "FTEL-SAV-"})
			if err != nil {
				return err
			}
			ar, err := v1a.NewMessage(oiAddr, []mail.Address{in.Message.From},
				v1a.NewFileName(&seq, v1a.FlowAR, codeOI, in.Name.Sender, time.Now()), ack.Records(),
				&v1a.MessageOptions{InReplyTo: in.Message.MessageID})
			if err != nil {
				return err
			}
			fmt.Printf("OI: received %s with %d line(s), answering %q\n", in.Name, len(in.Records), ar.Subject)
			return ocBox.Send(ctx, ar)
		}),
	}
	if _, err := oi.Poll(ctx); err != nil {
		return err
	}

	// 3. The OC reads the AR and applies it to its ticket.
	oc := &v1a.Poller{
		Mailbox: ocBox,
		Handler: v1a.MailHandlerFunc(func(ctx context.Context, in *v1a.Inbound) error {
			if in.Flow != v1a.FlowAR {
				return fmt.Errorf("unexpected %s file: %w", in.Flow, v1a.ErrQuarantine)
			}
			for _, rec := range in.Records {
				ar := rec.(*v1a.AR)
				if ar.ReferenceSigSAVRaccoOC != tk.ReferenceSigSAVRaccoOC {
					continue
				}
				tx, err := v1a.TransactionOf(ar, codeOC, codeOI)
				if err != nil {
					return err
				}
				if ar.StatutAR == v1a.StatutOK {
					err = tk.ApplyV1AAcknowledge(tx)
				} else {
					err = tk.Apply(tx)
				}
				if err != nil {
					return err
				}
				fmt.Printf("OC: AR %s for %s: OI reference %q, code %d %s\n", ar.StatutAR, ar.ReferenceSigSAVRaccoOC,
					ar.ReferenceSigSAVOI, int(ar.CodeRetour), ar.CodeRetour.Message(""))
			}
			return nil
		}),
	}
	res, err := oc.Poll(ctx)
	if err != nil {
		return err
	}
	if res.Handled != 1 {
		return fmt.Errorf("the OC handled %d AR mail(s), want 1", res.Handled)
	}
	fmt.Printf("OC: ticket %s is now %s (%s), %d history entries\n",
		tk.ReferenceSigSAVRaccoOC, tk.State, tk.EtatResolution, len(tk.History))
	if tk.State != ticket.StateOpenActive {
		return fmt.Errorf("ticket is %s, want OPENACTIVE", tk.State)
	}
	return nil
}
