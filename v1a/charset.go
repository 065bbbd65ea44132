package v1a

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Charset is a character set the [Writer] writes files in.
type Charset int

// Charsets for writing. Windows-1252 is the default: it is what the
// spreadsheets of French operators open without asking.
const (
	Windows1252 Charset = iota // windows-1252, the default
	UTF8                       // utf-8
	ISO885915                  // iso-8859-15 (Latin-9: has € and œ)
)

// String returns the MIME charset label: windows-1252, utf-8, iso-8859-15.
func (c Charset) String() string {
	switch c {
	case UTF8:
		return "utf-8"
	case ISO885915:
		return "iso-8859-15"
	}
	return "windows-1252"
}

// charmapOf returns the single-byte table of c, or nil for UTF-8.
func (c Charset) charmapOf() *charmap.Charmap {
	switch c {
	case UTF8:
		return nil
	case ISO885915:
		return charmap.ISO8859_15
	}
	return charmap.Windows1252
}

// ParseCharset reads a charset label (MIME names and their common aliases)
// among the three the writer supports.
func ParseCharset(label string) (Charset, error) {
	_, name := charset.Lookup(label)
	switch {
	case name == "utf-8":
		return UTF8, nil
	case name == "windows-1252":
		return Windows1252, nil
	case name == "iso-8859-15":
		return ISO885915, nil
	}
	return 0, &charsetError{label: label}
}

type charsetError struct{ label string }

func (e *charsetError) Error() string {
	return "v1a: unknown or unsupported charset " + `"` + e.label + `"`
}
func (e *charsetError) Unwrap() error { return ErrCharset }

// Encodable reports the first rune of s that c cannot encode, if any.
func (c Charset) Encodable(s string) (rune, bool) {
	cm := c.charmapOf()
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if r == utf8.RuneError {
					return r, false
				}
				if cm != nil {
					if _, ok := cm.EncodeRune(r); !ok {
						return r, false
					}
				}
			}
			return 0, true
		}
	}
	return 0, true
}

// decodeMode is how the reader turns cell bytes into text.
type decodeMode struct {
	name  string        // canonical charset name, for reports
	table *[256]rune    // single-byte table; nil means UTF-8
	hi    *[128]utf8Seq // UTF-8 of the table's bytes 0x80–0xFF
	label bool          // the charset came from a MIME label, not sniffing
	bom   bool          // a BOM was found and dropped
	via   io.Reader     // when set, the scanner reads this transformed stream
	enc   encoding.Encoding
}

var cp1252Table = tableOf(charmap.Windows1252)

// utf8Seq is the UTF-8 encoding of one rune.
type utf8Seq struct {
	b [4]byte
	n uint8
}

var cp1252Hi = hiOf(cp1252Table)

// hiOf returns the UTF-8 encodings of the upper half of a single-byte table.
func hiOf(t *[256]rune) *[128]utf8Seq {
	var h [128]utf8Seq
	for i := range h {
		h[i].n = uint8(utf8.EncodeRune(h[i].b[:], t[128+i]))
	}
	return &h
}

func tableOf(cm *charmap.Charmap) *[256]rune {
	var t [256]rune
	for i := range 256 {
		t[i] = cm.DecodeByte(byte(i))
	}
	return &t
}

// sniffLimit is how much of a file the reader inspects to choose between
// UTF-8 and Windows-1252.
const sniffLimit = scanBufSize

// chooseCharset applies V1A.md's read pipeline to the start of the input:
// the MIME charset label when given, else a BOM (UTF-8, or UTF-16), else
// valid UTF-8 means UTF-8, else Windows-1252. It returns how to decode and
// how many leading bytes (a BOM) to skip.
func chooseCharset(label string, head []byte, atEOF bool) (decodeMode, int, error) {
	skip := 0
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		return decodeMode{name: "utf-8", bom: true}, 3, nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		if label == "" || isUTF16Label(label) {
			return decodeMode{name: "utf-16", bom: true, enc: unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)}, 0, nil
		}
	}
	if strings.TrimSpace(label) != "" {
		enc, name := charset.Lookup(label)
		if enc == nil {
			return decodeMode{}, 0, &charsetError{label: label}
		}
		m := decodeMode{name: name, label: true}
		switch {
		case name == "utf-8":
		case isASCIICompatible(enc):
			m.table = tableOf(enc.(*charmap.Charmap))
			m.hi = hiOf(m.table)
			if name == "windows-1252" {
				m.table, m.hi = cp1252Table, cp1252Hi
			}
		default:
			m.enc = enc
		}
		return m, skip, nil
	}
	if validUTF8Prefix(head, atEOF) {
		return decodeMode{name: "utf-8"}, skip, nil
	}
	return decodeMode{name: "windows-1252", table: cp1252Table, hi: cp1252Hi}, skip, nil
}

