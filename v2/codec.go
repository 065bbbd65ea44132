package v2

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/opensav/savsdk/codes"
)

// AppendBody appends the body element of m to dst: one self-contained
// element (it declares the tt, co, sav and xsi namespaces it uses), UTF-8,
// without an XML declaration, as it goes in a SOAP Body or in a log.
func AppendBody(dst []byte, m Message, p *Profile) ([]byte, error) {
	w := &writer{b: dst, p: p.orDefault()}
	if err := writeMessage(w, m); err != nil {
		return dst, err
	}
	return w.b, nil
}

// WriteBody writes the body element of m to out (see [AppendBody]). Nothing
// is written when m cannot be encoded.
func WriteBody(out io.Writer, m Message, p *Profile) error {
	b, err := AppendBody(nil, m, p)
	if err != nil {
		return err
	}
	_, err = out.Write(b)
	return err
}

// MarshalBody returns the body element of m as a standalone XML document
// (with an XML declaration).
func MarshalBody(m Message, p *Profile) ([]byte, error) {
	return AppendBody([]byte(xml.Header), m, p)
}

// AppendFaultDetail appends the entries of a SOAP fault's detail for e: the
// exception element tt:<op>Exception (co: for introspection) with its typed
// child, then sav:erreur when e has one (V2.md, "Faults").
func AppendFaultDetail(dst []byte, e *Exception, p *Profile) ([]byte, error) {
	w := &writer{b: dst, p: p.orDefault()}
	if err := writeException(w, e); err != nil {
		return dst, err
	}
	if e.Erreur != nil {
		writeErreur(w, e.Erreur)
	}
	if w.err != nil {
		return dst, w.err
	}
	return w.b, nil
}

// WriteFaultDetail writes the detail entries of e to out (see
// [AppendFaultDetail]).
func WriteFaultDetail(out io.Writer, e *Exception, p *Profile) error {
	b, err := AppendFaultDetail(nil, e, p)
	if err != nil {
		return err
	}
	_, err = out.Write(b)
	return err
}

// AppendTroubleTicketValue appends v as a standalone tt:troubleTicketValue
// element.
func AppendTroubleTicketValue(dst []byte, v *TroubleTicketValue, p *Profile) ([]byte, error) {
	w := &writer{b: dst, p: p.orDefault()}
	writeTTVElement(w, "tt:troubleTicketValue", v, true)
	if w.err != nil {
		return dst, w.err
	}
	return w.b, nil
}

// DecodeTroubleTicketValue reads a document whose root is an element of type
// tt:TroubleTicketValue (whatever its name).
func DecodeTroubleTicketValue(in io.Reader, p *Profile) (*TroubleTicketValue, error) {
	r := newReader(NewXMLDecoder(in), p)
	start, err := r.root()
	if err != nil {
		return nil, err
	}
	var v TroubleTicketValue
	if err := readTTV(r, start, &v); err != nil {
		return nil, err
	}
	r.leave()
	if err := r.trailer(); err != nil {
		return nil, err
	}
	return &v, nil
}

