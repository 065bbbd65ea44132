package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
)

const (
	// sqlCreateTicket inserts a ticket unless its key or its OI key is
	// taken (both unique indexes): no row then.
	sqlCreateTicket = `INSERT INTO sav_tickets (role, code_oc, ref_oc, code_oi, ref_oi, open, version, doc)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING id`

	// sqlLockTicket reads a ticket for Update and locks its row until the
	// transaction ends: updates of one ticket are serialised by the
	// database, in every process.
	sqlLockTicket = `SELECT id, doc FROM sav_tickets WHERE role = $1 AND code_oc = $2 AND ref_oc = $3 FOR UPDATE`

	sqlUpdateTicket = `UPDATE sav_tickets SET code_oi = $2, ref_oi = $3, open = $4, version = $5, doc = $6, updated_at = now()
WHERE id = $1`

	sqlGetTicket = `SELECT doc FROM sav_tickets WHERE role = $1 AND code_oc = $2 AND ref_oc = $3`

	sqlGetTicketByOI = `SELECT doc FROM sav_tickets WHERE role = $1 AND code_oi = $2 AND ref_oi = $3 AND ref_oi <> ''`

	// sqlOtherWithOI finds the ticket other than $4 that holds an OI key.
	sqlOtherWithOI = `SELECT doc FROM sav_tickets
WHERE role = $1 AND code_oi = $2 AND ref_oi = $3 AND ref_oi <> '' AND id <> $4`

	// List: the filters set in the query are added to sqlList; the order is
	// the one of the sav_tickets_list indexes.
	sqlList        = `SELECT doc FROM sav_tickets WHERE role = $1`
	sqlListByOC    = ` AND code_oc = $%d`
	sqlListByOI    = ` AND code_oi = $%d`
	sqlListOpen    = ` AND open`
	sqlListOrder   = ` ORDER BY code_oi, ref_oi, code_oc, ref_oc`
	sqlListPage    = ` OFFSET $%d`
	sqlListPageMax = ` LIMIT $%d`
)

func decodeTicket(doc []byte) (*ticket.Ticket, error) {
	t := new(ticket.Ticket)
	if err := json.Unmarshal(doc, t); err != nil {
		return nil, fmt.Errorf("pgstore: decoding a stored ticket: %w", err)
	}
	return t, nil
}

// Create implements [sav.Tickets.Create]. Without effects it is one
// statement; with effects, one transaction.
func (s *Store) Create(ctx context.Context, role codes.Role, t *ticket.Ticket, fx sav.Effects) (*ticket.Ticket, error) {
	key, ds, err := sav.PrepareCreate(ctx, role, t, fx)
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("pgstore: create: %w", err)
	}
	args := []any{string(role), t.CodeOC, t.ReferenceSigSAVRaccoOC, t.CodeOI, t.ReferenceSigSAVOI,
		!t.State.Terminal(), t.Version, doc}
	for range 4 {
		conflict := false
		if len(ds) == 0 && len(fx.Outcomes) == 0 {
			var id int64
			err = s.pool.QueryRow(ctx, sqlCreateTicket, args...).Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				conflict, err = true, nil
			}
		} else {
			err = s.inTx(ctx, func(tx pgx.Tx) error {
				b := &pgx.Batch{}
				b.Queue(sqlCreateTicket, args...)
				return s.commitEffects(ctx, tx, b, func(br pgx.BatchResults) error {
					var id int64
					err := br.QueryRow().Scan(&id)
					if errors.Is(err, pgx.ErrNoRows) {
						conflict = true
						return errConflict
					}
					return err
				}, ds, fx.Outcomes)
			})
			if conflict {
				err = nil
			}
		}
		if err != nil {
			return nil, fail(ctx, "create", err)
		}
		if !conflict {
			s.notifyIf(len(ds) > 0)
			return decodeTicket(doc)
		}
		// The key or the OI key is taken: say by which ticket. A conflict
		// with a create that then rolled back finds none: try again.
		if existing, err := s.Get(ctx, key); err == nil {
			return nil, &sav.DuplicateError{Key: key, Existing: existing}
		} else if !errors.Is(err, sav.ErrNotFound) {
			return nil, err
		}
		if oik, ok := sav.OIKeyOf(role, t); ok {
			if existing, err := s.GetByOI(ctx, oik); err == nil {
				return nil, &sav.DuplicateError{Key: key, OIKey: oik, Existing: existing}
			} else if !errors.Is(err, sav.ErrNotFound) {
				return nil, err
			}
		}
	}
	return nil, fmt.Errorf("pgstore: create %v: conflicts with a ticket that cannot be found", key)
}

// errConflict stops a create's batch: the key is taken.
var errConflict = errors.New("pgstore: key taken")

