package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
)

// Record implements [sav.Journal.Record].
func (s *Store) Record(ctx context.Context, in *sav.Inbound) (*sav.Inbound, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	if in == nil {
		return nil, false, fmt.Errorf("sqlitestore: record: nil message: %w", sav.ErrInvalid)
	}
	ref := in.Ref()
	if err := ref.Check(); err != nil {
		return nil, false, err
	}
	var o sav.Outcome
	if in.Outcome != nil {
		o = *in.Outcome
		if err := sav.CheckResolution(sav.Resolution{Ref: ref, Outcome: o}); err != nil {
			return nil, false, err
		}
	}
	var (
		stored *sav.Inbound
		dup    bool
	)
	err := s.write(ctx, func(tx db) error {
		args := []any{in.Protocol, in.ID, in.From, in.CodeOperator, ts(in.ReceivedAt), in.ContentType, blob(in.Body),
			int(o.Disposition), nil, nil, nil, nil, nil}
		if in.Outcome != nil {
			args[8], args[9], args[10], args[11], args[12] = ts(o.At), int(o.Code), o.Reason, o.ContentType,
				blob(o.Response)
		}
		var err error
		stored, err = scanInbound(tx.QueryRowContext(ctx, sqlRecord, args...))
		if errors.Is(err, sql.ErrNoRows) {
			dup = true
			stored, err = scanInbound(tx.QueryRowContext(ctx, sqlInbound, in.Protocol, in.ID))
		}
		if err != nil {
			return s.dbErr("record", err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return stored, dup, nil
}

// Resolve implements [sav.Journal.Resolve].
func (s *Store) Resolve(ctx context.Context, r sav.Resolution) error {
	if err := sav.CheckResolution(r); err != nil {
		return err
	}
	return s.write(ctx, func(tx db) error { return s.resolve(ctx, tx, r) })
}

// resolve records the outcome r of a pending entry in tx.
func (s *Store) resolve(ctx context.Context, tx db, r sav.Resolution) error {
	o := r.Outcome
	res, err := tx.ExecContext(ctx, sqlResolve, int(o.Disposition), ts(o.At), int(o.Code), o.Reason, o.ContentType,
		blob(o.Response), r.Ref.Protocol, r.Ref.ID)
	if err != nil {
		return s.dbErr("resolve", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.dbErr("resolve", err)
	} else if n == 1 {
		return nil
	}
	var d sav.Disposition
	err = tx.QueryRowContext(ctx, sqlDisposition, r.Ref.Protocol, r.Ref.ID).Scan(&d)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlitestore: inbound %v: %w", r.Ref, sav.ErrNotFound)
	case err != nil:
		return s.dbErr("resolve", err)
	}
	return fmt.Errorf("sqlitestore: inbound %v is %v: %w", r.Ref, d, sav.ErrResolved)
}

// Inbound implements [sav.Journal.Inbound].
func (s *Store) Inbound(ctx context.Context, ref sav.InboundRef) (*sav.Inbound, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, err := scanInbound(s.read().QueryRowContext(ctx, sqlInbound, ref.Protocol, ref.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlitestore: inbound %v: %w", ref, sav.ErrNotFound)
	}
	if err != nil {
		return nil, s.dbErr("inbound", err)
	}
	return in, nil
}

// Unresolved implements [sav.Journal.Unresolved].
func (s *Store) Unresolved(ctx context.Context) ([]*sav.Inbound, error) {
	return s.listInbound(ctx, 0)
}

// Quarantined implements [sav.Journal.Quarantined].
func (s *Store) Quarantined(ctx context.Context) ([]*sav.Inbound, error) {
	return s.listInbound(ctx, sav.DispositionQuarantined)
}

func (s *Store) listInbound(ctx context.Context, d sav.Disposition) ([]*sav.Inbound, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.read().QueryContext(ctx, sqlByDisposition, int(d))
	if err != nil {
		return nil, s.dbErr("journal", err)
	}
	defer rows.Close()
	var out []*sav.Inbound
	for rows.Next() {
		in, err := scanInbound(rows)
		if err != nil {
			return nil, s.dbErr("journal", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbErr("journal", err)
	}
	return out, nil
}

// Forget implements [sav.Journal.Forget]: in the order the entries were
// processed, it deletes them while r lets the first one go.
func (s *Store) Forget(ctx context.Context, r sav.Retention) (int, error) {
	var n int64
	err := s.write(ctx, func(tx db) error {
		var total int64
		if err := tx.QueryRowContext(ctx, sqlCountProcessed).Scan(&total); err != nil {
			return s.dbErr("forget", err)
		}
		// Past the first total-Keep entries, none is over the count; the
		// first of them not older than r.Before is the first kept.
		var offset int64
		if r.Keep >= 0 {
			offset = max(0, total-int64(r.Keep))
		}
		var first sql.NullInt64
		err := tx.QueryRowContext(ctx, sqlFirstKept, offset, boolInt(!r.Before.IsZero()), ts(r.Before)).Scan(&first)
		var res sql.Result
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err = tx.ExecContext(ctx, sqlForgetAll)
		case err != nil:
			return s.dbErr("forget", err)
		default:
			res, err = tx.ExecContext(ctx, sqlForgetBefore, first.Int64)
		}
		if err != nil {
			return s.dbErr("forget", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanInbound(row scanner) (*sav.Inbound, error) {
	var (
		in                   sav.Inbound
		received             string
		disposition          int
		at, reason, respType sql.NullString
		code                 sql.NullInt64
		response             []byte
	)
	err := row.Scan(&in.Seq, &in.Protocol, &in.ID, &in.From, &in.CodeOperator, &received, &in.ContentType, &in.Body,
		&disposition, &at, &code, &reason, &respType, &response)
	if err != nil {
		return nil, err
	}
	if in.ReceivedAt, err = parseTS(received); err != nil {
		return nil, err
	}
	if disposition != 0 {
		o := &sav.Outcome{Disposition: sav.Disposition(disposition), Code: codes.ReturnCode(code.Int64),
			Reason: reason.String, ContentType: respType.String, Response: response}
		if o.At, err = parseTS(at.String); err != nil {
			return nil, err
		}
		in.Outcome = o
	}
	return &in, nil
}
