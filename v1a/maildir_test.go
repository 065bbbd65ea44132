package v1a

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestMaildirDeliverFetchMark(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "oi")
	md, err := OpenMaildir(dir)
	require.NoError(t, err)
	require.Equal(t, dir, md.Dir())

	raw1 := readMailFixture(t, "outlook_alternative_base64.eml")
	raw2 := readMailFixture(t, "thunderbird_qp.eml")
	noID := []byte("From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n")
	k1, err := md.Deliver(ctx, raw1)
	require.NoError(t, err)
	k2, err := md.Deliver(ctx, raw2)
	require.NoError(t, err)
	k3, err := md.Deliver(ctx, noID)
	require.NoError(t, err)
	require.Empty(t, listDir(t, filepath.Join(dir, "tmp")), "tmp/ is emptied by the rename")

	envs, err := md.Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, envs, 3)
	require.Equal(t, []string{k1, k2, k3}, []string{envs[0].Key, envs[1].Key, envs[2].Key}, "oldest first")
	require.Equal(t, "AM0PR01MB1234ABCD@AM0PR01MB1234.eurprd01.prod.outlook.com", envs[0].MessageID)
	require.True(t, strings.HasPrefix(envs[2].MessageID, "sha256:"))
	require.Equal(t, raw1, envs[0].Raw)

	// Batch bounds a fetch.
	md.Batch = 2
	few, err := md.Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, few, 2)
	md.Batch = 0

	require.NoError(t, md.Mark(ctx, envs[0], DispositionHandled))
	require.NoError(t, md.Mark(ctx, envs[2], DispositionHandled))
	require.ElementsMatch(t, []string{k1 + ":2,S", k3 + ":2,S"}, listDir(t, filepath.Join(dir, "cur")))
	require.Equal(t, []string{k2}, listDir(t, filepath.Join(dir, "new")))
	require.True(t, md.Handled(envs[0].MessageID))

	// The same messages delivered again are moved to cur/ unreturned, also
	// after reopening the Maildir.
	md2, err := OpenMaildir(dir)
	require.NoError(t, err)
	d1, err := md2.Deliver(ctx, raw1)
	require.NoError(t, err)
	d3, err := md2.Deliver(ctx, noID)
	require.NoError(t, err)
	envs, err = md2.Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, envs, 1)
	require.Equal(t, k2, envs[0].Key)
	require.ElementsMatch(t, []string{k1 + ":2,S", k3 + ":2,S", d1 + ":2,S", d3 + ":2,S"}, listDir(t, filepath.Join(dir, "cur")))

	// Quarantine.
	require.NoError(t, md2.Mark(ctx, envs[0], DispositionQuarantined))
	require.Equal(t, []string{k2}, listDir(t, filepath.Join(md2.QuarantineDir(), "new")))
	require.Empty(t, listDir(t, filepath.Join(dir, "new")))

	record, err := os.ReadFile(filepath.Join(dir, HandledFileName))
	require.NoError(t, err)
	require.Len(t, strings.Split(strings.TrimSpace(string(record)), "\n"), 3)

	// Mistakes.
	require.ErrorIs(t, md2.Mark(ctx, &Envelope{Key: "../x"}, DispositionHandled), fs.ErrInvalid)
	require.ErrorIs(t, md2.Mark(ctx, nil, DispositionHandled), fs.ErrInvalid)
	var mde *MaildirError
	require.ErrorAs(t, md2.Mark(ctx, &Envelope{Key: "gone", MessageID: "gone@x"}, DispositionHandled), &mde)
	require.Equal(t, "move", mde.Op)
	require.ErrorAs(t, md2.Mark(ctx, &Envelope{Key: "k", MessageID: "y@x"}, Disposition(9)), &mde)
	require.ErrorAs(t, md2.Mark(ctx, &Envelope{Key: "k", MessageID: "a\nb"}, DispositionHandled), &mde)
	require.Contains(t, mde.Error(), "v1a: maildir record")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, md2.Mark(cancelled, envs[0], DispositionHandled), context.Canceled)
	_, err = md2.Deliver(cancelled, raw1)
	require.ErrorIs(t, err, context.Canceled)
}

func TestMaildirOpenErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := OpenMaildir(file)
	var mde *MaildirError
	require.ErrorAs(t, err, &mde)
	require.Equal(t, "open", mde.Op)

	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, HandledFileName), 0o700))
	_, err = OpenMaildir(dir)
	require.ErrorAs(t, err, &mde)
}

func TestMaildirSendIsLocalDelivery(t *testing.T) {
	ctx := context.Background()
	md, err := OpenMaildir(t.TempDir())
	require.NoError(t, err)
	md.Composer = testComposer()
	m := depotMessage(t)
	require.NoError(t, md.Send(ctx, m))
	envs, err := md.Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, envs, 1)
	require.Equal(t, m.MessageID, envs[0].MessageID)
	got, err := ParseMail(bytes.NewReader(envs[0].Raw))
	require.NoError(t, err)
	require.Equal(t, m.Attachment, got.Attachment)

	bad := depotMessage(t)
	bad.To = nil
	require.ErrorIs(t, md.Send(ctx, bad), ErrMailIncomplete)
}

// pollFixture is an OI mailbox holding every fixture of testdata/mail and an
// OC mailbox receiving the answers.
type pollFixture struct {
	oi, oc   *Maildir
	poller   *Poller
	mu       sync.Mutex
	received []*Inbound
}

func newPollFixture(t *testing.T) *pollFixture {
	t.Helper()
	oi, err := OpenMaildir(filepath.Join(t.TempDir(), "oi"))
	require.NoError(t, err)
	oc, err := OpenMaildir(filepath.Join(t.TempDir(), "oc"))
	require.NoError(t, err)
	f := &pollFixture{oi: oi, oc: oc}
	f.poller = &Poller{
		Mailbox:  oi,
		Replies:  oc,
		Self:     mail.Address{Name: "SAV FTEL", Address: "sav@oi.example"},
		Operator: "FTEL",
		Composer: testComposer(),
		Handler: MailHandlerFunc(func(ctx context.Context, in *Inbound) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.received = append(f.received, in)
			return nil
		}),
		Logger: slog.New(slog.DiscardHandler),
	}
	return f
}

var readableFixtures = []string{
	"outlook_alternative_base64.eml", "thunderbird_qp.eml", "rfc2231_continuation.eml",
	"rfc2047_name_utf8_bom.eml", "singlepart_csv.eml", "singlepart_noname_qp.eml", "forwarded_rfc822.eml",
}

var unreadableFixtures = []string{
	"malformed_no_attachment.eml", "malformed_two_attachments.eml", "malformed_bad_base64.eml",
	"malformed_no_boundary.eml", "malformed_truncated.eml", "malformed_uuencode.eml",
	"malformed_not_a_mail.eml", "malformed_unknown_header.eml",
}

// wantDepot is the content of testdata/mail/depot_win1252.csv.
func wantDepot() []Record {
	return []Record{
		&Depot{ReferencePrestationPrise: "VIA0A0000000BBBBBBBB", ReferencePrise: "FI-1234-5678",
			ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000123-0001", DateIncidClientFinal: ticket.Date{Year: 2026, Month: 11, Day: 20},
			NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO, NomClient: "Lefèvre",
			PrenomClient: "Chloé", ContactClient1: "0612345678",
			Commentaire: "Pas de signal chez notre cliente…. Signal au PM : -19.43 dBm, cœur du boîtier, coût 10 €"},
		&Depot{ReferencePrise: "FI-2222-3333", ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000124-0001",
			DateIncidClientFinal: ticket.Date{Year: 2026, Month: 11, Day: 21}, NatureDefaut: codes.NatureDefautCoupure,
			PrelocDefaut: codes.PrelocDefautPMPBO, Commentaire: "Câble arraché dans la colonne montante"},
	}
}

