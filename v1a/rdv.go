package v1a

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

// ErrRdv classifies every [*RdvError]; test with errors.Is.
var ErrRdv = errors.New("v1a: appointment columns refused")

// RdvError reports the appointment columns of an INFO or DEPOT line (or an
// appointment that cannot be written in them) breaking a rule of V1A.md
// and RDV.md. It names the flow, the column, the return code and the rule:
// 1 for a missing value (TypeMessage, Emetteur, DateMessage, the references,
// PropalRdv of a PROPOSITION RDV or a CONFIRMATION RDV), 2 for a value outside
// its list, 3 for a wrong format or number of slots (1 to 3, exactly one for a
// CONFIRMATION RDV), 13 for a value not acceptable in context (a message that
// is no appointment message or that its sender may not send, a slot ending
// before it starts, in the past, repeated or overlapping, slots in a DEMANDE
// RDV, IdRdv and PropalRdv together in a deposit or in an INFO line other
// than a CONFIRMATION RDV of one booked slot).
type RdvError struct {
	Flow   Flow // FlowInfo or FlowDepot
	Field  Field
	Code   codes.ReturnCode
	Reason string
	// Slot is the slot rule broken, if any; it is also reachable with
	// errors.As and errors.Is(err, rdv.RuleOverlap).
	Slot *rdv.SlotError
}

