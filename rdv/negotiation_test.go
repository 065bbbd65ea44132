package rdv

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

var (
	slotA, slotB, slotC, slotD = at(1, 8, 10), at(1, 14, 16), at(2, 9, 11), at(3, 10, 12)
	rdvTypes                   = []codes.TypeMessage{codes.TypeMessageDemandeRdv, codes.TypeMessagePropositionRdv,
		codes.TypeMessageReponseRdv, codes.TypeMessageConfirmationRdv}
	roles = []codes.Role{codes.RoleOC, codes.RoleOI}
)

// fixture returns a negotiation in state s with the slots such a state holds.
func fixture(s State) Negotiation {
	switch s {
	case StateProposedByOC:
		return Negotiation{State: s, Slots: []Slot{slotA, slotB}}
	case StateProposedByOI:
		return Negotiation{State: s, Slots: []Slot{slotC}}
	case StateBooked:
		return Negotiation{State: s, IdRdv: "RDV00000001"}
	case StateConfirmed:
		return Negotiation{State: s, Slots: []Slot{slotA}}
	}
	return Negotiation{State: s}
}

// validPayload returns slots that are acceptable for a message of type t in
// negotiation n, so that only the table decides.
func validPayload(n Negotiation, t codes.TypeMessage) []Slot {
	switch t {
	case codes.TypeMessageDemandeRdv:
		return nil
	case codes.TypeMessageConfirmationRdv:
		if len(n.Slots) > 0 {
			return n.Slots[:1]
		}
	}
	return []Slot{slotD}
}

// TestEveryMove tries every (state, message, sender) triple with a valid
// payload: the ones of RDV.md's table move to their state, all others are
// refused with code 13 and leave the negotiation untouched.
func TestEveryMove(t *testing.T) {
	want := map[string]State{}
	for _, st := range Steps() {
		if st.Type != "" {
			want[fmt.Sprint(st.From, st.Type, st.Sender)] = st.To
		}
	}
	require.Len(t, want, 14)
	allowed := 0
	for _, s := range States {
		for _, typ := range rdvTypes {
			for _, r := range roles {
				t.Run(fmt.Sprintf("%v/%s/%s", s, typ, r), func(t *testing.T) {
					n := fixture(s)
					before := n.Clone()
					err := n.Apply(Message{Type: typ, Sender: r, At: now, Slots: validPayload(n, typ)})
					to, ok := want[fmt.Sprint(s, typ, r)]
					if ok {
						allowed++
						require.NoError(t, err)
						require.Equal(t, to, n.State)
						got, ok := Allowed(s, typ, r)
						require.True(t, ok)
						require.Equal(t, to, got)
						return
					}
					require.ErrorIs(t, err, ErrRefused)
					ne, ok := errors.AsType[*NegotiationError](err)
					require.True(t, ok)
					require.Equal(t, codes.ReturnCodeUnexpected, ne.Code)
					require.Equal(t, s, ne.State)
					require.Equal(t, typ, ne.Type)
					require.Equal(t, r, ne.Sender)
					require.Contains(t, err.Error(), string(typ))
					require.Empty(t, cmp.Diff(before, n), "a refused message leaves the negotiation untouched")
					_, ok = Allowed(s, typ, r)
					require.False(t, ok)
				})
			}
		}
	}
	require.Equal(t, 14, allowed)
}

