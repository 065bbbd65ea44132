package v1a

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
)

// AckOptions configures [ComputeAR] and [ComputeARDommage].
type AckOptions struct {
	// Validator checks each line; nil means a zero Validator (current time,
	// no hook). Its Now also dates the acknowledgements. It is used through
	// a copy when its Now is zero or UniqueDeposits is off (it is turned on).
	Validator *Validator
	// Charset is the input's MIME charset parameter, when it came in a mail.
	Charset string
	// Layouts overrides the input's and output's layouts for a partner.
	Layouts []*Layout
	// Strict makes lenient repairs findings (so KO lines).
	Strict bool
	// NewID returns the OI reference of the n-th OK line (1-based). Nil
	// means IDPrefix followed by n on six digits.
	NewID func(n int) string
	// IDPrefix is the prefix of the default ids.
	IDPrefix string
	// OutCharset is the charset the answer will be written in; reasons
	// quoting values it cannot encode spell those runes as U+XXXX.
	OutCharset Charset
}

// AckLine is the answer to one input line: the input line checked and the
// AR or ARDOMMAGE record answering it.
type AckLine struct {
	Result
	Answer Record // *AR or *ARDommage
}

// Ack is the answer to a DEPOT or DOMMAGE file: one line per input line, in
// order, or a single KO line (code 3) for a file that cannot be read.
type Ack struct {
	Flow  Flow // FlowAR or FlowARDommage
	Lines []AckLine
	// Unreadable is the error that made the file unreadable, when it was.
	Unreadable error
}

// Records returns the answer's records, in order.
func (a *Ack) Records() []Record {
	out := make([]Record, len(a.Lines))
	for i, l := range a.Lines {
		out[i] = l.Answer
	}
	return out
}

