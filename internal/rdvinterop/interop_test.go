// Package rdvinterop proves that an appointment negotiation runs the same
// over protocol 1.0a (INFO CSV files) and protocol 2.0 (setTroubleTicketByValue
// XML): the same script, encoded and decoded through each protocol and
// applied with rdv.Advance on both sides, ends in identical states.
package rdvinterop

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	"github.com/opensav/savsdk/v2"
)

const (
	codeOC = "OCAA"
	codeOI = "OIBB"
	refOI  = "OI-000042"
)

func paris(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, ticket.Paris)
}

func slot(y int, mo time.Month, d, h1, m1, h2, m2 int) rdv.Slot {
	return rdv.Slot{Debut: paris(y, mo, d, h1, m1), Fin: paris(y, mo, d, h2, m2)}
}

// Slots around the spring change of 2027 (Sunday 28 March, 02:00 → 03:00)
// and the autumn change of 2026 (Sunday 25 October, 03:00 → 02:00).
var (
	sSat      = slot(2027, time.March, 27, 8, 0, 10, 0)
	sSpring   = slot(2027, time.March, 28, 1, 0, 4, 0) // two real hours
	sMon      = slot(2027, time.March, 29, 14, 0, 16, 0)
	sTue      = slot(2027, time.March, 30, 8, 0, 12, 0)
	sWed      = slot(2027, time.March, 31, 13, 0, 17, 0)
	sThu      = slot(2027, time.April, 1, 9, 0, 11, 0)
	sAutumn   = slot(2026, time.October, 25, 1, 0, 4, 0) // four real hours
	sAutumnAM = slot(2026, time.October, 24, 8, 0, 10, 0)
	sMidnight = rdv.Slot{Debut: paris(2027, time.March, 30, 20, 0), Fin: paris(2027, time.March, 31, 0, 0)}
)

// step is one message of a script. want is the negotiation state and
// resolution sub-state after it; code, when not 0, is the refusal expected
// (at encoding, decoding or negotiation), leaving every state unchanged.
type step struct {
	name   string
	sender codes.Role
	typ    codes.TypeMessage
	slots  []rdv.Slot
	idRdv  string
	texte  string
	want   rdv.State
	etat   codes.EtatResolution
	code   codes.ReturnCode
	// rule is the slot rule of a refusal, when it is one.
	rule rdv.Rule
}

type script struct {
	name    string
	start   time.Time // time of the deposit; each step is one hour later
	deposit rdv.Request
	first   rdv.State // negotiation state after the deposit
	steps   []step
}

