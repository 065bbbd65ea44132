// Package demo holds the few helpers the example programs share: a main
// with a time bound, running a flow over each protocol, waiting for an
// engine's event with a bound, and an appointment slot in the near future.
package demo

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

// Wait waits, at most savtest.DefaultWait, for the first event of kind about
// the ticket of OC reference ref that r recorded.
func Wait(r *savtest.Recorder, ref string, kind sav.EventKind) (sav.Event, error) {
	ctx, cancel := context.WithTimeout(context.Background(), savtest.DefaultWait)
	defer cancel()
	e, err := r.WaitFunc(ctx, func(e sav.Event) bool { return e.Kind == kind && e.Key.ReferenceSigSAVRaccoOC == ref })
	if err != nil {
		return e, fmt.Errorf("no %s event for %s (got %v): %w", kind, ref, r.Kinds(ref), err)
	}
	return e, nil
}

// Slot returns the two hours from hour h on the days-th working day
// (Monday to Friday) after today, in Paris time.
func Slot(days, h int) ticket.Slot {
	d := time.Now().In(ticket.Paris)
	for days > 0 {
		d = d.AddDate(0, 0, 1)
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days--
		}
	}
	start := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, ticket.Paris)
	return ticket.Slot{Debut: start, Fin: start.Add(2 * time.Hour)}
}

// Main runs the program f with a one-minute bound; when f fails it prints
// the error after the program's name and exits with status 1.
func Main(name string, f func(ctx context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	err := f(ctx)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// EachProtocol returns a program that runs f on a new pair of engines
// (savtest.Start with opts) speaking protocol 2.0, then on one speaking
// protocol 1.0a, printing a header before each and closing each pair
// after f.
func EachProtocol(opts savtest.Options, f func(ctx context.Context, p *savtest.Pair) error) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, proto := range []savtest.Protocol{savtest.V2, savtest.V1A} {
			opts.Protocol = proto
			p, err := savtest.Start(opts)
			if err != nil {
				return err
			}
			fmt.Printf("== protocol %s\n", proto)
			err = f(ctx, p)
			p.Close()
			if err != nil {
				return fmt.Errorf("protocol %s: %w", proto, err)
			}
		}
		return nil
	}
}
