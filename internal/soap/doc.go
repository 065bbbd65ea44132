// Package soap is the SOAP 1.1 plumbing of protocol 2.0: the envelope, the
// sav:entete and sav:pagination headers, faults and the HTTP binding (content
// types, body size limits, status codes). It implements the "Our profile"
// section of V2.md: document/literal, one body element whose root QName
// selects the operation, names resolved by namespace URI and never by prefix,
// faultcode qualified with a prefix bound to the envelope namespace.
//
// The package knows nothing of JSR-91: the body and the fault detail are read
// by callbacks that receive the decoder positioned on their start element (so
// line numbers stay those of the document) — a [TokenReader] for [Decoder],
// its own tokenizer, an [xml.Decoder] for [EnvelopeReader] — and written by
// callbacks that write a self-contained element. [Decoder.Decode] also reads
// a bare message (no envelope, e.g. a logged body): then the document's root
// is the body and there is no header.
//
// Start elements handed to the callbacks carry, as extra xmlns attributes,
// every namespace binding in scope that they do not redeclare themselves, so a
// callback can resolve QName values (xsi:type="sav:SAVTroubleTicketValue")
// declared on the envelope exactly as in a standalone document.
// [CaptureElement] turns an element into such a standalone fragment.
//
// # Limits
//
// Every decoder of this package — [Decoder], [EnvelopeReader], [Contract],
// and so protocol 2.0, Plan de charge SAV and InfoTravaux alike — enforces
// [Limits] while it reads: nesting depth, elements, attributes per element
// and token length (DefaultMaxDepth, DefaultMaxElements,
// DefaultMaxAttributes, DefaultMaxTokenBytes; zero fields take them), at the
// first byte beyond a limit, so a header entry nested 50,000 deep or
// carrying 50,000 attributes costs what was read up to the 101st level or the
// 65th attribute, whoever reads the entry (a callback skipping it included).
// [Decoder], the strict decoder of protocol 2.0, tokenizes with
// internal/xmltok, which gives encoding/xml's tokens and checks the limits
// itself; the others read with encoding/xml through a guard that lexes each
// chunk of input before the XML decoder reads it and stops serving bytes at
// the first one beyond a limit. Both refuse DTDs and directives anywhere,
// skip a UTF-8 byte order mark at the start of the document, and follow a
// declared encoding from the end of the declaration. Limits.MaxBodyBytes is
// applied by the servers before decoding.
//
// # Plain envelopes and single-purpose services
//
// The Plan de charge SAV and InfoTravaux services share a plainer SOAP 1.1
// layer, built on the same pieces. [EnvelopeReader] reads an envelope entry
// by entry: Header entries and the Body entry go to callbacks with the
// decoder of the whole document, a soap:Fault comes back as a [*Fault] whose
// detail entries go to a third callback; any declared encoding is read, DTDs
// are refused, a second Body entry is refused ([ErrBody]), and errors are
// [*EnvelopeError] (with the input offset) or [ErrNoBody]. [WriteEnvelope] and [WriteFault] write a compact envelope
// around caller-supplied writers ([Marshal] adapts encoding/xml).
// [Contract] binds the three to one service's namespace and fault detail
// type; packages internal/rdvwire and internal/infowire are such contracts.
//
// On the HTTP side, [Service] is the handler scaffolding of one such
// service (?wsdl, POST only, an XML media type — 415 with a fault otherwise
// —, a size-limited body, status 200 or 500 with a fault), [Post] the
// client's exchange (content type, SOAPAction, response size limit),
// [AnswerError] the classification of what came back, [Refusal] the decoding
// errors a service answers with return code 3, and [FaultClass] and
// [FaultMessage] the faultcode and message of a return code. Package soaptest
// holds what their interop tests share.
//
// # Errors
//
// Decoding errors are [*Error] values carrying the line, the element's local
// name and the return code a server answers with; they unwrap to one of
// [ErrSyntax], [ErrVersionMismatch], [ErrMustUnderstand], [ErrHeader],
// [ErrBody], [ErrTooLarge] and [ErrLimit] (through a [*LimitError] naming
// the limit and its value; return code 3, field Envelope). [*HTTPError]
// reports a response that is not a SOAP message.
//
// # Concurrency
//
// Encoders and decoders are plain values configured before use; they are safe
// for concurrent use once configured.
package soap