var scripts = []script{
	{
		name:    "manual",
		start:   paris(2027, time.March, 20, 9, 0),
		deposit: rdv.Request{Slots: []rdv.Slot{sSat, sSpring, sMon}},
		first:   rdv.StateProposedByOC,
		steps: []step{
			{name: "OC cannot confirm", sender: codes.RoleOC, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sSat}, code: codes.ReturnCodeUnexpected},
			{name: "confirmation carries exactly one slot", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sSat, sMon}, code: codes.ReturnCodeBadFormat, rule: rdv.RuleCount},
			{name: "confirmation of a slot never proposed", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sTue}, code: codes.ReturnCodeUnexpected, rule: rdv.RuleNotProposed},
			{name: "overlapping counter-proposal", sender: codes.RoleOI, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{sTue, slot(2027, time.March, 30, 11, 0, 13, 0)}, code: codes.ReturnCodeUnexpected,
				rule: rdv.RuleOverlap},
			{name: "four slots", sender: codes.RoleOI, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{sSat, sMon, sTue, sWed}, code: codes.ReturnCodeBadFormat, rule: rdv.RuleCount},
			{name: "proposition without slots", sender: codes.RoleOI, typ: codes.TypeMessagePropositionRdv,
				code: codes.ReturnCodeMissing},
			{name: "slot ending before it starts", sender: codes.RoleOI, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{{Debut: sTue.Fin, Fin: sTue.Debut}}, code: codes.ReturnCodeUnexpected, rule: rdv.RuleOrder},
			{name: "slot in the past", sender: codes.RoleOI, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{slot(2027, time.March, 19, 8, 0, 10, 0)}, code: codes.ReturnCodeUnexpected,
				rule: rdv.RulePast},
			{name: "demande carries no slots", sender: codes.RoleOI, typ: codes.TypeMessageDemandeRdv,
				slots: []rdv.Slot{sTue}, code: codes.ReturnCodeUnexpected},
			{name: "OI counter-proposal", sender: codes.RoleOI, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{sTue, sMidnight}, texte: "Créneaux du technicien", want: rdv.StateProposedByOI,
				etat: codes.EtatResolutionADefinir},
			{name: "OI cannot answer its own proposal", sender: codes.RoleOI, typ: codes.TypeMessageReponseRdv,
				slots: []rdv.Slot{sTue}, code: codes.ReturnCodeUnexpected},
			{name: "OC picks one", sender: codes.RoleOC, typ: codes.TypeMessageReponseRdv,
				slots: []rdv.Slot{sMidnight}, want: rdv.StateProposedByOC, etat: codes.EtatResolutionADefinir},
			{name: "OI confirms", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sMidnight}, want: rdv.StateConfirmed, etat: codes.EtatResolutionPlanifiee},
			{name: "OC modifies", sender: codes.RoleOC, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{sWed, sThu}, texte: "Client absent le 30", want: rdv.StateProposedByOC,
				etat: codes.EtatResolutionPlanifiee},
			{name: "OI re-confirms", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sThu}, want: rdv.StateConfirmed, etat: codes.EtatResolutionPlanifiee},
		},
	},
	{
		name:    "automatic",
		start:   paris(2026, time.October, 20, 17, 30),
		deposit: rdv.Request{IdRdv: "RDV-2026-0042"},
		first:   rdv.StateBooked,
		steps: []step{
			{name: "booking id and two slots", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sAutumnAM, sAutumn}, idRdv: "RDV-2026-0042", code: codes.ReturnCodeUnexpected},
			{name: "booking id and a slot in a proposition", sender: codes.RoleOC, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{sAutumn}, idRdv: "RDV-2026-0042", code: codes.ReturnCodeUnexpected},
			{name: "confirmation without its slot", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				idRdv: "RDV-2026-0042", code: codes.ReturnCodeMissing},
			{name: "confirmation of another booking", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sAutumn}, idRdv: "RDV-2026-0043", code: codes.ReturnCodeUnexpected},
			{name: "OI confirms the booked slot with booking id and slot", sender: codes.RoleOI,
				typ: codes.TypeMessageConfirmationRdv, slots: []rdv.Slot{sAutumn}, idRdv: "RDV-2026-0042",
				want: rdv.StateConfirmed, etat: codes.EtatResolutionPlanifiee},
			{name: "OI re-confirms the same slot", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sAutumn}, want: rdv.StateConfirmed, etat: codes.EtatResolutionPlanifiee},
		},
	},
	{
		name:    "automatic confirmed by slot",
		start:   paris(2026, time.October, 20, 17, 30),
		deposit: rdv.Request{IdRdv: "RDV-2026-0042"},
		first:   rdv.StateBooked,
		steps: []step{
			{name: "OI confirms the booked slot", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sAutumn}, want: rdv.StateConfirmed, etat: codes.EtatResolutionPlanifiee},
			{name: "OI re-confirms with the booking id", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sAutumn}, idRdv: "RDV-2026-0042", want: rdv.StateConfirmed,
				etat: codes.EtatResolutionPlanifiee},
		},
	},
	{
		name:    "slot no longer free",
		start:   paris(2026, time.October, 20, 8, 0),
		deposit: rdv.Request{IdRdv: "RDV-7"},
		first:   rdv.StateBooked,
		steps: []step{
			{name: "OC cannot ask for slots", sender: codes.RoleOC, typ: codes.TypeMessageDemandeRdv,
				code: codes.ReturnCodeUnexpected},
			{name: "OI asks for slots", sender: codes.RoleOI, typ: codes.TypeMessageDemandeRdv,
				texte: "101 RDV NON DISPONIBLE", want: rdv.StateRequested, etat: codes.EtatResolutionADefinir},
			{name: "OC proposes", sender: codes.RoleOC, typ: codes.TypeMessagePropositionRdv,
				slots: []rdv.Slot{sAutumnAM, sAutumn}, want: rdv.StateProposedByOC, etat: codes.EtatResolutionADefinir},
			{name: "OI confirms", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sAutumn}, want: rdv.StateConfirmed, etat: codes.EtatResolutionPlanifiee},
			{name: "OI must replan", sender: codes.RoleOI, typ: codes.TypeMessageDemandeRdv,
				want: rdv.StateRequested, etat: codes.EtatResolutionPrevue},
			{name: "OC answers with slots", sender: codes.RoleOC, typ: codes.TypeMessageReponseRdv,
				slots: []rdv.Slot{sAutumnAM}, want: rdv.StateProposedByOC, etat: codes.EtatResolutionPrevue},
			{name: "OI confirms again", sender: codes.RoleOI, typ: codes.TypeMessageConfirmationRdv,
				slots: []rdv.Slot{sAutumnAM}, want: rdv.StateConfirmed, etat: codes.EtatResolutionPlanifiee},
		},
	},
}

