package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v2"
)

// runCmd runs savctl in-process and returns its exit code and outputs.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

const depotJSON = `{"codeOC":"BYTL","codeOI":"FTEL","typeSAV":"SIGNALISATION","referenceSigSAVRaccoOC":"BYTL-0001",
"referencePrise":"FT-1234-5678","dateIncident":"2026-03-01","natureDefaut":"COUPURE","prelocDefaut":"PBO",
"commentaire":"Pas de signal","state":"SUBMITTED","version":0}`

func TestConvertToV2AndCheck(t *testing.T) {
	code, out, stderr := runCmd(t, "", "convert", "--to", "v2", "--now", "20260302100000", writeFile(t, "t.json", depotJSON))
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "<sav:horodatage>2026-03-02T10:00:00+01:00</sav:horodatage>")
	require.Contains(t, out, "<tt:createTroubleTicketByValueRequest")
	require.Contains(t, out, "<tt:customerTroubleNum>BYTL-0001</tt:customerTroubleNum>")
	doc := writeFile(t, "create.xml", out)

	code, out, _ = runCmd(t, "", "check", "--json", doc)
	require.Equal(t, exitOK, code)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Equal(t, "v2", rep["protocol"])
	require.Equal(t, "create", rep["flow"])
	require.Equal(t, true, rep["valid"])
	require.Equal(t, 1.0, rep["records"])

	// Back to JSON: the same deposit.
	code, out, stderr = runCmd(t, "", "convert", "--to", "json", doc)
	require.Equal(t, exitOK, code, stderr)
	var got ticket.Ticket
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Equal(t, "BYTL-0001", got.ReferenceSigSAVRaccoOC)
	require.Equal(t, codes.PrelocDefautPBO, got.PrelocDefaut)
	require.Equal(t, ticket.Date{Year: 2026, Month: 3, Day: 1}, got.DateIncident)
}

func TestCheckV2Findings(t *testing.T) {
	_, doc, _ := runCmd(t, "", "convert", "--to", "v2", "--now", "20260302100000", writeFile(t, "t.json", depotJSON))
	lines := strings.Split(doc, "\n")
	lineOf := func(s string) int {
		for i, l := range lines {
			if strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("%q not in the document", s)
		return 0
	}
	enteteLine, natureLine := lineOf("<sav:entete>"), lineOf("<sav:natureDefaut>")
	valueLine := lineOf("<tt:troubleTicketValue")
	bad := strings.Replace(doc, "<sav:codeOI>FTEL</sav:codeOI>\n", "", 1) // the entete's
	bad = strings.Replace(bad, "<sav:natureDefaut>COUPURE</sav:natureDefaut>", "<sav:natureDefaut>FUITE</sav:natureDefaut>", 1)
	bad = strings.Replace(bad, "<sav:prelocDefaut>PBO</sav:prelocDefaut>", "", 1)
	bad = strings.Replace(bad, ">2.0<", ">1.9<", 1)
	code, out, _ := runCmd(t, "", "check", "--json", writeFile(t, "bad.xml", bad))
	require.Equal(t, exitInvalid, code)
	var rep struct {
		Flow   string
		Valid  bool
		Errors []finding
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.False(t, rep.Valid)
	require.Equal(t, "create", rep.Flow)
	type short struct {
		Line  int
		Field string
		Code  int
	}
	var got []short
	for _, f := range rep.Errors {
		got = append(got, short{f.Line, f.Field, f.Code})
	}
	// The entete lost a line (codeOI), so the body's lines move up by one.
	require.Equal(t, []short{
		{enteteLine, "codeOI", 1},
		{enteteLine + 1, "versionProtocole", 2},
		{natureLine - 1, "natureDefaut", 2},
		{valueLine - 1, "prelocDefaut", 1},
	}, got)

	// Malformed: one finding where reading stopped, exit 1.
	code, out, _ = runCmd(t, "", "check", writeFile(t, "broken.xml", doc[:len(doc)/2]))
	require.Equal(t, exitInvalid, code)
	require.Contains(t, out, "v2 unknown flow, 0 records, 1 error")

	// A fault and a response are flows too.
	fault := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sav="urn:savsdk:sav:2.0"><soapenv:Header><sav:entete><sav:versionProtocole>2.0</sav:versionProtocole><sav:horodatage>2026-03-02T10:00:00+01:00</sav:horodatage><sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI></sav:entete></soapenv:Header><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>8</faultstring><detail><sav:erreur><sav:codeRetour>8</sav:codeRetour><sav:messageRetour>INFO troubleTicketKey INCONNUE</sav:messageRetour></sav:erreur></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
	code, out, _ = runCmd(t, "", "check", writeFile(t, "fault.xml", fault))
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "v2 fault, 0 records")
	noHeader := strings.Replace(fault, fault[strings.Index(fault, "<soapenv:Header>"):strings.Index(fault, "<soapenv:Body>")], "", 1)
	code, out, _ = runCmd(t, "", "check", writeFile(t, "fault2.xml", noHeader))
	require.Equal(t, exitInvalid, code)
	require.Contains(t, out, ":1: entete: 1 INFO entete OBLIGATOIRE")
}

func TestConvertSetBetweenProtocols(t *testing.T) {
	// A CASE SOLVED NOTIFICATION as a set request…
	tx := ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, Version: 3,
		At: time.Date(2026, 3, 5, 17, 30, 0, 0, ticket.Paris),
		Cloture: &ticket.Closure{Code: "RET02", Responsabilite: codes.ResponsabiliteOI,
			Localisation: codes.PrelocDefautPM, Commentaire: "Soudure reprise au PM"}}
	req, err := v2.NewSetRequest("FTEL00000042", "BYTL", "FTEL", &tx, nil)
	require.NoError(t, err)
	body, err := v2.MarshalBody(req, nil)
	require.NoError(t, err)
	code, out, stderr := runCmd(t, "", "convert", "--to", "json", writeFile(t, "set.xml", string(body)))
	require.Equal(t, exitOK, code, stderr)
	var got ticket.Ticket
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Equal(t, ticket.StateClosed, got.State)
	require.Equal(t, "FTEL00000042", got.ReferenceSigSAVOI)
	require.Equal(t, codes.ClosureCode("RET02"), got.Cloture.Code)

	// …and back to a v2 envelope from the JSON form.
	code, out, stderr = runCmd(t, "", "convert", "--to", "v2", "--now", "20260305180000", writeFile(t, "t.json", out))
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "<sav:transaction>CASE SOLVED NOTIFICATION</sav:transaction>")
	require.Contains(t, out, "<tt:primaryKey>FTEL00000042</tt:primaryKey>")

	// An AR has no v2 request.
	ar := `{"codeOC":"BYTL","codeOI":"FTEL","referenceSigSAVRaccoOC":"X","referenceSigSAVOI":"FTEL1","state":"QUEUED","version":0,
	"history":[{"kind":"AR OK","sender":"OI","referenceSigSAVOI":"FTEL1","state":"QUEUED","resultingVersion":0}]}`
	code, _, stderr = runCmd(t, "", "convert", "--to", "v2", writeFile(t, "ar.json", ar))
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "AR OK has no protocol 2.0 request")

	// Without operator codes, convert asks for them.
	code, _, stderr = runCmd(t, "", "convert", "--to", "v2", writeFile(t, "nocodes.json",
		strings.Replace(depotJSON, `"codeOC":"BYTL",`, "", 1)))
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "--oc")
}

