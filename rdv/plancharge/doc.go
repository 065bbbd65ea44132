// Package plancharge is the Plan de charge SAV FTTH web service
// (Interop'Fibre, 2019) through which an OC consults the OI technicians'
// planning, books a slot for its customer and moves it (RDV.md, "Plan de
// charge SAV FTTH web service"). It implements the published WSDL
// planChargeSavFtth.wsdl as it is: SOAP 1.1 document/literal, namespace
// http://interop-fibre.fr, service PlanChargeFtthSavService, port type
// PlanChargeFtthSav, soapAction "", the EnteteType header on every input and
// output, and the rdvErreur fault whose detail InfoErreurType carries
// codeErreur and messageErreur.
//
// # Operations
//
//	rechercheCreneauxLibres  Planning.Search   free slots (idOI) of a window
//	reservationCreneau       Planning.Book     book a slot → idRendezvous, status CREE
//	consultationRdv          Planning.Consult  describe an appointment
//	reportRDV                Planning.Report   move it: REPORT_RDV_RESERVE, REPORT_RDV_CONFIRME, NOUVEAU_RDV
//
// The element names follow the contract exactly, including its two
// spellings idRendezVous (consultationRdv) and idRendezvous (the others).
//
// # Sides
//
// [Server] is the OI side, an http.Handler that decodes requests, checks the
// header (by default any versionWS and two nine-digit SIRENs; CheckHeader
// replaces the rule) and the contract's rules, and delegates to a
// [Planning], the interface the embedder implements over its own planning. It
// serves the project's own text of the contract at "?wsdl" ([WSDL]).
// [MemPlanning] is an in-memory planning (technicians × opening hours × slot
// length) for examples and tests, race-free under concurrent OCs.
// [Client] is the OC side; it implements Planning too.
//
// Semantics the WSDL leaves open (RDV.md): a slot id returned by a search
// stays bookable until it is booked or its start passes, and remembers the
// search's typeIntervention and defectPrelocalization; the OI's
// confirmation of the ticket's appointment turns CREE into CONFIRME
// ([MemPlanning.Confirm]); REPORT_RDV_RESERVE moves a CREE appointment,
// REPORT_RDV_CONFIRME a CONFIRME one (back to CREE), NOUVEAU_RDV books the
// new slot under a new id and frees the old; the old slot is free again.
//
// # Errors
//
// Refusals are [*Fault] values carrying the return code of DOMAIN.md: 101
// RDV NON DISPONIBLE for a slot taken, gone or unknown
// ([ErrRdvNonDisponible]), 8 for an unknown appointment id, another OC's
// included ([ErrRdvInconnu]), 1/2/3/13 for a request or a header that breaks
// the contract, 4 for a search window too wide, 12 for a header CheckHeader
// refuses without a fault of its own, 22 for a request that is not one of the
// operations, 17 for a server without a planning, 10 for a planning failure
// (whose text is logged, not sent). errors.Is matches faults by code. The
// client also returns [*ResponseError] for an answer it cannot use.
//
// # Limits and concurrency
//
// The server caps request bodies (DefaultMaxBodyBytes) and the client
// responses (DefaultMaxResponseBytes); deadlines come from the contexts.
// Both read the XML within the [Limits] every SOAP service of the SDK shares
// (Server.Limits; depth, elements, attributes per element, token length),
// checked while reading: a request beyond them, even in a header entry the
// server skips, is refused with fault 3 on Envelope naming the limit. A
// Body holding more than one entry is refused with fault 3 on Body. A
// request whose Content-Type is not an XML media type (text/xml,
// application/xml, application/soap+xml, or none) is answered HTTP 415 with
// fault 3 on Content-Type, before its body is read. A document may start
// with a UTF-8 byte order mark.
// Server, Client and MemPlanning are safe for concurrent use.
package plancharge
