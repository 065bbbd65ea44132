package sqlitestore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/sqlitestore"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

// A ticket committed before the program stopped is there when it opens the
// database again, and the sequences go on.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "sav")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sav.db")
	ctx := context.Background()

	store, err := sqlitestore.Open(ctx, path, nil)
	if err != nil {
		log.Fatal(err)
	}
	t := &ticket.Ticket{}
	if err := t.Apply(ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: time.Now(),
		Filing: savtest.Filing("BYTL", "FTEL", "REF-1")}); err != nil {
		log.Fatal(err)
	}
	if _, err := store.Create(ctx, codes.RoleOI, t, sav.Effects{}); err != nil {
		log.Fatal(err)
	}
	n, _ := store.NextSequence(ctx, "oi-id/FTEL")
	fmt.Println("sequence", n)
	store.Close()

	store, err = sqlitestore.Open(ctx, path, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	got, err := store.Get(ctx, sav.KeyOf(codes.RoleOI, t))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.ReferenceSigSAVRaccoOC, got.State)
	n, _ = store.NextSequence(ctx, "oi-id/FTEL")
	fmt.Println("sequence", n)
	// Output:
	// sequence 1
	// REF-1 SUBMITTED
	// sequence 2
}
