package v1a_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

func rdvParis(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, ticket.Paris)
}

func rdvSlot(y int, mo time.Month, d, h1, m1, h2, m2 int) rdv.Slot {
	return rdv.Slot{Debut: rdvParis(y, mo, d, h1, m1), Fin: rdvParis(y, mo, d, h2, m2)}
}

// Slots of the spring change of 2027 (28 March, 02:00 → 03:00), of the
// autumn change of 2026 (25 October, 03:00 → 02:00) and one ending at
// midnight.
var (
	rdvAt       = rdvParis(2026, time.October, 20, 9, 30)
	rdvSpring   = rdvSlot(2027, time.March, 28, 1, 0, 4, 0)
	rdvAutumn   = rdvSlot(2026, time.October, 25, 1, 0, 4, 0)
	rdvMorning  = rdvSlot(2026, time.October, 26, 8, 0, 10, 0)
	rdvAfter    = rdvSlot(2026, time.October, 26, 14, 0, 18, 0)
	rdvMidnight = rdv.Slot{Debut: rdvParis(2026, time.October, 27, 20, 0), Fin: rdvParis(2026, time.October, 28, 0, 0)}
	rdvTicket   = &ticket.Ticket{Filing: ticket.Filing{ReferenceSigSAVRaccoOC: "OC-SAV-1"}, ReferenceSigSAVOI: "OI-42",
		State: ticket.StateOpenActive, EtatResolution: codes.EtatResolutionADefinir}
)

func writeInfo(t testing.TB, in *v1a.Info) string {
	t.Helper()
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, v1a.FlowInfo)
	w.Charset = v1a.UTF8
	require.NoError(t, w.Write(in))
	w.Flush()
	require.NoError(t, w.Error())
	return buf.String()
}

func readInfo(t testing.TB, file string) *v1a.Info {
	t.Helper()
	flow, recs, problems, err := v1a.ReadAll(strings.NewReader(file))
	require.NoError(t, err)
	require.Equal(t, v1a.FlowInfo, flow)
	require.Empty(t, problems)
	require.Len(t, recs, 1)
	return recs[0].(*v1a.Info)
}

// TestRdvInfoRoundTrip writes every appointment message as an INFO file,
// checks the PropalRdv text, and reads it back to the same message.
func TestRdvInfoRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		m      rdv.Message
		propal string // PropalRdv as written
		etat   codes.EtatResolution
	}{
		{"DEMANDE RDV", rdv.Message{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOI, At: rdvAt,
			Texte: "101 RDV NON DISPONIBLE"}, "", ""},
		{"DEMANDE RDV from the OC", rdv.Message{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOC, At: rdvAt},
			"", ""},
		{"PROPOSITION RDV, 1 slot", rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: rdvAt,
			Slots: []rdv.Slot{rdvMorning}}, "202610260800-1000", ""},
		{"PROPOSITION RDV, 2 slots", rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOI, At: rdvAt,
			Slots: []rdv.Slot{rdvMorning, rdvAfter}, Texte: "=créneaux du technicien"},
			"202610260800-1000|202610261400-1800", ""},
		{"PROPOSITION RDV, 3 slots over both changes of time", rdv.Message{Type: codes.TypeMessagePropositionRdv,
			Sender: codes.RoleOC, At: rdvAt, Slots: []rdv.Slot{rdvAutumn, rdvSpring, rdvMidnight}},
			"202610250100-0400|202703280100-0400|202610272000-2400", ""},
		{"REPONSE RDV with slots", rdv.Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, At: rdvAt,
			Slots: []rdv.Slot{rdvAfter, rdvMidnight}}, "202610261400-1800|202610272000-2400", ""},
		{"REPONSE RDV picking one", rdv.Message{Type: codes.TypeMessageReponseRdv, Sender: codes.RoleOC, At: rdvAt,
			Slots: []rdv.Slot{rdvAfter}}, "202610261400-1800", ""},
		{"CONFIRMATION RDV", rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: rdvAt,
			Slots: []rdv.Slot{rdvSpring}}, "202703280100-0400", codes.EtatResolutionPlanifiee},
		{"CONFIRMATION RDV of a booked slot", rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI,
			At: rdvAt, IdRdv: "RDV-2026-0042", Slots: []rdv.Slot{rdvMorning}}, "202610260800-1000",
			codes.EtatResolutionPlanifiee},
		{"DEMANDE RDV with the booking id", rdv.Message{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOI,
			At: rdvAt, IdRdv: "RDV-2026-0042", Texte: "101 RDV NON DISPONIBLE"}, "", ""},
		{"message in the repeated hour", rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC,
			At: rdvParis(2026, time.October, 25, 0, 30), Slots: []rdv.Slot{rdvAutumn}}, "202610250100-0400", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := v1a.InfoFromRdv(rdvTicket, tt.m)
			require.NoError(t, err)
			require.Equal(t, tt.etat, in.EtatResolution)
			file := writeInfo(t, in)
			line := strings.Split(file, "\r\n")[1]
			cells := strings.Split(line, ";")
			require.Len(t, cells, 12, line)
			if cells[8] != tt.propal {
				t.Errorf("PropalRdv = %q, want %q", cells[8], tt.propal)
			}
			got, err := v1a.RdvMessageOf(readInfo(t, file))
			require.NoError(t, err)
			if diff := cmp.Diff(tt.m, got); diff != "" {
				t.Errorf("message (-sent +read):\n%s", diff)
			}
			for i, s := range got.Slots {
				if s.Debut.Location() != ticket.Paris || s.Fin.Location() != ticket.Paris {
					t.Errorf("slot %d not in Europe/Paris: %v", i+1, s)
				}
				if s.Debut.String() != tt.m.Slots[i].Debut.String() || s.Fin.String() != tt.m.Slots[i].Fin.String() {
					t.Errorf("slot %d wall clock %v–%v, want %v–%v", i+1, s.Debut, s.Fin, tt.m.Slots[i].Debut,
						tt.m.Slots[i].Fin)
				}
			}
		})
	}
}

