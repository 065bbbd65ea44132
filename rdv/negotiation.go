package rdv

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// State is where the appointment negotiation of one ticket stands.
type State int

// Negotiation states (RDV.md, "Negotiation state").
const (
	StateNone         State = iota // no appointment on the table
	StateProposedByOC              // the OC offered 1–3 slots; the OI confirms one, asks again or counter-proposes
	StateProposedByOI              // the OI counter-proposed 1–3 slots; the OC picks one or proposes its own
	StateRequested                 // one side asked the OC for slots
	StateBooked                    // the OC booked a slot through the Plan de charge web service
	StateConfirmed                 // the OI fixed the slot (resolution ACTION PLANIFIEE)
)

// States lists every negotiation state, StateNone first.
var States = []State{StateNone, StateProposedByOC, StateProposedByOI, StateRequested, StateBooked, StateConfirmed}

var stateNames = [...]string{"NONE", "PROPOSED_BY_OC", "PROPOSED_BY_OI", "REQUESTED", "BOOKED", "CONFIRMED"}

// String returns NONE, PROPOSED_BY_OC, PROPOSED_BY_OI, REQUESTED, BOOKED or
// CONFIRMED.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// ParseState reads the text form of a state, in any case.
func ParseState(s string) (State, error) {
	for i, n := range stateNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return State(i), nil
		}
	}
	return 0, fmt.Errorf("rdv: unknown negotiation state %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(stateNames) {
		return nil, fmt.Errorf("rdv: cannot marshal %v", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Message is one of the four appointment messages of either side: DEMANDE
// RDV, PROPOSITION RDV, REPONSE RDV or CONFIRMATION RDV.
type Message struct {
	Type   codes.TypeMessage
	Sender codes.Role
	// At is when the message was sent; slots must start after it. A zero At
	// skips the rule on the past.
	At time.Time
	// Slots are the slots offered (PROPOSITION RDV, REPONSE RDV) or the one
	// confirmed (CONFIRMATION RDV). A DEMANDE RDV carries none.
	Slots []Slot
	// IdRdv is the booking id a CONFIRMATION RDV of a booked slot may repeat.
	IdRdv string
	// Texte is free text, e.g. why new slots are requested.
	Texte string
}

// IsRdv reports whether t is one of the four appointment message types.
func IsRdv(t codes.TypeMessage) bool {
	switch t {
	case codes.TypeMessageDemandeRdv, codes.TypeMessagePropositionRdv, codes.TypeMessageReponseRdv,
		codes.TypeMessageConfirmationRdv:
		return true
	}
	return false
}

// Negotiation is the appointment negotiation of one ticket: a plain value
// that [Negotiation.Apply] moves from state to state. The caller persists it
// (or rebuilds it from the ticket with [FromTicket]).
//
// Its JSON form ("state" as NONE, PROPOSED_BY_OC, …, "creneaux", "idRdv")
// is stable, for callers that persist it.
type Negotiation struct {
	State State `json:"state"`
	// Slots are the slots on the table: the proposal being answered
	// (Proposed), the booked slot when known (Booked), the confirmed slot
	// (Confirmed); empty otherwise.
	Slots []Slot `json:"creneaux,omitempty"`
	// IdRdv is the booking id of the automatic process, kept until the
	// appointment is replaced.
	IdRdv string `json:"idRdv,omitempty"`
}

// Step is one allowed step of the negotiation: in state From, a message of
// type Type sent by Sender leads to state To. A Type of "" is the deposit's
// booking id, which starts the automatic process.
type Step struct {
	From   State
	Type   codes.TypeMessage
	Sender codes.Role
	To     State
	Note   string
}

// steps is the table of RDV.md, the single source of every answer.
var steps = []Step{
	{StateNone, codes.TypeMessagePropositionRdv, codes.RoleOC, StateProposedByOC, "1–3 slots, also the deposit's"},
	{StateNone, "", codes.RoleOC, StateBooked, "booking id in the deposit"},
	{StateNone, codes.TypeMessageDemandeRdv, codes.RoleOI, StateRequested, "please propose slots"},
	{StateRequested, codes.TypeMessagePropositionRdv, codes.RoleOC, StateProposedByOC, "1–3 slots"},
	{StateRequested, codes.TypeMessageReponseRdv, codes.RoleOC, StateProposedByOC, "carrying 1–3 slots"},
	{StateProposedByOC, codes.TypeMessageConfirmationRdv, codes.RoleOI, StateConfirmed, "exactly one of the proposed slots"},
	{StateProposedByOC, codes.TypeMessageDemandeRdv, codes.RoleOI, StateRequested, "none fits"},
	{StateProposedByOC, codes.TypeMessagePropositionRdv, codes.RoleOI, StateProposedByOI, "counter-proposal, 1–3 slots"},
	{StateProposedByOI, codes.TypeMessageReponseRdv, codes.RoleOC, StateProposedByOC, "picks one, or refuses with its own slots"},
	{StateProposedByOI, codes.TypeMessagePropositionRdv, codes.RoleOC, StateProposedByOC, "its own slots"},
	{StateBooked, codes.TypeMessageConfirmationRdv, codes.RoleOI, StateConfirmed, "the booked slot"},
	{StateBooked, codes.TypeMessageDemandeRdv, codes.RoleOI, StateRequested, "slot no longer free (101)"},
	{StateConfirmed, codes.TypeMessagePropositionRdv, codes.RoleOC, StateProposedByOC, "modification"},
	{StateConfirmed, codes.TypeMessageDemandeRdv, codes.RoleOI, StateRequested, "replanning"},
	{StateConfirmed, codes.TypeMessageConfirmationRdv, codes.RoleOI, StateConfirmed, "same slot"},
}

// Steps returns a copy of the negotiation table, in documentation order.
func Steps() []Step { return slices.Clone(steps) }

// Allowed reports whether a message of type t from sender r is allowed in
// state s and, if so, the state it leads to. Payload rules are checked by
// [Negotiation.Apply].
func Allowed(s State, t codes.TypeMessage, r codes.Role) (State, bool) {
	if t == "" {
		return 0, false
	}
	for _, st := range steps {
		if st.From == s && st.Type == t && st.Sender == r {
			return st.To, true
		}
	}
	return 0, false
}

// ErrRefused classifies every [*NegotiationError]; test with errors.Is.
var ErrRefused = errors.New("rdv: appointment message refused")

// NegotiationError is a refused appointment message. It names the state, the
// message type and the sender, the return code (13 for a move the table does
// not allow or a slot that breaks a rule in context, 3 for a wrong number of
// slots) and the rule; a slot rule is available as a [*SlotError] through
// errors.As.
type NegotiationError struct {
	State  State
	Type   codes.TypeMessage
	Sender codes.Role
	Code   codes.ReturnCode
	Field  string
	Reason string
	Slot   *SlotError // the slot rule broken, if any
}

func (e *NegotiationError) Error() string {
	sender := string(e.Sender)
	if sender == "" {
		sender = "an unknown sender"
	}
	typ := string(e.Type)
	if typ == "" {
		typ = "deposit"
	}
	s := fmt.Sprintf("rdv: %s from %s refused in state %v: %d %s", typ, sender, e.State, int(e.Code),
		e.Code.Message(e.Field))
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Slot != nil {
		s += ": " + strings.TrimPrefix(e.Slot.Error(), "rdv: ")
	}
	return s
}

// Unwrap returns [ErrRefused] and, for a slot rule, the [*SlotError].
func (e *NegotiationError) Unwrap() []error {
	if e.Slot != nil {
		return []error{ErrRefused, e.Slot}
	}
	return []error{ErrRefused}
}

// Deposit starts a negotiation from the appointment of a deposit (the
// ticket's Filing.Rdv): nothing gives StateNone, a booking id StateBooked
// (automatic process), slots StateProposedByOC (manual process) once they
// pass the structural rules at time at.
func Deposit(a *ticket.Appointment, at time.Time) (Negotiation, error) {
	r := FromAppointment(a)
	switch {
	case r.IdRdv != "" && len(r.Slots) > 0:
		return Negotiation{}, &NegotiationError{Sender: codes.RoleOC, Code: codes.ReturnCodeUnexpected,
			Field: FieldPropalRdv, Reason: "a booking id and proposed slots are mutually exclusive"}
	case r.IdRdv != "":
		return Negotiation{State: StateBooked, IdRdv: r.IdRdv}, nil
	case len(r.Slots) > 0:
		n := Negotiation{}
		err := n.Apply(Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: at, Slots: r.Slots})
		return n, err
	}
	return Negotiation{}, nil
}

// Apply checks m against the negotiation table and the slot rules and, when
// it is allowed, moves n. A refused message leaves n untouched and is
// returned as a [*NegotiationError]. Apply reads no clock: the structural
// rule on the past uses m.At.
func (n *Negotiation) Apply(m Message) error {
	next, err := n.plan(m)
	if err != nil {
		return err
	}
	*n = next
	return nil
}

// Clone returns a copy of n that shares nothing with it.
func (n Negotiation) Clone() Negotiation {
	n.Slots = slices.Clone(n.Slots)
	return n
}

func (n *Negotiation) plan(m Message) (Negotiation, error) {
	refuse := func(code codes.ReturnCode, field, reason string, se *SlotError) (Negotiation, error) {
		if se != nil {
			code = se.Code()
			if se.Field == "" {
				se.Field = FieldPropalRdv
			}
		}
		return Negotiation{}, &NegotiationError{State: n.State, Type: m.Type, Sender: m.Sender, Code: code,
			Field: field, Reason: reason, Slot: se}
	}
	slotErr := func(err error) (Negotiation, error) {
		se, _ := errors.AsType[*SlotError](err)
		return refuse(0, FieldPropalRdv, "", se)
	}
	if !IsRdv(m.Type) {
		return refuse(codes.ReturnCodeUnexpected, "TypeMessage", "not an appointment message", nil)
	}
	to, ok := Allowed(n.State, m.Type, m.Sender)
	if !ok {
		return refuse(codes.ReturnCodeUnexpected, "TypeMessage", n.expected(), nil)
	}
	next := Negotiation{State: to, IdRdv: n.IdRdv}
	switch m.Type {
	case codes.TypeMessageDemandeRdv:
		if len(m.Slots) > 0 {
			return refuse(codes.ReturnCodeUnexpected, FieldPropalRdv, "a DEMANDE RDV asks for slots and carries none", nil)
		}
		next.IdRdv = ""
	case codes.TypeMessagePropositionRdv:
		if err := CheckSlots(m.Slots, m.At); err != nil {
			return slotErr(err)
		}
		next.Slots = slices.Clone(m.Slots)
		next.IdRdv = ""
	case codes.TypeMessageReponseRdv:
		if n.State == StateProposedByOI && len(m.Slots) == 1 && slices.ContainsFunc(n.Slots, func(s Slot) bool {
			return SameSlot(s, m.Slots[0])
		}) {
			// The OC picks one of the OI's slots; it must still be ahead.
			if err := checkSlots(m.Slots, m.At, 1, 1); err != nil {
				return slotErr(err)
			}
		} else if err := CheckSlots(m.Slots, m.At); err != nil {
			return slotErr(err)
		}
		next.Slots = slices.Clone(m.Slots)
		next.IdRdv = ""
	case codes.TypeMessageConfirmationRdv:
		if err := checkSlots(m.Slots, m.At, 1, 1); err != nil {
			return slotErr(err)
		}
		c := m.Slots[0]
		switch {
		case m.IdRdv != "" && n.IdRdv != "" && m.IdRdv != n.IdRdv:
			return refuse(codes.ReturnCodeUnexpected, "IdRdv", "confirms booking "+m.IdRdv+", not "+n.IdRdv, nil)
		case n.State == StateBooked && len(n.Slots) == 0:
			// The booked slot's times were not known yet: the OI states them.
		case !slices.ContainsFunc(n.Slots, func(s Slot) bool { return SameSlot(s, c) }):
			detail := "on the table: " + formatSlots(n.Slots)
			return refuse(0, FieldPropalRdv, "", &SlotError{Index: 1, Slot: c, Rule: RuleNotProposed, Detail: detail})
		}
		next.Slots = []Slot{c}
		if n.IdRdv == "" {
			next.IdRdv = m.IdRdv
		}
	}
	return next, nil
}

func formatSlots(ss []Slot) string {
	if len(ss) == 0 {
		return "none"
	}
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = FormatSlot(s)
	}
	return strings.Join(parts, ", ")
}

