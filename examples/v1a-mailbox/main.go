// Command v1a-mailbox shows both sides of a protocol 1.0a exchange written
// with package v1a alone (no engine): the OC mails a DEPOT file with two
// signalisations and a mail whose file was forgotten; the OI's mailbox loop
// (a v1a.Poller over its Maildir) answers the DEPOT with its AR (one line
// OK, one KO), quarantines the mail it cannot read and answers it with an AR
// KO, and, once the repair is done, closes the ticket with a CLOTURE file.
// The OC reads each answer and applies it to its own copy of the ticket
// through the lifecycle: the AR OK moves it to OPENACTIVE, the AR KO to
// REJECTED, the CLOTURE to CLOSED.
//
// Transport: the Maildirs of the OI and of the OC live in a temporary
// directory and (*v1a.Maildir).Send delivers into them directly, so no mail
// server is needed. In production the Poller reads the Maildir the OI's MTA
// delivers to, and Replies is a v1a.SMTPSender.
//
// Run it with: go run ./examples/v1a-mailbox
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

const (
	codeOC = "BTGP"
	codeOI = "FTEL"
)

var (
	ocAddr = mail.Address{Name: "SAV BTGP", Address: "sav@oc.example"}
	oiAddr = mail.Address{Name: "SAV FTEL", Address: "sav@oi.example"}
)

// oiDesk is the OI's side: its tickets, by OI reference.
type oiDesk struct {
	mu      sync.Mutex
	seq     v1a.Sequence
	tickets map[string]*ticket.Ticket
	out     v1a.Sender // towards the OC
}

// HandleMail answers a DEPOT with its AR and opens a ticket per OK line.
func (d *oiDesk) HandleMail(ctx context.Context, in *v1a.Inbound) error {
	if in.Flow != v1a.FlowDepot {
		return fmt.Errorf("an OI does not expect %s files here: %w", in.Flow, v1a.ErrQuarantine)
	}
	ack, err := v1a.ComputeAR(ctx, bytes.NewReader(in.Message.Attachment),
		v1a.AckOptions{Charset: in.Message.Charset, IDPrefix: "FTEL-SAV-"})
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, line := range ack.Lines {
		ar := line.Answer.(*v1a.AR)
		if ar.StatutAR != v1a.StatutOK {
			continue
		}
		tk, err := v1a.TicketOf(in.Records[i], in.Name.Sender, codeOI)
		if err != nil {
			return err
		}
		tx, err := v1a.TransactionOf(ar, in.Name.Sender, codeOI)
		if err != nil {
			return err
		}
		if err := tk.ApplyV1AAcknowledge(tx); err != nil {
			return err
		}
		d.tickets[ar.ReferenceSigSAVOI] = tk
	}
	msg, err := v1a.NewMessage(oiAddr, []mail.Address{in.Message.From},
		v1a.NewFileName(&d.seq, v1a.FlowAR, codeOI, in.Name.Sender, time.Now()), ack.Records(),
		&v1a.MessageOptions{InReplyTo: in.Message.MessageID})
	if err != nil {
		return err
	}
	fmt.Printf("OI: %s: %d line(s) answered in %s\n", in.Name, len(ack.Lines), msg.FileName)
	return d.out.Send(ctx, msg)
}

