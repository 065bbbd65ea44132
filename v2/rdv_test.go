package v2_test

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
	v2 "github.com/opensav/savsdk/v2"
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
)

func rdvTicket(state ticket.State) *ticket.Ticket {
	return &ticket.Ticket{Filing: ticket.Filing{CodeOC: "OCAA", CodeOI: "OIBB", ReferenceSigSAVRaccoOC: "OC-SAV-1"},
		ReferenceSigSAVOI: "OI-42", State: state, EtatResolution: codes.EtatResolutionADefinir, Version: 3}
}

// roundTrip marshals m and decodes it again.
func roundTrip(t testing.TB, m v2.Message) ([]byte, v2.Message) {
	t.Helper()
	body, err := v2.MarshalBody(m, nil)
	require.NoError(t, err)
	got, err := v2.DecodeBody(bytes.NewReader(body), nil)
	require.NoError(t, err, "%s", body)
	return body, got
}

// TestRdvSetRoundTrip writes every appointment message as a
// setTroubleTicketByValueRequest and reads it back to the same message.
func TestRdvSetRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		state ticket.State
		m     rdv.Message
		xml   []string // fragments of the body
	}{
		{"DEMANDE RDV", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessageDemandeRdv, Sender: codes.RoleOI,
			At: rdvAt, Texte: "101 RDV NON DISPONIBLE"},
			[]string{"<sav:transaction>SU CASE INFORMATION NOTIFICATION</sav:transaction>",
				"<sav:type>DEMANDE RDV</sav:type>", "<sav:texte>101 RDV NON DISPONIBLE</sav:texte>"}},
		{"DEMANDE RDV taking charge", ticket.StateQueued, rdv.Message{Type: codes.TypeMessageDemandeRdv,
			Sender: codes.RoleOI, At: rdvAt},
			[]string{"<sav:transaction>CASE SOLVING NOTIFICATION</sav:transaction>", "<tt:troubleState>OPENACTIVE"}},
		{"PROPOSITION RDV, 1 slot", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessagePropositionRdv,
			Sender: codes.RoleOC, At: rdvAt, Slots: []rdv.Slot{rdvMorning}},
			[]string{"<sav:transaction>CO CASE INFORMATION NOTIFICATION</sav:transaction>",
				"<sav:creneau><sav:debut>2026-10-26T08:00:00+01:00</sav:debut><sav:fin>2026-10-26T10:00:00+01:00</sav:fin></sav:creneau>"}},
		{"PROPOSITION RDV, 3 slots over both changes of time", ticket.StateOpenActive, rdv.Message{
			Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOI, At: rdvAt,
			Slots: []rdv.Slot{rdvAutumn, rdvSpring, rdvMidnight}, Texte: "créneaux du technicien"},
			[]string{"<sav:debut>2026-10-25T01:00:00+02:00</sav:debut><sav:fin>2026-10-25T04:00:00+01:00</sav:fin>",
				"<sav:debut>2027-03-28T01:00:00+01:00</sav:debut><sav:fin>2027-03-28T04:00:00+02:00</sav:fin>",
				"<sav:fin>2026-10-28T00:00:00+01:00</sav:fin>"}},
		{"REPONSE RDV with slots", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessageReponseRdv,
			Sender: codes.RoleOC, At: rdvAt, Slots: []rdv.Slot{rdvAfter, rdvMidnight}}, nil},
		{"REPONSE RDV picking one", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessageReponseRdv,
			Sender: codes.RoleOC, At: rdvAt, Slots: []rdv.Slot{rdvAfter}}, nil},
		{"CONFIRMATION RDV", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessageConfirmationRdv,
			Sender: codes.RoleOI, At: rdvAt, Slots: []rdv.Slot{rdvSpring}},
			[]string{"<sav:etatResolution>ACTION PLANIFIEE</sav:etatResolution>",
				"<co:lastUpdateVersionNumber>3</co:lastUpdateVersionNumber>"}},
		{"CONFIRMATION RDV of a booked slot", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessageConfirmationRdv,
			Sender: codes.RoleOI, At: rdvAt, IdRdv: "RDV-2026-0042", Slots: []rdv.Slot{rdvMorning}},
			[]string{"<sav:rdv><sav:idRdv>RDV-2026-0042</sav:idRdv><sav:creneau><sav:debut>2026-10-26T08:00:00+01:00</sav:debut>",
				"<sav:etatResolution>ACTION PLANIFIEE</sav:etatResolution>"}},
		{"DEMANDE RDV with the booking id", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessageDemandeRdv,
			Sender: codes.RoleOI, At: rdvAt, IdRdv: "RDV-2026-0042"},
			[]string{"<sav:rdv><sav:idRdv>RDV-2026-0042</sav:idRdv></sav:rdv>"}},
		{"sub-second time", ticket.StateOpenActive, rdv.Message{Type: codes.TypeMessagePropositionRdv,
			Sender: codes.RoleOC, At: rdvAt.Add(123456789), Slots: []rdv.Slot{rdvMorning}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := rdvTicket(tt.state)
			req, err := v2.NewRdvSetRequest(tk, tt.m, nil)
			require.NoError(t, err)
			body, msg := roundTrip(t, req)
			for _, frag := range tt.xml {
				if !bytes.Contains(body, []byte(frag)) {
					t.Errorf("body lacks %s:\n%s", frag, body)
				}
			}
			got := msg.(*v2.SetTroubleTicketByValueRequest)
			require.Empty(t, v2.Validate(got, nil))
			m, err := got.RdvMessage(nil)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.m, m); diff != "" {
				t.Errorf("message (-sent +read):\n%s", diff)
			}
			for i, s := range m.Slots {
				if s.Debut.String() != tt.m.Slots[i].Debut.String() || s.Fin.String() != tt.m.Slots[i].Fin.String() {
					t.Errorf("slot %d wall clock %v–%v, want %v–%v", i+1, s.Debut, s.Fin, tt.m.Slots[i].Debut,
						tt.m.Slots[i].Fin)
				}
			}
			// The same request through Transaction carries the same message.
			_, tx, err := got.Transaction(nil)
			require.NoError(t, err)
			fromTx, ok := rdv.FromTransaction(tx)
			require.True(t, ok)
			if diff := cmp.Diff(m, fromTx); diff != "" {
				t.Errorf("RdvMessage and rdv.FromTransaction differ (-RdvMessage +FromTransaction):\n%s", diff)
			}
			// And it moves a ticket as the sender's Advance does.
			sender, receiver := tk.Clone(), tk.Clone()
			n := rdv.Negotiation{State: rdv.StateRequested}
			switch {
			case tt.m.Type == codes.TypeMessageConfirmationRdv && tt.m.IdRdv != "":
				n = rdv.Negotiation{State: rdv.StateBooked, IdRdv: tt.m.IdRdv}
			case tt.m.Type == codes.TypeMessageConfirmationRdv:
				n = rdv.Negotiation{State: rdv.StateProposedByOC, Slots: tt.m.Slots}
			case tt.m.Sender == codes.RoleOI:
				n = rdv.Negotiation{State: rdv.StateProposedByOC, Slots: []rdv.Slot{rdvMorning}}
			}
			n2 := n.Clone()
			require.NoError(t, rdv.Advance(sender, &n, tt.m))
			require.NoError(t, rdv.Advance(receiver, &n2, m))
			if diff := cmp.Diff(sender, receiver); diff != "" {
				t.Errorf("tickets differ (-sender +receiver):\n%s", diff)
			}
			if diff := cmp.Diff(n, n2); diff != "" {
				t.Errorf("negotiations differ (-sender +receiver):\n%s", diff)
			}
		})
	}
}

