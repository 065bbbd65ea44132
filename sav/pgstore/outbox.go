package pgstore

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/opensav/savsdk/sav"
)

const (
	// sqlLockLanes takes the advisory locks of the lanes of the
	// deliveries a commit enqueues, in the order of their keys (so two
	// commits never wait for each other in a cycle), until the commit ends.
	// Deliveries of a lane thus get their Seq in commit order: a claim
	// never sees a later delivery of a lane before an earlier one.
	sqlLockLanes = `SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int4[]) AS k`

	// sqlEnqueue inserts a pending delivery and its lanes, and returns its
	// Seq (once per lane). It waits in each lane that has a delivery.
	sqlEnqueue = `WITH d AS (
	INSERT INTO sav_deliveries (id, protocol, dest_code, dest_address, content_type, body, tickets,
		destination_order, label, idempotency_key, status, next_attempt, due_at, enqueued_at, waits)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11, $12,
		(SELECT count(*) FROM unnest($13::text[]) AS w WHERE EXISTS (SELECT 1 FROM sav_lanes x WHERE x.lane = w)))
	RETURNING seq)
INSERT INTO sav_lanes (lane, seq) SELECT l, d.seq FROM d, unnest($13::text[]) AS l
RETURNING seq`

	sqlNotify = `SELECT pg_notify($1, '')`

	// sqlClaim claims the ready deliveries: pending and due, or in flight
	// with an ended lease, first of each of their lanes (waits = 0), in
	// the order they became ready. Rows another claim holds are skipped; a
	// row changed meanwhile is checked again by the database before it is
	// taken.
	sqlClaim = `WITH c AS (
	SELECT d.seq, d.due_at AS was_due FROM sav_deliveries d
	WHERE d.status IN (1, 2) AND d.waits = 0 AND (d.due_at IS NULL OR d.due_at <= $1)
	ORDER BY d.due_at NULLS FIRST, d.seq
	LIMIT $2
	FOR UPDATE OF d SKIP LOCKED)
UPDATE sav_deliveries d SET status = 2, attempts = d.attempts + 1, lease_until = $3, due_at = $3,
	claim_token = gen_random_uuid()::text
FROM c WHERE d.seq = c.seq
RETURNING c.was_due, ` + deliveryColumnsD

	// sqlNextDue is when the next delivery first of its lanes becomes
	// ready (NULL: now).
	sqlNextDue = `SELECT d.due_at FROM sav_deliveries d WHERE d.status IN (1, 2) AND d.waits = 0
ORDER BY d.due_at NULLS FIRST, d.seq
LIMIT 1`

	// sqlLanesOf returns a delivery's Seq, status and lanes (none once
	// final).
	sqlLanesOf = `SELECT d.seq, d.status, coalesce(array_agg(l.lane ORDER BY l.lane) FILTER (WHERE l.lane IS NOT NULL), '{}')
FROM sav_deliveries d LEFT JOIN sav_lanes l ON l.seq = d.seq
WHERE d.id = $1
GROUP BY d.seq, d.status`

	// sqlFinish makes a delivery final ($2: 4 delivered or 5 abandoned)
	// from the statuses $3 allows.
	sqlFinish = `UPDATE sav_deliveries SET status = $2::smallint,
	delivered_at = CASE WHEN $2::smallint = 4 THEN $4::timestamptz ELSE delivered_at END,
	lease_until = CASE WHEN $2::smallint = 4 THEN NULL ELSE lease_until END,
	reason = CASE WHEN $2::smallint = 5 THEN $5 ELSE reason END,
	due_at = NULL, claim_token = NULL
WHERE id = $1 AND status = ANY ($3::smallint[])
RETURNING seq`

	// sqlLeaveLanes removes the final delivery $1 from its lanes: the next
	// delivery of each lane it was first of waits for one lane less. It
	// returns how many deliveries became first of all their lanes.
	sqlLeaveLanes = `WITH mine AS (
	SELECT l.lane FROM sav_lanes l
	WHERE l.seq = $1 AND EXISTS (SELECT 1 FROM sav_deliveries f WHERE f.seq = $1 AND f.status IN (4, 5))),
firsts AS (SELECT m.lane FROM mine m WHERE NOT EXISTS (SELECT 1 FROM sav_lanes e WHERE e.lane = m.lane AND e.seq < $1)),
nexts AS (SELECT (SELECT min(n.seq) FROM sav_lanes n WHERE n.lane = f.lane AND n.seq > $1) AS seq FROM firsts f),
gone AS (DELETE FROM sav_lanes l USING mine m WHERE l.seq = $1 AND l.lane = m.lane),
dec AS (UPDATE sav_deliveries d SET waits = d.waits - c.n
	FROM (SELECT seq, count(*) AS n FROM nexts WHERE seq IS NOT NULL GROUP BY seq) c
	WHERE d.seq = c.seq
	RETURNING d.waits, d.status)
SELECT count(*), (SELECT count(*) FROM (SELECT pg_notify($2, '') FROM dec WHERE waits = 0 AND status = 1 LIMIT 1) n)
FROM dec WHERE waits = 0 AND status = 1`

	sqlFailed = `UPDATE sav_deliveries SET last_attempt_at = $2, last_error = $3, lease_until = NULL, claim_token = NULL,
	status = CASE WHEN $4 THEN 3 ELSE 1 END,
	reason = CASE WHEN $4 THEN $5 ELSE reason END,
	next_attempt = CASE WHEN $4 THEN NULL ELSE $6::timestamptz END,
	due_at = CASE WHEN $4 THEN NULL ELSE $6::timestamptz END
WHERE id = $1 AND status = 2 AND ($7 = '' OR claim_token = $7)
RETURNING seq`

	sqlRetry = `WITH u AS (
	UPDATE sav_deliveries SET status = 1, attempts = 0, reason = '', next_attempt = $2, due_at = $2
	WHERE id = $1 AND status = 3
	RETURNING seq)
SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM (SELECT pg_notify($3, '') FROM u) n)`

	sqlDeliveryStatus = `SELECT status FROM sav_deliveries WHERE id = $1`

	deliveryColumns = `seq, id, protocol, dest_code, dest_address, content_type, body, tickets, destination_order,
	label, idempotency_key, status, next_attempt, enqueued_at, attempts, last_attempt_at, last_error, lease_until,
	delivered_at, reason, coalesce(claim_token, '')`
	deliveryColumnsD = `d.seq, d.id, d.protocol, d.dest_code, d.dest_address, d.content_type, d.body, d.tickets,
	d.destination_order, d.label, d.idempotency_key, d.status, d.next_attempt, d.enqueued_at, d.attempts,
	d.last_attempt_at, d.last_error, d.lease_until, d.delivered_at, d.reason, coalesce(d.claim_token, '')`

	sqlDelivery = `SELECT ` + deliveryColumns + ` FROM sav_deliveries WHERE id = $1`
	sqlPending  = `SELECT ` + deliveryColumns + ` FROM sav_deliveries WHERE status IN (1, 2) ORDER BY seq`
	sqlStuck    = `SELECT ` + deliveryColumns + ` FROM sav_deliveries WHERE status = 3 ORDER BY seq`

	// sqlResolve records an outcome if the entry is pending, and returns
	// whether it did, and the entry's disposition the statement saw (NULL:
	// no entry; 0: pending, so resolved meanwhile by another).
	sqlResolve = `WITH u AS (
	UPDATE sav_journal SET disposition = $3, outcome_at = $4, code = $5, reason = $6, response_type = $7,
		response = $8, resolved_seq = nextval('sav_journal_resolved')
	WHERE protocol = $1 AND id = $2 AND disposition IS NULL
	RETURNING 1)
SELECT (SELECT count(*) FROM u), (SELECT coalesce(disposition, 0) FROM sav_journal WHERE protocol = $1 AND id = $2)`
)

