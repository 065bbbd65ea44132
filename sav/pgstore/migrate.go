package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered file of migrations/: NNNN_what.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations by version; versions start at
// 1 and have no gap.
var migrations = func() []migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || path.Ext(e.Name()) != ".sql" {
			panic("pgstore: migration file without a number: " + e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			panic(fmt.Sprintf("pgstore: migration %s: want version %d", m.name, i+1))
		}
	}
	return ms
}()

// SchemaVersion returns the version of the newest schema this package
// knows: the number of its last migration.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

// ErrSchemaTooNew: the database's schema was migrated by a newer version of
// this package; see [*SchemaError].
var ErrSchemaTooNew = errors.New("pgstore: the database schema is newer than this program knows")

// SchemaError reports a schema this package cannot work on: migrated by a
// newer version of it (Version > Known). Nothing was changed. It unwraps to
// [ErrSchemaTooNew].
type SchemaError struct {
	Schema  string // the PostgreSQL schema
	Version int    // the version of the database's schema
	Known   int    // SchemaVersion()
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("pgstore: schema %q is at version %d, newer than the %d this program knows: upgrade it",
		e.Schema, e.Version, e.Known)
}

// Unwrap returns [ErrSchemaTooNew].
func (e *SchemaError) Unwrap() error { return ErrSchemaTooNew }

const sqlCreateMigrations = `CREATE TABLE IF NOT EXISTS sav_schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// migrate applies, in one transaction under an advisory lock of the schema
// (so that processes starting together migrate once), the migrations the
// schema lacks. Migrations go forward only.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, create bool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", lockMigrations,
			int32(hash32(schema))); err != nil {
			return err
		}
		ident := pgx.Identifier{schema}.Sanitize()
		if create {
			if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+ident); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlCreateMigrations); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM sav_schema_migrations").
			Scan(&version); err != nil {
			return err
		}
		if version > SchemaVersion() {
			return &SchemaError{Schema: schema, Version: version, Known: SchemaVersion()}
		}
		for _, m := range migrations[version:] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO sav_schema_migrations (version, name) VALUES ($1, $2)",
				m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
	var se *SchemaError
	if err != nil && !errors.As(err, &se) {
		return fmt.Errorf("pgstore: migrating schema %q: %w", schema, err)
	}
	return err
}
