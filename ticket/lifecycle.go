package ticket

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
)

// Rule is one allowed step of the lifecycle: in state From, a transaction of
// kind Kind sent by Sender leads to state To.
type Rule struct {
	From   State
	Kind   Kind
	Sender codes.Role
	To     State
}

// rules is the lifecycle table of DOMAIN.md, the single source of every
// "may this happen now?" answer.
var rules = []Rule{
	{StateNone, KindCreate, codes.RoleOC, StateSubmitted},
	{StateSubmitted, KindAcknowledge, codes.RoleOI, StateQueued},
	{StateSubmitted, KindReject, codes.RoleOI, StateRejected},
	{StateQueued, KindCaseSolving, codes.RoleOI, StateOpenActive},
	{StateOpenActive, KindSUInformation, codes.RoleOI, StateOpenActive},
	{StateCancelRequested, KindSUInformation, codes.RoleOI, StateCancelRequested},
	{StateQueued, KindCOInformation, codes.RoleOC, StateQueued},
	{StateOpenActive, KindCOInformation, codes.RoleOC, StateOpenActive},
	{StateQueued, KindCancel, codes.RoleOC, StateClosed},
	{StateOpenActive, KindCancelRequest, codes.RoleOC, StateCancelRequested},
	{StateQueued, KindCaseSolved, codes.RoleOI, StateClosed},
	{StateOpenActive, KindCaseSolved, codes.RoleOI, StateClosed},
	{StateCancelRequested, KindCaseSolved, codes.RoleOI, StateClosed},
}

// Rules returns a copy of the lifecycle table, in documentation order.
func Rules() []Rule { return slices.Clone(rules) }

// Allowed reports whether a transaction of kind k sent by role r is allowed
// in state s and, if so, the state it leads to. Payload rules are not
// considered; [Ticket.Apply] checks them.
func Allowed(s State, k Kind, r codes.Role) (State, bool) {
	for _, ru := range rules {
		if ru.From == s && ru.Kind == k && ru.Sender == r {
			return ru.To, true
		}
	}
	return 0, false
}

// SenderOf returns the role that may send transactions of kind k.
func SenderOf(k Kind) codes.Role {
	for _, ru := range rules {
		if ru.Kind == k {
			return ru.Sender
		}
	}
	return ""
}

// check returns the refusal of (s, k, r) by the table, or nil: the sender is
// checked first (11), then the state (13).
func check(s State, k Kind, r codes.Role) *TransitionError {
	if SenderOf(k) != r || !r.Valid() {
		return &TransitionError{State: s, Kind: k, Sender: r, Code: codes.ReturnCodeNotAllowed, err: ErrNotAllowed,
			Reason: k.String() + " is sent by the " + string(SenderOf(k))}
	}
	if _, ok := Allowed(s, k, r); !ok {
		return &TransitionError{State: s, Kind: k, Sender: r, Code: codes.ReturnCodeUnexpected, Field: "transaction",
			err: ErrWrongState, Reason: "not allowed in state " + s.String()}
	}
	return nil
}

// resolutionMoves is the resolution sub-state table of DOMAIN.md: the states
// SU CASE INFORMATION NOTIFICATION may move to from each state. ACTION
// TERMINEE is reached only through CASE SOLVED NOTIFICATION.
var resolutionMoves = map[codes.EtatResolution][]codes.EtatResolution{
	codes.EtatResolutionADefinir: {codes.EtatResolutionADefinir, codes.EtatResolutionPrevue,
		codes.EtatResolutionPlanifiee},
	codes.EtatResolutionPrevue: {codes.EtatResolutionPrevue, codes.EtatResolutionPlanifiee},
	codes.EtatResolutionPlanifiee: {codes.EtatResolutionPlanifiee, codes.EtatResolutionPrevue,
		codes.EtatResolutionNouvelleAPrevoir},
	codes.EtatResolutionNouvelleAPrevoir: {codes.EtatResolutionNouvelleAPrevoir, codes.EtatResolutionPrevue,
		codes.EtatResolutionPlanifiee},
}

// initialResolutions are the sub-states a CASE SOLVING NOTIFICATION may set.
var initialResolutions = []codes.EtatResolution{
	codes.EtatResolutionADefinir, codes.EtatResolutionPrevue, codes.EtatResolutionPlanifiee,
}

// ResolutionMoveAllowed reports whether an SU CASE INFORMATION NOTIFICATION
// may move the resolution sub-state from one value to another.
func ResolutionMoveAllowed(from, to codes.EtatResolution) bool {
	return slices.Contains(resolutionMoves[from], to)
}

