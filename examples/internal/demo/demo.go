// Package demo holds the few helpers the example programs share: waiting
// for an engine's event with a bound, and an appointment slot in the near
// future.
package demo

import (
	"context"
	"fmt"
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