func TestMovePayloads(t *testing.T) {
	ocProposal := Negotiation{State: StateProposedByOC, Slots: []Slot{slotA, slotB}}
	oiProposal := Negotiation{State: StateProposedByOI, Slots: []Slot{slotC, slotD}}
	past := Slot{Debut: now.AddDate(0, 0, -2), Fin: now.AddDate(0, 0, -2).Add(2 * 3600e9)}
	tests := []struct {
		name string
		from Negotiation
		msg  Message
		want Negotiation // when err is 0
		code codes.ReturnCode
		rule Rule
	}{
		{name: "OC proposes three", from: Negotiation{},
			msg:  Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, Slots: []Slot{slotA, slotB, slotC}},
			want: Negotiation{State: StateProposedByOC, Slots: []Slot{slotA, slotB, slotC}}},
		{name: "OC proposes four", from: Negotiation{},
			msg:  Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, Slots: []Slot{slotA, slotB, slotC, slotD}},
			code: 3, rule: RuleCount},
		{name: "OC proposes none", from: Negotiation{},
			msg:  Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC},
			code: 3, rule: RuleCount},
		{name: "OC proposes the past", from: Negotiation{},
			msg:  Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, Slots: []Slot{slotA, past}},
			code: 13, rule: RulePast},
		{name: "OC proposes overlapping", from: Negotiation{},
			msg:  Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, Slots: []Slot{slotA, at(1, 9, 11)}},
			code: 13, rule: RuleOverlap},
		{name: "OC proposes end before start", from: Negotiation{},
			msg: Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC,
				Slots: []Slot{{Debut: slotA.Fin, Fin: slotA.Debut}}},
			code: 13, rule: RuleOrder},
		{name: "OI confirms a proposed slot", from: ocProposal,
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotB}},
			want: Negotiation{State: StateConfirmed, Slots: []Slot{slotB}}},
		{name: "OI confirms a slot never proposed", from: ocProposal,
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotC}},
			code: 13, rule: RuleNotProposed},
		{name: "OI confirms two slots", from: ocProposal,
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotA, slotB}},
			code: 3, rule: RuleCount},
		{name: "OI confirms nothing", from: ocProposal,
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI},
			code: 3, rule: RuleCount},
		{name: "OI confirms a slot gone by", from: Negotiation{State: StateProposedByOC, Slots: []Slot{past}},
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{past}},
			code: 13, rule: RulePast},
		{name: "OI asks again with slots", from: ocProposal,
			msg:  Message{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOI, Slots: []Slot{slotC}},
			code: 13},
		{name: "OI counter-proposes", from: ocProposal,
			msg:  Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOI, Slots: []Slot{slotC, slotD}},
			want: Negotiation{State: StateProposedByOI, Slots: []Slot{slotC, slotD}}},
		{name: "OC picks one of the OI's", from: oiProposal,
			msg:  Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, Slots: []Slot{slotD}},
			want: Negotiation{State: StateProposedByOC, Slots: []Slot{slotD}}},
		{name: "OC refuses with its own", from: oiProposal,
			msg:  Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, Slots: []Slot{slotA, slotB}},
			want: Negotiation{State: StateProposedByOC, Slots: []Slot{slotA, slotB}}},
		{name: "OC answers without slots", from: oiProposal,
			msg:  Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC},
			code: 3, rule: RuleCount},
		{name: "OC answers a request with slots", from: Negotiation{State: StateRequested},
			msg:  Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, Slots: []Slot{slotA}},
			want: Negotiation{State: StateProposedByOC, Slots: []Slot{slotA}}},
		{name: "OI validates the booking", from: Negotiation{State: StateBooked, IdRdv: "RDV1"},
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotC}, IdRdv: "RDV1"},
			want: Negotiation{State: StateConfirmed, Slots: []Slot{slotC}, IdRdv: "RDV1"}},
		{name: "OI confirms another booking", from: Negotiation{State: StateBooked, IdRdv: "RDV1"},
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotC}, IdRdv: "RDV2"},
			code: 13},
		{name: "OI confirms the booked slot known", from: Negotiation{State: StateBooked, IdRdv: "RDV1", Slots: []Slot{slotC}},
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotD}},
			code: 13, rule: RuleNotProposed},
		{name: "booked slot no longer free", from: Negotiation{State: StateBooked, IdRdv: "RDV1"},
			msg:  Message{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOI, Texte: "101 RDV NON DISPONIBLE"},
			want: Negotiation{State: StateRequested}},
		{name: "OI reconfirms the same slot", from: Negotiation{State: StateConfirmed, Slots: []Slot{slotA}},
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotA}},
			want: Negotiation{State: StateConfirmed, Slots: []Slot{slotA}}},
		{name: "OI reconfirms another slot", from: Negotiation{State: StateConfirmed, Slots: []Slot{slotA}},
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, Slots: []Slot{slotB}},
			code: 13, rule: RuleNotProposed},
		{name: "OC confirms", from: ocProposal,
			msg:  Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOC, Slots: []Slot{slotA}},
			code: 13},
		{name: "not an appointment message", from: ocProposal,
			msg:  Message{Type: codes.TypeMessageCommentaire, Sender: codes.RoleOC, Texte: "x"},
			code: 13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.from.Clone()
			tc.msg.At = now
			err := n.Apply(tc.msg)
			if tc.code == 0 {
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(tc.want, n))
				return
			}
			require.Error(t, err)
			require.Empty(t, cmp.Diff(tc.from, n), "untouched")
			code, ok := ReturnCode(err)
			require.True(t, ok)
			require.Equal(t, tc.code, code, "%v", err)
			require.ErrorIs(t, err, ErrRefused)
			if tc.rule != 0 {
				require.ErrorIs(t, err, tc.rule)
				se, ok := errors.AsType[*SlotError](err)
				require.True(t, ok)
				require.Equal(t, FieldPropalRdv, se.Field)
			}
		})
	}
}