// root reads up to the document's root element and enters it.
func (r *reader) root() (xml.StartElement, error) {
	for {
		tok, err := r.d.Token()
		if err != nil {
			return xml.StartElement{}, r.syntax(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, r.enter(t)
		case xml.EndElement:
			return xml.StartElement{}, r.syntax(errors.New("unexpected end element"))
		case xml.Directive:
			return xml.StartElement{}, &DecodeError{Line: r.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
}

// trailer checks that nothing but white space, comments and processing
// instructions follows the root element.
func (r *reader) trailer() error {
	for {
		tok, err := r.d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.syntax(err)
		}
		switch t := tok.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			return &DecodeError{Line: r.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: text after the root element", ErrSyntax)}
		default:
			return &DecodeError{Line: r.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: content after the root element", ErrSyntax)}
		}
	}
}

// DecodeBody reads a bare message: a document whose root element is a
// JSR-91 message of protocol 2.0 (dispatched on its qualified name). Any
// declared encoding is read.
func DecodeBody(in io.Reader, p *Profile) (Message, error) {
	r := newReader(NewXMLDecoder(in), p)
	start, err := r.root()
	if err != nil {
		return nil, err
	}
	m, err := readMessage(r, start)
	if err != nil {
		return nil, err
	}
	r.leave()
	if err := r.trailer(); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadBody reads the message whose start element is start, with d
// positioned right after it (a SOAP Body's child as internal/soap hands it
// over); it consumes the element up to its end. start must carry, as xmlns
// attributes, the bindings in scope that it does not declare itself, so
// xsi:type values resolve. An element that is not a message of protocol 2.0
// is a [*DecodeError] wrapping [ErrUnknownMessage] (code 22).
func ReadBody(d *xml.Decoder, start xml.StartElement, p *Profile) (Message, error) {
	return readBody(d, start, p)
}

// readBody is ReadBody for any token source.
func readBody(d tokenSource, start xml.StartElement, p *Profile) (Message, error) {
	r := newReader(d, p)
	if err := r.enter(start); err != nil {
		return nil, err
	}
	m, err := readMessage(r, start)
	if err != nil {
		return nil, err
	}
	r.leave()
	return m, nil
}

// ReadFaultDetail reads one entry of a SOAP fault's detail into e (d
// positioned right after start): the exception element sets e's operation,
// kind, message and key; sav:erreur sets e.Erreur; other entries are
// skipped. Call it for each child of detail.
func ReadFaultDetail(d *xml.Decoder, start xml.StartElement, p *Profile, e *Exception) error {
	return readFaultDetail(d, start, p, e)
}

// readFaultDetail is ReadFaultDetail for any token source.
func readFaultDetail(d tokenSource, start xml.StartElement, p *Profile, e *Exception) error {
	r := newReader(d, p)
	if err := r.enter(start); err != nil {
		return err
	}
	if err := readDetailEntry(r, start, e); err != nil {
		return err
	}
	r.leave()
	return nil
}

func readDetailEntry(r *reader, start xml.StartElement, e *Exception) error {
	if start.Name.Space == r.p.NamespaceSAV && start.Name.Local == "erreur" {
		e.Erreur = &Erreur{}
		return readErreur(r, e.Erreur)
	}
	if op, part, ok := LookupElement(start.Name); ok && part == PartException {
		e.Op = op
		return readException(r, e)
	}
	return r.skip()
}

func readMessage(r *reader, start xml.StartElement) (Message, error) {
	op, part, ok := LookupElement(start.Name)
	if !ok {
		return nil, &DecodeError{Line: r.line(), Element: start.Name.Local, Code: codes.ReturnCodeBadInterface,
			Err: fmt.Errorf("%w: {%s}%s", ErrUnknownMessage, start.Name.Space, start.Name.Local)}
	}
	m := NewMessage(op, part)
	var err error
	switch m := m.(type) {
	case *CreateTroubleTicketByValueRequest:
		err = readValueMessage(r, start, &m.Value, nil)
	case *CreateTroubleTicketByValueResponse:
		found := false
		err = r.children(func(c xml.StartElement) error {
			if c.Name.Space == NamespaceTT && c.Name.Local == "troubleTicketKey" {
				found = true
				return readKey(r, c, &m.Key)
			}
			return r.skip()
		})
		if err == nil && !found {
			err = r.missing(start, "troubleTicketKey")
		}
	case *SetTroubleTicketByValueRequest:
		err = readValueMessage(r, start, &m.Value, &m.ResyncRequired)
	case *GetTroubleTicketByKeyResponse:
		err = readValueMessage(r, start, &m.Value, nil)
	case *GetTroubleTicketByKeyRequest:
		found := false
		err = r.children(func(c xml.StartElement) error {
			switch {
			case c.Name.Space != NamespaceTT:
			case c.Name.Local == "troubleTicketKey":
				found = true
				return readKey(r, c, &m.Key)
			case c.Name.Local == "attrNames":
				return field(r, c, &m.AttrNames, true, readStrings)
			}
			return r.skip()
		})
		if err == nil && !found {
			err = r.missing(start, "troubleTicketKey")
		}
	case *GetTroubleTicketsByTemplateRequest:
		found := false
		err = r.children(func(c xml.StartElement) error {
			switch {
			case c.Name.Space == NamespaceCO && c.Name.Local == "howMany":
				return field(r, c, &m.HowMany, true, readUint32)
			case c.Name.Space != NamespaceTT:
			case c.Name.Local == "template":
				found = true
				return readTTV(r, c, &m.Template)
			case c.Name.Local == "attrNames":
				return field(r, c, &m.AttrNames, true, readStrings)
			}
			return r.skip()
		})
		if err == nil && !found {
			err = r.missing(start, "template")
		}
	case *QueryTroubleTicketsRequest:
		found := false
		err = r.children(func(c xml.StartElement) error {
			switch {
			case c.Name.Space == NamespaceCO && c.Name.Local == "howMany":
				return field(r, c, &m.HowMany, true, readUint32)
			case c.Name.Space != NamespaceTT:
			case c.Name.Local == "query":
				found = true
				if typ, ok := xsiType(c); ok {
					m.Query.Type = r.qname(typ)
				}
				return r.skip()
			case c.Name.Local == "attrNames":
				return field(r, c, &m.AttrNames, true, readStrings)
			}
			return r.skip()
		})
		if err == nil && !found {
			err = r.missing(start, "query")
		}
	case *GetTroubleTicketsByTemplateResponse:
		err = readIteratorResponse(r, &m.Sequence, &m.EndOfReply, &m.Values)
	case *QueryTroubleTicketsResponse:
		err = readIteratorResponse(r, &m.Sequence, &m.EndOfReply, &m.Values)
	case *GetManagedEntityTypesResponse:
		err = readNames(r, "managedEntityTypes", &m.Types)
	case *GetQueryTypesResponse:
		err = readNames(r, "queryType", &m.Types)
	case *GetEventTypesResponse:
		err = readNames(r, "eventType", &m.Types)
	case *GetSupportedOptionalOperationsResponse:
		err = readNames(r, "optionalOperations", &m.Operations)
	case *Exception:
		err = readException(r, m)
	default: // messages without content
		err = r.skip()
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (r *reader) missing(parent xml.StartElement, child string) error {
	return &DecodeError{Line: r.line(), Element: child, Code: codes.ReturnCodeMissing,
		Err: fmt.Errorf("%w: %s has no %s", ErrMissingElement, parent.Name.Local, child)}
}

func readValueMessage(r *reader, start xml.StartElement, v *TroubleTicketValue, resync *bool) error {
	found := false
	err := r.children(func(c xml.StartElement) error {
		switch {
		case c.Name.Space != NamespaceTT:
		case c.Name.Local == "troubleTicketValue":
			found = true
			return readTTV(r, c, v)
		case c.Name.Local == "resyncRequired" && resync != nil:
			return readBool(r, c, resync)
		}
		return r.skip()
	})
	if err == nil && !found {
		err = r.missing(start, "troubleTicketValue")
	}
	return err
}

func readIteratorResponse(r *reader, seq *int32, end *bool, values *Field[[]Field[TroubleTicketValue]]) error {
	return r.children(func(c xml.StartElement) error {
		switch {
		case c.Name.Space == NamespaceCO && c.Name.Local == "sequence":
			return readInt32(r, c, seq)
		case c.Name.Space == NamespaceCO && c.Name.Local == "endOfReply":
			return readBool(r, c, end)
		case c.Name.Space == NamespaceTT && c.Name.Local == "troubleTicketValues":
			return field(r, c, values, true, ttItems(readTTV))
		}
		return r.skip()
	})
}

func readNames(r *reader, local string, names *[]string) error {
	*names = []string{}
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space == NamespaceCO && c.Name.Local == local {
			var items []Field[string]
			if err := readStrings(r, c, &items); err != nil {
				return err
			}
			*names = append(*names, Values(items)...)
			return nil
		}
		return r.skip()
	})
}

func readException(r *reader, e *Exception) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT && c.Name.Space != NamespaceCO {
			return r.skip()
		}
		kind := ExceptionKind(0)
		for k := IllegalArgumentException; k <= SetException; k++ {
			if c.Name.Local == k.String() {
				kind = k
			}
		}
		if kind == 0 {
			return r.skip()
		}
		e.Kind = kind
		return r.children(func(c xml.StartElement) error {
			switch {
			case c.Name.Space != NamespaceCO:
			case c.Name.Local == "message":
				return readString(r, c, &e.Message)
			case c.Name.Local == "managedEntityKey":
				e.Key = &TroubleTicketKey{}
				return readKey(r, c, e.Key)
			}
			return r.skip()
		})
	})
}

func readErreur(r *reader, e *Erreur) error {
	return r.savChildren(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "codeRetour":
			s, err := r.text()
			if err != nil {
				return err
			}
			code, err := codes.ParseReturnCode(s)
			if err != nil {
				return r.valueError(c, ErrValue, "%q is not a return code", s)
			}
			e.CodeRetour = code
			return nil
		case "messageRetour":
			return readString(r, c, &e.MessageRetour)
		case "troubleTicketKey":
			e.TroubleTicketKey = &TroubleTicketKey{}
			return readKey(r, c, e.TroubleTicketKey)
		}
		return r.skip()
	})
}

