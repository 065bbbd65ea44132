package v2

import (
	"errors"
	"fmt"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// ErrMapping classifies the errors of the mapping between JSR-91 values and
// package ticket: a value that has no meaning for a ticket (an unknown
// trouble state or transaction, a transaction a set cannot carry).
var ErrMapping = errors.New("v2: value does not map to a ticket")

func mappingError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMapping}, args...)...)
}

// incidentTime is the dateTime of the incident date: midnight in the
// profile's zone (Europe/Paris), written with its offset.
func incidentTime(d ticket.Date, loc *time.Location) time.Time { return d.In(loc) }

func someString(s string) Field[string] {
	if s == "" {
		return Field[string]{}
	}
	return Some(s)
}

func someTime(t time.Time) Field[time.Time] {
	if t.IsZero() {
		return Field[time.Time]{}
	}
	return Some(t)
}

func someCode[T ~string](v T) Field[T] {
	if v == "" {
		return Field[T]{}
	}
	return Some(v)
}

func clientOf(c *ticket.Customer) Field[Customer] {
	if c == nil {
		return Field[Customer]{}
	}
	return Some(Customer{Nom: c.Nom, Prenom: c.Prenom, Contact1: c.Contact1, Contact2: c.Contact2})
}

func rdvOf(a *ticket.Appointment) Field[Rdv] {
	if a == nil {
		return Field[Rdv]{}
	}
	r := Rdv{IDRdv: a.IdRdv}
	for _, s := range a.Creneaux {
		r.Creneaux = append(r.Creneaux, Creneau{Debut: s.Debut, Fin: s.Fin})
	}
	return Some(r)
}

func (c Customer) customer() *ticket.Customer {
	return &ticket.Customer{Nom: c.Nom, Prenom: c.Prenom, Contact1: c.Contact1, Contact2: c.Contact2}
}

func (r Rdv) appointment() *ticket.Appointment {
	a := &ticket.Appointment{IdRdv: r.IDRdv}
	for _, c := range r.Creneaux {
		a.Creneaux = append(a.Creneaux, ticket.Slot{Debut: c.Debut, Fin: c.Fin})
	}
	return a
}

// ValueFromFiling returns the value of a create request carrying the deposit
// f (V2.md, "Mapping"): the OC reference, the incident date (midnight
// Europe/Paris), the description, the contested ticket of an EXPERTISE and
// the sav: elements. An empty TypeSAV is written SIGNALISATION.
func ValueFromFiling(f *ticket.Filing, p *Profile) TroubleTicketValue {
	p = p.orDefault()
	v := TroubleTicketValue{
		CustomerTroubleNum: someString(f.ReferenceSigSAVRaccoOC),
		TroubleDescription: someString(f.Commentaire),
	}
	if !f.DateIncident.IsZero() {
		v.TroubleDetectionTime = Some(incidentTime(f.DateIncident, p.Location))
	}
	if f.RelatedTicket != "" {
		v.RelatedTroubleTicketKeys = Some([]Field[TroubleTicketKey]{Some(p.Key(f.RelatedTicket))})
	}
	typ := f.TypeSAV
	if typ == "" {
		typ = codes.TypeSAVSignalisation
	}
	v.SAV = &SAVExtension{
		TypeSAV:      Some(typ),
		CodeOC:       someString(f.CodeOC),
		CodeOI:       someString(f.CodeOI),
		CommercialID: someString(f.ReferencePrestationPrise),
		TechnicalID:  someString(f.ReferencePrise),
		NatureDefaut: someCode(f.NatureDefaut),
		PrelocDefaut: someCode(f.PrelocDefaut),
		Client:       clientOf(f.Client),
		Rdv:          rdvOf(f.Rdv),
	}
	return v
}

// NewCreateRequest returns the createTroubleTicketByValueRequest of the
// deposit f.
func NewCreateRequest(f *ticket.Filing, p *Profile) *CreateTroubleTicketByValueRequest {
	return &CreateTroubleTicketByValueRequest{Value: ValueFromFiling(f, p)}
}

