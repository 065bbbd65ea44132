package sav

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Backoff is the schedule of retries after temporary failures: the n-th
// retry waits Initial × Multiplier^(n-1), capped at Max, less a random part
// of at most Jitter of it (so partners that come back are not hit by every
// sender at once).
type Backoff struct {
	// Initial is the wait after the first failed attempt; zero means
	// DefaultBackoff's.
	Initial time.Duration
	// Max caps every wait; zero means DefaultBackoff's.
	Max time.Duration
	// Multiplier is the growth from one wait to the next, at least 1; zero
	// means DefaultBackoff's.
	Multiplier float64
	// Jitter is the fraction of a wait, in [0, 1], that is removed at
	// random; zero means none.
	Jitter float64
}

// DefaultBackoff is the dispatcher's schedule when its Backoff is zero:
// 2s, 4s, 8s, … up to 10 minutes, each up to 20% shorter at random.
var DefaultBackoff = Backoff{Initial: 2 * time.Second, Max: 10 * time.Minute, Multiplier: 2, Jitter: 0.2}

// Delay returns the wait after the attempt-th failed attempt (1 for the
// first), given r, a random number in [0, 1): the base wait less
// Jitter × r × base. It is never more than Max nor negative.
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	if b == (Backoff{}) {
		b = DefaultBackoff
	}
	if b.Initial <= 0 {
		b.Initial = DefaultBackoff.Initial
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	if b.Multiplier < 1 {
		b.Multiplier = DefaultBackoff.Multiplier
	}
	if attempt < 1 {
		attempt = 1
	}
	base := float64(b.Initial) * math.Pow(b.Multiplier, float64(attempt-1))
	if base > float64(b.Max) || math.IsInf(base, 0) || math.IsNaN(base) {
		base = float64(b.Max)
	}
	j := min(max(b.Jitter, 0), 1)
	r = min(max(r, 0), 1)
	return time.Duration(base - base*j*r)
}

// Clock is the dispatcher's time: Now, and After, which sends on its
// channel once d has passed. Tests inject one to run the schedule without
// waiting.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Dispatcher defaults.
const (
	DefaultConcurrency = 4
	DefaultTimeout     = time.Minute
	DefaultPoll        = 5 * time.Second
)

// Dispatcher delivers what an [Outbox] holds, through a [Deliverer]: it
// claims the ready deliveries (in order per ticket, see [Outbox]), attempts
// them, records each result, and retries temporary failures on the
// [Backoff] schedule until they succeed. A permanent failure (an error
// wrapping [ErrPermanent]), a panic of the deliverer, or MaxAttempts
// failures park the delivery as stuck, where [Outbox.Stuck] shows it until
// a person retries ([Dispatcher.Retry]) or abandons it. Nothing is dropped.
//
// Delivery is at least once: an attempt whose result could not be recorded
// (the process stopped, the store failed) is attempted again when its lease
// ends, so receivers drop duplicates by [Delivery].IdempotencyKey.
//
// Set the fields before calling Run; a Dispatcher runs once at a time.
// Several dispatchers (in several processes) may share one outbox: claims
// are exclusive.
type Dispatcher struct {
	// Outbox and Deliverer are required.
	Outbox    Outbox
	Deliverer Deliverer

	// Backoff is the retry schedule; zero means DefaultBackoff.
	Backoff Backoff
	// MaxAttempts parks a delivery as stuck after that many failed
	// attempts; zero means retry for ever (at the capped backoff).
	MaxAttempts int
	// Concurrency bounds the attempts under way at once; zero means
	// DefaultConcurrency.
	Concurrency int
	// Timeout bounds each attempt; zero means DefaultTimeout.
	Timeout time.Duration
	// Lease is how long a claimed delivery is ours before another
	// dispatcher may claim it; zero means twice Timeout. Keep it above
	// Timeout.
	Lease time.Duration
	// Poll is the longest time between two reads of the outbox when
	// nothing is expected (an outbox that is a [Notifier], and Wake, make
	// new deliveries go at once); zero means DefaultPoll.
	Poll time.Duration
	// Grace is how long Run lets attempts under way finish after its
	// context ends, before cancelling them (they are then retried later);
	// zero means Timeout.
	Grace time.Duration

	// Clock is the time source; nil means the system clock.
	Clock Clock
	// Rand returns the random numbers in [0, 1) of the jitter; nil means
	// math/rand/v2. It must be safe for concurrent use.
	Rand func() float64
	// Logger, when set, receives a record per failed attempt (warn), per
	// parked delivery (error) and per delivery (debug).
	Logger *slog.Logger

	wakeOnce sync.Once
	wake     chan struct{}
}

