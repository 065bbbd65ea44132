// Package storetest checks that an implementation of [sav.Store] keeps the
// guarantees the package sav documentation lists: atomic commits of a ticket
// with its deliveries and journal outcomes, serialised updates of one
// ticket, duplicate detection with the stored ticket, copies in and out, the
// journal's duplicate and quarantine rules, the outbox's order, leases,
// failures, parking, retries and abandons, and unique sequence numbers.
//
// An embedder that stores its SAV in a database runs the suite against it:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) sav.Store {
//			return openTestDatabase(t) // an empty store
//		})
//	}
//
// The suite uses only the standard library and the store; each subtest
// gets a new, empty store from newStore.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
)

// T0 is the time the suite's tickets and deliveries start from.
var T0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Run runs the conformance suite against the stores newStore returns; each
// subtest calls it once and expects an empty store.
func Run(t *testing.T, newStore func(t *testing.T) sav.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Tickets", ticketTests},
		{"Journal", journalTests},
		{"Outbox", outboxTests},
		{"Sequences", sequenceTests},
		{"Concurrency", concurrencyTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
			}
		})
	}
}

type test struct {
	name string
	run  func(t *testing.T, s sav.Store)
}

// NewTicket returns a ticket the OC filed and the OI acknowledged (Queued,
// version 0): the OC's code BYTL and reference ref, the OI's code FTEL and,
// when refOI is not empty, reference refOI (else the ticket is Submitted).
func NewTicket(ref, refOI string) *ticket.Ticket {
	tk := &ticket.Ticket{}
	must(tk.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: T0, Filing: &ticket.Filing{
		CodeOC: "BYTL", CodeOI: "FTEL", ReferenceSigSAVRaccoOC: ref, ReferencePrise: "FI-1234-ABCD",
		DateIncident: ticket.Date{Year: 2026, Month: 3, Day: 1},
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO,
		Commentaire: "Pas de signal",
	}}))
	if refOI != "" {
		must(tk.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: T0.Add(time.Minute),
			ReferenceSigSAVOI: refOI}))
	}
	return tk
}

// Comment returns a CO CASE INFORMATION NOTIFICATION carrying text: a
// transaction a Queued ticket accepts any number of times.
func Comment(text string) ticket.Transaction {
	at := T0.Add(time.Hour)
	return ticket.Transaction{Kind: ticket.KindCOInformation, Sender: codes.RoleOC, At: at,
		Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: text, Date: at}}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

var bg = context.Background()

func keyOf(tk *ticket.Ticket) sav.Key { return sav.KeyOf(codes.RoleOI, tk) }

func delivery(label string, keys ...sav.Key) sav.Delivery {
	return sav.Delivery{Protocol: sav.ProtocolV2, Destination: sav.Destination{Code: "BYTL",
		Address: "http://127.0.0.1:9/sav/v2/oc"}, ContentType: "text/xml; charset=utf-8",
		Body: []byte("<" + label + "/>"), Label: label, Tickets: keys}
}

func mailDelivery(label, to string) sav.Delivery {
	return sav.Delivery{Protocol: sav.ProtocolV1A, Destination: sav.Destination{Code: "BYTL", Address: to},
		ContentType: "message/rfc822", Body: []byte("Subject: SAV FTTH - " + label + "\r\n\r\n"), Label: label}
}

func inbound(id string) *sav.Inbound {
	return &sav.Inbound{Protocol: sav.ProtocolV1A, ID: id, From: "sav-ftth@bytl.example", CodeOperator: "BYTL",
		ReceivedAt: T0, ContentType: "message/rfc822", Body: []byte("Message-ID: <" + id + ">\r\n\r\nbody")}
}

func processed(code codes.ReturnCode, resp string) sav.Outcome {
	return sav.Outcome{Disposition: sav.DispositionProcessed, At: T0.Add(time.Second), Code: code,
		ContentType: "text/plain", Response: []byte(resp)}
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("%s differs\ngot:  %s\nwant: %s", what, g, w)
	}
}

func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func isErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one wrapping %v", what, err, target)
	}
}

func create(t *testing.T, s sav.Store, tk *ticket.Ticket, fx sav.Effects) *ticket.Ticket {
	t.Helper()
	got, err := s.Create(bg, codes.RoleOI, tk, fx)
	noErr(t, err, "Create")
	return got
}

func get(t *testing.T, s sav.Store, k sav.Key) *ticket.Ticket {
	t.Helper()
	got, err := s.Get(bg, k)
	noErr(t, err, "Get")
	return got
}

func pending(t *testing.T, s sav.Store) []*sav.Delivery {
	t.Helper()
	ds, err := s.Pending(bg)
	noErr(t, err, "Pending")
	return ds
}

func labels(ds []*sav.Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Label)
	}
	return out
}

func claim(t *testing.T, s sav.Store, now time.Time, limit int) sav.Claimed {
	t.Helper()
	c, err := s.Claim(bg, sav.ClaimRequest{Now: now, Limit: limit, Lease: time.Minute})
	noErr(t, err, "Claim")
	return c
}

func claimLabels(t *testing.T, s sav.Store, now time.Time, limit int) []string {
	t.Helper()
	return labels(claim(t, s, now, limit).Deliveries)
}

func comment(text string) sav.UpdateFunc {
	return func(tk *ticket.Ticket) (sav.Effects, error) {
		return sav.Effects{}, tk.Apply(Comment(text))
	}
}

