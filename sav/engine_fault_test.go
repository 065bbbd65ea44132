package sav_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

func comment(s string) sav.Information {
	return sav.Information{Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: s}}
}

// waitOutboxEmpty waits until nothing is pending or stuck in st.
func waitOutboxEmpty(t *testing.T, st sav.Store) {
	t.Helper()
	deadline := time.Now().Add(savtest.DefaultWait)
	for time.Now().Before(deadline) {
		p, err := st.Pending(context.Background())
		require.NoError(t, err)
		s, err := st.Stuck(context.Background())
		require.NoError(t, err)
		require.Empty(t, s, "stuck deliveries")
		if len(p) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("outbox not drained")
}

// TestOCDownWhileOICloses stops the OC's endpoint while the OI informs and
// closes: once the endpoint is back, the OC gets every notification, in
// order, once — even though the first answers after its return are lost
// (the OI sends again, the OC's journal answers the copies).
func TestOCDownWhileOICloses(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V2})
	// Put a lossy front in place of the OC's endpoint: the first two
	// notifications it gets are applied but their answers never arrive.
	lossy, err := savtest.NewEndpoint()
	require.NoError(t, err)
	t.Cleanup(lossy.Close)
	lossy.Handle("/sav/v2/oc", savtest.LoseResponses(p.OC.V2Handler(), 2))
	p.OIPeers.Operators[0].V2.URL = lossy.URL + "/sav/v2/oc"

	_, err = p.OC.File(ctx, p.Filing("REF-DOWN"))
	require.NoError(t, err)
	key := p.OIEvents.Wait(t, "REF-DOWN", sav.EventFiled).Key

	lossy.Stop()
	_, err = p.OI.TakeCharge(ctx, key, "")
	require.NoError(t, err)
	_, err = p.OI.Inform(ctx, key, comment("un"))
	require.NoError(t, err)
	_, err = p.OI.Inform(ctx, key, comment("deux"))
	require.NoError(t, err)
	_, err = p.OI.Close(ctx, key, ticket.Closure{Code: "RET02", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPBO})
	require.NoError(t, err)
	time.Sleep(150 * time.Millisecond)
	require.Equal(t, []sav.EventKind{sav.EventAcknowledged}, p.OCEvents.Kinds("REF-DOWN"), "nothing while down")
	pending, err := p.OIStore.Pending(ctx)
	require.NoError(t, err)
	require.Len(t, pending, 4)

	require.NoError(t, lossy.Restart())
	p.OCEvents.Wait(t, "REF-DOWN", sav.EventClosed)
	waitOutboxEmpty(t, p.OIStore)
	time.Sleep(50 * time.Millisecond)

	want := []sav.EventKind{sav.EventAcknowledged, sav.EventTakenInCharge, sav.EventInformation,
		sav.EventInformation, sav.EventClosed}
	if diff := cmp.Diff(want, p.OCEvents.Kinds("REF-DOWN")); diff != "" {
		t.Fatalf("OC events (-want +got):\n%s", diff)
	}
	var texts []string
	for _, e := range p.OCEvents.Of("REF-DOWN") {
		if e.Kind == sav.EventInformation {
			texts = append(texts, e.Transaction.Message.Texte)
		}
	}
	require.Equal(t, []string{"un", "deux"}, texts, "in order")
	oc, err := p.OC.Ticket(ctx, p.OCKey("REF-DOWN"))
	require.NoError(t, err)
	oi, err := p.OI.Ticket(ctx, key)
	require.NoError(t, err)
	require.Equal(t, oi.Version, oc.Version)
	require.Equal(t, len(oi.History), len(oc.History), "no step applied twice")
}

