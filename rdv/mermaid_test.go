package rdv

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestMermaidGolden(t *testing.T) {
	got := Mermaid()
	path := filepath.Join("testdata", "negotiation.golden.mmd")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	require.Empty(t, cmp.Diff(string(want), got), "run go test -update after changing the table")
}
