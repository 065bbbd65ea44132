package sqlitestore

// The statements of the store, one per operation. The indexes that serve
// them are created beside the tables, in migrations/. Delivery statuses and
// dispositions are bound as parameters (sav.DeliveryStatus and
// sav.Disposition values).

// Schema versions.
const (
	sqlCreateSchemaTable = `CREATE TABLE IF NOT EXISTS sav_schema (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`
	sqlSchemaVersion   = `SELECT COALESCE(MAX(version), 0) FROM sav_schema`
	sqlRecordMigration = `INSERT INTO sav_schema (version, name, applied_at) VALUES (?, ?, ?)`
	sqlJournalMode     = `PRAGMA journal_mode`
)

// Tickets.
const (
	sqlInsertTicket = `INSERT INTO tickets (role, code_oc, ref_oc, code_oi, ref_oi, terminal, data)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	sqlGetTicket = `SELECT id, data FROM tickets WHERE role = ? AND code_oc = ? AND ref_oc = ?`
	sqlGetByOI   = `SELECT data FROM tickets WHERE role = ? AND code_oi = ? AND ref_oi = ? AND ref_oi <> ''`
	sqlUpdate    = `UPDATE tickets SET code_oi = ?, ref_oi = ?, terminal = ?, data = ? WHERE id = ?`

	// List: sqlList, then the filters of the query, then the order and,
	// without Match, the page.
	sqlList       = `SELECT data FROM tickets WHERE role = ?`
	sqlListCodeOC = ` AND code_oc = ?`
	sqlListCodeOI = ` AND code_oi = ?`
	sqlListOpen   = ` AND terminal = 0`
	sqlListOrder  = ` ORDER BY code_oi, ref_oi, code_oc, ref_oc`
	sqlListPage   = ` LIMIT ? OFFSET ?`
)

// Journal.
const (
	inboundCols = `seq, protocol, id, from_addr, code_operator, received_at, content_type, body,
disposition, outcome_at, outcome_code, reason, response_type, response`

	// sqlRecord inserts an entry unless one has its identity; its
	// processed_order, when it comes processed, follows the others'.
	sqlRecord = `INSERT INTO journal (protocol, id, from_addr, code_operator, received_at, content_type, body,
	disposition, outcome_at, outcome_code, reason, response_type, response, processed_order)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
	CASE WHEN ?8 = 1 THEN (SELECT COALESCE(MAX(processed_order), 0) + 1 FROM journal WHERE disposition = 1) END)
ON CONFLICT (protocol, id) DO NOTHING
RETURNING ` + inboundCols
	sqlInbound = `SELECT ` + inboundCols + ` FROM journal WHERE protocol = ? AND id = ?`

	// sqlResolve records the outcome of a pending entry; no row changed
	// means it is unknown or resolved (sqlDisposition tells which).
	sqlResolve = `UPDATE journal SET disposition = ?1, outcome_at = ?2, outcome_code = ?3, reason = ?4,
	response_type = ?5, response = ?6,
	processed_order = CASE WHEN ?1 = 1 THEN (SELECT COALESCE(MAX(processed_order), 0) + 1 FROM journal
		WHERE disposition = 1) END
WHERE protocol = ?7 AND id = ?8 AND disposition = 0`
	sqlDisposition = `SELECT disposition FROM journal WHERE protocol = ? AND id = ?`

	sqlByDisposition = `SELECT ` + inboundCols + ` FROM journal WHERE disposition = ? AND disposition <> 1
ORDER BY seq`

	// Forget: how many entries are processed; the processed_order of the
	// first one the retention keeps among those past the first ?1 (it is
	// kept when not older than ?3, or ?2 is 0); the deletion of those
	// before it.
	sqlCountProcessed = `SELECT COUNT(*) FROM journal WHERE disposition = 1`
	sqlFirstKept      = `SELECT processed_order FROM (
	SELECT processed_order, outcome_at FROM journal WHERE disposition = 1
	ORDER BY processed_order LIMIT -1 OFFSET ?1)
