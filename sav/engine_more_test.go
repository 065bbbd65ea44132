package sav_test

import (
	"bytes"
	"context"
	"net/mail"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

// TestRdvNegotiation: the OI asks for slots, the OC answers, the OI
// confirms, in both protocols.
func TestRdvNegotiation(t *testing.T) {
	bothProtocols(t, func(t *testing.T, proto savtest.Protocol) {
		ctx := context.Background()
		p := savtest.NewPair(t, savtest.Options{Protocol: proto})
		_, err := p.OC.File(ctx, p.Filing("REF-RDV"))
		require.NoError(t, err)
		key := p.OIEvents.Wait(t, "REF-RDV", sav.EventFiled).Key
		_, err = p.OI.TakeCharge(ctx, key, "")
		require.NoError(t, err)
		_, err = p.OI.Inform(ctx, key, sav.Information{Message: &ticket.Message{Type: codes.TypeMessageDemandeRdv,
			Texte: "merci de proposer des créneaux"}})
		require.NoError(t, err)
		ask := p.OCEvents.Wait(t, "REF-RDV", sav.EventInformation)
		require.Equal(t, codes.TypeMessageDemandeRdv, ask.Transaction.Message.Type)
		slot := tomorrowSlot(14)
		_, err = p.OC.AnswerRdv(ctx, p.OCKey("REF-RDV"), slot)
		require.NoError(t, err)
		ans := p.OIEvents.Wait(t, "REF-RDV", sav.EventInformation)
		require.Equal(t, codes.TypeMessageReponseRdv, ans.Transaction.Message.Type)
		require.True(t, ans.Ticket.Rdv.Creneaux[0].Debut.Equal(slot.Debut))
	})
}

// TestResyncAndSearch: the OC gets the OI's copy and searches the OI's
// tickets (2.0), or its own copies (1.0a, which has neither).
func TestResyncAndSearch(t *testing.T) {
	ctx := context.Background()
	t.Run("v2", func(t *testing.T) {
		p := savtest.NewPair(t, savtest.Options{})
		for _, ref := range []string{"S-1", "S-2"} {
			_, err := p.OC.File(ctx, p.Filing(ref))
			require.NoError(t, err)
		}
		key := p.OIEvents.Wait(t, "S-2", sav.EventFiled).Key
		got, err := p.OI.TicketByID(ctx, "FTEL00000002")
		require.NoError(t, err)
		require.Equal(t, "S-2", got.ReferenceSigSAVRaccoOC)
		// The OC misses a notification (its endpoint is down) and resyncs
		// from the OI; once it is back, the notification still waiting in
		// the OI's outbox is accepted without being applied twice.
		p.OCEndpoint.Stop()
		_, err = p.OI.TakeCharge(ctx, key, codes.EtatResolutionPrevue)
		require.NoError(t, err)
		tk, err := p.OC.Resync(ctx, p.OCKey("S-2"))
		require.NoError(t, err)
		require.Equal(t, ticket.StateOpenActive, tk.State)
		require.Equal(t, codes.EtatResolutionPrevue, tk.EtatResolution)
		require.Equal(t, 1, tk.Version)
		require.NoError(t, p.OCEndpoint.Restart())
		waitOutboxEmpty(t, p.OIStore)
		tk, err = p.OC.Ticket(ctx, p.OCKey("S-2"))
		require.NoError(t, err)
		require.Equal(t, 1, tk.Version)
		_, err = p.OC.Inform(ctx, p.OCKey("S-2"), comment("après resync"))
		require.NoError(t, err)
		require.Equal(t, "après resync", p.OIEvents.Wait(t, "S-2", sav.EventInformation).Transaction.Message.Texte)
		res, err := p.OC.Search(ctx, "FTEL", &v2.Filter{ReferenceSigSAVRaccoOC: "S-1"})
		require.NoError(t, err)
		require.Len(t, res, 1)
		require.Equal(t, "FTEL00000001", res[0].ReferenceSigSAVOI)
		all, err := p.OC.Search(ctx, "FTEL", nil)
		require.NoError(t, err)
		require.Len(t, all, 2)
		mine, err := p.OC.List(ctx, sav.Query{})
		require.NoError(t, err)
		require.Len(t, mine, 2)
	})
	t.Run("v1a", func(t *testing.T) {
		p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
		_, err := p.OC.File(ctx, p.Filing("S-3"))
		require.NoError(t, err)
		p.OCEvents.Wait(t, "S-3", sav.EventAcknowledged)
		_, err = p.OC.Resync(ctx, p.OCKey("S-3"))
		require.ErrorIs(t, err, sav.ErrUnsupported)
		res, err := p.OC.Search(ctx, "FTEL", &v2.Filter{ReferenceSigSAVRaccoOC: "S-3"})
		require.NoError(t, err)
		require.Len(t, res, 1)
	})
}

// TestDepotSameReferenceOtherFiling: a second DEPOT mail reusing an OC
// reference with another filing is answered KO 100; a file of a flow the OI
// does not take is quarantined.
func TestDepotSameReferenceOtherFiling(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
	_, err := p.OC.File(ctx, p.Filing("REF-DUP"))
	require.NoError(t, err)
	p.OCEvents.Wait(t, "REF-DUP", sav.EventAcknowledged)

	f := p.Filing("REF-DUP")
	f.Commentaire = "autre chose"
	in := depotMail(t, p, f, "second@bytl.test")
	require.NoError(t, p.OI.MailHandler().HandleMail(ctx, in))
	list, err := p.OI.List(ctx, sav.Query{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	// The AR KO goes to the OC, whose ticket is no longer Submitted: its
	// engine records the refusal and changes nothing.
	require.Eventually(t, func() bool { return countMail(t, p.Post.Maildir(p.OCAddress.Address).Dir()) == 2 },
		5*time.Second, 10*time.Millisecond)
	raw := lastMail(t, p.Post.Maildir(p.OCAddress.Address).Dir(), "second@bytl.test")
	ar, err := v1a.ReadMail(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Len(t, ar.Records, 1)
	require.Equal(t, v1a.StatutKO, ar.Records[0].(*v1a.AR).StatutAR)
	require.Equal(t, codes.ReturnCodeCannotCreate, ar.Records[0].(*v1a.AR).CodeRetour)

	// An AR file sent to the OI is not for it: quarantined.
	in.Flow = v1a.FlowAR
	in.Message.MessageID = "third@bytl.test"
	require.ErrorIs(t, p.OI.MailHandler().HandleMail(ctx, in), v1a.ErrQuarantine)
}

func depotMail(t *testing.T, p *savtest.Pair, f *ticket.Filing, id string) *v1a.Inbound {
	t.Helper()
	d, _, err := v1a.DepotFromFiling(f)
	require.NoError(t, err)
	name := v1a.FileName{Flow: v1a.FlowDepot, Sender: "BYTL", Recipient: "FTEL", Time: time.Now(), Seq: 77}
	m, err := v1a.NewMessage(p.OCAddress, []mail.Address{p.OIAddress}, name, []v1a.Record{d}, nil)
	require.NoError(t, err)
	m.MessageID = id
	raw, err := m.Bytes()
	require.NoError(t, err)
	in, err := v1a.ReadMail(bytes.NewReader(raw))
	require.NoError(t, err)
	return in
}

// lastMail returns the mail of dir answering the Message-ID inReplyTo.
func globFiles(dir, sub string) ([][]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, sub, "*"))
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func lastMail(t *testing.T, dir, inReplyTo string) []byte {
	t.Helper()
	for _, sub := range []string{"new", "cur"} {
		files, _ := globFiles(dir, sub)
		for _, f := range files {
			m, err := v1a.ParseMail(bytes.NewReader(f))
			if err == nil && m.InReplyTo == inReplyTo {
				return f
			}
		}
	}
	t.Fatalf("no mail answering %s", inReplyTo)
	return nil
}

func TestConversions(t *testing.T) {
	tk := &ticket.Ticket{}
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: time.Now(),
		Filing: savtest.Filing("BYTL", "FTEL", "CONV")}))
	_, err := sav.V2SetRequest(tk, ticket.Transaction{Kind: ticket.KindCOInformation}, nil)
	require.Error(t, err, "no OI id yet")
	require.NoError(t, tk.ApplyV1AAcknowledge(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI,
		At: time.Now(), ReferenceSigSAVOI: "FTEL00000009"}))
	closure := ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: time.Now(),
		Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI, Localisation: codes.PrelocDefautPM}}
	rec, _, err := sav.V1ARecord(tk, closure)
	require.NoError(t, err)
	require.Equal(t, v1a.FlowCloture, rec.Flow())
	req, err := sav.V2SetRequest(tk, closure, nil)
	require.NoError(t, err)
	_, back, err := req.Transaction(nil)
	require.NoError(t, err)
	require.Equal(t, ticket.KindCaseSolved, back.Kind)
	_, _, err = sav.V1ARecord(tk, ticket.Transaction{Kind: ticket.KindCancelRequest, Sender: codes.RoleOC})
	require.ErrorIs(t, err, sav.ErrUnsupported)
}

