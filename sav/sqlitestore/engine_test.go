package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

// TestEngines runs an OC and an OI on SQLite stores through a ticket's
// life, over each protocol: the engines' commits, journal and outbox work
// on this store as on MemStore, and what they committed is there after
// reopening.
func TestEngines(t *testing.T) {
	for _, proto := range []savtest.Protocol{savtest.V2, savtest.V1A} {
		t.Run(proto.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			dir := t.TempDir()
			ocStore, oiStore := open(t, filepath.Join(dir, "oc.db")), open(t, filepath.Join(dir, "oi.db"))
			p := savtest.NewPair(t, savtest.Options{Protocol: proto, OCStore: ocStore, OIStore: oiStore})
			if _, err := p.OC.File(ctx, p.Filing("T-1")); err != nil {
				t.Fatalf("File: %v", err)
			}
			filed := p.OIEvents.Wait(t, "T-1", sav.EventFiled)
			if _, err := p.OI.Close(ctx, filed.Key, ticket.Closure{Code: "ERR01",
				Responsabilite: codes.ResponsabiliteOC}); err != nil {
				t.Fatalf("Close: %v", err)
			}
			p.OCEvents.Wait(t, "T-1", sav.EventClosed)
			p.Close()

			for name, s := range map[string]*struct {
				store sav.Store
				key   sav.Key
			}{"OC": {ocStore, p.OCKey("T-1")}, "OI": {oiStore, filed.Key}} {
				path := s.store.(interface{ Path() string }).Path()
				s.store.(interface{ Close() error }).Close()
				again := open(t, path)
				got, err := again.Get(ctx, s.key)
				if err != nil {
					t.Fatalf("%s: Get after reopening: %v", name, err)
				}
				if got.State != ticket.StateClosed {
					t.Fatalf("%s: ticket %v after reopening, want closed", name, got.State)
				}
				un, err := again.Unresolved(ctx)
				if err != nil || len(un) != 0 {
					t.Fatalf("%s: unresolved journal entries %v, %v", name, un, err)
				}
			}
		})
	}
}