// expected lists what state n accepts, for refusals.
func (n *Negotiation) expected() string {
	var ok []string
	for _, st := range steps {
		if st.From == n.State && st.Type != "" {
			ok = append(ok, string(st.Type)+" ("+string(st.Sender)+")")
		}
	}
	if len(ok) == 0 {
		return "nothing is expected in state " + n.State.String()
	}
	return "state " + n.State.String() + " accepts " + strings.Join(ok, ", ")
}

// Appointment returns the ticket appointment a message carries: its slots,
// or its booking id when it has no slots; nil when it carries neither. A
// CONFIRMATION RDV of a booked slot carries both the booking id and the slot
// it confirms, so the partner checks that it names the right booking.
func (m Message) Appointment() *ticket.Appointment {
	switch {
	case m.Type == codes.TypeMessageConfirmationRdv && m.IdRdv != "" && len(m.Slots) > 0:
		return &ticket.Appointment{IdRdv: m.IdRdv, Creneaux: slices.Clone(m.Slots)}
	case len(m.Slots) > 0:
		return &ticket.Appointment{Creneaux: slices.Clone(m.Slots)}
	case m.IdRdv != "":
		return &ticket.Appointment{IdRdv: m.IdRdv}
	}
	return nil
}

// Transaction returns the ticket transaction that carries m to the partner
// for ticket t (its state and resolution sub-state; t is not changed): the
// OI's first answer to a Queued ticket is its prise en charge (CASE SOLVING
// NOTIFICATION), later ones are SU CASE INFORMATION NOTIFICATIONs; the OC
// sends CO CASE INFORMATION NOTIFICATIONs. A CONFIRMATION RDV sets the
// resolution sub-state to ACTION PLANIFIEE; a DEMANDE RDV of the OI while the
// ticket is at ACTION PLANIFIEE (the appointment must be replanned) sets it
// back to ACTION PREVUE. Apply the result with [ticket.Ticket.Apply];
// [Advance] does both steps at once.
func (m Message) Transaction(t *ticket.Ticket) ticket.Transaction {
	tx := ticket.Transaction{Sender: m.Sender, At: m.At, Rdv: m.Appointment(),
		Message: &ticket.Message{Type: m.Type, Texte: m.Texte, Date: m.At}}
	switch {
	case m.Sender == codes.RoleOI && t.State == ticket.StateQueued:
		tx.Kind = ticket.KindCaseSolving
	case m.Sender == codes.RoleOI:
		tx.Kind = ticket.KindSUInformation
	default:
		tx.Kind = ticket.KindCOInformation
	}
	switch {
	case m.Type == codes.TypeMessageConfirmationRdv:
		tx.EtatResolution = codes.EtatResolutionPlanifiee
	case m.Type == codes.TypeMessageDemandeRdv && m.Sender == codes.RoleOI &&
		t.EtatResolution == codes.EtatResolutionPlanifiee && t.State == ticket.StateOpenActive:
		tx.EtatResolution = codes.EtatResolutionPrevue
	}
	return tx
}

