package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"golang.org/x/net/html/charset"
)

// measured is what a document holds, by the measures of [Limits].
type measured struct {
	depth, elements, attrs int
	token                  int64
}

// measure reads doc with encoding/xml alone; ok is false for a document
// it refuses or that holds a directive.
func measure(doc []byte) (m measured, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = charset.NewReaderLabel
	depth := 0
	var last int64
	for {
		tok, err := d.Token()
		if err == io.EOF {
			// Text after the root, up to the end.
			m.token = max(m.token, int64(len(doc))-last)
			return m, true
		}
		if err != nil {
			return m, false
		}
		off := d.InputOffset()
		m.token = max(m.token, off-last)
		last = off
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			m.depth = max(m.depth, depth)
			m.elements++
			m.attrs = max(m.attrs, len(t.Attr))
		case xml.EndElement:
			depth--
		case xml.Directive:
			return m, false
		}
	}
}

// lexed reads doc with encoding/xml through a guard within l, as the
// decoders of this package do; oneByte reads it a byte at a time, so that
// every construct straddles chunks.
func lexed(doc []byte, l Limits, oneByte bool) error {
	var r io.Reader = bytes.NewReader(doc)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	g := newGuard(r, l)
	defer g.release()
	d := newXMLDecoder(g, decodeCharset)
	for {
		if _, err := d.Token(); err != nil {
			if e := g.refused(); e != nil {
				return e
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// FuzzLimits checks the lexer against encoding/xml: every document that
// package reads is read through the guard within limits set to what it
// holds, and refused, naming the limit, within one less.
func FuzzLimits(f *testing.F) {
	for _, s := range []string{
		`<a/>`,
		`<?xml version="1.0" encoding="UTF-8"?><a x="1" y='>'><b>t&amp;t</b><!-- c > -- --><![CDATA[ <x> ]] ]]><?pi a?></a>`,
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a b=\"\xe9\">\xe9t\xe9<c/></a>",
		`<e:Envelope xmlns:e="` + EnvelopeSpace + `"><e:Body><p:B xmlns:p="urn:p" p:a="/"/></e:Body></e:Envelope>`,
		"<a>\n<b>\n</b></a>\n",
		`<a><?x?><!----><b c="-->"/></a>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if bytes.HasPrefix(doc, utf8BOM) {
			return
		}
		m, ok := measure(doc)
		if !ok {
			return
		}
		exact := Limits{MaxDepth: max(m.depth, 1), MaxElements: max(m.elements, 1),
			MaxAttributes: max(m.attrs, 1), MaxTokenBytes: int(max(m.token, 1))}
		for _, oneByte := range []bool{false, true} {
			if err := lexed(doc, exact, oneByte); err != nil {
				t.Fatalf("within %+v (one byte at a time: %v): %v", exact, oneByte, err)
			}
		}
		for _, tc := range []struct {
			name string
			v    int
			set  func(*Limits, int)
		}{
			{"MaxDepth", m.depth, func(l *Limits, v int) { l.MaxDepth = v }},
			{"MaxElements", m.elements, func(l *Limits, v int) { l.MaxElements = v }},
			{"MaxAttributes", m.attrs, func(l *Limits, v int) { l.MaxAttributes = v }},
			{"MaxTokenBytes", int(m.token), func(l *Limits, v int) { l.MaxTokenBytes = v }},
		} {
			if tc.v < 2 {
				continue
			}
			l := exact
			tc.set(&l, tc.v-1)
			for _, oneByte := range []bool{false, true} {
				err := lexed(doc, l, oneByte)
				le, ok := errors.AsType[*LimitError](err)
				if !ok || le.Limit != tc.name {
					t.Fatalf("%s %d (holds %d, one byte at a time: %v): got %v", tc.name, tc.v-1, tc.v, oneByte, err)
				}
			}
		}
	})
}

// decodeCharset is a CharsetReader of the guard that reads any charset
// label, as the strict decoder's tokenizer does.
func decodeCharset(label string, in io.Reader) (io.Reader, error) {
	return guardedCharset(label, in, charset.NewReaderLabel)
}