var ticketTests = []test{
	{"CreateAndGet", func(t *testing.T, s sav.Store) {
		tk := NewTicket("REF-1", "OI-1")
		_, _, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record")
		got := create(t, s, tk, sav.Effects{Deliveries: []sav.Delivery{delivery("AR")},
			Outcomes: []sav.Resolution{{Ref: inbound("m1").Ref(), Outcome: processed(0, "AR OK")}}})
		equal(t, "Create result", got, tk)
		equal(t, "Get", get(t, s, keyOf(tk)), tk)
		byOI, err := s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-1"})
		noErr(t, err, "GetByOI")
		equal(t, "GetByOI", byOI, tk)
		byOI.History[0].Filing.Commentaire = "changed by the caller"
		equal(t, "Get after changing what GetByOI returned", get(t, s, keyOf(tk)), tk)
		ds := pending(t, s)
		equal(t, "deliveries committed with the ticket", labels(ds), []string{"AR"})
		equal(t, "their ticket", ds[0].Tickets, []sav.Key{keyOf(tk)})
		in, err := s.Inbound(bg, inbound("m1").Ref())
		noErr(t, err, "Inbound")
		if in.Outcome == nil || string(in.Outcome.Response) != "AR OK" {
			t.Fatalf("outcome committed with the ticket: %+v", in.Outcome)
		}
	}},
	{"NotFound", func(t *testing.T, s sav.Store) {
		_, err := s.Get(bg, sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "NOPE"})
		isErr(t, err, sav.ErrNotFound, "Get")
		_, err = s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "NOPE"})
		isErr(t, err, sav.ErrNotFound, "GetByOI")
		_, err = s.Update(bg, sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "NOPE"},
			comment("x"))
		isErr(t, err, sav.ErrNotFound, "Update")
	}},
	{"InvalidKey", func(t *testing.T, s sav.Store) {
		_, err := s.Create(bg, "", NewTicket("REF-1", ""), sav.Effects{})
		isErr(t, err, sav.ErrInvalidKey, "Create without role")
		noRef := NewTicket("REF-1", "")
		noRef.ReferenceSigSAVRaccoOC = ""
		_, err = s.Create(bg, codes.RoleOC, noRef, sav.Effects{})
		isErr(t, err, sav.ErrInvalidKey, "Create without reference")
		_, err = s.Create(bg, codes.RoleOC, nil, sav.Effects{})
		isErr(t, err, sav.ErrInvalid, "Create nil")
		_, err = s.Update(bg, sav.Key{Role: codes.RoleOI, CodeOC: "BYTL"}, comment("x"))
		isErr(t, err, sav.ErrInvalidKey, "Update")
		_, err = s.List(bg, sav.Query{})
		isErr(t, err, sav.ErrInvalidKey, "List without role")
	}},
	{"Duplicate", func(t *testing.T, s sav.Store) {
		first := create(t, s, NewTicket("REF-1", "OI-1"), sav.Effects{})
		_, _, err := s.Record(bg, inbound("m2"))
		noErr(t, err, "Record")
		again := NewTicket("REF-1", "OI-2")
		_, err = s.Create(bg, codes.RoleOI, again, sav.Effects{
			Deliveries: []sav.Delivery{delivery("AR")},
			Outcomes:   []sav.Resolution{{Ref: inbound("m2").Ref(), Outcome: processed(0, "AR")}},
		})
		isErr(t, err, sav.ErrDuplicate, "second Create")
		var de *sav.DuplicateError
		if !errors.As(err, &de) {
			t.Fatalf("second Create: %T is not a *sav.DuplicateError", err)
		}
		equal(t, "DuplicateError.Existing", de.Existing, first)
		equal(t, "DuplicateError.Key", de.Key, keyOf(first))
		equal(t, "deliveries after a refused create", labels(pending(t, s)), []string{})
		in, err := s.Inbound(bg, inbound("m2").Ref())
		noErr(t, err, "Inbound")
		if !in.Pending() {
			t.Fatalf("a refused create recorded the outcome %+v", in.Outcome)
		}
		_, err = s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-2"})
		isErr(t, err, sav.ErrNotFound, "OI key of a refused create")
	}},
	{"DuplicateOIKey", func(t *testing.T, s sav.Store) {
		first := create(t, s, NewTicket("REF-1", "OI-1"), sav.Effects{})
		_, err := s.Create(bg, codes.RoleOI, NewTicket("REF-2", "OI-1"), sav.Effects{})
		var de *sav.DuplicateError
		if !errors.As(err, &de) {
			t.Fatalf("Create with a taken OI key: got %v, want a *sav.DuplicateError", err)
		}
		equal(t, "Existing", de.Existing, first)
		want := sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-1"}
		equal(t, "OIKey", de.OIKey, want)
		_, err = s.Get(bg, keyOf(NewTicket("REF-2", "")))
		isErr(t, err, sav.ErrNotFound, "the refused ticket")
	}},
	{"RolesApart", func(t *testing.T, s sav.Store) {
		asOI := NewTicket("REF-1", "OI-1")
		asOC := NewTicket("REF-1", "OI-1")
		noErr(t, asOC.Apply(Comment("from the OC side")), "Apply")
		_, err := s.Create(bg, codes.RoleOI, asOI, sav.Effects{})
		noErr(t, err, "Create as OI")
		_, err = s.Create(bg, codes.RoleOC, asOC, sav.Effects{})
		noErr(t, err, "Create as OC of the same ticket")
		equal(t, "OI copy", get(t, s, sav.KeyOf(codes.RoleOI, asOI)), asOI)
		equal(t, "OC copy", get(t, s, sav.KeyOf(codes.RoleOC, asOC)), asOC)
		got, err := s.GetByOI(bg, sav.OIKey{Role: codes.RoleOC, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-1"})
		noErr(t, err, "GetByOI as OC")
		equal(t, "OC copy by OI key", got, asOC)
	}},
	{"Copies", func(t *testing.T, s sav.Store) {
		tk := NewTicket("REF-1", "OI-1")
		want := tk.Clone()
		got := create(t, s, tk, sav.Effects{})
		tk.Commentaire, tk.Version = "changed by the caller", 99
		got.Commentaire = "changed by the caller"
		got.History[0].Filing.Commentaire = "changed by the caller"
		g := get(t, s, keyOf(want))
		g.History = append(g.History[:1], g.History...)
		var kept *ticket.Ticket
		upd, err := s.Update(bg, keyOf(want), func(tk *ticket.Ticket) (sav.Effects, error) {
			kept = tk
			return sav.Effects{}, tk.Apply(Comment("one"))
		})
		noErr(t, err, "Update")
		noErr(t, want.Apply(Comment("one")), "Apply")
		kept.Commentaire = "changed through the update's pointer"
		kept.History[0].Filing.Commentaire = "changed through the update's pointer"
		upd.Commentaire = "changed by the caller"
		equal(t, "stored ticket", get(t, s, keyOf(want)), want)
		list, err := s.List(bg, sav.Query{Role: codes.RoleOI})
		noErr(t, err, "List")
		list[0].Commentaire = "changed by the caller"
		equal(t, "stored ticket after List", get(t, s, keyOf(want)), want)
	}},
	{"UpdateAppliesAndEnqueues", func(t *testing.T, s sav.Store) {
		tk := NewTicket("REF-1", "OI-1")
		create(t, s, tk, sav.Effects{})
		got, err := s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
			if err := t.Apply(Comment("hello")); err != nil {
				return sav.Effects{}, err
			}
			return sav.Effects{Deliveries: []sav.Delivery{delivery("CO CASE INFORMATION NOTIFICATION")}}, nil
		})
		noErr(t, err, "Update")
		noErr(t, tk.Apply(Comment("hello")), "Apply")
		equal(t, "Update result", got, tk)
		equal(t, "stored", get(t, s, keyOf(tk)), tk)
		ds := pending(t, s)
		if len(ds) != 1 {
			t.Fatalf("pending deliveries: %v, want one", labels(ds))
		}
		equal(t, "delivery tickets (defaulted to the updated one)", ds[0].Tickets, []sav.Key{keyOf(tk)})
	}},
	{"UpdateAllOrNothing", func(t *testing.T, s sav.Store) {
		tk := NewTicket("REF-1", "OI-1")
		create(t, s, tk, sav.Effects{})
		ref := inbound("m1").Ref()
		_, _, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record")
		boom := errors.New("boom")
		_, err = s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
			_ = t.Apply(Comment("lost"))
			return sav.Effects{Deliveries: []sav.Delivery{delivery("X")},
				Outcomes: []sav.Resolution{{Ref: ref, Outcome: processed(0, "")}}}, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update returned %v, want fn's error as is", err)
		}
		// A refused transaction comes back unchanged, so callers can read
		// its return code.
		_, err = s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{}, t.Apply(ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOC})
		})
		if code, ok := ticket.ReturnCode(err); !ok || code != codes.ReturnCodeNotAllowed {
			t.Fatalf("Update with a refused transaction: %v, want return code 11", err)
		}
		// An outcome that cannot be recorded aborts the ticket change.
		noErr(t, s.Resolve(bg, sav.Resolution{Ref: ref, Outcome: processed(0, "first")}), "Resolve")
		_, err = s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
			_ = t.Apply(Comment("lost too"))
			return sav.Effects{Deliveries: []sav.Delivery{delivery("Y")},
				Outcomes: []sav.Resolution{{Ref: ref, Outcome: processed(0, "second")}}}, nil
		})
		isErr(t, err, sav.ErrResolved, "Update resolving a resolved message")
		_, err = s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
			_ = t.Apply(Comment("lost as well"))
			return sav.Effects{Outcomes: []sav.Resolution{{Ref: inbound("unknown").Ref(),
				Outcome: processed(0, "")}}}, nil
		})
		isErr(t, err, sav.ErrNotFound, "Update resolving an unknown message")
		_, err = s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
			_ = t.Apply(Comment("lost again"))
			return sav.Effects{Deliveries: []sav.Delivery{{Label: "no protocol"}}}, nil
		})
		isErr(t, err, sav.ErrInvalid, "Update with an invalid delivery")
		equal(t, "stored", get(t, s, keyOf(tk)), tk)
		equal(t, "deliveries", labels(pending(t, s)), []string{})
		in, err := s.Inbound(bg, ref)
		noErr(t, err, "Inbound")
		equal(t, "outcome", string(in.Outcome.Response), "first")
	}},
	{"UpdateWithOutcome", func(t *testing.T, s sav.Store) {
		tk := NewTicket("REF-1", "OI-1")
		create(t, s, tk, sav.Effects{})
		_, _, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record")
		_, err = s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{Outcomes: []sav.Resolution{{Ref: inbound("m1").Ref(), Outcome: processed(0, "ok")}}},
				t.Apply(Comment("one"))
		})
		noErr(t, err, "Update")
		in, err := s.Inbound(bg, inbound("m1").Ref())
		noErr(t, err, "Inbound")
		equal(t, "outcome", in.Outcome, &sav.Outcome{Disposition: sav.DispositionProcessed,
			At: T0.Add(time.Second), ContentType: "text/plain", Response: []byte("ok")})
		un, err := s.Unresolved(bg)
		noErr(t, err, "Unresolved")
		equal(t, "unresolved", len(un), 0)
	}},
	{"Identity", func(t *testing.T, s sav.Store) {
		sub := NewTicket("REF-1", "")
		create(t, s, sub, sav.Effects{})
		create(t, s, NewTicket("REF-2", "OI-2"), sav.Effects{})
		k := keyOf(sub)
		for _, c := range []struct {
			field  string
			change func(*ticket.Ticket)
		}{
			{"ReferenceSigSAVRaccoOC", func(t *ticket.Ticket) { t.ReferenceSigSAVRaccoOC = "OTHER" }},
			{"CodeOC", func(t *ticket.Ticket) { t.CodeOC = "OTHR" }},
			{"CodeOI", func(t *ticket.Ticket) { t.CodeOI = "OTHR" }},
		} {
			_, err := s.Update(bg, k, func(t *ticket.Ticket) (sav.Effects, error) { c.change(t); return sav.Effects{}, nil })
			isErr(t, err, sav.ErrKeyChanged, "changing "+c.field)
			var ke *sav.KeyError
			if !errors.As(err, &ke) || ke.Field != c.field {
				t.Fatalf("changing %s: %v, want a *sav.KeyError on that field", c.field, err)
			}
		}
		ack := func(ref string) sav.UpdateFunc {
			return func(t *ticket.Ticket) (sav.Effects, error) {
				return sav.Effects{}, t.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI,
					At: T0.Add(time.Minute), ReferenceSigSAVOI: ref})
			}
		}
		_, err := s.Update(bg, k, ack("OI-2"))
		var de *sav.DuplicateError
		if !errors.As(err, &de) || de.Existing.ReferenceSigSAVRaccoOC != "REF-2" {
			t.Fatalf("taking another ticket's OI key: %v, want a *sav.DuplicateError holding REF-2", err)
		}
		_, err = s.Update(bg, k, ack("OI-1"))
		noErr(t, err, "acknowledging")
		got, err := s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-1"})
		noErr(t, err, "GetByOI after the acknowledgement")
		equal(t, "ticket by its new OI key", got.ReferenceSigSAVRaccoOC, "REF-1")
		_, err = s.Update(bg, k, func(t *ticket.Ticket) (sav.Effects, error) {
			t.ReferenceSigSAVOI = "OI-9"
			return sav.Effects{}, nil
		})
		isErr(t, err, sav.ErrKeyChanged, "changing the OI reference")

		// A ticket whose OI reference came before its OI code (nothing
		// forbids it) is found by its OI key once the code is set.
		odd := NewTicket("REF-3", "OI-3")
		odd.CodeOI = ""
		create(t, s, odd, sav.Effects{})
		_, err = s.Update(bg, keyOf(odd), func(t *ticket.Ticket) (sav.Effects, error) {
			t.CodeOI = "FTEL"
			return sav.Effects{}, nil
		})
		noErr(t, err, "setting the OI code")
		got, err = s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-3"})
		noErr(t, err, "GetByOI with the new OI code")
		equal(t, "ticket", got.ReferenceSigSAVRaccoOC, "REF-3")
		_, err = s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, ReferenceSigSAVOI: "OI-3"})
		isErr(t, err, sav.ErrNotFound, "GetByOI with the old, empty OI code")
	}},
	{"List", func(t *testing.T, s sav.Store) {
		mk := func(role codes.Role, ref, codeOC, codeOI, refOI string, closed bool) {
			tk := NewTicket(ref, refOI)
			tk.CodeOC, tk.CodeOI = codeOC, codeOI
			if closed {
				noErr(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCancel, Sender: codes.RoleOC, At: T0.Add(time.Hour)}),
					"cancel")
			}
			_, err := s.Create(bg, role, tk, sav.Effects{})
			noErr(t, err, "Create "+ref)
		}
		mk(codes.RoleOI, "A", "BYTL", "FTEL", "OI-3", false)
		mk(codes.RoleOI, "B", "SFRA", "FTEL", "OI-1", false)
		mk(codes.RoleOI, "C", "BYTL", "FTEL", "OI-2", true)
		mk(codes.RoleOI, "D", "BYTL", "AAAA", "OI-9", false)
		mk(codes.RoleOC, "E", "BYTL", "FTEL", "OI-0", false)
		mk(codes.RoleOC, "F", "BYTL", "FTEL", "", false)
		refs := func(q sav.Query) []string {
			t.Helper()
			ts, err := s.List(bg, q)
			noErr(t, err, "List")
			out := []string{}
			for _, tk := range ts {
				out = append(out, tk.ReferenceSigSAVRaccoOC)
			}
			return out
		}
		equal(t, "all as OI", refs(sav.Query{Role: codes.RoleOI}), []string{"D", "B", "C", "A"})
		equal(t, "all as OC", refs(sav.Query{Role: codes.RoleOC}), []string{"F", "E"})
		equal(t, "open", refs(sav.Query{Role: codes.RoleOI, Open: true}), []string{"D", "B", "A"})
		equal(t, "by OC", refs(sav.Query{Role: codes.RoleOI, CodeOC: "BYTL"}), []string{"D", "C", "A"})
		equal(t, "by OI", refs(sav.Query{Role: codes.RoleOI, CodeOI: "FTEL"}), []string{"B", "C", "A"})
		equal(t, "page", refs(sav.Query{Role: codes.RoleOI, Offset: 1, Limit: 2}), []string{"B", "C"})
		equal(t, "past the end", refs(sav.Query{Role: codes.RoleOI, Offset: 4}), []string{})
		match := func(t *ticket.Ticket) bool { return t.ReferenceSigSAVRaccoOC != "B" }
		equal(t, "match, then page", refs(sav.Query{Role: codes.RoleOI, Match: match, Offset: 1, Limit: 1}),
			[]string{"C"})
		_, err := s.List(bg, sav.Query{Role: codes.RoleOI, Limit: -1})
		isErr(t, err, sav.ErrInvalid, "negative limit")
	}},
	{"ContextDone", func(t *testing.T, s sav.Store) {
		tk := NewTicket("REF-1", "OI-1")
		create(t, s, tk, sav.Effects{})
		ctx, cancel := context.WithCancel(bg)
		cancel()
		if _, err := s.Create(ctx, codes.RoleOI, NewTicket("REF-2", ""), sav.Effects{}); err == nil {
			t.Fatal("Create with a done context succeeded")
		}
		if _, err := s.Update(ctx, keyOf(tk), comment("x")); err == nil {
			t.Fatal("Update with a done context succeeded")
		}
		if _, _, err := s.Record(ctx, inbound("m")); err == nil {
			t.Fatal("Record with a done context succeeded")
		}
		if _, err := s.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{delivery("X")}}); err == nil {
			t.Fatal("Commit with a done context succeeded")
		}
		equal(t, "stored", get(t, s, keyOf(tk)), tk)
		_, err := s.Get(bg, keyOf(NewTicket("REF-2", "")))
		isErr(t, err, sav.ErrNotFound, "the ticket created with a done context")
		equal(t, "deliveries", labels(pending(t, s)), []string{})
	}},
}

