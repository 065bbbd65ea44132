package ticket_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

func FuzzParseKind(f *testing.F) {
	for _, k := range ticket.Kinds {
		f.Add(k.String())
	}
	f.Add("case_solved_notification")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ticket.ParseKind(s)
		if err != nil {
			return
		}
		again, err := ticket.ParseKind(k.String())
		if err != nil || again != k {
			t.Fatalf("ParseKind(%q) = %v, not stable", s, k)
		}
	})
}

func FuzzParseState(f *testing.F) {
	for _, s := range ticket.States {
		f.Add(s.String())
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ticket.ParseState(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(st.String(), s) {
			t.Fatalf("ParseState(%q) = %v", s, st)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	f.Add("2012-02-06")
	f.Add("2024-02-29")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ticket.ParseDate(s)
		if err != nil {
			return
		}
		again, err := ticket.ParseDate(d.String())
		if err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v, not stable", s, d)
		}
	})
}

// FuzzApply drives a ticket with arbitrary transaction sequences: Apply never
// panics, a refused transaction leaves the ticket as it was, the history
// grows by one per success, and the JSON form round-trips.
func FuzzApply(f *testing.F) {
	f.Add([]byte{0, 1, 3, 4, 8})
	f.Add([]byte{0, 1, 5, 6, 7, 8, 8})
	f.Add([]byte{0, 2, 2, 9})
	f.Fuzz(func(t *testing.T, steps []byte) {
		if len(steps) > 64 {
			steps = steps[:64]
		}
		tk := &ticket.Ticket{}
		for i, b := range steps {
			k := ticket.Kinds[int(b)%len(ticket.Kinds)]
			r := []codes.Role{codes.RoleOI, codes.RoleOC}[int(b>>4)%2]
			if b&0x08 != 0 {
				r = ticket.SenderOf(k)
			}
			tx := validTx(k, r)
			tx.ResyncRequired = b&0x40 != 0
			tx.Version = i % 3
			before := tk.Clone()
			n := len(tk.History)
			if err := tk.Apply(tx); err != nil {
				if diff := cmp.Diff(before, tk); diff != "" {
					t.Fatalf("refused %v changed the ticket: %s", k, diff)
				}
				if _, ok := ticket.ReturnCode(err); !ok {
					t.Fatalf("error without return code: %v", err)
				}
				continue
			}
			if len(tk.History) != n+1 {
				t.Fatalf("history grew by %d", len(tk.History)-n)
			}
		}
		b, err := json.Marshal(tk)
		if err != nil {
			t.Fatal(err)
		}
		var back ticket.Ticket
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkApply(b *testing.B) {
	kinds := []ticket.Kind{ticket.KindCreate, ticket.KindAcknowledge, ticket.KindCaseSolving,
		ticket.KindSUInformation, ticket.KindCaseSolved}
	b.ReportAllocs()
	for b.Loop() {
		tk := &ticket.Ticket{}
		for _, k := range kinds {
			if err := tk.Apply(validTx(k, ticket.SenderOf(k))); err != nil {
				b.Fatal(err)
			}
		}
	}
}
