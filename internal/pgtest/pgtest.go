// Package pgtest gives tests a real PostgreSQL server: the one the
// SAVSDK_PG_URL environment variable names, else a throwaway cluster it
// starts from the server binaries Debian's postgresql package installs
// (initdb and postgres under /usr/lib/postgresql/*/bin, or on PATH), in a
// temporary directory, listening only on a Unix socket there, stopped and
// removed when the tests end (the server also dies with the test
// process). Run as root, the cluster runs as the
// postgres user (or nobody): PostgreSQL refuses to run as root.
//
// A test package calls [Main] from its TestMain, and [URL] or [Schema] in
// each test. Without a server the tests skip, saying why, except under
// CI=true, where .ci/run installs the server and they fail instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable that gives the URL of an existing
// server to test against (a database the tests may create schemas in).
const EnvURL = "SAVSDK_PG_URL"

var (
	serverURL string
	why       string // why there is no server
)

// Main runs the tests of m against a server (see the package
// documentation) and returns their exit code: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	if u := os.Getenv(EnvURL); u != "" {
		serverURL = u
		return m.Run()
	}
	c, err := start()
	if err != nil {
		why = err.Error()
		return m.Run()
	}
	serverURL = c.url
	code := m.Run()
	c.stop()
	return code
}

// URL returns the URL of the test server, or skips the test (fails it
// under CI=true) when there is none.
func URL(t testing.TB) string {
	t.Helper()
	if serverURL == "" {
		msg := why
		if msg == "" {
			msg = "pgtest.Main did not run (call it from TestMain)"
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("no PostgreSQL server: %s (CI=true: .ci/run installs the postgresql package)", msg)
		}
		t.Skipf("no PostgreSQL server: %s; install one (apt-get install -y postgresql) or set %s", msg, EnvURL)
	}
	return serverURL
}

// Schema creates a new, empty schema for the test, dropped when it ends,
// and returns its name.
func Schema(t testing.TB) string {
	t.Helper()
	u := URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	name := "test_" + strings.ToLower(rand.Text()[:12])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Errorf("pgtest: dropping schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("pgtest: dropping schema %s: %v", name, err)
		}
	})
	return name
}

// WithSearchPath returns u with its search_path set to schema.
func WithSearchPath(t testing.TB, u, schema string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		// A keyword/value string.
		return u + " search_path=" + schema
	}
	q := p.Query()
	q.Set("search_path", schema)
	p.RawQuery = q.Encode()
	return p.String()
}

type cluster struct {
	dir    string
	server *exec.Cmd
	done   chan struct{} // closed when the server has exited
	url    string
}

// binaries finds initdb and postgres: the newest of
// /usr/lib/postgresql/*/bin, else PATH.
func binaries() (initdb, postgres string, err error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "postgres")
		if _, err := os.Stat(i); err == nil {
			if _, err := os.Stat(p); err == nil {
				return i, p, nil
			}
		}
	}
	i, err1 := exec.LookPath("initdb")
	p, err2 := exec.LookPath("postgres")
	if err1 != nil || err2 != nil {
		return "", "", fmt.Errorf("initdb and postgres not found under /usr/lib/postgresql/*/bin nor on PATH")
	}
	return i, p, nil
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func start() (*cluster, error) {
	initdb, postgres, err := binaries()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	// The server dies with the test process (SIGQUIT: an immediate
	// shutdown that ends its children too), even when a test panics.
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGQUIT}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: run it as postgres (the user
		// the Debian package creates) or nobody, owning the directory.
		var u *user.User
		for _, name := range []string{"postgres", "nobody"} {
			if u, err = user.Lookup(name); err == nil {
				break
			}
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no postgres or nobody user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	command := func(args ...string) *exec.Cmd {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.SysProcAttr = attr
		cmd.Dir = dir
		return cmd
	}
	out, err := command(initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
		"--no-sync").CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	// A Unix socket in dir only; durability off: a test cluster lives for
	// one run (its data survives the end of the server's processes, not of
	// the machine's).
	c := &cluster{dir: dir, done: make(chan struct{})}
	c.server = command(postgres, "-D", data, "-k", dir, "-c", "listen_addresses=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer log.Close()
	c.server.Stdout, c.server.Stderr = log, log
	if err := c.server.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting postgres: %v", err)
	}
	go func() {
		_ = c.server.Wait()
		close(c.done)
	}()
	c.url = "postgres://postgres@/postgres?host=" + url.QueryEscape(dir) + "&sslmode=disable"
	// Wait until it answers.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.url)
		if err == nil {
			conn.Close(ctx)
			return c, nil
		}
		select {
		case <-c.done:
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("postgres exited: %s", b)
		case <-ctx.Done():
			c.stop()
			return nil, fmt.Errorf("the test server does not answer: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop shuts the server down (fast shutdown: SIGINT) and removes its
// directory.
func (c *cluster) stop() {
	_ = c.server.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.server.Process.Kill()
		<-c.done
	}
	os.RemoveAll(c.dir)
}