// protocol encodes what one side sends and decodes it on the other side.
type protocol interface {
	name() string
	// deposit carries a filing from the OC to the OI: the OI's filing and
	// appointment request.
	deposit(t *testing.T, f *ticket.Filing, at time.Time) (*ticket.Filing, rdv.Request, []byte, error)
	// acknowledge takes the ticket in charge on one side (AR OK and, in
	// 2.0, an explicit CASE SOLVING NOTIFICATION, as 1.0a implies one).
	acknowledge(t *testing.T, tk *ticket.Ticket, at time.Time)
	// message carries m, sent by the side holding ticket from; it returns
	// the message the other side decodes and the document that carried it.
	message(t *testing.T, from *ticket.Ticket, m rdv.Message) (rdv.Message, []byte, error)
}

type protoV1A struct{}

func (protoV1A) name() string { return "v1a" }

func (protoV1A) deposit(t *testing.T, f *ticket.Filing, at time.Time) (*ticket.Filing, rdv.Request, []byte, error) {
	d, _, err := v1a.DepotFromFiling(f)
	require.NoError(t, err)
	if err := v1a.SetRdvRequest(d, rdv.FromAppointment(f.Rdv)); err != nil {
		return nil, rdv.Request{}, nil, err
	}
	var file bytes.Buffer
	require.NoError(t, v1a.WriteAll(&file, v1a.FlowDepot, d))
	wire := bytes.Clone(file.Bytes())
	flow, recs, problems, err := v1a.ReadAll(&file)
	require.NoError(t, err)
	require.Equal(t, v1a.FlowDepot, flow)
	require.Empty(t, problems)
	require.Len(t, recs, 1)
	got := recs[0].(*v1a.Depot)
	v := v1a.Validator{Now: at}
	require.Empty(t, v.Check(t.Context(), 2, got, nil).Errors)
	req, err := v1a.RdvRequestOf(got, at)
	if err != nil {
		return nil, rdv.Request{}, wire, err
	}
	return v1a.FilingOf(got, codeOC, codeOI), req, wire, nil
}

func (protoV1A) acknowledge(t *testing.T, tk *ticket.Ticket, at time.Time) {
	require.NoError(t, tk.ApplyV1AAcknowledge(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI,
		At: at, ReferenceSigSAVOI: refOI}))
}

func (protoV1A) message(t *testing.T, from *ticket.Ticket, m rdv.Message) (rdv.Message, []byte, error) {
	in, err := v1a.InfoFromRdv(from, m)
	if err != nil {
		return rdv.Message{}, nil, err
	}
	var file bytes.Buffer
	require.NoError(t, v1a.WriteAll(&file, v1a.FlowInfo, in))
	flow, recs, problems, err := v1a.ReadAll(bytes.NewReader(file.Bytes()))
	require.NoError(t, err)
	require.Equal(t, v1a.FlowInfo, flow)
	require.Empty(t, problems, "%s", file.String())
	require.Len(t, recs, 1)
	got := recs[0].(*v1a.Info)
	// What the conversion writes, the validator accepts.
	v := v1a.Validator{Now: m.At, Sender: m.Sender}
	require.Empty(t, v.Check(t.Context(), 2, got, nil).Errors, "%s", file.String())
	decoded, err := v1a.RdvMessageOf(got)
	return decoded, file.Bytes(), err
}