// Update implements [sav.Tickets.Update]: in one transaction, it locks the
// ticket's row (SELECT … FOR UPDATE), runs fn on a copy of the stored
// ticket, and writes the ticket with fn's effects. Waiting for the row
// ends with ctx. After a deadlock the database broke, fn runs again on a
// fresh copy.
func (s *Store) Update(ctx context.Context, key sav.Key, fn sav.UpdateFunc) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := key.Check(); err != nil {
		return nil, err
	}
	var u update
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		u = update{}
		return s.update(ctx, tx, key, fn, &u)
	})
	if err != nil {
		return nil, s.updateError(ctx, key, u, err)
	}
	s.notifyIf(u.enqueued)
	return u.stored, nil
}

// UpdateTx is [Store.Update] in the caller's transaction tx: the ticket's
// row stays locked, and the ticket and its effects are written, with
// whatever else tx writes, when the caller commits. On an error, roll tx
// back: what it wrote is not all of the update. A deadlock is not retried
// (the caller runs its transaction again).
func (s *Store) UpdateTx(ctx context.Context, tx pgx.Tx, key sav.Key, fn sav.UpdateFunc) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := key.Check(); err != nil {
		return nil, err
	}
	var u update
	if err := s.update(ctx, tx, key, fn, &u); err != nil {
		return nil, s.updateError(ctx, key, u, err)
	}
	return u.stored, nil
}

// update is what an update found and wrote.
type update struct {
	stored   *ticket.Ticket
	enqueued bool
	takenOI  sav.OIKey // the OI key it sets
}

func (s *Store) updateError(ctx context.Context, key sav.Key, u update, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "sav_tickets_oi_key" && u.takenOI != (sav.OIKey{}) {
		// Another ticket took the OI key between the check and the write.
		if existing, gerr := s.GetByOI(ctx, u.takenOI); gerr == nil {
			return &sav.DuplicateError{Key: key, OIKey: u.takenOI, Existing: existing}
		}
	}
	return fail(ctx, "update", err)
}

func (s *Store) update(ctx context.Context, tx pgx.Tx, key sav.Key, fn sav.UpdateFunc, u *update) error {
	var (
		id  int64
		doc []byte
	)
	err := tx.QueryRow(ctx, sqlLockTicket, string(key.Role), key.CodeOC, key.ReferenceSigSAVRaccoOC).
		Scan(&id, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("sav: ticket %v: %w", key, sav.ErrNotFound)
	}
	if err != nil {
		return err
	}
	cur, err := decodeTicket(doc)
	if err != nil {
		return err
	}
	work := cur.Clone()
	fx, err := fn(work)
	if err != nil {
		return &fnError{err}
	}
	if err := sav.CheckUpdate(key, cur, work); err != nil {
		return err
	}
	ds, err := sav.PrepareEffects(key, fx)
	if err != nil {
		return err
	}
	oik, hasOI := sav.OIKeyOf(key.Role, work)
	oldOIK, hadOI := sav.OIKeyOf(key.Role, cur)
	if hasOI && (!hadOI || oik != oldOIK) {
		var other []byte
		err := tx.QueryRow(ctx, sqlOtherWithOI, string(oik.Role), oik.CodeOI, oik.ReferenceSigSAVOI, id).
			Scan(&other)
		switch {
		case err == nil:
			existing, err := decodeTicket(other)
			if err != nil {
				return err
			}
			return &sav.DuplicateError{Key: key, OIKey: oik, Existing: existing}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		u.takenOI = oik
	}
	newDoc, err := json.Marshal(work)
	if err != nil {
		return err
	}
	if u.stored, err = decodeTicket(newDoc); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(sqlUpdateTicket, id, work.CodeOI, work.ReferenceSigSAVOI, !work.State.Terminal(), work.Version, newDoc)
	u.enqueued = len(ds) > 0
	return s.commitEffects(ctx, tx, b, func(br pgx.BatchResults) error {
		_, err := br.Exec()
		return err
	}, ds, fx.Outcomes)
}

// CreateTx is [Store.Create] in the caller's transaction tx: the ticket and
// its effects are written, with whatever else tx writes, when the caller
// commits. A [*sav.DuplicateError] leaves tx as it was; on any other
// error, roll tx back.
func (s *Store) CreateTx(ctx context.Context, tx pgx.Tx, role codes.Role, t *ticket.Ticket, fx sav.Effects) (*ticket.Ticket, error) {
	key, ds, err := sav.PrepareCreate(ctx, role, t, fx)
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("pgstore: create: %w", err)
	}
	var id int64
	err = tx.QueryRow(ctx, sqlCreateTicket, string(role), t.CodeOC, t.ReferenceSigSAVRaccoOC, t.CodeOI,
		t.ReferenceSigSAVOI, !t.State.Terminal(), t.Version, doc).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, s.duplicate(ctx, tx, role, t, key)
	}
	if err != nil {
		return nil, fail(ctx, "create", err)
	}
	if err := s.commitEffects(ctx, tx, nil, nil, ds, fx.Outcomes); err != nil {
		return nil, fail(ctx, "create", err)
	}
	return decodeTicket(doc)
}