func (d *Dispatcher) wakeChan() chan struct{} {
	d.wakeOnce.Do(func() { d.wake = make(chan struct{}, 1) })
	return d.wake
}

// Wake makes a running dispatcher read the outbox now, e.g. right after a
// commit that enqueued deliveries. It never blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wakeChan() <- struct{}{}:
	default:
	}
}

// Retry makes the stuck delivery id pending again at once (see
// [Outbox.Retry]) and wakes the dispatcher.
func (d *Dispatcher) Retry(ctx context.Context, id string) error {
	if d.Outbox == nil {
		return fmt.Errorf("sav: dispatcher without outbox: %w", ErrInvalid)
	}
	if err := d.Outbox.Retry(ctx, id, d.clock().Now()); err != nil {
		return err
	}
	d.Wake()
	return nil
}

func (d *Dispatcher) clock() Clock {
	if d.Clock != nil {
		return d.Clock
	}
	return systemClock{}
}

func (d *Dispatcher) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return DefaultTimeout
}

type attemptResult struct{}

// expired is a timer channel that has fired.
var expired = func() <-chan time.Time {
	c := make(chan time.Time)
	close(c)
	return c
}()

// Run delivers until ctx ends, then stops gracefully: it claims nothing
// more, lets the attempts under way finish (for at most Grace, then cancels
// them and records them as failed, to be retried), and returns nil.
// Deliveries it did not attempt stay in the outbox for the next run. It
// returns an error at once when the dispatcher is not configured.
func (d *Dispatcher) Run(ctx context.Context) error {
	if d.Outbox == nil || d.Deliverer == nil {
		return fmt.Errorf("sav: dispatcher needs an Outbox and a Deliverer: %w", ErrInvalid)
	}
	clock := d.clock()
	conc := d.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	lease := d.Lease
	if lease <= 0 {
		lease = 2 * d.timeout()
	}
	poll := d.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	grace := d.Grace
	if grace <= 0 {
		grace = d.timeout()
	}
	var notify <-chan struct{}
	if n, ok := d.Outbox.(Notifier); ok {
		ch, cancel := n.Subscribe()
		defer cancel()
		notify = ch
	}
	// Attempts and their bookkeeping outlive ctx: an attempt under way at
	// stop finishes (within Grace) and its result is recorded.
	keep := context.WithoutCancel(ctx)
	attemptCtx, cancelAttempts := context.WithCancel(keep)
	defer cancelAttempts()
	done := make(chan attemptResult, conc)
	inflight := 0

	for ctx.Err() == nil {
		var nextDue time.Time
		if inflight < conc {
			c, err := d.Outbox.Claim(ctx, ClaimRequest{Now: clock.Now(), Limit: conc - inflight, Lease: lease})
			switch {
			case err != nil && ctx.Err() != nil:
				continue
			case err != nil:
				d.log(ctx, slog.LevelError, "outbox: claim failed", slog.String("error", err.Error()))
			default:
				for _, del := range c.Deliveries {
					inflight++
					go func() {
						d.attempt(attemptCtx, keep, del)
						done <- attemptResult{}
					}()
				}
				nextDue = c.NextDue
			}
		}
		// Wait for the next due delivery, a new one, or a free slot (the end
		// of an attempt), but never longer than poll.
		timer := expired
		wait := poll
		if !nextDue.IsZero() && inflight < conc {
			wait = min(max(nextDue.Sub(clock.Now()), 0), poll)
		}
		if wait > 0 {
			timer = clock.After(wait)
		}
		select {
		case <-ctx.Done():
		case <-done:
			inflight--
		case <-notify:
		case <-d.wakeChan():
		case <-timer:
		}
	}

	graceTimer := clock.After(grace)
	for inflight > 0 {
		select {
		case <-done:
			inflight--
		case <-graceTimer:
			graceTimer = nil
			d.log(keep, slog.LevelWarn, "outbox: stopping: cancelling attempts under way",
				slog.Int("attempts", inflight))
			cancelAttempts()
		}
	}
	return nil
}

