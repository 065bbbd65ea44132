package sav

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// orderTicket is an OC's ticket whose history has our create followed by
// the OI's steps.
func orderTicket(steps ...ticket.Kind) *ticket.Ticket {
	t := &ticket.Ticket{Filing: ticket.Filing{CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "REF-1"}}
	t.History = append(t.History, ticket.Record{Transaction: ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC}})
	for _, k := range steps {
		t.History = append(t.History, ticket.Record{Transaction: ticket.Transaction{Kind: k, Sender: codes.RoleOI}})
	}
	return t
}

type kindRecorder struct {
	mu    sync.Mutex
	kinds []EventKind
	on    func(Event)
}

func (r *kindRecorder) HandleEvent(_ context.Context, e Event) {
	r.mu.Lock()
	r.kinds = append(r.kinds, e.Kind)
	r.mu.Unlock()
	if r.on != nil {
		r.on(e)
	}
}

// Two calls committed the acknowledgement then the prise en charge, and
// reach emit in the other order: the events still come in the steps'
// order, once each.
func TestEventOrderRacingCalls(t *testing.T) {
	var o eventOrder
	h := &kindRecorder{}
	ctx := context.Background()
	acked := orderTicket(ticket.KindAcknowledge)
	solving := orderTicket(ticket.KindAcknowledge, ticket.KindCaseSolving)
	o.start(KeyOf(codes.RoleOC, acked), 1)
	o.emit(ctx, h, codes.RoleOC, "FTEL", ProtocolV2, 2, solving) // the notification's call first
	o.emit(ctx, h, codes.RoleOC, "FTEL", ProtocolV2, 1, acked)   // then the create's
	require.Equal(t, []EventKind{EventAcknowledged, EventTakenInCharge}, h.kinds)
}

// A handler that causes an event on the ticket it handles gets it after it
// returns, not inside itself; a panicking handler does not stop the
// ticket's later events.
func TestEventOrderReentrantAndPanic(t *testing.T) {
	var o eventOrder
	ctx := context.Background()
	h := &kindRecorder{}
	depth, maxDepth := 0, 0
	h.on = func(e Event) {
		depth++
		maxDepth = max(maxDepth, depth)
		if e.Kind == EventAcknowledged {
			o.emit(ctx, h, codes.RoleOC, "FTEL", ProtocolV2, 2, orderTicket(ticket.KindAcknowledge, ticket.KindCaseSolving))
		}
		depth--
	}
	o.emit(ctx, h, codes.RoleOC, "FTEL", ProtocolV2, 1, orderTicket(ticket.KindAcknowledge))
	require.Equal(t, []EventKind{EventAcknowledged, EventTakenInCharge}, h.kinds)
	require.Equal(t, 1, maxDepth)

	p := &kindRecorder{on: func(e Event) {
		if e.Kind == EventTakenInCharge {
			panic("handler failed")
		}
	}}
	var q eventOrder
	require.Panics(t, func() {
		q.emit(ctx, p, codes.RoleOC, "FTEL", ProtocolV2, 1, orderTicket(ticket.KindAcknowledge, ticket.KindCaseSolving))
	})
	q.emit(ctx, p, codes.RoleOC, "FTEL", ProtocolV2, 3,
		orderTicket(ticket.KindAcknowledge, ticket.KindCaseSolving, ticket.KindCaseSolved))
	require.Equal(t, []EventKind{EventAcknowledged, EventTakenInCharge, EventClosed}, p.kinds)
}

// Tickets in a final state are forgotten after the grace period; the
// others are kept.
func TestEventOrderSweep(t *testing.T) {
	var o eventOrder
	h := &kindRecorder{}
	ctx := context.Background()
	closed := orderTicket(ticket.KindAcknowledge)
	closed.State = ticket.StateClosed
	open := orderTicket(ticket.KindAcknowledge)
	open.Filing.ReferenceSigSAVRaccoOC = "REF-2"
	o.emit(ctx, h, codes.RoleOC, "FTEL", ProtocolV2, 1, closed)
	o.emit(ctx, h, codes.RoleOC, "FTEL", ProtocolV2, 1, open)
	require.Len(t, o.tickets, 2)
	o.mu.Lock()
	o.tickets[KeyOf(codes.RoleOC, closed)].final = o.tickets[KeyOf(codes.RoleOC, closed)].final.Add(-2 * finalGrace)
	o.lastSweep = o.lastSweep.Add(-2 * finalGrace)
	o.sweep()
	o.mu.Unlock()
	require.Len(t, o.tickets, 1)
	require.Contains(t, o.tickets, KeyOf(codes.RoleOC, open))
}