// TestRdvMessageZone reads slots written in UTC as Europe/Paris wall
// clocks, the same instants.
func TestRdvMessageZone(t *testing.T) {
	req, err := v2.NewRdvSetRequest(rdvTicket(ticket.StateOpenActive), rdv.Message{Type: codes.TypeMessagePropositionRdv,
		Sender: codes.RoleOC, At: rdvAt, Slots: []rdv.Slot{rdvAutumn}}, nil)
	require.NoError(t, err)
	body, err := v2.MarshalBody(req, nil)
	require.NoError(t, err)
	utc := bytes.ReplaceAll(body, []byte("2026-10-25T01:00:00+02:00"), []byte("2026-10-24T23:00:00Z"))
	utc = bytes.ReplaceAll(utc, []byte("2026-10-25T04:00:00+01:00"), []byte("2026-10-25T03:00:00Z"))
	require.NotEqual(t, body, utc)
	msg, err := v2.DecodeBody(bytes.NewReader(utc), nil)
	require.NoError(t, err)
	m, err := msg.(*v2.SetTroubleTicketByValueRequest).RdvMessage(nil)
	require.NoError(t, err)
	s := m.Slots[0]
	require.Equal(t, ticket.Paris, s.Debut.Location())
	require.Equal(t, "2026-10-25 01:00:00 +0200 CEST", s.Debut.String())
	require.Equal(t, "2026-10-25 04:00:00 +0100 CET", s.Fin.String())
	require.Equal(t, 4*time.Hour, s.Fin.Sub(s.Debut))
}

