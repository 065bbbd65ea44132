package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/v2"
)

const serveUsage = "savctl serve --role oi|oc [--addr 127.0.0.1:8080] [--code CODE] [--peers FILE]"

// Default operator codes of the sandbox, by role.
var sandboxCodes = map[codes.Role]string{codes.RoleOI: "SBOI", codes.RoleOC: "SBOC"}

// serveConfig is what the endpoints of a sandbox are built from.
type serveConfig struct {
	role   codes.Role
	code   string
	peers  *peersFile // nil without --peers
	logger *slog.Logger
	stderr io.Writer
}

// endpoint is one web service the sandbox serves, on a fixed path
// (SAVCTL.md, "serve").
type endpoint struct {
	path    string
	handler http.Handler
}

// endpointProviders build the sandbox's endpoints, one provider per
// protocol or service; each returns nothing for a role it does not serve.
// The Plan de charge SAV and InfoTravaux services add their providers here.
var endpointProviders = []func(*serveConfig) ([]endpoint, error){v2Endpoints}

// v2Endpoints serves protocol 2.0 with the in-memory backend: /sav/v2/oi
// for an OI, /sav/v2/oc for an OC.
func v2Endpoints(cfg *serveConfig) ([]endpoint, error) {
	auth, err := cfg.authenticator()
	if err != nil {
		return nil, err
	}
	mem := v2.NewMemory(v2.MemoryOptions{IDPrefix: cfg.code})
	opts := v2.ServerOptions{Code: cfg.code, Auth: auth, Logger: cfg.logger}
	if cfg.role == codes.RoleOI {
		s, err := v2.NewOIServer(mem, opts)
		if err != nil {
			return nil, err
		}
		return []endpoint{{"/sav/v2/oi", s}}, nil
	}
	s, err := v2.NewOCServer(mem, opts)
	if err != nil {
		return nil, err
	}
	return []endpoint{{"/sav/v2/oc", s}}, nil
}

// authenticator maps the peers' credentials to their operator codes, or,
// without --peers, trusts the operator code the sav:entete header claims.
func (cfg *serveConfig) authenticator() (v2.Authenticator, error) {
	if cfg.peers == nil {
		field := "codeOC"
		if cfg.role == codes.RoleOC {
			field = "codeOI"
		}
		fmt.Fprintf(cfg.stderr, "savctl serve: no --peers: authentication is off, the sandbox trusts the %s of the sav:entete header\n", field)
		return v2.TrustHeader{}, nil
	}
	basic, cert := v2.NewBasicAuth(), v2.NewCertAuth()
	for _, op := range cfg.peers.Operators {
		if op.Auth == nil {
			continue
		}
		if b := op.Auth.Basic; b != nil {
			if err := basic.Add(b.User, b.Password, op.Code); err != nil {
				return nil, err
			}
		}
		if op.Auth.CertSubject != "" {
			if err := cert.Add(op.Auth.CertSubject, op.Code); err != nil {
				return nil, err
			}
		}
	}
	return v2.Authenticators{basic, cert}, nil
}

// peersFile is the --peers file (SAVCTL.md): the partners, how to reach
// them and the credentials they present.
type peersFile struct {
	Operators []peer `json:"operators"`
}

type peer struct {
	Code string     `json:"code"`
	Role codes.Role `json:"role"`
	V2   *struct {
		URL string `json:"url"`
	} `json:"v2,omitempty"`
	V1A *struct {
		Address string `json:"address"`
	} `json:"v1a,omitempty"`
	Auth *peerAuth `json:"auth,omitempty"`
}

type peerAuth struct {
	Basic       *basicCredentials `json:"basic,omitempty"`
	CertSubject string            `json:"certSubject,omitempty"`
	// Outbound are the credentials presented to this peer.
	Outbound *struct {
		Basic       *basicCredentials `json:"basic,omitempty"`
		CertSubject string            `json:"certSubject,omitempty"`
	} `json:"outbound,omitempty"`
}

type basicCredentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// loadPeers reads and checks a peers file.
func loadPeers(e *env, name string) (*peersFile, error) {
	in, err := readInput(e, name)
	if err != nil {
		return nil, err
	}
	var pf peersFile
	dec := json.NewDecoder(bytes.NewReader(in.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pf); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	seen := map[string]bool{}
	for i, op := range pf.Operators {
		if err := codes.ValidOperatorCode(op.Code); err != nil {
			return nil, fmt.Errorf("%s: operator %d: code %q: want four upper-case letters or digits", name, i+1, op.Code)
		}
		if !op.Role.Valid() {
			return nil, fmt.Errorf("%s: operator %s: role %q: want oi or oc", name, op.Code, op.Role)
		}
		if a := op.Auth; a != nil && a.Basic != nil {
			if a.Basic.User == "" || seen[a.Basic.User] {
				return nil, fmt.Errorf("%s: operator %s: basic user %q empty or used twice", name, op.Code, a.Basic.User)
			}
			seen[a.Basic.User] = true
		}
	}
	return &pf, nil
}

func runServe(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	roleText := fs.String("role", "", "oi or oc")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	code := fs.String("code", "", "the sandbox's operator code (default SBOI or SBOC)")
	peersName := fs.String("peers", "", "JSON file of the partners and their credentials")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return fail(e, "serve", err, serveUsage)
	}
	if len(rest) > 0 {
		return fail(e, "serve", usagef("unexpected argument %q", rest[0]), serveUsage)
	}
	role, err := codes.ParseRole(*roleText)
	if err != nil || !role.Valid() {
		return fail(e, "serve", usagef("--role %q: want oi or oc", *roleText), serveUsage)
	}
	if *code == "" {
		*code = sandboxCodes[role]
	}
	if codes.ValidOperatorCode(*code) != nil {
		return fail(e, "serve", usagef("--code %q: want four upper-case letters or digits", *code), serveUsage)
	}
	cfg := &serveConfig{role: role, code: *code, stderr: e.stderr,
		logger: slog.New(slog.NewTextHandler(e.stderr, nil))}
	if *peersName != "" {
		if cfg.peers, err = loadPeers(e, *peersName); err != nil {
			return fail(e, "serve", err, "")
		}
	}
	mux := http.NewServeMux()
	var eps []endpoint
	for _, provide := range endpointProviders {
		got, err := provide(cfg)
		if err != nil {
			return fail(e, "serve", err, "")
		}
		eps = append(eps, got...)
	}
	for _, ep := range eps {
		mux.Handle(ep.path, ep.handler)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(e, "serve", err, "")
	}
	srv := v2.NewHTTPServer(ln.Addr().String(), mux)
	base := "http://" + ln.Addr().String()
	for _, ep := range eps {
		fmt.Fprintf(e.stdout, "listening %s %s%s\n", ep.path, base, ep.path)
	}
	if f, ok := e.stdout.(*os.File); ok {
		_ = f.Sync()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fail(e, "serve", err, "")
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fail(e, "serve", err, "")
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(e, "serve", err, "")
	}
	fmt.Fprintf(e.stderr, "savctl serve: %s stopped\n", strings.ToUpper(string(role)))
	return exitOK
}
