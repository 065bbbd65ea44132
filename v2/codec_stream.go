package v2

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/opensav/savsdk/codes"
)

// ValueReader reads the trouble ticket values of a search or query response
// (getTroubleTicketsByTemplateResponse, queryTroubleTicketsResponse) one at
// a time, so that a large page costs the memory of one value. It reads a
// bare body; for an enveloped response, hand it the body element's content
// with [NewValueReaderAt].
type ValueReader struct {
	r *reader
	// Op is the operation of the response, known after the first Read.
	Op Operation
	// Sequence and EndOfReply are co:sequence and co:endOfReply, known
	// after the first Read (they precede the values).
	Sequence   int32
	EndOfReply bool

	started bool
	inList  bool
	done    bool
	err     error
}

// NewValueReader returns a reader of the values of the response document in.
func NewValueReader(in io.Reader, p *Profile) *ValueReader {
	return &ValueReader{r: newReader(NewXMLDecoder(in), p)}
}

// NewValueReaderAt returns a reader of the values of the response whose
// start element is start, d positioned right after it (as [ReadBody]).
func NewValueReaderAt(d *xml.Decoder, start xml.StartElement, p *Profile) (*ValueReader, error) {
	vr := &ValueReader{r: newReader(d, p), started: true}
	if err := vr.r.enter(start); err != nil {
		return nil, err
	}
	if err := vr.begin(start); err != nil {
		return nil, err
	}
	return vr, nil
}

func (vr *ValueReader) begin(start xml.StartElement) error {
	op, part, ok := LookupElement(start.Name)
	if !ok || part != PartResponse || (op != OpGetTroubleTicketsByTemplate && op != OpQueryTroubleTickets) {
		return &DecodeError{Line: vr.r.line(), Element: start.Name.Local, Code: codes.ReturnCodeBadInterface,
			Err: fmt.Errorf("%w: not a search or query response", ErrUnknownMessage)}
	}
	vr.Op = op
	return nil
}

// next returns the next child element of the current element, or false at
// its end (consumed).
func (r *reader) next() (xml.StartElement, bool, error) {
	for {
		tok, err := r.d.Token()
		if err != nil {
			return xml.StartElement{}, false, r.syntax(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, true, r.enter(t)
		case xml.EndElement:
			return xml.StartElement{}, false, nil
		case xml.Directive:
			return xml.StartElement{}, false, &DecodeError{Line: r.line(), Code: codes.ReturnCodeBadFormat,
				Err: fmt.Errorf("%w: DTDs and directives are not allowed", ErrSyntax)}
		}
	}
}

// Read returns the next value; io.EOF after the last one. Nil items are
// skipped. After an error other than io.EOF the reader is unusable.
func (vr *ValueReader) Read() (*TroubleTicketValue, error) {
	if vr.err != nil {
		return nil, vr.err
	}
	v, err := vr.read()
	if err != nil {
		vr.err = err
	}
	return v, err
}

func (vr *ValueReader) read() (*TroubleTicketValue, error) {
	r := vr.r
	if !vr.started {
		vr.started = true
		start, err := r.root()
		if err != nil {
			return nil, err
		}
		if err := vr.begin(start); err != nil {
			return nil, err
		}
	}
	for !vr.done {
		c, ok, err := r.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			r.leave()
			if vr.inList {
				vr.inList = false
				continue
			}
			vr.done = true
			break
		}
		switch {
		case vr.inList && c.Name.Space == NamespaceTT && c.Name.Local == "item":
			if isNil(c) {
				if err := r.skip(); err != nil {
					return nil, err
				}
				r.leave()
				continue
			}
			v := &TroubleTicketValue{}
			if err := readTTV(r, c, v); err != nil {
				return nil, err
			}
			r.leave()
			return v, nil
		case !vr.inList && c.Name.Space == NamespaceCO && c.Name.Local == "sequence":
			err = readInt32(r, c, &vr.Sequence)
		case !vr.inList && c.Name.Space == NamespaceCO && c.Name.Local == "endOfReply":
			err = readBool(r, c, &vr.EndOfReply)
		case !vr.inList && c.Name.Space == NamespaceTT && c.Name.Local == "troubleTicketValues" && !isNil(c):
			vr.inList = true
			continue
		default:
			err = r.skip()
		}
		if err != nil {
			return nil, err
		}
		r.leave()
	}
	return nil, io.EOF
}

// ValueWriter writes a search or query response one value at a time: the
// response element and co:sequence/co:endOfReply first, then each value as
// a tt:item, then the closing tags on Close. Errors are sticky.
type ValueWriter struct {
	out   *bufio.Writer
	w     writer
	qn    string
	n     int
	err   error
	close bool
}

// NewValueWriter starts the response of op (OpGetTroubleTicketsByTemplate
// or OpQueryTroubleTickets) with the page's sequence and endOfReply.
func NewValueWriter(out io.Writer, op Operation, sequence int32, endOfReply bool, p *Profile) (*ValueWriter, error) {
	if op != OpGetTroubleTicketsByTemplate && op != OpQueryTroubleTickets {
		return nil, &EncodeError{Element: op.String(), Err: errors.New("not a search or query operation")}
	}
	vw := &ValueWriter{out: bufio.NewWriter(out), w: writer{p: p.orDefault()}}
	vw.qn = "tt:" + op.String() + PartResponse.String()
	w := &vw.w
	w.startTag(vw.qn)
	w.rootAttrs()
	w.endStart()
	w.leaf("co:sequence", itoa(int(sequence)))
	writeBool(w, "co:endOfReply", &endOfReply)
	return vw, nil
}

func (vw *ValueWriter) flush() {
	if vw.err == nil && vw.w.err != nil {
		vw.err = vw.w.err
	}
	if vw.err == nil {
		_, vw.err = vw.out.Write(vw.w.b)
	}
	vw.w.b = vw.w.b[:0]
}

// Write writes one value.
func (vw *ValueWriter) Write(v *TroubleTicketValue) error {
	if vw.err != nil {
		return vw.err
	}
	if vw.close {
		return errors.New("v2: write after Close")
	}
	if vw.n == 0 {
		vw.w.open("tt:troubleTicketValues")
	}
	vw.n++
	writeTTV(&vw.w, "tt:item", v)
	vw.flush()
	return vw.err
}

// Close ends the document and flushes it.
func (vw *ValueWriter) Close() error {
	if vw.close {
		return vw.err
	}
	vw.close = true
	if vw.n > 0 {
		vw.w.close("tt:troubleTicketValues")
	}
	vw.w.close(vw.qn)
	vw.flush()
	if vw.err == nil {
		vw.err = vw.out.Flush()
	}
	return vw.err
}
