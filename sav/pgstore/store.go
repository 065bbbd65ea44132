package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/opensav/savsdk/sav"
)

// Options configures a [Store]. The zero value (or nil) is valid.
type Options struct {
	// Schema is the PostgreSQL schema that holds the store's tables. Empty
	// means the connections' current schema (the first existing one of
	// their search_path, usually public). [Open] sets the connections'
	// search_path to it and creates it when it does not exist; with [New],
	// the pool's connections must already have it as their current
	// schema.
	Schema string
	// Now is the clock that stamps EnqueuedAt; nil means time.Now.
	Now func() time.Time
	// Logger, when set, receives a record when the listener of
	// notifications loses its connection (warn). The store logs nothing
	// else.
	Logger *slog.Logger
}

// Store is a [sav.Store] and a [sav.Notifier] over PostgreSQL. It is safe
// for concurrent use, and any number of Stores, in any number of
// processes, may share one database schema.
type Store struct {
	pool    *pgxpool.Pool
	owned   bool
	schema  string
	channel string
	now     func() time.Time
	logger  *slog.Logger

	notifier notifier
}

var (
	_ sav.Store    = (*Store)(nil)
	_ sav.Notifier = (*Store)(nil)
)

// Open connects to the database url names (a PostgreSQL URL or keyword/value
// string, as pgxpool.ParseConfig reads it, pool settings included), applies
// the migrations the schema lacks and returns the store. Close closes its
// pool.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if opts != nil && opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s, err := newStore(ctx, pool, opts, true)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// New returns the store over pool, after applying the migrations the
// schema lacks. The pool stays the caller's: Close does not close it.
func New(ctx context.Context, pool *pgxpool.Pool, opts *Options) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("pgstore: nil pool: %w", sav.ErrInvalid)
	}
	return newStore(ctx, pool, opts, false)
}

func newStore(ctx context.Context, pool *pgxpool.Pool, opts *Options, createSchema bool) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	var current *string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&current); err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	schema := o.Schema
	switch {
	case schema == "" && current == nil:
		return nil, errors.New("pgstore: the connections have no current schema (no schema of their search_path exists)")
	case schema == "":
		schema = *current
	case current != nil && *current != schema && !createSchema:
		return nil, fmt.Errorf("pgstore: Options.Schema is %q but the pool's current schema is %q: set the pool's search_path",
			schema, *current)
	}
	if err := migrate(ctx, pool, schema, createSchema && o.Schema != ""); err != nil {
		return nil, err
	}
	s := &Store{pool: pool, schema: schema, now: o.Now, logger: o.Logger,
		channel: fmt.Sprintf("sav_outbox_%08x", hash32(schema))}
	if s.now == nil {
		s.now = time.Now
	}
	s.notifier.s = s
	return s, nil
}

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Schema returns the schema that holds the store's tables.
func (s *Store) Schema() string { return s.schema }

// Close ends the subscriptions' listener and, for a store from [Open],
// closes its pool (waiting for the connections in use to be released).
// The store must not be used after; closing it again does nothing.
func (s *Store) Close() error {
	s.notifier.close()
	if s.owned {
		s.pool.Close()
	}
	return nil
}

// Advisory lock classes (the first key of pg_advisory_xact_lock(int, int)):
// the second key is a hash of the schema (migrations) or of the schema and
// a lane (enqueueing, and making a delivery final).
const (
	lockMigrations int32 = 0x5A5F
	lockLanes      int32 = 0x5A60
)

func hash32(parts ...string) uint32 {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum32()
}

// errRetry makes inTx run a transaction again.
var errRetry = errors.New("pgstore: retry the transaction")

// fnError carries an UpdateFunc's error through the transaction, so it is
// returned as is and never retried.
type fnError struct{ err error }

func (e *fnError) Error() string { return e.err.Error() }

// inTx runs fn in a transaction, committed when fn returns nil, and runs it
// again (a few times) after a deadlock, a serialisation failure or
// errRetry.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	for range 8 {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			// Nothing is committed once ctx is done.
			return ctx.Err()
		})
		if !retryable(err) {
			break
		}
	}
	return err
}

func retryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// fail turns a database error into the store's: ctx.Err() when ctx is
// done, sav.ErrInvalid for text PostgreSQL cannot hold (a NUL byte, bytes
// that are not UTF-8), the error as is when the store made it, else the
// database's error wrapped with what was done.
func fail(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *fnError
	if errors.As(err, &fe) {
		return fe.err
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05") {
		return fmt.Errorf("pgstore: %s: %w: %w", op, sav.ErrInvalid, err)
	}
	if isStoreError(err) {
		return err
	}
	return fmt.Errorf("pgstore: %s: %w", op, err)
}

func isStoreError(err error) bool {
	for _, target := range []error{sav.ErrNotFound, sav.ErrDuplicate, sav.ErrInvalidKey, sav.ErrKeyChanged,
		sav.ErrResolved, sav.ErrDeliveryState, sav.ErrInvalid} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// clean makes a diagnostic text (an error, a reason) storable: PostgreSQL
// text holds no NUL byte and only UTF-8.
func clean(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}

// norm returns t as the store returns it: in UTC, to the microsecond.
func norm(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// ts is t as a query argument: NULL for the zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// tt is a scanned timestamptz as a time.Time in UTC; NULL is the zero
// time.
func tt(v pgtype.Timestamptz) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return v.Time.UTC()
}
