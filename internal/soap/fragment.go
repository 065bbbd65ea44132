package soap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"

	"github.com/opensav/savsdk/codes"
)

const xmlSpace = "http://www.w3.org/XML/1998/namespace"

// CaptureElement reads the element that start opens (d positioned right
// after it, as an [ElementFunc] or a [TokenFunc] receives it, an
// *xml.Decoder or another [TokenReader]) and returns it as a standalone
// UTF-8 fragment. Prefixes are kept as the document wrote them and the
// bindings start inherits are declared on the fragment's root, so QName
// values (xsi:type) still resolve. Comments are kept; processing
// instructions are dropped; directives are refused.
func CaptureElement(d TokenReader, start xml.StartElement) ([]byte, error) {
	c := &capture{}
	if err := c.start(start); err != nil {
		return nil, err
	}
	for len(c.open) > 0 {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := c.start(t); err != nil {
				return nil, err
			}
		case xml.EndElement:
			c.end()
		case xml.CharData:
			escape(&c.b, string(t))
		case xml.Comment:
			if !bytes.Contains(t, []byte("--")) && !bytes.HasSuffix(t, []byte("-")) {
				c.b.WriteString("<!--")
				c.b.Write(t)
				c.b.WriteString("-->")
			}
		case xml.Directive:
			l, _ := d.InputPos()
			return nil, &Error{Line: l, Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
	return c.b.Bytes(), nil
}

type capture struct {
	b     bytes.Buffer
	scope [][]binding
	open  []string // qualified names written, innermost last
	gen   int
}

// prefixFor returns a prefix bound to uri in scope ("" for the default
// namespace when allowed), or false.
func (c *capture) prefixFor(uri string, allowDefault bool) (string, bool) {
	if def, _ := resolve(c.scope, ""); allowDefault && def == uri {
		return "", true
	}
	for i := len(c.scope) - 1; i >= 0; i-- {
		for j := len(c.scope[i]) - 1; j >= 0; j-- {
			b := c.scope[i][j]
			if b.uri != uri || (b.prefix == "" && !allowDefault) {
				continue
			}
			// The binding must not be shadowed by an inner one.
			if got, _ := resolve(c.scope, b.prefix); got == uri {
				return b.prefix, true
			}
		}
	}
	return "", false
}

func (c *capture) start(t xml.StartElement) error {
	var frame []binding
	var attrs []xml.Attr
	for _, a := range t.Attr {
		if prefix, ok := declaration(a); ok {
			frame = append(frame, binding{prefix, a.Value})
		} else {
			attrs = append(attrs, a)
		}
	}
	c.scope = append(c.scope, frame)
	var extra []binding
	qname := func(n xml.Name, isElement bool) string {
		switch {
		case n.Space == "" && isElement:
			if uri, _ := resolve(c.scope, ""); uri != "" {
				// An unqualified element under a default namespace.
				c.scope[len(c.scope)-1] = append(c.scope[len(c.scope)-1], binding{"", ""})
				extra = append(extra, binding{"", ""})
			}
			return n.Local
		case n.Space == "":
			return n.Local
		case n.Space == xmlSpace:
			return "xml:" + n.Local
		}
		if p, ok := c.prefixFor(n.Space, isElement); ok {
			if p == "" {
				return n.Local
			}
			return p + ":" + n.Local
		}
		var p string
		for {
			c.gen++
			p = "ns" + strconv.Itoa(c.gen)
			if _, taken := resolve(c.scope, p); !taken {
				break
			}
		}
		c.scope[len(c.scope)-1] = append(c.scope[len(c.scope)-1], binding{p, n.Space})
		extra = append(extra, binding{p, n.Space})
		return p + ":" + n.Local
	}
	name := qname(t.Name, true)
	var ab bytes.Buffer
	for _, a := range attrs {
		ab.WriteString(" " + qname(a.Name, false) + `="`)
		escapeAttr(&ab, a.Value)
		ab.WriteString(`"`)
	}
	c.b.WriteString("<" + name)
	for _, bd := range append(frame, extra...) {
		if bd.prefix == "" {
			c.b.WriteString(` xmlns="`)
		} else {
			c.b.WriteString(" xmlns:" + bd.prefix + `="`)
		}
		escapeAttr(&c.b, bd.uri)
		c.b.WriteString(`"`)
	}
	c.b.Write(ab.Bytes())
	c.b.WriteString(">")
	c.open = append(c.open, name)
	return nil
}

func (c *capture) end() {
	name := c.open[len(c.open)-1]
	c.open = c.open[:len(c.open)-1]
	c.scope = c.scope[:len(c.scope)-1]
	c.b.WriteString("</" + name + ">")
}

func escapeAttr(b *bytes.Buffer, s string) {
	// xml.EscapeText escapes quotes, tabs and newlines too, so attribute
	// values survive normalisation.
	_ = xml.EscapeText(b, []byte(s))
}
