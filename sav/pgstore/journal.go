package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
)

const (
	// sqlRecord journals a message unless its identity is known: no row
	// then.
	sqlRecord = `INSERT INTO sav_journal (protocol, id, from_addr, code_operator, received_at, content_type, body,
	disposition, outcome_at, code, reason, response_type, response, resolved_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
	CASE WHEN $8::smallint = 1 THEN nextval('sav_journal_resolved') END)
ON CONFLICT (protocol, id) DO NOTHING
RETURNING seq`

	inboundColumns = `seq, protocol, id, from_addr, code_operator, received_at, content_type, body, disposition,
	outcome_at, code, reason, response_type, response`

	sqlInbound     = `SELECT ` + inboundColumns + ` FROM sav_journal WHERE protocol = $1 AND id = $2`
	sqlUnresolved  = `SELECT ` + inboundColumns + ` FROM sav_journal WHERE disposition IS NULL ORDER BY seq`
	sqlQuarantined = `SELECT ` + inboundColumns + ` FROM sav_journal WHERE disposition = 2 ORDER BY seq`

	// sqlForgetBefore and sqlForgetBeyond delete processed entries: those
	// whose outcome is older than $1, and those beyond the newest $1 by
	// order of processing.
	sqlForgetBefore = `WITH d AS (DELETE FROM sav_journal WHERE disposition = 1 AND (outcome_at IS NULL OR outcome_at < $1)
	RETURNING 1)
SELECT count(*) FROM d`
	sqlForgetBeyond = `WITH d AS (DELETE FROM sav_journal WHERE seq IN (
	SELECT seq FROM sav_journal WHERE disposition = 1 ORDER BY resolved_seq DESC OFFSET $1)
	RETURNING 1)
SELECT count(*) FROM d`

	// sqlNextSequence takes the next number of a sequence; the row lock
	// serialises concurrent calls, in every process.
	sqlNextSequence = `INSERT INTO sav_sequences (name, value) VALUES ($1, 1)
ON CONFLICT (name) DO UPDATE SET value = sav_sequences.value + 1
RETURNING value`
)

func scanInbound(row pgx.Row) (*sav.Inbound, error) {
	var (
		in                 sav.Inbound
		protocol           string
		received, outcomed pgtype.Timestamptz
		disp               *int16
		code               int32
		reason, respType   string
		resp               []byte
	)
	if err := row.Scan(&in.Seq, &protocol, &in.ID, &in.From, &in.CodeOperator, &received, &in.ContentType, &in.Body,
		&disp, &outcomed, &code, &reason, &respType, &resp); err != nil {
		return nil, err
	}
	in.Protocol = sav.Protocol(protocol)
	in.ReceivedAt = tt(received)
	if disp != nil {
		in.Outcome = &sav.Outcome{Disposition: sav.Disposition(*disp), At: tt(outcomed), Code: codes.ReturnCode(code),
			Reason: reason, ContentType: respType, Response: resp}
	}
	return &in, nil
}

// Record implements [sav.Journal.Record]: one statement, idempotent on the
// message's identity across processes.
func (s *Store) Record(ctx context.Context, in *sav.Inbound) (*sav.Inbound, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	if in == nil {
		return nil, false, fmt.Errorf("sav: record: nil message: %w", sav.ErrInvalid)
	}
	ref := in.Ref()
	if err := ref.Check(); err != nil {
		return nil, false, err
	}
	c := in.Clone()
	c.ReceivedAt = norm(c.ReceivedAt)
	var o sav.Outcome
	var disp *int16
	if c.Outcome != nil {
		if err := sav.CheckResolution(sav.Resolution{Ref: ref, Outcome: *c.Outcome}); err != nil {
			return nil, false, err
		}
		c.Outcome.At = norm(c.Outcome.At)
		c.Outcome.Reason = clean(c.Outcome.Reason)
		o = *c.Outcome
		d := int16(o.Disposition)
		disp = &d
	}
	for range 4 {
		err := s.pool.QueryRow(ctx, sqlRecord, string(c.Protocol), c.ID, c.From, c.CodeOperator, ts(c.ReceivedAt),
			c.ContentType, c.Body, disp, ts(o.At), int(o.Code), o.Reason, o.ContentType, o.Response).Scan(&c.Seq)
		if err == nil {
			return c.Clone(), false, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, false, fail(ctx, "record", err)
		}
		prev, err := s.Inbound(ctx, ref)
		if err == nil {
			return prev, true, nil
		}
		if !errors.Is(err, sav.ErrNotFound) {
			return nil, false, err
		}
		// Forgotten between the two statements: journal it again.
	}
	return nil, false, fmt.Errorf("pgstore: record %v: conflicts with an entry that cannot be found", ref)
}

// Resolve implements [sav.Journal.Resolve].
func (s *Store) Resolve(ctx context.Context, r sav.Resolution) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := sav.CheckResolution(r); err != nil {
		return err
	}
	o := r.Outcome
	row := s.pool.QueryRow(ctx, sqlResolve, string(r.Ref.Protocol), r.Ref.ID, int16(o.Disposition), ts(norm(o.At)),
		int(o.Code), clean(o.Reason), o.ContentType, o.Response)
	return fail(ctx, "resolve", resolved(row, r.Ref))
}

// Inbound implements [sav.Journal.Inbound].
func (s *Store) Inbound(ctx context.Context, ref sav.InboundRef) (*sav.Inbound, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, err := scanInbound(s.pool.QueryRow(ctx, sqlInbound, string(ref.Protocol), ref.ID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("sav: inbound %v: %w", ref, sav.ErrNotFound)
	}
	if err != nil {
		return nil, fail(ctx, "inbound", err)
	}
	return in, nil
}

// Unresolved implements [sav.Journal.Unresolved].
func (s *Store) Unresolved(ctx context.Context) ([]*sav.Inbound, error) {
	return s.listInbound(ctx, sqlUnresolved)
}

// Quarantined implements [sav.Journal.Quarantined].
func (s *Store) Quarantined(ctx context.Context) ([]*sav.Inbound, error) {
	return s.listInbound(ctx, sqlQuarantined)
}

func (s *Store) listInbound(ctx context.Context, query string) ([]*sav.Inbound, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, query)
	if err != nil {
		return nil, fail(ctx, "journal", err)
	}
	defer rows.Close()
	var out []*sav.Inbound
	for rows.Next() {
		in, err := scanInbound(rows)
		if err != nil {
			return nil, fail(ctx, "journal", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, "journal", err)
	}
	return out, nil
}

// Forget implements [sav.Journal.Forget], in one transaction.
func (s *Store) Forget(ctx context.Context, r sav.Retention) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var total int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		total = 0
		if !r.Before.IsZero() {
			var n int64
			if err := tx.QueryRow(ctx, sqlForgetBefore, r.Before).Scan(&n); err != nil {
				return err
			}
			total += n
		}
		if r.Keep >= 0 {
			var n int64
			if err := tx.QueryRow(ctx, sqlForgetBeyond, r.Keep).Scan(&n); err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, fail(ctx, "forget", err)
	}
	return int(total), nil
}

// NextSequence implements [sav.Sequences]: one statement on the
// sav_sequences table, committed before it returns, so a number is given
// once across processes and restarts.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if name == "" {
		return 0, fmt.Errorf("sav: sequence without a name: %w", sav.ErrInvalidKey)
	}
	var n int64
	if err := s.pool.QueryRow(ctx, sqlNextSequence, name).Scan(&n); err != nil {
		return 0, fail(ctx, "next sequence", err)
	}
	return n, nil
}
