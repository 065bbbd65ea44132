package sav_test

import (
	"context"
	"errors"
	"net/mail"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	v2 "github.com/opensav/savsdk/v2"
)

var fastBackoff = sav.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2}

// gatewayNet is an OC, a gateway and an OI, the OC and the OI speaking
// different protocols.
type gatewayNet struct {
	oc         *sav.OC
	oi         *sav.OI
	gw         *sav.Gateway
	ocEv, oiEv *savtest.Recorder
}

func startAll(t *testing.T, post *savtest.PostOffice, runs ...func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, len(runs))
	for _, run := range runs {
		go func() { _ = run(ctx); done <- struct{}{} }()
	}
	if post != nil {
		post.Start(ctx)
	}
	t.Cleanup(func() {
		cancel()
		for range runs {
			<-done
		}
		if post != nil {
			post.Wait()
		}
	})
}

func endpoint(t *testing.T) *savtest.Endpoint {
	ep, err := savtest.NewEndpoint()
	require.NoError(t, err)
	t.Cleanup(ep.Close)
	return ep
}

// newV2ToV1A builds a 2.0 OC BYTL → gateway → 1.0a OI FTEL.
func newV2ToV1A(t *testing.T) *gatewayNet {
	n := &gatewayNet{ocEv: &savtest.Recorder{}, oiEv: &savtest.Recorder{}}
	ocEP, gwEP := endpoint(t), endpoint(t)
	post := savtest.NewPostOffice(10 * time.Millisecond)
	gwAddr, oiAddr := mail.Address{Address: "gw@bytl.test"}, mail.Address{Address: "sav@ftel.test"}
	gwStore := sav.NewMemStore()
	var err error
	n.oc, err = sav.NewOC(sav.Options{TrustHeader: true, Code: "BYTL", Store: sav.NewMemStore(), Handler: n.ocEv, Backoff: fastBackoff,
		CreateBackoff: 20 * time.Millisecond,
		Peers:         &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V2: &sav.PeerV2{URL: gwEP.URL + "/sav/v2/oi"}}}}})
	require.NoError(t, err)
	n.gw, err = sav.NewGateway(sav.GatewayOptions{RelayTimeout: 5 * time.Second,
		Upstream: sav.Options{TrustHeader: true, Code: "FTEL", Store: gwStore, Backoff: fastBackoff,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V2: &sav.PeerV2{URL: ocEP.URL + "/sav/v2/oc"}}}}},
		Downstream: sav.Options{TrustHeader: true, Code: "BYTL", Store: gwStore, Backoff: fastBackoff, MailFrom: gwAddr, Mail: post,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V1A: &sav.PeerV1A{Address: oiAddr.Address}}}}}})
	require.NoError(t, err)
	n.oi, err = sav.NewOI(sav.Options{TrustHeader: true, Code: "FTEL", Store: sav.NewMemStore(), Handler: n.oiEv, Backoff: fastBackoff,
		MailFrom: oiAddr, Mail: post,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V1A: &sav.PeerV1A{Address: gwAddr.Address}}}}})
	require.NoError(t, err)
	ocEP.Handle("/sav/v2/oc", n.oc.V2Handler())
	gwEP.Handle("/sav/v2/oi", n.gw.OI.V2Handler())
	require.NoError(t, post.Open(gwAddr, "BYTL", t.TempDir(), nil, n.gw.OC.MailHandler()))
	require.NoError(t, post.Open(oiAddr, "FTEL", t.TempDir(), nil, n.oi.MailHandler()))
	startAll(t, post, n.oc.Run, n.gw.Run, n.oi.Run)
	return n
}

