package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

const convertUsage = "savctl convert --to FORM [--oc CODE] [--oi CODE] [--line N] [--now AAAAMMJJHHMMSS] FILE"

// convertOptions are the options of convert.
type convertOptions struct {
	oc, oi string    // operator codes when the file does not give them
	line   int       // the record's line, for a file of several records
	now    time.Time // for the record's validation
}

// decoded is one ticket-bearing record read from a file, as a ticket.
type decoded struct {
	ticket         *ticket.Ticket
	line           int
	codeOC, codeOI string
	errors         []finding // the record's findings
}

// ticketSource reads one ticket-bearing record from a kind of file.
type ticketSource interface {
	accepts(in *input) bool
	// decode returns the record at opt.line (0: the file's only record).
	decode(ctx context.Context, in *input, opt convertOptions) (*decoded, error)
}

// ticketTarget writes a ticket in one form; it returns what the form
// cannot carry.
type ticketTarget interface {
	encode(w io.Writer, d *decoded, opt convertOptions) (losses []string, err error)
}

// invalidInput is a file whose content cannot give a record: exit 1.
type invalidInput struct{ err error }

func (e *invalidInput) Error() string { return e.err.Error() }
func (e *invalidInput) Unwrap() error { return e.err }

func runConvert(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	to := fs.String("to", "", "target form")
	oc := fs.String("oc", "", "the OC's operator code, when the file does not give it")
	oi := fs.String("oi", "", "the OI's operator code, when the file does not give it")
	line := fs.Int("line", 0, "the record's line, as check reports it, for a file of several records")
	nowText := fs.String("now", "", "time date-relative rules compare with, AAAAMMJJHHMMSS (Europe/Paris)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, "convert", err, convertUsage)
	}
	tgts := targets()
	forms := make([]string, 0, len(tgts))
	for k := range tgts {
		forms = append(forms, k)
	}
	slices.Sort(forms)
	hint := strings.Replace(convertUsage, "FORM", strings.Join(forms, "|"), 1)
	target, ok := tgts[*to]
	switch {
	case *to == "":
		return fail(e, "convert", usagef("--to is required"), hint)
	case !ok:
		return fail(e, "convert", usagef("--to %s: want one of %s", *to, strings.Join(forms, ", ")), hint)
	case len(files) != 1:
		return fail(e, "convert", usagef("want exactly one FILE"), hint)
	case *line < 0:
		return fail(e, "convert", usagef("--line %d: want a positive line", *line), hint)
	}
	for _, c := range []struct{ flag, v string }{{"--oc", *oc}, {"--oi", *oi}} {
		if c.v != "" && codes.ValidOperatorCode(c.v) != nil {
			return fail(e, "convert", usagef("%s %q: want four upper-case letters or digits", c.flag, c.v), hint)
		}
	}
	now, err := parseNow(*nowText)
	if err != nil {
		return fail(e, "convert", err, hint)
	}
	opt := convertOptions{oc: *oc, oi: *oi, line: *line, now: now}
	in, err := readInput(e, files[0])
	if err != nil {
		return fail(e, "convert", err, "")
	}
	d, err := decodeRecord(ctx, in, opt)
	if err != nil {
		var ii *invalidInput
		if errors.As(err, &ii) {
			fmt.Fprintf(e.stderr, "savctl convert: %v\n", err)
			return exitInvalid
		}
		return fail(e, "convert", err, hint)
	}
	var out bytes.Buffer
	losses, err := target.encode(&out, d, opt)
	if err != nil {
		var ii *invalidInput
		if errors.As(err, &ii) {
			fmt.Fprintf(e.stderr, "savctl convert: %v\n", err)
			return exitInvalid
		}
		return fail(e, "convert", err, "")
	}
	if _, err := e.stdout.Write(out.Bytes()); err != nil {
		return fail(e, "convert", err, "")
	}
	for _, l := range losses {
		fmt.Fprintf(e.stderr, "savctl convert: not carried by %s: %s\n", *to, l)
	}
	for _, f := range d.errors {
		fmt.Fprintf(e.stderr, "%s:%d: %s: %d %s\n", in.name, f.Line, f.Field, f.Code, f.Message)
	}
	if len(d.errors) > 0 {
		return exitInvalid
	}
	return exitOK
}

// decodeRecord reads the ticket-bearing record of a file with the first
// source that accepts it.
func decodeRecord(ctx context.Context, in *input, opt convertOptions) (*decoded, error) {
	for _, s := range sources() {
		if s.accepts(in) {
			return s.decode(ctx, in, opt)
		}
	}
	return nil, fmt.Errorf("%s: not a file savctl can convert", in.name)
}

// jsonTicket is the SDK's JSON form of ticket.Ticket, as source and target.
type jsonTicket struct{}

func (jsonTicket) accepts(in *input) bool {
	t := bytes.TrimLeft(in.data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

func (jsonTicket) decode(_ context.Context, in *input, opt convertOptions) (*decoded, error) {
	var t ticket.Ticket
	dec := json.NewDecoder(bytes.NewReader(in.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, &invalidInput{fmt.Errorf("%s: not a ticket in JSON: %w", in.name, err)}
	}
	d := &decoded{ticket: &t, codeOC: t.CodeOC, codeOI: t.CodeOI}
	if d.codeOC == "" {
		d.codeOC = opt.oc
	}
	if d.codeOI == "" {
		d.codeOI = opt.oi
	}
	return d, nil
}

func (jsonTicket) encode(w io.Writer, d *decoded, _ convertOptions) ([]string, error) {
	t := d.ticket.Clone()
	if t.CodeOC == "" {
		t.CodeOC = d.codeOC
	}
	if t.CodeOI == "" {
		t.CodeOI = d.codeOI
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	_, err = w.Write(append(b, '\n'))
	return nil, err
}
