package v2

import "reflect"

// Update applies the setByValue semantics of JSR-91 (V2.md) to v: every
// attribute present in set replaces v's, every attribute set to xsi:nil is
// cleared (absent in v), absent ones are left as they are. The key, the
// version (co:lastUpdateVersionNumber is the version the sender saw, not a
// new value) and sav:transaction (the name of the set, not an attribute) are
// not attributes to update. The SAV extension is updated the same way,
// created when v has none.
func (v *TroubleTicketValue) Update(set *TroubleTicketValue) {
	key, version := v.TroubleTicketKey, v.LastUpdateVersionNumber
	updateFields(reflect.ValueOf(v).Elem(), reflect.ValueOf(set).Elem())
	v.TroubleTicketKey, v.LastUpdateVersionNumber = key, version
	if set.SAV != nil {
		if v.SAV == nil {
			v.SAV = &SAVExtension{}
		}
		tx := v.SAV.Transaction
		updateFields(reflect.ValueOf(v.SAV).Elem(), reflect.ValueOf(set.SAV).Elem())
		v.SAV.Transaction = tx
	}
}

var presenceType = reflect.TypeFor[Presence]()

// updateFields merges the Field[T] members of two structs of the same type.
func updateFields(dst, src reflect.Value) {
	for i := range dst.NumField() {
		d, s := dst.Field(i), src.Field(i)
		if d.Kind() != reflect.Struct {
			continue
		}
		p := s.FieldByName("Presence")
		if !p.IsValid() || p.Type() != presenceType {
			continue
		}
		switch Presence(p.Uint()) {
		case Present:
			d.Set(s)
		case Nil:
			d.Set(reflect.Zero(d.Type()))
		}
	}
}
