package v2

import (
	"slices"
	"strings"
)

// Presence is the state of an optional JSR-91 element in a document, which
// setByValue semantics depend on: an absent element leaves the attribute
// untouched, an element with xsi:nil="true" clears it, any other element sets
// it (V2.md, "setByValue semantics").
type Presence uint8

// Presences.
const (
	Absent  Presence = iota // the element is not in the document
	Nil                     // the element is there with xsi:nil="true"
	Present                 // the element is there with a value
)

func (p Presence) String() string {
	switch p {
	case Absent:
		return "absent"
	case Nil:
		return "nil"
	case Present:
		return "present"
	}
	return "Presence(" + itoa(int(p)) + ")"
}

// Field is an optional element of type T with its [Presence]. Value is
// meaningful only when Presence is [Present]. The zero Field is absent. A
// present array with no item is written as xsi:nil, since the schema's
// arrays hold at least one item.
type Field[T any] struct {
	Presence Presence
	Value    T
}

// Some returns a present field holding v.
func Some[T any](v T) Field[T] { return Field[T]{Presence: Present, Value: v} }

// Null returns a field written as xsi:nil="true": a cleared attribute. Only
// elements the schema declares nillable can be nil; the encoder refuses the
// others.
func Null[T any]() Field[T] { return Field[T]{Presence: Nil} }

// IsPresent reports whether the field holds a value.
func (f Field[T]) IsPresent() bool { return f.Presence == Present }

// IsNil reports whether the field is an explicit xsi:nil.
func (f Field[T]) IsNil() bool { return f.Presence == Nil }

// IsAbsent reports whether the field is not in the document.
func (f Field[T]) IsAbsent() bool { return f.Presence == Absent }

// Get returns the value and whether the field is present.
func (f Field[T]) Get() (T, bool) { return f.Value, f.Presence == Present }

// Or returns the value when present, else def.
func (f Field[T]) Or(def T) T {
	if f.Presence == Present {
		return f.Value
	}
	return def
}

// Strings returns an array of present string items, the form of
// co:ArrayOfString and the attrNames of the requests.
func Strings(s ...string) []Field[string] {
	items := make([]Field[string], len(s))
	for i, v := range s {
		items[i] = Some(v)
	}
	return items
}

// Values returns the values of the present items of an array, skipping nil
// items.
func Values[T any](items []Field[T]) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		if it.Presence == Present {
			out = append(out, it.Value)
		}
	}
	return out
}

// enumeration is the list of literals of a schema simple type.
type enumeration struct {
	name   string
	values []string
}

func newEnumeration(name string, values ...string) *enumeration {
	return &enumeration{name: name, values: values}
}

func (e *enumeration) has(v string) bool { return slices.Contains(e.values, v) }

// trimEnum is how enumeration values are read: surrounding white space is
// dropped (the schema itself spells some literals with a trailing space).
func trimEnum(s string) string { return strings.TrimSpace(s) }