func setRequest(mod func(v *v2.TroubleTicketValue)) *v2.SetTroubleTicketByValueRequest {
	v := v2.TroubleTicketValue{
		TroubleTicketKey: v2.Some(v2.DefaultProfile().Key("OI-42")),
		LastUpdateTime:   v2.Some(rdvAt),
		SAV: &v2.SAVExtension{
			Transaction: v2.Some("CO CASE INFORMATION NOTIFICATION"),
			CodeOC:      v2.Some("OCAA"), CodeOI: v2.Some("OIBB"),
			Message: v2.Some(v2.InfoMessage{Type: codes.TypeMessagePropositionRdv, Date: rdvAt}),
			Rdv:     v2.Some(v2.Rdv{Creneaux: []v2.Creneau{{Debut: rdvMorning.Debut, Fin: rdvMorning.Fin}}}),
		},
	}
	mod(&v)
	return &v2.SetTroubleTicketByValueRequest{Value: v}
}

func creneaux(ss ...rdv.Slot) v2.Field[v2.Rdv] {
	r := v2.Rdv{}
	for _, s := range ss {
		r.Creneaux = append(r.Creneaux, v2.Creneau{Debut: s.Debut, Fin: s.Fin})
	}
	return v2.Some(r)
}

func TestRdvMessageRefusals(t *testing.T) {
	msg := func(typ codes.TypeMessage) v2.Field[v2.InfoMessage] {
		return v2.Some(v2.InfoMessage{Type: typ, Date: rdvAt})
	}
	overlap := rdvSlot(2026, time.October, 26, 9, 0, 11, 0)
	tests := []struct {
		name  string
		mod   func(v *v2.TroubleTicketValue)
		field string
		code  codes.ReturnCode
		rule  rdv.Rule
	}{
		{"no extension", func(v *v2.TroubleTicketValue) { v.SAV = nil }, "transaction", codes.ReturnCodeMissing, 0},
		{"unknown transaction", func(v *v2.TroubleTicketValue) { v.SAV.Transaction = v2.Some("RDV") }, "transaction",
			codes.ReturnCodeNotInList, 0},
		{"closure", func(v *v2.TroubleTicketValue) { v.SAV.Transaction = v2.Some("CASE SOLVED NOTIFICATION") },
			"transaction", codes.ReturnCodeUnexpected, 0},
		{"no message", func(v *v2.TroubleTicketValue) { v.SAV.Message = v2.Field[v2.InfoMessage]{} }, "message",
			codes.ReturnCodeMissing, 0},
		{"nil message", func(v *v2.TroubleTicketValue) { v.SAV.Message = v2.Null[v2.InfoMessage]() }, "message",
			codes.ReturnCodeMissing, 0},
		{"no type", func(v *v2.TroubleTicketValue) { v.SAV.Message = msg("") }, "type", codes.ReturnCodeMissing, 0},
		{"unknown type", func(v *v2.TroubleTicketValue) { v.SAV.Message = msg("RDV ?") }, "type",
			codes.ReturnCodeNotInList, 0},
		{"not an appointment message", func(v *v2.TroubleTicketValue) { v.SAV.Message = msg(codes.TypeMessageCommentaire) },
			"type", codes.ReturnCodeUnexpected, 0},
		{"OC confirmation", func(v *v2.TroubleTicketValue) { v.SAV.Message = msg(codes.TypeMessageConfirmationRdv) },
			"type", codes.ReturnCodeUnexpected, 0},
		{"no date", func(v *v2.TroubleTicketValue) {
			v.LastUpdateTime = v2.Field[time.Time]{}
			v.SAV.Message = v2.Some(v2.InfoMessage{Type: codes.TypeMessagePropositionRdv})
		}, "date", codes.ReturnCodeMissing, 0},
		{"booking id too long", func(v *v2.TroubleTicketValue) {
			v.SAV.Rdv = v2.Some(v2.Rdv{IDRdv: strings.Repeat("x", 51)})
		}, "idRdv", codes.ReturnCodeBadFormat, 0},
		{"booking id and slots", func(v *v2.TroubleTicketValue) {
			r := v.SAV.Rdv.Value
			r.IDRdv = "RDV-1"
			v.SAV.Rdv = v2.Some(r)
		}, "rdv", codes.ReturnCodeUnexpected, 0},
		{"booking id and two slots in a confirmation", func(v *v2.TroubleTicketValue) {
			v.SAV.Transaction = v2.Some("SU CASE INFORMATION NOTIFICATION")
			v.SAV.Message = msg(codes.TypeMessageConfirmationRdv)
			r := creneaux(rdvMorning, rdvAfter).Value
			r.IDRdv = "RDV-1"
			v.SAV.Rdv = v2.Some(r)
		}, "rdv", codes.ReturnCodeUnexpected, 0},
		{"proposition without slots", func(v *v2.TroubleTicketValue) { v.SAV.Rdv = v2.Field[v2.Rdv]{} }, "creneau",
			codes.ReturnCodeMissing, 0},
		{"proposition with a nil rdv", func(v *v2.TroubleTicketValue) { v.SAV.Rdv = v2.Null[v2.Rdv]() }, "creneau",
			codes.ReturnCodeMissing, 0},
		{"confirmation of two slots", func(v *v2.TroubleTicketValue) {
			v.SAV.Transaction = v2.Some("SU CASE INFORMATION NOTIFICATION")
			v.SAV.Message = msg(codes.TypeMessageConfirmationRdv)
			v.SAV.Rdv = creneaux(rdvMorning, rdvAfter)
		}, "rdv", codes.ReturnCodeBadFormat, rdv.RuleCount},
		{"four slots", func(v *v2.TroubleTicketValue) { v.SAV.Rdv = creneaux(rdvAutumn, rdvMorning, rdvAfter, rdvMidnight) },
			"rdv", codes.ReturnCodeBadFormat, rdv.RuleCount},
		{"slot without an end", func(v *v2.TroubleTicketValue) {
			v.SAV.Rdv = v2.Some(v2.Rdv{Creneaux: []v2.Creneau{{Debut: rdvMorning.Debut}}})
		}, "creneau", codes.ReturnCodeBadFormat, rdv.RuleFormat},
		{"end before start", func(v *v2.TroubleTicketValue) {
			v.SAV.Rdv = creneaux(rdv.Slot{Debut: rdvMorning.Fin, Fin: rdvMorning.Debut})
		}, "creneau", codes.ReturnCodeUnexpected, rdv.RuleOrder},
		{"slot before the message", func(v *v2.TroubleTicketValue) { v.LastUpdateTime = v2.Some(rdvAfter.Debut) },
			"creneau", codes.ReturnCodeUnexpected, rdv.RulePast},
		{"overlap", func(v *v2.TroubleTicketValue) { v.SAV.Rdv = creneaux(rdvMorning, overlap) }, "creneau",
			codes.ReturnCodeUnexpected, rdv.RuleOverlap},
		{"demande with slots", func(v *v2.TroubleTicketValue) { v.SAV.Message = msg(codes.TypeMessageDemandeRdv) },
			"rdv", codes.ReturnCodeUnexpected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := setRequest(tt.mod).RdvMessage(nil)
			checkRdvError(t, err, tt.field, tt.code, tt.rule)
		})
	}
}

