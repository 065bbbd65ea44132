package rdvinterop

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
)

// randomPool is what random scripts draw from: slots 1.0a can carry (both
// changes of time, a midnight end, overlapping ones), both roles, the four
// appointment types and a non-appointment one, booking ids.
var randomPool = struct {
	slots  []rdv.Slot
	types  []codes.TypeMessage
	ids    []string
	texts  []string
	start  time.Time
	starts []time.Duration
}{
	slots: []rdv.Slot{sSat, sSpring, sMon, sTue, sWed, sThu, sMidnight,
		slot(2027, time.March, 30, 11, 0, 13, 0), slot(2027, time.March, 19, 8, 0, 10, 0)},
	types: []codes.TypeMessage{codes.TypeMessageDemandeRdv, codes.TypeMessagePropositionRdv,
		codes.TypeMessageReponseRdv, codes.TypeMessageConfirmationRdv, codes.TypeMessageCommentaire},
	ids:   []string{"", "", "", "RDV-1", "RDV-2"},
	texts: []string{"", "Client absent le matin", "=1+1", "101 RDV NON DISPONIBLE"},
	start: paris(2027, time.March, 20, 9, 0),
}

func randomMessage(r *rand.Rand, n rdv.Negotiation) rdv.Message {
	p := randomPool
	onTable := n.Slots
	m := rdv.Message{Type: p.types[r.IntN(len(p.types))], Sender: codes.RoleOC, IdRdv: p.ids[r.IntN(len(p.ids))],
		Texte: p.texts[r.IntN(len(p.texts))]}
	if r.IntN(2) == 0 {
		m.Sender = codes.RoleOI
	}
	// Half of the time, a move the table allows now.
	var allowed []rdv.Step
	for _, st := range rdv.Steps() {
		if st.From == n.State && st.Type != "" {
			allowed = append(allowed, st)
		}
	}
	if len(allowed) > 0 && r.IntN(2) == 0 {
		st := allowed[r.IntN(len(allowed))]
		m.Type, m.Sender = st.Type, st.Sender
	}
	switch k := r.IntN(6); {
	case m.Type == codes.TypeMessageDemandeRdv && k < 4:
		// asks for slots: carries none
	case k < 2 && len(onTable) > 0:
		// Often answer with one of the slots on the table, as a real
		// partner does, so that the negotiation gets far.
		m.Slots = []rdv.Slot{onTable[r.IntN(len(onTable))]}
	case k < 5:
		for range k {
			m.Slots = append(m.Slots, p.slots[r.IntN(len(p.slots))])
		}
	}
	if r.IntN(3) > 0 {
		m.IdRdv = "" // keep most messages carriable
	}
	return m
}

type outcome struct {
	Code codes.ReturnCode
	Rule rdv.Rule
	Snap snapshot
}

// play applies random messages over protocol p from the deposit dep and
// returns the outcome of each, checking that sender and receiver agree.
func play(t *testing.T, p protocol, dep rdv.Request, seed uint64, steps int) []outcome {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	oc := &side{t: &ticket.Ticket{}}
	oi := &side{t: &ticket.Ticket{}}
	at := randomPool.start
	f := filing(dep)
	require.NoError(t, oc.t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: at, Filing: f}))
	got, req, _, err := p.deposit(t, f, at)
	require.NoError(t, err)
	require.NoError(t, oi.t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: at, Filing: got}))
	oc.n, err = rdv.Deposit(f.Rdv, at)
	require.NoError(t, err)
	oi.n, err = rdv.Deposit(req.Appointment(), at)
	require.NoError(t, err)
	p.acknowledge(t, oc.t, at)
	p.acknowledge(t, oi.t, at)

	var out []outcome
	for range steps {
		at = at.Add(17 * time.Minute)
		m := randomMessage(r, oi.n)
		m.At = at
		from, to := oc, oi
		if m.Sender == codes.RoleOI {
			from, to = oi, oc
		}
		decoded, _, err := p.message(t, from.t, m)
		if err == nil {
			if diff := cmp.Diff(m, decoded); diff != "" {
				t.Fatalf("%s: message (-sent +decoded):\n%s", p.name(), diff)
			}
			err = rdv.Advance(to.t, &to.n, decoded)
			senderErr := rdv.Advance(from.t, &from.n, m)
			if (err == nil) != (senderErr == nil) {
				t.Fatalf("%s: %+v: receiver %v, sender %v", p.name(), m, err, senderErr)
			}
		}
		code, rule := refusal(err)
		if err != nil && code == 0 {
			t.Fatalf("%s: refusal without a code: %v", p.name(), err)
		}
		if diff := cmp.Diff(snap("", 0, 0, from), snap("", 0, 0, to)); diff != "" {
			t.Fatalf("%s: %+v: sides differ (-sender +receiver):\n%s", p.name(), m, diff)
		}
		out = append(out, outcome{Code: code, Rule: rule, Snap: snap(string(m.Type)+" ("+string(m.Sender)+")", 0, 0, to)})
	}
	return out
}

// TestRandomNegotiationsSameOverBothProtocols plays random message
// sequences, most of them refused somewhere, over both protocols: every
// step must be accepted or refused alike, with the same code and rule, and
// leave identical states.
func TestRandomNegotiationsSameOverBothProtocols(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 30
	}
	deposits := []rdv.Request{{}, {IdRdv: "RDV-1"}, {Slots: []rdv.Slot{sSat, sSpring}}, {Slots: []rdv.Slot{sMidnight}}}
	accepted, states := 0, map[rdv.State]bool{}
	for seed := range uint64(n) {
		dep := deposits[seed%uint64(len(deposits))]
		a := play(t, protoV1A{}, dep, seed, 12)
		b := play(t, protoV2{}, dep, seed, 12)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("seed %d: 1.0a and 2.0 differ (-v1a +v2):\n%s", seed, diff)
		}
		for _, o := range a {
			if o.Code == 0 {
				accepted++
			}
			states[o.Snap.Negotiation.State] = true
		}
	}
	// The generator reaches every state and accepts a fair share.
	for _, s := range rdv.States {
		if !states[s] && s != rdv.StateNone {
			t.Errorf("no script reached %v", s)
		}
	}
	if accepted < n {
		t.Errorf("only %d accepted steps in %d scripts", accepted, n)
	}
	t.Logf("%d scripts, %d steps, %d accepted", n, n*12, accepted)
}
