package plancharge

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// postAs sends a raw body with a Content-Type and returns the status and
// the response text.
func postAs(t *testing.T, url, contentType, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, contentType, strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// limitsRequest is a valid consultation whose header holds extra after the
// EnteteType.
func limitsRequest(extra, body string) string {
	if body == "" {
		body = `<i:ConsultationRdvRequete><idRendezVous>RDV-1</idRendezVous></i:ConsultationRdvRequete>`
	}
	return strings.Replace(strings.Replace(envelope, "%s", goodHeader+extra, 1), "%s", body, 1)
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
	s := newService(t, MemConfig{})
	for _, tc := range beyondLimits() {
		t.Run(tc.limit, func(t *testing.T) {
			status, text := postAs(t, s.http.URL, "text/xml; charset=utf-8", limitsRequest(tc.entry, ""))
			require.Equal(t, http.StatusInternalServerError, status, text)
			require.Contains(t, text, "<codeErreur>3</codeErreur>", text)
			require.Contains(t, text, tc.limit)
		})
	}
}

func TestServerRefusesASecondBodyEntry(t *testing.T) {
	s := newService(t, MemConfig{})
	consult := `<i:ConsultationRdvRequete><idRendezVous>RDV-1</idRendezVous></i:ConsultationRdvRequete>`
	status, text := postAs(t, s.http.URL, "text/xml", limitsRequest("", consult+consult))
	require.Equal(t, http.StatusInternalServerError, status, text)
	require.Contains(t, text, "<codeErreur>3</codeErreur>", text)
	require.Contains(t, text, "Body")
}

func TestServerRefusesOtherMediaTypes(t *testing.T) {
	s := newService(t, MemConfig{})
	for _, ct := range []string{"application/json", "text/plain", "application/x-www-form-urlencoded"} {
		status, text := postAs(t, s.http.URL, ct, limitsRequest("", ""))
		require.Equal(t, http.StatusUnsupportedMediaType, status, text)
		require.Contains(t, text, "<codeErreur>3</codeErreur>", text)
		require.Contains(t, text, "Content-Type")
	}
	for _, ct := range []string{"text/xml", "application/soap+xml; charset=utf-8", "application/xml"} {
		status, text := postAs(t, s.http.URL, ct, limitsRequest("", ""))
		require.Equal(t, http.StatusInternalServerError, status, text)
		require.Contains(t, text, "<codeErreur>8</codeErreur>", "an unknown appointment, past the media type: %s", text)
	}
}

func TestServerAcceptsAByteOrderMark(t *testing.T) {
	s := newService(t, MemConfig{})
	status, text := postAs(t, s.http.URL, "text/xml", "\xef\xbb\xbf"+limitsRequest("", ""))
	require.Contains(t, text, "<codeErreur>8</codeErreur>", "an unknown appointment, past the envelope: %s", text)
	require.Equal(t, http.StatusInternalServerError, status)
}

func TestServerLimitsOption(t *testing.T) {
	s := newService(t, MemConfig{})
	nested := `<o:x xmlns:o="urn:example:other"><a><b><c/></b></a></o:x>` // level 6 under the Envelope
	status, text := postAs(t, s.http.URL, "text/xml", limitsRequest(nested, ""))
	require.Contains(t, text, "<codeErreur>8</codeErreur>", "within the defaults: %s", text)
	s.server.Limits = Limits{MaxDepth: 5}
	status, text = postAs(t, s.http.URL, "text/xml", limitsRequest(nested, ""))
	require.Equal(t, http.StatusInternalServerError, status, text)
	require.Contains(t, text, "<codeErreur>3</codeErreur>", text)
	require.Contains(t, text, "MaxDepth 5")
	s.server.Limits = Limits{MaxBodyBytes: 100}
	status, _ = postAs(t, s.http.URL, "text/xml", limitsRequest("", ""))
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
}
