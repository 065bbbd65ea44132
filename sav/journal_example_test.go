package sav_test

import (
	"context"
	"fmt"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
)

// An OI journals each mail before it handles it, commits the ticket, the AR
// to send and the mail's outcome together, and answers a mail delivered
// twice with the AR it already sent.
func ExampleMemStore_Record() {
	ctx := context.Background()
	store := sav.NewMemStore()
	received := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	mail := &sav.Inbound{Protocol: sav.ProtocolV1A, ID: "20260302090000.0001@bytl.example",
		From: "sav-ftth@bytl.example", CodeOperator: "BYTL", ReceivedAt: received,
		ContentType: "message/rfc822", Body: []byte("Subject: SAV FTTH - SAV_DEPOT_BYTL_FTEL_20260302090000_0001\r\n…")}

	handle := func() {
		entry, dup, err := store.Record(ctx, mail)
		switch {
		case err != nil:
			fmt.Println(err)
			return
		case dup && entry.Outcome != nil:
			fmt.Printf("duplicate, answered again with %q\n", entry.Outcome.Response)
			return
		}
		ar := []byte("SAV_AR_FTEL_BYTL_20260302090100_0001.csv")
		_, err = store.Create(ctx, codes.RoleOI, storetest.NewTicket("BTGP-MG-OI-000123-0001", "OI-000042"),
			sav.Effects{
				Deliveries: []sav.Delivery{{Protocol: sav.ProtocolV1A,
					Destination: sav.Destination{Code: "BYTL", Address: "sav-ftth@bytl.example"},
					ContentType: "message/rfc822", Body: ar, Label: string(ar)}},
				Outcomes: []sav.Resolution{{Ref: entry.Ref(), Outcome: sav.Outcome{
					Disposition: sav.DispositionProcessed, At: received.Add(time.Minute),
					Code: codes.ReturnCodeOK, ContentType: "text/csv", Response: ar}}},
			})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("processed")
	}
	handle()
	handle()

	// A mail from an address not configured for the operator code it
	// claims is kept aside, never processed.
	spoof := &sav.Inbound{Protocol: sav.ProtocolV1A, ID: "x1@elsewhere.example", From: "someone@elsewhere.example",
		CodeOperator: "BYTL", ReceivedAt: received}
	if _, _, err := store.Record(ctx, spoof); err != nil {
		fmt.Println(err)
		return
	}
	_ = store.Resolve(ctx, sav.Quarantine(spoof.Ref(), received,
		"sender someone@elsewhere.example is not the address configured for BYTL"))
	quarantined, _ := store.Quarantined(ctx)
	for _, in := range quarantined {
		fmt.Println("quarantined:", in.ID, "-", in.Outcome.Reason)
	}
	unresolved, _ := store.Unresolved(ctx)
	fmt.Println("left to process:", len(unresolved))
	// Output:
	// processed
	// duplicate, answered again with "SAV_AR_FTEL_BYTL_20260302090100_0001.csv"
	// quarantined: x1@elsewhere.example - sender someone@elsewhere.example is not the address configured for BYTL
	// left to process: 0
}