// lineWriter hands the lines written to it to a channel.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		w.lines <- strings.TrimSpace(line)
	}
}

func TestServe(t *testing.T) {
	peers := writeFile(t, "peers.json", `{"operators":[
	 {"code":"BYTL","role":"oc","v2":{"url":"http://127.0.0.1:9/sav/v2/oc"},"auth":{"basic":{"user":"bytl","password":"pw"}}}]}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &lineWriter{lines: make(chan string, 10)}
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{stdin: strings.NewReader(""), stdout: stdout, stderr: &stderr},
			[]string{"serve", "--role", "oi", "--addr", "127.0.0.1:0", "--code", "FTEL", "--peers", peers})
	}()
	var line string
	select {
	case line = <-stdout.lines:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve printed nothing")
	}
	fields := strings.Fields(line)
	require.Len(t, fields, 3, line)
	require.Equal(t, "listening", fields[0])
	require.Equal(t, "/sav/v2/oi", fields[1])
	url := fields[2]
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:") && strings.HasSuffix(url, "/sav/v2/oi"), url)

	resp, err := http.Get(url + "?wsdl")
	require.NoError(t, err)
	wsdl, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, bytes.Contains(wsdl, []byte(`location="`+url+`"`)))

	c, err := v2.NewClient(basicAuth{"bytl", "pw"}, url, v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"})
	require.NoError(t, err)
	res, err := c.Create(ctx, &ticket.Filing{TypeSAV: codes.TypeSAVSignalisation, ReferenceSigSAVRaccoOC: "BYTL-S1",
		ReferencePrise: "FT-1234-5678", DateIncident: ticket.Date{Year: 2026, Month: 3, Day: 1},
		NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO}, nil)
	require.NoError(t, err)
	require.Equal(t, "FTEL00000001", res.Key)

	bad, err := v2.NewClient(basicAuth{"bytl", "wrong"}, url, v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"})
	require.NoError(t, err)
	_, err = bad.Get(ctx, res.Key, nil)
	require.ErrorIs(t, err, v2.ErrUnauthenticated)

	cancel()
	select {
	case code := <-done:
		require.Equal(t, exitOK, code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	require.Contains(t, stderr.String(), "v2 request served")
	require.NotContains(t, stderr.String(), "trusts")
}

func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve"},
		{"serve", "--role", "xx"},
		{"serve", "--role", "oi", "--code", "bad"},
		{"serve", "--role", "oi", "--autoplay", "-2s"},
		{"serve", "--role", "oi", "--address", "a@b.example"},
		{"serve", "--role", "oi", "--maildir", "m", "--address", "not an address"},
		{"serve", "--role", "oi", "--poll", "0s"},
		{"serve", "--role", "oi", "extra"},
	} {
		code, _, stderr := runCmd(t, "", args...)
		require.Equal(t, exitUsage, code, "%v: %s", args, stderr)
	}
	code, _, stderr := runCmd(t, "", "serve", "--role", "oc", "--peers", writeFile(t, "p.json", `{"operators":[{"code":"x","role":"oi"}]}`))
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "code")
	code, _, stderr = runCmd(t, "", "serve", "--role", "oc", "--addr", "256.0.0.1:1")
	require.Equal(t, exitUsage, code, stderr)
	require.Contains(t, stderr, "trusts the codeOI")
}

type basicAuth struct{ user, pass string }

func (b basicAuth) Do(r *http.Request) (*http.Response, error) {
	r.SetBasicAuth(b.user, b.pass)
	return http.DefaultClient.Do(r)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
