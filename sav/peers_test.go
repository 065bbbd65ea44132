package sav_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	v2 "github.com/opensav/savsdk/v2"
)

// The peers file of SAVCTL.md, as given there.
const savctlPeers = `{"operators": [
  {"code": "BYTL", "role": "oc",
   "v2": {"url": "http://127.0.0.1:9090/sav/v2/oc"},
   "v1a": {"address": "sav-ftth@bytl.example"},
   "auth": {"basic": {"user": "bytl", "password": "…"}}}
]}`

func TestReadPeersSAVCTL(t *testing.T) {
	p, err := sav.ReadPeers(strings.NewReader(savctlPeers))
	require.NoError(t, err)
	b, ok := p.Lookup("BYTL")
	require.True(t, ok)
	require.Equal(t, codes.RoleOC, b.Role)
	require.Equal(t, sav.ProtocolV2, b.Protocol(), "v2 wins when both are given")
	require.Equal(t, "sav-ftth@bytl.example", b.Address())
	_, ok = p.Lookup("FTEL")
	require.False(t, ok)

	dir := t.TempDir()
	path := filepath.Join(dir, "peers.json")
	require.NoError(t, os.WriteFile(path, []byte(savctlPeers), 0o600))
	q, err := sav.LoadPeers(path)
	require.NoError(t, err)
	require.Equal(t, p, q)
	_, err = sav.LoadPeers(filepath.Join(dir, "missing.json"))
	require.Error(t, err)
}

func TestReadPeersErrors(t *testing.T) {
	for _, tt := range []struct{ name, file, want string }{
		{"bad code", `{"operators":[{"code":"bt","v1a":{"address":"a@b.c"}}]}`, "code"},
		{"twice", `{"operators":[{"code":"BYTL","v1a":{"address":"a@b.c"}},{"code":"BYTL","v1a":{"address":"a@b.c"}}]}`, "twice"},
		{"no protocol", `{"operators":[{"code":"BYTL"}]}`, "neither"},
		{"empty url", `{"operators":[{"code":"BYTL","v2":{"url":" "}}]}`, "url"},
		{"bad address", `{"operators":[{"code":"BYTL","v1a":{"address":"not an address"}}]}`, "address"},
		{"bad role", `{"operators":[{"code":"BYTL","role":"xx","v1a":{"address":"a@b.c"}}]}`, "role"},
		{"half basic", `{"operators":[{"code":"BYTL","v1a":{"address":"a@b.c"},"auth":{"basic":{"user":"u"}}}]}`, "password"},
		{"unknown field", `{"operators":[{"code":"BYTL","v1a":{"adress":"a@b.c"}}]}`, "adress"},
		{"not json", `{"operators":`, "peers file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sav.ReadPeers(strings.NewReader(tt.file))
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestPeersAuthenticator(t *testing.T) {
	var none *sav.Peers
	a, trusted, err := none.Authenticator()
	require.NoError(t, err)
	require.True(t, trusted)
	require.IsType(t, v2.TrustHeader{}, a)

	p, err := sav.ReadPeers(strings.NewReader(`{"operators":[
	  {"code":"BYTL","v1a":{"address":"a@bytl.test"},"auth":{"basic":{"user":"bytl","password":"pw"}}},
	  {"code":"SFR0","v1a":{"address":"a@sfr0.test"},"auth":{"certSubject":"CN=sav.sfr0.test"}}]}`))
	require.NoError(t, err)
	a, trusted, err = p.Authenticator()
	require.NoError(t, err)
	require.False(t, trusted)
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.SetBasicAuth("bytl", "pw")
	code, err := a.Authenticate(r, "")
	require.NoError(t, err)
	require.Equal(t, "BYTL", code)
	r.SetBasicAuth("bytl", "wrong")
	_, err = a.Authenticate(r, "")
	require.ErrorIs(t, err, v2.ErrUnauthenticated)
}

func TestPeerDoer(t *testing.T) {
	var gotUser, gotPass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUser, gotPass, _ = r.BasicAuth()
	}))
	defer srv.Close()
	p := &sav.Peer{Code: "FTEL", V2: &sav.PeerV2{URL: srv.URL},
		Auth: &sav.PeerAuth{Outbound: &sav.PeerOutbound{Basic: &sav.BasicCredentials{User: "bytl", Password: "pw"}}}}
	d, err := p.Doer(nil)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	resp, err := d.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "bytl", gotUser)
	require.Equal(t, "pw", gotPass)

	bad := &sav.Peer{Code: "FTEL", TLS: &sav.PeerTLS{CAFile: filepath.Join(t.TempDir(), "none.pem")}}
	_, err = bad.Doer(nil)
	require.Error(t, err)
}

func TestEventKinds(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range []sav.EventKind{sav.EventFiled, sav.EventAcknowledged, sav.EventRejected, sav.EventTakenInCharge,
		sav.EventInformation, sav.EventCancelled, sav.EventCancelRequested, sav.EventClosed} {
		require.False(t, seen[k.String()])
		seen[k.String()] = true
	}
	require.Equal(t, "EventKind(99)", sav.EventKind(99).String())
	require.Equal(t, sav.EventKind(0), sav.EventKindOf(0))
}
