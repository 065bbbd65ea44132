-- 0001: tickets, journal, outbox and sequences, with the indexes that serve
-- the queries of queries.go. Times are UTC text of fixed width
-- (2006-01-02T15:04:05.000000000Z), so that they compare as they sort.

-- Tickets: the ticket as JSON (ticket.Ticket) and the key columns the
-- queries use. code_oi and ref_oi are '' until set.
CREATE TABLE tickets (
	id       INTEGER PRIMARY KEY,
	role     TEXT    NOT NULL,
	code_oc  TEXT    NOT NULL,
	ref_oc   TEXT    NOT NULL,
	code_oi  TEXT    NOT NULL DEFAULT '',
	ref_oi   TEXT    NOT NULL DEFAULT '',
	terminal INTEGER NOT NULL CHECK (terminal IN (0, 1)),
	data     BLOB    NOT NULL,
	-- Get and Update.
	UNIQUE (role, code_oc, ref_oc)
);

-- GetByOI, and the uniqueness of an OI key among the tickets that have one.
CREATE UNIQUE INDEX tickets_oi_key ON tickets (role, code_oi, ref_oi) WHERE ref_oi <> '';

-- List in its order (CodeOI, ReferenceSigSAVOI, CodeOC,
-- ReferenceSigSAVRaccoOC): all, by CodeOI, the open ones, and by CodeOC.
CREATE INDEX tickets_list ON tickets (role, code_oi, ref_oi, code_oc, ref_oc);
CREATE INDEX tickets_list_open ON tickets (role, code_oi, ref_oi, code_oc, ref_oc) WHERE terminal = 0;
CREATE INDEX tickets_list_oc ON tickets (role, code_oc, code_oi, ref_oi, ref_oc);

-- Journal: one row per inbound message. disposition is 0 while pending,
-- then sav.Disposition (1 processed, 2 quarantined); processed_order is
-- the order in which entries were processed, for Forget.
CREATE TABLE journal (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	protocol        TEXT    NOT NULL,
	id              TEXT    NOT NULL,
	from_addr       TEXT    NOT NULL,
	code_operator   TEXT    NOT NULL,
	received_at     TEXT    NOT NULL,
	content_type    TEXT    NOT NULL,
	body            BLOB,
	disposition     INTEGER NOT NULL DEFAULT 0 CHECK (disposition IN (0, 1, 2)),
	outcome_at      TEXT,
	outcome_code    INTEGER,
	reason          TEXT,
	response_type   TEXT,
	response        BLOB,
	processed_order INTEGER,
	-- Record, Resolve, Inbound.
	UNIQUE (protocol, id)
);

-- Unresolved and Quarantined, oldest first.
CREATE INDEX journal_waiting ON journal (disposition, seq) WHERE disposition <> 1;

-- Forget, oldest processed first.
CREATE UNIQUE INDEX journal_processed ON journal (processed_order) WHERE disposition = 1;

-- Outbox: one row per delivery, never deleted. status is sav.DeliveryStatus.
-- front is 1 when the delivery is the first not-final one of each of its
-- lanes; due is then when it becomes ready (its next attempt while pending,
-- the end of its lease in flight), NULL otherwise.
CREATE TABLE deliveries (
	seq               INTEGER PRIMARY KEY AUTOINCREMENT,
	id                TEXT    NOT NULL UNIQUE,
	protocol          TEXT    NOT NULL,
	dest_code         TEXT    NOT NULL,
	dest_address      TEXT    NOT NULL,
	content_type      TEXT    NOT NULL,
	body              BLOB,
	tickets           TEXT,
	destination_order INTEGER NOT NULL CHECK (destination_order IN (0, 1)),
	label             TEXT    NOT NULL,
	idempotency_key   TEXT    NOT NULL,
	next_attempt      TEXT    NOT NULL,
	status            INTEGER NOT NULL CHECK (status BETWEEN 1 AND 5),
	enqueued_at       TEXT    NOT NULL,
	attempts          INTEGER NOT NULL,
	last_attempt_at   TEXT    NOT NULL,
	last_error        TEXT    NOT NULL,
	lease_until       TEXT    NOT NULL,
	delivered_at      TEXT    NOT NULL,
	reason            TEXT    NOT NULL,
	front             INTEGER NOT NULL CHECK (front IN (0, 1)),
	due               TEXT
);

-- Claim: the ready deliveries by readiness, then Seq; and NextDue.
CREATE INDEX deliveries_ready ON deliveries (due, seq) WHERE front = 1 AND due IS NOT NULL;

-- Pending and Stuck, by Seq (sorting the waiting deliveries only).
CREATE INDEX deliveries_status ON deliveries (status, seq);

-- The lanes of the deliveries that are not final, one row per lane of each.
CREATE TABLE delivery_lanes (
	lane TEXT    NOT NULL,
	seq  INTEGER NOT NULL REFERENCES deliveries (seq) ON DELETE CASCADE,
	-- The head of a lane, and whether a lane is empty.
	PRIMARY KEY (lane, seq)
) WITHOUT ROWID;

-- The lanes of one delivery (when it becomes final; the foreign key).
CREATE INDEX delivery_lanes_seq ON delivery_lanes (seq);

-- Sequences: the last number given for each name.
CREATE TABLE sequences (
	name  TEXT    PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
