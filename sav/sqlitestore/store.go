package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opensav/savsdk/sav"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, without cgo
)

// Options configure [Open]. The zero value (or nil) is the default.
type Options struct {
	// BusyTimeout is how long a statement waits for a lock another handle
	// or process holds on the database (SQLite's busy_timeout) before it
	// fails; 0 means 10 seconds.
	BusyTimeout time.Duration
	// Readers bounds the connections that serve reads (Get, List, Pending,
	// …); 0 means 4. Writes go through one connection.
	Readers int
	// Now is the clock that stamps EnqueuedAt and the migrations; nil means
	// time.Now.
	Now func() time.Time
}

// Store is a [sav.Store] in one SQLite database file. It is safe for
// concurrent use; see the package documentation for what it guarantees.
type Store struct {
	path string
	now  func() time.Time
	// w has one connection, whose transactions begin IMMEDIATE: the
	// writes of this handle wait for it in turn (honouring their
	// context), and the handles of other processes for SQLite's lock.
	w *sql.DB
	// r serves the reads, which see the last committed state (WAL).
	r *sql.DB

	// ws and rs are the statements of writerStatements and
	// readerStatements, prepared once.
	ws, rs map[string]*sql.Stmt

	closeOnce sync.Once
	closeErr  error

	subs sav.Subscribers
}

var (
	_ sav.Store    = (*Store)(nil)
	_ sav.Notifier = (*Store)(nil)
)

// ErrSchemaTooNew is the error (a [*SchemaError]) [Open] returns for a
// database that a newer version of this package migrated.
var ErrSchemaTooNew = errors.New("sqlitestore: database schema is newer than this program")

// SchemaError reports a database whose schema version is not one this
// package knows: it was migrated by a newer version. Opening it could
// misread what the newer version wrote, so [Open] refuses it.
type SchemaError struct {
	Path    string
	Version int // the database's schema version
	Known   int // the newest version this package knows
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("sqlitestore: %s: schema version %d, this program knows up to %d", e.Path, e.Version,
		e.Known)
}

// Unwrap returns [ErrSchemaTooNew].
func (e *SchemaError) Unwrap() error { return ErrSchemaTooNew }

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the embedded migrations by version, 1 to N without gaps.
var migrations = sync.OnceValues(func() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlitestore: migration %q is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlitestore: migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
})

// SchemaVersion returns the newest schema version this package knows: the
// version of a database it opened.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Open opens the store in the database file path, creating the file when
// there is none, and applies the migrations the database lacks. It returns
// a [*SchemaError] for a database of a newer schema. Close the store when
// done.
func Open(ctx context.Context, path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.Readers <= 0 {
		o.Readers = 4
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("sqlitestore: open: empty path: %w", sav.ErrInvalid)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	s := &Store{path: abs, now: o.Now}

	busy := strconv.FormatInt(max(1, o.BusyTimeout.Milliseconds()), 10)
	w := url.Values{}
	w.Set("_busy_timeout", busy)
	w.Set("_foreign_keys", "1")
	w.Set("_journal_mode", "WAL")
	w.Set("_synchronous", "FULL")
	w.Set("_txlock", "immediate")
	if s.w, err = sql.Open("sqlite", dsn(abs, w)); err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", abs, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)
	if err := s.migrate(ctx); err != nil {
		s.w.Close()
		return nil, err
	}

	r := url.Values{}
	r.Set("_busy_timeout", busy)
	r.Set("_foreign_keys", "1")
	r.Set("_query_only", "1")
	if s.r, err = sql.Open("sqlite", dsn(abs, r)); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", abs, err)
	}
	s.r.SetMaxOpenConns(o.Readers)
	s.r.SetMaxIdleConns(o.Readers)
	if err := s.r.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", abs, err)
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", abs, err)
	}
	return s, nil
}

// prepare prepares the statements of the store once.
func (s *Store) prepare(ctx context.Context) error {
	s.ws, s.rs = map[string]*sql.Stmt{}, map[string]*sql.Stmt{}
	for _, p := range []struct {
		db *sql.DB
		qs []string
		m  map[string]*sql.Stmt
	}{{s.w, writerStatements, s.ws}, {s.r, readerStatements, s.rs}} {
		for _, q := range p.qs {
			st, err := p.db.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("prepare %q: %w", q, err)
			}
			p.m[q] = st
		}
	}
	return nil
}

