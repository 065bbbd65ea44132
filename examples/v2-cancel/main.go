// Command v2-cancel shows both cancellations of protocol 2.0 on loopback.
// A ticket the OI has not taken in charge yet (QUEUED) is cancelled
// directly: CASE CANCELATION closes it in the same exchange. A ticket the OI
// works on (OPENACTIVE) can only be asked to be cancelled: CASE CANCELATION
// REQUEST puts it in ANNULATION EN COURS (OPENACTIVE with
// cancelRequestedByCustomer), where the OI may still report progress, and
// the OI closes it with CASE SOLVED NOTIFICATION. A direct cancellation of
// a ticket in charge is refused (code 13).
//
//	go run ./examples/v2-cancel
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v2"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "v2-cancel:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := newPair()
	if err != nil {
		return err
	}
	defer p.close()

	// 1. Direct cancellation of a QUEUED ticket.
	first, err := p.file(ctx, "BYTL-2026-000400")
	if err != nil {
		return err
	}
	if err := p.inform(ctx, first, ticket.Transaction{Kind: ticket.KindCancel}); err != nil {
		return err
	}
	if err := p.show(ctx, first+" CASE CANCELATION", first); err != nil {
		return err
	}
	got, err := p.oc.Get(ctx, first, nil)
	if err != nil {
		return err
	}
	fmt.Printf("get %s: %v, cancelled by the OC: %v\n", first, got.State, got.Cloture != nil && got.Cloture.Annulation)

	// 2. Cancellation request of a ticket in charge.
	second, err := p.file(ctx, "BYTL-2026-000401")
	if err != nil {
		return err
	}
	if err := p.notify(ctx, second, ticket.Transaction{Kind: ticket.KindCaseSolving}); err != nil {
		return err
	}
	err = p.inform(ctx, second, ticket.Transaction{Kind: ticket.KindCancel})
	code, _ := v2.ReturnCode(err)
	if code != codes.ReturnCodeUnexpected {
		return fmt.Errorf("want code 13 for a direct cancellation in charge, got %v", err)
	}
	fmt.Printf("%s CASE CANCELATION in charge refused: %d %s\n", second, code, code.Message("transaction"))
	if err := p.inform(ctx, second, ticket.Transaction{Kind: ticket.KindCancelRequest,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Le client a résilié"}}); err != nil {
		return err
	}
	if err := p.show(ctx, second+" CASE CANCELATION REQUEST", second); err != nil {
		return err
	}
	if err := p.notify(ctx, second, ticket.Transaction{Kind: ticket.KindSUInformation,
		Message: &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: "Annulation prise en compte"}}); err != nil {
		return err
	}
	if err := p.show(ctx, second+" SU information", second); err != nil {
		return err
	}
	if err := p.notify(ctx, second, ticket.Transaction{Kind: ticket.KindCaseSolved,
		Cloture: &ticket.Closure{Code: "STT01", Responsabilite: codes.ResponsabiliteOC,
			Commentaire: "Annulation à la demande de l'OC"}}); err != nil {
		return err
	}
	return p.show(ctx, second+" CASE SOLVED NOTIFICATION", second)
}

// pair is an OI (FTEL) and an OC (BYTL), each with its in-memory backend
// and its web service on loopback, and the client each uses to call the
// other.
type pair struct {
	oiSystem, ocStore *v2.Memory
	oc, oi            *v2.Client // the OC's client of the OI, the OI's client of the OC
	stop              []func()
}

