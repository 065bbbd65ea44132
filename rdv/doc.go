// Package rdv handles appointments (rendez-vous) at the customer's home: the
// slots, the OI's slot policy, and the negotiation of the two processes of
// RDV.md, tied to the ticket's lifecycle. The Plan de charge SAV web service
// the automatic process books through is package rdv/plancharge.
//
// # Processes
//
// In the manual process the OC proposes up to three slots when filing, and
// the OI keeps one or asks for others. In the automatic process the OC books a
// slot through the Plan de charge web service and files the ticket with the
// booking id, which the OI validates. Both continue with four typed messages,
// by either side: DEMANDE RDV, PROPOSITION RDV, REPONSE RDV and CONFIRMATION
// RDV ([Message]).
//
// A [Request] is an appointment as a deposit carries it (a booking id or
// slots); it converts to and from [ticket.Appointment], and [Slot] is
// [ticket.Slot], so what the protocol packages decode is used as is.
//
// # Slot rules
//
// [CheckSlots] applies the structural rules every side checks: 1 to 3
// slots, each with a start and an end, ending after it starts, in the future,
// none repeating or overlapping another. A [Policy] adds the OI's rules where
// an OI engine decides: lead time (default from the next day), opening hours
// (default Monday–Saturday 08:00–19:00 Europe/Paris) and slot length (default
// 1 h to 4 h). Every field is a default the OI may change.
//
// # Negotiation
//
//	NONE --PROPOSITION RDV (OC)--> PROPOSED_BY_OC
//	NONE --IdRdv in the deposit (OC)--> BOOKED
//	NONE, PROPOSED_BY_OC, BOOKED, CONFIRMED --DEMANDE RDV (OI)--> REQUESTED
//	REQUESTED --PROPOSITION RDV or REPONSE RDV with slots (OC)--> PROPOSED_BY_OC
//	PROPOSED_BY_OC --CONFIRMATION RDV (OI, one of the slots)--> CONFIRMED
//	PROPOSED_BY_OC --PROPOSITION RDV (OI)--> PROPOSED_BY_OI
//	PROPOSED_BY_OI --REPONSE RDV (OC: picks one, or its own slots), PROPOSITION RDV (OC)--> PROPOSED_BY_OC
//	BOOKED --CONFIRMATION RDV (OI, the booked slot)--> CONFIRMED
//	CONFIRMED --PROPOSITION RDV (OC)--> PROPOSED_BY_OC
//	CONFIRMED --CONFIRMATION RDV (OI, same slot)--> CONFIRMED
//
// A deposit carries a booking id or slots, never both. The one message that
// carries both is the CONFIRMATION RDV of a booked slot: the booking id and
// the one slot it confirms, and a confirmation naming another booking than
// the negotiation's is refused (13). A confirmation without the booking id
// is accepted too.
//
// [Negotiation.Apply] is pure: no clock (the rule on the past uses
// [Message].At), no I/O, no storage. [Steps] returns the table, [Allowed]
// answers "may this message be sent now?", [Mermaid] draws it.
// [Message.Transaction] gives the ticket transaction that carries a message
// (a CONFIRMATION RDV sets the resolution sub-state to ACTION PLANIFIEE; an
// OI's DEMANDE RDV of a planned ticket, which must be replanned, sets it back
// to ACTION PREVUE) and
// [Advance] applies a message to the negotiation and the ticket together.
// [FromTransaction] and [FromTicket] go the other way, from what the protocol
// packages decode.
//
// # Errors
//
// A slot that breaks a rule is a [*SlotError] naming the slot, the [Rule]
// and the bound; it unwraps to the Rule, so errors.Is(err, rdv.RuleOverlap)
// works. The count and the format are return code 3, the other rules 13. A
// refused message is a [*NegotiationError] naming the state, the message and
// the sender, with code 13 (or the slot rule's code); it unwraps to
// [ErrRefused] and to its *SlotError. [ReturnCode] extracts the code.
//
// # Concurrency
//
// Negotiation, Message and Policy are plain values: use one from one
// goroutine at a time. The package-level functions are safe for concurrent
// use.
package rdv
