// Command v2-closure closes a signalisation over protocol 2.0 on loopback:
// the OI takes it in charge, repairs the fibre and sends CASE SOLVED
// NOTIFICATION with the closure code RET01, its responsibility, the
// localisation it found (required for a RETxx code) and its comment. The
// OC's copy is closed too, at the same version; getTroubleTicketByKey shows
// the closure; any later transaction is refused (code 13): a closed ticket
// cannot change.
//
//	go run ./examples/v2-closure
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
		fmt.Fprintln(os.Stderr, "v2-closure:", err)
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

	key, err := p.file(ctx, "BYTL-2026-000300")
	if err != nil {
		return err
	}
	if err := p.notify(ctx, key, ticket.Transaction{Kind: ticket.KindCaseSolving}); err != nil {
		return err
	}
	if err := p.show(ctx, "taken in charge", key); err != nil {
		return err
	}

	// A RETxx closure without the localisation is refused (code 1) by the
	// lifecycle the OI applies first, so nothing is stored or sent; the
	// OC's service would refuse it the same way.
	err = p.notify(ctx, key, ticket.Transaction{Kind: ticket.KindCaseSolved,
		Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI}})
	code, _ := v2.ReturnCode(err)
	if code != codes.ReturnCodeMissing {
		return fmt.Errorf("want code 1 for the missing localisation, got %v", err)
	}
	fmt.Printf("closure without localisation refused: %d %s\n", code, code.Message("LocalisationDefaut"))

	if err := p.notify(ctx, key, ticket.Transaction{Kind: ticket.KindCaseSolved,
		Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
			Localisation: codes.PrelocDefautPBO, Description: "Connecteur arraché au PBO",
			Commentaire: "Connecteur remplacé, mesure OK à -18.2 dBm"}}); err != nil {
		return err
	}
	if err := p.show(ctx, "CASE SOLVED NOTIFICATION", key); err != nil {
		return err
	}

	got, err := p.oc.Get(ctx, key, nil)
	if err != nil {
		return err
	}
	fmt.Printf("get: %v, closed %s with %s (%s), responsibility %s, localisation %s: %q\n", got.State,
		got.Cloture.Date.In(ticket.Paris).Format("2006-01-02 15:04"), got.Cloture.Code, got.Cloture.Code.Label(),
		got.Cloture.Responsabilite, got.Cloture.Localisation, got.Cloture.Commentaire)

	// Nothing can happen to a closed ticket.
	err = p.inform(ctx, key, ticket.Transaction{Kind: ticket.KindCOInformation,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Merci"}})
	var fault *v2.FaultError
	if !errors.As(err, &fault) || fault.ReturnCode() != codes.ReturnCodeUnexpected {
		return fmt.Errorf("want fault 13, got %v", err)
	}
	fmt.Printf("information after closure refused: %d %s\n", fault.ReturnCode(), fault.ReturnCode().Message("transaction"))
	return p.show(ctx, "still closed", key)
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