type protoV2 struct{}

func (protoV2) name() string { return "v2" }

func (protoV2) deposit(t *testing.T, f *ticket.Filing, at time.Time) (*ticket.Filing, rdv.Request, []byte, error) {
	req := v2.NewCreateRequest(f, nil)
	if err := req.SetRdvRequest(rdv.FromAppointment(f.Rdv)); err != nil {
		return nil, rdv.Request{}, nil, err
	}
	body, err := v2.MarshalBodyIndent(req, nil, "  ")
	require.NoError(t, err)
	msg, err := v2.DecodeBody(bytes.NewReader(body), nil)
	require.NoError(t, err)
	got := msg.(*v2.CreateTroubleTicketByValueRequest)
	require.Empty(t, v2.Validate(got, nil))
	r, err := got.RdvRequest(nil, at)
	if err != nil {
		return nil, rdv.Request{}, body, err
	}
	filing := got.Value.Filing(nil)
	return &filing, r, body, nil
}

func (protoV2) acknowledge(t *testing.T, tk *ticket.Ticket, at time.Time) {
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: at,
		ReferenceSigSAVOI: refOI}))
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: at,
		EtatResolution: codes.EtatResolutionADefinir}))
}

func (protoV2) message(t *testing.T, from *ticket.Ticket, m rdv.Message) (rdv.Message, []byte, error) {
	req, err := v2.NewRdvSetRequest(from, m, nil)
	if err != nil {
		return rdv.Message{}, nil, err
	}
	body, err := v2.MarshalBodyIndent(req, nil, "  ")
	require.NoError(t, err)
	msg, err := v2.DecodeBody(bytes.NewReader(body), nil)
	require.NoError(t, err, "%s", body)
	got := msg.(*v2.SetTroubleTicketByValueRequest)
	// What the conversion writes, the validator accepts.
	require.Empty(t, v2.Validate(got, nil), "%s", body)
	decoded, err := got.RdvMessage(nil)
	return decoded, body, err
}

// side is one operator's copy of the ticket and its negotiation.
type side struct {
	t *ticket.Ticket
	n rdv.Negotiation
}

// snapshot is what must be identical on both sides and in both protocols.
type snapshot struct {
	Step        string
	Code        codes.ReturnCode
	Rule        rdv.Rule
	Negotiation rdv.Negotiation
	State       ticket.State
	Etat        codes.EtatResolution
	Version     int
	Rdv         *ticket.Appointment
	Messages    []message
}

type message struct {
	Kind   ticket.Kind
	Sender codes.Role
	Type   codes.TypeMessage
	Texte  string
	Rdv    *ticket.Appointment
	Etat   codes.EtatResolution
}

func snap(name string, code codes.ReturnCode, rule rdv.Rule, s *side) snapshot {
	out := snapshot{Step: name, Code: code, Rule: rule, Negotiation: s.n.Clone(), State: s.t.State,
		Etat: s.t.EtatResolution, Version: s.t.Version, Rdv: s.t.Rdv}
	for _, h := range s.t.History {
		if h.Message == nil {
			continue
		}
		out.Messages = append(out.Messages, message{Kind: h.Kind, Sender: h.Sender, Type: h.Message.Type,
			Texte: h.Message.Texte, Rdv: h.Rdv, Etat: h.EtatResolution})
	}
	return out
}

func filing(r rdv.Request) *ticket.Filing {
	preloc := codes.PrelocDefautPTO
	if r.Process() == rdv.ProcessNone {
		preloc = codes.PrelocDefautPBO // no visit at home: no appointment needed
	}
	return &ticket.Filing{
		CodeOC: codeOC, CodeOI: codeOI, TypeSAV: codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC: "OC-SAV-2026-0001", ReferencePrise: "FI-1234-5678",
		DateIncident: ticket.Date{Year: 2026, Month: time.October, Day: 1},
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: preloc,
		Client:      &ticket.Customer{Nom: "DUPONT", Prenom: "Éloïse", Contact1: "0600000001"},
		Rdv:         r.Appointment(),
		Commentaire: "Pas de signal chez notre cliente",
	}
}

