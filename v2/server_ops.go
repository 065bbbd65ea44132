package v2

import (
	"context"
	"errors"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Introspection answers (V2.md, "Introspection"): fully qualified schema
// names with the profile's prefixes.
const (
	EntityTypeTroubleTicket    = "tt:TroubleTicketValue"
	EntityTypeSAVTroubleTicket = "sav:SAVTroubleTicketValue"
	QueryTypeAllOpen           = "tt:QueryAllOpenTroubleTicketsValue"
)

// dispatch runs the operation of a request already identified.
func (x *exchange) dispatch(ctx context.Context) (Message, *rpcError) {
	switch m := x.msg.(type) {
	case *CreateTroubleTicketByValueRequest:
		return x.create(ctx, m)
	case *SetTroubleTicketByValueRequest:
		return x.set(ctx, m)
	case *GetTroubleTicketByKeyRequest:
		return x.get(ctx, m)
	case *GetTroubleTicketsByTemplateRequest:
		f, err := FilterFromTemplate(&m.Template)
		if err != nil {
			return nil, x.classify(err)
		}
		values, end, rerr := x.results(ctx, m.HowMany, f)
		if rerr != nil {
			return nil, rerr
		}
		return &GetTroubleTicketsByTemplateResponse{Sequence: int32(x.page), EndOfReply: end, Values: values}, nil
	case *QueryTroubleTicketsRequest:
		if m.Query.Type != QueryAllOpenTroubleTickets.Type {
			return nil, refuse(codes.ReturnCodeNotInList, "query", "the only query served is "+QueryTypeAllOpen)
		}
		values, end, rerr := x.results(ctx, m.HowMany, &Filter{States: OpenStates})
		if rerr != nil {
			return nil, rerr
		}
		return &QueryTroubleTicketsResponse{Sequence: int32(x.page), EndOfReply: end, Values: values}, nil
	case *GetManagedEntityTypesRequest:
		return &GetManagedEntityTypesResponse{Types: []string{EntityTypeTroubleTicket, EntityTypeSAVTroubleTicket}}, nil
	case *GetQueryTypesRequest:
		types := []string{}
		if x.s.role == codes.RoleOI {
			types = append(types, QueryTypeAllOpen)
		}
		return &GetQueryTypesResponse{Types: types}, nil
	case *GetEventTypesRequest:
		return &GetEventTypesResponse{Types: []string{}}, nil
	case *GetSupportedOptionalOperationsRequest:
		var ops []string
		for _, o := range x.s.Operations() {
			if !o.Introspection() {
				ops = append(ops, o.String())
			}
		}
		return &GetSupportedOptionalOperationsResponse{Operations: ops}, nil
	}
	return nil, refuse(codes.ReturnCodeNoSuchService, x.op.String(), "")
}

// codes returns the operator codes of the tickets the caller may see: on
// the OI's server the caller is their OC, on the OC's their OI.
func (x *exchange) codes() (codeOC, codeOI string) {
	if x.s.role == codes.RoleOI {
		return x.caller, x.s.opts.Code
	}
	return x.s.opts.Code, x.caller
}

// owns reports whether t is visible to the caller: its ticket with this
// operator. Any other ticket behaves as if it did not exist.
func (x *exchange) owns(t *ticket.Ticket) bool {
	oc, oi := x.codes()
	return t.CodeOC == oc && t.CodeOI == oi
}

// transition classifies a refusal of the lifecycle, naming v2 elements.
func (x *exchange) transition(err error, key string) *rpcError {
	e := x.classify(err)
	if e.field != "" {
		e.field, _ = elementOf(e.field)
	}
	if e.code == codes.ReturnCodeDesync {
		e.key = key
	}
	return e
}

func (x *exchange) create(ctx context.Context, m *CreateTroubleTicketByValueRequest) (Message, *rpcError) {
	s := x.s
	v := &m.Value
	codeOC, codeOI := x.codes()
	if v.SAV != nil {
		// Filing for another operator is refused before anything else is
		// looked at.
		if oc, ok := v.SAV.CodeOC.Get(); ok && oc != codeOC {
			return nil, refuse(codes.ReturnCodeAccessDenied, "codeOC", "a ticket is filed by the authenticated OC")
		}
		if oi, ok := v.SAV.CodeOI.Get(); ok && oi != codeOI {
			return nil, refuse(codes.ReturnCodeAccessDenied, "codeOI", "this service files tickets for "+codeOI)
		}
	}
	if fs := Validate(m, s.p); len(fs) > 0 {
		return nil, refusalOf(fs[0])
	}
	f := v.Filing(s.p)
	if f.TypeSAV == codes.TypeSAVExpertise && f.RelatedTicket != "" {
		rel, err := s.sys.Ticket(ctx, codeOI, f.RelatedTicket)
		switch {
		case errors.Is(err, ErrNotFound) || (err == nil && !x.owns(rel)):
			return nil, refuse(codes.ReturnCodeUnknown, "relatedTroubleTicketKeyList", "")
		case err != nil:
			return nil, x.classify(err)
		case rel.State != ticket.StateClosed:
			return nil, refuse(codes.ReturnCodeUnexpected, "relatedTroubleTicketKeyList",
				"an EXPERTISE contests a closed ticket")
		}
	}
	t := &ticket.Ticket{}
	if err := t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: s.opts.Now(), Filing: &f}); err != nil {
		return nil, x.transition(err, "")
	}
	created, err := s.sys.Create(ctx, t)
	if err != nil {
		return nil, x.classify(err)
	}
	if created == nil || created.ReferenceSigSAVOI == "" || created.State != ticket.StateQueued {
		return nil, x.internal(errors.New("v2: TicketSystem.Create returned a ticket that is not QUEUED with an id"))
	}
	return NewCreateResponse(created.ReferenceSigSAVOI, s.p), nil
}