func newPair() (*pair, error) {
	p := &pair{oiSystem: v2.NewMemory(v2.MemoryOptions{IDPrefix: "FTEL"}), ocStore: v2.NewMemory(v2.MemoryOptions{})}
	oiAuth, ocAuth := v2.NewBasicAuth(), v2.NewBasicAuth()
	if err := oiAuth.Add("bytl", "oc-secret", "BYTL"); err != nil {
		return nil, err
	}
	if err := ocAuth.Add("ftel", "oi-secret", "FTEL"); err != nil {
		return nil, err
	}
	oiServer, err := v2.NewOIServer(p.oiSystem, v2.ServerOptions{Code: "FTEL", Auth: oiAuth})
	if err != nil {
		return nil, err
	}
	ocServer, err := v2.NewOCServer(p.ocStore, v2.ServerOptions{Code: "BYTL", Auth: ocAuth})
	if err != nil {
		return nil, err
	}
	oiURL, err := p.serve("/sav/v2/oi", oiServer)
	if err != nil {
		return nil, err
	}
	ocURL, err := p.serve("/sav/v2/oc", ocServer)
	if err != nil {
		return nil, err
	}
	if p.oc, err = v2.NewClient(basicAuth{"bytl", "oc-secret"}, oiURL,
		v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"}); err != nil {
		return nil, err
	}
	if p.oi, err = v2.NewClient(basicAuth{"ftel", "oi-secret"}, ocURL,
		v2.ClientOptions{Role: codes.RoleOI, CodeOC: "BYTL", CodeOI: "FTEL"}); err != nil {
		return nil, err
	}
	return p, nil
}

// serve runs h on a free loopback port under path and returns its URL.
func (p *pair) serve(path string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.Handle(path, h)
	srv := v2.NewHTTPServer(ln.Addr().String(), mux)
	go func() { _ = srv.Serve(ln) }()
	p.stop = append(p.stop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String() + path, nil
}

func (p *pair) close() {
	for _, stop := range p.stop {
		stop()
	}
}

// file has the OC file a ticket and record its copy.
func (p *pair) file(ctx context.Context, ref string) (string, error) {
	res, err := p.oc.Create(ctx, &ticket.Filing{
		TypeSAV: codes.TypeSAVSignalisation, ReferenceSigSAVRaccoOC: ref, ReferencePrise: "FI-1234-ABCD",
		DateIncident: ticket.DateOf(time.Now().In(ticket.Paris).AddDate(0, 0, -1)),
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO,
		Client:      &ticket.Customer{Nom: "Martin", Prenom: "Léa", Contact1: "0612345678"},
		Commentaire: "Pas de signal depuis l'orage.",
	}, nil)
	if err != nil {
		return "", err
	}
	return res.Key, p.ocStore.Put(res.Ticket)
}

// notify has the OI apply tx to its ticket, then tell the OC.
func (p *pair) notify(ctx context.Context, key string, tx ticket.Transaction) error {
	tx.Sender, tx.At, tx.ResyncRequired = codes.RoleOI, time.Now(), true
	var seen int
	_, err := p.oiSystem.Update(ctx, "FTEL", key, func(t *ticket.Ticket) error {
		seen = t.Version
		tx.Version = t.Version
		return t.Apply(tx)
	})
	if err != nil {
		return err
	}
	tx.Version = seen
	_, err = p.oi.Set(ctx, key, tx, nil)
	return err
}

// inform has the OC send tx to the OI, then apply it to its copy.
func (p *pair) inform(ctx context.Context, key string, tx ticket.Transaction) error {
	mine, err := p.ocStore.Ticket(ctx, "FTEL", key)
	if err != nil {
		return err
	}
	tx.Sender, tx.At, tx.Version, tx.ResyncRequired = codes.RoleOC, time.Now(), mine.Version, true
	if _, err := p.oc.Set(ctx, key, tx, nil); err != nil {
		return err
	}
	_, err = p.ocStore.Update(ctx, "FTEL", key, func(t *ticket.Ticket) error { return t.Apply(tx) })
	return err
}

// show prints both copies of a ticket.
func (p *pair) show(ctx context.Context, step, key string) error {
	oi, err := p.oiSystem.Ticket(ctx, "FTEL", key)
	if err != nil {
		return err
	}
	oc, err := p.ocStore.Ticket(ctx, "FTEL", key)
	if err != nil {
		return err
	}
	fmt.Printf("%-34s OI: %-15v v%d %-26s OC: %-15v v%d\n", step, oi.State, oi.Version, oi.EtatResolution, oc.State, oc.Version)
	if oi.State != oc.State || oi.Version != oc.Version {
		return fmt.Errorf("%s: the copies disagree", key)
	}
	return nil
}

// basicAuth sends requests with HTTP basic credentials.
type basicAuth struct{ user, password string }

func (b basicAuth) Do(r *http.Request) (*http.Response, error) {
	r.SetBasicAuth(b.user, b.password)
	return http.DefaultClient.Do(r)
}