func TestPollerReadsRealisticMailAndQuarantinesTheRest(t *testing.T) {
	ctx := context.Background()
	f := newPollFixture(t)
	for _, name := range append(slices.Clone(readableFixtures), unreadableFixtures...) {
		_, err := f.oi.Deliver(ctx, readMailFixture(t, name))
		require.NoError(t, err)
	}
	res, err := f.poller.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, PollResult{Handled: 7, Quarantined: 8, Answered: 7}, res)

	// Every readable mail gave the same records, whatever its shape.
	require.Len(t, f.received, 7)
	for _, in := range f.received {
		require.Equal(t, FlowDepot, in.Flow)
		require.NoError(t, in.NameErr)
		require.Equal(t, "BTGP", in.Name.Sender)
		require.Equal(t, "SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv", in.Message.FileName)
		require.Empty(t, in.Problems)
		if diff := cmp.Diff(wantDepot(), in.Records); diff != "" {
			t.Errorf("%s: records (-want +got):\n%s", in.Message.MessageID, diff)
		}
	}

	// Nothing is lost: 7 in cur/, 8 in quarantine, none deleted.
	require.Empty(t, listDir(t, filepath.Join(f.oi.Dir(), "new")))
	require.Len(t, listDir(t, filepath.Join(f.oi.Dir(), "cur")), 7)
	require.Len(t, listDir(t, filepath.Join(f.oi.QuarantineDir(), "new")), 8)

	// The OC got one AR KO per unreadable mail whose sender is known.
	answers, err := f.oc.Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, answers, 7)
	for _, a := range answers {
		in, err := ReadMail(bytes.NewReader(a.Raw))
		require.NoError(t, err)
		require.Equal(t, FlowAR, in.Flow)
		require.Equal(t, FlowAR, in.Name.Flow)
		require.Equal(t, "FTEL", in.Name.Sender)
		require.Equal(t, "BTGP", in.Name.Recipient)
		require.Equal(t, "sav@oi.example", in.Sender())
		require.Equal(t, "sav@oc.example", in.Message.To[0].Address)
		require.True(t, strings.HasSuffix(in.Message.InReplyTo, "@oc.example"), in.Message.InReplyTo)
		require.Equal(t, "windows-1252", in.Message.Charset)
		require.Len(t, in.Records, 1)
		ar := in.Records[0].(*AR)
		require.Equal(t, StatutKO, ar.StatutAR)
		require.Equal(t, codes.ReturnCodeBadFormat, ar.CodeRetour)
		require.True(t, strings.HasPrefix(ar.MotifRefus, "INFO fichier INCORRECTE - FORMAT INVALIDE: "), ar.MotifRefus)
	}

	// A second poll finds nothing; the same mails delivered again are not
	// handled twice.
	res, err = f.poller.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, PollResult{}, res)
	for _, name := range append(slices.Clone(readableFixtures), unreadableFixtures...) {
		_, err := f.oi.Deliver(ctx, readMailFixture(t, name))
		require.NoError(t, err)
	}
	res, err = f.poller.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, PollResult{}, res, "every copy is recognised, by Message-ID or by digest")
	require.Len(t, f.received, 7)
	require.Len(t, listDir(t, filepath.Join(f.oi.Dir(), "cur")), 7+15)
}

func TestPollerHandlerOutcomes(t *testing.T) {
	ctx := context.Background()
	f := newPollFixture(t)
	_, err := f.oi.Deliver(ctx, readMailFixture(t, "outlook_alternative_base64.eml"))
	require.NoError(t, err)

	boom := errors.New("store unavailable")
	f.poller.Handler = MailHandlerFunc(func(context.Context, *Inbound) error { return boom })
	res, err := f.poller.Poll(ctx)
	require.ErrorIs(t, err, boom)
	var he *HandlerError
	require.ErrorAs(t, err, &he)
	require.Equal(t, "AM0PR01MB1234ABCD@AM0PR01MB1234.eurprd01.prod.outlook.com", he.MessageID)
	require.Contains(t, he.Error(), "store unavailable")
	require.Equal(t, PollResult{Failed: 1}, res)
	require.Len(t, listDir(t, filepath.Join(f.oi.Dir(), "new")), 1, "kept for the next poll")

	f.poller.Handler = MailHandlerFunc(func(context.Context, *Inbound) error {
		return errors.Join(ErrQuarantine, errors.New("unknown partner"))
	})
	res, err = f.poller.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, PollResult{Quarantined: 1}, res)
	require.Len(t, listDir(t, filepath.Join(f.oi.QuarantineDir(), "new")), 1)
	answers, err := f.oc.Fetch(ctx)
	require.NoError(t, err)
	require.Empty(t, answers, "the handler answers by itself when it quarantines")
}

