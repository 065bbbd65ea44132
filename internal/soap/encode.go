package soap

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
)

// WriteFunc writes one self-contained XML element (declaring the namespaces
// it uses) to w.
type WriteFunc func(w io.Writer) error

// Encoder writes SOAP 1.1 envelopes in UTF-8. Configure it before use; it is
// then safe for concurrent use.
type Encoder struct {
	// HeaderSpace is the namespace of sav:entete and sav:pagination.
	HeaderSpace string
	// HeaderPrefix is the prefix bound to HeaderSpace; "sav" when empty.
	HeaderPrefix string
	// EnvelopePrefix is the prefix bound to the envelope namespace, used by
	// faultcode values; "soapenv" when empty.
	EnvelopePrefix string
}

func (e *Encoder) envPrefix() string {
	if e.EnvelopePrefix != "" {
		return e.EnvelopePrefix
	}
	return "soapenv"
}

func (e *Encoder) headerPrefix() string {
	if e.HeaderPrefix != "" {
		return e.HeaderPrefix
	}
	return "sav"
}

// Encode writes an envelope with header h (entries that are nil are not
// written; with both nil there is no Header element) and the body element
// that body writes. The whole envelope is built before anything is written
// to w, so a failing body leaves w untouched (a *bytes.Buffer is built in
// place and truncated back on failure).
func (e *Encoder) Encode(w io.Writer, h Header, body WriteFunc) error {
	return build(w, func(b *bytes.Buffer) error {
		e.open(b, h)
		if body != nil {
			if err := element(b, body); err != nil {
				return err
			}
		}
		e.close(b)
		return nil
	})
}

// build runs f on w when it is a *bytes.Buffer, undoing its writes on
// failure, and otherwise on a buffer copied to w on success.
func build(w io.Writer, f func(*bytes.Buffer) error) error {
	if b, ok := w.(*bytes.Buffer); ok {
		n := b.Len()
		if err := f(b); err != nil {
			b.Truncate(n)
			return err
		}
		return nil
	}
	var b bytes.Buffer
	if err := f(&b); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// EncodeFault writes an envelope with header h whose body is a SOAP fault;
// detail, when not nil, writes the detail's entries.
func (e *Encoder) EncodeFault(w io.Writer, h Header, f Fault, detail WriteFunc) error {
	return build(w, func(b *bytes.Buffer) error { return e.fault(b, h, f, detail) })
}

func (e *Encoder) fault(b *bytes.Buffer, h Header, f Fault, detail WriteFunc) error {
	env := e.envPrefix()
	e.open(b, h)
	b.WriteString("\n    <" + env + ":Fault>\n      ")
	writeFaultCode(b, env, f.Code)
	b.WriteString("\n      <faultstring>")
	escape(b, f.String)
	b.WriteString("</faultstring>")
	if f.Actor != "" {
		b.WriteString("\n      <faultactor>")
		escape(b, f.Actor)
		b.WriteString("</faultactor>")
	}
	if detail != nil {
		b.WriteString("\n      <detail>")
		if err := element(b, detail); err != nil {
			return err
		}
		b.WriteString("</detail>")
	}
	b.WriteString("\n    </" + env + ":Fault>")
	e.close(b)
	return nil
}

func (e *Encoder) open(b *bytes.Buffer, h Header) {
	env, hp := e.envPrefix(), e.headerPrefix()
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + env + `:Envelope xmlns:` + env + `="` + EnvelopeSpace + `"`)
	if h.Entete != nil || h.Pagination != nil {
		b.WriteString(" xmlns:" + hp + `="`)
		escape(b, e.HeaderSpace)
		b.WriteString(`"`)
	}
	b.WriteString(">\n")
	if h.Entete != nil || h.Pagination != nil {
		b.WriteString("  <" + env + ":Header>\n")
		if en := h.Entete; en != nil {
			b.WriteString("    <" + hp + ":" + ElementEntete + ">\n")
			leaf(b, hp, "versionProtocole", en.VersionProtocole, true)
			if !en.Horodatage.IsZero() {
				leaf(b, hp, "horodatage", FormatDateTime(en.Horodatage), true)
			}
			leaf(b, hp, "codeOC", en.CodeOC, true)
			leaf(b, hp, "codeOI", en.CodeOI, true)
			leaf(b, hp, "sirenOC", en.SirenOC, false)
			leaf(b, hp, "sirenOI", en.SirenOI, false)
			b.WriteString("    </" + hp + ":" + ElementEntete + ">\n")
		}
		if p := h.Pagination; p != nil {
			b.WriteString("    <" + hp + ":" + ElementPagination + ">\n")
			leaf(b, hp, "sequence", strconv.Itoa(p.Sequence), true)
			b.WriteString("    </" + hp + ":" + ElementPagination + ">\n")
		}
		b.WriteString("  </" + env + ":Header>\n")
	}
	b.WriteString("  <" + env + ":Body>")
}

func (e *Encoder) close(b *bytes.Buffer) {
	env := e.envPrefix()
	b.WriteString("\n  </" + env + ":Body>\n</" + env + ":Envelope>\n")
}

// element appends what f writes, without the XML declaration f may have
// written first.
func element(b *bytes.Buffer, f WriteFunc) error {
	b.WriteString("\n    ")
	start := b.Len()
	if err := f(b); err != nil {
		return err
	}
	written := b.Bytes()[start:]
	out := bytes.TrimLeft(written, " \t\r\n\ufeff")
	if bytes.HasPrefix(out, []byte("<?xml")) {
		if i := bytes.Index(out, []byte("?>")); i >= 0 {
			out = bytes.TrimLeft(out[i+2:], " \t\r\n")
		}
	}
	out = bytes.TrimRight(out, " \t\r\n")
	n := copy(written, out)
	b.Truncate(start + n)
	return nil
}

func leaf(b *bytes.Buffer, prefix, name, value string, always bool) {
	if value == "" && !always {
		return
	}
	b.WriteString("      <" + prefix + ":" + name + ">")
	escape(b, value)
	b.WriteString("</" + prefix + ":" + name + ">\n")
}

func escape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }
