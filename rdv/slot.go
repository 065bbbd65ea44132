package rdv

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Slot is a time range at the customer's home, the same value the ticket
// carries (v1a PropalRdv items, v2 sav:rdv/creneau, the web service's
// CreneauType), so a ticket's appointment converts without copying.
type Slot = ticket.Slot

// MaxSlots is the largest number of slots a proposal carries.
const MaxSlots = ticket.MaxSlots

// FieldPropalRdv is the protocol field slot errors name unless the caller
// sets another one.
const FieldPropalRdv = "PropalRdv"

// Process is how an appointment is obtained.
type Process int

// Appointment processes (RDV.md).
const (
	// ProcessNone: no appointment yet.
	ProcessNone Process = iota
	// ProcessManual: the OC proposes 1–3 slots, the OI keeps one or asks
	// for others.
	ProcessManual
	// ProcessAutomatic: the OC books a slot through the Plan de charge web
	// service and files the ticket with the booking id.
	ProcessAutomatic
)

func (p Process) String() string {
	switch p {
	case ProcessNone:
		return "none"
	case ProcessManual:
		return "manual"
	case ProcessAutomatic:
		return "automatic"
	}
	return fmt.Sprintf("Process(%d)", int(p))
}

// Request is an appointment as a deposit or a message carries it: either a
// booking id (automatic process) or 1–3 proposed slots (manual process).
type Request struct {
	// IdRdv is the booking id the Plan de charge web service returned
	// (v1a IdRdv, v2 sav:rdv/idRdv, idRendezvous on the service).
	IdRdv string
	// Slots are the proposed slots.
	Slots []Slot
}

// FromAppointment converts a ticket's appointment reference; nil gives the
// zero Request.
func FromAppointment(a *ticket.Appointment) Request {
	if a == nil {
		return Request{}
	}
	return Request{IdRdv: a.IdRdv, Slots: slices.Clone(a.Creneaux)}
}

// Appointment converts r back to the ticket's form; the zero Request gives
// nil.
func (r Request) Appointment() *ticket.Appointment {
	if r.IdRdv == "" && len(r.Slots) == 0 {
		return nil
	}
	return &ticket.Appointment{IdRdv: r.IdRdv, Creneaux: slices.Clone(r.Slots)}
}

// Process tells which process r belongs to.
func (r Request) Process() Process {
	switch {
	case r.IdRdv != "":
		return ProcessAutomatic
	case len(r.Slots) > 0:
		return ProcessManual
	}
	return ProcessNone
}

// Rule is a slot rule. It is also an error value: a [*SlotError] unwraps to
// the rule it breaks, so errors.Is(err, rdv.RuleOverlap) tells which one.
type Rule int

// Slot rules. Structural rules hold everywhere; the policy rules are the
// OI's ([Policy]).
const (
	RuleCount        Rule = iota + 1 // 1 to 3 slots (exactly one for a confirmation); code 3
	RuleFormat                       // a start and an end are given; code 3
	RuleOrder                        // the end is after the start; code 13
	RulePast                         // the slot starts after the reference time; code 13
	RuleOverlap                      // slots are distinct and do not overlap; code 13
	RuleLeadTime                     // policy: the slot starts no earlier than the lead time allows; code 13
	RuleOpeningHours                 // policy: the slot lies within one day's opening hours; code 13
	RuleTooShort                     // policy: the slot lasts at least the minimum length; code 13
	RuleTooLong                      // policy: the slot lasts at most the maximum length; code 13
	RuleNotProposed                  // a confirmation or a pick names a slot that was proposed; code 13
)

var ruleText = [...]string{
	RuleCount:        "wrong number of slots",
	RuleFormat:       "slot without a start or an end",
	RuleOrder:        "slot does not end after it starts",
	RulePast:         "slot in the past",
	RuleOverlap:      "slots overlap or repeat",
	RuleLeadTime:     "slot earlier than the lead time allows",
	RuleOpeningHours: "slot outside opening hours",
	RuleTooShort:     "slot too short",
	RuleTooLong:      "slot too long",
	RuleNotProposed:  "slot never proposed",
}

// Error returns the rule's description; it makes Rule usable with errors.Is.
func (r Rule) Error() string {
	if r > 0 && int(r) < len(ruleText) {
		return "rdv: " + ruleText[r]
	}
	return fmt.Sprintf("rdv: Rule(%d)", int(r))
}

