package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
	"github.com/opensav/savsdk/v2"
)

const traceUsage = "savctl trace FILE..."

// traceStep is one message of an exchange, as a ticket transaction.
type traceStep struct {
	file string
	line int
	tx   ticket.Transaction
	// ocRef and oiRef identify the ticket (either may be empty).
	codeOC, codeOI string
	ocRef, oiRef   string
	// v1aAck is a 1.0a AR OK: it also starts the prise en charge.
	v1aAck bool
	// answer is a v2 answer to the request before it: a create response
	// (AR OK) or a fault; the ticket is the one that request was about.
	answer bool
	fault  *v2.Exception
}

// traceFile is one file of the exchange with the time that orders it.
type traceFile struct {
	name  string
	at    time.Time
	steps []traceStep
}

// traceTicket is a ticket being replayed.
type traceTicket struct {
	label   string
	t       *ticket.Ticket
	lines   []string
	refused bool
	skipped int
	steps   int
}

func runTrace(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	files, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, "trace", err, traceUsage)
	}
	if len(files) == 0 {
		return fail(e, "trace", usagef("no FILE"), traceUsage)
	}
	var tfs []*traceFile
	for _, name := range files {
		if ctx.Err() != nil {
			return fail(e, "trace", ctx.Err(), "")
		}
		in, err := readInput(e, name)
		if err != nil {
			return fail(e, "trace", err, "")
		}
		tf, err := readTraceFile(e, in)
		if err != nil {
			return fail(e, "trace", err, "")
		}
		tfs = append(tfs, tf)
	}
	orderTraceFiles(tfs)
	r := &replay{byOC: map[string]*traceTicket{}, byOI: map[string]*traceTicket{}}
	for _, tf := range tfs {
		for _, st := range tf.steps {
			r.step(st)
		}
	}
	refused := 0
	for _, tt := range r.order {
		fmt.Fprintln(e.stdout, tt.label)
		for _, l := range tt.lines {
			fmt.Fprintln(e.stdout, "  "+l)
		}
		if tt.skipped > 0 {
			fmt.Fprintf(e.stdout, "  %d later %s not replayed\n", tt.skipped, plural(tt.skipped, "step", "steps"))
		}
		verdict := "ok"
		if tt.refused {
			verdict = "refused"
			refused++
		}
		fmt.Fprintf(e.stdout, "  => %s, version %d: %s\n", tt.t.State, tt.t.Version, verdict)
	}
	fmt.Fprintf(e.stdout, "trace: %d %s, %d %s, %d %s, %d refused\n", len(tfs), plural(len(tfs), "file", "files"),
		len(r.order), plural(len(r.order), "ticket", "tickets"), r.steps, plural(r.steps, "step", "steps"), refused)
	if refused > 0 {
		return exitInvalid
	}
	return exitOK
}

// orderTraceFiles sorts the files by their own time (file name, header
// or first record), keeping the command line's order for equal times; a
// file without a time keeps its place after the file before it.
func orderTraceFiles(tfs []*traceFile) {
	var prev time.Time
	for _, tf := range tfs {
		if tf.at.IsZero() {
			for _, st := range tf.steps {
				if !st.tx.At.IsZero() {
					tf.at = st.tx.At
					break
				}
			}
		}
		if tf.at.IsZero() {
			tf.at = prev
		}
		prev = tf.at
	}
	sort.SliceStable(tfs, func(i, j int) bool { return tfs[i].at.Before(tfs[j].at) })
}

// readTraceFile reads the steps of one file of any protocol.
func readTraceFile(e *env, in *input) (*traceFile, error) {
	if (v2XML{}).accepts(in) {
		return traceV2(e, in)
	}
	if (v1aMail{}).accepts(in) {
		m, err := v1a.ParseMail(bytes.NewReader(in.data))
		if err != nil {
			return nil, fmt.Errorf("%s: mail: %s", in.name, describe(err))
		}
		name := m.FileName
		if _, err := v1a.ParseFileName(name); err != nil {
			if n, err := v1a.ParseSubject(m.Subject); err == nil {
				name = n.String()
			}
		}
		return traceV1A(e, in.name, name, m.Attachment, m.Charset)
	}
	return traceV1A(e, in.name, baseName(in.name), in.data, "")
}