// refusalOf turns a validation finding into a refusal.
func refusalOf(f Finding) *rpcError {
	return &rpcError{code: f.Code, field: f.Field, reason: f.Reason}
}

// setStructure are the fields of a set's findings checked before the
// lifecycle: without them there is no ticket or transaction to check.
var setStructure = []string{"troubleTicketKey", "primaryKey", "transaction", "codeOC", "codeOI",
	"lastUpdateVersionNumber"}

func (x *exchange) set(ctx context.Context, m *SetTroubleTicketByValueRequest) (Message, *rpcError) {
	s := x.s
	v := &m.Value
	var payload []Finding
	for _, f := range Validate(m, s.p) {
		if slices.Contains(setStructure, f.Field) {
			return nil, refusalOf(f)
		}
		payload = append(payload, f)
	}
	key, tx, err := x.transaction(m)
	if err != nil {
		return nil, refuse(codes.ReturnCodeUnexpected, "transaction", detail(err))
	}
	codeOC, codeOI := x.codes()
	for _, c := range []struct {
		name, got, want string
	}{{"codeOC", v.SAV.CodeOC.Value, codeOC}, {"codeOI", v.SAV.CodeOI.Value, codeOI}} {
		if c.got != c.want {
			return nil, refuse(codes.ReturnCodeAccessDenied, c.name, "the ticket's operators are the caller and "+s.opts.Code)
		}
	}
	// The sender is who is calling, not who the transaction says.
	tx.Sender = s.role.Other()
	if tx.At.IsZero() {
		tx.At = s.opts.Now()
	}
	// A set naming the OC's reference too must be about that ticket: an OI
	// that gave one id twice (a restart that lost its sequence) is refused,
	// never applied to the other ticket.
	ocRef, named := v.CustomerTroubleNum.Get()
	_, err = s.store.Update(ctx, codeOI, key, func(t *ticket.Ticket) error {
		if !x.owns(t) {
			return ErrNotFound
		}
		if named && ocRef != t.ReferenceSigSAVRaccoOC {
			return &rpcError{code: codes.ReturnCodeUnexpected, field: "customerTroubleNum",
				reason: "ticket " + key + " is not the ticket " + ocRef + " of the request"}
		}
		// The lifecycle decides first: sender (11), version (6), state
		// (13); then the payload findings, then its own payload rules.
		err := t.Apply(tx)
		if err != nil && !errors.Is(err, ticket.ErrPayload) {
			return err
		}
		if len(payload) > 0 {
			return refusalOf(payload[0])
		}
		return err
	})
	if err != nil {
		return nil, x.transition(err, key)
	}
	return &SetTroubleTicketByValueResponse{}, nil
}

