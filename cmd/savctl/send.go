package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v2"
)

const sendUsage = "savctl send --url URL [--oc CODE] [--oi CODE] [--line N] [--user U --password P] [--timeout D] FILE"

// sendAnswer is what send prints: the partner's answer as one JSON object.
type sendAnswer struct {
	OK      bool    `json:"ok"`
	Code    *int    `json:"code,omitempty"`
	Message *string `json:"message,omitempty"`
	Key     string  `json:"key,omitempty"`
	Version *int    `json:"version,omitempty"`
}

func runSend(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", "", "the partner's protocol 2.0 endpoint")
	oc := fs.String("oc", "", "the OC's operator code, when the file does not give it")
	oi := fs.String("oi", "", "the OI's operator code, when the file does not give it")
	line := fs.Int("line", 0, "the record's line, as check reports it, for a file of several records")
	user := fs.String("user", "", "basic authentication user")
	password := fs.String("password", "", "basic authentication password")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the partner's answer")
	files, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, "send", err, sendUsage)
	}
	switch {
	case *url == "":
		return fail(e, "send", usagef("--url is required"), sendUsage)
	case len(files) != 1:
		return fail(e, "send", usagef("want exactly one FILE"), sendUsage)
	case *line < 0:
		return fail(e, "send", usagef("--line %d: want a positive line", *line), sendUsage)
	case (*user == "") != (*password == ""):
		return fail(e, "send", usagef("--user and --password go together"), sendUsage)
	case *timeout <= 0:
		return fail(e, "send", usagef("--timeout %v: want a positive duration", *timeout), sendUsage)
	}
	for _, c := range []struct{ flag, v string }{{"--oc", *oc}, {"--oi", *oi}} {
		if c.v != "" && codes.ValidOperatorCode(c.v) != nil {
			return fail(e, "send", usagef("%s %q: want four upper-case letters or digits", c.flag, c.v), sendUsage)
		}
	}
	opt := convertOptions{oc: *oc, oi: *oi, line: *line, now: time.Now()}
	in, err := readInput(e, files[0])
	if err != nil {
		return fail(e, "send", err, "")
	}
	d, err := decodeRecord(ctx, in, opt)
	if err != nil {
		return sendFailed(e, err)
	}
	for _, f := range d.errors {
		fmt.Fprintf(e.stderr, "%s:%d: %s: %d %s\n", in.name, f.Line, f.Field, f.Code, f.Message)
	}
	if len(d.errors) > 0 {
		fmt.Fprintf(e.stderr, "savctl send: %s: the record is invalid: not sent\n", in.name)
		return exitInvalid
	}
	// The request is the one convert --to v2 writes.
	var body bytes.Buffer
	losses, err := (v2XML{}).encode(&body, d, opt)
	if err != nil {
		return sendFailed(e, err)
	}
	for _, l := range losses {
		fmt.Fprintf(e.stderr, "savctl send: not carried by v2: %s\n", l)
	}
	tx, isTx := latestStep(d.ticket)
	create := !isTx || tx.Kind == ticket.KindCreate

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := soap.NewRequest(ctx, *url, body.Bytes())
	if err != nil {
		return fail(e, "send", usagef("--url %q: %v", *url, err), sendUsage)
	}
	if *user != "" {
		req.SetBasicAuth(*user, *password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(e.stderr, "savctl send: %s unreachable: %v\n", *url, err)
		return exitUsage
	}
	answer, err := soap.ResponseBody(resp, 0)
	if err != nil {
		fmt.Fprintf(e.stderr, "savctl send: %s: no SOAP answer: %s\n", *url, trimPrefixes(err.Error()))
		return exitUsage
	}
	doc, err := v2.Check(bytes.NewReader(answer), v2.DefaultProfile())
	if err != nil {
		fmt.Fprintf(e.stderr, "savctl send: %s: unreadable answer: %s\n", *url, trimPrefixes(err.Error()))
		return exitUsage
	}
	var out sendAnswer
	code := exitOK
	switch msg := doc.Message.(type) {
	case *v2.CreateTroubleTicketByValueResponse:
		if !create {
			return sendUnexpected(e, *url, doc)
		}
		zero := 0
		out = sendAnswer{OK: true, Key: msg.Key.PrimaryKey, Version: &zero}
	case *v2.SetTroubleTicketByValueResponse:
		if create {
			return sendUnexpected(e, *url, doc)
		}
		// The set applied: the ticket is one version past the one the
		// sender saw.
		v := tx.Version + 1
		out = sendAnswer{OK: true, Key: d.ticket.ReferenceSigSAVOI, Version: &v}
	case *v2.Exception:
		c, text := int(msg.ReturnCode()), msg.Message
		out = sendAnswer{Code: &c, Message: &text}
		if r := msg.Erreur; r != nil {
			text = firstOf(r.MessageRetour, text)
			if r.TroubleTicketKey != nil {
				out.Key = r.TroubleTicketKey.PrimaryKey
			}
		}
		if out.Key == "" && msg.Key != nil {
			out.Key = msg.Key.PrimaryKey
		}
		code = exitInvalid
	default:
		if !doc.Fault {
			return sendUnexpected(e, *url, doc)
		}
		c, text := int(codes.ReturnCodeInternal), "SOAP fault without a JSR-91 exception"
		out = sendAnswer{Code: &c, Message: &text}
		code = exitInvalid
	}
	if err := json.NewEncoder(e.stdout).Encode(out); err != nil {
		return fail(e, "send", err, "")
	}
	return code
}

// sendFailed reports a record that cannot be sent: exit 1 for an invalid
// record, 2 otherwise.
func sendFailed(e *env, err error) int {
	var ii *invalidInput
	if errors.As(err, &ii) {
		fmt.Fprintf(e.stderr, "savctl send: %v\n", err)
		return exitInvalid
	}
	return fail(e, "send", err, sendUsage)
}

func sendUnexpected(e *env, url string, doc *v2.Document) int {
	fmt.Fprintf(e.stderr, "savctl send: %s answered a %s document\n", url, doc.Flow())
	return exitUsage
}
