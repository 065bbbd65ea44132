package pgstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/pgtest"
	"github.com/opensav/savsdk/sav"
)

// The indexes beside the schema serve the store's queries: with
// sequential scans, bitmap scans and sorts priced out (the tables are
// small here), no plan scans a whole table, and List in its order, all or
// open or by OI, reads an index in order instead of sorting.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.URL(t), &Options{Schema: pgtest.Schema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	list := func(q sav.Query) (string, []any) { return listSQL(q) }
	cases := []struct {
		name   string
		query  string
		args   []any
		noSort bool
	}{
		{"Get", sqlGetTicket, []any{"OI", "BYTL", "R"}, false},
		{"GetByOI", sqlGetTicketByOI, []any{"OI", "FTEL", "X"}, false},
		{"LockTicket", sqlLockTicket, []any{"OI", "BYTL", "R"}, false},
		{"Claim", sqlClaim, []any{now, 10, now}, false},
		{"NextDue", sqlNextDue, nil, false},
		{"Pending", sqlPending, nil, false},
		{"Stuck", sqlStuck, nil, false},
		{"Delivery", sqlDelivery, []any{"ID"}, false},
		{"Unresolved", sqlUnresolved, nil, false},
		{"Quarantined", sqlQuarantined, nil, false},
		{"Inbound", sqlInbound, []any{"v1a", "m"}, false},
		{"ForgetBeyond", sqlForgetBeyond, []any{10}, false},
	}
	for _, q := range []struct {
		name   string
		q      sav.Query
		noSort bool
	}{
		{"List", sav.Query{Role: codes.RoleOI, Limit: 50}, true},
		{"ListOpen", sav.Query{Role: codes.RoleOI, Open: true, Offset: 10, Limit: 50}, true},
		{"ListByOI", sav.Query{Role: codes.RoleOI, CodeOI: "FTEL", Limit: 50}, true},
		{"ListByOC", sav.Query{Role: codes.RoleOI, CodeOC: "BYTL"}, false},
	} {
		query, args := list(q.q)
		cases = append(cases, struct {
			name   string
			query  string
			args   []any
			noSort bool
		}{q.name, query, args, q.noSort})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var plan []string
			err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off"); err != nil {
					return err
				}
				rows, err := tx.Query(ctx, "EXPLAIN "+c.query, c.args...)
				if err != nil {
					return err
				}
				plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			if strings.Contains(text, "Seq Scan") {
				t.Errorf("a sequential scan:\n%s", text)
			}
			if c.noSort && strings.Contains(text, "Sort") {
				t.Errorf("a sort:\n%s", text)
			}
		})
	}
}
