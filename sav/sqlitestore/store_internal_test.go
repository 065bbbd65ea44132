package sqlitestore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opensav/savsdk/sav"
)

func openInternal(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sav.db"), &Options{BusyTimeout: 3 * time.Second})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPragmas checks the settings the package documentation promises, on
// the connections that use them.
func TestPragmas(t *testing.T) {
	s := openInternal(t)
	for _, c := range []struct {
		pragma string
		reader bool
		want   string
	}{
		{"journal_mode", false, "wal"},
		{"synchronous", false, "2"}, // FULL
		{"foreign_keys", false, "1"},
		{"busy_timeout", false, "3000"},
		{"foreign_keys", true, "1"},
		{"busy_timeout", true, "3000"},
		{"query_only", true, "1"},
	} {
		db := s.w
		if c.reader {
			db = s.r
		}
		var got string
		if err := db.QueryRow("PRAGMA " + c.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("PRAGMA %s (reader %v) = %s, want %s", c.pragma, c.reader, got, c.want)
		}
	}
}

// TestQueryPlans checks that the queries that grow with the store are
// served by the indexes written beside the schema: no full scan of a
// table, no sort where the index gives the order.
func TestQueryPlans(t *testing.T) {
	s := openInternal(t)
	now := ts(time.Now())
	p, f := sav.DeliveryPending, sav.DeliveryInFlight
	for _, c := range []struct {
		name  string
		query string
		args  []any
		sort  bool // a sort is expected
	}{
		{"Get", sqlGetTicket, []any{"OI", "BYTL", "R"}, false},
		{"GetByOI", sqlGetByOI, []any{"OI", "FTEL", "R"}, false},
		{"List", sqlList + sqlListOrder, []any{"OI"}, false},
		{"List open", sqlList + sqlListOpen + sqlListOrder, []any{"OI"}, false},
		{"List by OI", sqlList + sqlListCodeOI + sqlListOrder, []any{"OI", "FTEL"}, false},
		{"List by OC", sqlList + sqlListCodeOC + sqlListOrder, []any{"OI", "BYTL"}, false},
		{"Inbound", sqlInbound, []any{"v1a", "m"}, false},
		{"Unresolved", sqlByDisposition, []any{0}, false},
		{"Count processed", sqlCountProcessed, nil, false},
		{"First kept", sqlFirstKept, []any{0, 1, now}, false},
		{"Forget", sqlForgetBefore, []any{10}, false},
		{"Lane taken", sqlLaneTaken, []any{"x"}, false},
		{"Lane head", sqlLaneHead, []any{"x"}, false},
		{"Delivery", sqlDelivery, []any{"id"}, false},
		{"Ready", sqlReady, []any{now, 10}, false},
		{"Next due", sqlNextDue, nil, false},
		{"Pending", sqlByStatus, []any{p, f}, true},
		{"Promote", sqlPromote, []any{1, p}, false},
	} {
		rows, err := s.r.Query("EXPLAIN QUERY PLAN "+c.query, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "; ")
		for _, d := range plan {
			for _, table := range []string{"tickets", "journal", "deliveries", "delivery_lanes", "sequences"} {
				if strings.HasPrefix(d, "SCAN "+table) && !strings.Contains(d, " INDEX ") {
					t.Errorf("%s scans a table: %s", c.name, text)
				}
			}
		}
		if !c.sort && strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("%s sorts: %s", c.name, text)
		}
		t.Logf("%s: %s", c.name, text)
	}
}
