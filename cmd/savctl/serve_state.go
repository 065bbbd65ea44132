package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sync"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/ticket"
)

// sandboxState is the --state file: the sandbox's tickets and sequences,
// so a sandbox stopped and started again still knows the tickets its
// partners notify and gives no id twice. The journal and the outbox start
// empty.
type sandboxState struct {
	Role      codes.Role       `json:"role"`
	Code      string           `json:"code"`
	Tickets   []*ticket.Ticket `json:"tickets"`
	Sequences map[string]int64 `json:"sequences,omitempty"`
}

// sandboxStore is the sandbox's Store: a MemStore whose sequences (the
// OI's ticket ids, the 1.0a file numbers) the --state file keeps.
type sandboxStore struct {
	*sav.MemStore
	mu  sync.Mutex
	seq map[string]int64
}

func newSandboxStore() *sandboxStore {
	return &sandboxStore{MemStore: sav.NewMemStore(), seq: map[string]int64{}}
}

// NextSequence implements sav.Sequences.
func (s *sandboxStore) NextSequence(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq[name]++
	return s.seq[name], nil
}

func (s *sandboxStore) sequences() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.seq)
}

var _ sav.Store = (*sandboxStore)(nil)

// loadState stores the tickets of the state file, when it exists, and
// returns how many.
func loadState(ctx context.Context, name string, role codes.Role, code string, st *sandboxStore) (int, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var s sandboxState
	if err := json.Unmarshal(b, &s); err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	if s.Role != role || s.Code != code {
		return 0, fmt.Errorf("%s: the state of %s %s, not of %s %s", name, s.Role, s.Code, role, code)
	}
	for _, t := range s.Tickets {
		if _, err := st.Create(ctx, role, t, sav.Effects{}); err != nil {
			return 0, fmt.Errorf("%s: ticket %s: %w", name, t.ReferenceSigSAVRaccoOC, err)
		}
	}
	st.mu.Lock()
	maps.Copy(st.seq, s.Sequences)
	st.mu.Unlock()
	return len(s.Tickets), nil
}

// saveState writes the tickets to the state file (a new file renamed over
// the old one).
func saveState(ctx context.Context, name string, role codes.Role, code string, st *sandboxStore) (int, error) {
	ts, err := st.List(ctx, sav.Query{Role: role})
	if err != nil {
		return 0, err
	}
	b, err := json.MarshalIndent(sandboxState{Role: role, Code: code, Tickets: ts, Sequences: st.sequences()}, "", "  ")
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".savctl-state-*")
	if err != nil {
		return 0, err
	}
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return 0, err
	}
	return len(ts), nil
}
