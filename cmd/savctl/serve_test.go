package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv/plancharge"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/infotravaux"
	"github.com/opensav/savsdk/ticket"
	v2 "github.com/opensav/savsdk/v2"
)

// served is a savctl serve running in-process.
type served struct {
	urls   map[string]string
	stderr *syncBuffer
	stop   func() int
}

// serveInProcess runs savctl serve with args until the test ends, waiting
// for want listening lines.
func serveInProcess(t *testing.T, want int, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &lineWriter{lines: make(chan string, 10)}
	s := &served{urls: map[string]string{}, stderr: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{stdin: strings.NewReader(""), stdout: stdout, stderr: s.stderr}, append([]string{"serve"}, args...))
	}()
	code := -1
	s.stop = func() int {
		if code >= 0 {
			return code
		}
		cancel()
		select {
		case code = <-done:
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not stop: %s", s.stderr.String())
		}
		return code
	}
	t.Cleanup(func() { s.stop() })
	for len(s.urls) < want {
		select {
		case l := <-stdout.lines:
			f := strings.Fields(l)
			require.Len(t, f, 3, l)
			s.urls[f[1]] = f[2]
		case c := <-done:
			code = c
			t.Fatalf("serve exited %d: %s", c, s.stderr.String())
		case <-time.After(10 * time.Second):
			t.Fatalf("serve printed no listening line: %s", s.stderr.String())
		}
	}
	return s
}

func (s *served) hasLog(parts ...string) bool {
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

func (s *served) waitLog(t *testing.T, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !s.hasLog(parts...) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q:\n%s", parts, s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func writePeers(t *testing.T, dir, name, json string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(json), 0o644))
	return p
}

// TestServeV1AMaildir runs an OI and an OC sandbox speaking 1.0a through
// one Maildir directory: a deposit filed through the OC goes as a DEPOT
// mail, the AR comes back, the OI plays its role and the OC sees the
// closure.
func TestServeV1AMaildir(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "mail")
	oiPeers := writePeers(t, dir, "oi.json", `{"operators":[{"code":"BYTL","role":"oc","v1a":{"address":"sav-ftth@bytl.sandbox"}}]}`)
	ocPeers := writePeers(t, dir, "oc.json", `{"operators":[{"code":"FTEL","role":"oi","v1a":{"address":"sav-ftth@ftel.sandbox"}}]}`)
	oi := serveInProcess(t, 3, "--role", "oi", "--code", "FTEL", "--addr", "127.0.0.1:0", "--peers", oiPeers,
		"--maildir", md, "--poll", "20ms", "--autoplay", "50ms", "--retry", "50ms")
	oc := serveInProcess(t, 1, "--role", "oc", "--code", "BYTL", "--addr", "127.0.0.1:0", "--peers", ocPeers,
		"--maildir", md, "--poll", "20ms", "--retry", "50ms", "--autoplay", "10ms")

	r := savctl(t, "", "send", "--url", oc.urls["/sav/v2/oc"], writeFile(t, "d.json", depotJSON))
	require.Equal(t, exitOK, r.code, r.stderr+oc.stderr.String())
	require.Contains(t, r.stdout, `"ok":true`)
	oi.waitLog(t, "ticket event", "kind=FILED", "ref=BYTL-0001", "protocol=v1a")
	oi.waitLog(t, "autoplay: closed", "ref=BYTL-0001")
	oc.waitLog(t, "ticket event", "kind=ACKNOWLEDGED", "ref=BYTL-0001", "protocol=v1a")
	oc.waitLog(t, "ticket event", "kind=CLOSED", "ref=BYTL-0001", "state=CLOSED")
	oc.waitLog(t, "autoplay: acknowledged", "kind=CLOSED", "ref=BYTL-0001")

	// The layout: one Maildir per address, handled mail in cur/.
	for _, a := range []string{"sav-ftth@ftel.sandbox", "sav-ftth@bytl.sandbox"} {
		cur, err := os.ReadDir(filepath.Join(md, a, "cur"))
		require.NoError(t, err)
		require.NotEmpty(t, cur, a)
	}
	require.Equal(t, exitOK, oi.stop(), oi.stderr.String())
	require.Equal(t, exitOK, oc.stop(), oc.stderr.String())
}

