package sav_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
	"github.com/opensav/savsdk/ticket"
)

// An OI takes a ticket in charge: the transaction and the notification to
// the OC are committed together, so the OC is told of every change that was
// made, and of no change that was not.
func ExampleMemStore_Update() {
	ctx := context.Background()
	store := sav.NewMemStore()

	// The ticket as the OI acknowledged it (storetest.NewTicket builds one).
	tk, err := store.Create(ctx, codes.RoleOI, storetest.NewTicket("BTGP-MG-OI-000123-0001", "OI-000042"),
		sav.Effects{})
	if err != nil {
		fmt.Println(err)
		return
	}
	key := sav.KeyOf(codes.RoleOI, tk)

	tk, err = store.Update(ctx, key, func(t *ticket.Ticket) (sav.Effects, error) {
		tx := ticket.Transaction{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI,
			At: time.Date(2026, 3, 2, 10, 0, 0, 0, ticket.Paris), EtatResolution: codes.EtatResolutionPrevue}
		if err := t.Apply(tx); err != nil {
			return sav.Effects{}, err // nothing is written
		}
		return sav.Effects{Deliveries: []sav.Delivery{{
			Protocol:    sav.ProtocolV2,
			Destination: sav.Destination{Code: t.CodeOC, Address: "https://sav.bytl.example/sav/v2/oc"},
			ContentType: "text/xml; charset=utf-8",
			Body:        []byte("<soapenv:Envelope>…</soapenv:Envelope>"),
			Label:       tx.Kind.String(),
		}}}, nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tk.State, tk.EtatResolution, "version", tk.Version)

	pending, _ := store.Pending(ctx)
	for _, d := range pending {
		fmt.Println(d.Status, d.Label, "to", d.Destination.Code, "for", d.Tickets[0])
	}

	// A refused transaction changes nothing and comes back as it is.
	_, err = store.Update(ctx, key, func(t *ticket.Ticket) (sav.Effects, error) {
		return sav.Effects{}, t.Apply(ticket.Transaction{Kind: ticket.KindCancel, Sender: codes.RoleOC})
	})
	code, _ := ticket.ReturnCode(err)
	fmt.Println("refused with code", int(code))
	// Output:
	// OPENACTIVE ACTION PREVUE version 1
	// pending CASE SOLVING NOTIFICATION to BYTL for OI/BYTL/BTGP-MG-OI-000123-0001
	// refused with code 13
}

// A create retried after a lost answer finds the ticket it created the
// first time, and is answered with it.
func ExampleDuplicateError() {
	ctx := context.Background()
	store := sav.NewMemStore()
	first := storetest.NewTicket("BTGP-MG-OI-000123-0001", "OI-000042")
	if _, err := store.Create(ctx, codes.RoleOI, first, sav.Effects{}); err != nil {
		fmt.Println(err)
		return
	}

	retry := storetest.NewTicket("BTGP-MG-OI-000123-0001", "OI-000043")
	_, err := store.Create(ctx, codes.RoleOI, retry, sav.Effects{})
	if dup, ok := errors.AsType[*sav.DuplicateError](err); ok {
		fmt.Println("already filed as", dup.Existing.ReferenceSigSAVOI)
	}
	fmt.Println(errors.Is(err, sav.ErrDuplicate))
	// Output:
	// already filed as OI-000042
	// true
}

// One program may be the OI of some tickets and the OC of others; the role
// in the key keeps them apart, and the OI key finds a ticket from the OI's
// reference.
func ExampleMemStore_GetByOI() {
	ctx := context.Background()
	store := sav.NewMemStore()
	if _, err := store.Create(ctx, codes.RoleOC, storetest.NewTicket("BTGP-MG-OI-000123-0001", "OI-000042"),
		sav.Effects{}); err != nil {
		fmt.Println(err)
		return
	}
	t, err := store.GetByOI(ctx, sav.OIKey{Role: codes.RoleOC, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-000042"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sav.KeyOf(codes.RoleOC, t))

	_, err = store.GetByOI(ctx, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-000042"})
	fmt.Println(errors.Is(err, sav.ErrNotFound))
	// Output:
	// OC/BYTL/BTGP-MG-OI-000123-0001
	// true
}

// List pages through the open tickets of one OC in the order protocol 2.0
// searches use.
func ExampleMemStore_List() {
	ctx := context.Background()
	store := sav.NewMemStore()
	for i, ref := range []string{"REF-C", "REF-A", "REF-B"} {
		tk := storetest.NewTicket(ref, fmt.Sprintf("OI-%06d", 3-i))
		if _, err := store.Create(ctx, codes.RoleOI, tk, sav.Effects{}); err != nil {
			fmt.Println(err)
			return
		}
	}
	page, _ := store.List(ctx, sav.Query{Role: codes.RoleOI, CodeOC: "BYTL", Open: true, Offset: 0, Limit: 2})
	for _, t := range page {
		fmt.Println(t.ReferenceSigSAVOI, t.ReferenceSigSAVRaccoOC)
	}
	// Output:
	// OI-000001 REF-B
	// OI-000002 REF-A
}