// Apply checks tx against the lifecycle and, when it is allowed, applies it:
// the state, the fields its payload carries, the version and the history.
// Checks run in the order of DOMAIN.md and the first failure is returned as a
// [*TransitionError]: the sender (11), the version when tx.ResyncRequired
// (6), the state (13), then the payload (1 missing, 2 not in the list, 3
// format, 13 not acceptable in context). A refused transaction leaves t
// untouched. Apply does no I/O and reads no clock: times come from tx.At.
func (t *Ticket) Apply(tx Transaction) error {
	next, err := t.plan(tx)
	if err != nil {
		return err
	}
	*t = *next
	return nil
}

// ApplyV1AAcknowledge applies a protocol 1.0a AR OK. In 1.0a the prise en
// charge starts at the AR: after the AR OK it applies an implicit CASE
// SOLVING NOTIFICATION from the same sender at the same time (sub-state
// ACTION A DEFINIR), leaving the ticket OpenActive with two history entries.
// Either both apply or neither does.
func (t *Ticket) ApplyV1AAcknowledge(tx Transaction) error {
	if tx.Kind != KindAcknowledge {
		return &TransitionError{State: t.State, Kind: tx.Kind, Sender: tx.Sender, Code: codes.ReturnCodeUnexpected,
			Field: "transaction", err: ErrPayload, Reason: "a 1.0a acknowledgement must be an AR OK"}
	}
	next, err := t.plan(tx)
	if err != nil {
		return err
	}
	solving := Transaction{Kind: KindCaseSolving, Sender: tx.Sender, At: tx.At,
		EtatResolution: codes.EtatResolutionADefinir, Implicit: true}
	last, err := next.plan(solving)
	if err != nil {
		return err
	}
	*t = *last
	return nil
}

