// Package infotravaux is the InfoTravaux FTTH web service (Interop'Fibre)
// through which an OC asks an OI for its works notices: planned
// maintenance (TP, travaux programmés) and collective outages (DERCO,
// dérangement collectif) on the shared fibre, with the PM, PBO, buildings and lines they impact. It
// implements the published WSDL infoTravauxFTTH.wsdl: SOAP 1.1
// document/literal, namespace
// http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0, one operation
// getInfoTravauxFTTH (soapAction "getInfoTravauxFTTH"), the
// InfoTravauxFTTHHeader header (supplierID: the OI, serviceProviderID: the
// OC, both SIRENs), and the infoFtthError fault carrying codeRetour and
// messageRetour. It also converts notices to and from the TRAVAUX flow of
// protocol 1.0a (package v1a, V1A.md "TRAVAUX").
//
// # Sides
//
// [Server] is the OI side, an http.Handler (SAVCTL.md mounts it at
// /ftth/services/infoTravauxService) that decodes the request, checks the
// header ([CheckSIRENs] by default), the criteria and the search window,
// asks a [Source] — the interface the embedder implements over its works
// database — and answers the notices of the calling OC that match. It
// serves the project's own text of the contract at "?wsdl" ([WSDL]), with
// the header part qualified. [MemSource] is an in-memory Source for
// examples and tests, safe under concurrent use, that enforces the sequence
// of states. [Client] is the OC side; it implements Source too.
//
// The header is read qualified or unqualified (the published examples send
// <InfoTravauxFTTHHeader> without a namespace, and the published WSDL's
// header part names it so) and written qualified. Children of the contract's
// elements are unqualified (elementFormDefault="unqualified"); they are read
// whatever their namespace. Unknown elements are ignored.
//
// # Criteria and the search window
//
// Every criterion of [Filter] is optional; a notice is answered when it
// meets all those given ([Filter.Match]): referenceTPDERCO the notice's
// reference, referencePrestationPm any of the listed PM services, the three
// periods (bounds included) the notice's creation date, start and end of
// works, referencePriseImpactee and referencePrestationPriseImpactee one
// of the impacted lines. The contract has no element for a notice's
// creation date: [Travaux.DateCreation] is the OI's record of it (MemSource
// keeps the first version's date). The server also keeps only the notices
// published for the calling OC (attribute serviceProviderID = the header's).
//
// The search window [D]: each period must give both bounds (code 1), must
// not end before it starts (13 on dateFinRecherche) and may span at most
// three calendar months, counted in Paris time (4 CRITERES DE RECHERCHE NON
// RESPECTES). The published WSDL text carries no documentation element; the
// three months are a default ([Window], Server.Window) an OI can change or
// lift.
//
// States follow InfoTravaux (V1A.md): NOUVEAU, MAJ and REPLANIFICATION lead to
// MAJ, REPLANIFICATION, CLOTURE or ANNULE; there is no return to NOUVEAU;
// CLOTURE and ANNULE are terminal ([Etat.Follows]).
//
// # TRAVAUX CSV
//
// The 1.0a TRAVAUX flow writes one line per impacted address; a notice is
// the run of consecutive lines that differ only by their address columns.
// [Lines] and [FromLines] convert one notice, [CSVReader] and [CSVWriter]
// whole files, streaming (one notice in memory at a time). The mapping:
//
//	web service (typeTravaux)       TRAVAUX column
//	@reference                      ReferenceTravaux
//	etat                            Etat
//	referencePm                     ReferencePM
//	dateDebutTravaux                DateDebut   (AAAAMMJJHHMM: seconds are lost)
//	dateFinTravaux                  DateFin     (idem)
//	natureIntervention              NatureIntervention
//	interventionRequiseOC           InterventionRequiseOC
//	coordonneesContactOI            ContactOI
//	commentairesIntervention        Commentaire
//	identifiantImmeuble/immeuble    IdentifiantImmeuble (one line per building)
//	Travaux.Adresses (no element)   NumeroVoie, Voie, CodePostal, Commune, CodeInsee, IdentifiantImmeuble
//
// The CSV flow has no column for @serviceProviderID (the recipient is the
// file's DESTINATAIRE), type, equipementConcerne, referencePrestationPm,
// dateModification, travauxCuratifs, referencePBO, referencePmTechnique,
// referencePriseImpactees, referencePrestationPriseImpactees,
// referenceIncident and commentaireInterventionOC: converting to CSV drops
// them, converting from CSV leaves them zero for the caller to fill before
// publishing (type, equipementConcerne, referencePrestationPm,
// dateModification and serviceProviderID are mandatory in the contract).
// The web service has no element for the addresses: they live in
// [Travaux.Adresses], which the client cannot fill (an OC finds them from
// referencePriseImpactees in its own customer base). Within these limits
// both directions are lossless: CSV → notice → CSV gives the same lines
// (address lines first, then building-only lines), notice → CSV → notice
// the same carried fields.
//
// # Errors
//
// Refusals are [*Fault] values (infoFtthError) carrying the return code of
// DOMAIN.md: 1/2/3/13 for a request that breaks the contract, naming the
// element (a header missing: 1 on InfoTravauxFTTHHeader); 4 for a period
// wider than the window; 8 for a supplierID that is not the server's
// (Server.SupplierID); 12 for a header CheckHeader refuses; 22 for a body
// that is not getInfoTravauxFTTHRequest; 7 for more notices than
// Server.MaxResults; 5 when nothing matches and Server.FaultOnNoResult is
// set (else an empty list); 18 when the Source returns a notice that breaks
// the schema ([Travaux.Check]); 10 for any other Source failure (whose text
// is logged, not sent). Codes 200–299 are reserved to TP/DERCO and carried
// as they are. errors.Is matches faults by code ([ErrNoResult],
// [ErrSaturation]). The client also returns [*ResponseError] for an answer
// it cannot use, [*DateTimeError] inside it for a bad date. The CSV side
// returns [*CSVError] (lenient: with the notice), [ErrNotTravaux], and the
// errors of package v1a.
//
// # Limits and concurrency
//
// The server caps request bodies (DefaultMaxBodyBytes) and answers
// (DefaultMaxResults), the client response bodies
// (DefaultMaxResponseBytes); deadlines come from the contexts. Both read the
// XML within the [Limits] every SOAP service of the SDK shares
// (Server.Limits; depth, elements, attributes per element, token length),
// checked while reading: a request beyond them, even in a header entry the
// server skips, is refused with fault 3 on Envelope naming the limit. A
// Body holding more than one entry is refused with fault 3 on Body. A
// request whose Content-Type is not an XML media type (text/xml,
// application/xml, application/soap+xml, or none) is answered HTTP 415 with
// fault 3 on Content-Type, before its body is read. A document may start
// with a UTF-8 byte order mark. Server,
// Client and MemSource are safe for concurrent use; CSVReader and CSVWriter
// are not.
package infotravaux
