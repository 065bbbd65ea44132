package v2

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

// ErrRdv classifies every [*RdvError]; test with errors.Is.
var ErrRdv = errors.New("v2: appointment elements refused")

// maxIDRdv is the longest booking id, as protocol 1.0a's IdRdv column
// (V1A.md), so that an appointment crosses the gateway.
const maxIDRdv = 50

// RdvError reports the appointment elements of a request — sav:message and
// sav:rdv of a setTroubleTicketByValueRequest, sav:rdv of a
// createTroubleTicketByValueRequest — breaking a rule of RDV.md, or an
// appointment that cannot be written in them. It names the element (its
// local name, e.g. "type", "rdv", "creneau"), the return code and the rule:
// 1 for a missing element (sav:transaction, sav:message and its type and
// date, the slots of a PROPOSITION RDV or a CONFIRMATION RDV, the key and
// operator codes), 2 for a value outside its list, 3 for a wrong format or
// number of slots (1 to 3, exactly one for a CONFIRMATION RDV), 13 for a
// value not acceptable in context (a transaction that carries no message, a
// message that is no appointment message or that its sender may not send, a
// slot ending before it starts, in the past, repeated or overlapping, slots
// in a DEMANDE RDV, a booking id and slots together in a deposit or in a
// message other than a CONFIRMATION RDV of one booked slot). The codes
// are those protocol 1.0a gives the same message (package v1a).
type RdvError struct {
	Field  string // the element's local name
	Code   codes.ReturnCode
	Reason string
	// Slot is the slot rule broken, if any; it is also reachable with
	// errors.As and errors.Is(err, rdv.RuleOverlap).
	Slot *rdv.SlotError
}