// laneName is the text of a lane in sav_lanes: a JSON array, so that no
// two lanes share one.
func laneName(l sav.Lane) string {
	var parts []string
	if !l.Ticket.IsZero() {
		parts = []string{"ticket", string(l.Ticket.Role), l.Ticket.CodeOC, l.Ticket.ReferenceSigSAVRaccoOC}
	} else {
		parts = []string{"destination", l.Destination.Code, l.Destination.Address}
	}
	b, _ := json.Marshal(parts)
	return string(b)
}

// commitEffects writes, in tx, the statement b already holds (read by
// first), the outcomes rs and the deliveries ds, in one round trip. It
// fills in what the store assigns to each delivery.
func (s *Store) commitEffects(ctx context.Context, tx pgx.Tx, b *pgx.Batch, first func(pgx.BatchResults) error,
	ds []*sav.Delivery, rs []sav.Resolution) error {
	if b == nil {
		b = &pgx.Batch{}
	}
	now := norm(s.now())
	names := make([][]string, len(ds))
	var all []string
	for i, d := range ds {
		for _, l := range d.Lanes() {
			names[i] = append(names[i], laneName(l))
		}
		all = append(all, names[i]...)
	}
	locks := s.laneLocks(all)
	if len(locks) > 0 {
		b.Queue(sqlLockLanes, lockLanes, locks)
	}
	for _, r := range rs {
		o := r.Outcome
		b.Queue(sqlResolve, string(r.Ref.Protocol), r.Ref.ID, int16(o.Disposition), ts(o.At), int(o.Code),
			clean(o.Reason), o.ContentType, o.Response)
	}
	for i, d := range ds {
		d.ID = rand.Text()
		if d.IdempotencyKey == "" {
			d.IdempotencyKey = d.ID
		}
		d.Status = sav.DeliveryPending
		d.EnqueuedAt = now
		d.NextAttempt = norm(d.NextAttempt)
		d.Attempts = 0
		d.LastAttemptAt, d.LastError, d.LeaseUntil, d.DeliveredAt, d.Reason = time.Time{}, "", time.Time{}, time.Time{}, ""
		var tickets []byte
		if d.Tickets != nil {
			tickets, _ = json.Marshal(d.Tickets)
		}
		b.Queue(sqlEnqueue, d.ID, string(d.Protocol), d.Destination.Code, d.Destination.Address, d.ContentType,
			d.Body, tickets, d.DestinationOrder, d.Label, d.IdempotencyKey, ts(d.NextAttempt), now, names[i])
	}
	if len(ds) > 0 {
		b.Queue(sqlNotify, s.channel)
	}
	br := tx.SendBatch(ctx, b)
	err := func() error {
		if first != nil {
			if err := first(br); err != nil {
				return err
			}
		}
		if len(locks) > 0 {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		for _, r := range rs {
			if err := resolved(br.QueryRow(), r.Ref); err != nil {
				return err
			}
		}
		for _, d := range ds {
			if err := br.QueryRow().Scan(&d.Seq); err != nil {
				return err
			}
		}
		if len(ds) > 0 {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		return nil
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// resolved reads the answer to sqlResolve.
func resolved(row pgx.Row, ref sav.InboundRef) error {
	var (
		n    int64
		disp *int16
	)
	if err := row.Scan(&n, &disp); err != nil {
		return err
	}
	switch {
	case n == 1:
		return nil
	case disp == nil:
		return fmt.Errorf("sav: inbound %v: %w", ref, sav.ErrNotFound)
	case *disp == 0:
		return fmt.Errorf("sav: inbound %v was resolved meanwhile: %w", ref, sav.ErrResolved)
	default:
		return fmt.Errorf("sav: inbound %v is %v: %w", ref, sav.Disposition(*disp), sav.ErrResolved)
	}
}

// Commit implements [sav.Outbox.Commit], in one transaction.
func (s *Store) Commit(ctx context.Context, fx sav.Effects) ([]*sav.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ds, err := sav.PrepareEffects(sav.Key{}, fx)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error { return s.commitEffects(ctx, tx, nil, nil, ds, fx.Outcomes) })
	if err != nil {
		return nil, fail(ctx, "commit", err)
	}
	s.notifyIf(len(ds) > 0)
	out := make([]*sav.Delivery, len(ds))
	for i, d := range ds {
		out[i] = d.Clone()
	}
	return out, nil
}

// scanDelivery scans the deliveryColumns of a row, after extra.
func scanDelivery(row pgx.Row, extra ...any) (*sav.Delivery, error) {
	var (
		d                                 sav.Delivery
		protocol                          string
		tickets                           []byte
		status                            int16
		next, enq, last, lease, delivered pgtype.Timestamptz
		attempts                          int32
	)
	err := row.Scan(append(extra, &d.Seq, &d.ID, &protocol, &d.Destination.Code, &d.Destination.Address,
		&d.ContentType, &d.Body, &tickets, &d.DestinationOrder, &d.Label, &d.IdempotencyKey, &status, &next,
		&enq, &attempts, &last, &d.LastError, &lease, &delivered, &d.Reason, &d.ClaimToken)...)
	if err != nil {
		return nil, err
	}
	if tickets != nil {
		if err := json.Unmarshal(tickets, &d.Tickets); err != nil {
			return nil, fmt.Errorf("pgstore: decoding the tickets of delivery %q: %w", d.ID, err)
		}
	}
	d.Protocol = sav.Protocol(protocol)
	d.Status = sav.DeliveryStatus(status)
	d.NextAttempt, d.EnqueuedAt, d.LastAttemptAt, d.LeaseUntil, d.DeliveredAt = tt(next), tt(enq), tt(last),
		tt(lease), tt(delivered)
	d.Attempts = int(attempts)
	return &d, nil
}

// Claim implements [sav.Outbox.Claim] with SELECT … FOR UPDATE SKIP LOCKED:
// claims in several processes at once take different deliveries. Leases
// are compared with req.Now: the clocks of the processes that share an
// outbox must agree to well within a lease.
func (s *Store) Claim(ctx context.Context, req sav.ClaimRequest) (sav.Claimed, error) {
	if err := ctx.Err(); err != nil {
		return sav.Claimed{}, err
	}
	if req.Limit < 1 || req.Lease <= 0 {
		return sav.Claimed{}, fmt.Errorf("sav: claim: limit %d and lease %v must be positive: %w", req.Limit,
			req.Lease, sav.ErrInvalid)
	}
	now := norm(req.Now)
	lease := norm(req.Now.Add(req.Lease))
	rows, err := s.pool.Query(ctx, sqlClaim, now, req.Limit, lease)
	if err != nil {
		return sav.Claimed{}, fail(ctx, "claim", err)
	}
	type claimed struct {
		due pgtype.Timestamptz
		d   *sav.Delivery
	}
	var cs []claimed
	for rows.Next() {
		var c claimed
		if c.d, err = scanDelivery(rows, &c.due); err != nil {
			rows.Close()
			return sav.Claimed{}, fail(ctx, "claim", err)
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sav.Claimed{}, fail(ctx, "claim", err)
	}
	slices.SortFunc(cs, func(a, b claimed) int {
		return cmp.Or(tt(a.due).Compare(tt(b.due)), cmp.Compare(a.d.Seq, b.d.Seq))
	})
	var out sav.Claimed
	for _, c := range cs {
		out.Deliveries = append(out.Deliveries, c.d)
	}
	var due pgtype.Timestamptz
	switch err := s.pool.QueryRow(ctx, sqlNextDue).Scan(&due); {
	case err == nil:
		out.NextDue = tt(due)
	case !errors.Is(err, pgx.ErrNoRows):
		return sav.Claimed{}, fail(ctx, "claim", err)
	}
	return out, nil
}

// Delivered implements [sav.Outbox.Delivered].
func (s *Store) Delivered(ctx context.Context, id string, at time.Time) error {
	return s.finish(ctx, id, sav.DeliveryDelivered, []int16{1, 2, 3}, norm(at), "")
}

// Abandon implements [sav.Outbox.Abandon].
func (s *Store) Abandon(ctx context.Context, id string, reason string) error {
	return s.finish(ctx, id, sav.DeliveryAbandoned, []int16{1, 3}, time.Time{}, clean(reason))
}

func (s *Store) finish(ctx context.Context, id string, to sav.DeliveryStatus, from []int16, at time.Time,
	reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var (
		seq    int64
		status int16
		lanes  []string
	)
	err := s.pool.QueryRow(ctx, sqlLanesOf, id).Scan(&seq, &status, &lanes)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("sav: delivery %q: %w", id, sav.ErrNotFound)
	}
	if err != nil {
		return fail(ctx, "finish delivery", err)
	}
	if !slices.Contains(from, status) {
		return finishError(id, to, status)
	}
	var changed bool
	var woken int64
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		changed, woken = false, 0
		b := &pgx.Batch{}
		locks := s.laneLocks(lanes)
		b.Queue(sqlLockLanes, lockLanes, locks)
		b.Queue(sqlFinish, id, int16(to), from, ts(at), reason)
		b.Queue(sqlLeaveLanes, seq, s.channel)
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return err
		}
		var got int64
		switch err := br.QueryRow().Scan(&got); {
		case err == nil:
			changed = true
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		var promoted int64
		if err := br.QueryRow().Scan(&promoted, &woken); err != nil {
			return err
		}
		return br.Close()
	})
	if err != nil {
		return fail(ctx, "finish delivery", err)
	}
	if changed {
		s.notifyIf(woken > 0)
		return nil
	}
	// Changed meanwhile by another: read it again.
	st, err := s.deliveryStatus(ctx, id)
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("sav: delivery %q: %w", id, sav.ErrNotFound)
	}
	return finishError(id, to, *st)
}

