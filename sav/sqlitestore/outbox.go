package sqlitestore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/opensav/savsdk/sav"
)

// commitEffects enqueues ds and records rs in tx, in that order, and
// returns the stored deliveries when stored is set. It reports whether a
// delivery was enqueued (subscribers are told after the commit).
func (s *Store) commitEffects(ctx context.Context, tx db, ds []*sav.Delivery, rs []sav.Resolution,
	stored *[]*sav.Delivery) (bool, error) {
	if len(ds) > 0 {
		now := ts(s.now())
		for _, d := range ds {
			sd, err := s.enqueue(ctx, tx, d, now)
			if err != nil {
				return false, err
			}
			if stored != nil {
				*stored = append(*stored, sd)
			}
		}
	}
	for _, r := range rs {
		if err := s.resolve(ctx, tx, r); err != nil {
			return false, err
		}
	}
	return len(ds) > 0, nil
}

// enqueue inserts d in the outbox and in its lanes; it is front when all
// of them were empty.
func (s *Store) enqueue(ctx context.Context, tx db, d *sav.Delivery, now string) (*sav.Delivery, error) {
	lanes := d.Lanes()
	names := make([]string, len(lanes))
	front := true
	for i, l := range lanes {
		names[i] = laneName(l)
		var taken bool
		if err := tx.QueryRowContext(ctx, sqlLaneTaken, names[i]).Scan(&taken); err != nil {
			return nil, s.dbErr("enqueue", err)
		}
		front = front && !taken
	}
	id := rand.Text()
	key := d.IdempotencyKey
	if key == "" {
		key = id
	}
	var tickets any
	if len(d.Tickets) > 0 {
		b, err := json.Marshal(d.Tickets)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: delivery %q: %w", d.Label, err)
		}
		tickets = string(b)
	}
	next := ts(d.NextAttempt)
	var due any
	if front {
		due = next
	}
	zero := ts(time.Time{})
	sd, err := scanDelivery(tx.QueryRowContext(ctx, sqlEnqueue, id, d.Protocol, d.Destination.Code,
		d.Destination.Address, d.ContentType, blob(d.Body), tickets, boolInt(d.DestinationOrder), d.Label, key, next,
		sav.DeliveryPending, now, zero, zero, zero, boolInt(front), due))
	if err != nil {
		return nil, s.dbErr("enqueue", err)
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, sqlAddToLane, n, sd.Seq); err != nil {
			return nil, s.dbErr("enqueue", err)
		}
	}
	return sd, nil
}

// laneName is the text that names a lane in delivery_lanes.
func laneName(l sav.Lane) string {
	var b []byte
	if l.Ticket.IsZero() {
		b, _ = json.Marshal([]string{"d", l.Destination.Code, l.Destination.Address})
	} else {
		b, _ = json.Marshal([]string{"t", string(l.Ticket.Role), l.Ticket.CodeOC, l.Ticket.ReferenceSigSAVRaccoOC})
	}
	return string(b)
}

// Commit implements [sav.Outbox.Commit].
func (s *Store) Commit(ctx context.Context, fx sav.Effects) ([]*sav.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ds, err := sav.PrepareEffects(sav.Key{}, fx)
	if err != nil {
		return nil, err
	}
	var (
		out    []*sav.Delivery
		notify bool
	)
	err = s.write(ctx, func(tx db) error {
		out = out[:0]
		var err error
		notify, err = s.commitEffects(ctx, tx, ds, fx.Outcomes, &out)
		return err
	})
	if err != nil {
		return nil, err
	}
	if notify {
		s.subs.Notify()
	}
	if out == nil {
		out = []*sav.Delivery{}
	}
	return out, nil
}

// Claim implements [sav.Outbox.Claim].
func (s *Store) Claim(ctx context.Context, req sav.ClaimRequest) (sav.Claimed, error) {
	if err := ctx.Err(); err != nil {
		return sav.Claimed{}, err
	}
	if req.Limit < 1 || req.Lease <= 0 {
		return sav.Claimed{}, fmt.Errorf("sqlitestore: claim: limit %d and lease %v must be positive: %w",
			req.Limit, req.Lease, sav.ErrInvalid)
	}
	var c sav.Claimed
	err := s.write(ctx, func(tx db) error {
		c = sav.Claimed{}
		rows, err := tx.QueryContext(ctx, sqlReady, ts(req.Now), req.Limit)
		if err != nil {
			return s.dbErr("claim", err)
		}
		var seqs []int64
		for rows.Next() {
			var seq int64
			if err := rows.Scan(&seq); err != nil {
				rows.Close()
				return s.dbErr("claim", err)
			}
			seqs = append(seqs, seq)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.dbErr("claim", err)
		}
		lease := ts(req.Now.Add(req.Lease))
		for _, seq := range seqs {
			d, err := scanDelivery(tx.QueryRowContext(ctx, sqlClaimOne, sav.DeliveryInFlight, lease, seq, rand.Text()))
			if err != nil {
				return s.dbErr("claim", err)
			}
			c.Deliveries = append(c.Deliveries, d)
		}
		var next sql.NullString
		if err := tx.QueryRowContext(ctx, sqlNextDue).Scan(&next); err != nil {
			return s.dbErr("claim", err)
		}
		if next.Valid {
			if c.NextDue, err = parseTS(next.String); err != nil {
				return err
			}
		}
		return nil
	})
	return c, err
}

