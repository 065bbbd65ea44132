// Package examples holds one runnable program per flow of the SDK; this test
// builds and runs every one of them and checks it exits 0 and leaves
// nothing behind: no file in its working directory, no temporary directory.
package examples_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example program; skipped with -short")
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./...")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/...: %v\n%s", err, out)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if progs, _ := filepath.Glob(filepath.Join(e.Name(), "*.go")); len(progs) == 0 {
			continue
		}
		n++
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name))
			cmd.Dir = t.TempDir()
			tmp := t.TempDir()
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, out)
			}
			if len(out) == 0 {
				t.Errorf("%s printed nothing", name)
			}
			for _, dir := range []struct{ what, path string }{{"working", cmd.Dir}, {"temporary", tmp}} {
				left, err := os.ReadDir(dir.path)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range left {
					t.Errorf("%s left %s in its %s directory", name, e.Name(), dir.what)
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no example programs found")
	}
}
