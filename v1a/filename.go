package v1a

import (
	"strings"
	"sync"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// FileName is a normalised 1.0a file name (V1A.md "File naming"):
// SAV_<FLUX>_<EMETTEUR>_<DESTINATAIRE>_<AAAAMMJJHHMMSS>_<NNNN>.csv.
type FileName struct {
	Flow      Flow
	Sender    string    // EMETTEUR, operator code ^[A-Z0-9]{4}$
	Recipient string    // DESTINATAIRE, operator code
	Time      time.Time // written in Europe/Paris, to the second
	Seq       int       // NNNN, 1–9999
}

// Naming holds the parts of file names and mail subjects that are our
// decision (V1A.md [D]) and may differ for a partner. The zero value is not
// useful; start from [DefaultNaming].
type Naming struct {
	Prefix    string // "SAV"
	Extension string // ".csv"
	// Subject prefixes, by kind of exchange.
	SubjectSAV        string // "SAV FTTH - ": DEPOT, AR, CLOTURE, INFO
	SubjectPrevenance string // "PREVENANCE FTTH - ": TRAVAUX
	SubjectDommage    string // "DOMMAGE FTTH - ": DOMMAGE, ARDOMMAGE
}

// DefaultNaming returns V1A.md's naming.
func DefaultNaming() Naming {
	return Naming{Prefix: "SAV", Extension: ".csv", SubjectSAV: "SAV FTTH - ",
		SubjectPrevenance: "PREVENANCE FTTH - ", SubjectDommage: "DOMMAGE FTTH - "}
}

// String returns the name with the default naming.
func (n FileName) String() string { return DefaultNaming().Format(n) }

// Check reports a name whose parts are out of their rules.
func (n FileName) Check() error {
	s := n.String()
	switch {
	case !n.Flow.Valid():
		return &FileNameError{Name: s, Part: "FLUX", Reason: "unknown flow " + string(n.Flow)}
	case codes.ValidOperatorCode(n.Sender) != nil:
		return &FileNameError{Name: s, Part: "EMETTEUR", Reason: "want four upper-case letters or digits"}
	case codes.ValidOperatorCode(n.Recipient) != nil:
		return &FileNameError{Name: s, Part: "DESTINATAIRE", Reason: "want four upper-case letters or digits"}
	case n.Time.IsZero():
		return &FileNameError{Name: s, Part: "AAAAMMJJHHMMSS", Reason: "no time"}
	case n.Seq < 1 || n.Seq > 9999:
		return &FileNameError{Name: s, Part: "NNNN", Reason: "sequence outside 0001–9999"}
	}
	return nil
}

// Format writes n with this naming. It does not check n; see
// [FileName.Check].
func (g Naming) Format(n FileName) string {
	var b strings.Builder
	b.WriteString(g.Prefix)
	b.WriteByte('_')
	b.WriteString(string(n.Flow))
	b.WriteByte('_')
	b.WriteString(n.Sender)
	b.WriteByte('_')
	b.WriteString(n.Recipient)
	b.WriteByte('_')
	b.WriteString(formatClock(n.Time, LayoutTimestamp))
	b.WriteByte('_')
	b.Write(appendN(nil, n.Seq%10000, 4))
	b.WriteString(g.Extension)
	return b.String()
}

// ParseFileName reads a normalised file name with the default naming. A
// directory part is ignored; the extension may be missing or in any case.
func ParseFileName(s string) (FileName, error) { return DefaultNaming().Parse(s) }

// Parse reads a file name with this naming: the parts are checked (a known
// flow, four-character operator codes, a real date and time, a sequence
// 0001–9999); any case is accepted and given back upper-cased.
func (g Naming) Parse(s string) (FileName, error) {
	name := strings.TrimSpace(s)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if g.Extension != "" && len(name) >= len(g.Extension) &&
		strings.EqualFold(name[len(name)-len(g.Extension):], g.Extension) {
		name = name[:len(name)-len(g.Extension)]
	}
	parts := strings.Split(strings.ToUpper(name), "_")
	fail := func(part, reason string) (FileName, error) {
		return FileName{}, &FileNameError{Name: s, Part: part, Reason: reason}
	}
	if len(parts) != 6 {
		return fail("", "want "+g.Prefix+"_<FLUX>_<EMETTEUR>_<DESTINATAIRE>_<AAAAMMJJHHMMSS>_<NNNN>"+g.Extension)
	}
	if parts[0] != strings.ToUpper(g.Prefix) {
		return fail("prefix", "want "+g.Prefix)
	}
	var n FileName
	n.Flow = Flow(parts[1])
	if !n.Flow.Valid() {
		return fail("FLUX", "unknown flow "+parts[1])
	}
	n.Sender, n.Recipient = parts[2], parts[3]
	if codes.ValidOperatorCode(n.Sender) != nil {
		return fail("EMETTEUR", "want four upper-case letters or digits")
	}
	if codes.ValidOperatorCode(n.Recipient) != nil {
		return fail("DESTINATAIRE", "want four upper-case letters or digits")
	}
	t, _, ok := parseClock(parts[4], 14, nil)
	if !ok || len(parts[4]) != 14 {
		return fail("AAAAMMJJHHMMSS", "want a date and time")
	}
	n.Time = t
	if len(parts[5]) != 4 || !digits(parts[5]) || parts[5] == "0000" {
		return fail("NNNN", "want a sequence from 0001 to 9999")
	}
	n.Seq = atoiDigits(parts[5])
	return n, nil
}

// SubjectPrefix returns the subject prefix of a flow's mails.
func (g Naming) SubjectPrefix(f Flow) string {
	switch f {
	case FlowTravaux:
		return g.SubjectPrevenance
	case FlowDommage, FlowARDommage:
		return g.SubjectDommage
	}
	return g.SubjectSAV
}

// Subject returns the mail subject of a file: the flow's prefix and the
// file name.
func (g Naming) Subject(n FileName) string { return g.SubjectPrefix(n.Flow) + g.Format(n) }

// Subject returns the mail subject of a file with the default naming, e.g.
// "SAV FTTH - SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv".
func Subject(n FileName) string { return DefaultNaming().Subject(n) }

// ParseSubject reads a subject with the default naming.
func ParseSubject(s string) (FileName, error) { return DefaultNaming().ParseSubject(s) }

// ParseSubject reads a mail subject: one of the three prefixes (any case,
// extra spaces) then the file name, with or without its extension. The
// prefix must be the one of the name's flow.
func (g Naming) ParseSubject(s string) (FileName, error) {
	t := strings.Join(strings.Fields(s), " ")
	for _, p := range []string{g.SubjectSAV, g.SubjectPrevenance, g.SubjectDommage} {
		pp := strings.Join(strings.Fields(p), " ")
		if pp == "" || len(t) < len(pp) || !strings.EqualFold(t[:len(pp)], pp) {
			continue
		}
		rest := strings.TrimSpace(t[len(pp):])
		rest = strings.TrimPrefix(rest, "-")
		n, err := g.Parse(strings.TrimSpace(rest))
		if err != nil {
			return FileName{}, err
		}
		if !strings.EqualFold(strings.Join(strings.Fields(g.SubjectPrefix(n.Flow)), " "), pp) {
			return FileName{}, &FileNameError{Name: s, Part: "subject",
				Reason: "prefix " + strings.TrimSpace(p) + " does not go with flow " + string(n.Flow)}
		}
		return n, nil
	}
	return FileName{}, &FileNameError{Name: s, Part: "subject",
		Reason: "want " + strings.TrimSpace(g.SubjectSAV) + ", " + strings.TrimSpace(g.SubjectPrevenance) + " or " +
			strings.TrimSpace(g.SubjectDommage) + " and a file name"}
}

// Sequence hands out the NNNN part of file names: per sender, 1 to 9999,
// then 1 again. It is safe for concurrent use. The zero value starts every
// sender at 1; restore persisted counters with Set.
type Sequence struct {
	mu   sync.Mutex
	last map[string]int
}

// Next returns the next number of sender.
func (s *Sequence) Next(sender string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = make(map[string]int)
	}
	n := s.last[sender]%9999 + 1
	s.last[sender] = n
	return n
}

// Set records last as the latest number given to sender.
func (s *Sequence) Set(sender string, last int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = make(map[string]int)
	}
	s.last[sender] = last
}

// Last returns the latest number given to sender (0 for none).
func (s *Sequence) Last(sender string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last[sender]
}

// NewFileName returns the name of a new file of flow f from sender to
// recipient at t, taking the next number of seq.
func NewFileName(seq *Sequence, f Flow, sender, recipient string, t time.Time) FileName {
	return FileName{Flow: f, Sender: sender, Recipient: recipient, Time: t.In(ticket.Paris).Truncate(time.Second),
		Seq: seq.Next(sender)}
}