func (e *RdvError) Error() string {
	s := "v2: " + e.Field + ": " + strconv.Itoa(int(e.Code)) + " " + e.Code.Message(e.Field)
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

// Finding returns the error as a [Finding] (line unknown), the form a
// server answers in its fault.
func (e *RdvError) Finding() Finding {
	return Finding{Field: e.Field, Code: e.Code, Message: e.Code.Message(e.Field), Reason: e.Reason}
}

func rdvErr(field string, code codes.ReturnCode, reason string) *RdvError {
	return &RdvError{Field: field, Code: code, Reason: reason}
}

// slotRdvErr turns a slot rule into an error on sav:creneau (one slot) or
// sav:rdv (the list).
func slotRdvErr(se *rdv.SlotError) *RdvError {
	field := "rdv"
	if se.Index > 0 {
		field = "creneau"
	}
	se.Field = field
	reason := strings.TrimPrefix(se.Error(), "rdv: ")
	if i := strings.LastIndex(reason, " ["); i >= 0 {
		reason = reason[:i] // the code and its message, which the error repeats
	}
	return &RdvError{Field: field, Code: se.Code(), Reason: reason, Slot: se}
}

// RdvMessage returns the appointment message a setTroubleTicketByValueRequest
// carries: the sender its sav:transaction gives (CASE SOLVING NOTIFICATION
// and SU CASE INFORMATION NOTIFICATION: the OI; CO CASE INFORMATION
// NOTIFICATION: the OC), the time (tt:lastUpdateTime, else
// sav:message/sav:date, as [rdv.FromTransaction] reads it), the type and text
// of sav:message, and sav:rdv's booking id and slots. Times are returned in
// the profile's zone (Europe/Paris by default); the instants are those of
// the document. sav:etatResolution and the other elements are not part of the
// message: [SetTroubleTicketByValueRequest.Transaction] reads them, and
// [rdv.Advance] sets the resolution sub-state an appointment message implies.
//
// It checks what the message must satisfy on any ticket and returns an
// [*RdvError] naming the element and the rule otherwise: an appointment
// message type its sender may send, a time, and slots as the type wants
// them (none for a DEMANDE RDV; 1 to 3 for a PROPOSITION RDV; exactly one
// for a CONFIRMATION RDV; a REPONSE RDV's follow the same structural rules),
// starting after the message's time, and not both a booking id and slots
// (13) except in a CONFIRMATION RDV of a booked slot, which names the
// booking id and the one slot it confirms, so the negotiation checks it is
// the right booking.
// Whether the message is expected now is the negotiation's question
// ([rdv.Negotiation.Apply]).
func (r *SetTroubleTicketByValueRequest) RdvMessage(p *Profile) (rdv.Message, error) {
	p = p.orDefault()
	v := &r.Value
	if v.SAV == nil || !v.SAV.Transaction.IsPresent() {
		return rdv.Message{}, rdvErr("transaction", codes.ReturnCodeMissing, "")
	}
	s := v.SAV
	kind, err := s.Kind()
	if err != nil {
		return rdv.Message{}, rdvErr("transaction", codes.ReturnCodeNotInList, rdvQuote(s.Transaction.Value))
	}
	switch kind {
	case ticket.KindCaseSolving, ticket.KindSUInformation, ticket.KindCOInformation:
	default:
		return rdv.Message{}, rdvErr("transaction", codes.ReturnCodeUnexpected, kind.String()+" carries no message")
	}
	im, ok := s.Message.Get()
	if !ok {
		return rdv.Message{}, rdvErr("message", codes.ReturnCodeMissing, "")
	}
	typ := im.Type
	if t, ok := p.TypeMessageAliases.Lookup(strings.TrimSpace(string(typ))); !typ.Valid() && ok {
		typ = t
	}
	m := rdv.Message{Type: typ, Sender: ticket.SenderOf(kind), Texte: im.Texte}
	m.At = v.LastUpdateTime.Or(im.Date)
	if !m.At.IsZero() {
		m.At = m.At.In(p.Location)
	}
	if a, ok := s.Rdv.Get(); ok {
		m.IdRdv = a.IDRdv
		m.Slots = creneauxSlots(a.Creneaux, p.Location)
	}
	if err := checkRdvMessage(&m); err != nil {
		return rdv.Message{}, err
	}
	return m, nil
}

// NewRdvSetRequest returns the setTroubleTicketByValueRequest that carries
// appointment message m about ticket t (as its sender sees it): the key is
// t's OI id, the operator codes t's, co:lastUpdateVersionNumber t's version,
// and sav:transaction, sav:etatResolution and sav:message are those of
// [rdv.Message.Transaction] (the OI's first answer to a Queued ticket is its
// CASE SOLVING NOTIFICATION; a CONFIRMATION RDV sets ACTION PLANIFIEE).
// sav:rdv carries m's slots, or its booking id when it has none, or both
// for a CONFIRMATION RDV of a booked slot.
//
// It refuses, as an [*RdvError], what [SetTroubleTicketByValueRequest.RdvMessage]
// would refuse on the other side, and a ticket without its key or operator
// codes.
func NewRdvSetRequest(t *ticket.Ticket, m rdv.Message, p *Profile) (*SetTroubleTicketByValueRequest, error) {
	switch {
	case t == nil || t.ReferenceSigSAVOI == "":
		return nil, rdvErr("troubleTicketKey", codes.ReturnCodeMissing, "the ticket has no OI id")
	case t.CodeOC == "":
		return nil, rdvErr("codeOC", codes.ReturnCodeMissing, "")
	case t.CodeOI == "":
		return nil, rdvErr("codeOI", codes.ReturnCodeMissing, "")
	}
	if err := checkRdvMessage(&m); err != nil {
		return nil, err
	}
	tx := m.Transaction(t)
	tx.Version = t.Version
	tx.Rdv = rdv.Request{IdRdv: m.IdRdv, Slots: m.Slots}.Appointment()
	return NewSetRequest(t.ReferenceSigSAVOI, t.CodeOC, t.CodeOI, &tx, p)
}

// RdvRequest returns the appointment of a deposit: sav:rdv's booking id
// (automatic process) or slots (manual process), in the profile's zone, or
// the zero Request when sav:rdv is absent or nil. It returns an [*RdvError]
// when both are given (13, on rdv), when the booking id is longer than 50
// characters (3, on idRdv) or when the slots break a structural rule: 1 to 3
// (3), each with a start and an end, ending after it starts, starting after
// now, none repeated or overlapping (13, on creneau). A zero now skips the
// rule on the past. Start a negotiation from it with [rdv.Deposit].
func (r *CreateTroubleTicketByValueRequest) RdvRequest(p *Profile, now time.Time) (rdv.Request, error) {
	p = p.orDefault()
	if r.Value.SAV == nil {
		return rdv.Request{}, nil
	}
	a, ok := r.Value.SAV.Rdv.Get()
	if !ok {
		return rdv.Request{}, nil
	}
	req := rdv.Request{IdRdv: a.IDRdv, Slots: creneauxSlots(a.Creneaux, p.Location)}
	if err := checkRdvRequest(req, now); err != nil {
		return rdv.Request{}, err
	}
	return req, nil
}

// SetRdvRequest stores appointment req in the deposit's sav:rdv, replacing
// what it held; the zero Request removes it. It refuses, as an [*RdvError]
// and leaving r untouched, what [CreateTroubleTicketByValueRequest.RdvRequest]
// would refuse (the rule on the past aside).
func (r *CreateTroubleTicketByValueRequest) SetRdvRequest(req rdv.Request) error {
	if err := checkRdvRequest(req, time.Time{}); err != nil {
		return err
	}
	if r.Value.SAV == nil {
		r.Value.SAV = &SAVExtension{}
	}
	r.Value.SAV.Rdv = rdvOf(req.Appointment())
	return nil
}

func rdvQuote(s string) string { return strconv.Quote(s) }

// creneauxSlots converts sav:creneau elements to slots in zone loc.
func creneauxSlots(cs []Creneau, loc *time.Location) []rdv.Slot {
	if len(cs) == 0 {
		return nil
	}
	out := make([]rdv.Slot, len(cs))
	for i, c := range cs {
		out[i] = rdv.Slot{Debut: rdvInZone(c.Debut, loc), Fin: rdvInZone(c.Fin, loc)}
	}
	return out
}

func rdvInZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}

