package v2

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"

	"github.com/opensav/savsdk/internal/soap/soaptest"
)

// requireZeep skips the test when Debian's python3-zeep is not installed,
// except under CI, where its absence is a failure (.ci/run installs it).
func requireZeep(t *testing.T) { soaptest.NeedZeep(t) }

// zeep runs one phase of testdata/zeep/interop.py and decodes its JSON.
func zeep(t *testing.T, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soaptest.Python, append([]string{filepath.Join("testdata", "zeep", "interop.py")}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "zeep %v: %s", args[0], stderr.String())
	require.NoError(t, json.Unmarshal(stdout.Bytes(), out), "zeep %v printed %q", args[0], stdout.String())
}

// TestZeepInterop has a generic SOAP toolkit (python3-zeep) load the
// project's WSDLs from ?wsdl and run a ticket's life against the Go
// servers: as the OC on the OI's endpoint create, get, search and a CO
// information; as the OI on the OC's endpoint the solving and solved
// notifications; then a get that sees the closure, and a fault.
func TestZeepInterop(t *testing.T) {
	requireZeep(t)
	w := newWorld(t)
	ctx := context.Background()

	var created struct {
		Key     string `json:"key"`
		Version int    `json:"version"`
		State   string `json:"state"`
	}
	zeep(t, &created, "oc-create", w.oiSrv.URL, "bytl", testPass)
	require.Equal(t, "FTEL00000001", created.Key)
	require.Equal(t, 1, created.Version)
	oi := w.oiTicket(created.Key)
	require.Equal(t, ticket.StateQueued, oi.State)
	require.Equal(t, 1, oi.Version)
	require.Equal(t, "ZEEP-0001", oi.ReferenceSigSAVRaccoOC)
	require.Equal(t, codes.NatureDefautCoupure, oi.NatureDefaut)
	require.Equal(t, ticket.Date{Year: 2026, Month: time.March, Day: 1}, oi.DateIncident)
	last := oi.History[len(oi.History)-1]
	require.Equal(t, ticket.KindCOInformation, last.Kind)
	require.Equal(t, "Digicode 1234, 3e étage", last.Message.Texte)

	// The OC records its copy, as its own system does after the exchanges.
	require.NoError(t, w.ocMem.Put(oi))

	// The OI's system moves its copy, and zeep, as the OI's notifier,
	// tells the OC.
	w.oiApply(created.Key, ticket.Transaction{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: w.clock.Now(),
		EtatResolution: codes.EtatResolutionPrevue})
	w.oiApply(created.Key, ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: w.clock.Now(),
		Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
			Localisation: codes.PrelocDefautPBO, Commentaire: "Fibre réparée au PBO"}})
	var sent struct {
		Sent int `json:"sent"`
	}
	zeep(t, &sent, "oi-notify", w.ocSrv.URL, "ftel", testPass, created.Key)
	require.Equal(t, 2, sent.Sent)

	oc := w.ocTicket(created.Key)
	oi = w.oiTicket(created.Key)
	for _, side := range []*ticket.Ticket{oi, oc} {
		require.Equal(t, ticket.StateClosed, side.State)
		require.Equal(t, 3, side.Version)
		require.Equal(t, codes.ClosureCode("RET01"), side.Cloture.Code)
		require.Equal(t, codes.PrelocDefautPBO, side.Cloture.Localisation)
	}
	require.Equal(t, "Fibre réparée au PBO", oc.Cloture.Commentaire)
	require.Equal(t, codes.EtatResolutionTerminee, oc.EtatResolution)

	var got struct {
		State        string `json:"state"`
		Version      int    `json:"version"`
		Code         string `json:"code"`
		CloseOutNarr string `json:"closeOutNarr"`
	}
	zeep(t, &got, "oc-get", w.oiSrv.URL, "bytl", testPass, created.Key)
	require.Equal(t, "CLOSED", got.State)
	require.Equal(t, 3, got.Version)
	require.Equal(t, "RET01", got.Code)
	require.Equal(t, "Fibre réparée au PBO", got.CloseOutNarr)

	var fault struct {
		FaultCode  string `json:"faultcode"`
		CodeRetour int    `json:"codeRetour"`
	}
	zeep(t, &fault, "oc-fault", w.oiSrv.URL, "bytl", testPass)
	require.Equal(t, 8, fault.CodeRetour)
	require.Contains(t, fault.FaultCode, "Client")

	// The Go client reads what zeep wrote the same way.
	g, err := w.oc.Get(ctx, created.Key, nil)
	require.NoError(t, err)
	require.Equal(t, ticket.StateClosed, g.State)
}
