package sav_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/opensav/savsdk/sav"
)

// FuzzReadPeers reads arbitrary peers files: no panic, and a file that reads
// writes back to one that reads the same.
func FuzzReadPeers(f *testing.F) {
	f.Add(savctlPeers)
	f.Add(`{"operators":[{"code":"SFR0","role":"oi","v1a":{"address":"Sav <sav@sfr0.example>"},"auth":{"certSubject":"CN=x","outbound":{"basic":{"user":"u","password":"p"}}},"tls":{"caFile":"ca.pem"}}]}`)
	f.Add(`{"operators":[]}`)
	f.Fuzz(func(t *testing.T, file string) {
		p, err := sav.ReadPeers(strings.NewReader(file))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(p); err != nil {
			t.Fatal(err)
		}
		q, err := sav.ReadPeers(&buf)
		if err != nil {
			t.Fatalf("re-reading %s: %v", buf.String(), err)
		}
		if len(q.Operators) != len(p.Operators) {
			t.Fatalf("%d operators, then %d", len(p.Operators), len(q.Operators))
		}
		for i := range p.Operators {
			if p.Operators[i].Code != q.Operators[i].Code || p.Operators[i].Protocol() != q.Operators[i].Protocol() {
				t.Fatalf("operator %d changed: %+v → %+v", i, p.Operators[i], q.Operators[i])
			}
		}
	})
}