// checkRdvRequest applies the rules of a deposit's appointment.
func checkRdvRequest(r rdv.Request, now time.Time) error {
	switch {
	case utf8.RuneCountInString(r.IdRdv) > maxIDRdv:
		return rdvErr("idRdv", codes.ReturnCodeBadFormat, "longer than "+strconv.Itoa(maxIDRdv)+" characters")
	case r.IdRdv != "" && len(r.Slots) > 0:
		return rdvErr("rdv", codes.ReturnCodeUnexpected, "a booking id and proposed slots are mutually exclusive")
	case len(r.Slots) > 0:
		return rdvSlotsErr(rdv.CheckSlots(r.Slots, now))
	}
	return nil
}

func rdvSlotsErr(err error) error {
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*rdv.SlotError](err); ok {
		return slotRdvErr(se)
	}
	return err
}

// checkRdvMessage applies the rules every appointment message satisfies
// whatever the ticket, with the codes protocol 1.0a gives them.
func checkRdvMessage(m *rdv.Message) error {
	t := m.Type
	switch {
	case t == "":
		return rdvErr("type", codes.ReturnCodeMissing, "")
	case !t.Valid():
		return rdvErr("type", codes.ReturnCodeNotInList, rdvQuote(string(t)))
	case !rdv.IsRdv(t):
		return rdvErr("type", codes.ReturnCodeUnexpected, string(t)+" is not an appointment message")
	}
	switch {
	case m.Sender == "":
		return rdvErr("transaction", codes.ReturnCodeMissing, "no sender")
	case !m.Sender.Valid():
		return rdvErr("transaction", codes.ReturnCodeNotInList, rdvQuote(string(m.Sender))+" (OI or OC)")
	case !t.SentBy(m.Sender):
		return rdvErr("type", codes.ReturnCodeUnexpected, string(t)+" is not sent by the "+string(m.Sender))
	}
	if m.At.IsZero() {
		return rdvErr("date", codes.ReturnCodeMissing, "the slots must follow the message's date")
	}
	if utf8.RuneCountInString(m.IdRdv) > maxIDRdv {
		return rdvErr("idRdv", codes.ReturnCodeBadFormat, "longer than "+strconv.Itoa(maxIDRdv)+" characters")
	}
	n := len(m.Slots)
	if n > 0 && m.IdRdv != "" && (t != codes.TypeMessageConfirmationRdv || n > 1) {
		// Only a CONFIRMATION RDV of a booked slot names both: the booking
		// id and the one slot it confirms.
		return rdvErr("rdv", codes.ReturnCodeUnexpected, "a booking id and slots are mutually exclusive"+
			" outside a CONFIRMATION RDV of one booked slot")
	}
	switch t {
	case codes.TypeMessageDemandeRdv:
		if n > 0 {
			return rdvErr("rdv", codes.ReturnCodeUnexpected, "a DEMANDE RDV asks for slots and carries none")
		}
		return nil
	case codes.TypeMessagePropositionRdv:
		if n == 0 {
			return rdvErr("creneau", codes.ReturnCodeMissing, "a PROPOSITION RDV carries 1 to 3 slots")
		}
	case codes.TypeMessageConfirmationRdv:
		switch {
		case n == 0:
			return rdvErr("creneau", codes.ReturnCodeMissing, "a CONFIRMATION RDV carries the slot")
		case n > 1:
			return slotRdvErr(&rdv.SlotError{Rule: rdv.RuleCount,
				Detail: strconv.Itoa(n) + " slots, a CONFIRMATION RDV carries exactly one"})
		}
	case codes.TypeMessageReponseRdv:
		if n == 0 {
			return nil
		}
	}
	return rdvSlotsErr(rdv.CheckSlots(m.Slots, m.At))
}