// finishError is the answer to finishing a delivery in status.
func finishError(id string, to sav.DeliveryStatus, status int16) error {
	switch {
	case to == sav.DeliveryDelivered && sav.DeliveryStatus(status) == sav.DeliveryDelivered:
		return nil
	case to == sav.DeliveryDelivered:
		return fmt.Errorf("sav: delivery %q is %v: %w", id, sav.DeliveryStatus(status), sav.ErrDeliveryState)
	default:
		return fmt.Errorf("sav: delivery %q is %v: only a pending or stuck delivery can be abandoned: %w", id,
			sav.DeliveryStatus(status), sav.ErrDeliveryState)
	}
}

// laneLocks returns the keys of the advisory locks of lanes, sorted and
// without repeats: the order every transaction takes them in.
func (s *Store) laneLocks(lanes []string) []int32 {
	locks := make([]int32, 0, len(lanes))
	for _, n := range lanes {
		locks = append(locks, int32(hash32(s.schema, n)))
	}
	slices.Sort(locks)
	return slices.Compact(locks)
}

func (s *Store) deliveryStatus(ctx context.Context, id string) (*int16, error) {
	var status int16
	err := s.pool.QueryRow(ctx, sqlDeliveryStatus, id).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fail(ctx, "delivery status", err)
	}
	return &status, nil
}

