// Command v2-search-resync shows the OC's ways of finding its tickets and
// catching up with its OI over protocol 2.0 on loopback. It files a dozen
// tickets, walks them page by page with getTroubleTicketsByTemplate (the
// page index in the sav:pagination header) and lists the open ones with
// queryTroubleTickets. Then the OI takes a ticket in charge but its
// notification never reaches the OC: the OC's next transaction, sent with
// resyncRequired, is refused for a stale version (resyncRequiredException,
// code 6); with the Resync option the client gets the ticket, checks the
// transaction against its current state and sends it again.
//
//	go run ./examples/v2-search-resync
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
		fmt.Fprintln(os.Stderr, "v2-search-resync:", err)
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

	var keys []string
	for i := range 12 {
		key, err := p.file(ctx, fmt.Sprintf("BYTL-2026-%06d", 500+i))
		if err != nil {
			return err
		}
		keys = append(keys, key)
	}
	// The OI closes one of them (a ticket filed by mistake).
	if err := p.notify(ctx, keys[2], ticket.Transaction{Kind: ticket.KindCaseSolved,
		Cloture: &ticket.Closure{Code: "ERR01", Responsabilite: codes.ResponsabiliteOC}}); err != nil {
		return err
	}

	// One page at a time…
	for seq := 0; ; seq++ {
		page, err := p.oc.SearchPage(ctx, &v2.Filter{}, &v2.PageOptions{HowMany: 5, Sequence: seq})
		if err != nil {
			return err
		}
		var ids []string
		for _, t := range page.Tickets {
			ids = append(ids, t.ReferenceSigSAVOI)
		}
		fmt.Printf("search page %d: %v (end of reply: %v)\n", page.Sequence, ids, page.EndOfReply)
		if page.EndOfReply {
			break
		}
	}
	// …or with an iterator that fetches the pages itself.
	open := 0
	for _, err := range p.oc.Query(ctx, &v2.SearchOptions{HowMany: 5}) {
		if err != nil {
			return err
		}
		open++
	}
	fmt.Printf("open tickets: %d of %d\n", open, len(keys))
	for t, err := range p.oc.Search(ctx, &v2.Filter{ReferenceSigSAVRaccoOC: "BYTL-2026-000507"}, nil) {
		if err != nil {
			return err
		}
		fmt.Printf("search by the OC's reference: %s is %s\n", t.ReferenceSigSAVRaccoOC, t.ReferenceSigSAVOI)
	}

	// The OI takes keys[0] in charge, but the notification is lost: only
	// its own copy moves.
	key := keys[0]
	if _, err := p.oiSystem.Update(ctx, "FTEL", key, func(t *ticket.Ticket) error {
		return t.Apply(ticket.Transaction{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: time.Now()})
	}); err != nil {
		return err
	}
	mine, err := p.ocStore.Ticket(ctx, "FTEL", key)
	if err != nil {
		return err
	}
	info := ticket.Transaction{Kind: ticket.KindCOInformation, Version: mine.Version, ResyncRequired: true,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Le client est joignable après 18h"}}
	_, err = p.oc.Set(ctx, key, info, nil)
	var fault *v2.FaultError
	if !errors.As(err, &fault) || !errors.Is(err, ticket.ErrResync) {
		return fmt.Errorf("want a resyncRequiredException, got %v", err)
	}
	fmt.Printf("stale version %d refused: %d %s (ticket %s)\n", mine.Version, fault.ReturnCode(),
		fault.ReturnCode().Template(), fault.Key())

	res, err := p.oc.Set(ctx, key, info, &v2.SetOptions{Resync: true})
	if err != nil {
		return err
	}
	fmt.Printf("resynced: %v; the OC's new copy is %v at version %d\n", res.Resynced, res.Ticket.State, res.Ticket.Version)
	// The OC keeps the partner's state as its copy (a get carries no
	// history: the record of the lost notification stays with the OI).
	if err := p.ocStore.Put(res.Ticket); err != nil {
		return err
	}
	return p.show(ctx, "after the resync", key)
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
