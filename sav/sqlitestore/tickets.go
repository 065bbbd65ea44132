package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Create implements [sav.Tickets.Create].
func (s *Store) Create(ctx context.Context, role codes.Role, t *ticket.Ticket, fx sav.Effects) (*ticket.Ticket, error) {
	key, ds, err := sav.PrepareCreate(ctx, role, t, fx)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: ticket %v: %w", key, err)
	}
	var notify bool
	err = s.write(ctx, func(tx db) error {
		_, err := tx.ExecContext(ctx, sqlInsertTicket, key.Role, key.CodeOC, key.ReferenceSigSAVRaccoOC, t.CodeOI,
			t.ReferenceSigSAVOI, boolInt(t.State.Terminal()), data)
		if isUnique(err) {
			return s.duplicate(ctx, tx, key, t)
		}
		if err != nil {
			return s.dbErr("create", err)
		}
		notify, err = s.commitEffects(ctx, tx, ds, fx.Outcomes, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	if notify {
		s.subs.Notify()
	}
	return t.Clone(), nil
}

// duplicate returns the [*sav.DuplicateError] of a ticket whose insertion
// broke the uniqueness of its key or of its OI key.
func (s *Store) duplicate(ctx context.Context, tx db, key sav.Key, t *ticket.Ticket) error {
	if _, old, err := getTicket(ctx, tx, key); err == nil {
		return &sav.DuplicateError{Key: key, Existing: old}
	} else if !errors.Is(err, sav.ErrNotFound) {
		return err
	}
	oik, ok := sav.OIKeyOf(key.Role, t)
	if !ok {
		return fmt.Errorf("sqlitestore: ticket %v: a uniqueness constraint failed on no known key", key)
	}
	old, err := getByOI(ctx, tx, oik)
	if err != nil {
		return err
	}
	return &sav.DuplicateError{Key: key, OIKey: oik, Existing: old}
}

// Update implements [sav.Tickets.Update]. fn runs inside the write
// transaction, on the ticket as last committed by any handle; it must not
// write to the store (this handle's writes wait for the transaction it
// runs in). When ctx is done after fn ran, nothing is committed.
func (s *Store) Update(ctx context.Context, key sav.Key, fn sav.UpdateFunc) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := key.Check(); err != nil {
		return nil, err
	}
	var (
		out    *ticket.Ticket
		notify bool
	)
	err := s.write(ctx, func(tx db) error {
		id, cur, err := getTicket(ctx, tx, key)
		if err != nil {
			return err
		}
		work := cur.Clone()
		fx, err := fn(work)
		if err != nil {
			return err
		}
		if err := sav.CheckUpdate(key, cur, work); err != nil {
			return err
		}
		ds, err := sav.PrepareEffects(key, fx)
		if err != nil {
			return err
		}
		data, err := json.Marshal(work)
		if err != nil {
			return fmt.Errorf("sqlitestore: ticket %v: %w", key, err)
		}
		_, err = tx.ExecContext(ctx, sqlUpdate, work.CodeOI, work.ReferenceSigSAVOI,
			boolInt(work.State.Terminal()), data, id)
		if isUnique(err) {
			oik, _ := sav.OIKeyOf(key.Role, work)
			old, err := getByOI(ctx, tx, oik)
			if err != nil {
				return err
			}
			return &sav.DuplicateError{Key: key, OIKey: oik, Existing: old}
		}
		if err != nil {
			return s.dbErr("update", err)
		}
		if notify, err = s.commitEffects(ctx, tx, ds, fx.Outcomes, nil); err != nil {
			return err
		}
		out = work.Clone()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if notify {
		s.subs.Notify()
	}
	return out, nil
}

// Get implements [sav.Tickets.Get].
func (s *Store) Get(ctx context.Context, key sav.Key) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, t, err := getTicket(ctx, s.read(), key)
	return t, err
}

// GetByOI implements [sav.Tickets.GetByOI].
func (s *Store) GetByOI(ctx context.Context, key sav.OIKey) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return getByOI(ctx, s.read(), key)
}

// List implements [sav.Tickets.List]: the role, codes and Open filter the
// rows in the database, in the order of [sav.CompareListOrder] (SQLite
// compares text byte-wise); Match is applied to what they select, then the
// page. Without Match, the page is the database's too.
func (s *Store) List(ctx context.Context, q sav.Query) ([]*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !q.Role.Valid() {
		return nil, fmt.Errorf("sqlitestore: list: a query must name our role, OI or OC, not %q: %w", q.Role,
			sav.ErrInvalidKey)
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, fmt.Errorf("sqlitestore: list: negative offset or limit: %w", sav.ErrInvalid)
	}
	query, args := sqlList, []any{q.Role}
	if q.CodeOC != "" {
		query += sqlListCodeOC
		args = append(args, q.CodeOC)
	}
	if q.CodeOI != "" {
		query += sqlListCodeOI
		args = append(args, q.CodeOI)
	}
	if q.Open {
		query += sqlListOpen
	}
	query += sqlListOrder
	if q.Match == nil && (q.Limit > 0 || q.Offset > 0) {
		limit := q.Limit
		if limit == 0 {
			limit = -1
		}
		query += sqlListPage
		args = append(args, limit, q.Offset)
	}
	rows, err := s.read().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.dbErr("list", err)
	}
	defer rows.Close()
	var out []*ticket.Ticket
	skip := q.Offset
	for rows.Next() {
		if q.Match != nil && q.Limit > 0 && len(out) == q.Limit {
			break
		}
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, s.dbErr("list", err)
		}
		t, err := decodeTicket(data)
		if err != nil {
			return nil, err
		}
		if q.Match != nil {
			if !q.Match(t) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbErr("list", err)
	}
	return out, nil
}

func getTicket(ctx context.Context, q db, key sav.Key) (int64, *ticket.Ticket, error) {
	var (
		id   int64
		data []byte
	)
	err := q.QueryRowContext(ctx, sqlGetTicket, key.Role, key.CodeOC, key.ReferenceSigSAVRaccoOC).Scan(&id, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, fmt.Errorf("sqlitestore: ticket %v: %w", key, sav.ErrNotFound)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("sqlitestore: get ticket %v: %w", key, err)
	}
	t, err := decodeTicket(data)
	return id, t, err
}

func getByOI(ctx context.Context, q db, key sav.OIKey) (*ticket.Ticket, error) {
	var data []byte
	err := q.QueryRowContext(ctx, sqlGetByOI, key.Role, key.CodeOI, key.ReferenceSigSAVOI).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlitestore: ticket with OI key %v: %w", key, sav.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: get ticket by OI key %v: %w", key, err)
	}
	return decodeTicket(data)
}

func decodeTicket(data []byte) (*ticket.Ticket, error) {
	t := new(ticket.Ticket)
	if err := json.Unmarshal(data, t); err != nil {
		return nil, fmt.Errorf("sqlitestore: stored ticket: %w", err)
	}
	return t, nil
}

// isUnique reports whether err is the failure of a UNIQUE constraint.
func isUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
