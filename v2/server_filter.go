package v2

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Search criteria a getTroubleTicketsByTemplate template may hold: the
// elements of TroubleTicketValue and SAVExtension (by Go field name) that
// map to a [Filter] field. Any other element in a template is refused with
// return code 4 rather than silently ignored.
var (
	templateTTFields  = []string{"TroubleTicketKey", "CustomerTroubleNum", "TroubleState", "CancelRequestedByCustomer"}
	templateSAVFields = []string{"TypeSAV", "CodeOC", "CodeOI", "CommercialID", "TechnicalID", "NatureDefaut",
		"PrelocDefaut", "EtatResolution"}
)

// errCriteria is a template criterion the search cannot honour.
type errCriteria struct {
	field  string
	reason string
}

func (e *errCriteria) Error() string {
	return "v2: " + codes.ReturnCodeSearchCriteria.Message("") + ": " + e.field + ": " + e.reason
}

// schemaName returns the element name of a Go field of the value types.
func schemaName(goName string) string {
	switch goName {
	case "CommercialID":
		return "commercialId"
	case "TechnicalID":
		return "technicalId"
	case "TroubleTicketKey":
		return "troubleTicketKey"
	}
	r := []rune(goName)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// unsupported returns the name of the first element present (or nil) in the
// struct v (a TroubleTicketValue or SAVExtension) that is not in allowed.
func unsupported(v reflect.Value, allowed []string) (string, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if v.Field(i).Kind() != reflect.Struct {
			continue
		}
		p := v.Field(i).FieldByName("Presence")
		if !p.IsValid() {
			continue
		}
		present := Presence(p.Uint()) != Absent
		if present && (!slices.Contains(allowed, f.Name) || Presence(p.Uint()) == Nil) {
			return schemaName(f.Name), true
		}
	}
	return "", false
}

// FilterFromTemplate returns the filter a getTroubleTicketsByTemplate
// template describes. An element that is not a supported criterion, or a
// criterion that cannot be honoured, is an error naming it (return code 4
// on a server).
func FilterFromTemplate(v *TroubleTicketValue) (*Filter, error) {
	if name, bad := unsupported(reflect.ValueOf(v).Elem(), templateTTFields); bad {
		return nil, &errCriteria{name, "not a search criterion"}
	}
	f := &Filter{}
	if k, ok := v.TroubleTicketKey.Get(); ok {
		if k.PrimaryKey == "" {
			return nil, &errCriteria{"primaryKey", "empty key"}
		}
		f.ReferenceSigSAVOI = k.PrimaryKey
	}
	f.ReferenceSigSAVRaccoOC = v.CustomerTroubleNum.Or("")
	cancel, hasCancel := v.CancelRequestedByCustomer.Get()
	switch st, _ := v.TroubleState.Get(); st {
	case "":
		if hasCancel {
			return nil, &errCriteria{"cancelRequestedByCustomer", "only with troubleState OPENACTIVE"}
		}
	case TroubleStateQueued:
		f.States = []ticket.State{ticket.StateQueued}
	case TroubleStateClosed:
		f.States = []ticket.State{ticket.StateClosed}
	case TroubleStateOpenActive:
		switch {
		case !hasCancel:
			f.States = []ticket.State{ticket.StateOpenActive, ticket.StateCancelRequested}
		case cancel:
			f.States = []ticket.State{ticket.StateCancelRequested}
		default:
			f.States = []ticket.State{ticket.StateOpenActive}
		}
	default:
		return nil, &errCriteria{"troubleState", "a ticket is QUEUED, OPENACTIVE or CLOSED"}
	}
	if hasCancel && v.TroubleState.Or("") != TroubleStateOpenActive {
		return nil, &errCriteria{"cancelRequestedByCustomer", "only with troubleState OPENACTIVE"}
	}
	if s := v.SAV; s != nil {
		if name, bad := unsupported(reflect.ValueOf(s).Elem(), templateSAVFields); bad {
			return nil, &errCriteria{name, "not a search criterion"}
		}
		f.TypeSAV = s.TypeSAV.Or("")
		f.CodeOC = s.CodeOC.Or("")
		f.CodeOI = s.CodeOI.Or("")
		f.ReferencePrestationPrise = s.CommercialID.Or("")
		f.ReferencePrise = s.TechnicalID.Or("")
		f.NatureDefaut = s.NatureDefaut.Or("")
		f.PrelocDefaut = s.PrelocDefaut.Or("")
		f.EtatResolution = s.EtatResolution.Or("")
	}
	return f, nil
}

// ErrFilter reports a [Filter] a search template cannot express.
var ErrFilter = errors.New("v2: filter cannot be expressed as a search template")

// TemplateFromFilter returns the getTroubleTicketsByTemplate template of f
// (the reverse of [FilterFromTemplate]). States must be empty, one state, or
// OPENACTIVE and CANCELREQUESTED together (use a query for all open
// tickets); other sets are an error wrapping [ErrFilter].
func TemplateFromFilter(f *Filter, p *Profile) (TroubleTicketValue, error) {
	p = p.orDefault()
	var v TroubleTicketValue
	if f.ReferenceSigSAVOI != "" {
		v.TroubleTicketKey = Some(p.Key(f.ReferenceSigSAVOI))
	}
	v.CustomerTroubleNum = someString(f.ReferenceSigSAVRaccoOC)
	states := slices.Clone(f.States)
	slices.Sort(states)
	states = slices.Compact(states)
	switch {
	case len(states) == 0:
	case slices.Equal(states, []ticket.State{ticket.StateOpenActive, ticket.StateCancelRequested}):
		v.TroubleState = Some(TroubleStateOpenActive)
	case len(states) == 1:
		switch states[0] {
		case ticket.StateQueued:
			v.TroubleState = Some(TroubleStateQueued)
		case ticket.StateOpenActive:
			v.TroubleState = Some(TroubleStateOpenActive)
			v.CancelRequestedByCustomer = Some(false)
		case ticket.StateCancelRequested:
			v.TroubleState = Some(TroubleStateOpenActive)
			v.CancelRequestedByCustomer = Some(true)
		case ticket.StateClosed:
			v.TroubleState = Some(TroubleStateClosed)
		default:
			return v, fmt.Errorf("%w: state %v is not visible in protocol 2.0", ErrFilter, states[0])
		}
	default:
		var names []string
		for _, s := range states {
			names = append(names, s.String())
		}
		return v, fmt.Errorf("%w: states %s (use a query for all open tickets)", ErrFilter, strings.Join(names, ", "))
	}
	s := &SAVExtension{
		TypeSAV:        someCode(f.TypeSAV),
		CodeOC:         someString(f.CodeOC),
		CodeOI:         someString(f.CodeOI),
		CommercialID:   someString(f.ReferencePrestationPrise),
		TechnicalID:    someString(f.ReferencePrise),
		NatureDefaut:   someCode(f.NatureDefaut),
		PrelocDefaut:   someCode(f.PrelocDefaut),
		EtatResolution: someCode(f.EtatResolution),
	}
	if f.TypeSAV != "" || f.CodeOC != "" || f.CodeOI != "" || f.ReferencePrestationPrise != "" ||
		f.ReferencePrise != "" || f.NatureDefaut != "" || f.PrelocDefaut != "" || f.EtatResolution != "" {
		v.SAV = s
	}
	return v, nil
}