func checkRdvError(t *testing.T, err error, field string, code codes.ReturnCode, rule rdv.Rule) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, v2.ErrRdv)
	e, ok := errors.AsType[*v2.RdvError](err)
	require.True(t, ok, "%T", err)
	if e.Field != field || e.Code != code {
		t.Errorf("got %s %d, want %s %d: %v", e.Field, e.Code, field, code, err)
	}
	f := e.Finding()
	if f.Field != field || f.Code != code || f.Message != code.Message(field) {
		t.Errorf("finding %v", f)
	}
	if !strings.Contains(err.Error(), code.Message(field)) {
		t.Errorf("%q does not name %s", err, field)
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
}

func TestNewRdvSetRequestRefusals(t *testing.T) {
	ok := rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: rdvAt,
		Slots: []rdv.Slot{rdvMorning}}
	noOC, noOI := rdvTicket(ticket.StateOpenActive), rdvTicket(ticket.StateOpenActive)
	noOC.CodeOC, noOI.CodeOI = "", ""
	tests := []struct {
		name  string
		t     *ticket.Ticket
		m     rdv.Message
		field string
		code  codes.ReturnCode
	}{
		{"no ticket", nil, ok, "troubleTicketKey", codes.ReturnCodeMissing},
		{"no key", &ticket.Ticket{}, ok, "troubleTicketKey", codes.ReturnCodeMissing},
		{"no codeOC", noOC, ok, "codeOC", codes.ReturnCodeMissing},
		{"no codeOI", noOI, ok, "codeOI", codes.ReturnCodeMissing},
		{"no sender", rdvTicket(ticket.StateOpenActive), rdv.Message{Type: codes.TypeMessageDemandeRdv, At: rdvAt},
			"transaction", codes.ReturnCodeMissing},
		{"unknown sender", rdvTicket(ticket.StateOpenActive), rdv.Message{Type: codes.TypeMessageDemandeRdv,
			Sender: "XX", At: rdvAt}, "transaction", codes.ReturnCodeNotInList},
		{"OC confirmation", rdvTicket(ticket.StateOpenActive), rdv.Message{Type: codes.TypeMessageConfirmationRdv,
			Sender: codes.RoleOC, At: rdvAt, Slots: []rdv.Slot{rdvMorning}}, "type", codes.ReturnCodeUnexpected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := v2.NewRdvSetRequest(tt.t, tt.m, nil)
			require.Nil(t, req)
			checkRdvError(t, err, tt.field, tt.code, 0)
		})
	}
}

