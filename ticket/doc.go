// Package ticket is the protocol-neutral trouble ticket of the SDK and the
// one state machine that decides what may happen to it. It implements
// DOMAIN.md, "The ticket lifecycle" and "Versions".
//
// A [Ticket] holds every field either protocol carries: the OC's deposit
// ([Filing]: ids, operator codes, TypeSAV, access ids, incident date, nature
// and location of the fault, customer, appointment request, comment), the
// OI's id, the state, the resolution sub-state, the closure, the version and
// the history of applied transactions.
//
// # The lifecycle
//
//	NONE --CREATE (OC)--> SUBMITTED --AR OK (OI)--> QUEUED --CASE SOLVING NOTIFICATION (OI)--> OPENACTIVE
//	SUBMITTED --AR KO (OI)--> REJECTED
//	QUEUED --CASE CANCELATION (OC)--> CLOSED
//	OPENACTIVE --CASE CANCELATION REQUEST (OC)--> CANCELREQUESTED
//	QUEUED, OPENACTIVE, CANCELREQUESTED --CASE SOLVED NOTIFICATION (OI)--> CLOSED
//
// plus the self-transitions of the information notifications (SU from the OI
// in OPENACTIVE and CANCELREQUESTED, CO from the OC in QUEUED and
// OPENACTIVE). [Rules] returns the table, [Allowed] answers "may this happen
// now?" for user interfaces, and [Mermaid] and [ResolutionMermaid] draw the
// two machines.
//
// [Ticket.Apply] is pure: no clock (times come from [Transaction].At), no
// I/O, no storage; the caller persists the ticket. It checks, in this order,
// the sender (return code 11), the version when the transaction asks for a
// resync check (6), the state (13) and the payload (1 missing, 2 not in the
// list, 3 format, 13 not acceptable in context), and refuses with a
// [*TransitionError] naming the state, the transaction and the sender, leaving
// the ticket untouched. Self-transitions are successes. A CONFIRMATION RDV
// message moves the resolution sub-state to ACTION PLANIFIEE.
// [Ticket.ApplyV1AAcknowledge] applies the 1.0a rule that the AR OK starts the
// prise en charge.
//
// # JSON
//
// The JSON form of [Ticket] uses the field names of its struct tags, which
// follow the protocols' own names (referenceSigSAVOI, natureDefaut,
// prelocDefaut, client, rdv, cloture, …); states and transaction kinds are
// their text forms (OPENACTIVE, CASE SOLVED NOTIFICATION), dates AAAA-MM-JJ,
// times RFC 3339. These names are stable: savctl and other tools emit and read
// them. An example is in testdata/ticket.golden.json.
//
// # Errors
//
// [*TransitionError] unwraps to one of [ErrNotAllowed], [ErrWrongState],
// [ErrPayload] and [ErrResync]; [ReturnCode] extracts the protocol return code
// from any error of this package or of package codes.
//
// # Concurrency
//
// A Ticket is a plain value: use it from one goroutine at a time, or guard it.
// The package-level functions are safe for concurrent use.
package ticket
