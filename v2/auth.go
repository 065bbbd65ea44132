package v2

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net/http"

	"github.com/opensav/savsdk/codes"
)

// ErrUnauthenticated is returned by an [Authenticator] that cannot tell who
// is calling: no credentials, wrong credentials, an unknown certificate. The
// servers answer it with return code 12 (ERREUR AUTHENTIFICATION).
var ErrUnauthenticated = errors.New("v2: caller not authenticated")

// Authenticator tells a server which operator is calling (V2.md, "Tenant
// isolation"). Authenticate returns the caller's operator code for r, or an
// error wrapping [ErrUnauthenticated]. claimed is the operator code the
// request's sav:entete gives for the caller (codeOC on the OI's endpoint,
// codeOI on the OC's); authenticators that check credentials ignore it, and
// the server refuses a request whose claimed code differs from the
// authenticated one.
type Authenticator interface {
	Authenticate(r *http.Request, claimed string) (string, error)
}

// AuthenticatorFunc adapts a function to [Authenticator].
type AuthenticatorFunc func(r *http.Request, claimed string) (string, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(r *http.Request, claimed string) (string, error) {
	return f(r, claimed)
}

var (
	_ Authenticator = AuthenticatorFunc(nil)
	_ Authenticator = (*BasicAuth)(nil)
	_ Authenticator = (*CertAuth)(nil)
	_ Authenticator = TrustHeader{}
)

// BasicAuth authenticates callers with HTTP basic authentication: each user
// name maps to a password and the operator code it authenticates. Passwords
// are kept as SHA-256 digests and compared in constant time. Add users
// before serving; a BasicAuth is then safe for concurrent use.
type BasicAuth struct {
	users map[string]basicUser
}

type basicUser struct {
	digest [sha256.Size]byte
	code   string
}

// NewBasicAuth returns an empty BasicAuth.
func NewBasicAuth() *BasicAuth { return &BasicAuth{users: map[string]basicUser{}} }

// Add registers user with password as operator code. The code must be a
// valid operator code.
func (a *BasicAuth) Add(user, password, code string) error {
	if err := codes.ValidOperatorCode(code); err != nil {
		return fmt.Errorf("v2: basic auth user %q: %w", user, err)
	}
	if user == "" {
		return errors.New("v2: basic auth: empty user name")
	}
	a.users[user] = basicUser{digest: sha256.Sum256([]byte(password)), code: code}
	return nil
}

// Authenticate implements [Authenticator].
func (a *BasicAuth) Authenticate(r *http.Request, _ string) (string, error) {
	user, password, ok := r.BasicAuth()
	if !ok {
		return "", fmt.Errorf("%w: no basic credentials", ErrUnauthenticated)
	}
	u, known := a.users[user]
	got := sha256.Sum256([]byte(password))
	// Compare even for unknown users so timing does not tell them apart.
	match := subtle.ConstantTimeCompare(got[:], u.digest[:]) == 1
	if !known || !match {
		return "", fmt.Errorf("%w: wrong user or password", ErrUnauthenticated)
	}
	return u.code, nil
}

// CertAuth authenticates callers by their TLS client certificate (mTLS): the
// subject of the verified leaf certificate maps to an operator code. The
// server's tls.Config must verify client certificates
// (ClientAuth: tls.RequireAndVerifyClientCert or VerifyClientCertIfGiven,
// with the partners' CAs in ClientCAs); unverified certificates are never
// trusted. Add subjects before serving; a CertAuth is then safe for
// concurrent use.
type CertAuth struct {
	subjects map[string]string
}

// NewCertAuth returns an empty CertAuth.
func NewCertAuth() *CertAuth { return &CertAuth{subjects: map[string]string{}} }

// Add maps a certificate subject to an operator code. subject is either the
// subject's distinguished name as [pkix.Name.String] writes it
// ("CN=sav.bytl.example,O=BYTL,C=FR") or its common name alone.
func (a *CertAuth) Add(subject, code string) error {
	if err := codes.ValidOperatorCode(code); err != nil {
		return fmt.Errorf("v2: certificate subject %q: %w", subject, err)
	}
	if subject == "" {
		return errors.New("v2: certificate auth: empty subject")
	}
	a.subjects[subject] = code
	return nil
}

// Authenticate implements [Authenticator].
func (a *CertAuth) Authenticate(r *http.Request, _ string) (string, error) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return "", fmt.Errorf("%w: no verified client certificate", ErrUnauthenticated)
	}
	subject := r.TLS.VerifiedChains[0][0].Subject
	if code, ok := a.lookup(subject); ok {
		return code, nil
	}
	return "", fmt.Errorf("%w: unknown certificate subject %q", ErrUnauthenticated, subject.String())
}

func (a *CertAuth) lookup(s pkix.Name) (string, bool) {
	if code, ok := a.subjects[s.String()]; ok {
		return code, true
	}
	if s.CommonName != "" {
		code, ok := a.subjects[s.CommonName]
		return code, ok
	}
	return "", false
}

// Authenticators tries each authenticator in turn and returns the first
// success; when all fail it returns the first error.
type Authenticators []Authenticator

// Authenticate implements [Authenticator].
func (as Authenticators) Authenticate(r *http.Request, claimed string) (string, error) {
	var first error
	for _, a := range as {
		code, err := a.Authenticate(r, claimed)
		if err == nil {
			return code, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = fmt.Errorf("%w: no authenticator configured", ErrUnauthenticated)
	}
	return "", first
}

// TrustHeader is the authenticator of a sandbox: it believes the operator
// code the sav:entete header claims, so any caller can act as any operator.
// Never use it where partners' data must be kept apart.
type TrustHeader struct{}

// Authenticate implements [Authenticator]: it returns claimed, or
// [ErrUnauthenticated] when the header gives no code.
func (TrustHeader) Authenticate(_ *http.Request, claimed string) (string, error) {
	if claimed == "" {
		return "", fmt.Errorf("%w: no operator code in the header", ErrUnauthenticated)
	}
	return claimed, nil
}
