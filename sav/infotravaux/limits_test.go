package infotravaux

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

const limitsHeader = `<InfoTravauxFTTHHeader><supplierID>987654321</supplierID><serviceProviderID>123456789</serviceProviderID></InfoTravauxFTTHHeader>`

const limitsBody = `<inf:getInfoTravauxFTTHRequest><referenceTPDERCO>DERCO-2026-0007</referenceTPDERCO></inf:getInfoTravauxFTTHRequest>`

// limitsRequest is a valid request whose header holds extra after the
// InfoTravauxFTTHHeader.
func limitsRequest(extra, body string) string {
	return envOpen + `<soapenv:Header>` + limitsHeader + extra + `</soapenv:Header><soapenv:Body>` + body +
		`</soapenv:Body></soapenv:Envelope>`
}

// postAs sends a raw body with a Content-Type; it returns the status, the
// answer and the fault it holds (nil when none).
func postAs(t *testing.T, s *service, contentType, body string) (int, string, *Fault) {
	t.Helper()
	resp, err := s.http.Client().Post(s.http.URL, contentType, strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_, err = decodeResponse(resp.StatusCode, b)
	f, _ := errors.AsType[*Fault](err)
	return resp.StatusCode, string(b), f
}

// Header entries the server skips, beyond each XML limit, by the name of
// the limit the fault names.
func beyondLimits() []struct{ limit, entry string } {
	const open = `<o:x xmlns:o="urn:example:other"`
	var wide strings.Builder
	wide.WriteString(open)
	for i := range 50000 {
		wide.WriteString(` a` + strconv.Itoa(i) + `="v"`)
	}
	wide.WriteString(`/>`)
	return []struct{ limit, entry string }{
		{"MaxDepth", open + `>` + strings.Repeat("<a>", 50000) + strings.Repeat("</a>", 50000) + `</o:x>`},
		{"MaxAttributes", wide.String()},
	}
}

func TestServerRefusesHeadersBeyondLimits(t *testing.T) {
	s := newService(t, nil)
	for _, tc := range beyondLimits() {
		t.Run(tc.limit, func(t *testing.T) {
			status, out, f := postAs(t, s, "text/xml; charset=utf-8", limitsRequest(tc.entry, limitsBody))
			require.Equal(t, http.StatusInternalServerError, status, out)
			require.NotNil(t, f, out)
			require.Equal(t, codes.ReturnCodeBadFormat, f.Code, f.Message)
			require.Contains(t, f.Message, tc.limit)
		})
	}
}

func TestServerRefusesASecondBodyEntry(t *testing.T) {
	s := newService(t, nil)
	status, out, f := postAs(t, s, "text/xml", limitsRequest("", limitsBody+limitsBody))
	require.Equal(t, http.StatusInternalServerError, status, out)
	require.NotNil(t, f, out)
	require.Equal(t, codes.ReturnCodeBadFormat, f.Code, f.Message)
	require.Contains(t, f.Message, "Body")
}

func TestServerRefusesOtherMediaTypes(t *testing.T) {
	s := newService(t, nil)
	for _, ct := range []string{"application/json", "text/plain", "application/x-www-form-urlencoded"} {
		status, out, f := postAs(t, s, ct, limitsRequest("", limitsBody))
		require.Equal(t, http.StatusUnsupportedMediaType, status, out)
		require.NotNil(t, f, out)
		require.Equal(t, codes.ReturnCodeBadFormat, f.Code, f.Message)
		require.Contains(t, f.Message, "Content-Type")
	}
	for _, ct := range []string{"text/xml", "application/soap+xml; charset=utf-8", "application/xml"} {
		status, out, _ := postAs(t, s, ct, limitsRequest("", limitsBody))
		require.Equal(t, http.StatusOK, status, out)
	}
}

func TestServerAcceptsAByteOrderMark(t *testing.T) {
	s := newService(t, nil)
	status, out, _ := postAs(t, s, "text/xml", "\xef\xbb\xbf"+limitsRequest("", limitsBody))
	require.Equal(t, http.StatusOK, status, out)
	ts, err := decodeResponse(status, []byte(out))
	require.NoError(t, err)
	require.Len(t, ts, 1)
}

func TestServerLimitsOption(t *testing.T) {
	s := newService(t, nil)
	nested := `<o:x xmlns:o="urn:example:other"><a><b><c/></b></a></o:x>` // level 6 under the Envelope
	status, out, _ := postAs(t, s, "text/xml", limitsRequest(nested, limitsBody))
	require.Equal(t, http.StatusOK, status, "within the defaults: %s", out)
	s.server.Limits = Limits{MaxDepth: 5}
	status, out, f := postAs(t, s, "text/xml", limitsRequest(nested, limitsBody))
	require.Equal(t, http.StatusInternalServerError, status, out)
	require.NotNil(t, f, out)
	require.Equal(t, codes.ReturnCodeBadFormat, f.Code, f.Message)
	require.Contains(t, f.Message, "MaxDepth 5")
	s.server.Limits = Limits{MaxBodyBytes: 100}
	status, _, _ = postAs(t, s, "text/xml", limitsRequest("", limitsBody))
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
}