// TestRdvSlotTextDaylightSaving reads slots of the changes of time as
// their exact instants.
func TestRdvSlotTextDaylightSaving(t *testing.T) {
	const file = "ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;Emetteur;DateMessage;TypeMessage;EtatResolution;" +
		"DateIntervention;IdRdv;PropalRdv;ContactClient1;ContactClient2;Commentaire\r\n" +
		"OI-42;OC-SAV-1;OC;20261020093000;PROPOSITION RDV;;;;202703280100-0400|202610250100-0400|202610250000-0100;;;\r\n"
	m, err := v1a.RdvMessageOf(readInfo(t, file))
	require.NoError(t, err)
	want := []struct {
		debut, fin string
		length     time.Duration
	}{
		{"2027-03-28T01:00:00+01:00", "2027-03-28T04:00:00+02:00", 2 * time.Hour},
		{"2026-10-25T01:00:00+02:00", "2026-10-25T04:00:00+01:00", 4 * time.Hour},
		{"2026-10-25T00:00:00+02:00", "2026-10-25T01:00:00+02:00", time.Hour},
	}
	require.Len(t, m.Slots, len(want))
	for i, w := range want {
		s := m.Slots[i]
		if got := s.Debut.Format(time.RFC3339); got != w.debut {
			t.Errorf("slot %d starts %s, want %s", i+1, got, w.debut)
		}
		if got := s.Fin.Format(time.RFC3339); got != w.fin {
			t.Errorf("slot %d ends %s, want %s", i+1, got, w.fin)
		}
		if got := s.Fin.Sub(s.Debut); got != w.length {
			t.Errorf("slot %d lasts %v, want %v", i+1, got, w.length)
		}
	}
	in, err := v1a.InfoFromRdv(rdvTicket, m)
	require.NoError(t, err)
	if got := writeInfo(t, in); !strings.Contains(got, ";202703280100-0400|202610250100-0400|202610250000-0100;") {
		t.Errorf("written back as %q", got)
	}
}