// refusal returns the return code and slot rule of a refused step.
func refusal(err error) (codes.ReturnCode, rdv.Rule) {
	var rule rdv.Rule
	if se, ok := errors.AsType[*rdv.SlotError](err); ok {
		rule = se.Rule
	}
	if e, ok := errors.AsType[*v1a.RdvError](err); ok {
		return e.Code, rule
	}
	if e, ok := errors.AsType[*v2.RdvError](err); ok {
		return e.Code, rule
	}
	if c, ok := rdv.ReturnCode(err); ok {
		return c, rule
	}
	if e, ok := errors.AsType[*ticket.TransitionError](err); ok {
		return e.Code, rule
	}
	return 0, rule
}

// run drives script s over protocol p and returns the snapshots of each
// step, checking on the way that both sides agree.
func run(t *testing.T, p protocol, s script) []snapshot {
	t.Helper()
	var transcript bytes.Buffer
	record := func(title string, wire []byte, err error) {
		fmt.Fprintf(&transcript, "### %s\n", title)
		if err != nil {
			fmt.Fprintf(&transcript, "refused: %v\n", err)
		}
		transcript.Write(wire)
		if len(wire) > 0 && wire[len(wire)-1] != '\n' {
			transcript.WriteByte('\n')
		}
	}
	defer func() {
		if !t.Failed() {
			golden(t, strings.ReplaceAll(s.name, " ", "-")+"."+p.name()+".txt", transcript.Bytes())
		}
	}()
	oc := &side{t: &ticket.Ticket{}}
	oi := &side{t: &ticket.Ticket{}}
	at := s.start

	f := filing(s.deposit)
	require.NoError(t, oc.t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: at, Filing: f}))
	got, req, wire, err := p.deposit(t, f, at)
	require.NoError(t, err)
	record("deposit", wire, nil)
	if diff := cmp.Diff(s.deposit, req); diff != "" {
		t.Fatalf("%s: deposit's appointment (-sent +decoded):\n%s", p.name(), diff)
	}
	require.NoError(t, oi.t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: at, Filing: got}))
	oc.n, err = rdv.Deposit(rdv.FromAppointment(f.Rdv).Appointment(), at)
	require.NoError(t, err)
	oi.n, err = rdv.Deposit(req.Appointment(), at)
	require.NoError(t, err)
	require.Equal(t, s.first, oi.n.State)

	at = at.Add(10 * time.Minute)
	p.acknowledge(t, oc.t, at)
	p.acknowledge(t, oi.t, at)
	snaps := []snapshot{snap("deposit", 0, 0, oi)}
	if diff := cmp.Diff(snap("deposit", 0, 0, oc), snaps[0]); diff != "" {
		t.Fatalf("%s: after the deposit, OC and OI differ (-OC +OI):\n%s", p.name(), diff)
	}

	for _, st := range s.steps {
		at = at.Add(time.Hour)
		m := rdv.Message{Type: st.typ, Sender: st.sender, At: at, Slots: st.slots, IdRdv: st.idRdv, Texte: st.texte}
		from, to := oc, oi
		if st.sender == codes.RoleOI {
			from, to = oi, oc
		}
		before := snap(st.name, 0, 0, to)
		if st.code != 0 {
			// The sender's side would refuse it already; carry it anyway to
			// see the receiver (or the encoder) refuse it.
			decoded, wire, err := p.message(t, from.t, m)
			if err == nil {
				err = rdv.Advance(to.t, &to.n, decoded)
			}
			require.Error(t, err, "%s: %s: accepted", p.name(), st.name)
			record(st.name, wire, err)
			code, rule := refusal(err)
			if code != st.code || rule != st.rule {
				t.Errorf("%s: %s: refused with %d %v, want %d %v: %v", p.name(), st.name, code, rule, st.code, st.rule, err)
			}
			after := snap(st.name, 0, 0, to)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("%s: %s: a refused message changed the receiver (-before +after):\n%s", p.name(), st.name, diff)
			}
			snaps = append(snaps, snap(st.name, code, rule, to))
			continue
		}
		require.NoError(t, rdv.Advance(from.t, &from.n, m), "%s: %s: sender", p.name(), st.name)
		decoded, wire, err := p.message(t, from.t, m)
		require.NoError(t, err, "%s: %s: carrying", p.name(), st.name)
		record(st.name, wire, nil)
		if diff := cmp.Diff(m, decoded); diff != "" {
			t.Errorf("%s: %s: message (-sent +decoded):\n%s", p.name(), st.name, diff)
		}
		require.NoError(t, rdv.Advance(to.t, &to.n, decoded), "%s: %s: receiver", p.name(), st.name)
		if to.n.State != st.want || to.t.EtatResolution != st.etat {
			t.Errorf("%s: %s: %v %v, want %v %v", p.name(), st.name, to.n.State, to.t.EtatResolution, st.want, st.etat)
		}
		if diff := cmp.Diff(snap(st.name, 0, 0, from), snap(st.name, 0, 0, to)); diff != "" {
			t.Errorf("%s: %s: sender and receiver differ (-sender +receiver):\n%s", p.name(), st.name, diff)
		}
		snaps = append(snaps, snap(st.name, 0, 0, to))
	}
	// Each side's ticket history rebuilds its negotiation.
	for _, sd := range []*side{oc, oi} {
		n, err := rdv.FromTicket(sd.t)
		require.NoError(t, err)
		if diff := cmp.Diff(sd.n, n); diff != "" {
			t.Errorf("%s: rdv.FromTicket (-negotiation +rebuilt):\n%s", p.name(), diff)
		}
	}
	return snaps
}