// close records the repair of a ticket and mails the CLOTURE.
func (d *oiDesk) close(ctx context.Context, ref string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	tk := d.tickets[ref]
	if tk == nil {
		return fmt.Errorf("no ticket %s", ref)
	}
	cl := &v1a.Cloture{
		ReferenceSigSAVOI:      tk.ReferenceSigSAVOI,
		ReferenceSigSAVRaccoOC: tk.ReferenceSigSAVRaccoOC,
		ReferencePrise:         tk.ReferencePrise,
		DateCloture:            time.Now().In(ticket.Paris).Truncate(time.Second),
		CodeCloture:            "RET01",
		Responsabilite:         codes.ResponsabiliteOI,
		LocalisationDefaut:     codes.PrelocDefautPBO,
		Commentaire:            "Épissure refaite au PBO, niveau de signal rétabli à -21 dBm",
	}
	tx, err := v1a.TransactionOf(cl, tk.CodeOC, codeOI)
	if err != nil {
		return err
	}
	if err := tk.Apply(tx); err != nil {
		return err
	}
	msg, err := v1a.NewMessage(oiAddr, []mail.Address{ocAddr},
		v1a.NewFileName(&d.seq, v1a.FlowCloture, codeOI, tk.CodeOC, time.Now()), []v1a.Record{cl}, nil)
	if err != nil {
		return err
	}
	fmt.Printf("OI: ticket %s %s, sending %s\n", ref, tk.State, msg.FileName)
	return d.out.Send(ctx, msg)
}

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	root, err := os.MkdirTemp("", "v1a-mailbox")
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

	// The OI's loop runs until the end of the program.
	desk := &oiDesk{tickets: map[string]*ticket.Ticket{}, out: ocBox}
	poller := &v1a.Poller{
		Mailbox: oiBox, Handler: desk, Replies: ocBox, Self: oiAddr, Operator: codeOI,
		Sequence: &desk.seq, // one numbering for every file the OI sends
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	loopCtx, stop := context.WithCancel(ctx)
	defer stop()
	loopDone := make(chan error, 1)
	go func() { loopDone <- poller.Run(loopCtx, 20*time.Millisecond) }()

	// The OC files two signalisations in one file, then sends a mail whose
	// file was forgotten.
	var ocSeq v1a.Sequence
	now := time.Now().In(ticket.Paris)
	depots := []v1a.Record{
		&v1a.Depot{ReferencePrise: "FI-1234-5678", ReferenceSigSAVRaccoOC: "BTGP-000123",
			DateIncidClientFinal: ticket.DateOf(now), NatureDefaut: codes.NatureDefautCoupure,
			PrelocDefaut: codes.PrelocDefautPBO},
		&v1a.Depot{ReferencePrise: "FI-2222-3333", ReferenceSigSAVRaccoOC: "BTGP-000124",
			DateIncidClientFinal: ticket.DateOf(now), NatureDefaut: codes.NatureDefautAffaiblissement,
			PrelocDefaut: codes.PrelocDefautPTO}, // needs a customer and an appointment: KO
	}
	depot, err := v1a.NewMessage(ocAddr, []mail.Address{oiAddr},
		v1a.NewFileName(&ocSeq, v1a.FlowDepot, codeOC, codeOI, now), depots, nil)
	if err != nil {
		return err
	}
	if err := oiBox.Send(ctx, depot); err != nil {
		return err
	}
	// The OC's copies of its tickets start SUBMITTED.
	mine := map[string]*ticket.Ticket{}
	for _, rec := range depots {
		tk, err := v1a.TicketOf(rec, codeOC, codeOI)
		if err != nil {
			return err
		}
		mine[tk.ReferenceSigSAVRaccoOC] = tk
	}
	forgotten := []byte("From: SAV BTGP <sav@oc.example>\r\nTo: sav@oi.example\r\n" +
		"Subject: SAV FTTH - SAV_DEPOT_BTGP_FTEL_" + now.Format("20060102150405") + "_0002.csv\r\n" +
		"Message-ID: <forgotten-0002@oc.example>\r\n\r\nVoici le fichier.\r\n")
	if _, err := oiBox.Deliver(ctx, forgotten); err != nil {
		return err
	}

	// The OC waits for its answers: the AR, the AR KO of the mail without a
	// file, then the closure the OI sends once the repair is done.
	closed := false
	deadline := time.Now().Add(30 * time.Second)
	for seen := map[v1a.Flow]int{}; seen[v1a.FlowCloture] == 0; {
		if time.Now().After(deadline) {
			return errors.New("the OC did not receive the closure in time")
		}
		envs, err := ocBox.Fetch(ctx)
		if err != nil {
			return err
		}
		for _, e := range envs {
			in, err := v1a.ReadMail(bytes.NewReader(e.Raw))
			if err != nil {
				return err
			}
			seen[in.Flow]++
			for _, rec := range in.Records {
				if err := apply(mine, rec); err != nil {
					return err
				}
			}
			if err := ocBox.Mark(ctx, e, v1a.DispositionHandled); err != nil {
				return err
			}
		}
		if seen[v1a.FlowAR] == 2 && !closed {
			if err := desk.close(ctx, "FTEL-SAV-000001"); err != nil {
				return err
			}
			closed = true
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-loopDone; !errors.Is(err, context.Canceled) {
		return err
	}
	for _, ref := range []string{"BTGP-000123", "BTGP-000124"} {
		tk := mine[ref]
		fmt.Printf("OC: ticket %s is %s, version %d, %d history entries\n", ref, tk.State, tk.Version, len(tk.History))
	}
	if mine["BTGP-000123"].State != ticket.StateClosed || mine["BTGP-000124"].State != ticket.StateRejected {
		return errors.New("the OC's copies did not end CLOSED and REJECTED")
	}
	q, err := os.ReadDir(filepath.Join(oiBox.QuarantineDir(), "new"))
	if err != nil {
		return err
	}
	fmt.Printf("OI: %d message(s) in quarantine, nothing deleted\n", len(q))
	return nil
}

// apply applies an answer the OC received to its copy of the ticket: an AR
// OK acknowledges it and starts the prise en charge, an AR KO rejects it, a
// CLOTURE closes it. An AR KO of a mail without a file names no ticket.
func apply(mine map[string]*ticket.Ticket, rec v1a.Record) error {
	switch r := rec.(type) {
	case *v1a.AR:
		fmt.Printf("OC: AR %s %q %s\n", r.StatutAR, r.ReferenceSigSAVRaccoOC, r.ReferenceSigSAVOI+r.MotifRefus)
		tk := mine[r.ReferenceSigSAVRaccoOC]
		if tk == nil {
			return nil
		}
		tx, err := v1a.TransactionOf(r, codeOC, codeOI)
		if err != nil {
			return err
		}
		if r.StatutAR == v1a.StatutOK {
			return tk.ApplyV1AAcknowledge(tx)
		}
		return tk.Apply(tx)
	case *v1a.Cloture:
		fmt.Printf("OC: CLOTURE of %s: %s, responsabilité %s, at %s: %s\n", r.ReferenceSigSAVRaccoOC,
			r.CodeCloture, r.Responsabilite, r.LocalisationDefaut.V1A(), r.Commentaire)
		tk := mine[r.ReferenceSigSAVRaccoOC]
		if tk == nil {
			return fmt.Errorf("CLOTURE of an unknown ticket %s", r.ReferenceSigSAVRaccoOC)
		}
		tx, err := v1a.TransactionOf(r, codeOC, codeOI)
		if err != nil {
			return err
		}
		return tk.Apply(tx)
	}
	return nil
}
