// Package v1a implements protocol SAV 1.0a of Interop'Fibre: normalised
// semicolon CSV files mailed between operators (V1A.md in the protocol
// profile). It holds the CSV codec of the seven flows, the charset pipeline,
// the validation rules and the acknowledgement (AR) an OI computes, the
// normalised file names and mail subjects, and the mail composition, parsing
// and transports (SMTP, Maildir).
//
// # Flows and records
//
// Each flow — DEPOT, AR, CLOTURE, INFO, TRAVAUX, DOMMAGE, ARDOMMAGE (V1A.md
// "Flows") — is a typed record: [Depot], [AR], [Cloture], [Info], [Travaux],
// [Dommage], [ARDommage], all implementing [Record]. Dates are
// [ticket.Date], timestamps and minutes time.Time in Europe/Paris, slots
// []ticket.Slot, coded columns the types of package codes (canonical values;
// unknown values are kept so the validator reports them).
//
// A [Layout] per flow gives the column names, their order and their rules
// (M/C/O, maximum length). [DefaultLayout] is V1A.md's; a partner that
// differs gets its own Layout, handed to the [Reader], [Writer] and
// [Validator]. The flow of a file is detected from its header line
// ([DetectFlow]); layouts that make two headers equal are refused
// ([ErrAmbiguousHeader]).
//
// # Reading and writing
//
// [Reader] and [Writer] follow encoding/csv: NewReader(io.Reader) with
// exported settings, Read until io.EOF; NewWriter with Write, Flush and
// Error; [ReadAll] and [WriteAll] on top. Both stream, so a million-line
// TRAVAUX file costs constant memory.
//
// Reading (V1A.md "CSV format"): the MIME charset parameter when the file
// came in a mail, else a UTF-8 BOM, else valid UTF-8, else Windows-1252
// (golang.org/x/net/html/charset; no global hook). CR, LF and CRLF line
// ends; RFC 4180 quotes; trailing empty cells and a trailing separator
// tolerated; surrounding spaces trimmed from unquoted cells. Reading is
// lenient by default: a JJ/MM/AAAA date, a phone number that lost its
// leading 0 or + and a four-digit CodePostal or CodeInsee (what a spreadsheet
// does to a file) are repaired and reported as warnings; Reader.Strict makes
// them findings (return code 3). Read returns the record together with a
// [*RecordError] listing the line's findings and warnings, so no line is
// ever lost.
//
// Writing: Windows-1252 by default ([UTF8] and [ISO885915] on request), CRLF,
// the header line first. A rune the charset cannot encode is an
// [*EncodeError], never a silent '?'. With Writer.SpreadsheetSafe (on by
// default) free text starting with =, +, -, @ gets a leading ' that the
// Reader removes again, so round trips stay exact.
//
// # Validation and acknowledgement
//
// [Validator.Check] (or [Validator.Next], which reads and checks the next
// line of a Reader without re-checking what its decoding enforced) reports
// every finding of a line — line, column, return
// code, message — in column order: missing values (1), values outside their
// list (2), formats and lengths (3), values not acceptable in context (13),
// with the conditional rules of V1A.md (one access id of two, customer and
// appointment when an intervention at home is needed, IdRdv xor PropalRdv,
// the localisation of RETxx closures only, date order, the TRAVAUX state
// sequence, with Validator.UniqueDeposits a deposit reference used twice:
// code 100) and the embedder's
// qualitative [Hook] (codes 8 and 9).
// Date-relative rules use Validator.Now. [ComputeAR] answers a DEPOT file
// line by line (OK with a new OI reference, or KO with the first code and
// every reason, see [Motif]); [ComputeARDommage] answers a DOMMAGE file. A
// file that cannot be read is answered by one KO line with code 3.
//
// [TransactionOf], [TicketOf], [FilingOf], [FromTicket] and
// [FromTransaction] convert ticket-bearing records (DEPOT, AR, CLOTURE,
// INFO) to and from package ticket, reporting what 1.0a cannot carry
// ([Loss], [ErrNotCarried]).
//
// # Performance
//
// The benchmarks compare with encoding/csv on the same 100 000-line DEPOT
// file (Windows-1252), in CPU time (BenchmarkRatios: interleaved rounds,
// the fastest round of each phase, the collection of each read phase's
// garbage charged to it, not that of the benchmark's own data; it also
// reports the median of the per-round ratios, which a loaded machine moves
// less): decoding into typed records costs about 1.5 times what
// encoding/csv takes to split the lines into strings, decoding and
// validating about 1.9 times, writing about 1.8 times what csv.Writer
// takes. The figures move by about 0.1 from run to run on a loaded
// machine. The reader gets there by decoding and cutting a line in one
// pass eight bytes at a time, allocating records and text in blocks (see
// [Reader]), and leaving to the validator only what decoding did not
// already enforce. Reading a million-line TRAVAUX file keeps the heap
// under 32 MiB (TestTravauxMillionLinesMemory).
//
// # File names and subjects
//
// [FileName] formats and [ParseFileName] parses
// SAV_<FLUX>_<EMETTEUR>_<DESTINATAIRE>_<AAAAMMJJHHMMSS>_<NNNN>.csv;
// [Subject] and [ParseSubject] add and remove the subject prefixes
// "SAV FTTH - ", "PREVENANCE FTTH - " (TRAVAUX) and "DOMMAGE FTTH - "
// (DOMMAGE, ARDOMMAGE). [Naming] holds these choices for a partner that
// differs. [Sequence] hands out the NNNN numbers per sender.
//
// # Mail and transports
//
// One mail carries one CSV file. [NewMessage] builds it from records (the
// normalised file name, the subject of its flow, a text part and the CSV
// part in base64 with its charset and an RFC 2231 file name) and
// [ComposeMail] writes it as RFC 5322. [ParseMail] and [ReadMail] read an
// inbound mail robustly — single-part or multipart, nested alternatives,
// base64 or quoted-printable, RFC 2047 and RFC 2231 names, the attachment
// found by file name or content type, the charset from its part header —
// within the [MailLimits] of a [MailParser]; [Inbound] then yields the
// sender's address, the subject, the file name, the flow and the records.
//
// Transports are small interfaces with ctx first: a [Sender] sends a
// [Message] ([SenderFunc] adapts a function) and a [Mailbox] fetches inbound
// mail and marks it handled or quarantined. [SMTPSender] sends through an
// MTA (STARTTLS when offered or as its [StartTLSPolicy] requires, AUTH PLAIN
// only over TLS or to loopback, a deadline on every command, cancellation
// through ctx). [Maildir] reads new/, moves a message to cur/ only after its
// handler succeeded, never deletes, skips a Message-ID it already handled
// and moves what it cannot parse to a quarantine folder; it also delivers
// locally (tmp/ then new/). A [Poller] runs a [MailHandler] over a
// [Mailbox]: a handler error wrapping [ErrQuarantine] quarantines the mail,
// any other error leaves it for the next poll, and an unreadable DEPOT or
// DOMMAGE mail from a known partner is answered with an AR KO (code 3).
//
// # Errors
//
// Fatal reading errors: [*ParseError] (wraps [ErrSyntax] or an I/O error;
// a record over the reader's MaxRecordBytes wraps [ErrRecordTooLong] too),
// [*HeaderError] ([ErrUnknownHeader]), [*LayoutError] ([ErrLayout],
// [ErrAmbiguousHeader], [ErrWrongFlow]), an unknown charset label
// ([ErrCharset]). Per line: [*RecordError] ([ErrFindings] or
// [ErrWarnings]). Writing: [*EncodeError] ([ErrUnencodable]). Names:
// [*FileNameError] ([ErrFileName]). Conversions: [*CarryError]
// ([ErrNotCarried]). Mail: [*MailError] ([ErrMailIncomplete],
// [ErrMailTooLarge], [ErrMailTooManyParts], [ErrMailTooDeep],
// [ErrMailSyntax], [ErrNoAttachment], [ErrManyAttachments]), with an
// [*UnsafeNameError] ([ErrUnsafeName]) for an attachment file name that
// is not a plain file name ([SafeFileName]; a Maildir key too). Transports:
// [*SMTPError] (the command, the reply code and Temporary),
// [ErrSTARTTLSUnavailable], [ErrAuthUnavailable], [*MaildirError],
// [*HandlerError] and [ErrQuarantine]. Test them with errors.Is and
// errors.As.
//
// # Concurrency
//
// A Reader, a Writer and a Validator are used by one goroutine at a time
// (the Validator remembers TRAVAUX states). Layouts, Aliases and Naming are
// plain values: do not change them while a Reader, Writer or Validator uses
// them. [Sequence] and the package-level functions are safe for concurrent
// use, and so are [SMTPSender] and [MailParser]. Run one [Poller] per
// Maildir directory.
package v1a