func isUTF16Label(label string) bool {
	_, name := charset.Lookup(label)
	return strings.HasPrefix(name, "utf-16")
}

// isASCIICompatible reports a single-byte charset whose ASCII range is ASCII,
// which the byte scanner can split before decoding.
func isASCIICompatible(enc encoding.Encoding) bool {
	cm, ok := enc.(*charmap.Charmap)
	if !ok {
		return false
	}
	for _, b := range []byte{';', '"', '\r', '\n', 'A', 'z', '0', ' '} {
		if cm.DecodeByte(b) != rune(b) {
			return false
		}
	}
	return true
}

// validUTF8Prefix reports whether head is valid UTF-8, allowing an
// incomplete rune at its end when more input follows.
func validUTF8Prefix(head []byte, atEOF bool) bool {
	if utf8.Valid(head) {
		return true
	}
	if atEOF {
		return false
	}
	for cut := 1; cut <= 3 && cut <= len(head); cut++ {
		if utf8.Valid(head[:len(head)-cut]) && !utf8.FullRune(head[len(head)-cut:]) {
			return true
		}
	}
	return false
}

// transformed wraps r in the decoder of a charset the byte scanner cannot
// split directly (UTF-16).
func transformed(r io.Reader, enc encoding.Encoding) io.Reader {
	return transform.NewReader(r, enc.NewDecoder())
}

// decodeTable decodes single-byte text.
func decodeTable(b []byte, t *[256]rune) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(t[c])
		}
	}
	return sb.String()
}

// appendEncoded appends s encoded in cm (nil: UTF-8) to dst. It returns the
// first rune that cannot be encoded.
func appendEncoded(dst []byte, s string, cm *charmap.Charmap) ([]byte, rune, bool) {
	if cm == nil {
		if !utf8.ValidString(s) {
			return dst, utf8.RuneError, false
		}
		return append(dst, s...), 0, true
	}
	lat := latinTableOf(cm)
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			j := i + asciiPrefixString(s[i:])
			dst = append(dst, s[i:j]...)
			if i = j; i == len(s) {
				break
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return dst, r, false
		}
		var b byte
		var ok bool
		if lat != nil && r < 0x100 {
			b, ok = byte(lat[r]), lat[r] != 0
		} else {
			b, ok = cm.EncodeRune(r)
		}
		if !ok {
			return dst, r, false
		}
		dst = append(dst, b)
		i += n - 1
	}
	return dst, 0, true
}

// asciiPrefixString returns the length of the ASCII prefix of s, eight
// bytes at a time.
func asciiPrefixString(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := word8(s, i)
		if w&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

// latinTable holds, for each rune below U+0100, 0x100 | its byte in a
// charset, or 0 when the charset cannot encode it.
type latinTable [256]uint16

func latinTableFor(cm *charmap.Charmap) *latinTable {
	var t latinTable
	for r := range t {
		if b, ok := cm.EncodeRune(rune(r)); ok {
			t[r] = 0x100 | uint16(b)
		}
	}
	return &t
}

var cp1252Latin, latin9Latin = latinTableFor(charmap.Windows1252), latinTableFor(charmap.ISO8859_15)

// latinTableOf returns the latinTable of the charsets the writer writes,
// nil for others.
func latinTableOf(cm *charmap.Charmap) *latinTable {
	switch cm {
	case charmap.Windows1252:
		return cp1252Latin
	case charmap.ISO8859_15:
		return latin9Latin
	}
	return nil
}