// writeMessage writes m's element.
func writeMessage(w *writer, m Message) error {
	if m == nil {
		return &EncodeError{Element: "body", Err: errors.New("nil message")}
	}
	if e, ok := m.(*Exception); ok {
		return writeException(w, e)
	}
	op := m.Operation()
	prefix := "tt:"
	if op.Introspection() {
		prefix = "co:"
	}
	qn := prefix + op.String() + m.Part().String()
	w.startTag(qn)
	w.rootAttrs()
	w.endStart()
	switch m := m.(type) {
	case *CreateTroubleTicketByValueRequest:
		writeTTV(w, "tt:troubleTicketValue", &m.Value)
	case *CreateTroubleTicketByValueResponse:
		writeKey(w, "tt:troubleTicketKey", &m.Key)
	case *SetTroubleTicketByValueRequest:
		writeTTV(w, "tt:troubleTicketValue", &m.Value)
		writeBool(w, "tt:resyncRequired", &m.ResyncRequired)
	case *SetTroubleTicketByValueResponse:
	case *GetTroubleTicketByKeyRequest:
		writeKey(w, "tt:troubleTicketKey", &m.Key)
		wfield(w, "tt:attrNames", m.AttrNames, true, writeStrings)
	case *GetTroubleTicketByKeyResponse:
		writeTTV(w, "tt:troubleTicketValue", &m.Value)
	case *GetTroubleTicketsByTemplateRequest:
		wfield(w, "co:howMany", m.HowMany, true, writeUint32)
		writeTTV(w, "tt:template", &m.Template)
		wfield(w, "tt:attrNames", m.AttrNames, true, writeStrings)
	case *GetTroubleTicketsByTemplateResponse:
		writeIteratorResponse(w, m.Sequence, m.EndOfReply, m.Values)
	case *QueryTroubleTicketsRequest:
		wfield(w, "co:howMany", m.HowMany, true, writeUint32)
		writeQuery(w, m.Query)
		wfield(w, "tt:attrNames", m.AttrNames, true, writeStrings)
	case *QueryTroubleTicketsResponse:
		writeIteratorResponse(w, m.Sequence, m.EndOfReply, m.Values)
	case *GetManagedEntityTypesRequest, *GetQueryTypesRequest, *GetEventTypesRequest,
		*GetSupportedOptionalOperationsRequest:
	case *GetManagedEntityTypesResponse:
		writeNames(w, "co:managedEntityTypes", m.Types)
	case *GetQueryTypesResponse:
		writeNames(w, "co:queryType", m.Types)
	case *GetEventTypesResponse:
		writeNames(w, "co:eventType", m.Types)
	case *GetSupportedOptionalOperationsResponse:
		writeNames(w, "co:optionalOperations", m.Operations)
	default:
		return &EncodeError{Element: qn, Err: fmt.Errorf("unsupported message %T", m)}
	}
	w.close(qn)
	return w.err
}