// Filing returns the deposit v carries (the reverse of [ValueFromFiling]).
// It does not validate: see [Validate].
func (v *TroubleTicketValue) Filing(p *Profile) ticket.Filing {
	p = p.orDefault()
	f := ticket.Filing{
		ReferenceSigSAVRaccoOC: v.CustomerTroubleNum.Or(""),
		Commentaire:            v.TroubleDescription.Or(""),
	}
	if t, ok := v.TroubleDetectionTime.Get(); ok {
		f.DateIncident = ticket.DateOf(t.In(p.Location))
	}
	if keys, ok := v.RelatedTroubleTicketKeys.Get(); ok {
		for _, k := range Values(keys) {
			f.RelatedTicket = k.PrimaryKey
			break
		}
	}
	if s := v.SAV; s != nil {
		f.TypeSAV = s.TypeSAV.Or("")
		f.CodeOC = s.CodeOC.Or("")
		f.CodeOI = s.CodeOI.Or("")
		f.ReferencePrestationPrise = s.CommercialID.Or("")
		f.ReferencePrise = s.TechnicalID.Or("")
		f.NatureDefaut = s.NatureDefaut.Or("")
		f.PrelocDefaut = s.PrelocDefaut.Or("")
		if c, ok := s.Client.Get(); ok {
			f.Client = c.customer()
		}
		if r, ok := s.Rdv.Get(); ok {
			f.Rdv = r.appointment()
		}
	}
	return f
}

// statusTime returns the time the ticket entered its current state: the
// closure date when closed, else the time of the last transaction that
// changed the state.
func statusTime(t *ticket.Ticket) time.Time {
	if t.State == ticket.StateClosed && t.Cloture != nil && !t.Cloture.Date.IsZero() {
		return t.Cloture.Date
	}
	for i := len(t.History) - 1; i >= 0; i-- {
		prev := ticket.StateNone
		if i > 0 {
			prev = t.History[i-1].State
		}
		if t.History[i].State != prev {
			return t.History[i].At
		}
	}
	return time.Time{}
}

// ValueFromTicket returns the whole ticket as a get or search response
// carries it (V2.md, "Mapping"): version, key, state (a CancelRequested
// ticket is OPENACTIVE with cancelRequestedByCustomer), times, the deposit
// and what the OI said (resolution sub-state, intervention, closure). The
// history is not carried.
func ValueFromTicket(t *ticket.Ticket, p *Profile) TroubleTicketValue {
	p = p.orDefault()
	v := ValueFromFiling(&t.Filing, p)
	if t.TypeSAV == "" {
		v.SAV.TypeSAV = Some(codes.TypeSAVSignalisation)
	}
	if ts := t.State.TroubleState(); ts != "" {
		v.LastUpdateVersionNumber = Some(int64(t.Version))
		v.TroubleState = Some(TroubleState(ts))
		v.CancelRequestedByCustomer = Some(t.State == ticket.StateCancelRequested ||
			(t.Cloture != nil && t.Cloture.Annulation))
	}
	if t.ReferenceSigSAVOI != "" {
		v.TroubleTicketKey = Some(p.Key(t.ReferenceSigSAVOI))
	}
	v.LastUpdateTime = someTime(t.UpdatedAt)
	v.ReceivedTime = someTime(t.DatePriseEnCompte)
	v.TroubleStatusTime = someTime(statusTime(t))
	v.SAV.EtatResolution = someCode(t.EtatResolution)
	if in := t.Intervention; in != nil {
		v.SAV.Intervention = Some(Intervention{Date: in.Date, Type: in.Type})
	}
	if c := t.Cloture; c != nil {
		v.CloseOutNarr = someString(c.Commentaire)
		if c.Code.Restored() {
			v.RestoredTime = someTime(c.Date)
		}
		if c.Code != "" || c.Responsabilite != "" || c.Localisation != "" || c.Description != "" {
			v.SAV.Cloture = Some(Cloture{Code: c.Code, Responsabilite: c.Responsabilite,
				Localisation: c.Localisation, Description: c.Description})
		}
	}
	return v
}

// Ticket returns the ticket a get or search response describes (the reverse
// of [ValueFromTicket], without history). A trouble state other than QUEUED,
// OPENACTIVE and CLOSED is an error wrapping [ErrMapping].
func (v *TroubleTicketValue) Ticket(p *Profile) (*ticket.Ticket, error) {
	p = p.orDefault()
	t := &ticket.Ticket{Filing: v.Filing(p)}
	if k, ok := v.TroubleTicketKey.Get(); ok {
		t.ReferenceSigSAVOI = k.PrimaryKey
	}
	t.Version = int(v.LastUpdateVersionNumber.Or(0))
	cancel := v.CancelRequestedByCustomer.Or(false)
	switch st, _ := v.TroubleState.Get(); st {
	case TroubleStateQueued:
		t.State = ticket.StateQueued
	case TroubleStateOpenActive:
		t.State = ticket.StateOpenActive
		if cancel {
			t.State = ticket.StateCancelRequested
		}
	case TroubleStateClosed:
		t.State = ticket.StateClosed
	case "":
		t.State = ticket.StateNone
	default:
		return nil, mappingError("trouble state %q", string(st))
	}
	t.UpdatedAt = v.LastUpdateTime.Or(time.Time{})
	t.DatePriseEnCompte = v.ReceivedTime.Or(time.Time{})
	if s := v.SAV; s != nil {
		t.EtatResolution = s.EtatResolution.Or("")
		if in, ok := s.Intervention.Get(); ok {
			t.Intervention = &ticket.Intervention{Date: in.Date, Type: in.Type}
		}
		if c, ok := s.Cloture.Get(); ok {
			t.Cloture = &ticket.Closure{Code: c.Code, Responsabilite: c.Responsabilite, Localisation: c.Localisation,
				Description: c.Description}
		}
	}
	if t.State == ticket.StateClosed {
		if t.Cloture == nil {
			t.Cloture = &ticket.Closure{Annulation: cancel}
		}
		t.Cloture.Commentaire = v.CloseOutNarr.Or("")
		t.Cloture.Date = v.TroubleStatusTime.Or(v.RestoredTime.Or(time.Time{}))
	} else if n, ok := v.CloseOutNarr.Get(); ok && n != "" {
		t.Cloture = &ticket.Closure{Commentaire: n}
	}
	return t, nil
}

// setKinds are the transactions a setTroubleTicketByValueRequest carries.
func setKind(k ticket.Kind) bool {
	switch k {
	case ticket.KindCaseSolving, ticket.KindSUInformation, ticket.KindCOInformation, ticket.KindCancel,
		ticket.KindCancelRequest, ticket.KindCaseSolved:
		return true
	}
	return false
}

// NewSetRequest returns the setTroubleTicketByValueRequest that carries
// transaction tx on the ticket whose OI id is key, between the operators
// codeOC and codeOI (V2.md, "Mapping"): sav:transaction is tx.Kind's name,
// co:lastUpdateVersionNumber the version the sender saw, tt:lastUpdateTime
// the transaction's time, and the payload goes where the mapping says (a
// CASE SOLVING NOTIFICATION sets troubleState OPENACTIVE, a CASE SOLVED
// NOTIFICATION troubleState CLOSED with its closure, the cancellations
// cancelRequestedByCustomer). Create, AR OK and AR KO are not sets: they are
// an error wrapping [ErrMapping].
func NewSetRequest(key, codeOC, codeOI string, tx *ticket.Transaction, p *Profile) (*SetTroubleTicketByValueRequest, error) {
	p = p.orDefault()
	if !setKind(tx.Kind) {
		return nil, mappingError("%v is not carried by setTroubleTicketByValue", tx.Kind)
	}
	v := TroubleTicketValue{
		LastUpdateVersionNumber: Some(int64(tx.Version)),
		TroubleTicketKey:        Some(p.Key(key)),
		LastUpdateTime:          someTime(tx.At),
	}
	s := &SAVExtension{
		Transaction:    Some(tx.Kind.String()),
		CodeOC:         someString(codeOC),
		CodeOI:         someString(codeOI),
		EtatResolution: someCode(tx.EtatResolution),
		Client:         clientOf(tx.Client),
		Rdv:            rdvOf(tx.Rdv),
	}
	v.SAV = s
	if m := tx.Message; m != nil {
		s.Message = Some(InfoMessage{Type: m.Type, Texte: m.Texte, Date: m.Date})
	}
	if in := tx.Intervention; in != nil {
		s.Intervention = Some(Intervention{Date: in.Date, Type: in.Type})
	}
	switch tx.Kind {
	case ticket.KindCaseSolving:
		v.TroubleState = Some(TroubleStateOpenActive)
		v.TroubleStatusTime = someTime(tx.At)
	case ticket.KindCancel, ticket.KindCancelRequest:
		v.CancelRequestedByCustomer = Some(true)
	case ticket.KindCaseSolved:
		v.TroubleState = Some(TroubleStateClosed)
		if c := tx.Cloture; c != nil {
			at := c.Date
			if at.IsZero() {
				at = tx.At
			}
			v.TroubleStatusTime = someTime(at)
			if c.Code.Restored() {
				v.RestoredTime = someTime(at)
			}
			v.CloseOutNarr = someString(c.Commentaire)
			s.Cloture = Some(Cloture{Code: c.Code, Responsabilite: c.Responsabilite, Localisation: c.Localisation,
				Description: c.Description})
		} else {
			v.TroubleStatusTime = someTime(tx.At)
		}
	}
	return &SetTroubleTicketByValueRequest{Value: v, ResyncRequired: tx.ResyncRequired}, nil
}

