// Package rdvwire is the SOAP 1.1 envelope of the Plan de charge SAV FTTH web
// service: the contract's namespace, the EnteteType envelope and the
// rdvErreur fault, on top of the plain envelope of package internal/soap
// (entries read with the decoder of the whole document, so namespace
// prefixes declared anywhere above an entry stay known). Users never see it;
// package rdv/plancharge builds on it.
//
// Entries are decoded by callbacks ([Entry]) that receive the decoder of the
// whole document. Errors: [*SyntaxError] (with the input offset) for what is
// not a SOAP 1.1 envelope, [ErrNoBody], and [*Fault] for a soap:Fault body.
// Everything here is safe for concurrent use.
package rdvwire