// TestServeServices checks the OI sandbox's four endpoints and their
// WSDLs, and that an OC sandbox serves only its own.
func TestServeServices(t *testing.T) {
	oi := serveInProcess(t, 3, "--role", "oi", "--addr", "127.0.0.1:0")
	for path, want := range map[string]string{
		"/sav/v2/oi":                        "definitions",
		"/sav-ftth/services/rdvFtthSav":     "definitions",
		"/ftth/services/infoTravauxService": "definitions",
	} {
		url := oi.urls[path]
		require.True(t, strings.HasSuffix(url, path), url)
		resp, err := http.Get(url + "?wsdl")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Contains(t, string(b), want, path)
		require.Contains(t, string(b), url, path)
	}
	oi.waitLog(t, "trusts the codeOC")
	oc := serveInProcess(t, 1, "--role", "oc", "--addr", "127.0.0.1:0")
	require.Contains(t, oc.urls, "/sav/v2/oc")
	resp, err := http.Get(strings.Replace(oc.urls["/sav/v2/oc"], "/sav/v2/oc", "/sav-ftth/services/rdvFtthSav", 1))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// TestServeAutoplay follows a ticket with an appointment (confirmed before
// the closure) and one whose cancellation the OC requests while the OI
// works on it (closed STT01).
func TestServeAutoplay(t *testing.T) {
	dir := t.TempDir()
	oi := serveInProcess(t, 3, "--role", "oi", "--code", "FTEL", "--addr", "127.0.0.1:0", "--autoplay", "400ms",
		"--retry", "50ms", "--peers", writePeers(t, dir, "oi.json", `{"operators":[{"code":"BYTL","role":"oc","v2":{"url":"http://127.0.0.1:1/sav/v2/oc"}}]}`))
	oiURL := oi.urls["/sav/v2/oi"]

	withRdv := strings.Replace(depotJSON, `"commentaire"`,
		`"rdv":{"creneaux":[{"debut":"2026-03-05T14:00:00+01:00","fin":"2026-03-05T16:00:00+01:00"}]},"commentaire"`, 1)
	r := savctl(t, "", "send", "--url", oiURL, writeFile(t, "rdv.json", strings.Replace(withRdv, "BYTL-0001", "BYTL-R", 1)))
	require.Equal(t, exitOK, r.code, r.stderr)
	oi.waitLog(t, "autoplay: appointment confirmed", "ref=BYTL-R")
	oi.waitLog(t, "autoplay: closed", "ref=BYTL-R", "state=CLOSED")

	r = savctl(t, "", "send", "--url", oiURL, writeFile(t, "c.json", strings.Replace(depotJSON, "BYTL-0001", "BYTL-C", 1)))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"key":"FTEL00000002"`)
	oi.waitLog(t, "autoplay: taken in charge", "ref=BYTL-C")
	cancelJSON := fmt.Sprintf(`{"codeOC":"BYTL","codeOI":"FTEL","referenceSigSAVRaccoOC":"BYTL-C",
"referenceSigSAVOI":"FTEL00000002","state":"CANCELREQUESTED","version":2,
"history":[{"kind":"CASE CANCELATION REQUEST","sender":"OC","at":%q,"version":1,
"message":{"type":"COMMENTAIRE","texte":"Le client ne souhaite plus d'intervention"},"state":"CANCELREQUESTED","resultingVersion":2}]}`,
		time.Now().Format(time.RFC3339))
	r = savctl(t, "", "send", "--url", oiURL, writeFile(t, "cancel.json", cancelJSON))
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	oi.waitLog(t, "ticket event", "kind=\"CANCEL REQUESTED\"", "ref=BYTL-C")
	oi.waitLog(t, "autoplay: closed on cancellation request", "ref=BYTL-C", "state=CLOSED")
	require.False(t, oi.hasLog("autoplay: closed", "ref=BYTL-C", "RET01"))

	// Cancelled before it is taken in charge: the play stops.
	r = savctl(t, "", "send", "--url", oiURL, writeFile(t, "d.json", strings.Replace(depotJSON, "BYTL-0001", "BYTL-D", 1)))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"key":"FTEL00000003"`)
	direct := fmt.Sprintf(`{"codeOC":"BYTL","codeOI":"FTEL","referenceSigSAVRaccoOC":"BYTL-D",
"referenceSigSAVOI":"FTEL00000003","state":"CLOSED","version":1,
"history":[{"kind":"CASE CANCELATION","sender":"OC","at":%q,"version":0,
"message":{"type":"COMMENTAIRE","texte":"Doublon"},"state":"CLOSED","resultingVersion":1}]}`, time.Now().Format(time.RFC3339))
	r = savctl(t, "", "send", "--url", oiURL, writeFile(t, "direct.json", direct))
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	oi.waitLog(t, "ticket event", "kind=CANCELLED", "ref=BYTL-D")
	oi.waitLog(t, "autoplay: ticket over", "ref=BYTL-D", "state=CLOSED")
}