func (r Rule) String() string {
	if r > 0 && int(r) < len(ruleText) {
		return ruleText[r]
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// Code returns the return code a breach of r is answered with: 3 (INFO
// XXXXX INCORRECTE - FORMAT INVALIDE) for the count and the format, 13 (HORS
// VALEURS ATTENDUES) for the others.
func (r Rule) Code() codes.ReturnCode {
	if r == RuleCount || r == RuleFormat {
		return codes.ReturnCodeBadFormat
	}
	return codes.ReturnCodeUnexpected
}

// SlotError is a slot or a list of slots that breaks a [Rule]. It names the
// slot (its position from 1 and its times), the rule and, for an overlap, the
// other slot.
type SlotError struct {
	Field  string // protocol field, FieldPropalRdv unless the caller says otherwise
	Index  int    // position of the slot from 1; 0 when the rule is about the list (count)
	Slot   Slot   // the offending slot (zero for a count error)
	Other  int    // for RuleOverlap, the position of the earlier slot it overlaps
	Rule   Rule
	Detail string // the bound that was broken, e.g. "opening hours Mon–Sat 08:00–19:00"
}

// Code returns the protocol return code of the breach.
func (e *SlotError) Code() codes.ReturnCode { return e.Rule.Code() }

func (e *SlotError) Error() string {
	field := e.Field
	if field == "" {
		field = FieldPropalRdv
	}
	s := "rdv: "
	if e.Index > 0 {
		s += fmt.Sprintf("slot %d (%s): ", e.Index, FormatSlot(e.Slot))
	}
	s += e.Rule.String()
	if e.Other > 0 {
		s += fmt.Sprintf(" (slot %d)", e.Other)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s + fmt.Sprintf(" [%d %s]", int(e.Code()), e.Code().Message(field))
}

// Unwrap returns the broken [Rule].
func (e *SlotError) Unwrap() error { return e.Rule }

// FormatSlot writes a slot for people: "2026-12-01 08:00–10:00 +01:00", or
// with both dates when it spans midnight.
func FormatSlot(s Slot) string {
	if s.Debut.IsZero() || s.Fin.IsZero() {
		return fmt.Sprintf("%s–%s", fmtTime(s.Debut, "2006-01-02 15:04"), fmtTime(s.Fin, "2006-01-02 15:04"))
	}
	f := s.Fin.In(s.Debut.Location())
	if y, m, d := s.Debut.Date(); f.Year() == y && f.Month() == m && f.Day() == d {
		return s.Debut.Format("2006-01-02 15:04") + "–" + f.Format("15:04 -07:00")
	}
	return s.Debut.Format("2006-01-02 15:04") + "–" + f.Format("2006-01-02 15:04 -07:00")
}

func fmtTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "?"
	}
	return t.Format(layout)
}

// SameSlot reports whether a and b are the same time range, whatever their
// zones.
func SameSlot(a, b Slot) bool { return a.Debut.Equal(b.Debut) && a.Fin.Equal(b.Fin) }

// Overlap reports whether a and b share some time.
func Overlap(a, b Slot) bool { return a.Debut.Before(b.Fin) && b.Debut.Before(a.Fin) }

// CheckSlots applies the structural rules every side checks to a proposal:
// 1 to 3 slots, each with a start and an end, ending after it starts,
// starting after now, none repeating or overlapping another. A zero now skips
// the rule on the past. It returns the first breach as a [*SlotError], or nil.
func CheckSlots(slots []Slot, now time.Time) error {
	return checkSlots(slots, now, 1, MaxSlots)
}

func checkSlots(slots []Slot, now time.Time, min, max int) error {
	if len(slots) < min || len(slots) > max {
		d := fmt.Sprintf("%d given, want 1 to %d", len(slots), max)
		if min == max {
			d = fmt.Sprintf("%d given, want exactly %d", len(slots), min)
		}
		return &SlotError{Rule: RuleCount, Detail: d}
	}
	for i, s := range slots {
		if err := checkSlot(i+1, s, now); err != nil {
			return err
		}
		for j, o := range slots[:i] {
			if Overlap(s, o) {
				return &SlotError{Index: i + 1, Slot: s, Other: j + 1, Rule: RuleOverlap}
			}
		}
	}
	return nil
}

func checkSlot(index int, s Slot, now time.Time) error {
	switch {
	case s.Debut.IsZero() || s.Fin.IsZero():
		return &SlotError{Index: index, Slot: s, Rule: RuleFormat}
	case !s.Fin.After(s.Debut):
		return &SlotError{Index: index, Slot: s, Rule: RuleOrder}
	case !now.IsZero() && !s.Debut.After(now):
		return &SlotError{Index: index, Slot: s, Rule: RulePast, Detail: "now is " + now.Format(time.RFC3339)}
	}
	return nil
}

// ReturnCode returns the return code of err when it is or wraps a
// [*SlotError] or a [*NegotiationError].
func ReturnCode(err error) (codes.ReturnCode, bool) {
	if ne, ok := errors.AsType[*NegotiationError](err); ok {
		return ne.Code, true
	}
	if se, ok := errors.AsType[*SlotError](err); ok {
		return se.Code(), true
	}
	return 0, false
}
