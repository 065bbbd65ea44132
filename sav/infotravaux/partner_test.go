package infotravaux

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

func partnerFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "partner", name))
	require.NoError(t, err)
	return b
}

// TestPartnerResponse reads an answer as a JAX-WS server writes it: other
// prefixes, ISO-8859-1, CRLF, indentation, milliseconds.
func TestPartnerResponse(t *testing.T) {
	ts, err := decodeResponse(200, partnerFile(t, "jaxws-response.xml"))
	require.NoError(t, err)
	require.Len(t, ts, 1)
	n := ts[0]
	require.Equal(t, "TP-75-000123", n.Reference)
	require.Equal(t, "123456789", n.ServiceProviderID)
	require.Equal(t, EquipementConcerneLIENPMPBO, n.EquipementConcerne)
	require.Equal(t, NatureInterventionCHGC, n.NatureIntervention)
	require.True(t, n.DateModification.Equal(time.Date(2026, 11, 20, 15, 45, 12, 0, time.UTC)))
	require.True(t, n.DateFinTravaux.Equal(time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)))
	require.Equal(t, []string{"PBO-75111-0003-01"}, n.ReferencePBO)
	require.Equal(t, []string{"FI-7511-1003"}, n.ReferencePriseImpactees)
	require.Equal(t, "Remplacement du câble entre PM et PBO ; coupure de nuit", n.CommentairesIntervention)
	require.NoError(t, n.Check())

	_, err = decodeResponse(500, partnerFile(t, "jaxws-fault.xml"))
	require.ErrorIs(t, err, &Fault{Code: codes.ReturnCodeSearchCriteria})
}

// TestPublishedStyleRequest: a request as the published examples write it,
// header unqualified and dates without an offset (Paris time).
func TestPublishedStyleRequest(t *testing.T) {
	body := partnerFile(t, "published-style-request.xml")
	q, err := decodeRequest(body, Limits{})
	require.NoError(t, err)
	require.Equal(t, Header{SupplierID: sirenOI, ServiceProviderID: sirenOC}, *q.header)
	require.Equal(t, CategorieTP, q.filter.Type)
	require.True(t, q.filter.DateDebutTravaux.Debut.Equal(paris(2026, 12, 1, 0, 0)))
	require.True(t, q.filter.DateDebutTravaux.Fin.Equal(paris(2027, 2, 28, 23, 59).Add(59*time.Second)))

	s := newService(t, nil)
	status, out := post(t, s, string(body))
	require.Equal(t, http.StatusOK, status, out)
	ts, err := decodeResponse(status, []byte(out))
	require.NoError(t, err)
	require.Len(t, ts, 1)
	require.Equal(t, "TP-2026-0001", ts[0].Reference)
}