// TestServeOCSandbox files through an OC sandbox (no autoplay on the OI),
// plays the OI's notifications with savctl send, and checks that the OC
// answers a slot proposal, keeps its tickets in --state across a restart,
// and answers the tester's deposits with the OI's faults.
func TestServeOCSandbox(t *testing.T) {
	dir := t.TempDir()
	oi := serveInProcess(t, 3, "--role", "oi", "--code", "FTEL", "--addr", "127.0.0.1:0")
	ocPeers := writePeers(t, dir, "oc.json", fmt.Sprintf(`{"operators":[{"code":"FTEL","role":"oi","v2":{"url":%q}}]}`,
		oi.urls["/sav/v2/oi"]))
	state := filepath.Join(dir, "state.json")
	args := []string{"--role", "oc", "--code", "BYTL", "--addr", "127.0.0.1:0", "--peers", ocPeers,
		"--autoplay", "10ms", "--state", state}
	oc := serveInProcess(t, 1, args...)
	ocURL := oc.urls["/sav/v2/oc"]

	r := savctl(t, "", "send", "--url", ocURL, writeFile(t, "d.json", depotJSON))
	require.Equal(t, exitOK, r.code, r.stderr+oc.stderr.String())
	require.JSONEq(t, `{"ok":true,"key":"FTEL00000001","version":0}`, r.stdout)

	// The OI's steps, sent as the OI would.
	step := func(name, kind string, version int, payload string) {
		t.Helper()
		js := fmt.Sprintf(`{"codeOC":"BYTL","codeOI":"FTEL","referenceSigSAVRaccoOC":"BYTL-0001",
"referenceSigSAVOI":"FTEL00000001","state":"OPENACTIVE","version":%d,
"history":[{"kind":%q,"sender":"OI","at":%q,"version":%d%s,"state":"OPENACTIVE","resultingVersion":%d}]}`,
			version+1, kind, time.Now().Format(time.RFC3339), version, payload, version+1)
		r := savctl(t, "", "send", "--url", ocURL, writeFile(t, name, js))
		require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	}
	step("solving.json", "CASE SOLVING NOTIFICATION", 0, `,"etatResolution":"ACTION A DEFINIR"`)
	step("proposal.json", "SU CASE INFORMATION NOTIFICATION", 1,
		`,"message":{"type":"PROPOSITION RDV","date":"2026-03-02T10:00:00+01:00"},`+
			`"rdv":{"creneaux":[{"debut":"2026-03-05T14:00:00+01:00","fin":"2026-03-05T16:00:00+01:00"}]}`)
	oc.waitLog(t, "autoplay: slot accepted", "ref=BYTL-0001")
	oi.waitLog(t, "ticket event", "kind=INFORMATION", "ref=BYTL-0001")

	// Stopped and started again: the ticket is still known.
	require.Equal(t, exitOK, oc.stop(), oc.stderr.String())
	b, err := os.ReadFile(state)
	require.NoError(t, err)
	require.Contains(t, string(b), `"referenceSigSAVOI": "FTEL00000001"`)
	oc2 := serveInProcess(t, 1, args...)
	oc2.waitLog(t, "1 ticket loaded from")
	r = savctl(t, "", "send", "--url", oc2.urls["/sav/v2/oc"], writeFile(t, "d2.json", depotJSON))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.JSONEq(t, `{"ok":true,"key":"FTEL00000001","version":0}`, r.stdout, "filing again gives the stored ticket")

	// A deposit the checks refuse, and one for an OI that cannot be reached.
	bad := strings.Replace(depotJSON, `"referencePrise":"FT-1234-5678",`, "", 1)
	bad = strings.Replace(bad, "BYTL-0001", "BYTL-0002", 1)
	r = savctl(t, "", "send", "--url", oc2.urls["/sav/v2/oc"], writeFile(t, "bad.json", bad))
	require.Equal(t, exitInvalid, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, `"ok":false`)
	require.Equal(t, exitOK, oc2.stop())

	// A state file of another sandbox, and a malformed one.
	for _, content := range []string{`{"role":"oi","code":"FTEL","tickets":[]}`, `{`} {
		require.NoError(t, os.WriteFile(state, []byte(content), 0o644))
		r = savctl(t, "", append([]string{"serve"}, args...)...)
		require.Equal(t, exitUsage, r.code, r.stderr)
	}
}

