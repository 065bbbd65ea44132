package sav

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"os"
	"strings"

	"github.com/opensav/savsdk/codes"
	v2 "github.com/opensav/savsdk/v2"
)

// ErrUnknownPeer: no peer is configured for an operator code, or the peer
// has no address for the protocol needed.
var ErrUnknownPeer = errors.New("sav: unknown peer")

// Peers is the configuration of an operator's partners: for each operator
// code, how to reach it (a 1.0a mail address, a 2.0 endpoint URL, or both:
// 2.0 wins), the credentials it presents to us and those we present to it.
// It reads the peers file of SAVCTL.md (ReadPeers, LoadPeers).
//
// A Peers is read-only once built; it is then safe for concurrent use.
type Peers struct {
	Operators []Peer `json:"operators"`
}

// Peer is one partner operator.
type Peer struct {
	// Code is its operator code.
	Code string `json:"code"`
	// Role is the role it plays towards us ("oi" or "oc" in the file);
	// empty means either.
	Role codes.Role `json:"role,omitempty"`
	// V2 is its protocol 2.0 endpoint, when it speaks 2.0.
	V2 *PeerV2 `json:"v2,omitempty"`
	// V1A is its protocol 1.0a mail address, when it speaks 1.0a.
	V1A *PeerV1A `json:"v1a,omitempty"`
	// Auth lists the credentials it presents to us and, under Outbound,
	// those we present to it.
	Auth *PeerAuth `json:"auth,omitempty"`
	// TLS configures the connections we open to its endpoint.
	TLS *PeerTLS `json:"tls,omitempty"`

	// HTTPClient, when set, is the client used to call its endpoint (for a
	// transport the file cannot describe); it takes precedence over TLS.
	HTTPClient *http.Client `json:"-"`
}

// PeerV2 is a partner's protocol 2.0 endpoint.
type PeerV2 struct {
	URL string `json:"url"`
}

// PeerV1A is a partner's protocol 1.0a mail address: the one we send to and
// the only one we accept its mail from.
type PeerV1A struct {
	Address string `json:"address"`
}

// PeerAuth holds credentials. At the top level of a Peer they are what the
// peer presents to us (HTTP basic or the subject of its mTLS certificate);
// Outbound holds what we present to it.
type PeerAuth struct {
	Basic       *BasicCredentials `json:"basic,omitempty"`
	CertSubject string            `json:"certSubject,omitempty"`
	Outbound    *PeerOutbound     `json:"outbound,omitempty"`
}

// PeerOutbound is what we present to a peer's endpoint.
type PeerOutbound struct {
	Basic *BasicCredentials `json:"basic,omitempty"`
}

// BasicCredentials are an HTTP basic user and password.
type BasicCredentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// PeerTLS configures the TLS connections to a peer: the CA that signs its
// server certificate and our client certificate for mTLS (PEM files).
type PeerTLS struct {
	CAFile   string `json:"caFile,omitempty"`
	CertFile string `json:"certFile,omitempty"`
	KeyFile  string `json:"keyFile,omitempty"`
}

// ReadPeers reads a peers file (JSON, SAVCTL.md) and checks it (Peers.Check).
// Unknown fields are refused, so a misspelt key is not silently ignored.
func ReadPeers(r io.Reader) (*Peers, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Peers
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("sav: peers file: %w", err)
	}
	for i := range p.Operators {
		p.Operators[i].Role = codes.Role(strings.ToUpper(string(p.Operators[i].Role)))
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return &p, nil
}

// LoadPeers reads the peers file at path.
func LoadPeers(path string) (*Peers, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sav: peers file: %w", err)
	}
	defer f.Close()
	return ReadPeers(f)
}

// Check reports the first entry that cannot be used: an invalid or repeated
// operator code, an unknown role, a peer with neither protocol, an empty URL
// or an unparsable mail address, incomplete basic credentials.
func (p *Peers) Check() error {
	seen := map[string]bool{}
	for i, o := range p.Operators {
		where := fmt.Sprintf("sav: peers: operators[%d]", i)
		if err := codes.ValidOperatorCode(o.Code); err != nil {
			return fmt.Errorf("%s: code: %w", where, err)
		}
		if seen[o.Code] {
			return fmt.Errorf("%s: code %s given twice", where, o.Code)
		}
		seen[o.Code] = true
		if o.Role != "" && !o.Role.Valid() {
			return fmt.Errorf("%s: role %q: want oi or oc", where, o.Role)
		}
		if o.V2 == nil && o.V1A == nil {
			return fmt.Errorf("%s (%s): neither v2 nor v1a is given", where, o.Code)
		}
		if o.V2 != nil && strings.TrimSpace(o.V2.URL) == "" {
			return fmt.Errorf("%s (%s): v2.url is empty", where, o.Code)
		}
		if o.V1A != nil {
			if _, err := mail.ParseAddress(o.V1A.Address); err != nil {
				return fmt.Errorf("%s (%s): v1a.address: %w", where, o.Code, err)
			}
		}
		if a := o.Auth; a != nil {
			for _, b := range []*BasicCredentials{a.Basic, outboundBasic(a)} {
				if b != nil && (b.User == "" || b.Password == "") {
					return fmt.Errorf("%s (%s): basic credentials need a user and a password", where, o.Code)
				}
			}
		}
	}
	return nil
}