func TestDeposit(t *testing.T) {
	n, err := Deposit(nil, now)
	require.NoError(t, err)
	require.Equal(t, StateNone, n.State)
	n, err = Deposit(&ticket.Appointment{IdRdv: "RDV7"}, now)
	require.NoError(t, err)
	require.Equal(t, Negotiation{State: StateBooked, IdRdv: "RDV7"}, n)
	n, err = Deposit(&ticket.Appointment{Creneaux: []Slot{slotA, slotB}}, now)
	require.NoError(t, err)
	require.Equal(t, StateProposedByOC, n.State)
	_, err = Deposit(&ticket.Appointment{IdRdv: "RDV7", Creneaux: []Slot{slotA}}, now)
	require.ErrorIs(t, err, ErrRefused)
	_, err = Deposit(&ticket.Appointment{Creneaux: []Slot{slotA, slotA}}, now)
	require.ErrorIs(t, err, RuleOverlap)
}

// filedTicket returns a ticket filed by the OC with the given appointment
// and acknowledged by the OI.
func filedTicket(t *testing.T, a *ticket.Appointment) *ticket.Ticket {
	t.Helper()
	tk := &ticket.Ticket{}
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: now,
		Filing: &ticket.Filing{CodeOC: "OCAA", CodeOI: "OIBB", ReferenceSigSAVRaccoOC: "OC-1",
			ReferencePrise: "FI-1234-5678", DateIncident: ticket.DateOf(now), NatureDefaut: codes.NatureDefautCoupure,
			PrelocDefaut: codes.PrelocDefautPTO, Rdv: a}}))
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: now,
		ReferenceSigSAVOI: "OI-1"}))
	return tk
}

func TestAdvanceWithTicket(t *testing.T) {
	tk := filedTicket(t, &ticket.Appointment{Creneaux: []Slot{slotA, slotB}})
	n, err := FromTicket(tk)
	require.NoError(t, err)
	require.Equal(t, StateProposedByOC, n.State)

	// The OI counter-proposes while taking charge.
	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOI, At: now,
		Slots: []Slot{slotC, slotD}}))
	require.Equal(t, ticket.StateOpenActive, tk.State)
	require.Equal(t, codes.EtatResolutionADefinir, tk.EtatResolution)
	require.Equal(t, StateProposedByOI, n.State)

	// A refused move touches neither.
	before, beforeN := tk.Clone(), n.Clone()
	err = Advance(tk, &n, Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now,
		Slots: []Slot{slotC}})
	require.ErrorIs(t, err, ErrRefused)
	require.Empty(t, cmp.Diff(before, tk))
	require.Empty(t, cmp.Diff(beforeN, n))

	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, At: now,
		Slots: []Slot{slotD}}))
	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now,
		Slots: []Slot{slotD}}))
	require.Equal(t, StateConfirmed, n.State)
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)
	require.Equal(t, []Slot{slotD}, tk.Rdv.Creneaux)

	// The negotiation rebuilt from the ticket agrees.
	again, err := FromTicket(tk)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(n, again))

	// The OC changes the appointment; the OI re-confirms it (PLANIFIEE again).
	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: now,
		Slots: []Slot{slotA}}))
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)
	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now,
		Slots: []Slot{slotA}}))
	// The OI must replan: ACTION PREVUE until a new slot is confirmed.
	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOI, At: now}))
	require.Equal(t, StateRequested, n.State)
	require.Equal(t, codes.EtatResolutionPrevue, tk.EtatResolution)
	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, At: now,
		Slots: []Slot{slotB}}))
	require.NoError(t, Advance(tk, &n, Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now,
		Slots: []Slot{slotB}}))
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)

	// The ticket refuses what the negotiation allows when the ticket is closed.
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: now,
		Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
			Localisation: codes.PrelocDefautPTO}}))
	err = Advance(tk, &n, Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: now,
		Slots: []Slot{slotA}})
	_, isTicketErr := errors.AsType[*ticket.TransitionError](err)
	require.True(t, isTicketErr, "%v", err)
	require.Equal(t, StateConfirmed, n.State)
}