WHERE ?2 = 0 OR outcome_at >= ?3
ORDER BY processed_order LIMIT 1`
	sqlForgetBefore = `DELETE FROM journal WHERE disposition = 1 AND processed_order < ?`
	sqlForgetAll    = `DELETE FROM journal WHERE disposition = 1`
)

// Outbox.
const (
	deliveryCols = `seq, id, protocol, dest_code, dest_address, content_type, body, tickets, destination_order,
label, idempotency_key, next_attempt, status, enqueued_at, attempts, last_attempt_at, last_error, lease_until,
delivered_at, reason, claim_token`

	sqlLaneTaken = `SELECT EXISTS (SELECT 1 FROM delivery_lanes WHERE lane = ?)`
	sqlEnqueue   = `INSERT INTO deliveries (id, protocol, dest_code, dest_address, content_type, body, tickets,
	destination_order, label, idempotency_key, next_attempt, status, enqueued_at, attempts, last_attempt_at,
	last_error, lease_until, delivered_at, reason, front, due)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', ?, ?, '', ?, ?)
RETURNING ` + deliveryCols
	sqlAddToLane = `INSERT INTO delivery_lanes (lane, seq) VALUES (?, ?)`

	sqlDelivery = `SELECT ` + deliveryCols + ` FROM deliveries WHERE id = ?`
	sqlByStatus = `SELECT ` + deliveryCols + ` FROM deliveries WHERE status IN (?, ?) ORDER BY seq`

	// Claim: the ready deliveries in claim order; each one claimed; the
	// earliest time one becomes ready.
	sqlReady = `SELECT seq FROM deliveries WHERE front = 1 AND due IS NOT NULL AND due <= ?
ORDER BY due, seq LIMIT ?`
	sqlClaimOne = `UPDATE deliveries SET status = ?1, attempts = attempts + 1, lease_until = ?2, due = ?2,
	claim_token = ?4
WHERE seq = ?3 RETURNING ` + deliveryCols
	sqlNextDue = `SELECT MIN(due) FROM deliveries WHERE front = 1 AND due IS NOT NULL`

	// sqlSetState writes what Delivered, Failed, Retry and Abandon change.
	sqlSetState = `UPDATE deliveries SET status = ?, attempts = ?, next_attempt = ?, last_attempt_at = ?,
	last_error = ?, lease_until = ?, delivered_at = ?, reason = ?, front = ?, due = ?, claim_token = ?
WHERE seq = ?`

	// A delivery that became final leaves its lanes; the new head of each
	// becomes front when it heads all of its lanes.
	sqlLeaveLanes = `DELETE FROM delivery_lanes WHERE seq = ?`
	sqlLaneHead   = `SELECT MIN(seq) FROM delivery_lanes WHERE lane = ?`
	sqlPromote    = `UPDATE deliveries SET front = 1, due = CASE WHEN status = ?2 THEN next_attempt END
WHERE seq = ?1 AND front = 0 AND NOT EXISTS (
	SELECT 1 FROM delivery_lanes AS l JOIN delivery_lanes AS e ON e.lane = l.lane AND e.seq < l.seq
	WHERE l.seq = ?1)`
)

// Sequences.
const (
	sqlNextSequence = `INSERT INTO sequences (name, value) VALUES (?, 1)
ON CONFLICT (name) DO UPDATE SET value = value + 1
RETURNING value`
)

// The statements prepared once, on the writer connection and on the
// readers.
var (
	writerStatements = []string{
		sqlInsertTicket, sqlGetTicket, sqlGetByOI, sqlUpdate,
		sqlRecord, sqlInbound, sqlResolve, sqlDisposition,
		sqlCountProcessed, sqlFirstKept, sqlForgetBefore, sqlForgetAll,
		sqlLaneTaken, sqlEnqueue, sqlAddToLane, sqlDelivery, sqlReady, sqlClaimOne, sqlNextDue, sqlSetState,
		sqlLeaveLanes, sqlLaneHead, sqlPromote,
		sqlNextSequence,
	}
	readerStatements = []string{
		sqlGetTicket, sqlGetByOI, sqlInbound, sqlByDisposition, sqlDelivery, sqlByStatus,
	}
)