// Kind returns the transaction sav:transaction names, read as
// [ticket.ParseKind] does (any case, underscores for spaces).
func (s *SAVExtension) Kind() (ticket.Kind, error) {
	name, ok := s.Transaction.Get()
	if !ok {
		return 0, mappingError("no sav:transaction")
	}
	k, err := ticket.ParseKind(name)
	if err != nil {
		return 0, mappingError("sav:transaction %q", name)
	}
	return k, nil
}

// Transaction returns the OI ticket id and the transaction a set request
// carries (the reverse of [NewSetRequest]): the kind from sav:transaction,
// the sender the lifecycle gives that kind, the time from tt:lastUpdateTime
// (else tt:troubleStatusTime), the version and resync flag, and the payload.
// It does not validate the payload: see [Validate] and [ticket.Ticket.Apply].
func (r *SetTroubleTicketByValueRequest) Transaction(p *Profile) (key string, tx ticket.Transaction, err error) {
	v := &r.Value
	if k, ok := v.TroubleTicketKey.Get(); ok {
		key = k.PrimaryKey
	}
	if v.SAV == nil {
		return key, tx, mappingError("no sav: extension (sav:transaction)")
	}
	kind, err := v.SAV.Kind()
	if err != nil {
		return key, tx, err
	}
	if !setKind(kind) {
		return key, tx, mappingError("%v is not carried by setTroubleTicketByValue", kind)
	}
	tx = transactionOf(v, kind)
	tx.ResyncRequired = r.ResyncRequired
	return key, tx, nil
}

func transactionOf(v *TroubleTicketValue, kind ticket.Kind) ticket.Transaction {
	s := v.SAV
	tx := ticket.Transaction{
		Kind:           kind,
		Sender:         ticket.SenderOf(kind),
		At:             v.LastUpdateTime.Or(v.TroubleStatusTime.Or(time.Time{})),
		Version:        int(v.LastUpdateVersionNumber.Or(0)),
		EtatResolution: s.EtatResolution.Or(""),
	}
	if m, ok := s.Message.Get(); ok {
		tx.Message = &ticket.Message{Type: m.Type, Texte: m.Texte, Date: m.Date}
	}
	if in, ok := s.Intervention.Get(); ok {
		tx.Intervention = &ticket.Intervention{Date: in.Date, Type: in.Type}
	}
	if c, ok := s.Client.Get(); ok {
		tx.Client = c.customer()
	}
	if rdv, ok := s.Rdv.Get(); ok {
		tx.Rdv = rdv.appointment()
	}
	if kind == ticket.KindCaseSolved {
		if c, ok := s.Cloture.Get(); ok {
			tx.Cloture = &ticket.Closure{Code: c.Code, Responsabilite: c.Responsabilite, Localisation: c.Localisation,
				Description: c.Description, Commentaire: v.CloseOutNarr.Or(""),
				Date: v.TroubleStatusTime.Or(v.RestoredTime.Or(time.Time{}))}
		}
	}
	return tx
}

// NewGetRequest returns the getTroubleTicketByKeyRequest of the ticket whose
// OI id is key.
func NewGetRequest(key string, p *Profile) *GetTroubleTicketByKeyRequest {
	return &GetTroubleTicketByKeyRequest{Key: p.Key(key)}
}

