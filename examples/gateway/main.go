// Command gateway puts a sav.Gateway between an OC that speaks only
// protocol 2.0 and an OI that speaks only protocol 1.0a. To the OC BYTL the
// gateway is the OI FTEL's 2.0 web service; to the OI it is BYTL's mailbox.
// The OC files a ticket and gets the real OI's id in the create's answer
// (the gateway waits for the 1.0a AR); the prise en charge the AR OK implies
// and the OI's information reach the OC as 2.0 notifications, the OC's
// information reaches the OI as an INFO file, and the OI's closure closes
// the OC's copy. A cancellation cannot be carried to a 1.0a OI: the gateway
// refuses it with fault 11 and nothing changes.
//
// The 2.0 services listen on loopback; the 1.0a mailboxes are Maildirs in a
// temporary directory.
//
//	go run ./examples/gateway
package main

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
	v2 "github.com/opensav/savsdk/v2"
)

func main() {
	demo.Main("gateway", run)
}

func run(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "gateway-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ocEP, err := savtest.NewEndpoint()
	if err != nil {
		return err
	}
	defer ocEP.Close()
	gwEP, err := savtest.NewEndpoint()
	if err != nil {
		return err
	}
	defer gwEP.Close()
	post := savtest.NewPostOffice(10 * time.Millisecond)
	gwAddr, oiAddr := mail.Address{Address: "sav-gw@bytl.test"}, mail.Address{Address: "sav-ftth@ftel.test"}
	fast := sav.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2}
	ocEvents, oiEvents := &savtest.Recorder{}, &savtest.Recorder{}

	// BYTL and the gateway (as FTEL) log in to each other with HTTP basic
	// credentials.
	bytlLogin := &sav.BasicCredentials{User: "bytl", Password: "bytl-secret"}
	ftelLogin := &sav.BasicCredentials{User: "ftel", Password: "ftel-secret"}
	// The OC knows FTEL at the gateway's 2.0 address.
	oc, err := sav.NewOC(sav.Options{Code: "BYTL", Store: sav.NewMemStore(), Handler: ocEvents, Backoff: fast,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V2: &sav.PeerV2{URL: gwEP.URL + "/sav/v2/oi"},
			Auth: &sav.PeerAuth{Basic: ftelLogin, Outbound: &sav.PeerOutbound{Basic: bytlLogin}}}}}})
	if err != nil {
		return err
	}
	// The gateway: an OI engine facing the OC, an OC engine facing the OI.
	gwStore := sav.NewMemStore()
	gw, err := sav.NewGateway(sav.GatewayOptions{RelayTimeout: 5 * time.Second,
		Upstream: sav.Options{Code: "FTEL", Store: gwStore, Backoff: fast,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V2: &sav.PeerV2{URL: ocEP.URL + "/sav/v2/oc"},
				Auth: &sav.PeerAuth{Basic: bytlLogin, Outbound: &sav.PeerOutbound{Basic: ftelLogin}}}}}},
		Downstream: sav.Options{Code: "BYTL", Store: gwStore, Backoff: fast, MailFrom: gwAddr, Mail: post,
			Peers: &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", V1A: &sav.PeerV1A{Address: oiAddr.Address}}}}}})
	if err != nil {
		return err
	}
	// The OI knows BYTL at the gateway's mail address.
	oi, err := sav.NewOI(sav.Options{Code: "FTEL", Store: sav.NewMemStore(), Handler: oiEvents, Backoff: fast,
		MailFrom: oiAddr, Mail: post,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", V1A: &sav.PeerV1A{Address: gwAddr.Address}}}}})
	if err != nil {
		return err
	}
	ocEP.Handle("/sav/v2/oc", oc.V2Handler())
	gwEP.Handle("/sav/v2/oi", gw.OI.V2Handler())
	if err := post.Open(gwAddr, "BYTL", filepath.Join(dir, "gateway"), nil, gw.OC.MailHandler()); err != nil {
		return err
	}
	if err := post.Open(oiAddr, "FTEL", filepath.Join(dir, "ftel"), nil, oi.MailHandler()); err != nil {
		return err
	}

	runCtx, cancel := context.WithCancel(ctx)
	runs := []func(context.Context) error{oc.Run, gw.Run, oi.Run}
	done := make(chan error, len(runs))
	for _, r := range runs {
		go func() { done <- r(runCtx) }()
	}
	post.Start(runCtx)
	defer func() {
		cancel()
		for range runs {
			<-done
		}
		post.Wait()
	}()
	return walk(ctx, oc, oi, ocEvents, oiEvents)
}

func walk(ctx context.Context, oc *sav.OC, oi *sav.OI, ocEvents, oiEvents *savtest.Recorder) error {
	const ref = "BYTL-2026-000700"
	seen := func(r *savtest.Recorder, who string, kind sav.EventKind) (sav.Event, error) {
		e, err := demo.Wait(r, ref, kind)
		if err == nil {
			fmt.Printf("    %s event %-15s via %-3s → %s\n", who, e.Kind, e.Protocol, e.Ticket.State)
		}
		return e, err
	}

	tk, err := oc.File(ctx, savtest.Filing("BYTL", "FTEL", ref))
	if err != nil {
		return err
	}
	fmt.Printf("OC (2.0)   File %s → %s, the OI's id %s\n", ref, tk.State, tk.ReferenceSigSAVOI)
	filed, err := seen(oiEvents, "OI", sav.EventFiled)
	if err != nil {
		return err
	}
	if _, err := seen(ocEvents, "OC", sav.EventTakenInCharge); err != nil {
		return err
	}

	_, err = oc.Cancel(ctx, oc.Key(ref), "client dépanné")
	var fault *v2.FaultError
	if !errors.As(err, &fault) {
		return fmt.Errorf("want a fault for a cancellation, got %v", err)
	}
	fmt.Printf("OC (2.0)   Cancel refused by the gateway: fault %d %s\n", fault.ReturnCode(),
		fault.ReturnCode().Template())

	if _, err := oc.Inform(ctx, oc.Key(ref), sav.Information{
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Client joignable le matin"}}); err != nil {
		return err
	}
	fmt.Println("OC (2.0)   Inform: client joignable le matin")
	if _, err := seen(oiEvents, "OI", sav.EventInformation); err != nil {
		return err
	}
	if _, err := oi.Inform(ctx, filed.Key, sav.Information{EtatResolution: codes.EtatResolutionPrevue,
		Message: &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: "Technicien prévu"}}); err != nil {
		return err
	}
	fmt.Println("OI (1.0a)  Inform: technicien prévu")
	if _, err := seen(ocEvents, "OC", sav.EventInformation); err != nil {
		return err
	}
	if _, err := oi.Close(ctx, filed.Key, ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPM}); err != nil {
		return err
	}
	fmt.Println("OI (1.0a)  Close RET01, localisation PM")
	e, err := seen(ocEvents, "OC", sav.EventClosed)
	if err != nil {
		return err
	}
	fmt.Printf("OC's copy: %s %s, localisation %s\n", e.Ticket.State, e.Ticket.Cloture.Code,
		e.Ticket.Cloture.Localisation.Label())
	return nil
}
