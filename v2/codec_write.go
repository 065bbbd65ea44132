package v2

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// writer appends XML to a byte slice. Element names are written with the
// fixed prefixes tt, co, sav and xsi, declared on the root element.
type writer struct {
	b   []byte
	p   *Profile
	err error
	// indent, when not empty, puts each element on its own line, indented
	// by depth; leaves keep their text on their line.
	indent   string
	depth    int
	lastOpen bool // the last thing written is a start tag
}

// newline starts a line at the current depth when indenting.
func (w *writer) newline() {
	if w.indent == "" || len(w.b) == 0 {
		return
	}
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, w.indent...)
	}
}

// startTag begins a start tag: "<qn".
func (w *writer) startTag(qn string) {
	w.newline()
	w.b = append(w.b, '<')
	w.b = append(w.b, qn...)
}

// endStart ends a start tag opened with startTag.
func (w *writer) endStart() {
	w.b = append(w.b, '>')
	w.depth++
	w.lastOpen = true
}

func (w *writer) fail(qn string, err error) {
	if w.err == nil {
		w.err = &EncodeError{Element: qn, Err: err}
	}
}

// rootAttrs are the namespace declarations of a root element.
func (w *writer) rootAttrs() {
	w.b = append(w.b, ` xmlns:tt="`+NamespaceTT+`" xmlns:co="`+NamespaceCO+`" xmlns:sav="`...)
	w.b = appendEscaped(w.b, w.p.NamespaceSAV, true)
	w.b = append(w.b, `" xmlns:xsi="`+NamespaceXSI+`"`...)
}

func (w *writer) open(qn string) {
	w.startTag(qn)
	w.endStart()
}

func (w *writer) openTyped(qn, typ string) {
	w.startTag(qn)
	w.b = append(w.b, ` xsi:type="`...)
	w.b = append(w.b, typ...)
	w.b = append(w.b, '"')
	w.endStart()
}

func (w *writer) close(qn string) {
	w.depth--
	if !w.lastOpen {
		w.newline()
	}
	w.lastOpen = false
	w.b = append(w.b, "</"...)
	w.b = append(w.b, qn...)
	w.b = append(w.b, '>')
}

func (w *writer) empty(qn string) {
	w.startTag(qn)
	w.b = append(w.b, "/>"...)
	w.lastOpen = false
}

func (w *writer) nilElement(qn string) {
	w.startTag(qn)
	w.b = append(w.b, ` xsi:nil="true"/>`...)
	w.lastOpen = false
}

func (w *writer) leaf(qn, text string) {
	if text == "" {
		w.empty(qn)
		return
	}
	w.startTag(qn)
	w.b = append(w.b, '>')
	w.b = appendEscaped(w.b, text, false)
	w.b = append(w.b, "</"...)
	w.b = append(w.b, qn...)
	w.b = append(w.b, '>')
	w.lastOpen = false
}

// raw appends an element fragment as it is.
func (w *writer) raw(b []byte) {
	w.b = append(w.b, b...)
	w.lastOpen = false
}

// optLeaf writes a leaf of a sav: structure, where "" is absent.
func (w *writer) optLeaf(qn, text string) {
	if text != "" {
		w.leaf(qn, text)
	}
}

func (w *writer) optTime(qn string, t time.Time) {
	if !t.IsZero() {
		w.leaf(qn, FormatDateTime(t))
	}
}

// appendEscaped escapes text for element content or, with attr, an
// attribute value; characters XML cannot carry become U+FFFD and carriage
// returns, tabs and newlines in attributes are written as references so they
// survive normalisation.
func appendEscaped(b []byte, s string, attr bool) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"' && attr:
			esc = "&quot;"
		case c == '\r':
			esc = "&#xD;"
		case c == '\n' && attr:
			esc = "&#xA;"
		case c == '\t' && attr:
			esc = "&#x9;"
		case c < 0x20 && c != '\n' && c != '\t':
			esc = "\uFFFD"
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			width = n
			if (r == utf8.RuneError && n == 1) || !isXMLChar(r) {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			last = i + width
		}
		i += width
	}
	return append(b, s[last:]...)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// wfield writes f as element qn: nothing when absent, xsi:nil when nil (an
// error for a non-nillable element), else write's output.
func wfield[T any](w *writer, qn string, f Field[T], nillable bool, write func(*writer, string, *T)) {
	switch f.Presence {
	case Absent:
	case Nil:
		if !nillable {
			w.fail(qn, ErrNotNillable)
			return
		}
		w.nilElement(qn)
	default:
		write(w, qn, &f.Value)
	}
}

func writeString(w *writer, qn string, v *string) { w.leaf(qn, *v) }
func writeBool(w *writer, qn string, v *bool)     { w.leaf(qn, strconv.FormatBool(*v)) }
func writeInt64(w *writer, qn string, v *int64)   { w.leaf(qn, strconv.FormatInt(*v, 10)) }
func writeUint32(w *writer, qn string, v *uint32) {
	w.leaf(qn, strconv.FormatUint(uint64(*v), 10))
}
func writeTime(w *writer, qn string, v *time.Time) { w.leaf(qn, FormatDateTime(*v)) }
func writeEnumText[T ~string](w *writer, qn string, v *T) {
	w.leaf(qn, string(*v))
}

// wenum writes an enumerated attribute of a substitution group: the member
// element for a literal of its enumeration, the head otherwise. Enumerated
// attributes are not nillable.
func wenum[T ~string](w *writer, member, head string, f Field[T], e *enumeration) {
	switch f.Presence {
	case Absent:
	case Nil:
		w.fail(head, ErrNotNillable)
	default:
		if e.has(string(f.Value)) {
			w.leaf(member, string(f.Value))
		} else {
			w.leaf(head, string(f.Value))
		}
	}
}

// witems returns a writer of an array type: its items, nil ones with
// xsi:nil. The schema's arrays hold at least one item, and all the arrays
// of a trouble ticket are nillable: an empty array is written as xsi:nil.
func witems[T any](itemQN string, write func(*writer, string, *T)) func(*writer, string, *[]Field[T]) {
	return func(w *writer, qn string, items *[]Field[T]) {
		if len(*items) == 0 {
			w.nilElement(qn)
			return
		}
		w.open(qn)
		for _, it := range *items {
			wfield(w, itemQN, it, true, write)
		}
		w.close(qn)
	}
}

var writeStrings = witems("co:item", writeString)