// newV1AToV2 builds a 1.0a OC BYTL → gateway → 2.0 OI FTEL.
func newV1AToV2(t *testing.T) *gatewayNet {
	n := &gatewayNet{ocEv: &savtest.Recorder{}, oiEv: &savtest.Recorder{}}
	gwEP, oiEP := endpoint(t), endpoint(t)
	post := savtest.NewPostOffice(10 * time.Millisecond)
	ocAddr, gwAddr := mail.Address{Address: "sav@bytl.test"}, mail.Address{Address: "gw@ftel.test"}
	gwStore := sav.NewMemStore()
	var err error
	n.oc, err = sav.NewOC(sav.Options{TrustHeader: true, Code: "BYTL", Store: sav.NewMemStore(), Handler: n.ocEv, Backoff: fastBackoff,
		MailFrom: ocAddr, Mail: post,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V1A: &sav.PeerV1A{Address: gwAddr.Address}}}}})
	require.NoError(t, err)
	n.gw, err = sav.NewGateway(sav.GatewayOptions{RelayTimeout: 5 * time.Second,
		Upstream: sav.Options{TrustHeader: true, Code: "FTEL", Store: gwStore, Backoff: fastBackoff, MailFrom: gwAddr, Mail: post,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V1A: &sav.PeerV1A{Address: ocAddr.Address}}}}},
		Downstream: sav.Options{TrustHeader: true, Code: "BYTL", Store: gwStore, Backoff: fastBackoff, CreateBackoff: 20 * time.Millisecond,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V2: &sav.PeerV2{URL: oiEP.URL + "/sav/v2/oi"}}}}}})
	require.NoError(t, err)
	n.oi, err = sav.NewOI(sav.Options{TrustHeader: true, Code: "FTEL", Store: sav.NewMemStore(), Handler: n.oiEv, Backoff: fastBackoff,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V2: &sav.PeerV2{URL: gwEP.URL + "/sav/v2/oc"}}}}})
	require.NoError(t, err)
	gwEP.Handle("/sav/v2/oc", n.gw.OC.V2Handler())
	oiEP.Handle("/sav/v2/oi", n.oi.V2Handler())
	require.NoError(t, post.Open(ocAddr, "BYTL", t.TempDir(), nil, n.oc.MailHandler()))
	require.NoError(t, post.Open(gwAddr, "FTEL", t.TempDir(), nil, n.gw.OI.MailHandler()))
	startAll(t, post, n.oc.Run, n.gw.Run, n.oi.Run)
	return n
}

func TestGatewayV2OCToV1AOI(t *testing.T) {
	ctx := context.Background()
	n := newV2ToV1A(t)
	f := savtest.Filing("BYTL", "FTEL", "GW-1")
	tk, err := n.oc.File(ctx, f)
	require.NoError(t, err)
	require.Equal(t, ticket.StateQueued, tk.State)
	filed := n.oiEv.Wait(t, "GW-1", sav.EventFiled)
	require.Equal(t, filed.Ticket.ReferenceSigSAVOI, tk.ReferenceSigSAVOI, "the OC gets the real OI's id")
	// A 1.0a AR OK starts the prise en charge: the 2.0 side sees it next.
	n.ocEv.Wait(t, "GW-1", sav.EventTakenInCharge)

	// Cancellation cannot be relayed to a 1.0a OI: fault 11, nothing changes.
	_, err = n.oc.Cancel(ctx, n.oc.Key("GW-1"), "")
	var fe *v2.FaultError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, codes.ReturnCodeNotAllowed, fe.ReturnCode())

	// Information both ways.
	_, err = n.oc.Inform(ctx, n.oc.Key("GW-1"), comment("client joignable le matin"))
	require.NoError(t, err)
	got := n.oiEv.Wait(t, "GW-1", sav.EventInformation)
	require.Equal(t, "client joignable le matin", got.Transaction.Message.Texte)
	_, err = n.oi.Inform(ctx, filed.Key, sav.Information{EtatResolution: codes.EtatResolutionPrevue,
		Message: &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: "technicien prévu"}})
	require.NoError(t, err)
	info := n.ocEv.Wait(t, "GW-1", sav.EventInformation)
	require.Equal(t, codes.EtatResolutionPrevue, info.Ticket.EtatResolution)

	_, err = n.oi.Close(ctx, filed.Key, ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPM})
	require.NoError(t, err)
	closed := n.ocEv.Wait(t, "GW-1", sav.EventClosed)
	require.Equal(t, codes.ClosureCode("RET01"), closed.Ticket.Cloture.Code)
	want := []sav.EventKind{sav.EventAcknowledged, sav.EventTakenInCharge, sav.EventInformation, sav.EventClosed}
	if diff := cmp.Diff(want, n.ocEv.Kinds("GW-1")); diff != "" {
		t.Errorf("OC events (-want +got):\n%s", diff)
	}

	// A home intervention without an appointment cannot be relayed: code 1
	// on rdv.
	h := savtest.Filing("BYTL", "FTEL", "GW-2")
	h.PrelocDefaut = codes.PrelocDefautPTO
	h.Client = &ticket.Customer{Nom: "Martin", Contact1: "0612345678"}
	tk, err = n.oc.File(ctx, h)
	require.NoError(t, err)
	require.Equal(t, ticket.StateRejected, tk.State)
	require.Equal(t, codes.ReturnCodeMissing, tk.Rejet.CodeRetour)
	require.Contains(t, tk.Rejet.MotifRefus, "rdv")
}

