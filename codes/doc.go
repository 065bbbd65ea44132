// Package codes holds the typed vocabulary of the Interop'Fibre SAV
// protocols: the roles, the fault natures and locations, closure codes,
// responsibilities, the kinds of request, resolution sub-states, message types
// and the harmonised return codes, plus validators for operator codes, SIREN
// numbers, line identifiers and French phone numbers.
//
// It implements the "Typed codes" and "Identifiers" sections of the protocol
// profile (DOMAIN.md) and is the lowest layer of the SDK: every other package
// imports it, it imports none of them.
//
// # Wire values
//
// Every enumeration is a string type whose constants are prefixed with the type
// name and hold the canonical wire value ([NatureDefautCoupure] is "COUPURE").
// Each type has:
//
//   - Valid, reporting whether the value is canonical;
//   - Label, the French display text;
//   - MarshalText/UnmarshalText, so encoding/xml, encoding/json and the CSV
//     codec share one path. UnmarshalText is lenient: a known spelling becomes
//     the canonical value and an unknown one is kept as received, so it
//     survives a round trip and Valid reports it;
//   - a ParseXxx function that is strict about the list: it returns the
//     canonical value or a [*ValueError].
//
// Reading ignores case, accents and spacing ([Fold]) and goes through an alias
// table ([Aliases]) holding what partners really send: for NatureDefaut
// "coupure franche" and the seed's "Pas de signal" (COUPURE), "signal faible"
// and "signal dégradé" (AFFAIBLISSEMENT); for PrelocDefaut the protocol 1.0a
// spelling "COL MONTANTE" of PM-PBO; for TypeMessage the seed's spellings such
// as "Proposition de rdv" and "Avancement résol"; and every label. The default
// tables cannot be changed in place: DefaultXxxAliases returns a private copy to
// extend for a partner, which the decoders of packages v1a and v2 accept as an
// option. Writers always write the canonical value ([PrelocDefaut.V1A] gives
// the 1.0a spelling).
//
// # Closure codes
//
// A [ClosureCode] is a family and two digits (RET01); the SDK knows the
// families only. Load the code → label table of your contract into a
// [ClosureCodeRegistry] with [LoadClosureCodes].
//
// # Return codes
//
// [ReturnCode] is the harmonised table shared by v1a AR files, v2 faults and
// savctl. [ReturnCode.Message] fills the XXXXX placeholder with the field name:
//
//	codes.ReturnCodeMissing.Message("NatureDefaut") // "INFO NatureDefaut OBLIGATOIRE"
//
// # Errors
//
// Parsers and validators return a [*ValueError] naming the field, the value,
// the return code (1 missing, 2 not in the list, 3 bad format) and the rule.
// It unwraps to one of the sentinels [ErrMissing], [ErrNotInList] and
// [ErrFormat]; test with errors.Is and errors.As.
//
// # Concurrency
//
// Everything here is safe for concurrent use, except modifying an [Aliases]
// table while others read it.
package codes
