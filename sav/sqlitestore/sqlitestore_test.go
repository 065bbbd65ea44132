package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/sqlitestore"
	"github.com/opensav/savsdk/sav/storetest"
)

// open opens a store on path for the test, closed at its end.
func open(t testing.TB, path string) *sqlitestore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := sqlitestore.Open(ctx, path, &sqlitestore.Options{BusyTimeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.RunWith(t, func(t *testing.T) sav.Store {
		return open(t, filepath.Join(t.TempDir(), "sav.db"))
	}, storetest.Options{
		Reopen: func(t *testing.T, s sav.Store) sav.Store { return open(t, s.(*sqlitestore.Store).Path()) },
	})
}
