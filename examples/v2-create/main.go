// Command v2-create files a signalisation over protocol 2.0 on loopback: an
// OI serves its web service (/sav/v2/oi) with the in-memory ticket system
// and HTTP basic authentication, an OC creates a ticket with
// createTroubleTicketByValue and gets the OI's id (AR OK), then reads the
// ticket back with getTroubleTicketByKey. Re-sending the same deposit, as an
// OC does after losing the answer, recovers the same id instead of filing
// twice; an incomplete deposit is refused (AR KO) with a return code.
//
//	go run ./examples/v2-create
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
		fmt.Fprintln(os.Stderr, "v2-create:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The OI: its ticket system and its web service, which knows the OC
	// BYTL by its basic credentials.
	system := v2.NewMemory(v2.MemoryOptions{IDPrefix: "FTEL"})
	auth := v2.NewBasicAuth()
	if err := auth.Add("bytl", "s3cret", "BYTL"); err != nil {
		return err
	}
	server, err := v2.NewOIServer(system, v2.ServerOptions{Code: "FTEL", Auth: auth})
	if err != nil {
		return err
	}
	url, stop, err := serve("/sav/v2/oi", server)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Println("OI FTEL serving", url)

	// The OC: a client of the OI's service.
	client, err := v2.NewClient(basicAuth{"bytl", "s3cret"}, url,
		v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"})
	if err != nil {
		return err
	}
	filing := &ticket.Filing{
		TypeSAV:                codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC: "BYTL-2026-000123",
		ReferencePrise:         "FI-1234-ABCD",
		DateIncident:           ticket.DateOf(time.Now().In(ticket.Paris).AddDate(0, 0, -1)),
		NatureDefaut:           codes.NatureDefautCoupure,
		PrelocDefaut:           codes.PrelocDefautPTO,
		Client:                 &ticket.Customer{Nom: "Martin", Prenom: "Léa", Contact1: "0612345678"},
		Commentaire:            "Pas de signal chez notre cliente depuis hier soir.",
	}
	created, err := client.Create(ctx, filing, nil)
	if err != nil {
		return err
	}
	fmt.Printf("AR OK: the OI's id is %s; the OC's copy is %v at version %d\n",
		created.Key, created.Ticket.State, created.Ticket.Version)

	got, err := client.Get(ctx, created.Key, nil)
	if err != nil {
		return err
	}
	fmt.Printf("get %s: %v, version %d, received at %s, %s at %s\n", got.ReferenceSigSAVOI, got.State, got.Version,
		got.DatePriseEnCompte.In(ticket.Paris).Format(time.RFC3339), got.NatureDefaut, got.PrelocDefaut)

	// The answer was lost? Sending the deposit again recovers the id.
	again, err := client.Create(ctx, filing, &v2.CreateOptions{RecoverDuplicate: true})
	if err != nil {
		return err
	}
	fmt.Printf("re-sent: recovered %v, same id %s, tickets at the OI: %d\n", again.Recovered, again.Key, system.Len())

	// Without the option, the duplicate is a fault carrying the existing key.
	_, err = client.Create(ctx, filing, nil)
	var fault *v2.FaultError
	if !errors.As(err, &fault) || !errors.Is(err, v2.ErrDuplicate) {
		return fmt.Errorf("want a duplicate fault, got %v", err)
	}
	fmt.Printf("duplicate: code %d, existing ticket %s\n", fault.ReturnCode(), fault.Key())

	// The OI refuses what it cannot accept (AR KO) with a return code:
	// here an EXPERTISE contesting a ticket it does not know.
	expertise := *filing
	expertise.ReferenceSigSAVRaccoOC = "BYTL-2026-000124"
	expertise.TypeSAV, expertise.RelatedTicket = codes.TypeSAVExpertise, "FTEL99999999"
	_, err = client.Create(ctx, &expertise, nil)
	code, _ := v2.ReturnCode(err)
	if code != codes.ReturnCodeUnknown {
		return fmt.Errorf("want an AR KO with code 8, got %v", err)
	}
	fmt.Printf("AR KO: code %d (%s)\n", code, code.Message("relatedTroubleTicketKeyList"))

	// And the client refuses to send a deposit the lifecycle rejects.
	incomplete := *filing
	incomplete.ReferenceSigSAVRaccoOC, incomplete.PrelocDefaut = "BYTL-2026-000125", ""
	_, err = client.Create(ctx, &incomplete, nil)
	code, _ = v2.ReturnCode(err)
	if code != codes.ReturnCodeMissing {
		return fmt.Errorf("want code 1, got %v", err)
	}
	fmt.Printf("not sent: code %d (%s), tickets at the OI: %d\n", code, code.Message("PrelocDefaut"), system.Len())
	return nil
}

// serve runs h on a free loopback port under path and returns its URL.
func serve(path string, h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(path, h)
	srv := v2.NewHTTPServer(ln.Addr().String(), mux)
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String() + path, stop, nil
}

// basicAuth sends requests with HTTP basic credentials.
type basicAuth struct{ user, password string }

func (b basicAuth) Do(r *http.Request) (*http.Response, error) {
	r.SetBasicAuth(b.user, b.password)
	return http.DefaultClient.Do(r)
}
