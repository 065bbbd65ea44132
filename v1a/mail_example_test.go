package v1a_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// An OC composes the mail that files a signalisation: NewMessage writes the
// CSV file (Windows-1252) and names it; Compose writes the RFC 5322 message.
func ExampleNewMessage() {
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, ticket.Paris)
	name := v1a.FileName{Flow: v1a.FlowDepot, Sender: "BTGP", Recipient: "FTEL", Time: at, Seq: 1}
	depot := &v1a.Depot{
		ReferencePrise:         "FI-1234-5678",
		ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000123-0001",
		DateIncidClientFinal:   ticket.Date{Year: 2026, Month: 11, Day: 20},
		NatureDefaut:           codes.NatureDefautCoupure,
		PrelocDefaut:           codes.PrelocDefautPBO,
		Commentaire:            "Pas de signal, cœur du boîtier arraché",
	}
	m, err := v1a.NewMessage(mail.Address{Name: "SAV BTGP", Address: "sav@oc.example"},
		[]mail.Address{{Address: "sav@oi.example"}}, name, []v1a.Record{depot}, nil)
	if err != nil {
		log.Fatal(err)
	}
	m.MessageID = "depot-0001@oc.example" // left empty, Compose generates one
	m.Date = at

	// A fixed random source, so the MIME boundary is stable here.
	c := &v1a.Composer{Rand: bytes.NewReader(make([]byte, 64))}
	var buf bytes.Buffer
	if err := c.Compose(&buf, m); err != nil {
		log.Fatal(err)
	}
	fmt.Print(strings.ReplaceAll(buf.String(), "\r\n", "\n"))
	// Output:
	// From: "SAV BTGP" <sav@oc.example>
	// To: <sav@oi.example>
	// Subject: SAV FTTH - SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv
	// Date: Wed, 25 Nov 2026 09:30:00 +0100
	// Message-ID: <depot-0001@oc.example>
	// MIME-Version: 1.0
	// Content-Type: multipart/mixed; boundary="=_savsdk_000000000000000000000000"
	//
	// This is a multi-part message in MIME format.
	//
	// --=_savsdk_000000000000000000000000
	// Content-Type: text/plain; charset=utf-8
	// Content-Transfer-Encoding: quoted-printable
	//
	// SAV FTTH - SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv
	//
	// --=_savsdk_000000000000000000000000
	// Content-Type: text/csv; charset=windows-1252;
	//  name=SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv
	// Content-Disposition: attachment;
	//  filename="SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv";
	//  filename*=utf-8''SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv
	// Content-Transfer-Encoding: base64
	//
	// UmVmZXJlbmNlUHJlc3RhdGlvblByaXNlO1JlZmVyZW5jZVByaXNlO1JlZmVyZW5jZVNpZ1NBVlJh
	// Y2NvT0M7RGF0ZUluY2lkQ2xpZW50RmluYWw7TmF0dXJlRGVmYXV0O1ByZWxvY0RlZmF1dDtOb21D
	// bGllbnQ7UHJlbm9tQ2xpZW50O0NvbnRhY3RDbGllbnQxO0NvbnRhY3RDbGllbnQyO0lkUmR2O1By
	// b3BhbFJkdjtDb21tZW50YWlyZQ0KO0ZJLTEyMzQtNTY3ODtCVEdQLU1HLU9JLTAwMDEyMy0wMDAx
	// OzIwMjYxMTIwO0NPVVBVUkU7UEJPOzs7Ozs7O1BhcyBkZSBzaWduYWwsIGOcdXIgZHUgYm/udGll
	// ciBhcnJhY2jpDQo=
	// --=_savsdk_000000000000000000000000--
}

// An OI polls its Maildir: each readable mail goes to the handler, which
// answers a DEPOT with its AR; what cannot be read is quarantined and
// answered with an AR KO. Here the OC's mailbox is a Maildir too, so the
// whole exchange runs on disk.
func ExamplePoller() {
	ctx := context.Background()
	root, err := os.MkdirTemp("", "savsdk-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)
	oiBox, err := v1a.OpenMaildir(root + "/oi")
	if err != nil {
		log.Fatal(err)
	}
	ocBox, err := v1a.OpenMaildir(root + "/oc")
	if err != nil {
		log.Fatal(err)
	}
	oc := mail.Address{Address: "sav@oc.example"}
	oi := mail.Address{Address: "sav@oi.example"}
	var seq v1a.Sequence

	// The OC files two signalisations: the OI's Maildir stands for its
	// mail server.
	depots := []v1a.Record{
		&v1a.Depot{ReferencePrise: "FI-1234-5678", ReferenceSigSAVRaccoOC: "BTGP-000123",
			DateIncidClientFinal: ticket.Date{Year: 2026, Month: 11, Day: 20},
			NatureDefaut:         codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO},
		&v1a.Depot{ReferencePrise: "FI-2222-3333", ReferenceSigSAVRaccoOC: "BTGP-000124",
			DateIncidClientFinal: ticket.Date{Year: 2026, Month: 11, Day: 21},
			NatureDefaut:         codes.NatureDefautCoupure, PrelocDefaut: "CAVE"},
	}
	depot, err := v1a.NewMessage(oc, []mail.Address{oi},
		v1a.NewFileName(&seq, v1a.FlowDepot, "BTGP", "FTEL", time.Now()), depots, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := oiBox.Send(ctx, depot); err != nil {
		log.Fatal(err)
	}

	// The OI's loop.
	poller := &v1a.Poller{
		Mailbox: oiBox, Replies: ocBox, Self: oi, Operator: "FTEL",
		Handler: v1a.MailHandlerFunc(func(ctx context.Context, in *v1a.Inbound) error {
			ack, err := v1a.ComputeAR(ctx, bytes.NewReader(in.Message.Attachment),
				v1a.AckOptions{Charset: in.Message.Charset, IDPrefix: "FTEL-"})
			if err != nil {
				return err
			}
			ar, err := v1a.NewMessage(oi, []mail.Address{in.Message.From},
				v1a.NewFileName(&seq, v1a.FlowAR, "FTEL", in.Name.Sender, time.Now()), ack.Records(),
				&v1a.MessageOptions{InReplyTo: in.Message.MessageID})
			if err != nil {
				return err
			}
			return ocBox.Send(ctx, ar)
		}),
	}
	res, err := poller.Poll(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("OI: %d handled, %d quarantined\n", res.Handled, res.Quarantined)

	// The OC reads the AR.
	envs, err := ocBox.Fetch(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range envs {
		in, err := v1a.ReadMail(bytes.NewReader(e.Raw))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("OC:", in.Flow, "from", in.Name.Sender, "answering", in.Message.InReplyTo == depot.MessageID)
		for _, r := range in.Records {
			ar := r.(*v1a.AR)
			if ar.StatutAR == v1a.StatutOK {
				fmt.Println(" ", ar.ReferenceSigSAVRaccoOC, "OK", ar.ReferenceSigSAVOI)
			} else {
				fmt.Println(" ", ar.ReferenceSigSAVRaccoOC, "KO", int(ar.CodeRetour), ar.MotifRefus)
			}
		}
		if err := ocBox.Mark(ctx, e, v1a.DispositionHandled); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// OI: 1 handled, 0 quarantined
	// OC: AR from FTEL answering true
	//   BTGP-000123 OK FTEL-000001
	//   BTGP-000124 KO 2 INFO PrelocDefaut ERRONEE - HORS VALEURS PREVUEES: "CAVE"
}