var journalTests = []test{
	{"Forget", func(t *testing.T, s sav.Store) {
		// m1..m4 processed a second apart, m5 pending, m6 quarantined.
		for i := 1; i <= 6; i++ {
			in := inbound(fmt.Sprintf("m%d", i))
			switch {
			case i <= 4:
				o := processed(0, "")
				o.At = T0.Add(time.Duration(i) * time.Second)
				in.Outcome = &o
			case i == 6:
				q := sav.Quarantine(in.Ref(), T0, "not a partner")
				in.Outcome = &q.Outcome
			}
			_, _, err := s.Record(bg, in)
			noErr(t, err, "Record")
		}
		n, err := s.Forget(bg, sav.Retention{Before: T0.Add(2500 * time.Millisecond), Keep: -1})
		noErr(t, err, "Forget by age")
		equal(t, "forgotten by age", n, 2)
		n, err = s.Forget(bg, sav.Retention{Keep: 1})
		noErr(t, err, "Forget by count")
		equal(t, "forgotten by count", n, 1)
		for i, want := range []bool{false, false, false, true, true, true} {
			_, err := s.Inbound(bg, inbound(fmt.Sprintf("m%d", i+1)).Ref())
			if got := err == nil; got != want {
				t.Fatalf("m%d kept = %v, want %v (%v)", i+1, got, want, err)
			}
		}
		n, err = s.Forget(bg, sav.Retention{Keep: 0})
		noErr(t, err, "Forget all")
		equal(t, "forgotten at last", n, 1)
		un, err := s.Unresolved(bg)
		noErr(t, err, "Unresolved")
		equal(t, "pending kept", len(un), 1)
		q, err := s.Quarantined(bg)
		noErr(t, err, "Quarantined")
		equal(t, "quarantined kept", len(q), 1)
		// A forgotten message is a new one again.
		_, dup, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record again")
		equal(t, "duplicate after Forget", dup, false)
	}},
	{"RecordAndDuplicate", func(t *testing.T, s sav.Store) {
		in := inbound("m1")
		stored, dup, err := s.Record(bg, in)
		noErr(t, err, "Record")
		if dup || stored.Seq == 0 || !stored.Pending() {
			t.Fatalf("first Record: dup=%v seq=%d outcome=%+v", dup, stored.Seq, stored.Outcome)
		}
		in.Body[0] = 'X' // the caller's bytes are not the store's
		again := inbound("m1")
		again.Body = []byte("another body, same identity")
		prev, dup, err := s.Record(bg, again)
		noErr(t, err, "second Record")
		if !dup {
			t.Fatal("second Record of m1 is not reported as a duplicate")
		}
		equal(t, "the entry a duplicate returns", prev, stored)
		equal(t, "its body", string(prev.Body), string(inbound("m1").Body))
		other, dup, err := s.Record(bg, &sav.Inbound{Protocol: sav.ProtocolV2, ID: "m1", ReceivedAt: T0})
		noErr(t, err, "Record v2")
		if dup || other.Seq <= stored.Seq {
			t.Fatalf("same ID in another protocol: dup=%v seq=%d", dup, other.Seq)
		}
	}},
	{"OutcomeOfDuplicate", func(t *testing.T, s sav.Store) {
		_, _, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record")
		o := processed(codes.ReturnCodeCannotCreate, "AR KO 100")
		noErr(t, s.Resolve(bg, sav.Resolution{Ref: inbound("m1").Ref(), Outcome: o}), "Resolve")
		prev, dup, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record again")
		if !dup || prev.Outcome == nil {
			t.Fatalf("duplicate: dup=%v outcome=%v", dup, prev.Outcome)
		}
		equal(t, "outcome", *prev.Outcome, o)
		err = s.Resolve(bg, sav.Resolution{Ref: inbound("m1").Ref(), Outcome: processed(0, "other")})
		isErr(t, err, sav.ErrResolved, "resolving twice")
		err = s.Resolve(bg, sav.Resolution{Ref: inbound("nope").Ref(), Outcome: processed(0, "")})
		isErr(t, err, sav.ErrNotFound, "resolving an unknown message")
		err = s.Resolve(bg, sav.Resolution{Ref: inbound("m1").Ref()})
		isErr(t, err, sav.ErrInvalid, "resolving without disposition")
		prev.Outcome.Response[0] = 'X'
		got, err := s.Inbound(bg, inbound("m1").Ref())
		noErr(t, err, "Inbound")
		equal(t, "stored outcome", *got.Outcome, o)
	}},
	{"Quarantine", func(t *testing.T, s sav.Store) {
		for _, id := range []string{"m1", "m2", "m3", "m4"} {
			_, _, err := s.Record(bg, inbound(id))
			noErr(t, err, "Record "+id)
		}
		q := sav.Quarantine(inbound("m3").Ref(), T0.Add(time.Second),
			"sender evil@example.org is not the address configured for BYTL")
		noErr(t, s.Resolve(bg, q), "quarantine m3")
		noErr(t, s.Resolve(bg, sav.Quarantine(inbound("m1").Ref(), T0, "unreadable")), "quarantine m1")
		noErr(t, s.Resolve(bg, sav.Resolution{Ref: inbound("m2").Ref(), Outcome: processed(0, "")}), "process m2")
		direct := inbound("m5")
		direct.Outcome = &sav.Outcome{Disposition: sav.DispositionQuarantined, At: T0, Reason: "unknown sender"}
		_, _, err := s.Record(bg, direct)
		noErr(t, err, "Record quarantined")
		qs, err := s.Quarantined(bg)
		noErr(t, err, "Quarantined")
		ids := []string{}
		for _, in := range qs {
			ids = append(ids, in.ID)
		}
		equal(t, "quarantined, oldest first", ids, []string{"m1", "m3", "m5"})
		equal(t, "reason", qs[1].Outcome.Reason, q.Outcome.Reason)
		if !qs[1].Quarantined() {
			t.Fatal("Quarantined() is false on a quarantined entry")
		}
		un, err := s.Unresolved(bg)
		noErr(t, err, "Unresolved")
		equal(t, "unresolved", len(un), 1)
		equal(t, "unresolved", un[0].ID, "m4")
		err = s.Resolve(bg, sav.Resolution{Ref: inbound("m3").Ref(), Outcome: processed(0, "")})
		isErr(t, err, sav.ErrResolved, "processing a quarantined message")
		prev, dup, err := s.Record(bg, inbound("m3"))
		noErr(t, err, "Record m3 again")
		if !dup || !prev.Quarantined() {
			t.Fatalf("a quarantined message received again: dup=%v outcome=%+v", dup, prev.Outcome)
		}
	}},
	{"InvalidRef", func(t *testing.T, s sav.Store) {
		_, _, err := s.Record(bg, &sav.Inbound{Protocol: sav.ProtocolV1A})
		isErr(t, err, sav.ErrInvalidKey, "Record without ID")
		_, _, err = s.Record(bg, &sav.Inbound{Protocol: "x400", ID: "m"})
		isErr(t, err, sav.ErrInvalidKey, "Record with an unknown protocol")
		_, _, err = s.Record(bg, nil)
		isErr(t, err, sav.ErrInvalid, "Record nil")
		_, err = s.Inbound(bg, inbound("nope").Ref())
		isErr(t, err, sav.ErrNotFound, "Inbound")
	}},
	{"CommitOutcomeAndAnswer", func(t *testing.T, s sav.Store) {
		_, _, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record")
		ds, err := s.Commit(bg, sav.Effects{
			Deliveries: []sav.Delivery{mailDelivery("SAV_AR_FTEL_BYTL_20260302090000_0001.csv", "sav@bytl.example")},
			Outcomes:   []sav.Resolution{{Ref: inbound("m1").Ref(), Outcome: processed(0, "AR")}},
		})
		noErr(t, err, "Commit")
		if len(ds) != 1 || ds[0].ID == "" || ds[0].Status != sav.DeliveryPending {
			t.Fatalf("Commit returned %+v", ds)
		}
		_, err = s.Commit(bg, sav.Effects{
			Deliveries: []sav.Delivery{mailDelivery("again", "sav@bytl.example")},
			Outcomes:   []sav.Resolution{{Ref: inbound("m1").Ref(), Outcome: processed(0, "AR")}},
		})
		isErr(t, err, sav.ErrResolved, "Commit resolving again")
		_, err = s.Commit(bg, sav.Effects{Outcomes: []sav.Resolution{
			{Ref: inbound("m2").Ref(), Outcome: processed(0, "")}}})
		isErr(t, err, sav.ErrNotFound, "Commit resolving an unknown message")
		equal(t, "pending", labels(pending(t, s)), []string{"SAV_AR_FTEL_BYTL_20260302090000_0001.csv"})
	}},
}