// plan returns the ticket as it would be after tx, or the refusal.
func (t *Ticket) plan(tx Transaction) (*Ticket, error) {
	if e := check(t.State, tx.Kind, tx.Sender); e != nil && e.Code == codes.ReturnCodeNotAllowed {
		return nil, e
	}
	if tx.ResyncRequired && t.State != StateNone && t.State != StateSubmitted && tx.Version != t.Version {
		return nil, &TransitionError{State: t.State, Kind: tx.Kind, Sender: tx.Sender, Code: codes.ReturnCodeDesync,
			Field: "lastUpdateVersionNumber", err: ErrResync,
			Reason: "sender saw version " + itoa(tx.Version) + ", ticket is at " + itoa(t.Version)}
	}
	if e := check(t.State, tx.Kind, tx.Sender); e != nil {
		return nil, e
	}
	to, _ := Allowed(t.State, tx.Kind, tx.Sender)
	if field, code, reason := t.payloadError(&tx); code != 0 {
		return nil, &TransitionError{State: t.State, Kind: tx.Kind, Sender: tx.Sender, Code: code, Field: field,
			Reason: reason, err: ErrPayload}
	}
	// A shallow copy is enough: apply replaces what it changes and never
	// writes through a pointer it shares with t. The history is clipped so
	// the append below never writes into an array t (or a copy of t the
	// caller kept) also uses.
	n := *t
	n.History = slices.Clip(t.History)
	tx = tx.clone()
	n.apply(&tx, to)
	return &n, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// apply changes n, a shallow copy of the ticket, with an already checked
// and privately cloned tx.
func (n *Ticket) apply(tx *Transaction, to State) {
	switch tx.Kind {
	case KindCreate:
		n.Filing = tx.Filing.clone()
		if n.TypeSAV == "" {
			n.TypeSAV = codes.TypeSAVSignalisation
		}
	case KindAcknowledge:
		n.ReferenceSigSAVOI = tx.ReferenceSigSAVOI
		n.DatePriseEnCompte = tx.At
	case KindReject:
		n.Rejet = clonePtr(tx.Rejet)
	case KindCaseSolving:
		n.EtatResolution = codes.EtatResolutionADefinir
		if tx.EtatResolution != "" {
			n.EtatResolution = tx.EtatResolution
		}
		n.applyInfo(tx)
	case KindSUInformation, KindCOInformation:
		if e := effectiveResolution(tx); e != "" {
			n.EtatResolution = e
		}
		n.applyInfo(tx)
	case KindCancel:
		n.Cloture = &Closure{Annulation: true, Date: tx.At}
	case KindCaseSolved:
		c := *tx.Cloture
		if c.Date.IsZero() {
			c.Date = tx.At
		}
		n.Cloture = &c
		n.EtatResolution = codes.EtatResolutionTerminee
	}
	n.State = to
	switch {
	case tx.Kind == KindAcknowledge:
		n.Version = 0
	case n.State != StateSubmitted && n.State != StateRejected:
		n.Version++
	}
	if !tx.At.IsZero() {
		n.UpdatedAt = tx.At
	}
	n.History = append(n.History, Record{Transaction: *tx, State: n.State, Version: n.Version})
}

// applyInfo records what an information transaction says about the ticket.
func (n *Ticket) applyInfo(tx *Transaction) {
	if tx.Intervention != nil {
		n.Intervention = clonePtr(tx.Intervention)
	}
	if tx.Rdv != nil {
		n.Rdv = tx.Rdv.clone()
	}
	if c := tx.Client; c != nil {
		var merged Customer
		if n.Client != nil {
			merged = *n.Client
		}
		for _, f := range []struct {
			dst *string
			src string
		}{
			{&merged.Nom, c.Nom}, {&merged.Prenom, c.Prenom},
			{&merged.Contact1, c.Contact1}, {&merged.Contact2, c.Contact2},
		} {
			if f.src != "" {
				*f.dst = f.src
			}
		}
		n.Client = &merged
	}
}

// effectiveResolution is the sub-state an information transaction sets: the
// one it carries, else ACTION PLANIFIEE for a CONFIRMATION RDV (RDV.md).
func effectiveResolution(tx *Transaction) codes.EtatResolution {
	if tx.EtatResolution != "" {
		return tx.EtatResolution
	}
	if tx.Message != nil && tx.Message.Type == codes.TypeMessageConfirmationRdv {
		return codes.EtatResolutionPlanifiee
	}
	return ""
}

// payloadError checks the payload rules of tx in the current state; code 0
// means the payload is acceptable.
func (t *Ticket) payloadError(tx *Transaction) (field string, code codes.ReturnCode, reason string) {
	switch tx.Kind {
	case KindCreate:
		if tx.Filing == nil {
			return "filing", codes.ReturnCodeMissing, "a create carries the deposit"
		}
		return CheckFiling(tx.Filing)
	case KindAcknowledge:
		switch {
		case tx.ReferenceSigSAVOI == "":
			return "ReferenceSigSAVOI", codes.ReturnCodeMissing, "an AR OK gives the OI's ticket id"
		case utf8.RuneCountInString(tx.ReferenceSigSAVOI) > codes.MaxReferenceSigSAV:
			return "ReferenceSigSAVOI", codes.ReturnCodeBadFormat, "longer than 50 characters"
		}
	case KindReject:
		switch {
		case tx.Rejet == nil || tx.Rejet.CodeRetour == codes.ReturnCodeOK:
			return "CodeRetour", codes.ReturnCodeMissing, "an AR KO carries a non-zero return code"
		case strings.TrimSpace(tx.Rejet.MotifRefus) == "":
			return "MotifRefus", codes.ReturnCodeMissing, "an AR KO gives an explicit reason"
		}
	case KindCaseSolving:
		if e := tx.EtatResolution; e != "" {
			if !e.Valid() {
				return "EtatResolution", codes.ReturnCodeNotInList, ""
			}
			if !slices.Contains(initialResolutions, e) {
				return "EtatResolution", codes.ReturnCodeUnexpected,
					"a prise en charge starts at ACTION A DEFINIR, PREVUE or PLANIFIEE"
			}
		}
		return t.infoError(tx, false)
	case KindSUInformation, KindCOInformation:
		return t.infoError(tx, true)
	case KindCaseSolved:
		return checkClosure(tx.Cloture)
	}
	return "", 0, ""
}

// infoError checks the payload of an information transaction (and the
// message a prise en charge may carry).
func (t *Ticket) infoError(tx *Transaction, needSomething bool) (string, codes.ReturnCode, string) {
	if needSomething && tx.Message == nil && tx.EtatResolution == "" && tx.Intervention == nil &&
		tx.Client == nil && tx.Rdv == nil {
		return "message", codes.ReturnCodeMissing, "an information notification carries a message or data"
	}
	if m := tx.Message; m != nil {
		switch {
		case m.Type == "":
			return "TypeMessage", codes.ReturnCodeMissing, ""
		case !m.Type.Valid():
			return "TypeMessage", codes.ReturnCodeNotInList, ""
		case !m.Type.SentBy(tx.Sender):
			return "TypeMessage", codes.ReturnCodeUnexpected, string(m.Type) + " is not sent by the " + string(tx.Sender)
		case m.Type.NeedsText() && strings.TrimSpace(m.Texte) == "":
			return "Commentaire", codes.ReturnCodeMissing, string(m.Type) + " carries a text"
		}
	}
	if tx.Kind == KindCOInformation && tx.EtatResolution != "" {
		return "EtatResolution", codes.ReturnCodeUnexpected, "only the OI changes the resolution sub-state"
	}
	if tx.Kind == KindSUInformation {
		if e := tx.EtatResolution; e != "" && !e.Valid() {
			return "EtatResolution", codes.ReturnCodeNotInList, ""
		}
		if e := effectiveResolution(tx); e != "" && e != t.EtatResolution {
			switch {
			case t.State == StateCancelRequested:
				return "EtatResolution", codes.ReturnCodeUnexpected, "the sub-state is frozen while a cancellation is requested"
			case e == codes.EtatResolutionTerminee:
				return "EtatResolution", codes.ReturnCodeUnexpected, "ACTION TERMINEE is set by CASE SOLVED NOTIFICATION only"
			case !ResolutionMoveAllowed(t.EtatResolution, e):
				return "EtatResolution", codes.ReturnCodeUnexpected,
					"cannot move from " + string(t.EtatResolution) + " to " + string(e)
			}
		}
	}
	if a := tx.Rdv; a != nil {
		confirmation := tx.Message != nil && tx.Message.Type == codes.TypeMessageConfirmationRdv
		if f, c, r := checkAppointment(a, confirmation); c != 0 {
			return f, c, r
		}
	}
	if c := tx.Client; c != nil {
		for _, p := range []struct{ f, v string }{{"ContactClient1", c.Contact1}, {"ContactClient2", c.Contact2}} {
			if p.v == "" {
				continue
			}
			if _, err := codes.NormalizePhone(p.v); err != nil {
				return p.f, codes.ReturnCodeBadFormat, err.Error()
			}
		}
	}
	return "", 0, ""
}

// MaxSlots is the largest number of slots an appointment proposal carries.
const MaxSlots = 3

// checkAppointment checks the structure of an appointment reference: a
// booking id xor 1–3 slots, each ending after it starts, distinct and not
// overlapping. The one exception is confirmation, set for an information
// notification carrying a CONFIRMATION RDV: the OI validating a booked slot
// names the booking id together with exactly one slot, the slot it confirms.
// Every other booking id with slots is refused with code 13 on PropalRdv, and
// a deposit is always strict. Date-relative rules (slots in the future) and
// the OI's policy belong to the protocol validators and package rdv.
func checkAppointment(a *Appointment, confirmation bool) (string, codes.ReturnCode, string) {
	switch {
	case a.IdRdv != "" && len(a.Creneaux) > 0 && !(confirmation && len(a.Creneaux) == 1):
		if confirmation {
			return "PropalRdv", codes.ReturnCodeUnexpected, "a confirmation of a booking id carries exactly one slot"
		}
		return "PropalRdv", codes.ReturnCodeUnexpected, "a booking id and proposed slots are mutually exclusive"
	case a.IdRdv == "" && len(a.Creneaux) == 0:
		return "PropalRdv", codes.ReturnCodeMissing, "an appointment has a booking id or slots"
	case len(a.Creneaux) > MaxSlots:
		return "PropalRdv", codes.ReturnCodeBadFormat, "at most 3 slots"
	}
	for i, s := range a.Creneaux {
		if !s.Fin.After(s.Debut) {
			return "PropalRdv", codes.ReturnCodeUnexpected, "a slot must end after it starts"
		}
		for _, o := range a.Creneaux[:i] {
			if s.Debut.Before(o.Fin) && o.Debut.Before(s.Fin) {
				return "PropalRdv", codes.ReturnCodeUnexpected, "slots must be distinct and not overlap"
			}
		}
	}
	return "", 0, ""
}

// CheckFiling checks a deposit against the protocol-neutral rules of
// DOMAIN.md: the OC reference, one access id at least, the lengths, the
// incident date, the nature and location of the fault, the kind of request
// (an EXPERTISE references the ticket it contests), the operator codes when
// given, and the appointment's structure. It returns the first failing field
// with its return code and rule, or code 0. Protocol-specific rules (1.0a's
// customer and appointment for a home intervention) are the protocol
// packages'.
func CheckFiling(f *Filing) (field string, code codes.ReturnCode, reason string) {
	type lenRule struct {
		field, value string
		max          int
	}
	for _, c := range []struct{ field, value string }{{"CodeOC", f.CodeOC}, {"CodeOI", f.CodeOI}} {
		if c.value != "" && codes.ValidOperatorCode(c.value) != nil {
			return c.field, codes.ReturnCodeBadFormat, "want four upper-case letters or digits"
		}
	}
	if f.ReferenceSigSAVRaccoOC == "" {
		return "ReferenceSigSAVRaccoOC", codes.ReturnCodeMissing, ""
	}
	if f.ReferencePrestationPrise == "" && f.ReferencePrise == "" {
		return "ReferencePrise", codes.ReturnCodeMissing, "ReferencePrise or ReferencePrestationPrise is required"
	}
	for _, l := range []lenRule{
		{"ReferenceSigSAVRaccoOC", f.ReferenceSigSAVRaccoOC, codes.MaxReferenceSigSAV},
		{"ReferencePrestationPrise", f.ReferencePrestationPrise, codes.MaxReferencePrestationPrise},
		{"ReferencePrise", f.ReferencePrise, codes.MaxReferencePrise},
	} {
		if utf8.RuneCountInString(l.value) > l.max {
			return l.field, codes.ReturnCodeBadFormat, "longer than " + itoa(l.max) + " characters"
		}
	}
	switch {
	case f.DateIncident.IsZero():
		return "DateIncidClientFinal", codes.ReturnCodeMissing, ""
	case f.NatureDefaut == "":
		return "NatureDefaut", codes.ReturnCodeMissing, ""
	case !f.NatureDefaut.Valid():
		return "NatureDefaut", codes.ReturnCodeNotInList, ""
	case f.PrelocDefaut == "":
		return "PrelocDefaut", codes.ReturnCodeMissing, ""
	case !f.PrelocDefaut.Valid():
		return "PrelocDefaut", codes.ReturnCodeNotInList, ""
	case f.TypeSAV != "" && !f.TypeSAV.Valid():
		return "TypeSAV", codes.ReturnCodeNotInList, ""
	case f.TypeSAV == codes.TypeSAVExpertise && f.RelatedTicket == "":
		return "relatedTroubleTicketKeyList", codes.ReturnCodeMissing, "an EXPERTISE references the ticket it contests"
	case f.TypeSAV != codes.TypeSAVExpertise && f.RelatedTicket != "":
		return "relatedTroubleTicketKeyList", codes.ReturnCodeUnexpected, "only an EXPERTISE references another ticket"
	}
	if f.Rdv != nil {
		return checkAppointment(f.Rdv, false)
	}
	return "", 0, ""
}

// checkClosure checks the payload of a CASE SOLVED NOTIFICATION.
func checkClosure(c *Closure) (string, codes.ReturnCode, string) {
	if c == nil {
		return "cloture", codes.ReturnCodeMissing, "a closure carries its code and responsibility"
	}
	if c.Code == "" {
		return "CodeCloture", codes.ReturnCodeMissing, ""
	}
	if _, err := codes.ParseClosureCode(string(c.Code)); err != nil || string(c.Code) != strings.ToUpper(string(c.Code)) {
		code := codes.ReturnCodeBadFormat
		if c.Code.Family() != "" {
			code = codes.ReturnCodeNotInList
		}
		return "CodeCloture", code, "want RETxx, ABSxx, STTxx, ERRxx or EXCxx"
	}
	switch {
	case c.Annulation:
		return "cloture", codes.ReturnCodeUnexpected, "a CASE SOLVED NOTIFICATION is not a cancellation"
	case c.Responsabilite == "":
		return "Responsabilite", codes.ReturnCodeMissing, "the responsibility is always given"
	case !c.Responsabilite.Valid():
		return "Responsabilite", codes.ReturnCodeNotInList, ""
	case c.Code.Restored() && c.Localisation == "":
		return "LocalisationDefaut", codes.ReturnCodeMissing, "a RETxx closure gives the localisation"
	case c.Code.Restored() && !c.Localisation.Valid():
		return "LocalisationDefaut", codes.ReturnCodeNotInList, ""
	case !c.Code.Restored() && c.Localisation != "":
		return "LocalisationDefaut", codes.ReturnCodeUnexpected, "only a RETxx closure gives a localisation"
	}
	return "", 0, ""
}