func TestGatewayV1AOCToV2OI(t *testing.T) {
	ctx := context.Background()
	n := newV1AToV2(t)
	_, err := n.oc.File(ctx, savtest.Filing("BYTL", "FTEL", "GW-3"))
	require.NoError(t, err)
	ack := n.ocEv.Wait(t, "GW-3", sav.EventAcknowledged)
	filed := n.oiEv.Wait(t, "GW-3", sav.EventFiled)
	require.Equal(t, filed.Ticket.ReferenceSigSAVOI, ack.Ticket.ReferenceSigSAVOI)
	require.True(t, n.ocEv.Wait(t, "GW-3", sav.EventTakenInCharge).Implicit())

	// The 2.0 OI's explicit prise en charge is already known to the 1.0a OC.
	_, err = n.oi.TakeCharge(ctx, filed.Key, "")
	require.NoError(t, err)
	_, err = n.oi.Inform(ctx, filed.Key, comment("passage prévu"))
	require.NoError(t, err)
	require.Equal(t, "passage prévu", n.ocEv.Wait(t, "GW-3", sav.EventInformation).Transaction.Message.Texte)

	_, err = n.oc.Inform(ctx, n.oc.Key("GW-3"), comment("code porte 1234"))
	require.NoError(t, err)
	require.Equal(t, "code porte 1234", n.oiEv.Wait(t, "GW-3", sav.EventInformation).Transaction.Message.Texte)

	_, err = n.oi.Close(ctx, filed.Key, ticket.Closure{Code: "RET03", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPBO, Description: "PBO arraché", Commentaire: "PBO remplacé"})
	require.NoError(t, err)
	closed := n.ocEv.Wait(t, "GW-3", sav.EventClosed)
	require.Equal(t, codes.PrelocDefautPBO, closed.Ticket.Cloture.Localisation)
	require.Equal(t, "PBO arraché | PBO remplacé", closed.Ticket.Cloture.Commentaire, "nothing lost")
	want := []sav.EventKind{sav.EventAcknowledged, sav.EventTakenInCharge, sav.EventInformation, sav.EventClosed}
	if diff := cmp.Diff(want, n.ocEv.Kinds("GW-3")); diff != "" {
		t.Errorf("OC events (-want +got):\n%s", diff)
	}
	// The v2 OI refusing a deposit comes back to the 1.0a OC as an AR KO.
	f := savtest.Filing("BYTL", "FTEL", "GW-4")
	f.TypeSAV, f.RelatedTicket = codes.TypeSAVExpertise, filed.Ticket.ReferenceSigSAVOI
	_, err = n.oc.File(ctx, f)
	require.True(t, errors.Is(err, sav.ErrUnsupported), "1.0a OC cannot file an expertise: %v", err)
}