// What a change made of a delivery.
type changed int

const (
	unchanged changed = iota // nothing to write
	updated                  // still in its lanes
	final                    // delivered or abandoned: it leaves its lanes
)

// change runs fn on delivery id in a write transaction; fn changes d and
// says how. The change is written, and a final delivery leaves its lanes.
func (s *Store) change(ctx context.Context, id string, fn func(d *sav.Delivery) (changed, error)) error {
	var notify bool
	err := s.write(ctx, func(tx db) error {
		notify = false
		d, err := scanDelivery(tx.QueryRowContext(ctx, sqlDelivery, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlitestore: delivery %q: %w", id, sav.ErrNotFound)
		}
		if err != nil {
			return s.dbErr("delivery", err)
		}
		was := d.Status
		how, err := fn(d)
		if err != nil || how == unchanged {
			return err
		}
		front := 1
		var due any
		switch {
		case how == final:
			front = 0
		case d.Status == sav.DeliveryPending:
			due = ts(d.NextAttempt)
		case d.Status == sav.DeliveryInFlight:
			due = ts(d.LeaseUntil)
		}
		if _, err := tx.ExecContext(ctx, sqlSetState, d.Status, d.Attempts, ts(d.NextAttempt),
			ts(d.LastAttemptAt), d.LastError, ts(d.LeaseUntil), ts(d.DeliveredAt), d.Reason, front, due,
			d.ClaimToken, d.Seq); err != nil {
			return s.dbErr("delivery", err)
		}
		if how != final {
			notify = d.Status == sav.DeliveryPending && was == sav.DeliveryStuck
			return nil
		}
		notify, err = s.leaveLanes(ctx, tx, d)
		return err
	})
	if err == nil && notify {
		s.subs.Notify()
	}
	return err
}

// leaveLanes removes the final delivery d from its lanes, and makes front
// the deliveries that now head all of theirs; it reports whether one did.
func (s *Store) leaveLanes(ctx context.Context, tx db, d *sav.Delivery) (bool, error) {
	if _, err := tx.ExecContext(ctx, sqlLeaveLanes, d.Seq); err != nil {
		return false, s.dbErr("delivery", err)
	}
	promoted := false
	for _, l := range d.Lanes() {
		var head sql.NullInt64
		if err := tx.QueryRowContext(ctx, sqlLaneHead, laneName(l)).Scan(&head); err != nil {
			return false, s.dbErr("delivery", err)
		}
		if !head.Valid {
			continue
		}
		res, err := tx.ExecContext(ctx, sqlPromote, head.Int64, sav.DeliveryPending)
		if err != nil {
			return false, s.dbErr("delivery", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return false, s.dbErr("delivery", err)
		} else if n > 0 {
			promoted = true
		}
	}
	return promoted, nil
}

// Delivered implements [sav.Outbox.Delivered]. A delivery that is pending
// or stuck (its lease ended while the attempt went on) is delivered too:
// it did arrive.
func (s *Store) Delivered(ctx context.Context, id string, at time.Time) error {
	return s.change(ctx, id, func(d *sav.Delivery) (changed, error) {
		switch d.Status {
		case sav.DeliveryDelivered:
			return unchanged, nil
		case sav.DeliveryAbandoned:
			return unchanged, fmt.Errorf("sqlitestore: delivery %q is abandoned: %w", id, sav.ErrDeliveryState)
		}
		d.Status = sav.DeliveryDelivered
		d.DeliveredAt = at
		d.LeaseUntil, d.ClaimToken = time.Time{}, ""
		return final, nil
	})
}

// Failed implements [sav.Outbox.Failed].
func (s *Store) Failed(ctx context.Context, id string, f sav.Failure) error {
	return s.change(ctx, id, func(d *sav.Delivery) (changed, error) {
		if d.Status != sav.DeliveryInFlight {
			return unchanged, fmt.Errorf("sqlitestore: delivery %q is %v, not in flight: %w", id, d.Status,
				sav.ErrDeliveryState)
		}
		if f.ClaimToken != "" && f.ClaimToken != d.ClaimToken {
			return unchanged, fmt.Errorf("sqlitestore: delivery %q: %w", id, sav.ErrLeaseLost)
		}
		d.LastAttemptAt = f.At
		d.LastError = f.Err
		d.LeaseUntil, d.ClaimToken = time.Time{}, ""
		if f.Park {
			d.Status = sav.DeliveryStuck
			d.Reason = f.Reason
			d.NextAttempt = time.Time{}
			return updated, nil
		}
		d.Status = sav.DeliveryPending
		d.NextAttempt = f.Next
		return updated, nil
	})
}

// Retry implements [sav.Outbox.Retry].
func (s *Store) Retry(ctx context.Context, id string, at time.Time) error {
	return s.change(ctx, id, func(d *sav.Delivery) (changed, error) {
		if d.Status != sav.DeliveryStuck {
			return unchanged, fmt.Errorf("sqlitestore: delivery %q is %v, not stuck: %w", id, d.Status,
				sav.ErrDeliveryState)
		}
		d.Status = sav.DeliveryPending
		d.Attempts = 0
		d.Reason = ""
		d.NextAttempt = at
		return updated, nil
	})
}

// Abandon implements [sav.Outbox.Abandon].
func (s *Store) Abandon(ctx context.Context, id string, reason string) error {
	return s.change(ctx, id, func(d *sav.Delivery) (changed, error) {
		if d.Status != sav.DeliveryPending && d.Status != sav.DeliveryStuck {
			return unchanged, fmt.Errorf("sqlitestore: delivery %q is %v: only a pending or stuck delivery can be "+
				"abandoned: %w", id, d.Status, sav.ErrDeliveryState)
		}
		d.Status = sav.DeliveryAbandoned
		d.Reason = reason
		return final, nil
	})
}

// Delivery implements [sav.Outbox.Delivery].
func (s *Store) Delivery(ctx context.Context, id string) (*sav.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := scanDelivery(s.read().QueryRowContext(ctx, sqlDelivery, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlitestore: delivery %q: %w", id, sav.ErrNotFound)
	}
	if err != nil {
		return nil, s.dbErr("delivery", err)
	}
	return d, nil
}

// Pending implements [sav.Outbox.Pending].
func (s *Store) Pending(ctx context.Context) ([]*sav.Delivery, error) {
	return s.listDeliveries(ctx, sav.DeliveryPending, sav.DeliveryInFlight)
}

// Stuck implements [sav.Outbox.Stuck].
func (s *Store) Stuck(ctx context.Context) ([]*sav.Delivery, error) {
	return s.listDeliveries(ctx, sav.DeliveryStuck, sav.DeliveryStuck)
}

func (s *Store) listDeliveries(ctx context.Context, a, b sav.DeliveryStatus) ([]*sav.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.read().QueryContext(ctx, sqlByStatus, a, b)
	if err != nil {
		return nil, s.dbErr("outbox", err)
	}
	defer rows.Close()
	var out []*sav.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, s.dbErr("outbox", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbErr("outbox", err)
	}
	return out, nil
}

func scanDelivery(row scanner) (*sav.Delivery, error) {
	var (
		d                                     sav.Delivery
		tickets                               sql.NullString
		destOrder                             int
		next, enq, lastAt, lease, deliveredAt string
	)
	err := row.Scan(&d.Seq, &d.ID, &d.Protocol, &d.Destination.Code, &d.Destination.Address, &d.ContentType, &d.Body,
		&tickets, &destOrder, &d.Label, &d.IdempotencyKey, &next, &d.Status, &enq, &d.Attempts, &lastAt, &d.LastError,
		&lease, &deliveredAt, &d.Reason, &d.ClaimToken)
	if err != nil {
		return nil, err
	}
	d.DestinationOrder = destOrder != 0
	if tickets.Valid {
		if err := json.Unmarshal([]byte(tickets.String), &d.Tickets); err != nil {
			return nil, fmt.Errorf("sqlitestore: stored delivery %q: tickets: %w", d.ID, err)
		}
	}
	for _, t := range []struct {
		dst *time.Time
		src string
	}{{&d.NextAttempt, next}, {&d.EnqueuedAt, enq}, {&d.LastAttemptAt, lastAt}, {&d.LeaseUntil, lease},
		{&d.DeliveredAt, deliveredAt}} {
		if *t.dst, err = parseTS(t.src); err != nil {
			return nil, err
		}
	}
	return &d, nil
}
