package pgstore_test

import (
	"context"
	"log"
	"time"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/pgstore"
)

// Open a store shared by the processes of an operator, and run one of the
// dispatchers that share its outbox.
func ExampleOpen() {
	ctx := context.Background()
	s, err := pgstore.Open(ctx, "postgres://sav@db.example/sav?pool_max_conns=20", &pgstore.Options{Schema: "sav"})
	if err != nil {
		log.Fatal(err) // a *pgstore.SchemaError when a newer program migrated the schema
	}
	defer s.Close()
	d := &sav.Dispatcher{Outbox: s, Deliverer: sav.ProtocolDeliverers{ /* … */ }, Poll: 30 * time.Second}
	go d.Run(ctx) // wakes on the LISTEN/NOTIFY of every process's commits; polls as the fallback
	// sav.NewOI(sav.Options{Store: s, …}), the servers, …
}
