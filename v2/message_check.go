package v2

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Finding is one rule a message breaks: the line of the offending element's
// start tag (of its parent's when a required child is missing; 0 when not
// known, e.g. for a message built in memory), the element's local name, the
// return code and its message (DOMAIN.md, "Return codes"). It is what
// `savctl check` prints for protocol 2.0 and what a server answers in its
// fault.
type Finding struct {
	Line    int              `json:"line"`
	Field   string           `json:"field"`
	Code    codes.ReturnCode `json:"code"`
	Message string           `json:"message"`
	// Reason is the rule broken, in English; may be empty.
	Reason string `json:"-"`
}

// String returns "LINE: FIELD: CODE MESSAGE (reason)".
func (f Finding) String() string {
	s := strconv.Itoa(f.Line) + ": " + f.Field + ": " + strconv.Itoa(int(f.Code)) + " " + f.Message
	if f.Reason != "" {
		s += " (" + f.Reason + ")"
	}
	return s
}

// lines gives the line of an element by its path below the body root; nil
// for a message built in memory.
type lines map[string]int

func (l lines) at(path ...string) int {
	for n := len(path); n > 0; n-- {
		if v, ok := l[strings.Join(path[:n], "/")]; ok {
			return v
		}
	}
	return l[""]
}

type checker struct {
	p        *Profile
	pos      lines
	root     []string // path of the value being checked
	findings []Finding
	dropped  map[string]bool // elements already reported as malformed
}

func (c *checker) add(line int, field string, code codes.ReturnCode, reason string) {
	if c.dropped[field] {
		return
	}
	c.findings = append(c.findings, Finding{Line: line, Field: field, Code: code, Message: code.Message(field),
		Reason: reason})
}

// elem reports a finding on a present element (its line).
func (c *checker) elem(field string, code codes.ReturnCode, reason string, path ...string) {
	c.add(c.pos.at(append(append([]string(nil), c.root...), path...)...), field, code, reason)
}

// missing reports a missing element on its parent's line.
func (c *checker) missing(field string, parent ...string) {
	c.add(c.pos.at(append(append([]string(nil), c.root...), parent...)...), field, codes.ReturnCodeMissing, "")
}

// Validate checks a message against the profile's rules (V2.md, "Create
// requires", "Set requires" and the payload of each transaction in
// DOMAIN.md; the key of a get; the page size of a search or query) and
// returns its findings, without line numbers. Responses and exceptions have
// no rules. A nil result means the message is acceptable. Date-relative
// rules and the lifecycle state of the ticket are the receiver's.
func Validate(m Message, p *Profile) []Finding {
	return validate(m, p.orDefault(), nil)
}

func validate(m Message, p *Profile, pos lines, dropped ...*DecodeError) []Finding {
	c := &checker{p: p, pos: pos, dropped: map[string]bool{}}
	for _, e := range dropped {
		c.findings = append(c.findings, Finding{Line: e.Line, Field: e.Element, Code: e.Code,
			Message: e.Code.Message(e.Element), Reason: reasonOf(e.Err)})
		c.dropped[e.Element] = true
	}
	switch m := m.(type) {
	case *CreateTroubleTicketByValueRequest:
		c.root = []string{"troubleTicketValue"}
		c.create(&m.Value)
	case *SetTroubleTicketByValueRequest:
		c.root = []string{"troubleTicketValue"}
		c.set(m)
	case *GetTroubleTicketByKeyRequest:
		if strings.TrimSpace(m.Key.PrimaryKey) == "" {
			c.missing("primaryKey", "troubleTicketKey")
		}
	case *GetTroubleTicketsByTemplateRequest:
		c.howMany(m.HowMany)
	case *QueryTroubleTicketsRequest:
		c.howMany(m.HowMany)
		if m.Query.Type != QueryAllOpenTroubleTickets.Type {
			c.elem("query", codes.ReturnCodeSearchCriteria,
				"the only query served is tt:QueryAllOpenTroubleTicketsValue", "query")
		}
	}
	return c.findings
}

func (c *checker) howMany(h Field[uint32]) {
	if _, ok := c.p.PageSize(h); !ok {
		c.elem("howMany", codes.ReturnCodeSearchCriteria, "at most "+strconv.Itoa(c.p.MaxHowMany)+" per page",
			"howMany")
	}
}

// present reports whether a string element is there with a non-blank value;
// a nil or blank element is reported missing on its own line.
func (c *checker) present(f Field[string], field string, parent ...string) bool {
	switch {
	case f.IsAbsent():
		c.missing(field, parent...)
		return false
	case f.IsNil() || strings.TrimSpace(f.Value) == "":
		c.elem(field, codes.ReturnCodeMissing, "", append(parent, field)...)
		return false
	}
	return true
}