// TestNegotiationSameOverBothProtocols drives each script once over 1.0a
// and once over 2.0 and requires identical negotiations, tickets and slots
// at every step.
func TestNegotiationSameOverBothProtocols(t *testing.T) {
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			a := run(t, protoV1A{}, s)
			b := run(t, protoV2{}, s)
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("1.0a and 2.0 runs differ (-v1a +v2):\n%s", diff)
			}
			last := a[len(a)-1]
			want := s.steps[len(s.steps)-1]
			if last.Negotiation.State != want.want {
				t.Errorf("ends in %v, want %v", last.Negotiation.State, want.want)
			}
			// Slot values are identical instants and identical Paris wall
			// clocks in both runs.
			for i := range a {
				for j, sl := range a[i].Negotiation.Slots {
					o := b[i].Negotiation.Slots[j]
					if sl.Debut.String() != o.Debut.String() || sl.Fin.String() != o.Fin.String() {
						t.Errorf("step %q slot %d: %v–%v vs %v–%v", a[i].Step, j+1, sl.Debut, sl.Fin, o.Debut, o.Fin)
					}
				}
			}
		})
	}
}

// TestDepositRefusedAlike checks that both protocols refuse the same bad
// deposits with the same code.
func TestDepositRefusedAlike(t *testing.T) {
	at := paris(2027, time.March, 20, 9, 0)
	tests := []struct {
		name string
		req  rdv.Request
		code codes.ReturnCode
	}{
		{"booking id and slots", rdv.Request{IdRdv: "RDV-1", Slots: []rdv.Slot{sSat}}, codes.ReturnCodeUnexpected},
		{"four slots", rdv.Request{Slots: []rdv.Slot{sSat, sMon, sTue, sWed}}, codes.ReturnCodeBadFormat},
		{"overlap", rdv.Request{Slots: []rdv.Slot{sTue, sTue}}, codes.ReturnCodeUnexpected},
		{"booking id too long", rdv.Request{IdRdv: fmt.Sprintf("%051d", 7)}, codes.ReturnCodeBadFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []protocol{protoV1A{}, protoV2{}} {
				_, _, _, err := p.deposit(t, filing(tt.req), at)
				if code, _ := refusal(err); code != tt.code {
					t.Errorf("%s: refused with %d, want %d: %v", p.name(), code, tt.code, err)
				}
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// golden compares got with testdata/name, or writes it with -update. The
// transcripts pin what each protocol puts on the wire for the scripts.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-golden +got):\n%s", path, diff)
	}
}