func (e *RdvError) Error() string {
	s := "v1a: " + string(e.Flow) + " " + string(e.Field) + ": " + itoa(int(e.Code)) + " " +
		e.Code.Message(string(e.Field))
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns [ErrRdv] and, for a slot rule, the [*rdv.SlotError].
func (e *RdvError) Unwrap() []error {
	if e.Slot != nil {
		return []error{ErrRdv, e.Slot}
	}
	return []error{ErrRdv}
}

// Finding returns the error as the finding of line, the form an AR or
// `savctl check` reports.
func (e *RdvError) Finding(line int) Finding {
	return newFinding(line, string(e.Field), e.Code, e.Reason)
}

func rdvErr(f Flow, field Field, code codes.ReturnCode, reason string) *RdvError {
	return &RdvError{Flow: f, Field: field, Code: code, Reason: reason}
}

// slotRdvErr turns a slot rule into an error on PropalRdv.
func slotRdvErr(f Flow, se *rdv.SlotError) *RdvError {
	se.Field = string(FieldPropalRdv)
	reason := strings.TrimPrefix(se.Error(), "rdv: ")
	if i := strings.LastIndex(reason, " ["); i >= 0 {
		reason = reason[:i] // the code and its message, which the error repeats
	}
	return &RdvError{Flow: f, Field: FieldPropalRdv, Code: se.Code(), Reason: reason, Slot: se}
}

// RdvMessageOf returns the appointment message an INFO line carries:
// TypeMessage, Emetteur, DateMessage (the message's time, which the slots
// must follow), IdRdv, PropalRdv and Commentaire (its text). The other
// columns (EtatResolution, DateIntervention, the contacts) are not part of
// the message: [TransactionOf] reads them, and [rdv.Advance] sets the
// resolution sub-state an appointment message implies.
//
// It checks what the message must satisfy on any ticket and returns an
// [*RdvError] naming the column and the rule otherwise: an appointment
// message type its Emetteur may send, a DateMessage, and PropalRdv as the
// type wants it (none for a DEMANDE RDV; 1 to 3 slots for a PROPOSITION RDV;
// exactly one for a CONFIRMATION RDV; a REPONSE RDV's slots follow the same
// structural rules), the slots starting after DateMessage, and not both
// IdRdv and PropalRdv (13) except in a CONFIRMATION RDV of a booked slot,
// which names the booking id and the one slot it confirms, so the
// negotiation checks it is the right booking. Whether the message is expected now is the
// negotiation's question ([rdv.Negotiation.Apply]). Check a line's type with
// [rdv.IsRdv] first to pass over the other INFO messages.
func RdvMessageOf(in *Info) (rdv.Message, error) {
	if in == nil {
		return rdv.Message{}, rdvErr(FlowInfo, FieldTypeMessage, codes.ReturnCodeMissing, "no INFO line")
	}
	m := rdv.Message{
		Type:   lookup(defaultTypeMessage, strings.TrimSpace(string(in.TypeMessage))),
		Sender: codes.Role(upper(string(in.Emetteur))),
		At:     in.DateMessage,
		Slots:  slices.Clone(in.PropalRdv),
		IdRdv:  in.IdRdv,
		Texte:  in.Commentaire,
	}
	if err := checkRdvMessage(&m, true); err != nil {
		return rdv.Message{}, err
	}
	return m, nil
}

// InfoFromRdv returns the INFO line that carries appointment message m about
// ticket t: the ticket's references (ReferenceSigSAVOI,
// ReferenceSigSAVRaccoOC), Emetteur, DateMessage (m.At in Europe/Paris, to
// the second the column carries), TypeMessage, IdRdv, PropalRdv, Commentaire
// (m.Texte), and the resolution sub-state the message sets on t (ACTION
// PLANIFIEE for a CONFIRMATION RDV; see [rdv.Message.Transaction]).
//
// It refuses, as an [*RdvError], what [RdvMessageOf] would refuse on the
// other side, a text longer than Commentaire's 1500 characters, and slots
// the column cannot carry exactly: a slot is written
// AAAAMMJJHHMM-HHMM in Europe/Paris wall-clock time, so it must be whole
// minutes, end on the day it starts (or at the midnight that ends it) and
// read back as the same instants (the repeated hour of the autumn change is
// ambiguous on the wire and reads back as one of its two passes: a slot
// starting or ending in the other pass cannot be written).
func InfoFromRdv(t *ticket.Ticket, m rdv.Message) (*Info, error) {
	if t == nil {
		return nil, rdvErr(FlowInfo, FieldReferenceSigSAVOI, codes.ReturnCodeMissing, "no ticket")
	}
	if t.ReferenceSigSAVOI == "" {
		return nil, rdvErr(FlowInfo, FieldReferenceSigSAVOI, codes.ReturnCodeMissing, "the ticket has no OI reference")
	}
	if t.ReferenceSigSAVRaccoOC == "" {
		return nil, rdvErr(FlowInfo, FieldReferenceSigSAVRaccoOC, codes.ReturnCodeMissing,
			"the ticket has no OC reference")
	}
	if err := checkRdvMessage(&m, false); err != nil {
		return nil, err
	}
	if err := checkSlotsWritable(FlowInfo, m.Slots); err != nil {
		return nil, err
	}
	at := m.At.Truncate(time.Second).In(ticket.Paris)
	in := &Info{
		ReferenceSigSAVOI:      t.ReferenceSigSAVOI,
		ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC,
		Emetteur:               m.Sender,
		DateMessage:            at,
		TypeMessage:            m.Type,
		EtatResolution:         m.Transaction(t).EtatResolution,
		IdRdv:                  m.IdRdv,
		PropalRdv:              parisSlots(m.Slots),
		Commentaire:            m.Texte,
	}
	return in, nil
}

// RdvRequestOf returns the appointment a DEPOT line carries: its IdRdv
// (automatic process) or its PropalRdv slots (manual process), or the zero
// Request when it has neither. It returns an [*RdvError] when both are
// given (13, on PropalRdv), when IdRdv is too long (3) or when the slots
// break a structural rule: 1 to 3 (3), each ending after it starts, starting
// after now, none repeated or overlapping (13). A zero now skips the rule on
// the past. Start a negotiation from it with [rdv.Deposit] and
// [rdv.Request.Appointment].
func RdvRequestOf(d *Depot, now time.Time) (rdv.Request, error) {
	if d == nil {
		return rdv.Request{}, nil
	}
	r := rdv.Request{IdRdv: d.IdRdv, Slots: slices.Clone(d.PropalRdv)}
	if err := checkRdvRequest(r, now); err != nil {
		return rdv.Request{}, err
	}
	return r, nil
}

// SetRdvRequest stores appointment r in the IdRdv and PropalRdv columns of
// DEPOT line d, replacing what they held; the zero Request empties them.
// It refuses, as an [*RdvError] and leaving d untouched, what
// [RdvRequestOf] would refuse (the rule on the past aside) and slots the
// column cannot carry exactly (see [InfoFromRdv]).
func SetRdvRequest(d *Depot, r rdv.Request) error {
	if err := checkRdvRequest(r, time.Time{}); err != nil {
		return err
	}
	if err := checkSlotsWritable(FlowDepot, r.Slots); err != nil {
		return err
	}
	d.IdRdv, d.PropalRdv = r.IdRdv, parisSlots(r.Slots)
	return nil
}

func parisSlots(ss []rdv.Slot) []ticket.Slot {
	if len(ss) == 0 {
		return nil
	}
	out := make([]ticket.Slot, len(ss))
	for i, s := range ss {
		out[i] = ticket.Slot{Debut: s.Debut.In(ticket.Paris), Fin: s.Fin.In(ticket.Paris)}
	}
	return out
}

// checkRdvRequest applies the rules of a deposit's appointment.
func checkRdvRequest(r rdv.Request, now time.Time) error {
	switch {
	case utf8.RuneCountInString(r.IdRdv) > maxRef:
		return rdvErr(FlowDepot, FieldIdRdv, codes.ReturnCodeBadFormat, "longer than "+itoa(maxRef)+" characters")
	case r.IdRdv != "" && len(r.Slots) > 0:
		return rdvErr(FlowDepot, FieldPropalRdv, codes.ReturnCodeUnexpected, "IdRdv and PropalRdv are mutually exclusive")
	case len(r.Slots) > 0:
		if err := rdv.CheckSlots(r.Slots, now); err != nil {
			if se, ok := errors.AsType[*rdv.SlotError](err); ok {
				return slotRdvErr(FlowDepot, se)
			}
			return err
		}
	}
	return nil
}

// checkRdvMessage applies the rules every appointment message satisfies
// whatever the ticket. decoded says the message comes from a line, whose
// Commentaire length the validator reports; a message to write is checked
// against it.
func checkRdvMessage(m *rdv.Message, decoded bool) error {
	const f = FlowInfo
	t := m.Type
	switch {
	case t == "":
		return rdvErr(f, FieldTypeMessage, codes.ReturnCodeMissing, "")
	case !t.Valid():
		return rdvErr(f, FieldTypeMessage, codes.ReturnCodeNotInList, quoteValue(string(t)))
	case !rdv.IsRdv(t):
		return rdvErr(f, FieldTypeMessage, codes.ReturnCodeUnexpected, string(t)+" is not an appointment message")
	}
	switch {
	case m.Sender == "":
		return rdvErr(f, FieldEmetteur, codes.ReturnCodeMissing, "")
	case !m.Sender.Valid():
		return rdvErr(f, FieldEmetteur, codes.ReturnCodeNotInList, quoteValue(string(m.Sender))+" (OI or OC)")
	case !t.SentBy(m.Sender):
		return rdvErr(f, FieldTypeMessage, codes.ReturnCodeUnexpected, string(t)+" is not sent by the "+string(m.Sender))
	}
	if m.At.IsZero() {
		return rdvErr(f, FieldDateMessage, codes.ReturnCodeMissing, "the slots must follow the message's date")
	}
	if utf8.RuneCountInString(m.IdRdv) > maxRef {
		return rdvErr(f, FieldIdRdv, codes.ReturnCodeBadFormat, "longer than "+itoa(maxRef)+" characters")
	}
	if !decoded && utf8.RuneCountInString(m.Texte) > maxComment {
		return rdvErr(f, FieldCommentaire, codes.ReturnCodeBadFormat, "longer than "+itoa(maxComment)+" characters")
	}
	n := len(m.Slots)
	if n > 0 && m.IdRdv != "" && (t != codes.TypeMessageConfirmationRdv || n > 1) {
		// Only a CONFIRMATION RDV of a booked slot names both: the booking
		// id and the one slot it confirms.
		return rdvErr(f, FieldPropalRdv, codes.ReturnCodeUnexpected, "IdRdv and PropalRdv are mutually exclusive"+
			" outside a CONFIRMATION RDV of one booked slot")
	}
	switch t {
	case codes.TypeMessageDemandeRdv:
		if n > 0 {
			return rdvErr(f, FieldPropalRdv, codes.ReturnCodeUnexpected, "a DEMANDE RDV asks for slots and carries none")
		}
		return nil
	case codes.TypeMessagePropositionRdv:
		if n == 0 {
			return rdvErr(f, FieldPropalRdv, codes.ReturnCodeMissing, "a PROPOSITION RDV carries 1 to 3 slots")
		}
	case codes.TypeMessageConfirmationRdv:
		switch {
		case n == 0:
			return rdvErr(f, FieldPropalRdv, codes.ReturnCodeMissing, "a CONFIRMATION RDV carries the slot")
		case n > 1:
			return slotRdvErr(f, &rdv.SlotError{Rule: rdv.RuleCount,
				Detail: itoa(n) + " slots, a CONFIRMATION RDV carries exactly one"})
		}
	case codes.TypeMessageReponseRdv:
		if n == 0 {
			return nil
		}
	}
	if err := rdv.CheckSlots(m.Slots, m.At); err != nil {
		if se, ok := errors.AsType[*rdv.SlotError](err); ok {
			return slotRdvErr(f, se)
		}
		return err
	}
	return nil
}

// checkSlotsWritable refuses a slot PropalRdv cannot carry exactly.
func checkSlotsWritable(f Flow, ss []rdv.Slot) error {
	var days dayCache
	for i, s := range ss {
		text, ok := slotWire(s)
		if ok {
			back, _, parsed := parseSlots(text, &days)
			ok = parsed && len(back) == 1 && rdv.SameSlot(back[0], s)
		}
		if !ok {
			return slotRdvErr(f, &rdv.SlotError{Index: i + 1, Slot: s, Rule: rdv.RuleFormat,
				Detail: "not expressible as AAAAMMJJHHMM-HHMM in Europe/Paris wall-clock time"})
		}
	}
	return nil
}
