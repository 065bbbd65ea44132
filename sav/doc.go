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
// checks each of them), checking its arguments with [PrepareCreate],
// [PrepareEffects] and [CheckResolution] so that every store refuses the
// same values with the same errors, and serving [Notifier] with
// [Subscribers]:
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
//     whose lease ended is claimable again; each claim gives the delivery
//     a new ClaimToken, and Failed under another claim's token is
//     [ErrLeaseLost] (fencing: a dispatcher whose lease was taken over
//     cannot reset a delivery another one has in flight); a stuck delivery
//     is claimed only after Retry; nothing is deleted, except by
//     [Journal.Forget] and the embedder's own retention policy for
//     delivered deliveries.
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
// # The engines
//
// [OC] and [OI] are the two roles. Each is built with [Options] (our
// operator code, a Store, the [Peers], an event [Handler], the 1.0a mail
// transport and address, the HTTP client) and serves both protocols at
// once: a 2.0 web service (OC.V2Handler, OI.V2Handler, http.Handlers to
// mount on /sav/v2/oc and /sav/v2/oi), a 1.0a mail handler (MailHandler, run
// by a v1a.Poller on the operator's mailbox) and an outbox dispatcher (Run).
// The embedder calls one method per step, the same whatever the partner
// speaks:
//
//	OC: File, Inform, ProposeRdv, AnswerRdv, Cancel, Send, Resync, Search, Ticket, List
//	OI: TakeCharge, Inform, ConfirmRdv, Close, Send, Ticket, TicketByID, List
//
// The partner's protocol comes from its entry in Peers: 2.0 when it has an
// endpoint URL (2.0 wins when both are given), else 1.0a. Every step goes
// through the lifecycle (ticket.Ticket.Apply) first; a refused one changes
// nothing and returns the *ticket.TransitionError.
//
// OC side. With a 2.0 OI, File, Inform and Cancel call the OI's web service
// at once and apply its answer to our copy before returning: File returns
// the ticket Queued (AR OK) or Rejected (AR KO, no error). A create whose
// answer is lost leaves the ticket Submitted and returns the error; File
// again with the same reference re-sends it and a duplicate fault (100)
// gives back the id the first attempt created. A stale version is
// resynchronised once (v2.SetOptions.Resync). With a 1.0a OI, File and
// Inform commit the DEPOT or INFO file to the outbox and return; the AR
// comes by mail. Cancel chooses CASE CANCELATION (Queued) or CASE
// CANCELATION REQUEST (OpenActive) from the ticket's state.
//
// A step that 1.0a can carry only in part (a closure's description, the
// customer's name in an INFO, the kind of an intervention) is refused with
// an *UnsupportedError naming what would be lost, unless
// Options.AcceptLoss; a Gateway accepts and logs such losses.
//
// OI side. A deposit (2.0 create, or a line of a 1.0a DEPOT file) is
// checked — the 2.0 server's validation or the v1a.Validator, then the
// embedder's [Qualifier] (codes 8 and 9) — and answered AR OK with a new id
// (the prefix and eight digits of the Store's sequence) or AR KO. In 1.0a
// the answer is an AR file committed to the outbox with the mail's journal
// outcome, and the AR OK also starts the prise en charge
// (ticket.Ticket.ApplyV1AAcknowledge): TakeCharge on such a ticket changes
// nothing. Each later step of the OI is committed with its notification
// to the OC — a setTroubleTicketByValue request for a 2.0 OC, an INFO or
// CLOTURE file for a 1.0a OC — so it is delivered by the outbox, in order
// per ticket, however long the OC is down.
//
// # Inbound messages, duplicates and quarantine
//
// Every 1.0a mail is journaled before it is acknowledged, and the answer to
// every 2.0 create or set is journaled before it is sent. 2.0 reads (get,
// search, query, introspection) are never journaled: each is answered from
// the store as it is then. A 2.0 create or set is journaled only once its
// caller is authenticated and the request is decoded and addressed to us,
// under the authenticated operator code and the request's identity: the
// Idempotency-Key header when given ([IdempotencyHeader]; the engines send
// the delivery's idempotency key with every notification of the outbox),
// else the OC's reference for a create, and the OI id, the version the
// caller based it on and the step's content for a set — never the bytes
// as written. A request received again from the same operator is answered
// the same way and applied once — this is how an OC sees each notification
// exactly once although the outbox delivers at least once; the same key
// from another operator is another request. Answers that may change
// (temporary failures — the store unavailable, a timeout, 10 internal —
// and 8 for a ticket the OC has not recorded yet because the notification
// overtook the answer to its create) are not recorded: the retry is
// processed. A 2.0 create of an OC reference the OI already holds, once
// its first answer is forgotten, is answered with fault 100 carrying the
// existing key. An OC accepts, without applying it again, a prise en
// charge or a closure that leads to the state its copy is in already (its
// copy was resynchronised with OC.Resync while the notification waited in
// the OI's outbox).
//
// A notification names both keys of its ticket: the OI's id and the OC's
// reference (tt:customerTroubleNum in a 2.0 set, the engines always send
// it; ReferenceSigSAVRaccoOC in a 1.0a AR, INFO or CLOTURE). When they are
// not one ticket's — an OI that gave one id twice after losing its
// sequence — the notification is refused ([*MismatchError], code 13 on
// customerTroubleNum in 2.0, code 13 in the 1.0a journal outcome) and
// logged, never applied. A 2.0 set from a partner that omits the OC
// reference is matched by the OI id alone, as the protocol allows.
//
// # Security
//
// Partners' input is hostile until authenticated. Without an
// authenticator ([Options.Auth], or credentials in the [Peers]), [NewOI]
// and [NewOC] refuse a configuration with a 2.0 peer ([ErrNoAuthenticator]
// in a [*ConfigError]); [Options.TrustHeader] opts in to believing the
// sav:entete header, for tests and sandboxes only (savctl serve does, and
// says so on start). What an unauthenticated caller can cost: one request
// body read up to the server's limit (4 MiB by default, with the XML
// limits of the SOAP decoder), refused with code 12 as soon as the header
// is read; no journal entry, no stored bytes, nothing kept after the
// answer. An authenticated partner's answers are kept in the journal for
// [Options.JournalRetention] (72 hours by default) and at most
// [Options.JournalEntries] of them (20 000 by default), with the request's
// bytes, for that partner's retries only; processed mails are forgotten
// the same way ([Journal.Forget]). Pending and quarantined entries are
// kept until a person or the process deals with them.
//
// 1.0a mail is journaled by its Message-ID. A mail received again is
// recognised and nothing is sent again: its AR is already in the outbox and
// goes once (the Maildir transport also drops copies it has handled). A
// DEPOT line whose OC reference is already a ticket with the same filing
// (a mail processed again after a crash) is answered OK with the existing
// id; with another filing, KO 100. A mail whose sender address is not the
// one configured for the operator code it claims (the file name's
// EMETTEUR), or from no configured partner, is quarantined (Journal
// Quarantined lists it, the Poller moves it aside) and never processed. A
// notification about a ticket whose AR has not arrived yet is left in the
// mailbox for the next poll. A message journaled and never resolved (the
// process stopped while handling it) is processed again when its sender
// retries (2.0) or at the next poll (1.0a: the Poller marks a mail handled
// only once the handler returned).
//
// # Events
//
// What a partner does comes back to the embedder as an [Event]: a kind
// ([EventKind]: FILED, ACKNOWLEDGED, REJECTED, TAKEN IN CHARGE, INFORMATION,
// CANCELLED, CANCEL REQUESTED, CLOSED — one per lifecycle transaction), our
// key of the ticket, the partner, the protocol, the applied transaction
// with its resulting state and version, and a snapshot of the ticket. The
// same steps give the same events whatever the protocol; the one difference
// is the protocol's own: a 1.0a AR OK gives ACKNOWLEDGED then TAKEN IN
// CHARGE with Event.Implicit set. A 2.0 create answered synchronously also
// gives ACKNOWLEDGED or REJECTED, so an OC can follow all its OIs with one
// handler. Events are handed to Options.Handler ([HandlerFunc],
// [ChanHandler] for a channel) after the commit, in order per ticket.
//
// # Peers
//
// [Peers] reads the peers file of SAVCTL.md ([ReadPeers], [LoadPeers]):
//
//	{"operators": [
//	  {"code": "BYTL", "role": "oc",
//	   "v2": {"url": "https://sav.bytl.example/sav/v2/oc"},
//	   "v1a": {"address": "sav-ftth@bytl.example"},
//	   "auth": {"basic": {"user": "bytl", "password": "…"},
//	            "outbound": {"basic": {"user": "ftel", "password": "…"}}},
//	   "tls": {"caFile": "bytl-ca.pem", "certFile": "ours.pem", "keyFile": "ours.key"}}
//	]}
//
// auth.basic and auth.certSubject are what the peer presents to our 2.0
// server ([Peers.Authenticator]; without any, see "Security");
// auth.outbound what we present to it; tls the
// CA of its server and our client certificate ([Peer.Doer]). The v1a
// address is where we send and the only sender we accept its mail from.
//
// # Gateway
//
// A [Gateway] lets an OC and an OI that speak different protocols work
// together: it is an OI engine towards the OC (its code is the real OI's)
// and an OC engine towards the OI (its code is the OC's), and relays each
// step. The mapping rules:
//
//   - Create, 2.0 OC → 1.0a OI: the deposit goes as a DEPOT file and the
//     2.0 create waits for the AR (GatewayOptions.RelayTimeout, else fault
//     21 PAS DE REPONSE DU SERVICE, temporary: the OC's retry waits again,
//     and a duplicate fault gives the id once the AR came). AR OK: the create
//     is answered with the real OI's id; as the 1.0a AR OK also starts the
//     prise en charge, the 2.0 side then gets CASE SOLVING NOTIFICATION. AR
//     KO: the create is answered with the AR's code and reason.
//   - A 2.0 deposit that 1.0a cannot carry is refused before anything is
//     sent: an EXPERTISE (11 on typeSAV), a home intervention without an
//     appointment (1 on rdv) — [CheckFiling].
//   - Create, 1.0a OC → 2.0 OI: each DEPOT line is created with the 2.0 OI
//     and answered in the AR file with its id or its fault (code and
//     reason). The 2.0 OI's later CASE SOLVING NOTIFICATION is already known
//     to the 1.0a side (its AR OK started the prise en charge): nothing is
//     sent, unless it sets another sub-state than ACTION A DEFINIR, which
//     goes as an INFO.
//   - Information (SU from the OI, CO from the OC) and closures are relayed
//     as they are: INFO and CLOTURE files ⇄ setTroubleTicketByValue. A 2.0
//     closure's description, which CLOTURE has no column for, goes first in
//     its Commentaire ([V1AClosure]); other fields 1.0a cannot carry (the
//     customer's name in an INFO, the kind of an intervention) are dropped
//     and logged.
//   - Cancellation (CASE CANCELATION, CASE CANCELATION REQUEST) cannot be
//     relayed to a 1.0a OI: the 2.0 set is refused with fault 11 and the
//     ticket does not change ([CheckTransaction]).
//
// [CheckFiling], [CheckTransaction], [V1AClosure], [V1ARecord] and [V2SetRequest] are the
// conversions the gateway uses, exported for tools (savctl convert).
//
// # Testing
//
// Package savtest wires an OC and an OI together over either protocol on
// loopback (HTTP servers, temporary Maildirs) for the embedders' own tests.
//
// # Performance
//
// TestLoad (20 OCs × 500 tickets each, through the 2.0 server over
// loopback, to one OI engine on MemStore, every ticket created, taken in
// charge and closed, both notifications delivered back to each OC's
// endpoint through the outbox) takes 10 to 20 seconds on two cores: 1 700
// to 2 200 creates per second, 500 to 1 000 tickets per second driven to
// closure; the p99 of a create is 60 to 90 ms under that load, of an OI
// step's commit a few milliseconds. BenchmarkEngineRatios puts the OI
// engine's create (journal, Store, events) at 1.0 to 1.1 times the bare 2.0
// server's on v2.Memory, in the same process.
//
// # Errors
//
// Configuration errors are a [*ConfigError] naming the Options field
// ([ErrNoAuthenticator]). Sentinels, tested with errors.Is: [ErrNotFound],
// [ErrDuplicate] (a [*DuplicateError]), [ErrInvalidKey] and [ErrKeyChanged]
// (a [*KeyError]), [ErrResolved], [ErrDeliveryState] ([ErrLeaseLost]),
// [ErrInvalid], and [ErrPermanent] (a [*PermanentError]) for deliverers.
// Errors of an UpdateFunc come back as they are, so [ticket.ReturnCode]
// reads the return code of a refused transaction.
//
// The engines add [ErrUnknownPeer] (no peer, or no address for the
// protocol needed) and [ErrUnsupported] (an [*UnsupportedError]: an
// operation the partner's protocol cannot carry, with the return code a
// gateway answers it with), and [ErrTicketMismatch] (a [*MismatchError]:
// a notification whose references name different tickets). Partners' refusals come back as they are:
// *v2.FaultError from a 2.0 partner, *ticket.TransitionError from the
// lifecycle.
//
// # Concurrency
//
// [MemStore], [Dispatcher] (once configured), [OC], [OI] and [Gateway] are
// safe for concurrent use. Neither logs by itself: the Dispatcher takes an optional
// *slog.Logger.
package sav