// NewCreateResponse returns the AR OK of a create: the new ticket's key.
func NewCreateResponse(key string, p *Profile) *CreateTroubleTicketByValueResponse {
	return &CreateTroubleTicketByValueResponse{Key: p.Key(key)}
}

// NewQueryRequest returns the queryTroubleTicketsRequest of all open
// tickets, howMany per page (0: the profile's default, not written).
func NewQueryRequest(howMany int) *QueryTroubleTicketsRequest {
	q := &QueryTroubleTicketsRequest{Query: QueryAllOpenTroubleTickets}
	if howMany > 0 {
		q.HowMany = Some(uint32(howMany))
	}
	return q
}

// Unmapped returns the local names of the elements present (or nil) in v
// that the SAV mapping does not carry into package ticket — the JSR-91
// attributes protocol 2.0 does not use, and sav:message and sav:transaction
// of a value that is not a set — in schema order. Converters report them as
// what the target cannot carry.
func (v *TroubleTicketValue) Unmapped() []string {
	var out []string
	add := func(present bool, name string) {
		if present {
			out = append(out, name)
		}
	}
	set := func(p Presence) bool { return p != Absent }
	add(set(v.AccountOwner.Presence), "accountOwner")
	add(set(v.ActivityDurationList.Presence), "activityDurationList")
	add(set(v.AdditionalTroubleInfoList.Presence), "additionalTroubleInfoList")
	add(set(v.AfterHoursRepairAuthority.Presence), "afterHoursRepairAuthority")
	add(set(v.AuthorizationList.Presence), "authorizationList")
	add(set(v.ClearancePerson.Presence), "clearancePerson")
	add(set(v.CloseOutVerification.Presence), "closeOutVerification")
	add(set(v.CommitmentTime.Presence), "commitmentTime")
	add(set(v.CommitmentTimeRequested.Presence), "commitmentTimeRequested")
	add(set(v.Customer.Presence), "customer")
	add(set(v.CustomerRoleAssignments.Presence), "customerRoleAssignmentList")
	add(set(v.Dialog.Presence), "dialog")
	add(set(v.EscalationList.Presence), "escalationList")
	add(set(v.InitiatingMode.Presence), "initiatingMode")
	add(set(v.MaintServiceCharge.Presence), "maintServiceCharge")
	add(set(v.Originator.Presence), "originator")
	add(set(v.OutageDuration.Presence), "outageDuration")
	add(set(v.RelatedAlarmList.Presence), "relatedAlarmList")
	add(set(v.RepairActivityList.Presence), "repairActivityList")
	add(set(v.RepeatReport.Presence), "repeatReport")
	add(set(v.ServiceUnavailableBegin.Presence), "serviceUnavailableBeginTime")
	add(set(v.ServiceUnavailableEnd.Presence), "serviceUnavailableEndTime")
	add(set(v.SPRoleAssignments.Presence), "sPRoleAssignmentList")
	add(set(v.SuspectObjects.Presence), "suspectObjectList")
	add(set(v.TroubleFound.Presence), "troubleFound")
	add(set(v.TroubleLocation.Presence), "troubleLocation")
	add(set(v.TroubleNumList.Presence), "troubleNumList")
	add(set(v.TroubledObject.Presence), "troubledObject")
	add(set(v.TroubleType.Presence), "troubleType")
	add(set(v.TroubleStatus.Presence), "troubleStatus")
	add(set(v.PerceivedTroubleSeverity.Presence), "perceivedTroubleSeverity")
	add(set(v.PreferredPriority.Presence), "preferredPriority")
	add(set(v.TroubleLocationInfos.Presence), "troubleLocationInfoList")
	add(set(v.TroubledObjectAccessFrom.Presence), "troubledObjectAccessFromTime")
	add(set(v.TroubledObjectAccessHours.Presence), "troubledObjectAccessHoursList")
	add(set(v.TroubledObjectAccessTo.Presence), "troubledObjectAccessToTime")
	add(set(v.TroubleSystemDN.Presence), "troubleSystemDN")
	if keys, ok := v.RelatedTroubleTicketKeys.Get(); ok && len(Values(keys)) > 1 {
		out = append(out, "relatedTroubleTicketKeyList")
	}
	if s := v.SAV; s != nil && !s.Transaction.IsPresent() {
		add(set(s.Transaction.Presence), "transaction")
		add(set(s.Message.Presence), "message")
	}
	return out
}