func (x *exchange) get(ctx context.Context, m *GetTroubleTicketByKeyRequest) (Message, *rpcError) {
	s := x.s
	key := m.Key.PrimaryKey
	if key == "" {
		return nil, refuse(codes.ReturnCodeMissing, "primaryKey", "")
	}
	_, codeOI := x.codes()
	t, err := s.store.Ticket(ctx, codeOI, key)
	if err == nil && !x.owns(t) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, x.classify(err)
	}
	v := ValueFromTicket(t, s.p)
	project(&v, m.AttrNames)
	return &GetTroubleTicketByKeyResponse{Value: v}, nil
}

// page_ runs one page of a search or query restricted to the caller's
// tickets.
func (x *exchange) results(ctx context.Context, howMany Field[uint32], f *Filter) (Field[[]Field[TroubleTicketValue]], bool, *rpcError) {
	var none Field[[]Field[TroubleTicketValue]]
	size, ok := x.s.p.PageSize(howMany)
	if !ok {
		return none, false, refuse(codes.ReturnCodeSearchCriteria, "howMany",
			"at most "+itoa(x.s.p.MaxHowMany)+" per page")
	}
	if x.page > math.MaxInt32/size {
		return none, false, refuse(codes.ReturnCodeSearchCriteria, "sequence", "page index out of range")
	}
	codeOC, codeOI := x.codes()
	if (f.CodeOC != "" && f.CodeOC != codeOC) || (f.CodeOI != "" && f.CodeOI != codeOI) {
		// Another operator's tickets do not exist for the caller.
		return Some([]Field[TroubleTicketValue]{}), true, nil
	}
	f.CodeOC, f.CodeOI = codeOC, codeOI
	tickets, more, err := x.s.sys.Search(ctx, f, x.page*size, size)
	if err != nil {
		return none, false, x.classify(err)
	}
	items := make([]Field[TroubleTicketValue], 0, len(tickets))
	for _, t := range tickets {
		if !x.owns(t) || !f.Match(t) {
			return none, false, x.internal(errors.New("v2: TicketSystem.Search returned a ticket outside the filter"))
		}
		items = append(items, Some(ValueFromTicket(t, x.s.p)))
	}
	return Some(items), !more, nil
}

// project keeps in v only the attributes attrNames lists (by element name,
// with or without a prefix), plus the key and the version; an absent or
// empty list keeps everything (JSR-91: "all possible attributes").
func project(v *TroubleTicketValue, attrNames Field[[]Field[string]]) {
	names := Values(attrNames.Or(nil))
	if len(names) == 0 {
		return
	}
	keep := map[string]bool{"troubleTicketKey": true, "lastUpdateVersionNumber": true}
	for _, n := range names {
		if _, local, ok := strings.Cut(n, ":"); ok {
			n = local
		}
		keep[strings.TrimSpace(n)] = true
	}
	clear := func(rv reflect.Value) {
		t := rv.Type()
		for i := range t.NumField() {
			if rv.Field(i).Kind() != reflect.Struct || !rv.Field(i).FieldByName("Presence").IsValid() {
				continue
			}
			if !keep[schemaName(t.Field(i).Name)] {
				rv.Field(i).Set(reflect.Zero(t.Field(i).Type))
			}
		}
	}
	clear(reflect.ValueOf(v).Elem())
	if v.SAV != nil {
		clear(reflect.ValueOf(v.SAV).Elem())
	}
}

// serveSchema answers GET ?wsdl and ?xsd=NAME.
func (s *Server) serveSchema(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var name string
	switch {
	case q.Has("wsdl") || q.Has("WSDL"):
		name = WSDLOI
		if s.role == codes.RoleOC {
			name = WSDLOC
		}
	case q.Get("xsd") != "":
		name = q.Get("xsd")
		if !strings.HasSuffix(name, ".xsd") || !slices.Contains(SchemaNames(), name) {
			http.Error(w, "no such schema: "+name, http.StatusNotFound)
			return
		}
	default:
		http.Error(w, "this is a SOAP 1.1 endpoint: POST requests, GET ?wsdl for its description",
			http.StatusMethodNotAllowed)
		return
	}
	b, err := SchemaFile(name, s.publicURL(r), s.p)
	if err != nil {
		http.Error(w, "no such schema: "+name, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// publicURL is the endpoint's URL as partners reach it.
func (s *Server) publicURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path
}