func writeIteratorResponse(w *writer, seq int32, end bool, values Field[[]Field[TroubleTicketValue]]) {
	w.leaf("co:sequence", itoa(int(seq)))
	writeBool(w, "co:endOfReply", &end)
	wfield(w, "tt:troubleTicketValues", values, true, witems("tt:item", writeTTV))
}

// writeNames writes a co:ArrayOfString of names; an empty list is one nil
// item, since the array needs at least one.
func writeNames(w *writer, qn string, names []string) {
	w.open(qn)
	if len(names) == 0 {
		w.nilElement("co:item")
	}
	for _, n := range names {
		w.leaf("co:item", n)
	}
	w.close(qn)
}

func writeQuery(w *writer, q QueryValue) {
	var prefix string
	switch q.Type.Space {
	case NamespaceTT:
		prefix = "tt"
	case NamespaceCO:
		prefix = "co"
	case w.p.NamespaceSAV:
		prefix = "sav"
	}
	if q.Type.Local == "" {
		w.fail("tt:query", errors.New("the query has no type (co:QueryValue is abstract)"))
		return
	}
	w.startTag("tt:query")
	if prefix == "" {
		prefix = "q"
		w.b = append(w.b, ` xmlns:q="`...)
		w.b = appendEscaped(w.b, q.Type.Space, true)
		w.b = append(w.b, '"')
	}
	w.b = append(w.b, ` xsi:type="`...)
	w.b = appendEscaped(w.b, prefix+":"+q.Type.Local, true)
	w.b = append(w.b, `"/>`...)
	w.lastOpen = false
}