func presentCode[T ~string](c *checker, f Field[T], field string) bool {
	return c.present(Field[string]{Presence: f.Presence, Value: string(f.Value)}, field)
}

func (c *checker) operatorCodes(s *SAVExtension) {
	for _, oc := range []struct {
		name string
		f    Field[string]
	}{{"codeOC", s.CodeOC}, {"codeOI", s.CodeOI}} {
		if c.present(oc.f, oc.name) && codes.ValidOperatorCode(oc.f.Value) != nil {
			c.elem(oc.name, codes.ReturnCodeBadFormat, "want four upper-case letters or digits", oc.name)
		}
	}
}

// create checks a createTroubleTicketByValueRequest's value.
func (c *checker) create(v *TroubleTicketValue) {
	s := v.SAV
	if s == nil {
		s = &SAVExtension{}
	}
	if c.present(v.CustomerTroubleNum, "customerTroubleNum") &&
		utf8.RuneCountInString(v.CustomerTroubleNum.Value) > codes.MaxReferenceSigSAV {
		c.elem("customerTroubleNum", codes.ReturnCodeBadFormat, "longer than 50 characters", "customerTroubleNum")
	}
	switch {
	case v.TroubleDetectionTime.IsAbsent():
		c.missing("troubleDetectionTime")
	case v.TroubleDetectionTime.IsNil():
		c.elem("troubleDetectionTime", codes.ReturnCodeMissing, "", "troubleDetectionTime")
	}
	typeOK := presentCode(c, s.TypeSAV, "typeSAV")
	if typeOK && !s.TypeSAV.Value.Valid() {
		c.elem("typeSAV", codes.ReturnCodeNotInList, "SIGNALISATION or EXPERTISE", "typeSAV")
	}
	c.operatorCodes(s)
	commercial, technical := s.CommercialID.IsPresent() && s.CommercialID.Value != "",
		s.TechnicalID.IsPresent() && s.TechnicalID.Value != ""
	if !commercial && !technical {
		c.missing("technicalId")
	}
	if commercial {
		if err := codes.ValidReferencePrestationPrise(s.CommercialID.Value); err != nil {
			c.elem("commercialId", codes.ReturnCodeBadFormat, reasonOf(err), "commercialId")
		}
	}
	if technical {
		if err := codes.ValidReferencePrise(s.TechnicalID.Value); err != nil {
			c.elem("technicalId", codes.ReturnCodeBadFormat, reasonOf(err), "technicalId")
		}
	}
	if presentCode(c, s.NatureDefaut, "natureDefaut") && !s.NatureDefaut.Value.Valid() {
		c.elem("natureDefaut", codes.ReturnCodeNotInList, "COUPURE or AFFAIBLISSEMENT", "natureDefaut")
	}
	if presentCode(c, s.PrelocDefaut, "prelocDefaut") && !s.PrelocDefaut.Value.Valid() {
		c.elem("prelocDefaut", codes.ReturnCodeNotInList, "", "prelocDefaut")
	}
	related := len(Values(v.RelatedTroubleTicketKeys.Or(nil))) > 0
	switch {
	case s.TypeSAV.Value == codes.TypeSAVExpertise && !related:
		if v.RelatedTroubleTicketKeys.IsAbsent() {
			c.missing("relatedTroubleTicketKeyList")
		} else {
			c.elem("relatedTroubleTicketKeyList", codes.ReturnCodeMissing, "an EXPERTISE references the ticket it contests",
				"relatedTroubleTicketKeyList")
		}
	case s.TypeSAV.Value != codes.TypeSAVExpertise && related:
		c.elem("relatedTroubleTicketKeyList", codes.ReturnCodeUnexpected,
			"only an EXPERTISE references another ticket", "relatedTroubleTicketKeyList")
	}
	if cl, ok := s.Client.Get(); ok {
		c.contacts(cl)
	}
	if len(c.findings) > 0 {
		return
	}
	// The protocol-neutral rules of the lifecycle, for what is left (the
	// appointment's structure).
	f := v.Filing(c.p)
	if field, code, reason := ticket.CheckFiling(&f); code != 0 {
		name, path := elementOf(field)
		c.elem(name, code, reason, path...)
	}
}

func reasonOf(err error) string {
	var ve *codes.ValueError
	if errors.As(err, &ve) {
		return ve.Reason
	}
	s := err.Error()
	if _, after, ok := strings.Cut(s, ": "); ok {
		return after
	}
	return s
}

func (c *checker) contacts(cl Customer) {
	for _, p := range []struct{ name, v string }{{"contact1", cl.Contact1}, {"contact2", cl.Contact2}} {
		if p.v == "" {
			continue
		}
		if _, err := codes.NormalizePhone(p.v); err != nil {
			c.elem(p.name, codes.ReturnCodeBadFormat, reasonOf(err), "client", p.name)
		}
	}
}