func TestRdvCreateRoundTrip(t *testing.T) {
	filing := &ticket.Filing{CodeOC: "OCAA", CodeOI: "OIBB", TypeSAV: codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC: "OC-SAV-1", ReferencePrise: "FI-1234-5678",
		DateIncident: ticket.Date{Year: 2026, Month: 10, Day: 1}, NatureDefaut: codes.NatureDefautCoupure,
		PrelocDefaut: codes.PrelocDefautPBO, Rdv: &ticket.Appointment{IdRdv: "old"}}
	tests := []struct {
		name string
		r    rdv.Request
		xml  string
	}{
		{"none", rdv.Request{}, ""},
		{"automatic", rdv.Request{IdRdv: "RDV-2026-0042"}, "<sav:rdv><sav:idRdv>RDV-2026-0042</sav:idRdv></sav:rdv>"},
		{"manual", rdv.Request{Slots: []rdv.Slot{rdvAutumn, rdvMorning, rdvSpring}},
			"<sav:creneau><sav:debut>2027-03-28T01:00:00+01:00</sav:debut><sav:fin>2027-03-28T04:00:00+02:00</sav:fin></sav:creneau></sav:rdv>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := v2.NewCreateRequest(filing, nil)
			require.NoError(t, req.SetRdvRequest(tt.r))
			body, msg := roundTrip(t, req)
			if tt.xml != "" && !bytes.Contains(body, []byte(tt.xml)) {
				t.Errorf("body lacks %s:\n%s", tt.xml, body)
			}
			if tt.xml == "" && bytes.Contains(body, []byte("sav:rdv")) {
				t.Errorf("zero request written:\n%s", body)
			}
			got := msg.(*v2.CreateTroubleTicketByValueRequest)
			require.Empty(t, v2.Validate(got, nil))
			r, err := got.RdvRequest(nil, rdvAt)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.r, r); diff != "" {
				t.Errorf("request (-set +read):\n%s", diff)
			}
			f := got.Value.Filing(nil)
			if diff := cmp.Diff(tt.r.Appointment(), f.Rdv); diff != "" {
				t.Errorf("filing's appointment (-request +filing):\n%s", diff)
			}
		})
	}
	r, err := (&v2.CreateTroubleTicketByValueRequest{}).RdvRequest(nil, rdvAt)
	require.NoError(t, err)
	require.Zero(t, r)
	req := &v2.CreateTroubleTicketByValueRequest{}
	req.Value.SAV = &v2.SAVExtension{Rdv: v2.Null[v2.Rdv]()}
	r, err = req.RdvRequest(nil, rdvAt)
	require.NoError(t, err)
	require.Zero(t, r)
}