func TestRdvMessageOfRefusals(t *testing.T) {
	base := func(mod func(*v1a.Info)) *v1a.Info {
		in := &v1a.Info{ReferenceSigSAVOI: "OI-42", ReferenceSigSAVRaccoOC: "OC-SAV-1", Emetteur: codes.RoleOC,
			DateMessage: rdvAt, TypeMessage: codes.TypeMessagePropositionRdv,
			PropalRdv: []ticket.Slot{rdvMorning}}
		mod(in)
		return in
	}
	overlap := rdvSlot(2026, time.October, 26, 9, 0, 11, 0)
	tests := []struct {
		name  string
		in    *v1a.Info
		field v1a.Field
		code  codes.ReturnCode
		rule  rdv.Rule
	}{
		{"no line", nil, v1a.FieldTypeMessage, codes.ReturnCodeMissing, 0},
		{"no type", base(func(in *v1a.Info) { in.TypeMessage = "" }), v1a.FieldTypeMessage, codes.ReturnCodeMissing, 0},
		{"unknown type", base(func(in *v1a.Info) { in.TypeMessage = "RDV ?" }), v1a.FieldTypeMessage,
			codes.ReturnCodeNotInList, 0},
		{"not an appointment message", base(func(in *v1a.Info) { in.TypeMessage = codes.TypeMessageCommentaire }),
			v1a.FieldTypeMessage, codes.ReturnCodeUnexpected, 0},
		{"no sender", base(func(in *v1a.Info) { in.Emetteur = "" }), v1a.FieldEmetteur, codes.ReturnCodeMissing, 0},
		{"unknown sender", base(func(in *v1a.Info) { in.Emetteur = "XX" }), v1a.FieldEmetteur,
			codes.ReturnCodeNotInList, 0},
		{"OC confirmation", base(func(in *v1a.Info) { in.TypeMessage = codes.TypeMessageConfirmationRdv }),
			v1a.FieldTypeMessage, codes.ReturnCodeUnexpected, 0},
		{"no date", base(func(in *v1a.Info) { in.DateMessage = time.Time{} }), v1a.FieldDateMessage,
			codes.ReturnCodeMissing, 0},
		{"booking id too long", base(func(in *v1a.Info) { in.PropalRdv, in.IdRdv = nil, strings.Repeat("x", 51) }),
			v1a.FieldIdRdv, codes.ReturnCodeBadFormat, 0},
		{"booking id and slots", base(func(in *v1a.Info) { in.IdRdv = "RDV-1" }), v1a.FieldPropalRdv,
			codes.ReturnCodeUnexpected, 0},
		{"booking id and two slots in a confirmation", base(func(in *v1a.Info) {
			in.Emetteur, in.TypeMessage, in.IdRdv = codes.RoleOI, codes.TypeMessageConfirmationRdv, "RDV-1"
			in.PropalRdv = []ticket.Slot{rdvMorning, rdvAfter}
		}), v1a.FieldPropalRdv, codes.ReturnCodeUnexpected, 0},
		{"booking id and a slot in a reponse", base(func(in *v1a.Info) {
			in.TypeMessage, in.IdRdv = codes.TypeMessageReponseRdv, "RDV-1"
		}), v1a.FieldPropalRdv, codes.ReturnCodeUnexpected, 0},
		{"proposition without slots", base(func(in *v1a.Info) { in.PropalRdv = nil }), v1a.FieldPropalRdv,
			codes.ReturnCodeMissing, 0},
		{"confirmation without slots", base(func(in *v1a.Info) {
			in.Emetteur, in.TypeMessage, in.PropalRdv = codes.RoleOI, codes.TypeMessageConfirmationRdv, nil
		}), v1a.FieldPropalRdv, codes.ReturnCodeMissing, 0},
		{"four slots", base(func(in *v1a.Info) {
			in.PropalRdv = []ticket.Slot{rdvAutumn, rdvMorning, rdvAfter, rdvMidnight}
		}), v1a.FieldPropalRdv, codes.ReturnCodeBadFormat, rdv.RuleCount},
		{"confirmation of two slots", base(func(in *v1a.Info) {
			in.Emetteur, in.TypeMessage = codes.RoleOI, codes.TypeMessageConfirmationRdv
			in.PropalRdv = []ticket.Slot{rdvMorning, rdvAfter}
		}), v1a.FieldPropalRdv, codes.ReturnCodeBadFormat, rdv.RuleCount},
		{"end before start", base(func(in *v1a.Info) {
			in.PropalRdv = []ticket.Slot{{Debut: rdvMorning.Fin, Fin: rdvMorning.Debut}}
		}), v1a.FieldPropalRdv, codes.ReturnCodeUnexpected, rdv.RuleOrder},
		{"slot before the message", base(func(in *v1a.Info) { in.DateMessage = rdvMorning.Debut.Add(time.Minute) }),
			v1a.FieldPropalRdv, codes.ReturnCodeUnexpected, rdv.RulePast},
		{"overlap", base(func(in *v1a.Info) { in.PropalRdv = []ticket.Slot{rdvMorning, overlap} }),
			v1a.FieldPropalRdv, codes.ReturnCodeUnexpected, rdv.RuleOverlap},
		{"repeated slot in a reponse", base(func(in *v1a.Info) {
			in.TypeMessage, in.PropalRdv = codes.TypeMessageReponseRdv, []ticket.Slot{rdvMorning, rdvMorning}
		}), v1a.FieldPropalRdv, codes.ReturnCodeUnexpected, rdv.RuleOverlap},
		{"demande with slots", base(func(in *v1a.Info) { in.TypeMessage = codes.TypeMessageDemandeRdv }),
			v1a.FieldPropalRdv, codes.ReturnCodeUnexpected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v1a.RdvMessageOf(tt.in)
			checkRdvError(t, err, v1a.FlowInfo, tt.field, tt.code, tt.rule)
		})
	}
}