// notInState returns the error of an operation refused because delivery id
// is not in the status it needs.
func (s *Store) notInState(ctx context.Context, id, need string) error {
	status, err := s.deliveryStatus(ctx, id)
	if err != nil {
		return err
	}
	if status == nil {
		return fmt.Errorf("sav: delivery %q: %w", id, sav.ErrNotFound)
	}
	return fmt.Errorf("sav: delivery %q is %v, not %s: %w", id, sav.DeliveryStatus(*status), need,
		sav.ErrDeliveryState)
}

// Failed implements [sav.Outbox.Failed].
func (s *Store) Failed(ctx context.Context, id string, f sav.Failure) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var seq int64
	err := s.pool.QueryRow(ctx, sqlFailed, id, ts(norm(f.At)), clean(f.Err), f.Park, clean(f.Reason),
		ts(norm(f.Next)), f.ClaimToken).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		if f.ClaimToken != "" {
			if status, serr := s.deliveryStatus(ctx, id); serr == nil && status != nil &&
				sav.DeliveryStatus(*status) == sav.DeliveryInFlight {
				return fmt.Errorf("sav: delivery %q: %w", id, sav.ErrLeaseLost)
			}
		}
		return s.notInState(ctx, id, "in flight")
	}
	return fail(ctx, "failed", err)
}