var outboxTests = []test{
	{"Enqueued", func(t *testing.T, s sav.Store) {
		k := keyOf(NewTicket("REF-1", ""))
		d := delivery("N1", k)
		d.IdempotencyKey = "caller-key"
		ds, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{d, delivery("N2", k)}})
		noErr(t, err, "Commit")
		if ds[0].ID == "" || ds[0].ID == ds[1].ID || ds[1].Seq <= ds[0].Seq {
			t.Fatalf("IDs %q %q, seqs %d %d: want distinct IDs and increasing seqs", ds[0].ID, ds[1].ID,
				ds[0].Seq, ds[1].Seq)
		}
		equal(t, "idempotency key kept", ds[0].IdempotencyKey, "caller-key")
		equal(t, "idempotency key defaulted", ds[1].IdempotencyKey, ds[1].ID)
		if ds[0].Status != sav.DeliveryPending || ds[0].Attempts != 0 || ds[0].EnqueuedAt.IsZero() {
			t.Fatalf("a new delivery: %+v", ds[0])
		}
		got, err := s.Delivery(bg, ds[0].ID)
		noErr(t, err, "Delivery")
		equal(t, "stored", got, ds[0])
		equal(t, "body", string(got.Body), "<N1/>")
		got.Body[0] = 'X'
		ds[0].Body[0] = 'X'
		again, err := s.Delivery(bg, ds[0].ID)
		noErr(t, err, "Delivery")
		equal(t, "body after the caller changed its copies", string(again.Body), "<N1/>")
		_, err = s.Delivery(bg, "nope")
		isErr(t, err, sav.ErrNotFound, "unknown delivery")
	}},
	{"Invalid", func(t *testing.T, s sav.Store) {
		for _, d := range []sav.Delivery{
			{Protocol: "x400", Destination: sav.Destination{Address: "a"}},
			{Protocol: sav.ProtocolV2},
			{Protocol: sav.ProtocolV2, Destination: sav.Destination{Address: "a"}, Tickets: []sav.Key{{}}},
		} {
			_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("ok"), d}})
			isErr(t, err, sav.ErrInvalid, fmt.Sprintf("Commit %+v", d))
		}
		equal(t, "pending", labels(pending(t, s)), []string{})
		_, err := s.Claim(bg, sav.ClaimRequest{Now: T0, Limit: 0, Lease: time.Minute})
		isErr(t, err, sav.ErrInvalid, "Claim with limit 0")
	}},
	{"OrderPerTicket", func(t *testing.T, s sav.Store) {
		a, b := keyOf(NewTicket("A", "")), keyOf(NewTicket("B", ""))
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{
			delivery("A1", a), delivery("B1", b), delivery("A2", a), delivery("AB", a, b), delivery("B2", b),
		}})
		noErr(t, err, "Commit")
		c := claim(t, s, T0, 10)
		equal(t, "first claim", labels(c.Deliveries), []string{"A1", "B1"})
		if c.Deliveries[0].Status != sav.DeliveryInFlight || c.Deliveries[0].Attempts != 1 {
			t.Fatalf("claimed delivery: %+v", c.Deliveries[0])
		}
		equal(t, "nothing more while A1 and B1 are in flight", claimLabels(t, s, T0, 10), []string{})
		noErr(t, s.Delivered(bg, c.Deliveries[1].ID, T0), "Delivered B1")
		equal(t, "B2 waits for AB, which waits for A2", claimLabels(t, s, T0, 10), []string{})
		noErr(t, s.Delivered(bg, c.Deliveries[0].ID, T0), "Delivered A1")
		c = claim(t, s, T0, 10)
		equal(t, "after A1", labels(c.Deliveries), []string{"A2"})
		noErr(t, s.Delivered(bg, c.Deliveries[0].ID, T0), "Delivered A2")
		c = claim(t, s, T0, 10)
		equal(t, "after A2", labels(c.Deliveries), []string{"AB"})
		noErr(t, s.Delivered(bg, c.Deliveries[0].ID, T0), "Delivered AB")
		noErr(t, s.Delivered(bg, c.Deliveries[0].ID, T0), "Delivered AB again")
		equal(t, "after AB", claimLabels(t, s, T0, 10), []string{"B2"})
		d, err := s.Delivery(bg, c.Deliveries[0].ID)
		noErr(t, err, "Delivery")
		if d.Status != sav.DeliveryDelivered || !d.DeliveredAt.Equal(T0) {
			t.Fatalf("delivered: %+v", d)
		}
	}},
	{"OrderPerDestination", func(t *testing.T, s sav.Store) {
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{
			mailDelivery("X1", "x@example.org"), mailDelivery("Y1", "y@example.org"),
			mailDelivery("X2", "x@example.org"),
		}})
		noErr(t, err, "Commit")
		c := claim(t, s, T0, 1)
		equal(t, "limit 1", labels(c.Deliveries), []string{"X1"})
		if c.NextDue.After(T0) {
			t.Fatalf("NextDue %v: Y1 is ready now", c.NextDue)
		}
		equal(t, "then", claimLabels(t, s, T0, 10), []string{"Y1"})
	}},
	{"DestinationOrder", func(t *testing.T, s sav.Store) {
		a, b := keyOf(NewTicket("A", "")), keyOf(NewTicket("B", ""))
		inOrder := func(label string, k sav.Key) sav.Delivery {
			d := mailDelivery(label, "x@example.org")
			d.Tickets, d.DestinationOrder = []sav.Key{k}, true
			return d
		}
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{
			inOrder("X-A1", a), inOrder("X-B1", b), mailDelivery("X-none", "x@example.org"),
			delivery("V2-B2", b), inOrder("X-A2", a),
		}})
		noErr(t, err, "Commit")
		order := []string{}
		for range 5 {
			c := claim(t, s, T0, 10)
			for _, d := range c.Deliveries {
				order = append(order, d.Label)
				noErr(t, s.Delivered(bg, d.ID, T0), "Delivered")
			}
		}
		equal(t, "order", order, []string{"X-A1", "X-B1", "X-none", "V2-B2", "X-A2"})
	}},
	{"FailedThenRetried", func(t *testing.T, s sav.Store) {
		k := keyOf(NewTicket("A", ""))
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", k), delivery("A2", k)}})
		noErr(t, err, "Commit")
		d := claim(t, s, T0, 1).Deliveries[0]
		next := T0.Add(30 * time.Second)
		noErr(t, s.Failed(bg, d.ID, sav.Failure{At: T0.Add(time.Second), Err: "connection refused", Next: next}),
			"Failed")
		err = s.Failed(bg, d.ID, sav.Failure{At: T0, Err: "again", Next: next})
		isErr(t, err, sav.ErrDeliveryState, "Failed on a pending delivery")
		c := claim(t, s, T0.Add(10*time.Second), 10)
		equal(t, "before its next attempt", labels(c.Deliveries), []string{})
		if !c.NextDue.Equal(next) {
			t.Fatalf("NextDue = %v, want %v", c.NextDue, next)
		}
		ps := pending(t, s)
		equal(t, "pending", labels(ps), []string{"A1", "A2"})
		if ps[0].LastError != "connection refused" || ps[0].Attempts != 1 || !ps[0].NextAttempt.Equal(next) ||
			!ps[0].LastAttemptAt.Equal(T0.Add(time.Second)) {
			t.Fatalf("pending A1: %+v", ps[0])
		}
		c = claim(t, s, next, 10)
		equal(t, "at its next attempt", labels(c.Deliveries), []string{"A1"})
		equal(t, "attempts", c.Deliveries[0].Attempts, 2)
	}},
	{"ParkedRetriedAbandoned", func(t *testing.T, s sav.Store) {
		k := keyOf(NewTicket("A", ""))
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", k), delivery("A2", k),
			delivery("A3", k)}})
		noErr(t, err, "Commit")
		d := claim(t, s, T0, 1).Deliveries[0]
		noErr(t, s.Failed(bg, d.ID, sav.Failure{At: T0, Err: "fault 13", Park: true, Reason: "permanent failure"}),
			"park")
		st, err := s.Stuck(bg)
		noErr(t, err, "Stuck")
		equal(t, "stuck", labels(st), []string{"A1"})
		if st[0].Status != sav.DeliveryStuck || st[0].Reason != "permanent failure" || st[0].LastError != "fault 13" {
			t.Fatalf("stuck: %+v", st[0])
		}
		equal(t, "pending", labels(pending(t, s)), []string{"A2", "A3"})
		c := claim(t, s, T0.Add(time.Hour), 10)
		equal(t, "A2 waits behind the stuck A1", labels(c.Deliveries), []string{})
		if !c.NextDue.IsZero() {
			t.Fatalf("NextDue = %v with only a stuck delivery ahead", c.NextDue)
		}
		err = s.Retry(bg, st[0].ID+"x", T0)
		isErr(t, err, sav.ErrNotFound, "Retry of an unknown delivery")
		noErr(t, s.Retry(bg, st[0].ID, T0.Add(time.Hour)), "Retry")
		err = s.Retry(bg, st[0].ID, T0)
		isErr(t, err, sav.ErrDeliveryState, "Retry of a pending delivery")
		c = claim(t, s, T0.Add(time.Hour), 10)
		equal(t, "after the retry", labels(c.Deliveries), []string{"A1"})
		equal(t, "attempts start again", c.Deliveries[0].Attempts, 1)
		noErr(t, s.Failed(bg, c.Deliveries[0].ID, sav.Failure{At: T0, Err: "fault 13", Park: true, Reason: "again"}),
			"park again")
		err = s.Abandon(bg, c.Deliveries[0].ID, "the partner refuses it; agreed by phone")
		noErr(t, err, "Abandon")
		d2 := claim(t, s, T0.Add(time.Hour), 10).Deliveries
		equal(t, "A2 goes once A1 is abandoned", labels(d2), []string{"A2"})
		err = s.Abandon(bg, d2[0].ID, "in flight")
		isErr(t, err, sav.ErrDeliveryState, "Abandon in flight")
		ab, err := s.Delivery(bg, c.Deliveries[0].ID)
		noErr(t, err, "Delivery")
		if ab.Status != sav.DeliveryAbandoned || ab.Reason != "the partner refuses it; agreed by phone" {
			t.Fatalf("abandoned: %+v", ab)
		}
		err = s.Delivered(bg, ab.ID, T0)
		isErr(t, err, sav.ErrDeliveryState, "Delivered on an abandoned delivery")
		st, err = s.Stuck(bg)
		noErr(t, err, "Stuck")
		equal(t, "stuck", labels(st), []string{})
		// A pending delivery not yet attempted can be abandoned too.
		all := pending(t, s)
		noErr(t, s.Abandon(bg, all[len(all)-1].ID, "superseded"), "Abandon pending")
		equal(t, "pending", labels(pending(t, s)), []string{"A2"})
	}},
	{"LeaseEnds", func(t *testing.T, s sav.Store) {
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", keyOf(NewTicket("A", "")))}})
		noErr(t, err, "Commit")
		c := claim(t, s, T0, 1)
		lease := T0.Add(time.Minute)
		equal(t, "lease", c.Deliveries[0].LeaseUntil, lease)
		c2 := claim(t, s, T0.Add(30*time.Second), 1)
		equal(t, "during the lease", labels(c2.Deliveries), []string{})
		if !c2.NextDue.Equal(lease) {
			t.Fatalf("NextDue = %v, want the end of the lease %v", c2.NextDue, lease)
		}
		c3 := claim(t, s, lease, 1)
		equal(t, "after the lease", labels(c3.Deliveries), []string{"A1"})
		equal(t, "attempts", c3.Deliveries[0].Attempts, 2)
		noErr(t, s.Delivered(bg, c.Deliveries[0].ID, lease), "Delivered by the first claimer")
		noErr(t, s.Delivered(bg, c3.Deliveries[0].ID, lease), "Delivered by the second claimer")
		equal(t, "pending", labels(pending(t, s)), []string{})
	}},
	{"StaleFailureRefused", func(t *testing.T, s sav.Store) {
		// A claimer whose lease ended reports a failure after another claim
		// took the delivery: refused, and the new claim's attempt goes on.
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("A1", keyOf(NewTicket("A", "")))}})
		noErr(t, err, "Commit")
		c1 := claim(t, s, T0, 1)
		lease := T0.Add(time.Minute)
		c2 := claim(t, s, lease, 1)
		equal(t, "claimed again", labels(c2.Deliveries), []string{"A1"})
		first, second := c1.Deliveries[0].ClaimToken, c2.Deliveries[0].ClaimToken
		if first == "" || second == "" || first == second {
			t.Fatalf("claim tokens %q then %q: want two different ones", first, second)
		}
		id := c2.Deliveries[0].ID
		err = s.Failed(bg, id, sav.Failure{At: lease, Err: "late", Next: lease, ClaimToken: first})
		isErr(t, err, sav.ErrLeaseLost, "Failed under the first claim")
		isErr(t, err, sav.ErrDeliveryState, "Failed under the first claim")
		d, err := s.Delivery(bg, id)
		noErr(t, err, "Delivery")
		equal(t, "status after the stale report", d.Status, sav.DeliveryInFlight)
		equal(t, "token after the stale report", d.ClaimToken, second)
		noErr(t, s.Failed(bg, id, sav.Failure{At: lease, Err: "down", Next: lease, ClaimToken: second}),
			"Failed under the current claim")
		d, err = s.Delivery(bg, id)
		noErr(t, err, "Delivery")
		equal(t, "status", d.Status, sav.DeliveryPending)
		equal(t, "token once not in flight", d.ClaimToken, "")
	}},
	{"NotAttemptedBeforeNextAttempt", func(t *testing.T, s sav.Store) {
		d := delivery("later", keyOf(NewTicket("A", "")))
		d.NextAttempt = T0.Add(time.Hour)
		_, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{d}})
		noErr(t, err, "Commit")
		c := claim(t, s, T0, 1)
		equal(t, "before", labels(c.Deliveries), []string{})
		equal(t, "NextDue", c.NextDue, d.NextAttempt)
		equal(t, "at", claimLabels(t, s, d.NextAttempt, 1), []string{"later"})
	}},
}