// TestRdvMessageOfSpellings reads the seed's spellings and a lower-case
// Emetteur as the canonical values.
func TestRdvMessageOfSpellings(t *testing.T) {
	in := &v1a.Info{ReferenceSigSAVOI: "OI-42", ReferenceSigSAVRaccoOC: "OC-SAV-1", Emetteur: "oc",
		DateMessage: rdvAt, TypeMessage: "Proposition de rdv", PropalRdv: []ticket.Slot{rdvMorning}}
	m, err := v1a.RdvMessageOf(in)
	require.NoError(t, err)
	require.Equal(t, codes.TypeMessagePropositionRdv, m.Type)
	require.Equal(t, codes.RoleOC, m.Sender)
	m.Slots[0] = rdvAfter
	require.Equal(t, rdvMorning, in.PropalRdv[0], "the message shares nothing with the line")
}

func checkRdvError(t *testing.T, err error, flow v1a.Flow, field v1a.Field, code codes.ReturnCode, rule rdv.Rule) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, v1a.ErrRdv)
	e, ok := errors.AsType[*v1a.RdvError](err)
	require.True(t, ok, "%T", err)
	if e.Flow != flow || e.Field != field || e.Code != code {
		t.Errorf("got %s %s %d, want %s %s %d: %v", e.Flow, e.Field, e.Code, flow, field, code, err)
	}
	if !strings.Contains(err.Error(), string(field)) {
		t.Errorf("%q does not name %s", err, field)
	}
	f := e.Finding(7)
	if f.Line != 7 || f.Field != string(field) || f.Code != code || !strings.HasPrefix(f.Message, code.Message(string(field))) {
		t.Errorf("finding %v", f)
	}
	if rule == 0 {
		if e.Slot != nil {
			t.Errorf("unexpected slot rule %v", e.Slot.Rule)
		}
		return
	}
	if !errors.Is(err, rule) {
		t.Errorf("%v is not %v", err, rule)
	}
	if got, ok := rdv.ReturnCode(err); !ok || got != code {
		t.Errorf("rdv.ReturnCode = %d, %v", got, ok)
	}
	if strings.Count(err.Error(), code.Message(string(field))) != 1 {
		t.Errorf("%q repeats the code's message", err)
	}
}

