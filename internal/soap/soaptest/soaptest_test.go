package soaptest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestXMLClean(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"plain text", true},
		{"tab\tand\nnewline", true},
		{"", true},
		{" leading", false},
		{"trailing\n", false},
		{"carriage\rreturn", false},
		{"bell\a", false},
		{"replacement \uFFFD", false},
	} {
		if got := XMLClean(tc.s); got != tc.want {
			t.Errorf("XMLClean(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestRepoRoot(t *testing.T) {
	root := RepoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("RepoRoot = %s without go.mod: %v", root, err)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "soap", "soaptest")); err != nil {
		t.Fatalf("RepoRoot = %s is not this module's root: %v", root, err)
	}
}