// TestV2DuplicateCreate: a second create of the same OC reference by the
// same OC gets the first answer again (the journal keys a create on the
// OC's reference); once the journal has forgotten it, it is fault 100
// carrying the existing key. Either way the OI keeps one ticket.
func TestV2DuplicateCreate(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{})
	c, err := p.V2Client(codes.RoleOC)
	require.NoError(t, err)
	first, err := c.Create(ctx, p.Filing("DUP-2"), nil)
	require.NoError(t, err)
	again, err := c.Create(ctx, p.Filing("DUP-2"), nil)
	require.NoError(t, err)
	require.Equal(t, first.Key, again.Key)

	n, err := p.OIStore.Forget(ctx, sav.Retention{Keep: 0})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = c.Create(ctx, p.Filing("DUP-2"), nil)
	var fe *v2.FaultError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, codes.ReturnCodeCannotCreate, fe.ReturnCode())
	require.Equal(t, first.Key, fe.Key())
	list, err := p.OI.List(ctx, sav.Query{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	un, err := p.OIStore.Unresolved(ctx)
	require.NoError(t, err)
	require.Empty(t, un)
}

// TestDepotSeveralLines: one DEPOT file of three lines, one of them
// invalid, is answered by one AR file of three lines in order; two tickets
// are created.
func TestDepotSeveralLines(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
	var recs []v1a.Record
	for _, ref := range []string{"L-1", "L-2", "L-3"} {
		d, _, err := v1a.DepotFromFiling(p.Filing(ref))
		require.NoError(t, err)
		recs = append(recs, d)
	}
	recs[1].(*v1a.Depot).PrelocDefaut = codes.PrelocDefautPTO // home intervention without customer nor rdv: KO
	name := v1a.FileName{Flow: v1a.FlowDepot, Sender: "BYTL", Recipient: "FTEL", Time: time.Now(), Seq: 12}
	m, err := v1a.NewMessage(p.OCAddress, []mail.Address{p.OIAddress}, name, recs, nil)
	require.NoError(t, err)
	m.MessageID = "multi@bytl.test"
	raw, err := m.Bytes()
	require.NoError(t, err)
	in, err := v1a.ReadMail(bytes.NewReader(raw))
	require.NoError(t, err)
	require.NoError(t, p.OI.MailHandler().HandleMail(ctx, in))

	list, err := p.OI.List(ctx, sav.Query{})
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Eventually(t, func() bool { return countMail(t, p.Post.Maildir(p.OCAddress.Address).Dir()) == 1 },
		5*time.Second, 10*time.Millisecond)
	ar, err := v1a.ReadMail(bytes.NewReader(lastMail(t, p.Post.Maildir(p.OCAddress.Address).Dir(), "multi@bytl.test")))
	require.NoError(t, err)
	require.Len(t, ar.Records, 3)
	var got []string
	for _, r := range ar.Records {
		a := r.(*v1a.AR)
		got = append(got, a.ReferenceSigSAVRaccoOC+" "+string(a.StatutAR))
	}
	require.Equal(t, []string{"L-1 OK", "L-2 KO", "L-3 OK"}, got)
	require.Equal(t, codes.ReturnCodeMissing, ar.Records[1].(*v1a.AR).CodeRetour)
}

// TestV1ALoss: a closure whose description 1.0a cannot carry is refused
// with a typed error and nothing changes; the same closure without it goes.
func TestV1ALoss(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
	_, err := p.OC.File(ctx, p.Filing("LOSS"))
	require.NoError(t, err)
	key := p.OIEvents.Wait(t, "LOSS", sav.EventFiled).Key
	c := ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI, Localisation: codes.PrelocDefautPM,
		Description: "fibre écrasée"}
	_, err = p.OI.Close(ctx, key, c)
	var ue *sav.UnsupportedError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "cloture.description", ue.Field)
	tk, err := p.OI.Ticket(ctx, key)
	require.NoError(t, err)
	require.Equal(t, ticket.StateOpenActive, tk.State)
	c.Commentaire, c.Description = "fibre écrasée", ""
	_, err = p.OI.Close(ctx, key, c)
	require.NoError(t, err)
	require.Equal(t, "fibre écrasée", p.OCEvents.Wait(t, "LOSS", sav.EventClosed).Ticket.Cloture.Commentaire)
}