func TestInfoFromRdvRefusals(t *testing.T) {
	ok := rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: rdvAt,
		Slots: []rdv.Slot{rdvMorning}}
	with := func(mod func(*rdv.Message)) rdv.Message {
		m := ok
		mod(&m)
		return m
	}
	tests := []struct {
		name  string
		t     *ticket.Ticket
		m     rdv.Message
		field v1a.Field
		code  codes.ReturnCode
		rule  rdv.Rule
	}{
		{"no ticket", nil, ok, v1a.FieldReferenceSigSAVOI, codes.ReturnCodeMissing, 0},
		{"no OI reference", &ticket.Ticket{Filing: ticket.Filing{ReferenceSigSAVRaccoOC: "OC-1"}}, ok,
			v1a.FieldReferenceSigSAVOI, codes.ReturnCodeMissing, 0},
		{"no OC reference", &ticket.Ticket{ReferenceSigSAVOI: "OI-1"}, ok, v1a.FieldReferenceSigSAVRaccoOC,
			codes.ReturnCodeMissing, 0},
		{"text too long", rdvTicket, with(func(m *rdv.Message) { m.Texte = strings.Repeat("é", 1501) }),
			v1a.FieldCommentaire, codes.ReturnCodeBadFormat, 0},
		{"seconds", rdvTicket, with(func(m *rdv.Message) {
			m.Slots = []rdv.Slot{{Debut: rdvMorning.Debut.Add(time.Second), Fin: rdvMorning.Fin}}
		}), v1a.FieldPropalRdv, codes.ReturnCodeBadFormat, rdv.RuleFormat},
		{"over two days", rdvTicket, with(func(m *rdv.Message) {
			m.Slots = []rdv.Slot{{Debut: rdvMidnight.Debut, Fin: rdvMidnight.Fin.Add(time.Hour)}}
		}), v1a.FieldPropalRdv, codes.ReturnCodeBadFormat, rdv.RuleFormat},
		{"OC confirmation", rdvTicket, with(func(m *rdv.Message) { m.Type = codes.TypeMessageConfirmationRdv }),
			v1a.FieldTypeMessage, codes.ReturnCodeUnexpected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := v1a.InfoFromRdv(tt.t, tt.m)
			require.Nil(t, in)
			checkRdvError(t, err, v1a.FlowInfo, tt.field, tt.code, tt.rule)
		})
	}
}

// TestInfoFromRdvRepeatedHour checks that of the two passes of 02:30 on 25
// October 2026, the one PropalRdv's wall clock does not read back is
// refused, and the other is written.
func TestInfoFromRdvRepeatedHour(t *testing.T) {
	refused := 0
	for _, off := range []int{2, 1} {
		start := time.Date(2026, time.October, 25, 2, 30, 0, 0, time.FixedZone("", off*3600))
		m := rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: rdvAt,
			Slots: []rdv.Slot{{Debut: start, Fin: start.Add(time.Hour)}}}
		in, err := v1a.InfoFromRdv(rdvTicket, m)
		if err != nil {
			checkRdvError(t, err, v1a.FlowInfo, v1a.FieldPropalRdv, codes.ReturnCodeBadFormat, rdv.RuleFormat)
			refused++
			continue
		}
		got, err := v1a.RdvMessageOf(readInfo(t, writeInfo(t, in)))
		require.NoError(t, err)
		if !rdv.SameSlot(got.Slots[0], m.Slots[0]) {
			t.Errorf("+0%d:00 written, read back as %v", off, got.Slots[0])
		}
	}
	require.Equal(t, 1, refused, "exactly one pass of the repeated hour is ambiguous on the wire")
}

func TestRdvDepotRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		r      rdv.Request
		idRdv  string
		propal string
	}{
		{"none", rdv.Request{}, "", ""},
		{"automatic", rdv.Request{IdRdv: "RDV-2026-0042"}, "RDV-2026-0042", ""},
		{"manual", rdv.Request{Slots: []rdv.Slot{rdvAutumn, rdvMorning, rdvSpring}}, "",
			"202610250100-0400|202610260800-1000|202703280100-0400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &v1a.Depot{ReferenceSigSAVRaccoOC: "OC-SAV-1", ReferencePrise: "FI-1234-5678",
				DateIncidClientFinal: ticket.Date{Year: 2026, Month: 10, Day: 1}, NatureDefaut: codes.NatureDefautCoupure,
				PrelocDefaut: codes.PrelocDefautPBO, IdRdv: "old", PropalRdv: []ticket.Slot{rdvAfter}}
			require.NoError(t, v1a.SetRdvRequest(d, tt.r))
			var buf bytes.Buffer
			require.NoError(t, v1a.WriteAll(&buf, v1a.FlowDepot, d))
			line := strings.Split(buf.String(), "\r\n")[1]
			cells := strings.Split(line, ";")
			if cells[10] != tt.idRdv || cells[11] != tt.propal {
				t.Errorf("IdRdv;PropalRdv = %q;%q, want %q;%q", cells[10], cells[11], tt.idRdv, tt.propal)
			}
			_, recs, problems, err := v1a.ReadAll(&buf)
			require.NoError(t, err)
			require.Empty(t, problems)
			got, err := v1a.RdvRequestOf(recs[0].(*v1a.Depot), rdvAt)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.r, got); diff != "" {
				t.Errorf("request (-set +read):\n%s", diff)
			}
			if got.Process() != tt.r.Process() {
				t.Errorf("process %v", got.Process())
			}
		})
	}
	got, err := v1a.RdvRequestOf(nil, rdvAt)
	require.NoError(t, err)
	require.Zero(t, got)
}