// FromTransaction extracts the appointment message a ticket transaction
// carries (decoded from either protocol), and false when it carries none.
func FromTransaction(tx ticket.Transaction) (Message, bool) {
	if tx.Message == nil || !IsRdv(tx.Message.Type) {
		return Message{}, false
	}
	r := FromAppointment(tx.Rdv)
	at := tx.At
	if at.IsZero() {
		at = tx.Message.Date
	}
	return Message{Type: tx.Message.Type, Sender: tx.Sender, At: at, Slots: r.Slots, IdRdv: r.IdRdv,
		Texte: tx.Message.Texte}, true
}

// Advance applies m to the negotiation n and the transaction carrying it to
// the ticket t, both or neither: the negotiation's refusal comes first, then
// the ticket's (a [*ticket.TransitionError]).
func Advance(t *ticket.Ticket, n *Negotiation, m Message) error {
	next, err := n.plan(m)
	if err != nil {
		return err
	}
	if err := t.Apply(m.Transaction(t)); err != nil {
		return err
	}
	*n = next
	return nil
}

// FromTicket rebuilds the negotiation of a ticket from the appointment of
// its deposit (the CREATE record of its history, else its current Rdv when it
// has no history) and the appointment messages in its history. Slots are not
// checked against the past again: they were when the messages were applied.
func FromTicket(t *ticket.Ticket) (Negotiation, error) {
	var n Negotiation
	if len(t.History) == 0 {
		if a := t.Rdv; a != nil && a.IdRdv != "" && len(a.Creneaux) == 1 {
			// A booked slot whose confirmation gave its times.
			return Negotiation{State: StateBooked, IdRdv: a.IdRdv, Slots: slices.Clone(a.Creneaux)}, nil
		}
		return Deposit(t.Rdv, time.Time{})
	}
	for _, r := range t.History {
		if r.Kind == ticket.KindCreate && r.Filing != nil {
			d, err := Deposit(r.Filing.Rdv, time.Time{})
			if err != nil {
				return Negotiation{}, err
			}
			n = d
			continue
		}
		m, ok := FromTransaction(r.Transaction)
		if !ok {
			continue
		}
		m.At = time.Time{}
		if err := n.Apply(m); err != nil {
			return n, err
		}
	}
	return n, nil
}
