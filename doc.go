// Package savsdk is the root of the savsdk module, the Go SDK that French FTTH
// operators embed to exchange after-sales (SAV) trouble tickets with each other
// under the Interop'Fibre protocols. A building operator (OI) repairs the
// shared fibre cabling; a commercial operator (OC) files a signalisation when
// its customer's line fails there.
//
// # The two protocols
//
//   - Protocol 1.0a: normalised semicolon CSV files mailed between operators
//     (deposit, acknowledgement, closure, information, planned works, damage).
//     Package v1a.
//   - Protocol 2.0: a simplified JSR-91 OSS Trouble Ticket exchanged as XML
//     over SOAP 1.1 web services. Package v2.
//
// # Which package for which job
//
//   - codes: the typed vocabulary — NatureDefaut, PrelocDefaut, closure codes,
//     responsibilities, message types, return codes — and identifier
//     validators.
//   - ticket: the protocol-neutral Ticket and the lifecycle state machine
//     every other package asks "may this happen now?".
//   - rdv: appointments — slots, the negotiation machine, the OI's slot
//     policy and the Plan de charge SAV web service.
//   - v1a: protocol 1.0a — CSV codec, charsets, validation and AR, file
//     names, mail, SMTP and Maildir transports.
//   - v2: protocol 2.0 — TroubleTicket XML codec, SOAP messages, client,
//     server and schema files.
//   - sav: one API over both protocols — the OC and OI engines, the store and
//     outbox, the gateway between protocols.
//   - savtest: an in-memory OI/OC pair for embedders' own tests.
//   - cmd/savctl: check, answer, convert, trace, send and serve from a shell.
//
// # Dependency direction
//
// Dependencies go one way, lowest first:
//
//	codes ← ticket ← rdv ← v1a, v2 ← sav ← savtest, cmd/savctl, examples
//
// v1a and v2 never import each other; only sav and the tools know both. Wire
// details users never touch live under internal/.
//
// # Versioning
//
// The directory v2 names protocol 2.0, not a major version of this module.
// The module path stays github.com/opensav/savsdk: it will never be tagged
// with a major version 2 (which would need the path suffix /v2 and collide
// with the protocol package's import path).
package savsdk
