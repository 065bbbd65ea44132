// Package pgstore is a [sav.Store] on PostgreSQL (13 or later), through
// pgx: the store for an operator that runs several processes — engines,
// protocol servers, dispatchers — on one database. It keeps the guarantees
// package sav documents ("Implementing Store") across processes and
// restarts, and passes package storetest's conformance suite, durability
// tests included, against a real server.
//
// # Opening
//
//	s, err := pgstore.Open(ctx, "postgres://sav@db.example/sav?pool_max_conns=20", &pgstore.Options{Schema: "sav"})
//	if err != nil { … }
//	defer s.Close()
//	oi, err := sav.NewOI(sav.Options{Store: s, …})
//
// [Open] takes a PostgreSQL URL or keyword/value string (pgxpool's, pool
// settings included); [New] takes a *pgxpool.Pool the program already has
// (Close then leaves it open). Both apply the embedded migrations
// (migrations/NNNN_*.sql, forward only) that the schema lacks, in one
// transaction under an advisory lock of the schema, so processes that
// start together migrate once; the versions applied are recorded in
// sav_schema_migrations. A schema migrated by a newer version of this
// package is refused with a [*SchemaError] ([ErrSchemaTooNew]) and left
// as it is: upgrade every process before, never after, the schema.
// Options.Schema puts the tables in a schema of their own (Open sets the
// connections' search_path to it and creates it if needed). A commit holds
// one connection of the pool for its transaction (an Update while its
// UpdateFunc runs), and a Store with subscriptions one more, outside the
// pool, to LISTEN: size pool_max_conns for the commits and claims that run
// at once.
//
// # Several processes on one database
//
// Open one Store per process on the same URL and schema; nothing else is
// needed. Every guarantee is the database's, not a lock in memory:
//
//   - Create, Update and Commit are each one transaction: the ticket, its
//     deliveries (the transactional outbox) and the journal outcomes are
//     committed together or not at all.
//   - Update locks the ticket's row (SELECT … FOR UPDATE) and runs the
//     UpdateFunc on a copy of the committed ticket: updates of one ticket
//     from any number of processes are serialised, none is lost, versions
//     stay contiguous. The UpdateFunc runs while the row is locked; keep
//     it short. After a deadlock the database broke, it runs again on a
//     fresh copy.
//   - Unique indexes keep ticket keys, OI keys and journal identities
//     unique: of concurrent creates of one key exactly one wins, the
//     others get a [*sav.DuplicateError] with the winner; a message
//     recorded by two processes is journaled once.
//   - Dispatchers in several processes share the outbox: Claim takes the
//     ready deliveries with SELECT … FOR UPDATE SKIP LOCKED, so two claims
//     never take one delivery, and a delivery is ready only when no earlier
//     delivery of its lanes (sav_lanes) is still pending, in flight or
//     stuck. Enqueueing a delivery and making one final take an advisory
//     lock per lane until the commit ends, so the deliveries of a lane get
//     their Seq in commit order, a claim never sees a later one before an
//     earlier one, and each delivery counts the lanes it waits in: a
//     claim reads only the deliveries first of all their lanes (an index),
//     however many wait behind a partner that is down. A claim is a
//     lease: an in-flight delivery whose lease ended (its dispatcher died)
//     is claimed again, with a new claim token. Leases are compared with
//     the dispatchers' clocks (ClaimRequest.Now): keep the hosts' clocks in
//     step (NTP) to well within a lease.
//   - NextSequence increments a row of sav_sequences in a statement of its
//     own, committed before it returns: two processes never get one
//     number, and numbers go on increasing after a restart.
//   - The store is a [sav.Notifier]: commits that make a delivery ready run
//     pg_notify, and a Store with subscriptions LISTENs on a connection of
//     its own, so a dispatcher in any process wakes at once. The
//     dispatcher's poll stays the fallback (a notification sent while the
//     listener reconnects is lost).
//
// # The caller's transaction
//
// [Store.CreateTx], [Store.UpdateTx] and [Store.CommitTx] write in a
// pgx.Tx the caller passes, so a program commits its own rows with a
// ticket change and its deliveries (the transaction is always an explicit
// argument, never a value in a context). The caller commits, or rolls back
// after an error; it runs its transaction again after a deadlock or a
// serialisation failure. Use READ COMMITTED, PostgreSQL's default. Other
// processes' dispatchers are woken by the NOTIFY the commit sends.
//
// # Storage
//
// A ticket is stored as its JSON document (a json column, kept as written)
// beside the columns List filters and orders on — role, OC and OI codes
// and references (COLLATE "C": byte-wise, as [sav.CompareListOrder]),
// open — with the indexes that serve Get, GetByOI and List written next to
// the schema in migrations/. List pushes Role, CodeOC, CodeOI, Open, and
// Offset and Limit when there is no Match, down to SQL; Match runs on the
// rows in order, and reading stops at Limit. Payloads and bodies are
// bytea. Times are timestamptz: they come back in UTC, to the microsecond.
// Nothing is deleted but by [Store.Forget] (processed journal entries);
// delivered deliveries stay in sav_deliveries for the operator's own
// retention policy (a DELETE of final rows, status 4).
//
// # Errors
//
// The store returns package sav's errors as MemStore does (errors.Is
// [sav.ErrNotFound], [sav.ErrDuplicate], [sav.ErrInvalidKey],
// [sav.ErrKeyChanged], [sav.ErrResolved], [sav.ErrDeliveryState],
// [sav.ErrInvalid]) and an UpdateFunc's error as is. Text that PostgreSQL
// cannot hold (a NUL byte, bytes that are not UTF-8) in a key, an ID, an
// address or a label is refused with an error wrapping [sav.ErrInvalid];
// in a ticket's document it is kept (JSON escapes it); in a diagnostic
// (a failure's error, a reason) it is cleaned before it is stored. Other
// database errors are wrapped with what was being done, so errors.As
// finds the *pgconn.PgError. A method called with a done context, or whose
// context ends before it commits, returns ctx.Err() and commits nothing.
// Open and New return a [*SchemaError] for a schema too new.
//
// # Concurrency
//
// A Store is safe for concurrent use, and any number of Stores, in any
// number of processes, may share one schema. Close ends the listener and
// closes a pool Open made.
package pgstore
