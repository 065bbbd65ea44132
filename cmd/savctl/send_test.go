package main

import (
	"encoding/json"
	"net"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/v2"
)

// v2OI starts an in-process protocol 2.0 OI on loopback with the in-memory
// backend; with a user, it asks for basic authentication.
func v2OI(t *testing.T, user, password string) string {
	t.Helper()
	var auth v2.Authenticator = v2.TrustHeader{}
	if user != "" {
		b := v2.NewBasicAuth()
		require.NoError(t, b.Add(user, password, "BYTL"))
		auth = b
	}
	s, err := v2.NewOIServer(v2.NewMemory(v2.MemoryOptions{IDPrefix: "FTEL"}), v2.ServerOptions{Code: "FTEL", Auth: auth})
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL + "/sav/v2/oi"
}

// coInfoJSON is a ticket whose latest step is an OC's information.
const coInfoJSON = `{"codeOC":"BYTL","codeOI":"FTEL","typeSAV":"SIGNALISATION","referenceSigSAVRaccoOC":"BYTL-0001",
"referenceSigSAVOI":"FTEL00000001","state":"QUEUED","version":0,
"history":[{"kind":"CO CASE INFORMATION NOTIFICATION","sender":"OC","at":"2026-03-02T10:00:00+01:00",
"message":{"type":"COMMENTAIRE","texte":"Client joignable le matin"},"state":"QUEUED","resultingVersion":1}]}`

func TestSend(t *testing.T) {
	url := v2OI(t, "", "")
	depot := writeFile(t, "depot.json", depotJSON)
	decode := func(out string) map[string]any {
		t.Helper()
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &m), out)
		return m
	}

	r := savctl(t, "", "send", "--url", url, depot)
	require.Equal(t, exitOK, r.code, r.stderr)
	require.JSONEq(t, `{"ok":true,"key":"FTEL00000001","version":0}`, r.stdout)

	// The same deposit again: the partner's duplicate fault names the key.
	r = savctl(t, "", "send", "--url", url, depot)
	require.Equal(t, exitInvalid, r.code, r.stderr)
	m := decode(r.stdout)
	require.Equal(t, false, m["ok"])
	require.Equal(t, 100.0, m["code"])
	require.Equal(t, "FTEL00000001", m["key"])
	require.NotEmpty(t, m["message"])

	// A set carrying the record's transaction.
	r = savctl(t, "", "send", "--url", url, writeFile(t, "co.json", coInfoJSON))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.JSONEq(t, `{"ok":true,"key":"FTEL00000001","version":1}`, r.stdout)

	// A 1.0a DEPOT file with several lines needs --line; the chosen line
	// gets the partner's answer, whatever it is.
	r = savctl(t, "", "send", "--url", url, td("partner", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"))
	require.Equal(t, exitUsage, r.code, r.stderr)
	require.Contains(t, r.stderr, "--line")
	r = savctl(t, "", "send", "--url", url, "--line", "2", td("partner", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"))
	require.Contains(t, []int{exitOK, exitInvalid}, r.code, r.stderr)
	require.Contains(t, r.stdout, `"ok":`)
}

func TestSendAuthentication(t *testing.T) {
	url := v2OI(t, "bytl", "pw")
	depot := writeFile(t, "depot.json", depotJSON)
	r := savctl(t, "", "send", "--url", url, "--user", "bytl", "--password", "wrong", depot)
	require.Equal(t, exitInvalid, r.code, r.stderr)
	require.Contains(t, r.stdout, `"code":12`)
	r = savctl(t, "", "send", "--url", url, "--user", "bytl", "--password", "pw", depot)
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"ok":true`)
}

func TestSendErrors(t *testing.T) {
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String() + "/sav/v2/oi"
	require.NoError(t, ln.Close())
	depot := writeFile(t, "depot.json", depotJSON)
	r := savctl(t, "", "send", "--url", closed, depot)
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "unreachable")
	require.Empty(t, r.stdout)

	// Not a SOAP endpoint.
	srv := httptest.NewServer(nil)
	defer srv.Close()
	r = savctl(t, "", "send", "--url", srv.URL+"/nothing", depot)
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "no SOAP answer")

	for _, args := range [][]string{
		{"send", depot},
		{"send", "--url", closed},
		{"send", "--url", closed, "--user", "u", depot},
		{"send", "--url", closed, "--line", "-1", depot},
		{"send", "--url", closed, "--oc", "bad", depot},
		{"send", "--url", closed, "--timeout", "0s", depot},
		{"send", "--url", closed, "--nope", depot},
		{"send", "--url", closed, "/no/such/file"},
	} {
		r := savctl(t, "", args...)
		require.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
	// An AR carries no request: an invalid input.
	r = savctl(t, "", "send", "--url", closed, "--line", "2", td("partner", "SAV_AR_FTEL_BYTL_20260105094500_0001.csv"))
	require.Equal(t, exitInvalid, r.code, r.stderr)
}