func TestServeOCUnreachableOI(t *testing.T) {
	dir := t.TempDir()
	peers := writePeers(t, dir, "oc.json", `{"operators":[{"code":"FTEL","role":"oi","v2":{"url":"http://127.0.0.1:1/sav/v2/oi"}}]}`)
	oc := serveInProcess(t, 1, "--role", "oc", "--code", "BYTL", "--addr", "127.0.0.1:0", "--peers", peers)
	r := savctl(t, "", "send", "--url", oc.urls["/sav/v2/oc"], writeFile(t, "d.json", depotJSON))
	require.Equal(t, exitInvalid, r.code, r.stderr)
	require.Contains(t, r.stdout, `"code":21`)
}

// TestServeAutoplayBookedSlot books a slot in the OI sandbox's Plan de
// charge, files a deposit naming the booking, and sees the OI confirm that
// slot before closing.
func TestServeAutoplayBookedSlot(t *testing.T) {
	peers := writePeers(t, t.TempDir(), "oi.json", `{"operators":[{"code":"BYTL","role":"oc","v2":{"url":"http://127.0.0.1:1/sav/v2/oc"}}]}`)
	state := filepath.Join(t.TempDir(), "oi-state.json")
	oi := serveInProcess(t, 3, "--role", "oi", "--code", "FTEL", "--addr", "127.0.0.1:0", "--autoplay", "20ms",
		"--peers", peers, "--state", state)
	ctx := context.Background()
	pc := &plancharge.Client{URL: oi.urls["/sav-ftth/services/rdvFtthSav"], SirenOC: "123456789", SirenOI: "987654321"}
	day := time.Now().In(ticket.Paris).Truncate(24*time.Hour).AddDate(0, 0, 3)
	slots, err := pc.Search(ctx, plancharge.SearchRequest{TypeIntervention: plancharge.TypeInterventionS,
		NatureProduit: plancharge.NatureProduitFTTHAcces, SegmentMarche: plancharge.SegmentMarcheGP,
		CodeInsee: "75056", DateDebut: day, DateFin: day.AddDate(0, 0, 7), DefectPrelocalization: codes.PrelocDefautPBO})
	require.NoError(t, err)
	require.NotEmpty(t, slots)
	id, err := pc.Book(ctx, plancharge.BookRequest{NatureProduit: plancharge.NatureProduitFTTHAcces,
		SegmentMarche: plancharge.SegmentMarcheGP, CodeInsee: "75056", IdCreneau: slots[0].IdOI})
	require.NoError(t, err)

	depot := strings.Replace(depotJSON, `"commentaire"`, fmt.Sprintf(`"rdv":{"idRdv":%q},"commentaire"`, id), 1)
	r := savctl(t, "", "send", "--url", oi.urls["/sav/v2/oi"], writeFile(t, "d.json", depot))
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	oi.waitLog(t, "autoplay: appointment confirmed", "ref=BYTL-0001")
	oi.waitLog(t, "autoplay: closed", "ref=BYTL-0001")
	rv, err := pc.Consult(ctx, plancharge.ConsultRequest{IdRendezVous: id})
	require.NoError(t, err)
	require.Equal(t, plancharge.StatutRendezVous("CONFIRME"), rv.StatutRendezVous)

	// The confirmation named the booking and its slot.
	require.Equal(t, exitOK, oi.stop(), oi.stderr.String())
	b, err := os.ReadFile(state)
	require.NoError(t, err)
	var st sandboxState
	require.NoError(t, json.Unmarshal(b, &st))
	require.Len(t, st.Tickets, 1)
	var confirmed *ticket.Appointment
	for _, r := range st.Tickets[0].History {
		if r.Message != nil && r.Message.Type == codes.TypeMessageConfirmationRdv {
			confirmed = r.Rdv
		}
	}
	require.NotNil(t, confirmed, "no CONFIRMATION RDV in the history")
	require.Equal(t, id, confirmed.IdRdv)
	require.Len(t, confirmed.Creneaux, 1)
	require.True(t, confirmed.Creneaux[0].Debut.Equal(slots[0].Debut) && confirmed.Creneaux[0].Fin.Equal(slots[0].Fin),
		"confirmed %v, booked %v", confirmed.Creneaux[0], slots[0].Slot)
}