func TestAdvanceBooked(t *testing.T) {
	tk := filedTicket(t, &ticket.Appointment{IdRdv: "RDV00000009"})
	n, err := FromTicket(tk)
	require.NoError(t, err)
	require.Equal(t, StateBooked, n.State)
	m := Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now, Slots: []Slot{slotC},
		IdRdv: "RDV00000009"}
	tx := m.Transaction(tk)
	require.Equal(t, ticket.KindCaseSolving, tx.Kind)
	require.Equal(t, &ticket.Appointment{IdRdv: "RDV00000009", Creneaux: []Slot{slotC}}, tx.Rdv)

	// A confirmation naming another booking is refused (13) and touches
	// neither the ticket nor the negotiation.
	before, beforeN := tk.Clone(), n.Clone()
	wrong := m
	wrong.IdRdv = "RDV00000010"
	err = Advance(tk, &n, wrong)
	var ne *NegotiationError
	require.ErrorAs(t, err, &ne)
	require.Equal(t, codes.ReturnCodeUnexpected, ne.Code)
	require.Equal(t, "IdRdv", ne.Field)
	require.Empty(t, cmp.Diff(before, tk))
	require.Empty(t, cmp.Diff(beforeN, n))

	require.NoError(t, Advance(tk, &n, m))
	require.Equal(t, ticket.StateOpenActive, tk.State)
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)
	require.Equal(t, Negotiation{State: StateConfirmed, Slots: []Slot{slotC}, IdRdv: "RDV00000009"}, n)
	back, ok := FromTransaction(tk.History[len(tk.History)-1].Transaction)
	require.True(t, ok)
	require.Equal(t, codes.TypeMessageConfirmationRdv, back.Type)
	require.Equal(t, []Slot{slotC}, back.Slots)
	require.Equal(t, "RDV00000009", back.IdRdv)
	require.Equal(t, &ticket.Appointment{IdRdv: "RDV00000009", Creneaux: []Slot{slotC}}, tk.Rdv)
	again, err := FromTicket(tk)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(n, again))
	// Without a history, a booking with its known slot is Booked with that slot.
	bare, err := FromTicket(&ticket.Ticket{Filing: ticket.Filing{Rdv: tk.Rdv}})
	require.NoError(t, err)
	require.Equal(t, Negotiation{State: StateBooked, IdRdv: "RDV00000009", Slots: []Slot{slotC}}, bare)
	_, ok = FromTransaction(ticket.Transaction{Kind: ticket.KindCaseSolving})
	require.False(t, ok)
	open := &ticket.Ticket{State: ticket.StateOpenActive}
	require.Equal(t, ticket.KindSUInformation, m.Transaction(open).Kind)
	require.Equal(t, ticket.KindCOInformation,
		Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC}.Transaction(open).Kind)
}

func TestAdvanceBookedWithoutID(t *testing.T) {
	tk := filedTicket(t, &ticket.Appointment{IdRdv: "RDV00000009"})
	n, err := FromTicket(tk)
	require.NoError(t, err)
	m := Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: now, Slots: []Slot{slotC}}
	require.Equal(t, &ticket.Appointment{Creneaux: []Slot{slotC}}, m.Transaction(tk).Rdv)
	require.NoError(t, Advance(tk, &n, m))
	require.Equal(t, Negotiation{State: StateConfirmed, Slots: []Slot{slotC}, IdRdv: "RDV00000009"}, n)
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)
}

func TestNegotiationJSON(t *testing.T) {
	n := Negotiation{State: StateConfirmed, Slots: []Slot{slotA}, IdRdv: "RDV1"}
	b, err := json.Marshal(n)
	require.NoError(t, err)
	require.JSONEq(t, `{"state":"CONFIRMED","creneaux":[{"debut":"2026-12-01T08:00:00+01:00","fin":"2026-12-01T10:00:00+01:00"}],"idRdv":"RDV1"}`, string(b))
	var back Negotiation
	require.NoError(t, json.Unmarshal(b, &back))
	require.True(t, SameSlot(n.Slots[0], back.Slots[0]))
	require.Equal(t, n.State, back.State)
}

func TestStateText(t *testing.T) {
	for _, s := range States {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back State
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, s, back)
	}
	_, err := State(42).MarshalText()
	require.Error(t, err)
	require.Error(t, new(State).UnmarshalText([]byte("NOPE")))
	require.Equal(t, "State(42)", State(42).String())
}
