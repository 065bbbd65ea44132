package v2

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

func TestFilingRoundTrip(t *testing.T) {
	for _, f := range []*ticket.Filing{fixtureFiling(), fixtureExpertise()} {
		m := NewCreateRequest(f, nil)
		b, err := MarshalBody(m, nil)
		require.NoError(t, err)
		back, err := DecodeBody(bytes.NewReader(b), nil)
		require.NoError(t, err)
		got := back.(*CreateTroubleTicketByValueRequest).Value.Filing(nil)
		if diff := cmp.Diff(*f, got); diff != "" {
			t.Fatal(diff)
		}
	}
}

func TestIncidentDateIsMidnightParis(t *testing.T) {
	f := fixtureFiling()
	f.DateIncident = ticket.Date{Year: 2026, Month: time.July, Day: 14}
	v := ValueFromFiling(f, nil)
	require.Equal(t, "2026-07-14T00:00:00+02:00", FormatDateTime(v.TroubleDetectionTime.Value))
	f.DateIncident = ticket.Date{Year: 2026, Month: time.January, Day: 2}
	v = ValueFromFiling(f, nil)
	require.Equal(t, "2026-01-02T00:00:00+01:00", FormatDateTime(v.TroubleDetectionTime.Value))
	// A partner writing the instant in UTC still gives the Paris day.
	v.TroubleDetectionTime = Some(time.Date(2026, 1, 1, 23, 0, 0, 0, time.UTC))
	require.Equal(t, ticket.Date{Year: 2026, Month: time.January, Day: 2}, v.Filing(nil).DateIncident)
}

// TestTicketRoundTrip writes tickets as get responses and reads them back.
func TestTicketRoundTrip(t *testing.T) {
	ignore := cmpopts.IgnoreFields(ticket.Ticket{}, "History")
	for _, tk := range []*ticket.Ticket{fixtureTicket(), fixtureClosedTicket()} {
		m := &GetTroubleTicketByKeyResponse{Value: ValueFromTicket(tk, nil)}
		b, err := MarshalBody(m, nil)
		require.NoError(t, err)
		back, err := DecodeBody(bytes.NewReader(b), nil)
		require.NoError(t, err)
		got, err := back.(*GetTroubleTicketByKeyResponse).Value.Ticket(nil)
		require.NoError(t, err)
		if diff := cmp.Diff(tk, got, ignore); diff != "" {
			t.Fatalf("%v: %s", tk.State, diff)
		}
	}
	// A cancellation request and a cancelled ticket.
	tk := fixtureTicket()
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCancelRequest, Sender: codes.RoleOC, At: at(24, 9, 0)}))
	v := ValueFromTicket(tk, nil)
	require.Equal(t, Some(TroubleStateOpenActive), v.TroubleState)
	require.Equal(t, Some(true), v.CancelRequestedByCustomer)
	got, err := v.Ticket(nil)
	require.NoError(t, err)
	require.Equal(t, ticket.StateCancelRequested, got.State)

	q := &ticket.Ticket{}
	require.NoError(t, q.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: at(20, 8, 0), Filing: fixtureFiling()}))
	require.NoError(t, q.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: at(20, 8, 1), ReferenceSigSAVOI: "K1"}))
	require.NoError(t, q.Apply(ticket.Transaction{Kind: ticket.KindCancel, Sender: codes.RoleOC, At: at(20, 9, 0)}))
	v = ValueFromTicket(q, nil)
	require.Equal(t, Some(TroubleStateClosed), v.TroubleState)
	got, err = v.Ticket(nil)
	require.NoError(t, err)
	require.True(t, got.Cloture.Annulation)
	require.True(t, got.Cloture.Date.Equal(at(20, 9, 0)))

	v.TroubleState = Some[TroubleState]("DEFERRED")
	_, err = v.Ticket(nil)
	require.ErrorIs(t, err, ErrMapping)
}

// TestSetTransactionsRoundTrip sends every set transaction through XML and
// checks that the receiver's copy of the ticket ends up equal to the
// sender's.
func TestSetTransactionsRoundTrip(t *testing.T) {
	sender, receiver := fixtureTicket(), fixtureTicket()
	names := []string{"set-co-information", "set-su-information", "set-cancel-request", "set-case-solved"}
	for _, name := range names {
		tx := *fixtureTransactions()[name]
		tx.Version = sender.Version
		tx.ResyncRequired = true
		if tx.Kind == ticket.KindSUInformation {
			tx.EtatResolution = codes.EtatResolutionPlanifiee
		}
		m, err := NewSetRequest(sender.ReferenceSigSAVOI, sender.CodeOC, sender.CodeOI, &tx, nil)
		require.NoError(t, err)
		require.Empty(t, Validate(m, nil), name)
		b, err := MarshalBody(m, nil)
		require.NoError(t, err)
		back, err := DecodeBody(bytes.NewReader(b), nil)
		require.NoError(t, err)
		key, got, err := back.(*SetTroubleTicketByValueRequest).Transaction(nil)
		require.NoError(t, err)
		require.Equal(t, "FTEL-SAV-0000123", key)
		if diff := cmp.Diff(tx, got); diff != "" {
			t.Fatalf("%s: %s", name, diff)
		}
		require.NoError(t, sender.Apply(tx), name)
		require.NoError(t, receiver.Apply(got), name)
	}
	if diff := cmp.Diff(sender, receiver); diff != "" {
		t.Fatal(diff)
	}
	require.Equal(t, ticket.StateClosed, receiver.State)
}

func TestSetRequestRefusesOtherKinds(t *testing.T) {
	for _, k := range []ticket.Kind{ticket.KindCreate, ticket.KindAcknowledge, ticket.KindReject} {
		_, err := NewSetRequest("K", "BYTL", "FTEL", &ticket.Transaction{Kind: k}, nil)
		require.ErrorIs(t, err, ErrMapping)
	}
	_, _, err := (&SetTroubleTicketByValueRequest{}).Transaction(nil)
	require.True(t, errors.Is(err, ErrMapping))
	r := &SetTroubleTicketByValueRequest{Value: TroubleTicketValue{SAV: &SAVExtension{Transaction: Some("case_solved_notification")}}}
	_, tx, err := r.Transaction(nil)
	require.NoError(t, err)
	require.Equal(t, ticket.KindCaseSolved, tx.Kind)
	require.Equal(t, codes.RoleOI, tx.Sender)
}

func TestUnmapped(t *testing.T) {
	v := ValueFromTicket(fixtureClosedTicket(), nil)
	require.Empty(t, v.Unmapped())
	full := fixtureFullValue()
	got := full.Unmapped()
	require.Contains(t, got, "accountOwner")
	require.Contains(t, got, "troubleSystemDN")
	require.Contains(t, got, "message")
	require.Contains(t, got, "transaction")
	require.NotContains(t, got, "customerTroubleNum")
	require.Len(t, got, 39)
	m, err := NewSetRequest("K", "BYTL", "FTEL", fixtureTransactions()["set-co-information"], nil)
	require.NoError(t, err)
	require.Empty(t, m.Value.Unmapped())
}