// duplicate returns the *sav.DuplicateError of a create whose key or OI key
// is taken, read through q.
func (s *Store) duplicate(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, role codes.Role, t *ticket.Ticket, key sav.Key) error {
	var doc []byte
	err := q.QueryRow(ctx, sqlGetTicket, string(key.Role), key.CodeOC, key.ReferenceSigSAVRaccoOC).Scan(&doc)
	oik, hasOI := sav.OIKeyOf(role, t)
	if errors.Is(err, pgx.ErrNoRows) && hasOI {
		err = q.QueryRow(ctx, sqlGetTicketByOI, string(oik.Role), oik.CodeOI, oik.ReferenceSigSAVOI).Scan(&doc)
	} else {
		oik = sav.OIKey{}
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: create %v: conflicts with a ticket that cannot be found (rolled back?)", key)
	case err != nil:
		return fail(ctx, "create", err)
	}
	existing, err := decodeTicket(doc)
	if err != nil {
		return err
	}
	return &sav.DuplicateError{Key: key, OIKey: oik, Existing: existing}
}

// CommitTx is [Store.Commit] in the caller's transaction tx. On an error,
// roll tx back.
func (s *Store) CommitTx(ctx context.Context, tx pgx.Tx, fx sav.Effects) ([]*sav.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ds, err := sav.PrepareEffects(sav.Key{}, fx)
	if err != nil {
		return nil, err
	}
	if err := s.commitEffects(ctx, tx, nil, nil, ds, fx.Outcomes); err != nil {
		return nil, fail(ctx, "commit", err)
	}
	out := make([]*sav.Delivery, len(ds))
	for i, d := range ds {
		out[i] = d.Clone()
	}
	return out, nil
}

// Get implements [sav.Tickets.Get].
func (s *Store) Get(ctx context.Context, key sav.Key) (*ticket.Ticket, error) {
	return s.getTicket(ctx, sqlGetTicket, key, string(key.Role), key.CodeOC, key.ReferenceSigSAVRaccoOC)
}

// GetByOI implements [sav.Tickets.GetByOI].
func (s *Store) GetByOI(ctx context.Context, key sav.OIKey) (*ticket.Ticket, error) {
	return s.getTicket(ctx, sqlGetTicketByOI, key, string(key.Role), key.CodeOI, key.ReferenceSigSAVOI)
}

func (s *Store) getTicket(ctx context.Context, query string, key fmt.Stringer, args ...any) (*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var doc []byte
	err := s.pool.QueryRow(ctx, query, args...).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("sav: ticket %v: %w", key, sav.ErrNotFound)
	}
	if err != nil {
		return nil, fail(ctx, "get", err)
	}
	return decodeTicket(doc)
}

// List implements [sav.Tickets.List]. Role, CodeOC, CodeOI and Open are
// conditions of the query, served by indexes; Offset and Limit too when
// there is no Match. Match runs on the rows as they come, in order, and
// reading stops once Limit tickets matched.
func (s *Store) List(ctx context.Context, q sav.Query) ([]*ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !q.Role.Valid() {
		return nil, fmt.Errorf("sav: list: a query must name our role, OI or OC: %w", sav.ErrInvalidKey)
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, fmt.Errorf("sav: list: negative offset or limit: %w", sav.ErrInvalid)
	}
	query, args := listSQL(q)
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fail(ctx, "list", err)
	}
	defer rows.Close()
	var out []*ticket.Ticket
	skip := q.Offset
	for rows.Next() {
		if q.Match != nil && q.Limit > 0 && len(out) == q.Limit {
			break
		}
		t, err := decodeTicket(rows.RawValues()[0])
		if err != nil {
			return nil, err
		}
		if q.Match != nil {
			if !q.Match(t.Clone()) {
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
		return nil, fail(ctx, "list", err)
	}
	return out, nil
}

// listSQL returns the statement of List for q and its arguments.
func listSQL(q sav.Query) (string, []any) {
	var sb strings.Builder
	sb.WriteString(sqlList)
	args := []any{string(q.Role)}
	if q.CodeOC != "" {
		args = append(args, q.CodeOC)
		fmt.Fprintf(&sb, sqlListByOC, len(args))
	}
	if q.CodeOI != "" {
		args = append(args, q.CodeOI)
		fmt.Fprintf(&sb, sqlListByOI, len(args))
	}
	if q.Open {
		sb.WriteString(sqlListOpen)
	}
	sb.WriteString(sqlListOrder)
	if q.Match == nil {
		if q.Offset > 0 {
			args = append(args, q.Offset)
			fmt.Fprintf(&sb, sqlListPage, len(args))
		}
		if q.Limit > 0 {
			args = append(args, q.Limit)
			fmt.Fprintf(&sb, sqlListPageMax, len(args))
		}
	}
	return sb.String(), args
}
