package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sandboxBinary builds savctl once for the tests that run it as a process.
func sandboxBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs savctl processes")
	}
	bin := filepath.Join(t.TempDir(), "savctl")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// sandbox is a savctl serve process.
type sandbox struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *syncBuffer
	urls   map[string]string // listening path → URL
	done   chan error
}

// startSandbox runs savctl serve with args and waits for its listening
// lines; the test's cleanup stops it.
func startSandbox(t *testing.T, bin string, want int, args ...string) *sandbox {
	t.Helper()
	s := &sandbox{t: t, stderr: &syncBuffer{}, urls: map[string]string{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	s.cmd.Stderr = s.stderr
	out, err := s.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, s.cmd.Start())
	t.Cleanup(s.stop)
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		s.done <- s.cmd.Wait()
	}()
	deadline := time.After(20 * time.Second)
	for len(s.urls) < want {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "savctl serve exited: %s", s.stderr.String())
			f := strings.Fields(l)
			require.Len(t, f, 3, l)
			require.Equal(t, "listening", f[0], l)
			s.urls[f[1]] = f[2]
		case <-deadline:
			t.Fatalf("savctl serve %v did not listen: %s", args, s.stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	return s
}

// stop ends the process with SIGTERM and waits for it (SIGKILL after 10 s).
func (s *sandbox) stop() {
	if s.cmd.ProcessState != nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		s.t.Errorf("savctl serve did not stop on SIGTERM: %s", s.stderr.String())
	}
}

// hasLog reports whether the process's stderr has a line holding every
// part.
func (s *sandbox) hasLog(parts ...string) bool {
	for _, l := range strings.Split(s.stderr.String(), "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return true
		}
	}
	return false
}

// waitLog waits until the process's stderr has a line holding every part.
func (s *sandbox) waitLog(timeout time.Duration, parts ...string) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for !s.hasLog(parts...) {
		if time.Now().After(deadline) {
			s.t.Fatalf("no log line with %q:\n%s", parts, s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sendDepot(t *testing.T, bin, url, ref string) string {
	t.Helper()
	depot := writeFile(t, ref+".json", strings.Replace(depotJSON, "BYTL-0001", ref, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "send", "--url", url, depot).Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "savctl send: %s %s", out, stderr)
	require.Contains(t, string(out), `"ok":true`)
	return string(out)
}

// TestSandbox is issue 5's sandbox: an OI sandbox that plays its role and
// an OC sandbox, as processes linked by their peers files; a ticket filed
// with savctl send through the OC is taken in charge and closed by the OI,
// and the OC sees each step. Then the OC stops while the OI closes the next
// ticket, starts again on the same port, and the closure waiting in the
// OI's outbox reaches it.
func TestSandbox(t *testing.T) {
	bin := sandboxBinary(t)
	dir := t.TempDir()
	oiPort, ocPort := freePort(t), freePort(t)
	oiPeers := filepath.Join(dir, "oi-peers.json")
	ocPeers := filepath.Join(dir, "oc-peers.json")
	require.NoError(t, os.WriteFile(oiPeers, fmt.Appendf(nil,
		`{"operators":[{"code":"BYTL","role":"oc","v2":{"url":"http://127.0.0.1:%d/sav/v2/oc"}}]}`, ocPort), 0o644))
	require.NoError(t, os.WriteFile(ocPeers, fmt.Appendf(nil,
		`{"operators":[{"code":"FTEL","role":"oi","v2":{"url":"http://127.0.0.1:%d/sav/v2/oi"}}]}`, oiPort), 0o644))
	state := filepath.Join(dir, "oc-state.json")

	oi := startSandbox(t, bin, 3, "--role", "oi", "--code", "FTEL", "--addr", fmt.Sprintf("127.0.0.1:%d", oiPort),
		"--peers", oiPeers, "--autoplay", "300ms", "--retry", "100ms")
	require.Contains(t, oi.urls, "/sav/v2/oi")
	require.Contains(t, oi.urls, "/sav-ftth/services/rdvFtthSav")
	require.Contains(t, oi.urls, "/ftth/services/infoTravauxService")
	ocArgs := []string{"--role", "oc", "--code", "BYTL", "--addr", fmt.Sprintf("127.0.0.1:%d", ocPort),
		"--peers", ocPeers, "--autoplay", "300ms", "--state", state}
	oc := startSandbox(t, bin, 1, ocArgs...)
	ocURL := oc.urls["/sav/v2/oc"]
	require.Equal(t, fmt.Sprintf("http://127.0.0.1:%d/sav/v2/oc", ocPort), ocURL)

	// 1. Both up: filed, taken in charge, closed, seen on both sides.
	out := sendDepot(t, bin, ocURL, "BYTL-S1")
	require.Contains(t, out, `"key":"FTEL00000001"`)
	oi.waitLog(20*time.Second, "ticket event", "kind=FILED", "ref=BYTL-S1")
	oi.waitLog(20*time.Second, "autoplay: taken in charge", "ref=BYTL-S1")
	oi.waitLog(20*time.Second, "autoplay: closed", "ref=BYTL-S1", "state=CLOSED")
	oc.waitLog(20*time.Second, "ticket event", "kind=ACKNOWLEDGED", "ref=BYTL-S1")
	oc.waitLog(20*time.Second, "ticket event", "kind=\"TAKEN IN CHARGE\"", "ref=BYTL-S1")
	oc.waitLog(20*time.Second, "ticket event", "kind=CLOSED", "ref=BYTL-S1", "state=CLOSED")

	t.Log("case 1 done")
	// 2. The OC goes down right after filing; the OI takes the ticket in
	// charge and closes it meanwhile.
	out = sendDepot(t, bin, ocURL, "BYTL-S2")
	require.Contains(t, out, `"key":"FTEL00000002"`)
	oc.stop()
	oc.waitLog(10*time.Second, "2 tickets saved to "+state)
	oi.waitLog(20*time.Second, "autoplay: closed", "ref=BYTL-S2", "state=CLOSED")
	require.False(t, oc.hasLog("kind=CLOSED", "ref=BYTL-S2"), "closure seen by a stopped OC")

	t.Log("closed while OC down")
	// Back on the same port: the notifications waiting in the OI's outbox
	// are delivered, in order.
	oc2 := startSandbox(t, bin, 1, ocArgs...)
	require.Equal(t, ocURL, oc2.urls["/sav/v2/oc"])
	oc2.waitLog(10*time.Second, "2 tickets loaded from")
	oc2.waitLog(30*time.Second, "ticket event", "kind=CLOSED", "ref=BYTL-S2", "state=CLOSED")

	t.Log("delivered")
	oi.stop()
	oc2.stop()
	require.Contains(t, oi.stderr.String(), "OI stopped")
	require.Contains(t, oc2.stderr.String(), "OC stopped")
}
