package rdv

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/opensav/savsdk/ticket"
)

// Policy is the OI's rule for the slots it accepts or offers, applied on top
// of the structural rules where an OI engine decides (RDV.md, "Slot rules").
// Every field is a default the OI may change; a zero field disables its rule,
// so the zero Policy checks the structure only.
type Policy struct {
	// Location is the zone of the opening hours and of the lead time's days;
	// nil means [ticket.Paris].
	Location *time.Location
	// LeadDays is how many days ahead of today the first acceptable slot
	// starts: 1 (the default) allows slots from tomorrow 00:00, 0 from now.
	LeadDays int
	// Days are the opening days; empty means every day.
	Days []time.Weekday
	// Open and Close are the opening hours, as wall-clock offsets from
	// midnight (8*time.Hour for 08:00). Close zero disables the rule. A slot
	// lies within one day's opening hours.
	Open, Close time.Duration
	// MinLength and MaxLength bound a slot's length; zero disables a bound.
	MinLength, MaxLength time.Duration
}

// DefaultPolicy returns the profile's defaults: slots from the next day,
// Monday to Saturday 08:00–19:00 Europe/Paris, lasting 1 h to 4 h.
func DefaultPolicy() Policy {
	return Policy{
		Location:  ticket.Paris,
		LeadDays:  1,
		Days:      []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
		Open:      8 * time.Hour,
		Close:     19 * time.Hour,
		MinLength: time.Hour,
		MaxLength: 4 * time.Hour,
	}
}

func (p *Policy) loc() *time.Location {
	if p.Location == nil {
		return ticket.Paris
	}
	return p.Location
}

// Check applies the structural rules ([CheckSlots]) and then the policy to
// each slot of a proposal, in order, and returns the first breach as a
// [*SlotError] naming the slot and the rule, or nil.
func (p *Policy) Check(slots []Slot, now time.Time) error {
	if err := CheckSlots(slots, now); err != nil {
		return err
	}
	for i, s := range slots {
		if err := p.check(i+1, s, now); err != nil {
			return err
		}
	}
	return nil
}

// CheckSlot applies the structural rules of one slot (format, order, future)
// and the policy to s.
func (p *Policy) CheckSlot(s Slot, now time.Time) error {
	if err := checkSlot(1, s, now); err != nil {
		return err
	}
	return p.check(1, s, now)
}

// Earliest returns the first instant a slot may start under the lead time.
func (p *Policy) Earliest(now time.Time) time.Time {
	if p.LeadDays <= 0 {
		return now
	}
	n := now.In(p.loc())
	return time.Date(n.Year(), n.Month(), n.Day()+p.LeadDays, 0, 0, 0, 0, p.loc())
}

// OpenOn reports whether d is an opening day.
func (p *Policy) OpenOn(d time.Weekday) bool {
	return len(p.Days) == 0 || slices.Contains(p.Days, d)
}

func (p *Policy) check(index int, s Slot, now time.Time) error {
	if p.LeadDays > 0 && !now.IsZero() {
		if e := p.Earliest(now); s.Debut.Before(e) {
			return &SlotError{Index: index, Slot: s, Rule: RuleLeadTime,
				Detail: "first acceptable start is " + e.Format("2006-01-02 15:04 -07:00")}
		}
	}
	if !p.within(s) {
		return &SlotError{Index: index, Slot: s, Rule: RuleOpeningHours, Detail: "opening hours " + p.Hours()}
	}
	l := s.Fin.Sub(s.Debut)
	if p.MinLength > 0 && l < p.MinLength {
		return &SlotError{Index: index, Slot: s, Rule: RuleTooShort,
			Detail: fmt.Sprintf("lasts %v, at least %v", l, p.MinLength)}
	}
	if p.MaxLength > 0 && l > p.MaxLength {
		return &SlotError{Index: index, Slot: s, Rule: RuleTooLong,
			Detail: fmt.Sprintf("lasts %v, at most %v", l, p.MaxLength)}
	}
	return nil
}

// within reports whether s lies within one day's opening hours.
func (p *Policy) within(s Slot) bool {
	loc := p.loc()
	b, e := s.Debut.In(loc), s.Fin.In(loc)
	if !p.OpenOn(b.Weekday()) {
		return false
	}
	if p.Close <= 0 {
		return true
	}
	open := wall(b, p.Open, loc)
	closing := wall(b, p.Close, loc)
	return !b.Before(open) && !e.After(closing)
}

// wall returns the instant of the wall-clock offset d after midnight of
// day's date, so 08:00 stays 08:00 on the days the clocks change.
func wall(day time.Time, d time.Duration, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute),
		int(d%time.Minute/time.Second), 0, loc)
}

// Hours describes the opening days and hours, e.g. "Mon–Sat 08:00–19:00
// Europe/Paris".
func (p *Policy) Hours() string {
	var days string
	switch {
	case len(p.Days) == 0:
		days = "every day"
	default:
		ds := slices.Clone(p.Days)
		slices.SortFunc(ds, func(a, b time.Weekday) int { return int((a+6)%7) - int((b+6)%7) })
		names := make([]string, len(ds))
		for i, d := range ds {
			names[i] = d.String()[:3]
		}
		days = strings.Join(names, ",")
		if contiguous(ds) && len(ds) > 2 {
			days = names[0] + "–" + names[len(names)-1]
		}
	}
	if p.Close <= 0 {
		return days + " " + p.loc().String()
	}
	return fmt.Sprintf("%s %s–%s %s", days, clock(p.Open), clock(p.Close), p.loc())
}

func contiguous(ds []time.Weekday) bool {
	for i := 1; i < len(ds); i++ {
		if (ds[i]+6)%7 != (ds[i-1]+6)%7+1 {
			return false
		}
	}
	return true
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}