// elementOf maps a field name of package ticket to the element that carries
// it and its path below the value.
func elementOf(field string) (string, []string) {
	switch field {
	case "ReferenceSigSAVRaccoOC":
		return "customerTroubleNum", []string{"customerTroubleNum"}
	case "ReferencePrise":
		return "technicalId", []string{"technicalId"}
	case "ReferencePrestationPrise":
		return "commercialId", []string{"commercialId"}
	case "DateIncidClientFinal":
		return "troubleDetectionTime", []string{"troubleDetectionTime"}
	case "NatureDefaut":
		return "natureDefaut", []string{"natureDefaut"}
	case "PrelocDefaut":
		return "prelocDefaut", []string{"prelocDefaut"}
	case "TypeSAV":
		return "typeSAV", []string{"typeSAV"}
	case "CodeOC":
		return "codeOC", []string{"codeOC"}
	case "CodeOI":
		return "codeOI", []string{"codeOI"}
	case "relatedTroubleTicketKeyList":
		return field, []string{field}
	case "PropalRdv":
		return "rdv", []string{"rdv"}
	case "TypeMessage":
		return "type", []string{"message", "type"}
	case "Commentaire":
		return "texte", []string{"message", "texte"}
	case "message":
		return "message", []string{"message"}
	case "EtatResolution":
		return "etatResolution", []string{"etatResolution"}
	case "ContactClient1":
		return "contact1", []string{"client", "contact1"}
	case "ContactClient2":
		return "contact2", []string{"client", "contact2"}
	case "cloture":
		return "cloture", []string{"cloture"}
	case "CodeCloture":
		return "code", []string{"cloture", "code"}
	case "Responsabilite":
		return "responsabilite", []string{"cloture", "responsabilite"}
	case "LocalisationDefaut":
		return "localisation", []string{"cloture", "localisation"}
	}
	return field, nil
}

// set checks a setTroubleTicketByValueRequest: the key, sav:transaction, the
// operator codes, then the transaction's payload through the lifecycle's
// own rules.
func (c *checker) set(m *SetTroubleTicketByValueRequest) {
	v := &m.Value
	s := v.SAV
	if s == nil {
		s = &SAVExtension{}
	}
	switch {
	case v.TroubleTicketKey.IsAbsent():
		c.missing("troubleTicketKey")
	case v.TroubleTicketKey.IsNil():
		c.elem("troubleTicketKey", codes.ReturnCodeMissing, "", "troubleTicketKey")
	case strings.TrimSpace(v.TroubleTicketKey.Value.PrimaryKey) == "":
		c.missing("primaryKey", "troubleTicketKey")
	}
	kind := ticket.Kind(0)
	if c.present(s.Transaction, "transaction") {
		k, err := ticket.ParseKind(s.Transaction.Value)
		switch {
		case err != nil:
			c.elem("transaction", codes.ReturnCodeNotInList, "not a transaction name", "transaction")
		case !setKind(k):
			c.elem("transaction", codes.ReturnCodeUnexpected, k.String()+" is not carried by a set", "transaction")
		default:
			kind = k
		}
	}
	c.operatorCodes(s)
	if m.ResyncRequired && !v.LastUpdateVersionNumber.IsPresent() {
		c.missing("lastUpdateVersionNumber")
	}
	if kind == 0 {
		return
	}
	tx := transactionOf(v, kind)
	tx.ResyncRequired = false
	if kind == ticket.KindCaseSolved && !s.Cloture.IsPresent() {
		if s.Cloture.IsNil() {
			c.elem("cloture", codes.ReturnCodeMissing, "a closure carries its code and responsibility", "cloture")
		} else {
			c.missing("cloture")
		}
		return
	}
	if cl, ok := s.Client.Get(); ok {
		c.contacts(cl)
		if len(c.findings) > 0 {
			return
		}
	}
	// Apply the transaction to a ticket in a state that accepts it, so only
	// the payload rules can refuse it.
	t := &ticket.Ticket{State: fromState(kind), EtatResolution: codes.EtatResolutionADefinir}
	if e := tx.EtatResolution; e != "" && ticket.ResolutionMoveAllowed(e, e) {
		t.EtatResolution = e
	} else if tx.Message != nil && tx.Message.Type == codes.TypeMessageConfirmationRdv {
		t.EtatResolution = codes.EtatResolutionPlanifiee
	}
	if err := t.Apply(tx); err != nil {
		var te *ticket.TransitionError
		if errors.As(err, &te) {
			name, path := elementOf(te.Field)
			c.elem(name, te.Code, te.Reason, path...)
		}
	}
}

// fromState returns a state in which the lifecycle accepts kind.
func fromState(k ticket.Kind) ticket.State {
	for _, r := range ticket.Rules() {
		if r.Kind == k {
			return r.From
		}
	}
	return ticket.StateNone
}

