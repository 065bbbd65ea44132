package v2

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

// Header entries of another namespace, which the server skips, beyond each
// of the XML limits every SOAP service of the SDK applies (internal/soap
// Limits), by the name of the limit the fault names.
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
		{"MaxElements", open + `>` + strings.Repeat("<a/>", 300000) + `</o:x>`},
		{"MaxTokenBytes", open + `>` + strings.Repeat("x", 2<<20) + `</o:x>`},
	}
}

func TestServerRefusesHeadersBeyondLimits(t *testing.T) {
	w := newWorld(t)
	valid := envelope(testOC, testOI, createBody(t, filing("BYTL-L")))
	for _, tc := range beyondLimits() {
		t.Run(tc.limit, func(t *testing.T) {
			doc := strings.Replace(valid, "</sav:entete>", "</sav:entete>"+tc.entry, 1)
			res := post(t, w.oiSrv, "bytl", testPass, "text/xml", []byte(doc))
			requireFault(t, res, codes.ReturnCodeBadFormat, 0, "Client")
			require.Contains(t, res.fault.String, tc.limit, "the faultstring says which limit")
			require.Equal(t, 0, w.oiMem.Len(), "nothing stored")
		})
	}
}

func TestServerAcceptsAByteOrderMark(t *testing.T) {
	w := newWorld(t)
	res := post(t, w.oiSrv, "bytl", testPass, "text/xml; charset=utf-8",
		[]byte("\xef\xbb\xbf"+envelope(testOC, testOI, createBody(t, filing("BYTL-BOM")))))
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	require.Nil(t, res.fault, "%s", res.body)
	require.Equal(t, 1, w.oiMem.Len())
}

func TestServerRefusesASecondBodyEntry(t *testing.T) {
	w := newWorld(t)
	body := createBody(t, filing("BYTL-2"))
	res := post(t, w.oiSrv, "bytl", testPass, "text/xml", []byte(envelope(testOC, testOI, body+body)))
	require.NotNil(t, res.fault, "%s", res.body)
	require.Equal(t, codes.ReturnCodeBadFormat, res.exc.Erreur.CodeRetour, "%s", res.body)
	require.Equal(t, 0, w.oiMem.Len(), "nothing stored")
}

func TestServerRefusesOtherMediaTypes(t *testing.T) {
	w := newWorld(t)
	valid := envelope(testOC, testOI, createBody(t, filing("BYTL-CT")))
	for _, ct := range []string{"application/json", "text/plain", "text/html; charset=utf-8"} {
		// Protocol 2.0 answers with its fault (HTTP 500), as for every
		// refusal; the single-purpose services answer 415.
		res := post(t, w.oiSrv, "bytl", testPass, ct, []byte(valid))
		require.Equal(t, http.StatusInternalServerError, res.status)
		requireFault(t, res, codes.ReturnCodeBadFormat, 0, "Client")
		require.Contains(t, res.exc.Erreur.MessageRetour, "Content-Type")
	}
	require.Equal(t, 0, w.oiMem.Len(), "nothing stored")
}