// attempt delivers del once and records the result with storeCtx.
func (d *Dispatcher) attempt(ctx, storeCtx context.Context, del *Delivery) {
	clock := d.clock()
	err := d.deliver(ctx, del)
	now := clock.Now()
	attrs := []slog.Attr{slog.String("id", del.ID), slog.String("label", del.Label),
		slog.String("destination", del.Destination.String()), slog.Int("attempt", del.Attempts)}
	if err == nil {
		if rerr := d.Outbox.Delivered(storeCtx, del.ID, now); rerr != nil {
			d.log(storeCtx, slog.LevelError, "outbox: delivered but not recorded; it will be delivered again",
				append(attrs, slog.String("error", rerr.Error()))...)
			return
		}
		d.log(storeCtx, slog.LevelDebug, "outbox: delivered", attrs...)
		return
	}
	f := Failure{At: now, Err: err.Error(), ClaimToken: del.ClaimToken}
	switch {
	case errors.Is(err, ErrPermanent):
		f.Park, f.Reason = true, "permanent failure"
	case errors.Is(err, errDelivererPanic):
		f.Park, f.Reason = true, "the deliverer panicked"
	case d.MaxAttempts > 0 && del.Attempts >= d.MaxAttempts:
		f.Park, f.Reason = true, fmt.Sprintf("gave up after %d attempts", del.Attempts)
	case ctx.Err() != nil:
		// Cancelled by a stop: not the destination's fault, retry at once.
		f.Next = now
	default:
		r := rand.Float64
		if d.Rand != nil {
			r = d.Rand
		}
		f.Next = now.Add(d.Backoff.Delay(del.Attempts, r()))
	}
	if rerr := d.Outbox.Failed(storeCtx, del.ID, f); rerr != nil {
		if errors.Is(rerr, ErrLeaseLost) {
			d.log(storeCtx, slog.LevelWarn, "outbox: attempt failed after its lease ended; another claim has the delivery",
				append(attrs, slog.String("error", err.Error()))...)
			return
		}
		d.log(storeCtx, slog.LevelError, "outbox: failure not recorded; the delivery is retried when its lease ends",
			append(attrs, slog.String("error", err.Error()), slog.String("store_error", rerr.Error()))...)
		return
	}
	if f.Park {
		d.log(storeCtx, slog.LevelError, "outbox: delivery parked as stuck",
			append(attrs, slog.String("error", err.Error()), slog.String("reason", f.Reason))...)
		return
	}
	d.log(storeCtx, slog.LevelWarn, "outbox: attempt failed",
		append(attrs, slog.String("error", err.Error()), slog.Time("next", f.Next))...)
}

var errDelivererPanic = errors.New("sav: deliverer panicked")

// deliver calls the deliverer with the attempt timeout, turning a panic
// into an error.
func (d *Dispatcher) deliver(ctx context.Context, del *Delivery) (err error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errDelivererPanic, p)
		}
	}()
	c := *del // the deliverer's copy: what it changes is not what we record
	return d.Deliverer.Deliver(ctx, &c)
}

func (d *Dispatcher) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if d.Logger != nil {
		d.Logger.LogAttrs(ctx, level, msg, attrs...)
	}
}