func outboundBasic(a *PeerAuth) *BasicCredentials {
	if a == nil || a.Outbound == nil {
		return nil
	}
	return a.Outbound.Basic
}

// Lookup returns the peer of an operator code.
func (p *Peers) Lookup(code string) (*Peer, bool) {
	if p == nil {
		return nil, false
	}
	for i := range p.Operators {
		if p.Operators[i].Code == code {
			return &p.Operators[i], true
		}
	}
	return nil, false
}

// Protocol returns the protocol we use to reach the peer: 2.0 when it has an
// endpoint (2.0 wins when both are given), else 1.0a.
func (o *Peer) Protocol() Protocol {
	if o.V2 != nil {
		return ProtocolV2
	}
	return ProtocolV1A
}

// Address returns the peer's 1.0a mail address, or "".
func (o *Peer) Address() string {
	if o.V1A == nil {
		return ""
	}
	if a, err := mail.ParseAddress(o.V1A.Address); err == nil {
		return strings.ToLower(a.Address)
	}
	return strings.ToLower(strings.TrimSpace(o.V1A.Address))
}

// Authenticator returns the authenticator of our protocol 2.0 server built
// from the credentials the peers present: HTTP basic users and mTLS
// certificate subjects. When no peer has any, it returns v2.TrustHeader,
// the sandbox's (SAVCTL.md: "the sandbox trusts the codeOC of the
// sav:entete header"), and trusted = true so the caller can say so.
func (p *Peers) Authenticator() (auth v2.Authenticator, trusted bool, err error) {
	basic, cert := v2.NewBasicAuth(), v2.NewCertAuth()
	var nb, nc int
	if p != nil {
		for _, o := range p.Operators {
			if o.Auth == nil {
				continue
			}
			if b := o.Auth.Basic; b != nil {
				if err := basic.Add(b.User, b.Password, o.Code); err != nil {
					return nil, false, fmt.Errorf("sav: peers: %s: %w", o.Code, err)
				}
				nb++
			}
			if s := o.Auth.CertSubject; s != "" {
				if err := cert.Add(s, o.Code); err != nil {
					return nil, false, fmt.Errorf("sav: peers: %s: %w", o.Code, err)
				}
				nc++
			}
		}
	}
	switch {
	case nb > 0 && nc > 0:
		return v2.Authenticators{cert, basic}, false, nil
	case nb > 0:
		return basic, false, nil
	case nc > 0:
		return cert, false, nil
	}
	return v2.TrustHeader{}, true, nil
}

// Doer returns the HTTP doer that calls the peer's endpoint: its HTTPClient,
// else a client with its TLS settings (or base when it has none), adding our
// outbound basic credentials to every request.
func (o *Peer) Doer(base *http.Client) (v2.Doer, error) {
	c := o.HTTPClient
	if c == nil && o.TLS != nil {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if o.TLS.CAFile != "" {
			pem, err := os.ReadFile(o.TLS.CAFile)
			if err != nil {
				return nil, fmt.Errorf("sav: peer %s: tls.caFile: %w", o.Code, err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("sav: peer %s: tls.caFile: no certificate", o.Code)
			}
			cfg.RootCAs = pool
		}
		if o.TLS.CertFile != "" || o.TLS.KeyFile != "" {
			cert, err := tls.LoadX509KeyPair(o.TLS.CertFile, o.TLS.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("sav: peer %s: tls client certificate: %w", o.Code, err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = cfg
		c = &http.Client{Transport: tr}
		if base != nil {
			c.Timeout = base.Timeout
		}
	}
	if c == nil {
		c = base
	}
	if c == nil {
		c = http.DefaultClient
	}
	return &peerDoer{client: c, basic: outboundBasic(o.Auth)}, nil
}

// IdempotencyHeader is the HTTP header that carries a delivery's
// idempotency key on protocol 2.0 notifications sent from the outbox; the
// receiving engine journals the request under it, so a request delivered
// twice is applied once and answered the same way.
const IdempotencyHeader = v2.IdempotencyHeader

type idempotencyKey struct{}

// peerDoer adds the outbound credentials and the idempotency key of the
// delivery under way (carried by the request's context).
type peerDoer struct {
	client *http.Client
	basic  *BasicCredentials
}

func (d *peerDoer) Do(r *http.Request) (*http.Response, error) {
	if d.basic != nil {
		r.SetBasicAuth(d.basic.User, d.basic.Password)
	}
	if k, ok := r.Context().Value(idempotencyKey{}).(string); ok && k != "" {
		r.Header.Set(IdempotencyHeader, k)
	}
	return d.client.Do(r)
}