// traceV1A reads the ticket-bearing lines of a 1.0a file. Lines about no
// ticket (TRAVAUX, DOMMAGE, ARDOMMAGE) are noted on stderr.
func traceV1A(e *env, file, fileName string, data []byte, charset string) (*traceFile, error) {
	tf := &traceFile{name: file}
	if n, err := v1a.ParseFileName(fileName); err == nil {
		tf.at = n.Time
	}
	r := v1a.NewReader(bytes.NewReader(data))
	r.Charset = charset
	flow, err := r.Header()
	if err != nil {
		return nil, fmt.Errorf("%s: %s", file, describe(err))
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if rec == nil {
			return nil, fmt.Errorf("%s: %s", file, describe(err))
		}
		oc, oi := operatorCodes(fileName, flow, rec, convertOptions{})
		tx, err := v1a.TransactionOf(rec, oc, oi)
		if errors.Is(err, v1a.ErrNotCarried) {
			fmt.Fprintf(e.stderr, "savctl trace: %s:%d: a %s line is about no ticket: not replayed\n", file, r.Line(), flow)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s", file, r.Line(), describe(err))
		}
		if tx.At.IsZero() {
			// A deposit and an AR KO carry no time: the file's.
			tx.At = tf.at
		}
		st := traceStep{file: file, line: r.Line(), tx: tx, codeOC: oc, codeOI: oi}
		switch rec := rec.(type) {
		case *v1a.Depot:
			st.ocRef = rec.ReferenceSigSAVRaccoOC
		case *v1a.AR:
			st.ocRef, st.oiRef = rec.ReferenceSigSAVRaccoOC, rec.ReferenceSigSAVOI
			st.v1aAck = tx.Kind == ticket.KindAcknowledge
		case *v1a.Cloture:
			st.ocRef, st.oiRef = rec.ReferenceSigSAVRaccoOC, rec.ReferenceSigSAVOI
		case *v1a.Info:
			st.ocRef, st.oiRef = rec.ReferenceSigSAVRaccoOC, rec.ReferenceSigSAVOI
		}
		tf.steps = append(tf.steps, st)
	}
	return tf, nil
}

// traceV2 reads the step a 2.0 document carries: a create (CREATE), its
// response (AR OK) or a fault (AR KO for a create, a refusal otherwise),
// a set (its transaction). Other documents carry no step.
func traceV2(e *env, in *input) (*traceFile, error) {
	p := v2.DefaultProfile()
	m, err := (&soap.Decoder{HeaderSpace: p.NamespaceSAV, Location: p.Location}).Decode(bytes.NewReader(in.data))
	if err != nil {
		return nil, fmt.Errorf("%s: %s", in.name, trimPrefixes(err.Error()))
	}
	doc, err := v2.Check(bytes.NewReader(in.data), p)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", in.name, trimPrefixes(err.Error()))
	}
	tf := &traceFile{name: in.name}
	var oc, oi string
	if h := m.Header.Entete; h != nil {
		tf.at, oc, oi = h.Horodatage, h.CodeOC, h.CodeOI
	}
	st := traceStep{file: in.name, line: m.Line, codeOC: oc, codeOI: oi}
	switch msg := doc.Message.(type) {
	case *v2.CreateTroubleTicketByValueRequest:
		f := msg.Value.Filing(p)
		f.CodeOC, f.CodeOI = firstOf(f.CodeOC, oc), firstOf(f.CodeOI, oi)
		st.tx = ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: tf.at, Filing: &f}
		st.ocRef, st.codeOC, st.codeOI = f.ReferenceSigSAVRaccoOC, f.CodeOC, f.CodeOI
	case *v2.CreateTroubleTicketByValueResponse:
		st.answer = true
		st.tx = ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: tf.at,
			ReferenceSigSAVOI: msg.Key.PrimaryKey}
		st.oiRef = msg.Key.PrimaryKey
	case *v2.SetTroubleTicketByValueRequest:
		key, tx, err := msg.Transaction(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", in.name, trimPrefixes(err.Error()))
		}
		st.tx, st.oiRef = tx, key
	case *v2.Exception:
		st.answer, st.fault = true, msg
	default:
		if doc.Fault {
			st.answer = true
			break
		}
		fmt.Fprintf(e.stderr, "savctl trace: %s: a %s document carries no step: not replayed\n", in.name, doc.Flow())
		return tf, nil
	}
	if st.tx.At.IsZero() {
		st.tx.At = tf.at
	}
	tf.steps = []traceStep{st}
	return tf, nil
}

// replay applies the steps to their tickets in order.
type replay struct {
	order      []*traceTicket
	byOC, byOI map[string]*traceTicket
	steps      int
	// last is the ticket of the latest request and its copy before it,
	// for the answer that follows it.
	last       *traceTicket
	lastBefore *ticket.Ticket
	lastKind   ticket.Kind
}

func (r *replay) find(st traceStep) *traceTicket {
	if st.ocRef != "" {
		if tt, ok := r.byOC[st.codeOC+"/"+st.ocRef]; ok {
			return tt
		}
	}
	if st.oiRef != "" {
		if tt, ok := r.byOI[st.codeOI+"/"+st.oiRef]; ok {
			return tt
		}
	}
	tt := &traceTicket{t: &ticket.Ticket{}}
	r.order = append(r.order, tt)
	r.index(tt, st)
	return tt
}