// Retry implements [sav.Outbox.Retry].
func (s *Store) Retry(ctx context.Context, id string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var n, woken int64
	if err := s.pool.QueryRow(ctx, sqlRetry, id, ts(norm(at)), s.channel).Scan(&n, &woken); err != nil {
		return fail(ctx, "retry", err)
	}
	if n == 0 {
		return s.notInState(ctx, id, "stuck")
	}
	s.notifyIf(true)
	return nil
}

// Delivery implements [sav.Outbox.Delivery].
func (s *Store) Delivery(ctx context.Context, id string) (*sav.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := scanDelivery(s.pool.QueryRow(ctx, sqlDelivery, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("sav: delivery %q: %w", id, sav.ErrNotFound)
	}
	if err != nil {
		return nil, fail(ctx, "delivery", err)
	}
	return d, nil
}

// Pending implements [sav.Outbox.Pending].
func (s *Store) Pending(ctx context.Context) ([]*sav.Delivery, error) {
	return s.listDeliveries(ctx, sqlPending)
}

// Stuck implements [sav.Outbox.Stuck].
func (s *Store) Stuck(ctx context.Context) ([]*sav.Delivery, error) {
	return s.listDeliveries(ctx, sqlStuck)
}

func (s *Store) listDeliveries(ctx context.Context, query string) ([]*sav.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, query)
	if err != nil {
		return nil, fail(ctx, "list deliveries", err)
	}
	defer rows.Close()
	var out []*sav.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fail(ctx, "list deliveries", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, "list deliveries", err)
	}
	return out, nil
}
