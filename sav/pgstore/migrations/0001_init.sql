-- The tables of a sav.Store, with the indexes that serve its queries.
-- Keys and lanes compare byte-wise (COLLATE "C"), as sav.CompareListOrder
-- does. Times are timestamptz, to the microsecond; NULL is Go's zero time.

-- Tickets: the document is the ticket as JSON (json, not jsonb: kept as
-- written, \u0000 included); the columns beside it are what queries filter
-- and order on, written from the document by every commit.
CREATE TABLE sav_tickets (
	id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	role    text COLLATE "C" NOT NULL,
	code_oc text COLLATE "C" NOT NULL,
	ref_oc  text COLLATE "C" NOT NULL,
	code_oi text COLLATE "C" NOT NULL DEFAULT '',
	ref_oi  text COLLATE "C" NOT NULL DEFAULT '',
	open    boolean NOT NULL,
	version integer NOT NULL,
	doc     json NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	-- Get, Update, Create's duplicate check; List by CodeOC.
	CONSTRAINT sav_tickets_key UNIQUE (role, code_oc, ref_oc)
);
-- GetByOI and the uniqueness of OI keys, among the tickets that have one.
CREATE UNIQUE INDEX sav_tickets_oi_key ON sav_tickets (role, code_oi, ref_oi) WHERE ref_oi <> '';
-- List, in its order (CodeOI, ReferenceSigSAVOI, CodeOC, ReferenceSigSAVRaccoOC), all or open only.
CREATE INDEX sav_tickets_list ON sav_tickets (role, code_oi, ref_oi, code_oc, ref_oc);
CREATE INDEX sav_tickets_list_open ON sav_tickets (role, code_oi, ref_oi, code_oc, ref_oc) WHERE open;

-- Journal of inbound messages. disposition: NULL pending, 1 processed,
-- 2 quarantined. resolved_seq orders the processed entries for Forget.
CREATE SEQUENCE sav_journal_resolved;
CREATE TABLE sav_journal (
	seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	protocol      text COLLATE "C" NOT NULL,
	id            text COLLATE "C" NOT NULL,
	from_addr     text NOT NULL DEFAULT '',
	code_operator text NOT NULL DEFAULT '',
	received_at   timestamptz,
	content_type  text NOT NULL DEFAULT '',
	body          bytea,
	disposition   smallint CHECK (disposition IN (1, 2)),
	outcome_at    timestamptz,
	code          integer NOT NULL DEFAULT 0,
	reason        text NOT NULL DEFAULT '',
	response_type text NOT NULL DEFAULT '',
	response      bytea,
	resolved_seq  bigint,
	-- Record's duplicate check, Inbound, Resolve.
	CONSTRAINT sav_journal_ref UNIQUE (protocol, id)
);
CREATE INDEX sav_journal_unresolved ON sav_journal (seq) WHERE disposition IS NULL;
CREATE INDEX sav_journal_quarantined ON sav_journal (seq) WHERE disposition = 2;
CREATE INDEX sav_journal_processed ON sav_journal (resolved_seq) WHERE disposition = 1;

-- Outbox. status: 1 pending, 2 in flight, 3 stuck, 4 delivered,
-- 5 abandoned (sav.DeliveryStatus). due_at is when a waiting delivery may
-- be claimed: its next attempt when pending (NULL: at once), the end of
-- its lease when in flight; NULL otherwise. waits counts the lanes of the
-- delivery where an earlier delivery is not final: it goes when waits is
-- 0. claim_token fences the current claim.
CREATE TABLE sav_deliveries (
	seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id                text COLLATE "C" NOT NULL,
	protocol          text NOT NULL,
	dest_code         text NOT NULL DEFAULT '',
	dest_address      text NOT NULL,
	content_type      text NOT NULL DEFAULT '',
	body              bytea,
	tickets           json,
	destination_order boolean NOT NULL DEFAULT false,
	label             text NOT NULL DEFAULT '',
	idempotency_key   text NOT NULL,
	status            smallint NOT NULL CHECK (status BETWEEN 1 AND 5),
	next_attempt      timestamptz,
	due_at            timestamptz,
	enqueued_at       timestamptz NOT NULL,
	attempts          integer NOT NULL DEFAULT 0,
	last_attempt_at   timestamptz,
	last_error        text NOT NULL DEFAULT '',
	lease_until       timestamptz,
	delivered_at      timestamptz,
	reason            text NOT NULL DEFAULT '',
	waits             integer NOT NULL DEFAULT 0,
	claim_token       text,
	-- Delivered, Failed, Retry, Abandon, Delivery.
	CONSTRAINT sav_deliveries_id UNIQUE (id)
);
-- Claim: the deliveries first of all their lanes, in the order they become
-- ready. A backlog held back in its lanes is not in it.
CREATE INDEX sav_deliveries_ready ON sav_deliveries (due_at NULLS FIRST, seq) WHERE status IN (1, 2) AND waits = 0;
-- Pending and Stuck, by Seq.
CREATE INDEX sav_deliveries_waiting ON sav_deliveries (status, seq) WHERE status IN (1, 2, 3);

-- The lanes of the deliveries that are not final (pending, in flight,
-- stuck): a delivery is first of a lane when no row of that lane has a
-- lower seq. A final delivery's rows are deleted, and the next delivery of
-- each lane it was first of waits for one lane less. Enqueueing and
-- finishing change a lane under its advisory lock only.
CREATE TABLE sav_lanes (
	lane text COLLATE "C" NOT NULL,
	seq  bigint NOT NULL REFERENCES sav_deliveries (seq),
	PRIMARY KEY (lane, seq)
);
CREATE INDEX sav_lanes_seq ON sav_lanes (seq);

-- Sequences: NextSequence.
CREATE TABLE sav_sequences (
	name  text COLLATE "C" PRIMARY KEY,
	value bigint NOT NULL
);
