// Command quickstart shows one OC program working with two OIs, each on its
// own protocol, through one API: the OC BYTL (a sav.OC engine) files a
// signalisation with FTEL, which speaks protocol 2.0 (SOAP web services on
// loopback), and one with RACC, which speaks protocol 1.0a (CSV files mailed
// through Maildirs in a temporary directory). Each OI (a sav.OI engine)
// acknowledges the ticket, takes it in charge, confirms the appointment the
// OC proposed and closes it with a RETxx code and the localisation it found.
//
// The OC's code is the same for both tickets: File, ProposeRdv, and one
// event handler. The events it receives are the same too, whatever protocol
// carried them; the program prints them and checks it.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

func main() {
	demo.Main("quickstart", run)
}

// network is the OC BYTL and its two OIs: FTEL over 2.0, RACC over 1.0a.
type network struct {
	oc         *sav.OC
	ftel, racc *sav.OI
	// ocEvents records what the OC's engine reports; oiEvents what both
	// OIs' engines report.
	ocEvents, oiEvents *savtest.Recorder
	ocPeers            *sav.Peers // the OC's partners

	// Transport: the 2.0 servers of BYTL and FTEL, and the mail between the
	// Maildirs of BYTL and RACC under dir.
	ocEP, ftelEP     *savtest.Endpoint
	post             *savtest.PostOffice
	ocAddr, raccAddr mail.Address
	dir              string

	stop context.CancelFunc // stops the engines and the pollers
	done chan struct{}      // closed once the engines stopped
}

func run(ctx context.Context) error {
	n, err := start()
	if err != nil {
		return err
	}
	defer n.close()

	ftel, err := n.walk(ctx, n.ftel, "BYTL-2026-0001")
	if err != nil {
		return err
	}
	racc, err := n.walk(ctx, n.racc, "BYTL-2026-0002")
	if err != nil {
		return err
	}

	fmt.Println("\nWhat the OC's event handler saw, per ticket:")
	fmt.Printf("  %-20s %s\n", "FTEL (2.0)", "RACC (1.0a)")
	for i := range max(len(ftel), len(racc)) {
		fmt.Printf("  %-20s %s\n", at(ftel, i), at(racc, i))
	}
	if !slices.Equal(ftel, racc) {
		return fmt.Errorf("the two protocols gave different events: %v and %v", ftel, racc)
	}
	fmt.Println("The same events in the same order, whatever the protocol.")
	return nil
}

// walk files one ticket with oi and follows it to its closure, printing
// each step and the OC's events; it returns the kinds of those events.
func (n *network) walk(ctx context.Context, oi *sav.OI, ref string) ([]sav.EventKind, error) {
	peer, _ := n.ocPeers.Lookup(oi.Code())
	fmt.Printf("\n== %s files %s with %s over protocol %s\n", n.oc.Code(), ref, oi.Code(), peer.Protocol())

	f := savtest.Filing(n.oc.Code(), oi.Code(), ref)
	tk, err := n.oc.File(ctx, f)
	if err != nil {
		return nil, err
	}
	fmt.Printf("OC  File → %s\n", tk.State)
	filed, err := demo.Wait(n.oiEvents, ref, sav.EventFiled)
	if err != nil {
		return nil, err
	}
	fmt.Printf("OI  received the deposit, id %s\n", filed.Ticket.ReferenceSigSAVOI)
	key := filed.Key
	if err := n.ocSees(ref, sav.EventAcknowledged); err != nil {
		return nil, err
	}

	if _, err := oi.TakeCharge(ctx, key, codes.EtatResolutionADefinir); err != nil {
		return nil, err
	}
	fmt.Println("OI  TakeCharge")
	if err := n.ocSees(ref, sav.EventTakenInCharge); err != nil {
		return nil, err
	}

	slot := demo.Slot(2, 9)
	if _, err := n.oc.ProposeRdv(ctx, n.oc.Key(ref), slot); err != nil {
		return nil, err
	}
	fmt.Printf("OC  ProposeRdv %s\n", slot.Debut.Format("Mon 2 Jan 15:04"))
	if _, err := demo.Wait(n.oiEvents, ref, sav.EventInformation); err != nil {
		return nil, err
	}
	if _, err := oi.ConfirmRdv(ctx, key, slot, ""); err != nil {
		return nil, err
	}
	fmt.Println("OI  ConfirmRdv")
	if err := n.ocSees(ref, sav.EventInformation); err != nil {
		return nil, err
	}

	if _, err := oi.Close(ctx, key, ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPM, Commentaire: "Connecteur remplacé au PM"}); err != nil {
		return nil, err
	}
	fmt.Println("OI  Close RET01, localisation PM")
	if err := n.ocSees(ref, sav.EventClosed); err != nil {
		return nil, err
	}

	oc, err := n.oc.Ticket(ctx, n.oc.Key(ref))
	if err != nil {
		return nil, err
	}
	c := oc.Cloture
	fmt.Printf("OC  ticket %s: %s, %s, responsabilité %s, localisation %s, version %d\n",
		oc.ReferenceSigSAVOI, oc.State, c.Code, c.Responsabilite, c.Localisation.Label(), oc.Version)
	return n.ocEvents.Kinds(ref), nil
}