// TestMailAnsweredTwice hands the same DEPOT mail to the OI twice: the
// journal recognises the copy by its Message-ID and nothing is sent again
// (the first AR, in the outbox, is delivered once); no second ticket.
func TestMailAnsweredTwice(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
	// Capture the DEPOT mail as the OI's mailbox received it.
	_, err := p.OC.File(ctx, p.Filing("REF-TWICE"))
	require.NoError(t, err)
	p.OCEvents.Wait(t, "REF-TWICE", sav.EventAcknowledged)
	raw := readOnly(t, p.Post.Maildir(p.OIAddress.Address).Dir())

	in, err := v1a.ReadMail(bytes.NewReader(raw))
	require.NoError(t, err)
	require.NoError(t, p.OI.MailHandler().HandleMail(ctx, in))
	require.NoError(t, p.OI.MailHandler().HandleMail(ctx, in))
	time.Sleep(100 * time.Millisecond)

	list, err := p.OI.List(ctx, sav.Query{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Len(t, p.OCEvents.Of("REF-TWICE"), 2, "one AR OK (and its implied prise en charge)")
	require.Equal(t, 1, countMail(t, p.Post.Maildir(p.OCAddress.Address).Dir()), "one AR mail")

	// The same file from an address that is not the OC's is quarantined.
	in.Message.MessageID = "other@bytl.test"
	in.Message.From.Address = "intruder@example.test"
	err = p.OI.MailHandler().HandleMail(ctx, in)
	require.ErrorIs(t, err, v1a.ErrQuarantine)
	q, err := p.OIStore.Quarantined(ctx)
	require.NoError(t, err)
	require.Len(t, q, 1)
	require.Contains(t, q[0].Outcome.Reason, "intruder@example.test")
}

func readOnly(t *testing.T, dir string) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "cur", "*"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	b, err := os.ReadFile(files[0])
	require.NoError(t, err)
	return b
}

func countMail(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, sub := range []string{"new", "cur"} {
		files, err := filepath.Glob(filepath.Join(dir, sub, "*"))
		require.NoError(t, err)
		n += len(files)
	}
	return n
}

// TestCreateAfterLostResponse loses the OI's answer to a create: File
// fails, the OI holds the ticket; filing again recovers its id from the
// duplicate fault, and the OI still holds one ticket.
func TestCreateAfterLostResponse(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V2})
	lossy, err := savtest.NewEndpoint()
	require.NoError(t, err)
	t.Cleanup(lossy.Close)
	lossy.Handle("/sav/v2/oi", savtest.LoseResponses(p.OI.V2Handler(), 1))
	p.OCPeers.Operators[0].V2.URL = lossy.URL + "/sav/v2/oi"

	tk, err := p.OC.File(ctx, p.Filing("REF-LOST"))
	require.Error(t, err)
	require.Equal(t, ticket.StateSubmitted, tk.State)
	filed := p.OIEvents.Wait(t, "REF-LOST", sav.EventFiled)

	tk, err = p.OC.File(ctx, p.Filing("REF-LOST"))
	require.NoError(t, err)
	require.Equal(t, ticket.StateQueued, tk.State)
	require.Equal(t, filed.Ticket.ReferenceSigSAVOI, tk.ReferenceSigSAVOI)
	list, err := p.OI.List(ctx, sav.Query{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, []sav.EventKind{sav.EventAcknowledged}, p.OCEvents.Kinds("REF-LOST"))
}

// TestConcurrentSets sends information from both sides on one ticket at
// once: every step is applied once on both copies, none lost.
func TestConcurrentSets(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V2})
	_, err := p.OC.File(ctx, p.Filing("REF-CONC"))
	require.NoError(t, err)
	key := p.OIEvents.Wait(t, "REF-CONC", sav.EventFiled).Key
	_, err = p.OI.TakeCharge(ctx, key, "")
	require.NoError(t, err)
	p.OCEvents.Wait(t, "REF-CONC", sav.EventTakenInCharge)

	const n = 15
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := p.OC.Inform(ctx, p.OCKey("REF-CONC"), comment("oc"))
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := p.OI.Inform(ctx, key, comment("oi"))
			errs <- err
		}()
		_ = i
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	waitOutboxEmpty(t, p.OIStore)
	count := func(r *savtest.Recorder) int {
		c := 0
		for _, e := range r.Of("REF-CONC") {
			if e.Kind == sav.EventInformation {
				c++
			}
		}
		return c
	}
	require.Equal(t, n, count(p.OCEvents), "OI messages seen by the OC")
	require.Equal(t, n, count(p.OIEvents), "OC messages seen by the OI")
	oc, err := p.OC.Ticket(ctx, p.OCKey("REF-CONC"))
	require.NoError(t, err)
	oi, err := p.OI.Ticket(ctx, key)
	require.NoError(t, err)
	require.Equal(t, 1+2*n, oi.Version)
	require.Equal(t, oi.Version, oc.Version)
}

// TestUnknownPeer checks that filing with an OI nobody configured is a typed
// error.
func TestUnknownPeer(t *testing.T) {
	p := savtest.NewPair(t, savtest.Options{})
	f := p.Filing("REF-NOPEER")
	f.CodeOI = "ZZZZ"
	_, err := p.OC.File(context.Background(), f)
	require.True(t, errors.Is(err, sav.ErrUnknownPeer), "got %v", err)
}
