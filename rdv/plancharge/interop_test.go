package plancharge

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap/soaptest"
)

type zeepResult struct {
	Slots         int    `json:"slots"`
	FirstStart    string `json:"firstStart"`
	FirstEnd      string `json:"firstEnd"`
	FirstID       string `json:"firstId"`
	HeaderSirenOI string `json:"headerSirenOI"`
	IdRendezvous  string `json:"idRendezvous"`
	Consult       struct {
		IdRendezVous             string `json:"idRendezVous"`
		DateDebut                string `json:"dateDebut"`
		StatutRendezVous         string `json:"statutRendezVous"`
		TypeIntervention         string `json:"typeIntervention"`
		CodeInsee                string `json:"codeInsee"`
		ReferencePrestationPrise string `json:"referencePrestationPrise"`
	} `json:"consult"`
	ReportedStart string `json:"reportedStart"`
	Fault         struct {
		FaultCode     string `json:"faultcode"`
		CodeErreur    int    `json:"codeErreur"`
		MessageErreur string `json:"messageErreur"`
	} `json:"fault"`
}

func runZeep(t *testing.T, py, wsdl string) {
	t.Helper()
	s := newService(t, MemConfig{})
	cmd := exec.CommandContext(t.Context(), py, filepath.Join("..", "testdata", "zeep", "plancharge_interop.py"), wsdl, s.http.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "zeep: %s", stderr.String())
	var r zeepResult
	require.NoError(t, json.Unmarshal(out, &r), "%s", out)
	t.Logf("zeep: %s", out)

	require.Equal(t, 10, r.Slots)
	require.Equal(t, "2026-12-01T08:00:00+01:00", r.FirstStart)
	require.Equal(t, "2026-12-01T10:00:00+01:00", r.FirstEnd)
	require.Equal(t, "987654321", r.HeaderSirenOI)
	require.Regexp(t, regexp.MustCompile(`^RDV\d{8}$`), r.IdRendezvous)
	require.Equal(t, r.IdRendezvous, r.Consult.IdRendezVous)
	require.Equal(t, "CREE", r.Consult.StatutRendezVous)
	require.Equal(t, "S", r.Consult.TypeIntervention)
	require.Equal(t, "75056", r.Consult.CodeInsee)
	require.Equal(t, "VIA0A0000000BBBBBBBB", r.Consult.ReferencePrestationPrise)
	require.Equal(t, "2026-12-01T16:00:00+01:00", r.ReportedStart)
	require.Equal(t, 101, r.Fault.CodeErreur)
	require.Equal(t, "RDV NON DISPONIBLE", strings.SplitN(r.Fault.MessageErreur, " - ", 2)[0])

	// What zeep did is what the planning holds.
	as := s.planning.Appointments()
	require.Len(t, as, 1)
	require.Equal(t, r.IdRendezvous, as[0].IdRendezVous)
	require.Equal(t, "2026-12-01T16:00:00+01:00", as[0].Debut.Format("2006-01-02T15:04:05Z07:00"))
}

// TestZeepPublishedWSDL: a generic client built from the published WSDL
// works against the project's server unchanged.
func TestZeepPublishedWSDL(t *testing.T) {
	wsdl := soaptest.Reference(t, "planChargeSavFtth.wsdl")
	py := soaptest.NeedZeep(t)
	runZeep(t, py, wsdl)
}

// TestZeepOwnWSDL: the same client built from the WSDL the server serves.
func TestZeepOwnWSDL(t *testing.T) {
	py := soaptest.NeedZeep(t)
	path := filepath.Join(t.TempDir(), "plancharge.wsdl")
	require.NoError(t, os.WriteFile(path, []byte(WSDL("")), 0o644))
	runZeep(t, py, path)
}
