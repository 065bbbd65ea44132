package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// v1aRecord is one record of a file with its line and findings.
type v1aRecord struct {
	rec    v1a.Record
	line   int
	errors []finding
}

// pickV1ARecord reads a CSV file and returns the record at line (0: the
// only record).
func pickV1ARecord(ctx context.Context, name string, data []byte, charset string, opt convertOptions) (*v1aRecord, v1a.Flow, error) {
	r := v1a.NewReader(bytes.NewReader(data))
	r.Charset = charset
	flow, err := r.Header()
	if err != nil {
		return nil, "", &invalidInput{fmt.Errorf("%s: %s", name, describe(err))}
	}
	v := &v1a.Validator{Now: opt.now}
	var picked *v1aRecord
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if rec == nil {
			return nil, flow, &invalidInput{fmt.Errorf("%s: %s", name, describe(err))}
		}
		lines = append(lines, r.Line())
		if opt.line == 0 || opt.line == r.Line() {
			res := v.Check(ctx, r.Line(), rec, err)
			picked = &v1aRecord{rec: rec, line: r.Line(), errors: findings(res.Errors)}
		}
	}
	switch {
	case len(lines) == 0:
		return nil, flow, &invalidInput{fmt.Errorf("%s: no record", name)}
	case opt.line == 0 && len(lines) > 1:
		return nil, flow, usagef("%s has %d records (lines %s): choose one with --line", name, len(lines), joinInts(lines))
	case picked == nil:
		return nil, flow, usagef("%s has no record starting on line %d (records start on lines %s)", name, opt.line,
			joinInts(lines))
	}
	return picked, flow, nil
}

func joinInts(ns []int) string {
	const max = 10
	var b strings.Builder
	for i, n := range ns {
		if i == max {
			fmt.Fprintf(&b, ", … (%d more)", len(ns)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, n)
	}
	return b.String()
}

// operatorCodes returns the OC and OI codes of a file: from its normalised
// name (the sender's role follows from the flow, or from an INFO line's
// Emetteur), else the flags.
func operatorCodes(fileName string, flow v1a.Flow, rec v1a.Record, opt convertOptions) (oc, oi string) {
	oc, oi = opt.oc, opt.oi
	n, err := v1a.ParseFileName(fileName)
	if err != nil {
		return oc, oi
	}
	senderRole := codes.RoleOI
	switch flow {
	case v1a.FlowDepot, v1a.FlowDommage:
		senderRole = codes.RoleOC
	case v1a.FlowInfo:
		if in, ok := rec.(*v1a.Info); ok && strings.EqualFold(string(in.Emetteur), "OC") {
			senderRole = codes.RoleOC
		}
	}
	if senderRole == codes.RoleOC {
		return n.Sender, n.Recipient
	}
	return n.Recipient, n.Sender
}

func (v1aCSV) decode(ctx context.Context, in *input, opt convertOptions) (*decoded, error) {
	return decodeV1A(ctx, in.name, baseName(in.name), in.data, "", opt)
}

func (v1aMail) decode(ctx context.Context, in *input, opt convertOptions) (*decoded, error) {
	m, err := v1a.ParseMail(bytes.NewReader(in.data))
	if err != nil {
		return nil, &invalidInput{fmt.Errorf("%s: mail: %s", in.name, describe(err))}
	}
	name := m.FileName
	if _, err := v1a.ParseFileName(name); err != nil {
		if n, err := v1a.ParseSubject(m.Subject); err == nil {
			name = n.String()
		}
	}
	return decodeV1A(ctx, in.name, name, m.Attachment, m.Charset, opt)
}

func decodeV1A(ctx context.Context, file, fileName string, data []byte, charset string, opt convertOptions) (*decoded, error) {
	p, flow, err := pickV1ARecord(ctx, file, data, charset, opt)
	if err != nil {
		return nil, err
	}
	oc, oi := operatorCodes(fileName, flow, p.rec, opt)
	t, err := v1a.TicketOf(p.rec, oc, oi)
	switch {
	case errors.Is(err, v1a.ErrNotCarried):
		return nil, usagef("%s: line %d: %s", file, p.line, describe(err))
	case err != nil:
		// The lifecycle refuses the record (an invalid deposit): report
		// the line's findings.
		msgs := make([]string, 0, len(p.errors))
		for _, f := range p.errors {
			msgs = append(msgs, fmt.Sprintf("%s:%d: %s: %d %s", file, f.Line, f.Field, f.Code, f.Message))
		}
		if len(msgs) == 0 {
			msgs = append(msgs, strings.TrimPrefix(err.Error(), "ticket: "))
		}
		return nil, &invalidInput{fmt.Errorf("%s: line %d cannot be converted:\n%s", file, p.line,
			strings.Join(msgs, "\n"))}
	}
	return &decoded{ticket: t, line: p.line, codeOC: oc, codeOI: oi, errors: p.errors}, nil
}

// encode writes the 1.0a file (header and one line, Windows-1252, CRLF)
// carrying the ticket's latest step.
// encode writes the record carrying the ticket's latest step, with the
// gateway's rules of what protocol 1.0a can carry (sav.CheckFiling,
// sav.V1ARecord), so convert and the gateway agree.
func (v1aCSV) encode(w io.Writer, d *decoded, _ convertOptions) ([]string, error) {
	var (
		rec    v1a.Record
		losses []v1a.Loss
		err    error
	)
	if tx, ok := latestStep(d.ticket); ok && tx.Kind != ticket.KindCreate {
		rec, losses, err = sav.V1ARecord(d.ticket, tx)
	} else {
		f := d.ticket.Filing
		if ok && tx.Filing != nil {
			f = *tx.Filing
		}
		if err := sav.CheckFiling(sav.ProtocolV1A, &f); err != nil {
			return nil, &invalidInput{err}
		}
		rec, losses, err = v1a.FromTicket(d.ticket)
	}
	if err != nil {
		return nil, &invalidInput{errors.New(describe(err))}
	}
	if err := v1a.WriteAll(w, rec.Flow(), rec); err != nil {
		var ee *v1a.EncodeError
		if errors.As(err, &ee) {
			return nil, &invalidInput{errors.New(describe(err))}
		}
		return nil, err
	}
	out := make([]string, len(losses))
	for i, l := range losses {
		out[i] = l.String()
	}
	return out, nil
}
