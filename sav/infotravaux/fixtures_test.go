package infotravaux

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const (
	sirenOI  = "987654321"
	sirenOC  = "123456789"
	sirenOC2 = "111222333"
)

func paris(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, ticket.Paris)
}

// sampleTravaux returns three notices: two for sirenOC, one for sirenOC2.
func sampleTravaux() []Travaux {
	return []Travaux{
		{
			Reference: "TP-2026-0001", ServiceProviderID: sirenOC, Type: CategorieTP,
			EquipementConcerne: EquipementConcernePBO, ReferencePm: "PM-75056-0001",
			ReferencePrestationPm: "PRESTA-PM-01", DateModification: paris(2026, 11, 2, 9, 30),
			InterventionRequiseOC: BooleenOui, DateDebutTravaux: paris(2026, 12, 1, 8, 0),
			DateFinTravaux: paris(2026, 12, 1, 17, 0), TravauxCuratifs: BooleenNon,
			NatureIntervention: NatureInterventionDEPL, Etat: EtatNouveau,
			ReferencePBO:                      []string{"PBO-0001", "PBO-0002"},
			ReferencePmTechnique:              []string{"PMT-01"},
			CommentairesIntervention:          "Déplacement du PBO : coupure d'une heure, œuvre de nuit évitée",
			CoordonneesContactOI:              "Astreinte OI 01 23 45 67 89",
			IdentifiantImmeuble:               []string{"IMB/75056/X/0001", "IMB/75056/X/0002"},
			ReferencePriseImpactees:           []string{"FI-1111-2222", "FI-1111-3333"},
			ReferencePrestationPriseImpactees: []string{"VIA0A0000000BBBBBBBB"},
			ReferenceIncident:                 "INC-42",
			CommentaireInterventionOC:         "Prévenir les clients <entreprise> & GP",
			DateCreation:                      paris(2026, 11, 2, 9, 30),
		},
		{
			Reference: "DERCO-2026-0007", ServiceProviderID: sirenOC, Type: CategorieDERCO,
			EquipementConcerne: EquipementConcernePM, ReferencePm: "PM-69123-0042",
			ReferencePrestationPm: "PRESTA-PM-02", DateModification: paris(2026, 11, 20, 14, 0),
			InterventionRequiseOC: BooleenNon, DateDebutTravaux: paris(2027, 2, 10, 22, 0),
			DateFinTravaux: paris(2027, 2, 11, 6, 0), NatureIntervention: NatureInterventionREFE,
			Etat: EtatMAJ, DateCreation: paris(2026, 10, 15, 10, 0),
		},
		{
			Reference: "TP-2026-0001", ServiceProviderID: sirenOC2, Type: CategorieTP,
			EquipementConcerne: EquipementConcernePBO, ReferencePm: "PM-75056-0001",
			ReferencePrestationPm: "PRESTA-PM-09", DateModification: paris(2026, 11, 2, 9, 30),
			InterventionRequiseOC: BooleenNon, DateDebutTravaux: paris(2026, 12, 1, 8, 0),
			DateFinTravaux: paris(2026, 12, 1, 17, 0), NatureIntervention: NatureInterventionDEPL,
			Etat: EtatNouveau,
		},
	}
}

type service struct {
	src    *MemSource
	server *Server
	http   *httptest.Server
	client *Client
}

// newService starts a loopback server over a MemSource holding the sample
// notices; configure edits the server before it starts.
func newService(t testing.TB, configure func(*Server)) *service {
	t.Helper()
	src := &MemSource{}
	for _, tr := range sampleTravaux() {
		require.NoError(t, src.Put(tr))
	}
	s := &Server{Source: src, SupplierID: sirenOI}
	if configure != nil {
		configure(s)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &service{src: src, server: s, http: hs, client: &Client{URL: hs.URL + "/ftth/services/infoTravauxService", HTTP: hs.Client()}}
}

var header = Header{SupplierID: sirenOI, ServiceProviderID: sirenOC}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

// cmpTime compares instants, not locations.
var cmpTime = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func contextCanceled(t testing.TB) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}
