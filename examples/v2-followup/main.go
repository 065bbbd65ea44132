// Command v2-followup follows a signalisation over protocol 2.0 on
// loopback, with the OI's and the OC's web services both running: the OI
// takes the ticket in charge (CASE SOLVING NOTIFICATION, ACTION PREVUE) and
// reports progress with an intervention date (SU CASE INFORMATION
// NOTIFICATION), the OC sends its customer's new phone number (CO CASE
// INFORMATION NOTIFICATION). Each side applies every transaction to its own
// copy through the lifecycle, so both copies keep the same state and
// version; a transaction the lifecycle refuses is refused by the partner
// too.
//
//	go run ./examples/v2-followup
package main

import (
	"context"
	"errors"
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
		fmt.Fprintln(os.Stderr, "v2-followup:", err)
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

	key, err := p.file(ctx, "BYTL-2026-000200")
	if err != nil {
		return err
	}
	if err := p.show(ctx, "filed "+key, key); err != nil {
		return err
	}

	// The OI takes the ticket in charge.
	if err := p.notify(ctx, key, ticket.Transaction{Kind: ticket.KindCaseSolving,
		EtatResolution: codes.EtatResolutionPrevue}); err != nil {
		return err
	}
	if err := p.show(ctx, "CASE SOLVING NOTIFICATION", key); err != nil {
		return err
	}

	// The OI announces an intervention.
	when := time.Now().In(ticket.Paris).AddDate(0, 0, 2).Truncate(time.Hour)
	if err := p.notify(ctx, key, ticket.Transaction{Kind: ticket.KindSUInformation,
		Message: &ticket.Message{Type: codes.TypeMessageAvancementResolution,
			Texte: "Intervention d'un technicien sur le PBO"},
		Intervention: &ticket.Intervention{Date: when, Type: "PBO"}}); err != nil {
		return err
	}
	if err := p.show(ctx, "SU CASE INFORMATION NOTIFICATION", key); err != nil {
		return err
	}

	// The OC gives its customer's new number.
	if err := p.inform(ctx, key, ticket.Transaction{Kind: ticket.KindCOInformation,
		Message: &ticket.Message{Type: codes.TypeMessageCoordonneesClient, Texte: "Nouveau numéro"},
		Client:  &ticket.Customer{Contact2: "0145678901"}}); err != nil {
		return err
	}
	if err := p.show(ctx, "CO CASE INFORMATION NOTIFICATION", key); err != nil {
		return err
	}
	oi, err := p.oiSystem.Ticket(ctx, "FTEL", key)
	if err != nil {
		return err
	}
	oc, err := p.ocStore.Ticket(ctx, "FTEL", key)
	if err != nil {
		return err
	}
	fmt.Printf("the OI knows contact2 %s; the OC knows the intervention on %s (%s)\n", oi.Client.Contact2,
		oc.Intervention.Date.Format("2006-01-02 15:04"), oc.Intervention.Type)

	// A message only the OI sends is refused from the OC (code 11), and
	// nothing changes.
	err = p.inform(ctx, key, ticket.Transaction{Kind: ticket.KindSUInformation,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "?"}})
	var fault *v2.FaultError
	if !errors.As(err, &fault) || fault.ReturnCode() != codes.ReturnCodeNotAllowed {
		return fmt.Errorf("want fault 11, got %v", err)
	}
	fmt.Printf("SU transaction from the OC refused: %d %s\n", fault.ReturnCode(), fault.ReturnCode().Template())
	return p.show(ctx, "after the refusal", key)
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
