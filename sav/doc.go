// Package sav is the one API over both protocols: the part of the SDK an
// operator's program works with, whatever protocol each partner speaks and
// whichever role (OI or OC) it plays towards it.
//
// This file documents its persistence layer, the ground the OC and OI
// engines, the protocol servers and the gateway stand on. Its promise is
// that a ticket cannot be lost: every inbound message is journaled before
// it is acknowledged, every change of a ticket is committed together with
// the messages it must cause, and every such message is delivered, in
// order, however long its destination is down, or parked where a person
// sees it. Nothing is dropped silently.
//
// # The Store
//
// A [Store] has four parts:
//
//   - [Tickets]: the tickets, [ticket.Ticket] values with their version and
//     history. A ticket is identified by its [Key] — our role for it, the
//     OC's operator code and the OC's reference ReferenceSigSAVRaccoOC,
//     unique per OC (DOMAIN.md "Identifiers") — and, once the OI
//     acknowledged it, also by its [OIKey] (our role, the OI's code and
//     ReferenceSigSAVOI). The role is part of both keys because one program
//     may be the OI of some tickets and the OC of others, and even both ends
//     of one ticket (a sandbox): the two copies are two tickets of the
//     store. [Tickets.Create] stores a new ticket or returns a
//     [*DuplicateError] holding the stored one, so a v2 create retried after
//     a lost answer, or a DEPOT mail received twice, is answered as the
//     first time. [Tickets.Update] runs an [UpdateFunc] — usually
//     [ticket.Ticket.Apply] — on a copy of the ticket and commits the result
//     with the [Effects] it returns.
//   - [Journal]: the inbound messages, by protocol and ID (a mail's
//     Message-ID, a v2 request id or digest), with their bytes and what
//     became of them ([Outcome]): processed, with the answer sent so a
//     duplicate gets the same answer, or quarantined with a reason
//     (quarantined messages are listed, never processed).
//   - [Outbox]: the outbound deliveries, opaque payloads the protocol layers
//     composed (a whole mail, a SOAP request) with their protocol,
//     destination, content type, the tickets they are about, and an
//     idempotency key so receivers drop the copies at-least-once delivery
//     may make.
//   - [Sequences]: persistent counters, for the OI's ticket ids and the
//     per-sender sequence of 1.0a file names.
//
// [MemStore] is the in-memory Store, for tests, sandboxes and programs that
// keep nothing across restarts. Production embedders implement Store over
// their database and run package storetest's conformance suite against it.
//
// # Commits
//
// Create, Update and [Outbox.Commit] are commits: the ticket (for the first
// two), the deliveries to enqueue and the journal outcomes to record in
// [Effects] are written together or not at all. An engine handles an
// inbound message like this:
//
//	entry, dup, err := store.Record(ctx, in)       // 1. journal, before any answer
//	if dup && entry.Outcome != nil {               // 2. seen before: same answer
//		return entry.Outcome
//	}
//	t, err := store.Update(ctx, key, func(t *ticket.Ticket) (sav.Effects, error) {
//		if err := t.Apply(tx); err != nil {      // 3. the lifecycle decides
//			return sav.Effects{}, err
//		}
//		return sav.Effects{
//			Deliveries: notifications,             // 4. what the change must cause
//			Outcomes:   []sav.Resolution{{Ref: entry.Ref(), Outcome: answer}},
//		}, nil
//	})
//	dispatcher.Wake()                              // 5. deliver now, not at the next poll
//
// Recording the outcome in the same commit makes the processing of a
// message happen once: a second worker (or a retry after a crash between
// the commit and the answer) fails with [ErrResolved] and nothing it did is
// written. A refusal by the lifecycle is not committed; record it with
// [Journal.Resolve] (or [Outbox.Commit] when it is answered by mail).
// [Journal.Unresolved] lists the messages journaled and never resolved: on
// start, process them again.
//
// Updates of one ticket are serialised: each UpdateFunc sees the latest
// committed ticket and no two run at once, so concurrent transactions on a
// ticket lose nothing and duplicate nothing, and versions stay contiguous.
// An UpdateFunc must not call the store for its own ticket. The identity of
// a ticket never changes: an update may set the OI reference once, and the
// store keeps OI keys unique.
//
// # Outbox order and delivery
//
// Each delivery is in one or more lanes: one per ticket it is about (a 1.0a
// AR file may answer several tickets), and its destination's when it is
// about none or asks for it (DestinationOrder, for a partner that needs
// its files in sequence). A delivery goes only when every earlier delivery of its lanes
// is delivered or abandoned, so a later notification for a ticket never
// overtakes an earlier one that is pending, in flight or stuck, while other
// tickets go on.
//
// A [Dispatcher] delivers the outbox through a [Deliverer] (the protocol
// layers implement it; [ProtocolDeliverers] routes by protocol). It claims
// ready deliveries with a lease, attempts them with a timeout, and records
// the result. A temporary failure is retried on an exponential [Backoff]
// with jitter and a cap; a permanent one (an error wrapping [ErrPermanent],
// see [Permanent]), a panic of the deliverer, or MaxAttempts failures park
// the delivery as stuck. [Outbox.Pending] and [Outbox.Stuck] show what waits
// and why (attempts, last error, next attempt, reason); [Dispatcher.Retry]
// sends a stuck delivery again, and [Outbox.Abandon] gives one up
// explicitly, with a reason that stays recorded. When its context ends, Run
// lets attempts under way finish (or cancels them after a grace period and
// records them for a later retry) and returns; the rest waits in the
// outbox. Delivery is at least once: an attempt whose success could not be
// recorded is made again after its lease.
//
// # Implementing Store
//
// An implementation over a database keeps these guarantees (storetest.Run
// checks each of them):
//
//   - Create, Update and Commit write the ticket, the deliveries and the
//     outcomes in one transaction; an error writes nothing.
//   - Create of a taken key, or with an OI key another ticket has, writes
//     nothing and returns a [*DuplicateError] with a copy of the stored
//     ticket; of concurrent creates of one key exactly one succeeds.
//   - Update serialises the updates of one ticket (a row lock, SELECT … FOR
//     UPDATE, or an optimistic version check that retries the UpdateFunc),
//     returns the UpdateFunc's error as is, checks the identity with
//     [CheckUpdate] and the uniqueness of a new OI key.
//   - Tickets, journal entries and deliveries go in and come out as copies.
//   - Record is idempotent on (Protocol, ID) and returns the stored entry
//     with dup = true for a known one; an outcome is recorded once
//     ([ErrResolved] after that, for processed and quarantined alike).
//   - Deliveries get a unique, unguessable ID (the default idempotency key),
//     an increasing Seq in commit order, and are claimed exclusively, in
//     lane order, with Attempts counted at the claim; an in-flight delivery
//     whose lease ended is claimable again; a stuck delivery is claimed only
//     after Retry; nothing is deleted, except by the embedder's own
//     retention policy for delivered deliveries and resolved entries.
//   - List orders by CodeOI, ReferenceSigSAVOI, CodeOC,
//     ReferenceSigSAVRaccoOC ([CompareListOrder]) and applies Match before
//     Offset and Limit.
//   - NextSequence never gives a number twice for a name, across restarts.
//   - Every method returns ctx.Err() when ctx is done before it commits.
//
// An outbox that can signal new deliveries implements [Notifier] so the
// dispatcher reacts at once (a database: LISTEN/NOTIFY, or nothing and the
// dispatcher's poll).
//
// # Errors
//
// Sentinels, tested with errors.Is: [ErrNotFound], [ErrDuplicate] (a
// [*DuplicateError]), [ErrInvalidKey] and [ErrKeyChanged] (a [*KeyError]),
// [ErrResolved], [ErrDeliveryState], [ErrInvalid], and [ErrPermanent] (a
// [*PermanentError]) for deliverers. Errors of an UpdateFunc come back as
// they are, so [ticket.ReturnCode] reads the return code of a refused
// transaction.
//
// # Concurrency
//
// [MemStore] and [Dispatcher] (once configured) are safe for concurrent
// use. Neither logs by itself: the Dispatcher takes an optional
// *slog.Logger.
package sav