func writeException(w *writer, e *Exception) error {
	if !e.Op.Valid() {
		return &EncodeError{Element: "exception", Err: fmt.Errorf("unknown operation %v", e.Op)}
	}
	prefix := "tt:"
	if e.Op.Introspection() {
		prefix = "co:"
	}
	qn := prefix + e.Op.String() + "Exception"
	kind := e.Kind
	if kind == 0 {
		kind = ExceptionKindFor(e.Op, e.ReturnCode())
		if e.Erreur == nil {
			// Without a sav:erreur the typed child is the code: one that
			// says another code would change what the fault means.
			if c := (&Exception{Kind: kind}).ReturnCode(); c != e.ReturnCode() {
				return &EncodeError{Element: qn, Err: fmt.Errorf("%v cannot carry return code %d without a sav:erreur",
					kind, e.ReturnCode())}
			}
		}
	}
	allowed := false
	for _, k := range e.Op.Exceptions() {
		allowed = allowed || k == kind
	}
	if !allowed {
		return &EncodeError{Element: qn, Err: fmt.Errorf("%v is not one of the operation's exceptions", kind)}
	}
	w.startTag(qn)
	w.rootAttrs()
	w.endStart()
	child := prefix + kind.String()
	w.open(child)
	w.leaf("co:message", e.Message)
	if kind == ResyncRequiredException {
		k := e.Key
		if k == nil {
			k = &TroubleTicketKey{}
		}
		w.openTyped("co:managedEntityKey", "tt:TroubleTicketKey")
		writeKeyContent(w, k)
		w.close("co:managedEntityKey")
	}
	w.close(child)
	w.close(qn)
	return w.err
}

func writeErreur(w *writer, e *Erreur) {
	w.startTag("sav:erreur")
	w.rootAttrs()
	w.endStart()
	w.leaf("sav:codeRetour", itoa(int(e.CodeRetour)))
	w.leaf("sav:messageRetour", e.MessageRetour)
	if e.TroubleTicketKey != nil {
		writeKey(w, "sav:troubleTicketKey", e.TroubleTicketKey)
	}
	w.close("sav:erreur")
}

// DecodeFaultDetail reads a document whose root is a SOAP fault's detail
// element (any name) and returns the exception its entries describe.
func DecodeFaultDetail(in io.Reader, p *Profile) (*Exception, error) {
	r := newReader(NewXMLDecoder(in), p)
	if _, err := r.root(); err != nil {
		return nil, err
	}
	e := &Exception{}
	err := r.children(func(c xml.StartElement) error { return readDetailEntry(r, c, e) })
	if err == nil {
		r.leave()
		err = r.trailer()
	}
	if err != nil {
		return nil, err
	}
	if !e.Op.Valid() && e.Erreur == nil {
		return nil, &DecodeError{Line: r.line(), Element: "detail", Code: codes.ReturnCodeBadInterface,
			Err: fmt.Errorf("%w: the detail has no JSR-91 exception", ErrUnknownMessage)}
	}
	return e, nil
}

// MarshalBodyIndent is [MarshalBody] with each element on its own line,
// indented by indent per level (leaves keep their text on their line), for
// logs and documentation. The result decodes to the same message.
func MarshalBodyIndent(m Message, p *Profile, indent string) ([]byte, error) {
	w := &writer{b: []byte(xml.Header[:len(xml.Header)-1]), p: p.orDefault(), indent: indent}
	if err := writeMessage(w, m); err != nil {
		return nil, err
	}
	return append(w.b, '\n'), nil
}

// MarshalFaultDetail returns a standalone SOAP 1.1 detail element (the
// unqualified <detail> of a Fault) holding the entries of e, indented by
// indent when not empty.
func MarshalFaultDetail(e *Exception, p *Profile, indent string) ([]byte, error) {
	w := &writer{b: []byte(xml.Header[:len(xml.Header)-1]), p: p.orDefault(), indent: indent}
	if indent == "" {
		w.b = append(w.b, '\n')
	}
	w.open("detail")
	if err := writeException(w, e); err != nil {
		return nil, err
	}
	if e.Erreur != nil {
		writeErreur(w, e.Erreur)
	}
	if w.err != nil {
		return nil, w.err
	}
	w.close("detail")
	return append(w.b, '\n'), nil
}
