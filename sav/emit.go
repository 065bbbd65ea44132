package sav

import (
	"context"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// eventOrder delivers the events of each ticket in the order of its steps.
// Two calls can commit steps of one ticket one after the other and reach
// emit in the other order (the answer to a 2.0 create and the OI's first
// notification); so each ticket has a watermark, the history entries
// already queued, and whoever emits queues every entry past it, in history
// order. One goroutine at a time delivers a ticket's queue, without holding
// the lock: a handler that acts on the same ticket queues its events, and
// they are delivered when it returns.
type eventOrder struct {
	mu        sync.Mutex
	tickets   map[Key]*ticketEvents
	lastSweep time.Time
}

type ticketEvents struct {
	queued   int // history entries queued so far
	queue    []Event
	draining bool      // a goroutine is delivering queue
	final    time.Time // when the ticket was seen in a final state
}

// finalGrace is how long a ticket in a final state keeps its watermark: a
// call that committed a step before the final one and emits late must not
// deliver it twice.
const finalGrace = time.Minute

// start sets the watermark of a ticket we created: its first n history
// entries have no events to deliver.
func (o *eventOrder) start(key Key, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tickets == nil {
		o.tickets = make(map[Key]*ticketEvents)
	}
	if _, ok := o.tickets[key]; !ok {
		o.tickets[key] = &ticketEvents{queued: n}
	}
}

// emit hands the partner's steps of t past the ticket's watermark (from,
// the first entry this call committed, for a ticket not seen before) to h,
// in history order.
func (o *eventOrder) emit(ctx context.Context, h Handler, role codes.Role, partner string, proto Protocol, from int, t *ticket.Ticket) {
	key := KeyOf(role, t)
	o.mu.Lock()
	if o.tickets == nil {
		o.tickets = make(map[Key]*ticketEvents)
	}
	k := o.tickets[key]
	if k == nil {
		k = &ticketEvents{queued: from}
		o.tickets[key] = k
	}
	for _, r := range t.History[min(k.queued, len(t.History)):] {
		if r.Sender != role {
			k.queue = append(k.queue, Event{Kind: EventKindOf(r.Kind), Role: role, Key: key, Partner: partner,
				Protocol: proto, Transaction: r, Ticket: t.Clone()})
		}
	}
	k.queued = max(k.queued, len(t.History))
	if t.State.Terminal() && k.final.IsZero() {
		k.final = time.Now()
	}
	if k.draining {
		o.mu.Unlock()
		return
	}
	k.draining = true
	for len(k.queue) > 0 {
		ev := k.queue[0]
		k.queue[0] = Event{}
		k.queue = k.queue[1:]
		o.mu.Unlock()
		o.deliver(ctx, h, k, ev)
		o.mu.Lock()
	}
	k.draining, k.queue = false, nil
	o.sweep()
	o.mu.Unlock()
}

// deliver hands ev to h. If h panics, the ticket's queue is left for the
// next emit to deliver, and the panic goes on.
func (o *eventOrder) deliver(ctx context.Context, h Handler, k *ticketEvents, ev Event) {
	delivered := false
	defer func() {
		if !delivered {
			o.mu.Lock()
			k.draining = false
			o.mu.Unlock()
		}
	}()
	h.HandleEvent(ctx, ev)
	delivered = true
}

// sweep forgets, at most once per finalGrace, the tickets that have been
// in a final state for longer than finalGrace.
func (o *eventOrder) sweep() {
	now := time.Now()
	if now.Sub(o.lastSweep) < finalGrace {
		return
	}
	o.lastSweep = now
	for key, k := range o.tickets {
		if !k.final.IsZero() && !k.draining && now.Sub(k.final) > finalGrace {
			delete(o.tickets, key)
		}
	}
}
