// Command v1a-dommage shows a damage notice (prévenance de dommage) under
// protocol 1.0a: the OC mails a DOMMAGE file to the OI's dommage address,
// the OI acknowledges it with an ARDOMMAGE file, and the OC reads it.
//
// Transport: each party's dommage mailbox is a Maildir in a temporary
// directory; a v1a.SenderFunc routes each message to the Maildir of its
// recipient, standing for the mail servers, so no server is needed. In
// production both sides send with a v1a.SMTPSender.
//
// Run it with: go run ./examples/v1a-dommage
package main

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

var (
	ocAddr = mail.Address{Name: "SAV BTGP", Address: "dommage@oc.example"}
	oiAddr = mail.Address{Name: "Dommages FTEL", Address: "dommage@oi.example"}
)

func main() {
	demo.Main("v1a-dommage", run)
}

func run(ctx context.Context) error {
	root, err := os.MkdirTemp("", "v1a-dommage")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	boxes := map[string]*v1a.Maildir{}
	for _, a := range []mail.Address{ocAddr, oiAddr} {
		md, err := v1a.OpenMaildir(filepath.Join(root, a.Address))
		if err != nil {
			return err
		}
		boxes[a.Address] = md
	}
	// The "mail servers": deliver each message into its recipient's Maildir.
	network := v1a.SenderFunc(func(ctx context.Context, m *v1a.Message) error {
		for _, to := range m.To {
			box := boxes[to.Address]
			if box == nil {
				return fmt.Errorf("no mailbox for %s", to.Address)
			}
			if err := box.Send(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})

	// The OC's technician found the PM's door forced and a cassette torn out.
	now := time.Now().In(ticket.Paris)
	var ocSeq, oiSeq v1a.Sequence
	dommage := &v1a.Dommage{
		ReferenceDommageOC:  "BTGP-DOM-000007",
		ReferencePM:         "FTEL-PM-00000000000042",
		DateConstat:         ticket.DateOf(now),
		LocalisationDommage: codes.PrelocDefautPM,
		AdresseImmeuble:     "12 rue de l'Église, 01000 Bourg-en-Bresse",
		NomContactImmeuble:  "Mme Lœwy (syndic)",
		TelContactImmeuble:  "04 74 00 00 00",
		Commentaire:         "Porte du PM forcée, cassette arrachée, fibres à nu",
	}
	msg, err := v1a.NewMessage(ocAddr, []mail.Address{oiAddr},
		v1a.NewFileName(&ocSeq, v1a.FlowDommage, "BTGP", "FTEL", now), []v1a.Record{dommage}, nil)
	if err != nil {
		return err
	}
	if err := network.Send(ctx, msg); err != nil {
		return err
	}
	fmt.Printf("OC: sent %q\n", msg.Subject)

	// The OI acknowledges every DOMMAGE file it reads with an ARDOMMAGE.
	oi := &v1a.Poller{
		Mailbox: boxes[oiAddr.Address], Replies: network, Self: oiAddr, Operator: "FTEL", Sequence: &oiSeq,
		Handler: v1a.MailHandlerFunc(func(ctx context.Context, in *v1a.Inbound) error {
			ack, err := v1a.ComputeARDommage(ctx, bytes.NewReader(in.Message.Attachment),
				v1a.AckOptions{Charset: in.Message.Charset, IDPrefix: "FTEL-DOM-"})
			if err != nil {
				return err
			}
			for _, rec := range in.Records {
				d := rec.(*v1a.Dommage)
				fmt.Printf("OI: damage at %s (%s), contact %s %s\n", d.ReferencePM, d.LocalisationDommage,
					d.NomContactImmeuble, d.TelContactImmeuble)
			}
			ar, err := v1a.NewMessage(oiAddr, []mail.Address{in.Message.From},
				v1a.NewFileName(&oiSeq, v1a.FlowARDommage, "FTEL", in.Name.Sender, time.Now()), ack.Records(),
				&v1a.MessageOptions{InReplyTo: in.Message.MessageID})
			if err != nil {
				return err
			}
			fmt.Printf("OI: answering %q\n", ar.Subject)
			return network.Send(ctx, ar)
		}),
	}
	if _, err := oi.Poll(ctx); err != nil {
		return err
	}

	// The OC reads the ARDOMMAGE.
	oc := &v1a.Poller{
		Mailbox: boxes[ocAddr.Address],
		Handler: v1a.MailHandlerFunc(func(ctx context.Context, in *v1a.Inbound) error {
			for _, rec := range in.Records {
				a, ok := rec.(*v1a.ARDommage)
				if !ok {
					return fmt.Errorf("unexpected %s line: %w", rec.Flow(), v1a.ErrQuarantine)
				}
				fmt.Printf("OC: ARDOMMAGE %s for %s: OI reference %s, answering our mail: %v\n", a.StatutAR,
					a.ReferenceDommageOC, a.ReferenceDommageOI, in.Message.InReplyTo == msg.MessageID)
				if a.StatutAR != v1a.StatutOK {
					return fmt.Errorf("damage notice refused: %s", a.MotifRefus)
				}
			}
			return nil
		}),
	}
	res, err := oc.Poll(ctx)
	if err != nil {
		return err
	}
	if res.Handled != 1 {
		return fmt.Errorf("the OC handled %d answers, want 1", res.Handled)
	}
	return nil
}