// TestServeOIState restarts an OI sandbox on its --state file: the next
// ticket gets the next id, and autoplay resumes the open tickets.
func TestServeOIState(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "oi-state.json")
	peers := writePeers(t, dir, "oi.json", `{"operators":[{"code":"BYTL","role":"oc","v2":{"url":"http://127.0.0.1:1/sav/v2/oc"}}]}`)
	args := []string{"--role", "oi", "--code", "FTEL", "--addr", "127.0.0.1:0", "--peers", peers, "--state", state}
	oi := serveInProcess(t, 3, args...)
	r := savctl(t, "", "send", "--url", oi.urls["/sav/v2/oi"], writeFile(t, "d.json", depotJSON))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Equal(t, exitOK, oi.stop())

	oi2 := serveInProcess(t, 3, append(args, "--autoplay", "20ms")...)
	oi2.waitLog(t, "1 ticket loaded from")
	r = savctl(t, "", "send", "--url", oi2.urls["/sav/v2/oi"],
		writeFile(t, "d2.json", strings.Replace(depotJSON, "BYTL-0001", "BYTL-0002", 1)))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"key":"FTEL00000002"`)
	oi2.waitLog(t, "autoplay: closed", "ref=BYTL-0001")
	oi2.waitLog(t, "autoplay: closed", "ref=BYTL-0002")
}

// BenchmarkOCEndpoint measures what the OC sandbox's filing handler adds
// to the requests an OI sends the OC (a set, here about a ticket the OC
// does not hold): the baseline is the engine's handler alone.
func BenchmarkOCEndpoint(b *testing.B) {
	peers := &sav.Peers{Operators: []sav.Peer{{Code: "FTEL", Role: codes.RoleOI, V2: &sav.PeerV2{URL: "http://127.0.0.1:1/sav/v2/oi"}}}}
	oc, err := sav.NewOC(sav.Options{Code: "BYTL", Store: sav.NewMemStore(), Peers: peers})
	require.NoError(b, err)
	tx := ticket.Transaction{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: time.Date(2026, 3, 2, 10, 0, 0, 0, ticket.Paris),
		EtatResolution: codes.EtatResolutionADefinir}
	d := &decoded{ticket: ticketOfTransaction("FTEL00000001", "BYTL", "FTEL", tx), codeOC: "BYTL", codeOI: "FTEL"}
	var body bytes.Buffer
	_, err = (v2XML{}).encode(&body, d, convertOptions{now: tx.At})
	require.NoError(b, err)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"baseline-engine", oc.V2Handler()},
		{"sandbox", ocFilingHandler(oc, oc.V2Handler(), logger)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/sav/v2/oc", bytes.NewReader(body.Bytes()))
				req.Header.Set("Content-Type", "text/xml; charset=utf-8")
				w := httptest.NewRecorder()
				bc.h.ServeHTTP(w, req)
				if w.Code != http.StatusInternalServerError {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

// TestServeTravaux publishes a works notice with --travaux and reads it
// back from the OI sandbox's InfoTravaux service.
func TestServeTravaux(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, ticket.Paris) }
	notice := []infotravaux.Travaux{{Reference: "TP-2026-0001", ServiceProviderID: "123456789",
		Type: infotravaux.CategorieTP, EquipementConcerne: infotravaux.EquipementConcernePBO, ReferencePm: "PM-75056-0001",
		ReferencePrestationPm: "PRESTA-PM-01", DateModification: at(1, 9), InterventionRequiseOC: infotravaux.BooleenOui,
		DateDebutTravaux: at(10, 8), DateFinTravaux: at(10, 17), TravauxCuratifs: infotravaux.BooleenNon,
		NatureIntervention: infotravaux.NatureInterventionDEPL, Etat: infotravaux.EtatNouveau}}
	b, err := json.Marshal(notice)
	require.NoError(t, err)
	file := writeFile(t, "travaux.json", string(b))
	oi := serveInProcess(t, 3, "--role", "oi", "--addr", "127.0.0.1:0", "--travaux", file)
	c := &infotravaux.Client{URL: oi.urls["/ftth/services/infoTravauxService"]}
	got, err := c.GetInfoTravauxFTTH(context.Background(),
		infotravaux.Header{SupplierID: "987654321", ServiceProviderID: "123456789"},
		infotravaux.Filter{ReferenceTPDERCO: "TP-2026-0001"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "PM-75056-0001", got[0].ReferencePm)

	for _, content := range []string{`{`, `[{"Reference":"X"}]`} {
		r := savctl(t, "", "serve", "--role", "oi", "--addr", "127.0.0.1:0", "--travaux", writeFile(t, "bad.json", content))
		require.Equal(t, exitUsage, r.code, r.stderr)
	}
	r := savctl(t, "", "serve", "--role", "oc", "--travaux", file)
	require.Equal(t, exitUsage, r.code, r.stderr)
}

// TestServeAutoplayPolledGet: a partner polling its ticket with the same
// getTroubleTicketByKey request, byte for byte, sees it move to CLOSED
// (reads are never answered from the journal), and the sandbox says on
// start that it trusts the header.
func TestServeAutoplayPolledGet(t *testing.T) {
	dir := t.TempDir()
	oi := serveInProcess(t, 3, "--role", "oi", "--code", "FTEL", "--addr", "127.0.0.1:0", "--autoplay", "300ms",
		"--retry", "50ms", "--peers", writePeers(t, dir, "oi.json", `{"operators":[{"code":"BYTL","role":"oc","v2":{"url":"http://127.0.0.1:1/sav/v2/oc"}}]}`))
	require.True(t, oi.hasLog("authentication is off"), "the sandbox says it trusts the header")
	oiURL := oi.urls["/sav/v2/oi"]
	r := savctl(t, "", "send", "--url", oiURL, writeFile(t, "p.json", strings.Replace(depotJSON, "BYTL-0001", "BYTL-P", 1)))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"key":"FTEL00000001"`)

	var get []byte
	c, err := v2.NewClient(v2.DoerFunc(func(req *http.Request) (*http.Response, error) {
		get, _ = io.ReadAll(req.Body)
		return nil, errors.New("captured")
	}), oiURL, v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"})
	require.NoError(t, err)
	_, _ = c.Get(context.Background(), "FTEL00000001", nil)
	require.NotEmpty(t, get)

	var states []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Post(oiURL, "text/xml; charset=utf-8", bytes.NewReader(get))
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		for _, s := range []string{"QUEUED", "OPENACTIVE", "CLOSED"} {
			if bytes.Contains(body, []byte(">"+s+"<")) && (len(states) == 0 || states[len(states)-1] != s) {
				states = append(states, s)
			}
		}
		if len(states) > 0 && states[len(states)-1] == "CLOSED" {
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
	t.Fatalf("the polled ticket went through %v and never reached CLOSED", states)
}
