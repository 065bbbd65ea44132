// Command savctl checks, answers, converts and replays the files operators
// exchange under the Interop'Fibre SAV protocols, sends one record to a
// partner's protocol 2.0 web service, and runs a sandbox OI or OC
// (SAVCTL.md):
//
//	savctl check [--json] [--strict] [--now AAAAMMJJHHMMSS] FILE...
//	savctl ar [--now AAAAMMJJHHMMSS] [--oi CODE] [--id-prefix P] DEPOT.csv
//	savctl convert --to json|v1a|v2 [--oc CODE] [--oi CODE] [--line N] FILE
//	savctl trace FILE...
//	savctl send --url URL [--oc CODE] [--oi CODE] [--line N] [--user U --password P] FILE
//	savctl serve --role oi|oc [--addr 127.0.0.1:8080] [--code CODE] [--peers FILE]
//	             [--maildir DIR [--address ADDR] [--poll D]] [--autoplay DELAY] [--retry D] [--state FILE]
//	             [--travaux FILE]
//
// trace prints, per ticket, one line per step: its time (Europe/Paris),
// sender, transaction, resulting state and version, and the file and line
// that carried it; a refused step reads "REFUSED FILE:LINE: FIELD: CODE
// MESSAGE" and ends the ticket's replay. A last line counts the files,
// tickets, steps and refused tickets.
//
// serve runs the sav engines on an in-memory store. With --maildir, protocol
// 1.0a goes by mail files: DIR holds one Maildir per address (lower case),
// DIR/ADDRESS/{tmp,new,cur}; the sandbox polls its own (--address, default
// sav-ftth@CODE.sandbox) and delivers each outbound mail into the Maildir of
// its recipient, so two sandboxes sharing DIR mail each other. A tester
// files a ticket through an OC sandbox by posting a
// createTroubleTicketByValueRequest to its /sav/v2/oc endpoint (savctl send
// does): the OC files it with its OI and answers with the OI's answer, so
// the OC follows the ticket's whole life. --state keeps the sandbox's
// tickets in a JSON file across restarts; --travaux gives the OI's
// InfoTravaux service its works notices, a JSON array of
// infotravaux.Travaux values (Go field names).
//
// Its output formats and exit codes are a contract: 0 everything valid or
// done, 1 at least one input invalid (or a partner's fault for send), 2
// usage error, unreadable file, unreachable partner or internal error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit codes (SAVCTL.md).
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// env is what a command runs with: the streams and the environment's
// clock, so tests run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one savctl sub-command.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

// commands lists the sub-commands; each lives in its own file.
func commands() map[string]command {
	return map[string]command{
		"check":   {"check v1a CSV files and mails", runCheck},
		"ar":      {"write the AR of a v1a DEPOT file", runAR},
		"convert": {"convert one ticket-bearing record", runConvert},
		"serve":   {"run a sandbox OI or OC web service", runServe},
		"trace":   {"replay an exchange through the lifecycle", runTrace},
		"send":    {"send one record to a partner's v2 web service", runSend},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a sub-command and returns the exit code.
func run(ctx context.Context, e *env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "savctl: unknown command %q\n", args[0])
		usage(e.stderr, cmds)
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: savctl COMMAND [options] ARGS")
	fmt.Fprintln(w, "commands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "exit codes: 0 valid/done, 1 an input is invalid, 2 usage error, unreadable file or internal error")
}

// usageError is a bad command line: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// fail prints err for command name and returns its exit code: 2 for usage
// errors (with the hint), unreadable files and internal errors.
func fail(e *env, name string, err error, hint string) int {
	fmt.Fprintf(e.stderr, "savctl %s: %v\n", name, err)
	var ue *usageError
	if errors.As(err, &ue) && hint != "" {
		fmt.Fprintln(e.stderr, "usage: "+hint)
	}
	return exitUsage
}

// input is one file named on the command line, read whole.
type input struct {
	name string // as given ("-" for stdin)
	data []byte
}

// readInput reads a file, or stdin for "-". Inputs are limited to 256 MiB.
func readInput(e *env, name string) (*input, error) {
	const limit = 256 << 20
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return &input{name: name, data: data}, nil
}

// baseName is the file name part of a path, for file-name rules.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
