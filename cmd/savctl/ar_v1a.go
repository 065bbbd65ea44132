package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/v1a"
)

const arUsage = "savctl ar [--now AAAAMMJJHHMMSS] [--oi CODE] [--id-prefix P] DEPOT.csv"

// runAR writes the AR file an OI answers for a DEPOT file (or a mail
// carrying one; a DOMMAGE file gets its ARDOMMAGE file): one line per input line, OK lines numbered P000001,
// P000002, … in order, KO lines with the first code and every reason; an
// unreadable file gets one KO line with code 3. Exit 0 when written.
func runAR(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("ar", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	nowText := fs.String("now", "", "date of prise en compte and of date-relative rules, AAAAMMJJHHMMSS (Europe/Paris)")
	oi := fs.String("oi", "", "the OI's operator code (answering) and the default id prefix")
	prefix := fs.String("id-prefix", "", "prefix of the OI references of OK lines (default: the OI code, else SAV)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, "ar", err, arUsage)
	}
	if len(files) != 1 {
		return fail(e, "ar", usagef("want exactly one DEPOT file"), arUsage)
	}
	if *oi != "" && codes.ValidOperatorCode(*oi) != nil {
		return fail(e, "ar", usagef("--oi %q: want four upper-case letters or digits", *oi), arUsage)
	}
	now, err := parseNow(*nowText)
	if err != nil {
		return fail(e, "ar", err, arUsage)
	}
	in, err := readInput(e, files[0])
	if err != nil {
		return fail(e, "ar", err, "")
	}
	data, charset, fileName := in.data, "", baseName(in.name)
	if (v1aMail{}).accepts(in) {
		m, err := v1a.ParseMail(bytes.NewReader(in.data))
		if err != nil {
			return fail(e, "ar", fmt.Errorf("%s: mail: %s", in.name, describe(err)), "")
		}
		data, charset, fileName = m.Attachment, m.Charset, m.FileName
	}
	name, nameErr := v1a.ParseFileName(fileName)
	p := *prefix
	if p == "" {
		switch {
		case *oi != "":
			p = *oi
		case nameErr == nil && (name.Flow == v1a.FlowDepot || name.Flow == v1a.FlowDommage):
			p = name.Recipient
		default:
			p = "SAV"
		}
	}
	// A DOMMAGE file is answered with an ARDOMMAGE file; anything else as
	// a DEPOT file (an unreadable one with a single KO line).
	compute := v1a.ComputeAR
	hr := v1a.NewReader(bytes.NewReader(data))
	hr.Charset = charset
	if flow, err := hr.Header(); err == nil && flow == v1a.FlowDommage {
		compute = v1a.ComputeARDommage
	}
	ack, err := compute(ctx, bytes.NewReader(data), v1a.AckOptions{
		Validator: &v1a.Validator{Now: now},
		Charset:   charset,
		IDPrefix:  p,
	})
	if err != nil {
		return fail(e, "ar", err, "")
	}
	var out bytes.Buffer
	if err := ack.WriteTo(v1a.NewWriter(&out, ack.Flow)); err != nil {
		return fail(e, "ar", err, "")
	}
	if _, err := e.stdout.Write(out.Bytes()); err != nil {
		return fail(e, "ar", err, "")
	}
	ok, ko := 0, 0
	for _, l := range ack.Lines {
		st := v1a.StatutKO
		switch a := l.Answer.(type) {
		case *v1a.AR:
			st = a.StatutAR
		case *v1a.ARDommage:
			st = a.StatutAR
		}
		if st == v1a.StatutOK {
			ok++
		} else {
			ko++
		}
	}
	fmt.Fprintf(e.stderr, "savctl ar: %s: %d OK, %d KO\n", in.name, ok, ko)
	if ack.Unreadable != nil {
		fmt.Fprintf(e.stderr, "savctl ar: %s: unreadable: %s\n", in.name, describe(ack.Unreadable))
	}
	return exitOK
}
