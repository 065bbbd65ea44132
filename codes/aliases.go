package codes

import (
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns the comparison key of a spelling: lower case, French accents
// removed (é → e, œ → oe), '-', '_' and runs of white space turned into one
// space, surrounding spaces trimmed. Two spellings that fold to the same key
// are the same value for lenient parsing.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == '-' || r == '_' || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteRune(r)
			continue
		}
		b.WriteString(foldRune(unicode.ToLower(r)))
	}
	return b.String()
}

func foldRune(r rune) string {
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã', 'å':
		return "a"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'î', 'ï', 'í', 'ì':
		return "i"
	case 'ô', 'ö', 'ó', 'ò', 'õ':
		return "o"
	case 'ù', 'û', 'ü', 'ú':
		return "u"
	case 'ÿ':
		return "y"
	case 'ç':
		return "c"
	case 'ñ':
		return "n"
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	case '\u00a0', '\u202f':
		return " "
	}
	return string(r)
}

// Aliases is a table of the spellings partners send for the values of one
// code type, compared through [Fold]. Each type's default table holds its
// canonical values, its labels and the aliases listed in the package
// documentation; get a private copy with the type's DefaultXxxAliases
// function, add or remove spellings, and hand it to the decoder that should
// use it. A table is not safe for concurrent modification; reading it from
// several goroutines is safe.
type Aliases[T ~string] struct {
	field string
	m     map[string]T
}

func newAliases[T ~string](field string, values []T, label func(T) string, extra map[string]T) *Aliases[T] {
	a := &Aliases[T]{field: field, m: make(map[string]T, 3*len(values)+len(extra))}
	for _, v := range values {
		a.Set(string(v), v)
		a.Set(label(v), v)
	}
	for s, v := range extra {
		a.Set(s, v)
	}
	return a
}

// Field is the protocol name of the values this table parses, used in errors.
func (a *Aliases[T]) Field() string { return a.field }

// Set makes spelling read as v.
func (a *Aliases[T]) Set(spelling string, v T) { a.m[Fold(spelling)] = v }

// Delete removes spelling from the table.
func (a *Aliases[T]) Delete(spelling string) { delete(a.m, Fold(spelling)) }

// Lookup returns the value spelling stands for.
func (a *Aliases[T]) Lookup(spelling string) (T, bool) {
	v, ok := a.m[Fold(spelling)]
	return v, ok
}

// Parse returns the canonical value of s. An empty s is a [ValueError] with
// code 1, an unknown spelling one with code 2.
func (a *Aliases[T]) Parse(s string) (T, error) {
	if strings.TrimSpace(s) == "" {
		return "", missing(a.field)
	}
	if v, ok := a.Lookup(s); ok {
		return v, nil
	}
	return "", notInList(a.field, s)
}

// Clone returns an independent copy of the table.
func (a *Aliases[T]) Clone() *Aliases[T] {
	return &Aliases[T]{field: a.field, m: maps.Clone(a.m)}
}

// lenient is the UnmarshalText path shared by all code types: a known
// spelling becomes its canonical value; anything else is kept as received
// (trimmed), so unknown values survive a round trip and Valid reports them.
func lenient[T ~string](a *Aliases[T], text []byte) T {
	s := strings.TrimSpace(string(text))
	if v, ok := a.Lookup(s); ok {
		return v
	}
	return T(s)
}
