package sav_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

// An OC files a signalisation; with a 2.0 OI the AR comes back at once.
// savtest.Start wires an OC (BYTL) and an OI (FTEL) together on loopback.
func ExampleOC_File() {
	pair, err := savtest.Start(savtest.Options{Protocol: savtest.V2})
	if err != nil {
		panic(err)
	}
	defer pair.Close()
	ctx := context.Background()

	tk, err := pair.OC.File(ctx, &ticket.Filing{
		CodeOI:                 "FTEL",
		ReferenceSigSAVRaccoOC: "BYTL-2026-0001",
		ReferencePrise:         "FI-1234-5678",
		DateIncident:           ticket.Date{Year: 2026, Month: 1, Day: 5},
		NatureDefaut:           codes.NatureDefautCoupure,
		PrelocDefaut:           codes.PrelocDefautPM,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(tk.State, tk.ReferenceSigSAVOI)
	// Output: QUEUED FTEL00000001
}

// The same program follows its tickets through events, whatever protocol
// the OI speaks: here over 1.0a, where the AR OK also starts the prise en
// charge.
func ExampleEvent() {
	events := make(chan sav.Event, 16)
	pair, err := savtest.Start(savtest.Options{Protocol: savtest.V1A, OCHandler: sav.ChanHandler(events)})
	if err != nil {
		panic(err)
	}
	defer pair.Close()
	ctx := context.Background()
	if _, err := pair.OC.File(ctx, pair.Filing("BYTL-2026-0002")); err != nil {
		panic(err)
	}
	for range 2 {
		e := <-events
		fmt.Println(e.Kind, e.Protocol, e.Ticket.State, e.Implicit())
	}
	// Output:
	// ACKNOWLEDGED v1a OPENACTIVE false
	// TAKEN IN CHARGE v1a OPENACTIVE true
}

// The OI takes the ticket in charge and closes it; the closure reaches the
// OC through the outbox.
func ExampleOI_Close() {
	filed := make(chan sav.Event, 4)
	closed := make(chan sav.Event, 4)
	pair, err := savtest.Start(savtest.Options{
		OIHandler: sav.ChanHandler(filed),
		OCHandler: sav.HandlerFunc(func(_ context.Context, e sav.Event) {
			if e.Kind == sav.EventClosed {
				closed <- e
			}
		}),
	})
	if err != nil {
		panic(err)
	}
	defer pair.Close()
	ctx := context.Background()
	if _, err := pair.OC.File(ctx, pair.Filing("BYTL-2026-0003")); err != nil {
		panic(err)
	}
	key := (<-filed).Key // EventFiled
	if _, err := pair.OI.TakeCharge(ctx, key, codes.EtatResolutionPrevue); err != nil {
		panic(err)
	}
	if _, err := pair.OI.Close(ctx, key, ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
		Localisation: codes.PrelocDefautPM, Commentaire: "Connecteur remplacé au PM"}); err != nil {
		panic(err)
	}
	e := <-closed
	fmt.Println(e.Ticket.State, e.Ticket.Cloture.Code, e.Ticket.Version)
	// Output: CLOSED RET01 2
}

// Cancelling a ticket a 1.0a OI holds is refused with a typed error:
// protocol 1.0a has no cancellation flow.
func ExampleOC_Cancel() {
	events := make(chan sav.Event, 4)
	pair, err := savtest.Start(savtest.Options{Protocol: savtest.V1A, OCHandler: sav.ChanHandler(events)})
	if err != nil {
		panic(err)
	}
	defer pair.Close()
	ctx := context.Background()
	if _, err := pair.OC.File(ctx, pair.Filing("BYTL-2026-0004")); err != nil {
		panic(err)
	}
	<-events // ACKNOWLEDGED
	_, err = pair.OC.Cancel(ctx, pair.OCKey("BYTL-2026-0004"), "client dépanné")
	var ue *sav.UnsupportedError
	fmt.Println(errorsAs(err, &ue), ue.Code)
	// Output: true 11 ACTION NON AUTORISEE
}

// A peers file of SAVCTL.md.
func ExampleReadPeers() {
	peers, err := sav.ReadPeers(strings.NewReader(`{"operators": [
	  {"code": "BYTL", "role": "oc",
	   "v2": {"url": "http://127.0.0.1:9090/sav/v2/oc"},
	   "v1a": {"address": "sav-ftth@bytl.example"},
	   "auth": {"basic": {"user": "bytl", "password": "secret"}}},
	  {"code": "SFR0", "role": "oc", "v1a": {"address": "sav@sfr0.example"}}
	]}`))
	if err != nil {
		panic(err)
	}
	for _, code := range []string{"BYTL", "SFR0"} {
		p, _ := peers.Lookup(code)
		fmt.Println(code, p.Role, p.Protocol())
	}
	// Output:
	// BYTL OC v2
	// SFR0 OC v1a
}

func errorsAs(err error, target **sav.UnsupportedError) bool { return errors.As(err, target) }
