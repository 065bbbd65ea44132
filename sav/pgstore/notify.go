package pgstore

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifier fans the outbox's notifications out to the subscriptions. A
// commit that makes a delivery ready runs pg_notify on the schema's
// channel; while the store has subscriptions, one connection of its own
// (outside the pool) LISTENs on it, reconnecting after a failure. The
// subscriptions of the process that committed are woken at once too.
type notifier struct {
	s *Store

	mu     sync.Mutex
	subs   map[int]chan struct{}
	next   int
	stop   context.CancelFunc // of the running listener, nil when none
	closed bool
	wg     sync.WaitGroup
}

// Subscribe implements [sav.Notifier]: the channel receives a value after
// each change that makes a delivery ready, in any process using the
// schema. A dispatcher's poll stays the fallback: a notification sent
// while the listener reconnects is lost, and every reconnection wakes the
// subscriptions once.
func (s *Store) Subscribe() (<-chan struct{}, func()) {
	n := &s.notifier
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.subs == nil {
		n.subs = map[int]chan struct{}{}
	}
	ch := make(chan struct{}, 1)
	id := n.next
	n.next++
	n.subs[id] = ch
	if n.stop == nil && !n.closed {
		ctx, cancel := context.WithCancel(context.Background())
		n.stop = cancel
		n.wg.Go(func() { n.listen(ctx) })
	}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			n.mu.Lock()
			defer n.mu.Unlock()
			delete(n.subs, id)
			if len(n.subs) == 0 && n.stop != nil {
				n.stop()
				n.stop = nil
			}
		})
	}
}

// notifyIf wakes the subscriptions of this process when cond holds.
func (s *Store) notifyIf(cond bool) {
	if cond {
		s.notifier.broadcast()
	}
}

func (n *notifier) broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ch := range n.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (n *notifier) close() {
	n.mu.Lock()
	n.closed = true
	if n.stop != nil {
		n.stop()
		n.stop = nil
	}
	n.mu.Unlock()
	n.wg.Wait()
}

// listen LISTENs until ctx ends.
func (n *notifier) listen(ctx context.Context) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		connected, err := n.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if connected {
			wait = 100 * time.Millisecond
		}
		if n.s.logger != nil {
			n.s.logger.LogAttrs(ctx, slog.LevelWarn, "pgstore: outbox listener: connection lost; reconnecting",
				slog.String("error", err.Error()), slog.Duration("wait", wait))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func (n *notifier) listenOnce(ctx context.Context) (connected bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, n.s.pool.Config().ConnConfig)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{n.s.channel}.Sanitize()); err != nil {
		return false, err
	}
	// What was committed while no one listened.
	n.broadcast()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true, err
		}
		n.broadcast()
	}
}