func TestPollerAnswers(t *testing.T) {
	ctx := context.Background()
	dommage := strings.ReplaceAll(string(readMailFixture(t, "malformed_unknown_header.eml")),
		"SAV FTTH - SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv", "DOMMAGE FTTH - SAV_DOMMAGE_BTGP_FTEL_20261125093000_0001.csv")
	dommage = strings.ReplaceAll(dommage, "SAV_DEPOT_", "SAV_DOMMAGE_")
	unnamed := strings.ReplaceAll(string(readMailFixture(t, "malformed_no_attachment.eml")),
		"SAV FTTH - SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv", "question")
	ar := strings.ReplaceAll(string(readMailFixture(t, "malformed_no_attachment.eml")), "SAV_DEPOT_", "SAV_AR_")

	tests := []struct {
		name     string
		raw      string
		partners map[string]string
		replies  bool
		answered bool
		flow     Flow
	}{
		{"dommage answered with ARDOMMAGE", dommage, nil, true, true, FlowARDommage},
		{"no name, partner unknown", unnamed, nil, true, false, ""},
		{"no name, partner configured", unnamed, map[string]string{"sav@oc.example": "BTGP"}, true, true, FlowAR},
		{"an AR is never answered", ar, nil, true, false, ""},
		{"no Replies sender", dommage, nil, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPollFixture(t)
			f.poller.Partners = tt.partners
			if !tt.replies {
				f.poller.Replies = nil
			}
			_, err := f.oi.Deliver(ctx, []byte(tt.raw))
			require.NoError(t, err)
			res, err := f.poller.Poll(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, res.Quarantined)
			answers, err := f.oc.Fetch(ctx)
			require.NoError(t, err)
			if !tt.answered {
				require.Zero(t, res.Answered)
				require.Empty(t, answers)
				return
			}
			require.Equal(t, 1, res.Answered)
			require.Len(t, answers, 1)
			in, err := ReadMail(bytes.NewReader(answers[0].Raw))
			require.NoError(t, err)
			require.Equal(t, tt.flow, in.Flow)
			require.Equal(t, "BTGP", in.Name.Recipient)
		})
	}

	// A failing answer still quarantines.
	f := newPollFixture(t)
	f.poller.Replies = SenderFunc(func(context.Context, *Message) error { return errors.New("relay down") })
	_, err := f.oi.Deliver(ctx, []byte(dommage))
	require.NoError(t, err)
	res, err := f.poller.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, PollResult{Quarantined: 1}, res)
}

func TestPollerRunStopsWithContext(t *testing.T) {
	f := newPollFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := f.oi.Deliver(ctx, readMailFixture(t, "thunderbird_qp.eml"))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- f.poller.Run(ctx, 10*time.Millisecond) }()
	require.Eventually(t, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.received) == 1
	}, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	// A cancelled poll stops before handling anything.
	_, err = f.oi.Deliver(context.Background(), readMailFixture(t, "outlook_alternative_base64.eml"))
	require.NoError(t, err)
	_, err = f.poller.Poll(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, f.received, 1)
}

func TestDispositionString(t *testing.T) {
	require.Equal(t, "handled", DispositionHandled.String())
	require.Equal(t, "quarantined", DispositionQuarantined.String())
	require.Equal(t, "unknown", Disposition(0).String())
}

func TestMaildirConcurrentDeliveryWhilePolling(t *testing.T) {
	ctx := context.Background()
	md, err := OpenMaildir(t.TempDir())
	require.NoError(t, err)
	var mu sync.Mutex
	seen := map[string]int{}
	p := &Poller{Mailbox: md, Handler: MailHandlerFunc(func(_ context.Context, in *Inbound) error {
		mu.Lock()
		defer mu.Unlock()
		seen[in.Message.MessageID]++
		return nil
	})}
	const senders, each = 4, 5
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			for i := range each {
				m := depotMessage(t)
				m.MessageID = fmt.Sprintf("g%d-%d@oc.example", g, i)
				if err := md.Send(ctx, m); err != nil {
					t.Error(err)
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for polling := true; polling; {
		select {
		case <-done:
			polling = false
		default:
		}
		_, err := p.Poll(ctx)
		require.NoError(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, senders*each)
	for id, n := range seen {
		require.Equal(t, 1, n, id)
	}
	require.Len(t, listDir(t, filepath.Join(md.Dir(), "cur")), senders*each)
}