// db runs the statements of the store: in the write transaction tx, or on
// the readers when tx is nil; prepared once when they are listed in
// writerStatements or readerStatements.
type db struct {
	s  *Store
	tx *sql.Tx
}

func (s *Store) read() db { return db{s: s} }

func (d db) stmt(ctx context.Context, q string) *sql.Stmt {
	if d.tx == nil {
		return d.s.rs[q]
	}
	if st := d.s.ws[q]; st != nil {
		return d.tx.StmtContext(ctx, st)
	}
	return nil
}

func (d db) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := d.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if d.tx == nil {
		return nil, fmt.Errorf("sqlitestore: write outside a transaction: %q", q)
	}
	return d.tx.ExecContext(ctx, q, args...)
}

func (d db) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if d.tx == nil {
		return d.s.r.QueryRowContext(ctx, q, args...)
	}
	return d.tx.QueryRowContext(ctx, q, args...)
}

func (d db) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if d.tx == nil {
		return d.s.r.QueryContext(ctx, q, args...)
	}
	return d.tx.QueryContext(ctx, q, args...)
}

// dsn returns the driver's name of the database file abs with params.
func dsn(abs string, params url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: params.Encode()}
	return u.String()
}

// migrate applies the migrations the database lacks, in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	fail := func(err error) error { return fmt.Errorf("sqlitestore: open %s: migrate: %w", s.path, err) }
	var mode string
	if err := s.w.QueryRowContext(ctx, sqlJournalMode).Scan(&mode); err != nil {
		return fail(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fail(fmt.Errorf("journal mode is %q, not WAL", mode))
	}
	return s.write(ctx, func(tx db) error {
		if _, err := tx.ExecContext(ctx, sqlCreateSchemaTable); err != nil {
			return fail(err)
		}
		var have int
		if err := tx.QueryRowContext(ctx, sqlSchemaVersion).Scan(&have); err != nil {
			return fail(err)
		}
		if have > len(ms) {
			return &SchemaError{Path: s.path, Version: have, Known: len(ms)}
		}
		for _, m := range ms[have:] {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fail(fmt.Errorf("%s: %w", m.name, err))
			}
			if _, err := tx.ExecContext(ctx, sqlRecordMigration, m.version, m.name, ts(s.now())); err != nil {
				return fail(err)
			}
		}
		return nil
	})
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database. Operations under way finish first; later
// ones fail. Closing again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for _, m := range []map[string]*sql.Stmt{s.ws, s.rs} {
			for _, st := range m {
				errs = append(errs, st.Close())
			}
		}
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		errs = append(errs, s.w.Close())
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("sqlitestore: close %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// write runs fn in a write transaction (BEGIN IMMEDIATE on the writer
// connection) and commits it when fn returns nil and ctx is not done.
func (s *Store) write(ctx context.Context, fn func(tx db) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.dbErr("begin", err)
	}
	defer tx.Rollback()
	if err := fn(db{s: s, tx: tx}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.dbErr("commit", err)
	}
	return nil
}

// dbErr wraps an error of the database.
func (s *Store) dbErr(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("sqlitestore: %s: %w", op, err)
}

// Subscribe implements [sav.Notifier]: the channel receives a value after
// a commit of this handle enqueued a delivery or made one ready (retried,
// or the next of its lanes). Changes made through other handles are not
// signalled; the dispatcher's poll finds them.
func (s *Store) Subscribe() (<-chan struct{}, func()) { return s.subs.Subscribe() }

// NextSequence implements [sav.Sequences]. The number is committed before
// it is returned: it is never given again, also across reopening.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, fmt.Errorf("sqlitestore: sequence without a name: %w", sav.ErrInvalidKey)
	}
	var n int64
	err := s.write(ctx, func(tx db) error {
		if err := tx.QueryRowContext(ctx, sqlNextSequence, name).Scan(&n); err != nil {
			return s.dbErr("next sequence", err)
		}
		return nil
	})
	return n, err
}

// Times are stored as UTC text of fixed width, so that they compare as they
// sort, to the nanosecond; they come back in UTC.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTS(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlitestore: stored time %q: %w", s, err)
	}
	return t, nil
}

// blob stores an empty byte slice as NULL; it comes back nil.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