// ocSees waits for the OC's event of kind about ref and prints it.
func (n *network) ocSees(ref string, kind sav.EventKind) error {
	e, err := demo.Wait(n.ocEvents, ref, kind)
	if err != nil {
		return err
	}
	how := ""
	if e.Implicit() {
		how = " (implied by the AR OK)"
	}
	fmt.Printf("    OC event %-16s via %-3s → %s, version %d%s\n", e.Kind, e.Protocol, e.Transaction.State,
		e.Transaction.Version, how)
	return nil
}

// start wires the three engines: two loopback endpoints for the 2.0
// services of BYTL and FTEL, two Maildirs for the 1.0a mailboxes of BYTL
// and RACC.
func start() (n *network, err error) {
	n = &network{ocEvents: &savtest.Recorder{}, oiEvents: &savtest.Recorder{}, done: make(chan struct{}),
		ocAddr:   mail.Address{Address: "sav-ftth@bytl.test"},
		raccAddr: mail.Address{Address: "sav-ftth@racc.test"}}
	defer func() {
		if err != nil {
			n.close()
		}
	}()
	if n.dir, err = os.MkdirTemp("", "quickstart-"); err != nil {
		return nil, err
	}
	if n.ocEP, err = savtest.NewEndpoint(); err != nil {
		return nil, err
	}
	if n.ftelEP, err = savtest.NewEndpoint(); err != nil {
		return nil, err
	}
	n.post = savtest.NewPostOffice(10 * time.Millisecond)
	fast := sav.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2}

	// Each engine's peers: how to reach each partner. BYTL and FTEL log in
	// to each other with HTTP basic credentials.
	bytlLogin := &sav.BasicCredentials{User: "bytl", Password: "bytl-secret"}
	ftelLogin := &sav.BasicCredentials{User: "ftel", Password: "ftel-secret"}
	n.ocPeers = &sav.Peers{Operators: []sav.Peer{
		{Code: "FTEL", Role: codes.RoleOI, V2: &sav.PeerV2{URL: n.ftelEP.URL + "/sav/v2/oi"},
			Auth: &sav.PeerAuth{Basic: ftelLogin, Outbound: &sav.PeerOutbound{Basic: bytlLogin}}},
		{Code: "RACC", Role: codes.RoleOI, V1A: &sav.PeerV1A{Address: n.raccAddr.Address}},
	}}
	if n.oc, err = sav.NewOC(sav.Options{Code: "BYTL", Store: sav.NewMemStore(), Handler: n.ocEvents,
		Peers:    n.ocPeers,
		MailFrom: n.ocAddr, Mail: n.post, Backoff: fast, CreateBackoff: 20 * time.Millisecond}); err != nil {
		return nil, err
	}
	if n.ftel, err = sav.NewOI(sav.Options{Code: "FTEL", Store: sav.NewMemStore(), Handler: n.oiEvents, Backoff: fast,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", Role: codes.RoleOC,
			V2:   &sav.PeerV2{URL: n.ocEP.URL + "/sav/v2/oc"},
			Auth: &sav.PeerAuth{Basic: bytlLogin, Outbound: &sav.PeerOutbound{Basic: ftelLogin}}}}}}); err != nil {
		return nil, err
	}
	if n.racc, err = sav.NewOI(sav.Options{Code: "RACC", Store: sav.NewMemStore(), Handler: n.oiEvents, Backoff: fast,
		MailFrom: n.raccAddr, Mail: n.post,
		Peers: &sav.Peers{Operators: []sav.Peer{{Code: "BYTL", Role: codes.RoleOC,
			V1A: &sav.PeerV1A{Address: n.ocAddr.Address}}}}}); err != nil {
		return nil, err
	}
	n.ocEP.Handle("/sav/v2/oc", n.oc.V2Handler())
	n.ftelEP.Handle("/sav/v2/oi", n.ftel.V2Handler())
	if err = n.post.Open(n.ocAddr, "BYTL", filepath.Join(n.dir, "bytl"),
		map[string]string{n.raccAddr.Address: "RACC"}, n.oc.MailHandler()); err != nil {
		return nil, err
	}
	if err = n.post.Open(n.raccAddr, "RACC", filepath.Join(n.dir, "racc"),
		map[string]string{n.ocAddr.Address: "BYTL"}, n.racc.MailHandler()); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(context.Background())
	n.stop = cancel
	n.post.Start(ctx)
	runs := []func(context.Context) error{n.oc.Run, n.ftel.Run, n.racc.Run}
	go func() {
		errs := make(chan error, len(runs))
		for _, r := range runs {
			go func() { errs <- r(ctx) }()
		}
		for range runs {
			<-errs
		}
		close(n.done)
	}()
	return n, nil
}

// close stops the engines, the pollers and the servers and removes the
// Maildirs.
func (n *network) close() {
	if n.stop != nil {
		n.stop()
		<-n.done
		n.post.Wait()
	}
	for _, ep := range []*savtest.Endpoint{n.ocEP, n.ftelEP} {
		if ep != nil {
			ep.Close()
		}
	}
	if n.dir != "" {
		_ = os.RemoveAll(n.dir)
	}
}

func at(ks []sav.EventKind, i int) string {
	if i < len(ks) {
		return ks[i].String()
	}
	return ""
}
