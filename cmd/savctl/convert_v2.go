package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v2"
)

// decode reads the ticket a protocol 2.0 document carries: the deposit of
// a create, the transaction of a set, the whole ticket of a get response.
// The operator codes come from the sav:entete, else the value, else the
// flags.
func (v2XML) decode(_ context.Context, in *input, opt convertOptions) (*decoded, error) {
	p := v2.DefaultProfile()
	m, err := (&soap.Decoder{HeaderSpace: p.NamespaceSAV, Location: p.Location}).Decode(bytes.NewReader(in.data))
	if err != nil {
		return nil, &invalidInput{fmt.Errorf("%s: %s", in.name, trimPrefixes(err.Error()))}
	}
	doc, err := v2.Check(bytes.NewReader(in.data), p)
	if err != nil {
		return nil, &invalidInput{fmt.Errorf("%s: %s", in.name, trimPrefixes(err.Error()))}
	}
	d := &decoded{line: 1}
	if m.Envelope {
		d.line = m.Line
		for _, f := range enteteFindings(m) {
			d.errors = append(d.errors, f)
		}
	}
	for _, f := range doc.Findings {
		d.errors = append(d.errors, finding{Line: f.Line, Field: f.Field, Code: int(f.Code),
			Message: withReason(f.Message, f.Reason)})
	}
	var valueOC, valueOI string
	switch msg := doc.Message.(type) {
	case *v2.CreateTroubleTicketByValueRequest:
		f := msg.Value.Filing(p)
		valueOC, valueOI = f.CodeOC, f.CodeOI
		t := &ticket.Ticket{Filing: f, State: ticket.StateSubmitted}
		t.History = []ticket.Record{{Transaction: ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC,
			Filing: &f}, State: ticket.StateSubmitted}}
		d.ticket = t
	case *v2.SetTroubleTicketByValueRequest:
		key, tx, err := msg.Transaction(p)
		if err != nil {
			return nil, &invalidInput{fmt.Errorf("%s: %s", in.name, trimPrefixes(err.Error()))}
		}
		if s := msg.Value.SAV; s != nil {
			valueOC, valueOI = s.CodeOC.Or(""), s.CodeOI.Or("")
		}
		d.ticket = ticketOfTransaction(key, valueOC, valueOI, tx)
	case *v2.GetTroubleTicketByKeyResponse:
		t, err := msg.Value.Ticket(p)
		if err != nil {
			return nil, &invalidInput{fmt.Errorf("%s: %s", in.name, trimPrefixes(err.Error()))}
		}
		valueOC, valueOI = t.CodeOC, t.CodeOI
		d.ticket = t
	default:
		return nil, &invalidInput{fmt.Errorf("%s: a %s document carries no ticket (create, set or get response)",
			in.name, doc.Flow())}
	}
	d.codeOC = firstOf(enteteCode(m, true), valueOC, opt.oc)
	d.codeOI = firstOf(enteteCode(m, false), valueOI, opt.oi)
	if d.ticket.CodeOC == "" {
		d.ticket.CodeOC = d.codeOC
	}
	if d.ticket.CodeOI == "" {
		d.ticket.CodeOI = d.codeOI
	}
	return d, nil
}

// ticketOfTransaction is the ticket a set describes: the state the
// transaction leads to, the data it carries, and the transaction as its
// only history entry.
func ticketOfTransaction(key, oc, oi string, tx ticket.Transaction) *ticket.Ticket {
	t := &ticket.Ticket{Filing: ticket.Filing{CodeOC: oc, CodeOI: oi}, ReferenceSigSAVOI: key, UpdatedAt: tx.At,
		Version: tx.Version + 1}
	for _, r := range ticket.Rules() {
		if r.Kind == tx.Kind {
			t.State = r.To
			break
		}
	}
	t.EtatResolution = tx.EtatResolution
	t.Intervention = tx.Intervention
	t.Rdv = tx.Rdv
	t.Client = tx.Client
	switch tx.Kind {
	case ticket.KindCaseSolved:
		t.Cloture, t.EtatResolution = tx.Cloture, codes.EtatResolutionTerminee
	case ticket.KindCancel:
		t.Cloture = &ticket.Closure{Annulation: true, Date: tx.At}
	}
	t.History = []ticket.Record{{Transaction: tx, State: t.State, Version: t.Version}}
	return t
}