func TestRdvCreateRefusals(t *testing.T) {
	tests := []struct {
		name  string
		r     rdv.Request
		now   time.Time
		field string
		code  codes.ReturnCode
		rule  rdv.Rule
	}{
		{"both", rdv.Request{IdRdv: "RDV-1", Slots: []rdv.Slot{rdvMorning}}, rdvAt, "rdv", codes.ReturnCodeUnexpected, 0},
		{"booking id too long", rdv.Request{IdRdv: strings.Repeat("9", 51)}, rdvAt, "idRdv", codes.ReturnCodeBadFormat, 0},
		{"four slots", rdv.Request{Slots: []rdv.Slot{rdvAutumn, rdvMorning, rdvAfter, rdvMidnight}}, rdvAt, "rdv",
			codes.ReturnCodeBadFormat, rdv.RuleCount},
		{"overlap", rdv.Request{Slots: []rdv.Slot{rdvMorning, rdvMorning}}, rdvAt, "creneau",
			codes.ReturnCodeUnexpected, rdv.RuleOverlap},
		{"past", rdv.Request{Slots: []rdv.Slot{rdvMorning}}, rdvAfter.Debut, "creneau", codes.ReturnCodeUnexpected,
			rdv.RulePast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &v2.CreateTroubleTicketByValueRequest{}
			req.Value.SAV = &v2.SAVExtension{Rdv: v2.Some(v2.Rdv{IDRdv: tt.r.IdRdv})}
			for _, s := range tt.r.Slots {
				req.Value.SAV.Rdv.Value.Creneaux = append(req.Value.SAV.Rdv.Value.Creneaux, v2.Creneau{Debut: s.Debut, Fin: s.Fin})
			}
			_, err := req.RdvRequest(nil, tt.now)
			checkRdvError(t, err, tt.field, tt.code, tt.rule)
			if tt.rule == rdv.RulePast {
				return
			}
			keep := &v2.CreateTroubleTicketByValueRequest{}
			checkRdvError(t, keep.SetRdvRequest(tt.r), tt.field, tt.code, tt.rule)
			require.Nil(t, keep.Value.SAV, "a refused request leaves the value untouched")
		})
	}
}