func (r *replay) index(tt *traceTicket, st traceStep) {
	if st.ocRef != "" {
		r.byOC[st.codeOC+"/"+st.ocRef] = tt
	}
	if st.oiRef != "" {
		r.byOI[st.codeOI+"/"+st.oiRef] = tt
	}
	ref := firstOf(st.ocRef, tt.t.ReferenceSigSAVRaccoOC, "?")
	tt.label = fmt.Sprintf("ticket %s (OC %s, OI %s", ref, firstOf(st.codeOC, "?"), firstOf(st.codeOI, "?"))
	if id := firstOf(tt.t.ReferenceSigSAVOI, st.oiRef); id != "" {
		tt.label += ", id " + id
	}
	tt.label += ")"
}

func (r *replay) step(st traceStep) {
	r.steps++
	var tt *traceTicket
	if st.answer {
		tt = r.last
		if tt == nil {
			tt = r.find(st)
			tt.lines = append(tt.lines, fmt.Sprintf("%s  %s:%d: an answer to no request: not replayed",
				stamp(st.tx.At), st.file, st.line))
			return
		}
		if st.fault != nil || st.tx.Kind == 0 {
			r.refusedByPartner(tt, st)
			return
		}
		st.ocRef = tt.t.ReferenceSigSAVRaccoOC
		st.codeOC, st.codeOI = tt.t.CodeOC, tt.t.CodeOI
		r.index(tt, st)
	} else {
		tt = r.find(st)
	}
	r.last, r.lastBefore, r.lastKind = tt, tt.t.Clone(), st.tx.Kind
	if st.answer {
		r.last = nil
	}
	if tt.refused {
		tt.skipped++
		return
	}
	tt.steps++
	var err error
	if st.v1aAck {
		err = tt.t.ApplyV1AAcknowledge(st.tx)
	} else {
		err = tt.t.Apply(st.tx)
	}
	where := fmt.Sprintf("%s:%d", st.file, st.line)
	if err != nil {
		tt.refused = true
		field, code, msg := st.tx.Kind.String(), 0, strings.TrimPrefix(err.Error(), "ticket: ")
		var te *ticket.TransitionError
		if errors.As(err, &te) {
			code = int(te.Code)
			if te.Field != "" {
				field = te.Field
			}
			msg = withReason(te.Code.Message(field), te.Reason)
		}
		tt.lines = append(tt.lines, fmt.Sprintf("%s  %s %s: REFUSED %s: %s: %d %s", stamp(st.tx.At), st.tx.Sender,
			st.tx.Kind, where, field, code, msg))
		return
	}
	if st.ocRef != "" || st.oiRef != "" {
		r.index(tt, st)
	}
	h := tt.t.History
	n := 1
	if st.v1aAck {
		n = 2
	}
	for _, rec := range h[len(h)-min(n, len(h)):] {
		implicit := ""
		if rec.Implicit {
			implicit = " (implicit)"
		}
		tt.lines = append(tt.lines, fmt.Sprintf("%s  %s %s%s -> %s v%d  %s", stamp(rec.At), rec.Sender, rec.Kind,
			implicit, rec.State, rec.Version, where))
	}
}

// refusedByPartner handles a fault: an AR KO when it answers a create,
// otherwise the partner refused the request before it, which is undone.
func (r *replay) refusedByPartner(tt *traceTicket, st traceStep) {
	r.last = nil
	code, msg := 0, "SOAP fault"
	if f := st.fault; f != nil {
		code, msg = int(f.ReturnCode()), f.Message
		if f.Erreur != nil && f.Erreur.MessageRetour != "" {
			msg = f.Erreur.MessageRetour
		}
	}
	where := fmt.Sprintf("%s:%d", st.file, st.line)
	if r.lastKind == ticket.KindCreate && !tt.refused {
		tx := ticket.Transaction{Kind: ticket.KindReject, Sender: codes.RoleOI, At: st.tx.At,
			Rejet: &ticket.Rejection{CodeRetour: codes.ReturnCode(code), MotifRefus: msg}}
		st.tx, st.answer = tx, false
		st.ocRef, st.codeOC, st.codeOI = tt.t.ReferenceSigSAVRaccoOC, tt.t.CodeOC, tt.t.CodeOI
		r.steps--
		r.step(st)
		r.last = nil
		return
	}
	if !tt.refused && r.lastBefore != nil {
		tt.t = r.lastBefore
		tt.lines = append(tt.lines, fmt.Sprintf("%s  partner's fault %d %s: the %s before it is not applied  %s",
			stamp(st.tx.At), code, msg, r.lastKind, where))
	}
}

// stamp writes a step's time in Europe/Paris.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-------------------"
	}
	return t.In(ticket.Paris).Format("2006-01-02 15:04:05")
}
