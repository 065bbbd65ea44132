package sav_test

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

var (
	fuzzOCAddress = mail.Address{Address: "sav-ftth@bytl.test"}
	fuzzOIAddress = mail.Address{Address: "sav-ftth@ftel.test"}
	fuzzNow       = time.Date(2026, 12, 1, 10, 0, 0, 0, ticket.Paris)
)

// fuzzOI returns an OI engine over a new MemStore, whose only peer is the
// 1.0a OC BYTL.
func fuzzOI(t testing.TB) (*sav.OI, *sav.MemStore) {
	t.Helper()
	store := sav.NewMemStore()
	peers := &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", Role: codes.RoleOC,
		V1A: &sav.PeerV1A{Address: fuzzOCAddress.Address}}}}
	oi, err := sav.NewOI(sav.Options{Code: "FTEL", Store: store, Peers: peers,
		MailFrom: fuzzOIAddress, Mail: v1a.SenderFunc(func(context.Context, *v1a.Message) error { return nil }),
		Validator: func() *v1a.Validator { return &v1a.Validator{Now: fuzzNow} },
		Now:       func() time.Time { return fuzzNow }})
	if err != nil {
		t.Fatal(err)
	}
	return oi, store
}

// fuzzMail returns the bytes of a mail from from carrying recs in a file
// named for flow, from sender to recipient.
func fuzzMail(f *testing.F, from mail.Address, flow v1a.Flow, sender, recipient, id string, recs ...v1a.Record) []byte {
	f.Helper()
	name := v1a.FileName{Flow: flow, Sender: sender, Recipient: recipient, Time: fuzzNow, Seq: 1}
	m, err := v1a.NewMessage(from, []mail.Address{fuzzOIAddress}, name, recs, nil)
	if err != nil {
		f.Fatal(err)
	}
	m.MessageID = id
	raw, err := m.Bytes()
	if err != nil {
		f.Fatal(err)
	}
	return raw
}

// FuzzOIMail feeds arbitrary mails, read as a Poller reads them, to an OI's
// 1.0a mail handler. It must not panic; the mail must be journaled and
// leave no pending entry (nothing lost, and no mail the Poller keeps
// fetching for ever): resolved when the handler accepts it, quarantined
// when it refuses it; the tickets it creates must be the sender's, with OI
// ids; and the same mail handled again must change nothing.
func FuzzOIMail(f *testing.F) {
	filing := &ticket.Filing{CodeOC: "BYTL", CodeOI: "FTEL", ReferenceSigSAVRaccoOC: "REF-1",
		ReferencePrise: "FI-1234-5678", DateIncident: ticket.Date{Year: 2026, Month: time.November, Day: 30},
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPM,
		Commentaire: "Pas de signal chez le client. Signal au PM : -19.43 dBm"}
	depot, _, err := v1a.DepotFromFiling(filing)
	if err != nil {
		f.Fatal(err)
	}
	bad := *depot
	bad.PrelocDefaut = codes.PrelocDefautPTO // a home intervention without customer nor rdv: KO
	bad.ReferenceSigSAVRaccoOC = "REF-2"
	f.Add(fuzzMail(f, fuzzOCAddress, v1a.FlowDepot, "BYTL", "FTEL", "depot@bytl.test", depot, &bad))
	f.Add(fuzzMail(f, mail.Address{Address: "other@bytl.test"}, v1a.FlowDepot, "BYTL", "FTEL", "spoof@bytl.test", depot))
	f.Add(fuzzMail(f, fuzzOCAddress, v1a.FlowDepot, "BYTL", "SFRA", "elsewhere@bytl.test", depot))
	f.Add(fuzzMail(f, fuzzOCAddress, v1a.FlowInfo, "BYTL", "FTEL", "info@bytl.test",
		&v1a.Info{ReferenceSigSAVOI: "FTEL00000001", ReferenceSigSAVRaccoOC: "REF-1", Emetteur: codes.RoleOC,
			DateMessage: fuzzNow, TypeMessage: codes.TypeMessageCommentaire, Commentaire: "bonjour"}))
	f.Add(fuzzMail(f, fuzzOCAddress, v1a.FlowAR, "BYTL", "FTEL", "ar@bytl.test",
		&v1a.AR{ReferenceSigSAVRaccoOC: "REF-1", StatutAR: v1a.StatutOK}))
	parser := v1a.MailParser{Limits: v1a.MailLimits{MaxSize: 1 << 20, MaxParts: 32, MaxDepth: 6}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := parser.ReadMail(bytes.NewReader(raw))
		if err != nil {
			return // the Poller quarantines an unreadable mail without calling the handler
		}
		ctx := context.Background()
		oi, store := fuzzOI(t)
		h := oi.MailHandler()
		herr := h.HandleMail(ctx, in)
		quarantined := errors.Is(herr, v1a.ErrQuarantine)
		pending, err := store.Unresolved(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 0 {
			t.Fatalf("handler returned %v and left %d pending journal entries", herr, len(pending))
		}
		q, err := store.Quarantined(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case herr == nil && len(q) != 0:
			t.Fatalf("accepted mail, %d quarantined entries: %+v", len(q), q[0].Outcome)
		case quarantined && len(q) != 1:
			t.Fatalf("quarantined mail (%v), %d quarantined entries", herr, len(q))
		case herr != nil && !quarantined:
			t.Fatalf("mail refused without quarantine: %v", herr)
		}
		list, err := oi.List(ctx, sav.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if quarantined && len(list) != 0 {
			t.Fatalf("a quarantined mail created %d tickets", len(list))
		}
		for _, tk := range list {
			if tk.CodeOC != "BYTL" || tk.CodeOI != "FTEL" || tk.ReferenceSigSAVOI == "" {
				t.Fatalf("ticket %q of %s at %s, OI id %q", tk.ReferenceSigSAVRaccoOC, tk.CodeOC, tk.CodeOI,
					tk.ReferenceSigSAVOI)
			}
		}
		deliveries, err := store.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}

		// The same mail again (fetched twice, or after a crash) changes
		// nothing.
		again := h.HandleMail(ctx, in)
		if again != nil && !errors.Is(again, v1a.ErrQuarantine) {
			t.Fatalf("mail handled again: %v (first %v)", again, herr)
		}
		list2, err := oi.List(ctx, sav.Query{})
		if err != nil {
			t.Fatal(err)
		}
		deliveries2, err := store.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list2) != len(list) || len(deliveries2) != len(deliveries) {
			t.Fatalf("mail handled again: %d tickets and %d deliveries, first %d and %d", len(list2),
				len(deliveries2), len(list), len(deliveries))
		}
		if pending, _ := store.Unresolved(ctx); len(pending) != 0 {
			t.Fatalf("mail handled again: %d pending journal entries", len(pending))
		}
	})
}
