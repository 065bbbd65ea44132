// Package soaptest holds what the interop tests of the SOAP services share:
// finding the published reference files next to the repository and the
// Debian tools (python3-zeep, xmllint) the tests run. A missing file or tool
// skips the test, except that a missing tool fails it under CI=true, where
// .ci/run has installed it.
package soaptest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RepoRoot returns the directory holding go.mod, from the test's working
// directory up.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// Reference returns the path of the published file name in
// ../shared/reference next to the repository. A user's clone has no such
// folder, so the test skips when it is absent; under CI=true, where the
// folder is laid beside the clone, it fails instead.
func Reference(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), "..", "shared", "reference", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("published reference file not found at %s (CI=true: ../shared/reference must be present)", p)
		}
		t.Skipf("published reference file not found at %s", p)
	}
	return p
}

// NeedTool skips when a Debian tool is missing, or fails under CI=true.
func NeedTool(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: .ci/run installs it)", msg)
	}
	t.Skip(msg + "; install it with: apt-get install -y python3-zeep libxml2-utils")
}

// Python is Debian's interpreter, the one python3-zeep is installed for.
const Python = "/usr/bin/python3"

// NeedZeep returns the path of the Python that imports zeep.
func NeedZeep(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(Python); err != nil {
		NeedTool(t, Python+" is absent")
	}
	if out, err := exec.Command(Python, "-c", "import zeep").CombinedOutput(); err != nil {
		NeedTool(t, "python3-zeep is not installed for "+Python+": "+strings.TrimSpace(string(out)))
	}
	return Python
}

// NeedXmllint returns the path of xmllint.
func NeedXmllint(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		NeedTool(t, "xmllint (libxml2-utils) is absent")
	}
	return p
}

// XMLClean reports whether s survives an XML round trip unchanged as the
// text of an element read with surrounding spaces trimmed: valid characters,
// no carriage returns and no surrounding spaces. Fuzz tests use it to keep
// only the values a round trip must preserve.
func XMLClean(s string) bool {
	if strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r == '\r' || r == 0xFFFD || (r < 0x20 && r != '\n' && r != '\t') {
			return false
		}
	}
	return true
}