// WriteTo writes the answer file with w's settings (header, one line per
// record) and flushes it.
func (a *Ack) WriteTo(w *Writer) error {
	if w.Flow() != a.Flow {
		return &LayoutError{Flow: w.Flow(), Reason: "cannot write a " + string(a.Flow) + " answer", err: ErrWrongFlow}
	}
	if err := w.WriteHeader(); err != nil {
		return err
	}
	for _, l := range a.Lines {
		if err := w.Write(l.Answer); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// ComputeAR answers a DEPOT file as the OI does (V1A.md "AR"): each line is
// read and validated (with UniqueDeposits: a reference deposited twice is
// refused), and answered in order — OK with a new OI reference
// and the date of prise en compte when it has no finding, else KO with the
// first finding's code and every finding's message in MotifRefus. A file
// that cannot be read at all (not CSV, not a DEPOT header) is answered by
// one KO line with empty references, code 3 and the reason. The error is
// only ctx's.
func ComputeAR(ctx context.Context, src io.Reader, opt AckOptions) (*Ack, error) {
	return acknowledge(ctx, src, opt, FlowDepot)
}

// ComputeARDommage answers a DOMMAGE file like [ComputeAR] answers a DEPOT
// file, with ARDOMMAGE lines.
func ComputeARDommage(ctx context.Context, src io.Reader, opt AckOptions) (*Ack, error) {
	return acknowledge(ctx, src, opt, FlowDommage)
}

func acknowledge(ctx context.Context, src io.Reader, opt AckOptions, in Flow) (*Ack, error) {
	out := FlowAR
	if in == FlowDommage {
		out = FlowARDommage
	}
	v := opt.Validator
	if v == nil {
		v = &Validator{}
	}
	if v.Now.IsZero() || !v.UniqueDeposits {
		vc := *v
		if vc.Now.IsZero() {
			vc.Now = time.Now()
		}
		vc.UniqueDeposits = true
		v = &vc
	}
	r := NewReader(src)
	r.Charset, r.Layouts, r.Strict, r.Flow = opt.Charset, opt.Layouts, opt.Strict, in
	ack := &Ack{Flow: out}
	okCount := 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := v.Next(ctx, r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return unreadable(out, err, opt.OutCharset), nil
		}
		rec := res.Record
		line := AckLine{Result: res}
		if res.Valid() {
			okCount++
			id := defaultID(opt.IDPrefix, okCount)
			if opt.NewID != nil {
				id = opt.NewID(okCount)
			}
			line.Answer = answerOK(rec, id, v.Now)
		} else {
			line.Answer = answerKO(rec, res.Errors, opt.OutCharset)
		}
		ack.Lines = append(ack.Lines, line)
	}
	return ack, nil
}

func defaultID(prefix string, n int) string {
	if prefix == "" {
		prefix = "SAV"
	}
	return fmt.Sprintf("%s%06d", prefix, n)
}

func answerOK(rec Record, id string, at time.Time) Record {
	at = at.Truncate(time.Second)
	switch x := rec.(type) {
	case *Depot:
		return &AR{ReferenceSigSAVRaccoOC: x.ReferenceSigSAVRaccoOC, ReferencePrestationPrise: x.ReferencePrestationPrise,
			ReferencePrise: x.ReferencePrise, StatutAR: StatutOK, ReferenceSigSAVOI: id, DatePriseEnCompte: at,
			CodeRetour: codes.ReturnCodeOK}
	case *Dommage:
		return &ARDommage{ReferenceDommageOC: x.ReferenceDommageOC, StatutAR: StatutOK, ReferenceDommageOI: id,
			DatePriseEnCompte: at, CodeRetour: codes.ReturnCodeOK}
	}
	return nil
}

func answerKO(rec Record, errs []Finding, cs Charset) Record {
	code, motif := Motif(errs)
	motif = fitCharset(motif, cs)
	switch x := rec.(type) {
	case *Depot:
		return &AR{ReferenceSigSAVRaccoOC: fitCharset(x.ReferenceSigSAVRaccoOC, cs),
			ReferencePrestationPrise: fitCharset(x.ReferencePrestationPrise, cs),
			ReferencePrise:           fitCharset(x.ReferencePrise, cs), StatutAR: StatutKO, CodeRetour: code,
			MotifRefus: motif}
	case *Dommage:
		return &ARDommage{ReferenceDommageOC: fitCharset(x.ReferenceDommageOC, cs), StatutAR: StatutKO,
			CodeRetour: code, MotifRefus: motif}
	}
	return nil
}

// Motif returns the return code and the MotifRefus of a KO answer to a line
// with these findings: the first finding's code; its message, then every
// other finding's, separated by " | ".
func Motif(errs []Finding) (codes.ReturnCode, string) {
	if len(errs) == 0 {
		return codes.ReturnCodeOK, ""
	}
	parts := make([]string, len(errs))
	for i, f := range errs {
		parts[i] = f.Message
	}
	return errs[0].Code, strings.Join(parts, " | ")
}

func unreadable(out Flow, err error, cs Charset) *Ack {
	reason := codes.ReturnCodeBadFormat.Message("fichier") + ": " + describe(err)
	reason = fitCharset(reason, cs)
	ack := &Ack{Flow: out, Unreadable: err}
	var rec Record = &AR{StatutAR: StatutKO, CodeRetour: codes.ReturnCodeBadFormat, MotifRefus: reason}
	if out == FlowARDommage {
		rec = &ARDommage{StatutAR: StatutKO, CodeRetour: codes.ReturnCodeBadFormat, MotifRefus: reason}
	}
	line := 0
	if pe, ok := errors.AsType[*ParseError](err); ok {
		line = pe.Line
	}
	if _, ok := errors.AsType[*HeaderError](err); ok {
		line = 1
	}
	f := newFinding(line, "fichier", codes.ReturnCodeBadFormat, describe(err))
	ack.Lines = []AckLine{{Result: Result{Line: line, Errors: []Finding{f}}, Answer: rec}}
	return ack
}

// describe is an error's text without the package prefix.
func describe(err error) string {
	return strings.TrimPrefix(err.Error(), "v1a: ")
}

// fitCharset spells the runes cs cannot encode as U+XXXX, so an answer that
// quotes a partner's value can always be written.
func fitCharset(s string, cs Charset) string {
	if _, ok := cs.Encodable(s); ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if _, ok := cs.Encodable(string(r)); ok {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "U+%04X", r)
		}
	}
	return b.String()
}