var sequenceTests = []test{
	{"Increasing", func(t *testing.T, s sav.Store) {
		var got []int64
		for _, name := range []string{"ticket", "ticket", "file:FTEL>BYTL", "ticket"} {
			n, err := s.NextSequence(bg, name)
			noErr(t, err, "NextSequence")
			got = append(got, n)
		}
		equal(t, "numbers", got, []int64{1, 2, 1, 3})
		_, err := s.NextSequence(bg, "")
		isErr(t, err, sav.ErrInvalidKey, "NextSequence without name")
	}},
}

var concurrencyTests = []test{
	{"Sequences", func(t *testing.T, s sav.Store) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		seen := map[int64]bool{}
		for range 10 {
			wg.Go(func() {
				for range 20 {
					n, err := s.NextSequence(bg, "ticket")
					if err != nil {
						t.Errorf("NextSequence: %v", err)
						return
					}
					mu.Lock()
					if seen[n] {
						t.Errorf("number %d given twice", n)
					}
					seen[n] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		equal(t, "numbers given", len(seen), 200)
	}},
	{"Updates", func(t *testing.T, s sav.Store) {
		tk := NewTicket("REF-1", "OI-1")
		create(t, s, tk, sav.Effects{})
		const n = 50
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			okay []string
		)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				text := fmt.Sprintf("message %02d", i)
				_, err := s.Update(bg, keyOf(tk), func(tk *ticket.Ticket) (sav.Effects, error) {
					// Widen the window in which an unserialised store would
					// let another update run on the same version.
					time.Sleep(200 * time.Microsecond)
					if i%10 == 9 {
						return sav.Effects{}, errors.New("refused by the caller")
					}
					if err := tk.Apply(Comment(text)); err != nil {
						return sav.Effects{}, err
					}
					return sav.Effects{Deliveries: []sav.Delivery{delivery(fmt.Sprintf("%s v%d", text, tk.Version))}}, nil
				})
				if err == nil {
					mu.Lock()
					okay = append(okay, text)
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		if len(okay) != n-n/10 {
			t.Fatalf("%d updates succeeded, want %d", len(okay), n-n/10)
		}
		got := get(t, s, keyOf(tk))
		var seen []string
		var want []string
		for i, r := range got.History[2:] {
			if r.Version != i+1 {
				t.Fatalf("history entry %d has version %d, want %d: versions must be contiguous", i+2, r.Version, i+1)
			}
			seen = append(seen, r.Message.Texte)
			want = append(want, fmt.Sprintf("%s v%d", r.Message.Texte, r.Version))
		}
		equal(t, "version", got.Version, len(okay))
		slices.Sort(okay)
		sorted := slices.Sorted(slices.Values(seen))
		equal(t, "successful updates in the history, each once", sorted, okay)
		equal(t, "deliveries, in the order of the versions", labels(pending(t, s)), want)
	}},
	{"Creates", func(t *testing.T, s sav.Store) {
		const n = 20
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			won    []*ticket.Ticket
			others []*sav.DuplicateError
		)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				tk := NewTicket("REF-1", fmt.Sprintf("OI-%02d", i))
				got, err := s.Create(bg, codes.RoleOI, tk, sav.Effects{Deliveries: []sav.Delivery{delivery(tk.ReferenceSigSAVOI)}})
				mu.Lock()
				defer mu.Unlock()
				var de *sav.DuplicateError
				switch {
				case err == nil:
					won = append(won, got)
				case errors.As(err, &de):
					others = append(others, de)
				default:
					t.Errorf("Create: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(won) != 1 || len(others) != n-1 {
			t.Fatalf("%d creates won and %d were duplicates, want 1 and %d", len(won), len(others), n-1)
		}
		for _, de := range others {
			equal(t, "the existing ticket a duplicate returns", de.Existing, won[0])
		}
		equal(t, "stored", get(t, s, keyOf(won[0])), won[0])
		equal(t, "deliveries: the winner's only", labels(pending(t, s)), []string{won[0].ReferenceSigSAVOI})
	}},
	{"Journal", func(t *testing.T, s sav.Store) {
		const n = 20
		var wg sync.WaitGroup
		var mu sync.Mutex
		firsts := 0
		for range n {
			wg.Go(func() {
				_, dup, err := s.Record(bg, inbound("same"))
				if err != nil {
					t.Errorf("Record: %v", err)
					return
				}
				if !dup {
					mu.Lock()
					firsts++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		equal(t, "records that were not duplicates", firsts, 1)
	}},
	{"ProcessOnce", func(t *testing.T, s sav.Store) {
		// Two workers process the same inbound message at once; the outcome
		// recorded with the ticket change lets one of them win.
		tk := NewTicket("REF-1", "OI-1")
		create(t, s, tk, sav.Effects{})
		_, _, err := s.Record(bg, inbound("m1"))
		noErr(t, err, "Record")
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		for range 10 {
			wg.Go(func() {
				_, err := s.Update(bg, keyOf(tk), func(t *ticket.Ticket) (sav.Effects, error) {
					return sav.Effects{Outcomes: []sav.Resolution{{Ref: inbound("m1").Ref(), Outcome: processed(0, "")}},
						Deliveries: []sav.Delivery{delivery("answer")}}, t.Apply(Comment("m1"))
				})
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, sav.ErrResolved):
				t.Fatalf("Update: %v", err)
			}
		}
		equal(t, "successful processings", ok, 1)
		equal(t, "version", get(t, s, keyOf(tk)).Version, 1)
		equal(t, "deliveries", labels(pending(t, s)), []string{"answer"})
	}},
	{"Claims", func(t *testing.T, s sav.Store) {
		var ds []sav.Delivery
		for i := range 200 {
			ds = append(ds, delivery(fmt.Sprintf("D%03d", i), keyOf(NewTicket(fmt.Sprintf("T%02d", i%20), ""))))
		}
		_, err := s.Commit(bg, sav.Effects{Deliveries: ds})
		noErr(t, err, "Commit")
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string]int{}
		var order []string
		for range 8 {
			wg.Go(func() {
				for {
					c, err := s.Claim(bg, sav.ClaimRequest{Now: T0, Limit: 3, Lease: time.Hour})
					if err != nil {
						t.Errorf("Claim: %v", err)
						return
					}
					if len(c.Deliveries) == 0 {
						mu.Lock()
						n := len(got)
						mu.Unlock()
						if n == 200 {
							return
						}
						continue
					}
					for _, d := range c.Deliveries {
						mu.Lock()
						got[d.Label]++
						order = append(order, d.Label)
						mu.Unlock()
						if err := s.Delivered(bg, d.ID, T0); err != nil {
							t.Errorf("Delivered: %v", err)
						}
					}
				}
			})
		}
		wg.Wait()
		for l, n := range got {
			if n != 1 {
				t.Fatalf("%s claimed %d times", l, n)
			}
		}
		last := map[int]int{}
		for _, l := range order {
			var i int
			fmt.Sscanf(l, "D%03d", &i)
			if p, ok := last[i%20]; ok && p > i {
				t.Fatalf("ticket T%02d: D%03d claimed after D%03d", i%20, i, p)
			}
			last[i%20] = i
		}
	}},
}

// Options enable the tests of [RunWith] that only some stores can run.
type Options struct {
	// Reopen, when set, enables the Durability tests. It returns a new
	// handle on the database behind s, a store that newStore or Reopen
	// returned, which may be open or closed: as a program that restarts
	// would open it, or as a second process would while the first runs.
	// The tests close the handles that implement io.Closer (closing one
	// twice must be harmless). A store in memory, which keeps nothing
	// beyond its handle, leaves it nil: the Durability tests are skipped.
	Reopen func(t *testing.T, s sav.Store) sav.Store
}

// RunWith runs the suite of [Run], then the Durability tests when
// opts.Reopen is set: that closing and reopening a store keeps its tickets,
// journal, outbox states and sequences (which go on increasing); that two
// handles on one database update one ticket, hand out sequence numbers and
// claim deliveries without losing or duplicating anything; and that a
// commit that fails part way leaves nothing, in the handle and after
// reopening.
//
//	func TestStore(t *testing.T) {
//		storetest.RunWith(t, newStore, storetest.Options{
//			Reopen: func(t *testing.T, s sav.Store) sav.Store {
//				return openTestDatabase(t, s.(*Store).Path())
//			},
//		})
//	}
func RunWith(t *testing.T, newStore func(t *testing.T) sav.Store, opts Options) {
	Run(t, newStore)
	t.Run("Durability", func(t *testing.T) {
		if opts.Reopen == nil {
			t.Skip("storetest.Options.Reopen is nil: the store is not shared beyond its handle")
		}
		for _, tc := range durabilityTests {
			t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t), opts.Reopen) })
		}
	})
}

type durabilityTest struct {
	name string
	run  func(t *testing.T, s sav.Store, reopen func(t *testing.T, s sav.Store) sav.Store)
}

// closeStore closes s when it can be closed.
func closeStore(t *testing.T, s sav.Store) {
	t.Helper()
	if c, ok := s.(io.Closer); ok {
		noErr(t, c.Close(), "Close")
	}
}

// snapshot is everything a store shows, read through its interface.
type snapshot struct {
	Tickets     []*ticket.Ticket
	Inbound     []*sav.Inbound
	Unresolved  []*sav.Inbound
	Quarantined []*sav.Inbound
	Pending     []*sav.Delivery
	Stuck       []*sav.Delivery
	Deliveries  []*sav.Delivery
}

func takeSnapshot(t *testing.T, s sav.Store, refs []sav.InboundRef, ids []string) snapshot {
	t.Helper()
	var sn snapshot
	for _, role := range []codes.Role{codes.RoleOI, codes.RoleOC} {
		ts, err := s.List(bg, sav.Query{Role: role})
		noErr(t, err, "List")
		sn.Tickets = append(sn.Tickets, ts...)
	}
	for _, r := range refs {
		in, err := s.Inbound(bg, r)
		noErr(t, err, "Inbound "+r.String())
		sn.Inbound = append(sn.Inbound, in)
	}
	var err error
	sn.Unresolved, err = s.Unresolved(bg)
	noErr(t, err, "Unresolved")
	sn.Quarantined, err = s.Quarantined(bg)
	noErr(t, err, "Quarantined")
	sn.Pending = pending(t, s)
	sn.Stuck, err = s.Stuck(bg)
	noErr(t, err, "Stuck")
	for _, id := range ids {
		d, err := s.Delivery(bg, id)
		noErr(t, err, "Delivery "+id)
		sn.Deliveries = append(sn.Deliveries, d)
	}
	return sn
}

// checkUpdates checks that the ticket key got the comments okay, each once,
// in contiguous versions from 1 after the two records of NewTicket, and
// that the deliveries pending are their notifications in version order.
func checkUpdates(t *testing.T, s sav.Store, key sav.Key, okay []string) {
	t.Helper()
	got := get(t, s, key)
	var seen, want []string
	for i, r := range got.History[2:] {
		if r.Version != i+1 {
			t.Fatalf("history entry %d has version %d, want %d: versions must be contiguous", i+2, r.Version, i+1)
		}
		seen = append(seen, r.Message.Texte)
		want = append(want, fmt.Sprintf("%s v%d", r.Message.Texte, r.Version))
	}
	equal(t, "version", got.Version, len(okay))
	equal(t, "successful updates in the history, each once", slices.Sorted(slices.Values(seen)),
		slices.Sorted(slices.Values(okay)))
	equal(t, "deliveries, in the order of the versions", labels(pending(t, s)), want)
}

var durabilityTests = []durabilityTest{
	{"ReopenKeepsEverything", func(t *testing.T, s sav.Store, reopen func(*testing.T, sav.Store) sav.Store) {
		a := NewTicket("REF-A", "OI-A")
		create(t, s, a, sav.Effects{Deliveries: []sav.Delivery{delivery("A1")}})
		_, err := s.Update(bg, keyOf(a), func(tk *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{Deliveries: []sav.Delivery{delivery("A2")}}, tk.Apply(Comment("kept"))
		})
		noErr(t, err, "Update")
		oc := NewTicket("REF-A", "")
		_, err = s.Create(bg, codes.RoleOC, oc, sav.Effects{})
		noErr(t, err, "Create as OC")

		var refs []sav.InboundRef
		for _, id := range []string{"m1", "m2", "m3", "m4"} {
			in := inbound(id)
			if id == "m3" {
				q := sav.Quarantine(in.Ref(), T0, "not a partner")
				in.Outcome = &q.Outcome
			}
			_, _, err := s.Record(bg, in)
			noErr(t, err, "Record "+id)
			refs = append(refs, in.Ref())
		}
		noErr(t, s.Resolve(bg, sav.Resolution{Ref: refs[1], Outcome: processed(0, "AR OK")}), "Resolve m2")
		b, c, d := keyOf(NewTicket("REF-B", "")), keyOf(NewTicket("REF-C", "")), keyOf(NewTicket("REF-D", ""))
		_, err = s.Commit(bg, sav.Effects{
			Deliveries: []sav.Delivery{mailDelivery("X1", "x@example.org"), delivery("B1", b), delivery("B2", b),
				delivery("C1", c), delivery("D1", d)},
			Outcomes: []sav.Resolution{{Ref: refs[3], Outcome: processed(0, "AR")}},
		})
		noErr(t, err, "Commit")
		cl := claim(t, s, T0, 10)
		equal(t, "claimed", labels(cl.Deliveries), []string{"A1", "X1", "B1", "C1", "D1"})
		byLabel := map[string]*sav.Delivery{}
		for _, d := range cl.Deliveries {
			byLabel[d.Label] = d
		}
		noErr(t, s.Delivered(bg, byLabel["X1"].ID, T0.Add(time.Second)), "Delivered X1")
		noErr(t, s.Failed(bg, byLabel["B1"].ID, sav.Failure{At: T0, Err: "fault 13", Park: true, Reason: "refused"}),
			"park B1")
		noErr(t, s.Failed(bg, byLabel["C1"].ID, sav.Failure{At: T0, Err: "timeout", Next: T0.Add(30 * time.Second)}),
			"fail C1")
		noErr(t, s.Failed(bg, byLabel["D1"].ID, sav.Failure{At: T0, Err: "fault 13", Park: true, Reason: "refused"}),
			"park D1")
		noErr(t, s.Abandon(bg, byLabel["D1"].ID, "agreed by phone"), "Abandon D1")
		var lastSeq int64
		ids := []string{}
		for _, d := range append(pending(t, s), cl.Deliveries...) {
			ids = append(ids, d.ID)
			lastSeq = max(lastSeq, d.Seq)
		}
		for _, want := range []int64{1, 2, 3} {
			n, err := s.NextSequence(bg, "ticket")
			noErr(t, err, "NextSequence")
			equal(t, "sequence", n, want)
		}
		before := takeSnapshot(t, s, refs, ids)
		closeStore(t, s)

		s = reopen(t, s)
		equal(t, "the store reopened", takeSnapshot(t, s, refs, ids), before)
		n, err := s.NextSequence(bg, "ticket")
		noErr(t, err, "NextSequence after reopening")
		equal(t, "sequence after reopening", n, int64(4))
		for _, r := range refs {
			_, dup, err := s.Record(bg, &sav.Inbound{Protocol: r.Protocol, ID: r.ID, ReceivedAt: T0})
			noErr(t, err, "Record again")
			if !dup {
				t.Fatalf("%v is not a duplicate after reopening", r)
			}
		}
		in, _, err := s.Record(bg, inbound("m5"))
		noErr(t, err, "Record m5")
		if in.Seq <= before.Inbound[len(before.Inbound)-1].Seq {
			t.Fatalf("journal Seq %d after reopening, want more than %d", in.Seq, before.Inbound[3].Seq)
		}

		// The outbox goes on where it was: A1 in flight until its lease
		// ends, C1 waiting for its next attempt, B1 stuck holding B2.
		cl = claim(t, s, T0.Add(10*time.Second), 10)
		equal(t, "claimed during A1's lease", labels(cl.Deliveries), []string{})
		equal(t, "next due", cl.NextDue, T0.Add(30*time.Second))
		cl = claim(t, s, T0.Add(time.Minute), 10)
		equal(t, "claimed after A1's lease", labels(cl.Deliveries), []string{"C1", "A1"})
		equal(t, "attempts of A1", cl.Deliveries[1].Attempts, 2)
		noErr(t, s.Delivered(bg, cl.Deliveries[1].ID, T0.Add(time.Minute)), "Delivered A1")
		noErr(t, s.Retry(bg, byLabel["B1"].ID, T0.Add(time.Minute)), "Retry B1")
		equal(t, "then", claimLabels(t, s, T0.Add(time.Minute), 10), []string{"A2", "B1"})
		ds, err := s.Commit(bg, sav.Effects{Deliveries: []sav.Delivery{delivery("E1", keyOf(NewTicket("REF-E", "")))}})
		noErr(t, err, "Commit after reopening")
		if ds[0].Seq <= lastSeq {
			t.Fatalf("delivery Seq %d after reopening, want more than %d", ds[0].Seq, lastSeq)
		}
		if slices.Contains(ids, ds[0].ID) {
			t.Fatalf("delivery ID %s given again after reopening", ds[0].ID)
		}

		// And again, with nothing done in between.
		closeStore(t, s)
		s = reopen(t, s)
		n, err = s.NextSequence(bg, "ticket")
		noErr(t, err, "NextSequence after reopening twice")
		equal(t, "sequence after reopening twice", n, int64(5))
		equal(t, "ticket after reopening twice", get(t, s, keyOf(a)), before.Tickets[0])
	}},
	{"HandlesShareOneDatabase", func(t *testing.T, s sav.Store, reopen func(*testing.T, sav.Store) sav.Store) {
		other := reopen(t, s)
		handles := []sav.Store{s, other}
		tk := NewTicket("REF-1", "OI-1")
		create(t, s, tk, sav.Effects{})
		equal(t, "created by one handle, read by the other", get(t, other, keyOf(tk)), tk)

		// Updates of one ticket through both handles at once.
		const perHandle = 10
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			okay []string
		)
		start := make(chan struct{})
		for h, hs := range handles {
			for i := range perHandle {
				wg.Go(func() {
					<-start
					text := fmt.Sprintf("handle %d message %02d", h, i)
					_, err := hs.Update(bg, keyOf(tk), func(tk *ticket.Ticket) (sav.Effects, error) {
						time.Sleep(200 * time.Microsecond)
						if err := tk.Apply(Comment(text)); err != nil {
							return sav.Effects{}, err
						}
						return sav.Effects{Deliveries: []sav.Delivery{delivery(fmt.Sprintf("%s v%d", text, tk.Version))}},
							nil
					})
					if err != nil {
						t.Errorf("Update through handle %d: %v", h, err)
						return
					}
					mu.Lock()
					okay = append(okay, text)
					mu.Unlock()
				})
			}
		}
		close(start)
		wg.Wait()
		if t.Failed() {
			return
		}
		checkUpdates(t, s, keyOf(tk), okay)
		checkUpdates(t, other, keyOf(tk), okay)

		// Sequence numbers from both handles.
		seen := map[int64]bool{}
		for _, hs := range handles {
			wg.Go(func() {
				for range 20 {
					n, err := hs.NextSequence(bg, "ticket")
					if err != nil {
						t.Errorf("NextSequence: %v", err)
						return
					}
					mu.Lock()
					if seen[n] {
						t.Errorf("number %d given twice", n)
					}
					seen[n] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		equal(t, "numbers given", len(seen), 40)

		// One create of a key wins, whichever handle makes it.
		won := 0
		for h, hs := range handles {
			for i := range 5 {
				wg.Go(func() {
					nt := NewTicket("REF-2", fmt.Sprintf("OI-2-%d-%d", h, i))
					_, err := hs.Create(bg, codes.RoleOI, nt, sav.Effects{})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						won++
					case !errors.Is(err, sav.ErrDuplicate):
						t.Errorf("Create: %v", err)
					}
				})
			}
		}
		wg.Wait()
		equal(t, "creates that won", won, 1)

		// Claims through both handles: each delivery once, in ticket order.
		for _, hs := range handles {
			for _, d := range pending(t, hs) {
				noErr(t, hs.Abandon(bg, d.ID, "cleared for the claims"), "Abandon")
			}
		}
		var ds []sav.Delivery
		for i := range 40 {
			ds = append(ds, delivery(fmt.Sprintf("D%03d", i), keyOf(NewTicket(fmt.Sprintf("T%d", i%8), ""))))
		}
		_, err := s.Commit(bg, sav.Effects{Deliveries: ds})
		noErr(t, err, "Commit")
		got := map[string]int{}
		var order []string
		for _, hs := range handles {
			for range 2 {
				wg.Go(func() {
					for range 1000 {
						c, err := hs.Claim(bg, sav.ClaimRequest{Now: T0, Limit: 2, Lease: time.Hour})
						if err != nil {
							t.Errorf("Claim: %v", err)
							return
						}
						for _, d := range c.Deliveries {
							mu.Lock()
							got[d.Label]++
							order = append(order, d.Label)
							mu.Unlock()
							if err := hs.Delivered(bg, d.ID, T0); err != nil {
								t.Errorf("Delivered: %v", err)
							}
						}
						mu.Lock()
						n := len(got)
						mu.Unlock()
						if n == len(ds) {
							return
						}
						if len(c.Deliveries) == 0 {
							time.Sleep(time.Millisecond)
						}
					}
					t.Errorf("the deliveries were not all claimed")
				})
			}
		}
		wg.Wait()
		for l, n := range got {
			if n != 1 {
				t.Fatalf("%s claimed %d times", l, n)
			}
		}
		last := map[int]int{}
		for _, l := range order {
			var i int
			fmt.Sscanf(l, "D%03d", &i)
			if p, ok := last[i%8]; ok && p > i {
				t.Fatalf("ticket T%d: D%03d claimed after D%03d", i%8, i, p)
			}
			last[i%8] = i
		}
	}},
	{"FailedCommitLeavesNothing", func(t *testing.T, s sav.Store, reopen func(*testing.T, sav.Store) sav.Store) {
		one := NewTicket("REF-1", "OI-1")
		create(t, s, one, sav.Effects{})
		create(t, s, NewTicket("REF-2", "OI-2"), sav.Effects{})
		sub := NewTicket("REF-4", "")
		create(t, s, sub, sav.Effects{})
		m1, m2 := inbound("m1").Ref(), inbound("m2").Ref()
		for _, id := range []string{"m1", "m2"} {
			_, _, err := s.Record(bg, inbound(id))
			noErr(t, err, "Record "+id)
		}
		noErr(t, s.Resolve(bg, sav.Resolution{Ref: m2, Outcome: processed(0, "first")}), "Resolve m2")
		ok := sav.Resolution{Ref: m1, Outcome: processed(0, "lost")}
		two := []sav.Delivery{delivery("lost 1"), delivery("lost 2")}

		// Each commit below fails after the part of it that a store may
		// write first: the ticket, the deliveries, the first outcome.
		ctx, cancel := context.WithCancel(bg)
		_, err := s.Update(ctx, keyOf(one), func(tk *ticket.Ticket) (sav.Effects, error) {
			defer cancel()
			return sav.Effects{Deliveries: two, Outcomes: []sav.Resolution{ok}}, tk.Apply(Comment("lost"))
		})
		if err == nil {
			t.Fatal("Update whose context ended while it ran succeeded")
		}
		_, err = s.Update(bg, keyOf(one), func(tk *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{Deliveries: two, Outcomes: []sav.Resolution{ok,
				{Ref: m2, Outcome: processed(0, "second")}}}, tk.Apply(Comment("lost"))
		})
		isErr(t, err, sav.ErrResolved, "Update whose second outcome is resolved")
		_, err = s.Create(bg, codes.RoleOI, NewTicket("REF-3", "OI-3"), sav.Effects{Deliveries: two,
			Outcomes: []sav.Resolution{ok, {Ref: inbound("unknown").Ref(), Outcome: processed(0, "")}}})
		isErr(t, err, sav.ErrNotFound, "Create whose second outcome is unknown")
		_, err = s.Commit(bg, sav.Effects{Deliveries: two, Outcomes: []sav.Resolution{ok, ok}})
		isErr(t, err, sav.ErrResolved, "Commit resolving one message twice")
		_, err = s.Update(bg, keyOf(sub), func(tk *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{Deliveries: two, Outcomes: []sav.Resolution{ok}},
				tk.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: T0.Add(time.Minute),
					ReferenceSigSAVOI: "OI-2"})
		})
		isErr(t, err, sav.ErrDuplicate, "Update taking another ticket's OI key")
		_, err = s.Create(bg, codes.RoleOI, NewTicket("REF-5", "OI-2"), sav.Effects{Deliveries: two,
			Outcomes: []sav.Resolution{ok}})
		isErr(t, err, sav.ErrDuplicate, "Create with another ticket's OI key")

		check := func(what string, s sav.Store) {
			t.Helper()
			equal(t, what+": REF-1", get(t, s, keyOf(one)), one)
			equal(t, what+": REF-4", get(t, s, keyOf(sub)), sub)
			for _, ref := range []string{"REF-3", "REF-5"} {
				_, err := s.Get(bg, keyOf(NewTicket(ref, "")))
				isErr(t, err, sav.ErrNotFound, what+": "+ref)
			}
			_, err := s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-3"})
			isErr(t, err, sav.ErrNotFound, what+": OI-3")
			got, err := s.GetByOI(bg, sav.OIKey{Role: codes.RoleOI, CodeOI: "FTEL", ReferenceSigSAVOI: "OI-2"})
			noErr(t, err, what+": OI-2")
			equal(t, what+": OI-2's ticket", got.ReferenceSigSAVRaccoOC, "REF-2")
			equal(t, what+": deliveries", labels(pending(t, s)), []string{})
			un, err := s.Unresolved(bg)
			noErr(t, err, what+": Unresolved")
			if len(un) != 1 || un[0].Ref() != m1 {
				t.Fatalf("%s: unresolved %+v, want m1 alone", what, un)
			}
			in, err := s.Inbound(bg, m2)
			noErr(t, err, what+": Inbound m2")
			equal(t, what+": m2's outcome", string(in.Outcome.Response), "first")
		}
		check("after the failed commits", s)
		closeStore(t, s)
		s = reopen(t, s)
		check("after reopening", s)

		// The store works on: the outcome refused above can be recorded.
		_, err = s.Update(bg, keyOf(one), func(tk *ticket.Ticket) (sav.Effects, error) {
			return sav.Effects{Deliveries: []sav.Delivery{delivery("kept")}, Outcomes: []sav.Resolution{ok}},
				tk.Apply(Comment("kept"))
		})
		noErr(t, err, "Update after reopening")
		equal(t, "version", get(t, s, keyOf(one)).Version, one.Version+1)
		equal(t, "deliveries", labels(pending(t, s)), []string{"kept"})
	}},
}
