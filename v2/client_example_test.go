package v2_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v2"
)

// exampleOI starts an OI's service (FTEL) on loopback that trusts the
// sav:entete header, as a sandbox does, and returns an OC's client of it.
func exampleOI() (*v2.Client, *v2.Memory, func()) {
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, ticket.Paris)
	now := func() time.Time { return clock }
	system := v2.NewMemory(v2.MemoryOptions{IDPrefix: "FTEL", Now: now})
	server, err := v2.NewOIServer(system, v2.ServerOptions{Code: "FTEL", Auth: v2.TrustHeader{}, Now: now})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(server)
	client, err := v2.NewClient(srv.Client(), srv.URL, v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL",
		CodeOI: "FTEL", Now: now})
	if err != nil {
		panic(err)
	}
	return client, system, srv.Close
}

func exampleFiling(ref string) *ticket.Filing {
	return &ticket.Filing{
		TypeSAV:                codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC: ref,
		ReferencePrise:         "FI-1234-ABCD",
		DateIncident:           ticket.Date{Year: 2026, Month: time.March, Day: 1},
		NatureDefaut:           codes.NatureDefautCoupure,
		PrelocDefaut:           codes.PrelocDefautPTO,
	}
}

func ExampleClient_Create() {
	client, _, stop := exampleOI()
	defer stop()
	ctx := context.Background()

	res, err := client.Create(ctx, exampleFiling("BYTL-2026-000001"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Key, res.Ticket.State, res.Ticket.Version)

	// Sent again after a lost answer: the OI's duplicate fault carries the
	// existing key, which the client recovers.
	again, err := client.Create(ctx, exampleFiling("BYTL-2026-000001"), &v2.CreateOptions{RecoverDuplicate: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(again.Key, again.Recovered)
	// Output:
	// FTEL00000001 QUEUED 0
	// FTEL00000001 true
}

func ExampleClient_Set() {
	client, _, stop := exampleOI()
	defer stop()
	ctx := context.Background()
	res, err := client.Create(ctx, exampleFiling("BYTL-2026-000002"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The OC adds information, asking the OI to refuse it if its copy is
	// not at the version the OC last saw.
	tx := ticket.Transaction{Kind: ticket.KindCOInformation, Version: res.Ticket.Version, ResyncRequired: true,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Digicode 1234"}}
	if _, err := client.Set(ctx, res.Key, tx, nil); err != nil {
		fmt.Println(err)
		return
	}
	// The OC keeps its copy in step by applying the same transaction.
	tx.Sender = codes.RoleOC
	if err := res.Ticket.Apply(tx); err != nil {
		fmt.Println(err)
		return
	}
	got, err := client.Get(ctx, res.Key, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.State, got.Version, res.Ticket.Version)

	// The same version again is now stale: the OI refuses it (code 6).
	_, err = client.Set(ctx, res.Key, ticket.Transaction{Kind: ticket.KindCOInformation, Version: 0,
		ResyncRequired: true, Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "?"}}, nil)
	fmt.Println(errors.Is(err, ticket.ErrResync))
	// Output:
	// QUEUED 1 1
	// true
}

func ExampleClient_Get() {
	client, _, stop := exampleOI()
	defer stop()
	ctx := context.Background()
	res, err := client.Create(ctx, exampleFiling("BYTL-2026-000003"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := client.Get(ctx, res.Key, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.ReferenceSigSAVOI, t.ReferenceSigSAVRaccoOC, t.State, t.NatureDefaut, t.PrelocDefaut)
	fmt.Println(t.DatePriseEnCompte.Format(time.RFC3339))

	_, err = client.Get(ctx, "FTEL99999999", nil)
	fmt.Println(errors.Is(err, v2.ErrNotFound))
	// Output:
	// FTEL00000001 BYTL-2026-000003 QUEUED COUPURE PTO
	// 2026-03-02T09:00:00+01:00
	// true
}

func ExampleClient_Search() {
	client, _, stop := exampleOI()
	defer stop()
	ctx := context.Background()
	for i := range 5 {
		if _, err := client.Create(ctx, exampleFiling(fmt.Sprintf("BYTL-2026-%06d", 10+i)), nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	// Two per page: the iterator fetches three pages.
	for t, err := range client.Search(ctx, &v2.Filter{States: []ticket.State{ticket.StateQueued}},
		&v2.SearchOptions{HowMany: 2}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(t.ReferenceSigSAVOI, t.ReferenceSigSAVRaccoOC)
	}
	// Output:
	// FTEL00000001 BYTL-2026-000010
	// FTEL00000002 BYTL-2026-000011
	// FTEL00000003 BYTL-2026-000012
	// FTEL00000004 BYTL-2026-000013
	// FTEL00000005 BYTL-2026-000014
}

func ExampleClient_Query() {
	client, system, stop := exampleOI()
	defer stop()
	ctx := context.Background()
	for i := range 3 {
		if _, err := client.Create(ctx, exampleFiling(fmt.Sprintf("BYTL-2026-%06d", 20+i)), nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	// The OI closes the second one.
	_, err := system.Update(ctx, "FTEL", "FTEL00000002", func(t *ticket.Ticket) error {
		return t.Apply(ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI,
			Cloture: &ticket.Closure{Code: "ERR01", Responsabilite: codes.ResponsabiliteOC}})
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for t, err := range client.Query(ctx, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(t.ReferenceSigSAVOI, t.State)
	}
	// Output:
	// FTEL00000001 QUEUED
	// FTEL00000003 QUEUED
}

func ExampleFaultError() {
	client, _, stop := exampleOI()
	defer stop()
	_, err := client.Create(context.Background(), exampleFiling("BYTL-2026-000030"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.Create(context.Background(), exampleFiling("BYTL-2026-000030"), nil)
	var fault *v2.FaultError
	if errors.As(err, &fault) {
		fmt.Println(fault.FaultCode, int(fault.ReturnCode()), fault.Exception.Kind, fault.Key(), fault.Temporary())
	}
	// Output:
	// Client 100 createException FTEL00000001 false
}

func ExampleNewOIServer() {
	// The OI's ticket system (here in memory) behind its web service; each
	// OC authenticates with its own credentials.
	system := v2.NewMemory(v2.MemoryOptions{IDPrefix: "FTEL"})
	auth := v2.NewBasicAuth()
	if err := auth.Add("bytl", "s3cret", "BYTL"); err != nil {
		fmt.Println(err)
		return
	}
	server, err := v2.NewOIServer(system, v2.ServerOptions{Code: "FTEL", Auth: auth})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/sav/v2/oi", server)
	httpServer := v2.NewHTTPServer("127.0.0.1:0", mux)
	fmt.Println(server.Role(), httpServer.ReadHeaderTimeout)
	// Output:
	// OI 10s
}

func ExampleNewOCServer() {
	// The OC keeps its copies of the tickets it filed; its service applies
	// the OI's notifications to them.
	store := v2.NewMemory(v2.MemoryOptions{})
	filed := &ticket.Ticket{}
	_ = filed.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC,
		Filing: &ticket.Filing{CodeOC: "BYTL", CodeOI: "FTEL", ReferenceSigSAVRaccoOC: "BYTL-1",
			ReferencePrise: "FI-1234-ABCD", DateIncident: ticket.Date{Year: 2026, Month: 3, Day: 1},
			NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO}})
	_ = filed.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI,
		ReferenceSigSAVOI: "FTEL00000001"})
	if err := store.Put(filed); err != nil {
		fmt.Println(err)
		return
	}
	server, err := v2.NewOCServer(store, v2.ServerOptions{Code: "BYTL", Auth: v2.TrustHeader{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(server)
	defer srv.Close()

	// The OI notifies that it takes the ticket in charge.
	oi, err := v2.NewClient(srv.Client(), srv.URL, v2.ClientOptions{Role: codes.RoleOI, CodeOC: "BYTL", CodeOI: "FTEL"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = oi.Set(context.Background(), "FTEL00000001", ticket.Transaction{Kind: ticket.KindCaseSolving,
		ResyncRequired: true, EtatResolution: codes.EtatResolutionPrevue}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, _ := store.Ticket(context.Background(), "FTEL", "FTEL00000001")
	fmt.Println(t.State, t.EtatResolution, t.Version)
	// Output:
	// OPENACTIVE ACTION PREVUE 1
}
