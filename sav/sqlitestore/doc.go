// Package sqlitestore is the embedded [sav.Store]: the tickets, the journal
// of inbound messages, the outbox and the sequences of an operator's SAV in
// one SQLite database file, with no server to run and no cgo (the
// modernc.org/sqlite driver, through database/sql). It is the store for a
// program on one machine that must not lose a ticket across a restart or a
// power cut; [sav.MemStore] keeps nothing, and a database server shared by
// several machines needs a store over that server.
//
// It keeps the guarantees the package sav documentation lists ("Implementing
// Store") with the semantics of [sav.MemStore], and runs the storetest suite
// with its Durability tests (storetest.RunWith).
//
// # Opening
//
//	store, err := sqlitestore.Open(ctx, "/var/lib/sav/sav.db", nil)
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	oi, err := sav.NewOI(sav.Options{Code: "FTEL", Store: store, …})
//
// [Open] creates the file when there is none and applies the schema
// migrations the database lacks (see "Schema"). [Options] set the busy
// timeout, the number of read connections and the clock. The database is
// the file and, while it is open, its -wal and -shm files beside it: copy
// the three together, or only the file once every handle is closed.
//
// # Durability
//
// Every connection runs with journal_mode=WAL, synchronous=FULL,
// foreign_keys=ON and busy_timeout (Options.BusyTimeout, 10 s by default).
// Each operation that writes (Create, Update, Commit, Record, Resolve,
// Forget, Claim, Delivered, Failed, Retry, Abandon, NextSequence) is one
// transaction begun IMMEDIATE, and returns only once SQLite has committed
// it and synced the write-ahead log to the disk: a ticket, journal entry,
// delivery state or sequence number it reported is there after a crash of
// the process or of the machine, provided the disk honours fsync. An
// operation that fails, or whose context ends before the commit, writes
// nothing: a ticket with its deliveries and journal outcomes is committed
// together or not at all. Sequence numbers are committed before they are
// returned, so they are never given twice, also across reopening.
//
// # Concurrency
//
// A [Store] is safe for concurrent use. Its writes go through one
// connection, in turn (waiting for it honours the context); its reads
// (Get, GetByOI, List, Inbound, Unresolved, Quarantined, Delivery, Pending,
// Stuck) go through a pool of Options.Readers connections and see the last
// committed state without waiting for the writes.
//
// Update runs its [sav.UpdateFunc] inside the write transaction, on the
// ticket as last committed through any handle: the updates of a ticket are
// serialised, and so are all the writes to the database. The function must
// not write to the store (through the same handle it would wait for the
// transaction it runs in until its context ends); it may read. Keep it
// short: it holds the database's write lock.
//
// Several handles — [Open] called twice, or by several processes on one
// machine — may use one database at once: SQLite's file locks serialise
// their transactions, a write waiting up to the busy timeout for another's
// (then it fails with the driver's SQLITE_BUSY error). No update, sequence
// number or claim is lost or given twice (storetest's
// HandlesShareOneDatabase). Claims are exclusive and leased: a delivery
// claimed by a dispatcher that went away is claimed again once its lease
// ends; the first dispatcher may still record it delivered, as the
// contract allows (delivery is at least once). [Store.Subscribe] signals
// the commits of its own handle only: the dispatchers of other handles
// find the deliveries at their next poll.
//
// The database must be on a local file system: WAL needs shared memory
// between the processes, and network file systems do not lock reliably.
// SQLite's locks are POSIX record locks by default, which the kernel drops
// when the process closes any descriptor of the file: do not open the
// database file in the same process while the store is open (to hash or
// copy it), or enable the driver's OFD locks (modernc.org/sqlite
// OFDLocking, or MODERNC_SQLITE_OFD_LOCK=1) before the first Open.
//
// # Schema
//
// The schema is created and changed by migrations embedded in the package
// (migrations/NNNN_name.sql), applied in order, forward only, in one
// transaction on [Open], and recorded in the table sav_schema. [Open]
// refuses a database whose schema is newer than the package knows (a newer
// program migrated it) with a [*SchemaError]; [SchemaVersion] is the
// version it knows. The tickets are stored as the JSON of [ticket.Ticket],
// beside the columns the queries select them by (role, CodeOC,
// ReferenceSigSAVRaccoOC, CodeOI, ReferenceSigSAVOI, whether terminal),
// indexed as the migrations say: the OI key is unique among the tickets
// that have one, and List reads in its order from an index, the role,
// codes and Open filters in SQL and Match applied to the rows they select.
// The times of the journal and the outbox are stored in UTC to the
// nanosecond and come back in UTC; those of a ticket keep their offset, as
// encoding/json writes them. Empty byte slices come back nil.
//
// Nothing is deleted but the journal entries [Store.Forget] lets go:
// delivered and abandoned deliveries are kept.
//
// # Errors
//
// The sentinels of package sav, tested with errors.Is: [sav.ErrNotFound],
// [sav.ErrDuplicate] (a [*sav.DuplicateError] with the stored ticket),
// [sav.ErrInvalidKey], [sav.ErrKeyChanged], [sav.ErrResolved],
// [sav.ErrDeliveryState], [sav.ErrInvalid]; errors of an UpdateFunc as they
// are; the context's error when it ended first. [Open] adds
// [ErrSchemaTooNew] (a [*SchemaError]). Errors of the database come
// wrapped ("sqlitestore: op: …"), holding the driver's *sqlite.Error (its
// Code is SQLite's result code, such as SQLITE_BUSY or SQLITE_FULL); after
// [Store.Close], every operation fails.
//
// # Performance
//
// A commit costs one sync of the log to the disk, which bounds the rate of
// writes of a database: on the project's two-core machines, 1 000 to 3 000
// creates per second (median times; the disk decides). BenchmarkStoreRatios
// puts the store at 0.88 to 0.95 times the rate of the same INSERT through
// raw database/sql in one transaction with the same settings, and an
// Update (read, decode, apply, encode, write) at 0.71 to 0.80 times a raw
// SELECT and UPDATE of the same row to the same bytes.
package sqlitestore