// Document is what [Check] read from a document: the body's message (nil
// for a SOAP fault), the fault's exception when the body is a fault, and the
// findings.
type Document struct {
	// Envelope is false for a bare message.
	Envelope bool
	// Message is the body's message; for a fault, the *Exception of its
	// detail (nil when the detail has no JSR-91 exception).
	Message Message
	// Fault is true when the body is a SOAP fault.
	Fault bool
	// Findings are the rules the message breaks, with their lines.
	Findings []Finding
}

// Flow returns the name `savctl check` gives the document: create, set,
// get, search, query or introspection for requests, the same with
// "-response" for responses, "fault" for a SOAP fault or a bare exception.
func (d *Document) Flow() string {
	if d.Fault {
		return "fault"
	}
	if d.Message == nil {
		return ""
	}
	switch d.Message.Part() {
	case PartResponse:
		return d.Message.Operation().Flow() + "-response"
	case PartException:
		return "fault"
	}
	return d.Message.Operation().Flow()
}

// Records returns the number of troubleTicketValues the message carries (0
// for a get request or an introspection message).
func (d *Document) Records() int {
	switch m := d.Message.(type) {
	case *CreateTroubleTicketByValueRequest, *SetTroubleTicketByValueRequest, *GetTroubleTicketByKeyResponse,
		*GetTroubleTicketsByTemplateRequest:
		return 1
	case *GetTroubleTicketsByTemplateResponse:
		return len(m.Values.Value)
	case *QueryTroubleTicketsResponse:
		return len(m.Values.Value)
	}
	return 0
}

// Valid reports whether the document has no finding.
func (d *Document) Valid() bool { return len(d.Findings) == 0 }

const envelopeSpace = "http://schemas.xmlsoap.org/soap/envelope/"

// Check reads a protocol 2.0 document — a SOAP 1.1 envelope or a bare
// JSR-91 message — and validates its message, with the line of each
// finding: `savctl check` for protocol 2.0. A document that cannot be read
// (malformed XML, unknown message, a value not of its type) is a
// [*DecodeError] carrying the line where reading stopped, the element and the
// return code. Findings of a SOAP header are the SOAP layer's.
func Check(in io.Reader, p *Profile) (*Document, error) {
	r := newReader(NewXMLDecoder(in), p)
	start, err := r.root()
	if err != nil {
		return nil, err
	}
	doc := &Document{}
	if start.Name.Space == envelopeSpace && start.Name.Local == "Envelope" {
		doc.Envelope = true
		found := false
		err := r.children(func(c xml.StartElement) error {
			if c.Name.Space != envelopeSpace || c.Name.Local != "Body" || found {
				return r.skip()
			}
			found = true
			return r.children(func(b xml.StartElement) error {
				if doc.Message != nil || doc.Fault {
					return r.skip()
				}
				if b.Name.Space == envelopeSpace && b.Name.Local == "Fault" {
					doc.Fault = true
					return r.fault(doc)
				}
				return r.checkMessage(b, doc)
			})
		})
		if err != nil {
			return nil, err
		}
		if doc.Message == nil && !doc.Fault {
			return nil, &DecodeError{Line: r.line(), Element: "Body", Code: codes.ReturnCodeMissing,
				Err: fmt.Errorf("%w: the envelope has no body element", ErrMissingElement)}
		}
	} else if err := r.checkMessage(start, doc); err != nil {
		return nil, err
	}
	r.leave()
	if err := r.trailer(); err != nil {
		return nil, err
	}
	return doc, nil
}

func (r *reader) checkMessage(start xml.StartElement, doc *Document) error {
	r.pos = lines{"": r.line()}
	r.lenient = true
	defer func() { r.lenient = false }()
	base := len(r.path)
	r.path = r.path[:0]
	m, err := readMessage(r, start)
	r.path = r.path[:base]
	if err != nil {
		return err
	}
	doc.Message = m
	// Paths were recorded below the root: rebase them on the message.
	pos := lines{"": r.pos[""]}
	for k, v := range r.pos {
		pos[k] = v
	}
	doc.Findings = validate(m, r.p, pos, r.valueErrs...)
	r.pos = nil
	return nil
}

// fault reads a SOAP fault's detail entries.
func (r *reader) fault(doc *Document) error {
	e := &Exception{}
	err := r.children(func(c xml.StartElement) error {
		if c.Name.Local != "detail" || (c.Name.Space != "" && c.Name.Space != envelopeSpace) {
			return r.skip()
		}
		return r.children(func(d xml.StartElement) error { return readDetailEntry(r, d, e) })
	})
	if err == nil && (e.Op.Valid() || e.Erreur != nil) {
		doc.Message = e
	}
	return err
}
