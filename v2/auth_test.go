package v2

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

func TestBasicAuth(t *testing.T) {
	a := NewBasicAuth()
	require.NoError(t, a.Add("bytl", "pw", "BYTL"))
	require.Error(t, a.Add("x", "pw", "bad"))
	require.Error(t, a.Add("", "pw", "BYTL"))
	req := func(user, pass string, set bool) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if set {
			r.SetBasicAuth(user, pass)
		}
		return r
	}
	code, err := a.Authenticate(req("bytl", "pw", true), "IGNORED")
	require.NoError(t, err)
	require.Equal(t, "BYTL", code)
	for _, r := range []*http.Request{req("bytl", "PW", true), req("nobody", "pw", true), req("", "", false)} {
		_, err := a.Authenticate(r, "BYTL")
		require.ErrorIs(t, err, ErrUnauthenticated)
	}
}

func TestTrustHeaderAndChain(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	code, err := TrustHeader{}.Authenticate(r, "BYTL")
	require.NoError(t, err)
	require.Equal(t, "BYTL", code)
	_, err = TrustHeader{}.Authenticate(r, "")
	require.ErrorIs(t, err, ErrUnauthenticated)

	basic := NewBasicAuth()
	require.NoError(t, basic.Add("u", "p", "SFRA"))
	chain := Authenticators{NewCertAuth(), basic}
	r.SetBasicAuth("u", "p")
	code, err = chain.Authenticate(r, "")
	require.NoError(t, err)
	require.Equal(t, "SFRA", code)
	_, err = Authenticators{}.Authenticate(r, "")
	require.ErrorIs(t, err, ErrUnauthenticated)

	f := AuthenticatorFunc(func(*http.Request, string) (string, error) { return "", errors.New("directory down") })
	_, err = f.Authenticate(r, "")
	require.EqualError(t, err, "directory down")
}

// pki is a test certificate authority.
type pki struct {
	t    *testing.T
	ca   *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newPKI(t *testing.T, name string) *pki {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &pki{t: t, ca: ca, key: key, pool: pool}
}

// issue returns a leaf certificate for subject, for a server (with the
// loopback address) or a client.
func (p *pki) issue(subject pkix.Name, server bool) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(p.t, err)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: subject, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.key)
	require.NoError(p.t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestMutualTLS runs the OI's server behind TLS that requires client
// certificates from the partners' CA: each OC is known by its certificate's
// subject.
func TestMutualTLS(t *testing.T) {
	partners := newPKI(t, "Interop SAV test CA")
	stranger := newPKI(t, "Some other CA")
	auth := NewCertAuth()
	require.NoError(t, auth.Add("CN=sav.bytl.example,O=BYTL,C=FR", testOC))
	require.NoError(t, auth.Add("sav.sfra.example", testOC2)) // by common name
	require.Error(t, auth.Add("x", "bad"))
	require.Error(t, auth.Add("", testOC))

	mem := NewMemory(MemoryOptions{IDPrefix: testOI})
	srv, err := NewOIServer(mem, ServerOptions{Code: testOI, Auth: auth})
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(srv)
	ts.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: partners.pool,
		Certificates: []tls.Certificate{partners.issue(pkix.Name{CommonName: "sav.ftel.example"}, true)},
		MinVersion:   tls.VersionTLS12}
	ts.StartTLS()
	defer ts.Close()

	clientFor := func(cert tls.Certificate, oc string) *Client {
		hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: partners.pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}}
		c, err := NewClient(hc, ts.URL, ClientOptions{Role: codes.RoleOC, CodeOC: oc, CodeOI: testOI})
		require.NoError(t, err)
		return c
	}
	ctx := context.Background()
	bytl := clientFor(partners.issue(pkix.Name{CommonName: "sav.bytl.example", Organization: []string{"BYTL"},
		Country: []string{"FR"}}, false), testOC)
	res, err := bytl.Create(ctx, filing("BYTL-TLS-1"), nil)
	require.NoError(t, err)
	require.Equal(t, "FTEL00000001", res.Key)

	f := filing("SFRA-TLS-1")
	f.CodeOC = testOC2
	sfra := clientFor(partners.issue(pkix.Name{CommonName: "sav.sfra.example", Organization: []string{"SFR"}}, false), testOC2)
	_, err = sfra.Create(ctx, f, nil)
	require.NoError(t, err)
	// Its certificate says SFRA: it cannot act as BYTL.
	posing := clientFor(partners.issue(pkix.Name{CommonName: "sav.sfra.example"}, false), testOC)
	_, err = posing.Get(ctx, res.Key, nil)
	requireFaultCode(t, err, codes.ReturnCodeAccessDenied)

	// A certificate of the right CA with an unknown subject: 12.
	unknown := clientFor(partners.issue(pkix.Name{CommonName: "intruder.example"}, false), testOC)
	_, err = unknown.Get(ctx, res.Key, nil)
	requireFaultCode(t, err, codes.ReturnCodeAuthentication)

	// A certificate of another CA does not even get through the handshake.
	other := clientFor(stranger.issue(pkix.Name{CommonName: "sav.bytl.example", Organization: []string{"BYTL"},
		Country: []string{"FR"}}, false), testOC)
	_, err = other.Get(ctx, res.Key, nil)
	require.Error(t, err)
	var fe *FaultError
	require.False(t, errors.As(err, &fe), "no SOAP answer without a trusted certificate")

	// Without TLS there is no verified certificate.
	_, err = auth.Authenticate(httptest.NewRequest(http.MethodPost, "/", nil), testOC)
	require.ErrorIs(t, err, ErrUnauthenticated)
	require.Equal(t, 2, mem.Len())
}