func TestCheckFilingAndTransaction(t *testing.T) {
	home := savtest.Filing("BYTL", "FTEL", "X")
	home.NatureDefaut = codes.NatureDefautAffaiblissement
	for _, tt := range []struct {
		name  string
		err   error
		code  codes.ReturnCode
		field string
	}{
		{"home without rdv", sav.CheckFiling(sav.ProtocolV1A, home), codes.ReturnCodeMissing, "rdv"},
		{"expertise", sav.CheckFiling(sav.ProtocolV1A, &ticket.Filing{TypeSAV: codes.TypeSAVExpertise}), codes.ReturnCodeNotAllowed, "typeSAV"},
		{"cancel", sav.CheckTransaction(sav.ProtocolV1A, ticket.Transaction{Kind: ticket.KindCancel}), codes.ReturnCodeNotAllowed, ""},
		{"cancel request", sav.CheckTransaction(sav.ProtocolV1A, ticket.Transaction{Kind: ticket.KindCancelRequest}), codes.ReturnCodeNotAllowed, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ue *sav.UnsupportedError
			require.ErrorAs(t, tt.err, &ue)
			require.Equal(t, tt.code, ue.ReturnCode())
			require.Equal(t, tt.field, ue.Field)
		})
	}
	require.NoError(t, sav.CheckFiling(sav.ProtocolV2, home))
	require.NoError(t, sav.CheckTransaction(sav.ProtocolV2, ticket.Transaction{Kind: ticket.KindCancel}))
	home.Rdv = &ticket.Appointment{IdRdv: "RDV-1"}
	require.NoError(t, sav.CheckFiling(sav.ProtocolV1A, home))
}

// TestGatewayRelayTimeout: a 1.0a OI that never answers makes the gateway
// answer the 2.0 create with fault 21 (temporary); the OC's ticket stays
// Submitted, to be filed again.
func TestGatewayRelayTimeout(t *testing.T) {
	ctx := context.Background()
	ocEP, gwEP := endpoint(t), endpoint(t)
	gwStore := sav.NewMemStore()
	var sent atomic.Int32
	silent := v1a.SenderFunc(func(context.Context, *v1a.Message) error { sent.Add(1); return nil })
	oc, err := sav.NewOC(sav.Options{TrustHeader: true, Code: "BYTL", Store: sav.NewMemStore(), CreateRetries: 1,
		CreateBackoff: 10 * time.Millisecond,
		Peers:         &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V2: &sav.PeerV2{URL: gwEP.URL + "/sav/v2/oi"}}}}})
	require.NoError(t, err)
	gw, err := sav.NewGateway(sav.GatewayOptions{RelayTimeout: 50 * time.Millisecond,
		Upstream: sav.Options{TrustHeader: true, Code: "FTEL", Store: gwStore,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V2: &sav.PeerV2{URL: ocEP.URL + "/sav/v2/oc"}}}}},
		Downstream: sav.Options{TrustHeader: true, Code: "BYTL", Store: gwStore, MailFrom: mail.Address{Address: "gw@bytl.test"}, Mail: silent,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V1A: &sav.PeerV1A{Address: "sav@ftel.test"}}}}}})
	require.NoError(t, err)
	ocEP.Handle("/sav/v2/oc", oc.V2Handler())
	gwEP.Handle("/sav/v2/oi", gw.OI.V2Handler())
	startAll(t, nil, oc.Run, gw.Run)

	tk, err := oc.File(ctx, savtest.Filing("BYTL", "FTEL", "GW-T"))
	var fe *v2.FaultError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, codes.ReturnCodeNoResponse, fe.ReturnCode())
	require.Equal(t, ticket.StateSubmitted, tk.State)
	up, err := gw.OI.List(ctx, sav.Query{})
	require.NoError(t, err)
	require.Empty(t, up, "no ticket answered upstream before the OI's AR")
	require.Eventually(t, func() bool { return sent.Load() == 1 }, 5*time.Second, 10*time.Millisecond,
		"one DEPOT relayed, whatever the retries")
}
