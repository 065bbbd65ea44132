package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/opensav/savsdk/ticket"
)

const checkUsage = "savctl check [--json] [--strict] [--now AAAAMMJJHHMMSS] FILE..."

// checkOptions are the options every protocol's checker honours.
type checkOptions struct {
	strict bool
	now    time.Time
}

// finding is one finding of savctl's output (SAVCTL.md).
type finding struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// fileReport is the result of checking one file: one JSON object per file
// with --json.
type fileReport struct {
	File     string    `json:"file"`
	Protocol string    `json:"protocol"`
	Flow     string    `json:"flow"`
	Valid    bool      `json:"valid"`
	Records  int       `json:"records"`
	Errors   []finding `json:"errors"`
	Warnings []finding `json:"warnings"`

	// unreadable is set when the file could not be read at all (exit 2).
	unreadable error
}

// fileChecker checks the files of one kind (a protocol and a container).
// The kinds are tried in the order of checkers(); the first that accepts a
// file checks it.
type fileChecker interface {
	// accepts reports whether the file looks like one of this kind.
	accepts(in *input) bool
	check(ctx context.Context, in *input, opt checkOptions) fileReport
}

func runCheck(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "one JSON object per file")
	strict := fs.Bool("strict", false, "tolerated deviations are findings")
	nowText := fs.String("now", "", "time date-relative rules compare with, AAAAMMJJHHMMSS (Europe/Paris)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, "check", err, checkUsage)
	}
	if len(files) == 0 {
		return fail(e, "check", usagef("no FILE"), checkUsage)
	}
	now, err := parseNow(*nowText)
	if err != nil {
		return fail(e, "check", err, checkUsage)
	}
	opt := checkOptions{strict: *strict, now: now}
	code := exitOK
	enc := json.NewEncoder(e.stdout)
	for _, name := range files {
		if ctx.Err() != nil {
			return fail(e, "check", ctx.Err(), "")
		}
		rep := checkFile(ctx, e, name, opt)
		switch {
		case rep.unreadable != nil:
			fmt.Fprintf(e.stderr, "savctl check: %v\n", rep.unreadable)
			code = exitUsage
		case !rep.Valid && code == exitOK:
			code = exitInvalid
		}
		if *asJSON {
			if err := enc.Encode(rep); err != nil {
				return fail(e, "check", err, "")
			}
			continue
		}
		printText(e.stdout, rep)
	}
	return code
}

// checkFile reads one file and hands it to the first checker that accepts
// it.
func checkFile(ctx context.Context, e *env, name string, opt checkOptions) fileReport {
	in, err := readInput(e, name)
	if err != nil {
		return fileReport{File: name, Errors: []finding{{Code: 3, Message: err.Error()}},
			Warnings: []finding{}, unreadable: err}
	}
	for _, c := range checkers() {
		if c.accepts(in) {
			rep := c.check(ctx, in, opt)
			if rep.Errors == nil {
				rep.Errors = []finding{}
			}
			if rep.Warnings == nil {
				rep.Warnings = []finding{}
			}
			rep.Valid = len(rep.Errors) == 0
			return rep
		}
	}
	err = fmt.Errorf("%s: not a file savctl knows", name)
	return fileReport{File: name, Errors: []finding{{Code: 3, Message: err.Error()}}, Warnings: []finding{},
		unreadable: err}
}

// printText writes the text form: FILE:LINE: FIELD: CODE MESSAGE per
// finding (warnings marked), then a summary line.
func printText(w io.Writer, rep fileReport) {
	for _, f := range rep.Errors {
		fmt.Fprintf(w, "%s:%d: %s: %d %s\n", rep.File, f.Line, f.Field, f.Code, f.Message)
	}
	for _, f := range rep.Warnings {
		fmt.Fprintf(w, "%s:%d: %s: %d %s (warning)\n", rep.File, f.Line, f.Field, f.Code, f.Message)
	}
	verdict := "valid"
	if !rep.Valid {
		verdict = "invalid"
	}
	flow := rep.Flow
	if flow == "" {
		flow = "unknown flow"
	}
	proto := rep.Protocol
	if proto == "" {
		proto = "unknown protocol"
	}
	fmt.Fprintf(w, "%s: %s %s, %d %s, %d %s, %d %s: %s\n", rep.File, proto, flow,
		rep.Records, plural(rep.Records, "record", "records"),
		len(rep.Errors), plural(len(rep.Errors), "error", "errors"),
		len(rep.Warnings), plural(len(rep.Warnings), "warning", "warnings"), verdict)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// parseNow reads --now (AAAAMMJJHHMMSS, Europe/Paris); empty means the
// current time.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.ParseInLocation("20060102150405", strings.TrimSpace(s), ticket.Paris)
	if err != nil {
		return time.Time{}, usagef("--now %q: want AAAAMMJJHHMMSS", s)
	}
	return t, nil
}

// parseArgs parses flags placed before, between or after the positional
// arguments; "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
