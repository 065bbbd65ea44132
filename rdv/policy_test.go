package rdv

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// now is Monday 30 November 2026, 10:00 in Paris.
var now = time.Date(2026, 11, 30, 10, 0, 0, 0, ticket.Paris)

// at returns the slot of day d of December 2026 from h1:00 to h2:00, Paris.
func at(d, h1, h2 int) Slot {
	return Slot{Debut: time.Date(2026, 12, d, h1, 0, 0, 0, ticket.Paris),
		Fin: time.Date(2026, 12, d, h2, 0, 0, 0, ticket.Paris)}
}

func TestPolicyCheck(t *testing.T) {
	utc := func(s Slot) Slot { return Slot{Debut: s.Debut.UTC(), Fin: s.Fin.UTC()} }
	tests := []struct {
		name   string
		slots  []Slot
		rule   Rule
		index  int
		code   codes.ReturnCode
		policy func(*Policy)
	}{
		{name: "one slot tomorrow", slots: []Slot{at(1, 8, 10)}},
		{name: "three slots", slots: []Slot{at(1, 8, 10), at(1, 10, 12), at(2, 14, 18)}},
		{name: "same instant in UTC", slots: []Slot{utc(at(1, 8, 10))}},
		{name: "up to closing", slots: []Slot{at(5, 15, 19)}},
		{name: "none", slots: nil, rule: RuleCount, code: 3},
		{name: "more than three", slots: []Slot{at(1, 8, 9), at(1, 9, 10), at(1, 10, 11), at(1, 11, 12)},
			rule: RuleCount, code: 3},
		{name: "no end", slots: []Slot{{Debut: at(1, 8, 9).Debut}}, rule: RuleFormat, index: 1, code: 3},
		{name: "end before start", slots: []Slot{at(1, 8, 10), {Debut: at(1, 12, 13).Fin, Fin: at(1, 12, 13).Debut}},
			rule: RuleOrder, index: 2, code: 13},
		{name: "empty slot", slots: []Slot{at(1, 9, 9)}, rule: RuleOrder, index: 1, code: 13},
		{name: "in the past", slots: []Slot{at(1, 8, 10), {Debut: now.Add(-3 * time.Hour), Fin: now.Add(-time.Hour)}},
			rule: RulePast, index: 2, code: 13},
		{name: "overlapping", slots: []Slot{at(1, 8, 10), at(1, 9, 11)}, rule: RuleOverlap, index: 2, code: 13},
		{name: "repeated", slots: []Slot{at(1, 8, 10), at(2, 8, 10), utc(at(1, 8, 10))}, rule: RuleOverlap, index: 3,
			code: 13},
		{name: "today, before lead time", slots: []Slot{{Debut: now.Add(2 * time.Hour), Fin: now.Add(4 * time.Hour)}},
			rule: RuleLeadTime, index: 1, code: 13},
		{name: "today allowed with LeadDays 0", slots: []Slot{{Debut: now.Add(2 * time.Hour), Fin: now.Add(4 * time.Hour)}},
			policy: func(p *Policy) { p.LeadDays = 0 }},
		{name: "before opening", slots: []Slot{at(1, 7, 9)}, rule: RuleOpeningHours, index: 1, code: 13},
		{name: "after closing", slots: []Slot{at(1, 17, 20)}, rule: RuleOpeningHours, index: 1, code: 13},
		{name: "sunday", slots: []Slot{at(6, 9, 11)}, rule: RuleOpeningHours, index: 1, code: 13},
		{name: "sunday opened", slots: []Slot{at(6, 9, 11)}, policy: func(p *Policy) { p.Days = nil }},
		{name: "over midnight", slots: []Slot{{Debut: at(1, 18, 19).Debut, Fin: at(2, 8, 9).Debut}},
			rule: RuleOpeningHours, index: 1, code: 13},
		{name: "too short", slots: []Slot{{Debut: at(1, 8, 9).Debut, Fin: at(1, 8, 9).Debut.Add(30 * time.Minute)}},
			rule: RuleTooShort, index: 1, code: 13},
		{name: "too long", slots: []Slot{at(1, 8, 10), at(2, 8, 13)}, rule: RuleTooLong, index: 2, code: 13},
		{name: "long allowed without max", slots: []Slot{at(2, 8, 13)}, policy: func(p *Policy) { p.MaxLength = 0 }},
		{name: "zero policy checks structure only", slots: []Slot{at(6, 2, 23)},
			policy: func(p *Policy) { *p = Policy{} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultPolicy()
			if tc.policy != nil {
				tc.policy(&p)
			}
			err := p.Check(tc.slots, now)
			if tc.rule == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.ErrorIs(t, err, tc.rule)
			se, ok := errors.AsType[*SlotError](err)
			require.True(t, ok, "want a *SlotError, got %T", err)
			require.Equal(t, tc.index, se.Index, "slot named")
			require.Equal(t, tc.code, se.Code())
			code, ok := ReturnCode(err)
			require.True(t, ok)
			require.Equal(t, tc.code, code)
			require.Contains(t, err.Error(), tc.rule.String())
		})
	}
}

func TestPolicyDST(t *testing.T) {
	// Sunday 28 March 2027 is the change to summer time; Monday 29 opens at
	// 08:00 CEST (06:00 UTC).
	p := DefaultPolicy()
	s := Slot{Debut: time.Date(2027, 3, 29, 6, 0, 0, 0, time.UTC), Fin: time.Date(2027, 3, 29, 8, 0, 0, 0, time.UTC)}
	require.NoError(t, p.CheckSlot(s, time.Date(2027, 3, 26, 12, 0, 0, 0, time.UTC)))
	s.Debut = s.Debut.Add(-time.Hour)
	require.ErrorIs(t, p.CheckSlot(s, time.Date(2027, 3, 26, 12, 0, 0, 0, time.UTC)), RuleOpeningHours)
}

func TestPolicyHours(t *testing.T) {
	p := DefaultPolicy()
	require.Equal(t, "Mon–Sat 08:00–19:00 Europe/Paris", p.Hours())
	p.Days = []time.Weekday{time.Saturday, time.Monday}
	require.Equal(t, "Mon,Sat 08:00–19:00 Europe/Paris", p.Hours())
	require.Equal(t, time.Date(2026, 12, 1, 0, 0, 0, 0, ticket.Paris), p.Earliest(now))
}

func TestRequestAppointment(t *testing.T) {
	require.Nil(t, Request{}.Appointment())
	require.Equal(t, ProcessNone, FromAppointment(nil).Process())
	a := &ticket.Appointment{Creneaux: []Slot{at(1, 8, 10)}}
	r := FromAppointment(a)
	require.Equal(t, ProcessManual, r.Process())
	require.Equal(t, a, r.Appointment())
	require.Equal(t, ProcessAutomatic, FromAppointment(&ticket.Appointment{IdRdv: "RDV1"}).Process())
	require.Equal(t, "manual", ProcessManual.String())
}

func TestFormatSlot(t *testing.T) {
	require.Equal(t, "2026-12-01 08:00–10:00 +01:00", FormatSlot(at(1, 8, 10)))
	require.Equal(t, "2026-12-01 18:00–2026-12-02 08:00 +01:00", FormatSlot(Slot{Debut: at(1, 18, 19).Debut,
		Fin: at(2, 8, 9).Debut}))
	require.Equal(t, "?–?", FormatSlot(Slot{}))
}