func TestRdvDepotRefusals(t *testing.T) {
	tests := []struct {
		name  string
		r     rdv.Request
		now   time.Time
		field v1a.Field
		code  codes.ReturnCode
		rule  rdv.Rule
	}{
		{"both", rdv.Request{IdRdv: "RDV-1", Slots: []rdv.Slot{rdvMorning}}, rdvAt, v1a.FieldPropalRdv,
			codes.ReturnCodeUnexpected, 0},
		{"booking id too long", rdv.Request{IdRdv: strings.Repeat("9", 51)}, rdvAt, v1a.FieldIdRdv,
			codes.ReturnCodeBadFormat, 0},
		{"four slots", rdv.Request{Slots: []rdv.Slot{rdvAutumn, rdvMorning, rdvAfter, rdvMidnight}}, rdvAt,
			v1a.FieldPropalRdv, codes.ReturnCodeBadFormat, rdv.RuleCount},
		{"overlap", rdv.Request{Slots: []rdv.Slot{rdvMorning, rdvMorning}}, rdvAt, v1a.FieldPropalRdv,
			codes.ReturnCodeUnexpected, rdv.RuleOverlap},
		{"past", rdv.Request{Slots: []rdv.Slot{rdvMorning}}, rdvAfter.Debut, v1a.FieldPropalRdv,
			codes.ReturnCodeUnexpected, rdv.RulePast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &v1a.Depot{IdRdv: tt.r.IdRdv, PropalRdv: tt.r.Slots}
			_, err := v1a.RdvRequestOf(d, tt.now)
			checkRdvError(t, err, v1a.FlowDepot, tt.field, tt.code, tt.rule)
			if tt.rule == rdv.RulePast {
				return
			}
			d = &v1a.Depot{IdRdv: "keep"}
			checkRdvError(t, v1a.SetRdvRequest(d, tt.r), v1a.FlowDepot, tt.field, tt.code, tt.rule)
			require.Equal(t, "keep", d.IdRdv, "a refused request leaves the line untouched")
		})
	}
	d := &v1a.Depot{}
	err := v1a.SetRdvRequest(d, rdv.Request{Slots: []rdv.Slot{{Debut: rdvMorning.Debut, Fin: rdvMorning.Fin.Add(time.Second)}}})
	checkRdvError(t, err, v1a.FlowDepot, v1a.FieldPropalRdv, codes.ReturnCodeBadFormat, rdv.RuleFormat)
}

// TestRdvInfoNegotiation applies messages decoded from INFO files with
// rdv.Advance, as an engine does.
func TestRdvInfoNegotiation(t *testing.T) {
	tk := rdvTicket.Clone()
	n, err := rdv.Deposit(&ticket.Appointment{Creneaux: []rdv.Slot{rdvMorning, rdvAfter}}, rdvAt)
	require.NoError(t, err)
	confirm := rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI, At: rdvAt.Add(time.Hour),
		Slots: []rdv.Slot{rdvAfter}}
	in, err := v1a.InfoFromRdv(tk, confirm)
	require.NoError(t, err)
	m, err := v1a.RdvMessageOf(readInfo(t, writeInfo(t, in)))
	require.NoError(t, err)
	require.NoError(t, rdv.Advance(tk, &n, m))
	require.Equal(t, rdv.StateConfirmed, n.State)
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution)
	require.Equal(t, 1, tk.Version)
	// The same INFO line through TransactionOf carries the same message.
	tx, err := v1a.TransactionOf(in, "", "")
	require.NoError(t, err)
	fromTx, ok := rdv.FromTransaction(tx)
	require.True(t, ok)
	if diff := cmp.Diff(m, fromTx); diff != "" {
		t.Errorf("RdvMessageOf and rdv.FromTransaction differ (-RdvMessageOf +FromTransaction):\n%s", diff)
	}
}