func enteteCode(m *soap.Message, oc bool) string {
	if e := m.Header.Entete; e != nil {
		if oc {
			return e.CodeOC
		}
		return e.CodeOI
	}
	return ""
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// encode writes a SOAP 1.1 envelope with sav:entete whose body is the
// request carrying the ticket's latest step: createTroubleTicketByValue
// for a deposit, setTroubleTicketByValue for a transaction a set carries.
func (v2XML) encode(w io.Writer, d *decoded, opt convertOptions) ([]string, error) {
	p := v2.DefaultProfile()
	oc, oi := firstOf(d.codeOC, d.ticket.CodeOC), firstOf(d.codeOI, d.ticket.CodeOI)
	for _, c := range []struct{ flag, v string }{{"--oc", oc}, {"--oi", oi}} {
		if c.v == "" {
			return nil, usagef("the operator codes are not in the file: give %s", c.flag)
		}
		if err := codes.ValidOperatorCode(c.v); err != nil {
			return nil, &invalidInput{fmt.Errorf("operator code %q: want four upper-case letters or digits", c.v)}
		}
	}
	tx, isTx := latestStep(d.ticket)
	var msg v2.Message
	var losses []string
	switch {
	case !isTx || tx.Kind == ticket.KindCreate:
		f := d.ticket.Filing
		if tx.Filing != nil {
			f = *tx.Filing
		}
		f.CodeOC, f.CodeOI = firstOf(f.CodeOC, oc), firstOf(f.CodeOI, oi)
		req := v2.NewCreateRequest(&f, p)
		back := req.Value.Filing(p)
		losses = differences("", reflect.ValueOf(f), reflect.ValueOf(back))
		msg = req
	case tx.Kind == ticket.KindAcknowledge || tx.Kind == ticket.KindReject:
		return nil, &invalidInput{fmt.Errorf("%v has no protocol 2.0 request: it is the answer to a create "+
			"(createTroubleTicketByValueResponse or a fault)", tx.Kind)}
	default:
		key := d.ticket.ReferenceSigSAVOI
		if key == "" {
			return nil, &invalidInput{errors.New("the ticket has no OI id (ReferenceSigSAVOI): a set needs its key")}
		}
		if tx.At.IsZero() {
			tx.At = opt.now
		}
		req, err := v2.NewSetRequest(key, oc, oi, &tx, p)
		if err != nil {
			return nil, &invalidInput{errors.New(trimPrefixes(err.Error()))}
		}
		_, back, err := req.Transaction(p)
		if err != nil {
			return nil, err
		}
		losses = differences("", reflect.ValueOf(tx), reflect.ValueOf(back))
		msg = req
	}
	h := soap.Header{Entete: &soap.Entete{VersionProtocole: v2.ProtocolVersion, Horodatage: opt.now.In(p.Location),
		CodeOC: oc, CodeOI: oi}}
	enc := &soap.Encoder{HeaderSpace: p.NamespaceSAV}
	err := enc.Encode(w, h, func(w io.Writer) error {
		b, err := v2.MarshalBodyIndent(msg, p, "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		var ee *v2.EncodeError
		if errors.As(err, &ee) {
			return nil, &invalidInput{errors.New(trimPrefixes(err.Error()))}
		}
		return nil, err
	}
	return losses, nil
}

// latestStep is the ticket's last explicit transaction.
func latestStep(t *ticket.Ticket) (ticket.Transaction, bool) {
	for i := len(t.History) - 1; i >= 0; i-- {
		if h := t.History[i]; !(h.Implicit && h.Kind == ticket.KindCaseSolving) {
			return h.Transaction, true
		}
	}
	return ticket.Transaction{}, false
}

// differences lists the fields of want that got does not have the same
// (what the target form lost), by dotted Go field name. Times compare as
// instants; empty and nil are the same.
func differences(prefix string, want, got reflect.Value) []string {
	if want.Kind() == reflect.Pointer {
		if want.IsNil() {
			return nil
		}
		if got.IsNil() {
			return []string{prefix}
		}
		return differences(prefix, want.Elem(), got.Elem())
	}
	if want.Type() == reflect.TypeOf(time.Time{}) {
		w, g := want.Interface().(time.Time), got.Interface().(time.Time)
		if !w.Equal(g) {
			return []string{prefix}
		}
		return nil
	}
	if want.Kind() != reflect.Struct {
		if want.IsZero() || reflect.DeepEqual(want.Interface(), got.Interface()) {
			return nil
		}
		return []string{prefix}
	}
	var out []string
	for i := range want.NumField() {
		f := want.Type().Field(i)
		if !f.IsExported() || slices.Contains([]string{"Sender", "ResyncRequired", "Implicit"}, f.Name) {
			continue
		}
		name := f.Name
		if prefix != "" && !f.Anonymous {
			name = prefix + "." + f.Name
		} else if f.Anonymous {
			name = prefix
		}
		out = append(out, differences(name, want.Field(i), got.Field(i))...)
	}
	return out
}
