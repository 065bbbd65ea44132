package infotravaux

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

	"github.com/opensav/savsdk/internal/infowire"
)

// referenceWSDL returns the text of the published infoTravauxFTTH.wsdl
// (../shared/reference next to the repository; soaptest.Reference skips when
// it is absent).
func referenceWSDL(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(soaptest.Reference(t, "infoTravauxFTTH.wsdl"))
	require.NoError(t, err)
	return string(b)
}

// The published WSDL's one defect (../shared/spec/README.md): its header
// message part says element="InfoTravauxFTTHHeader" without the tns:
// prefix, so generic toolkits refuse to load it.
const (
	publishedHeaderPart = `element="InfoTravauxFTTHHeader"`
	qualifiedHeaderPart = `element="tns:InfoTravauxFTTHHeader"`
)

// qualifiedCopy writes a temporary copy of the published WSDL where only
// the header part's tns: prefix is added, and returns its path.
func qualifiedCopy(t *testing.T, published string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(published, publishedHeaderPart), "the published defect moved")
	path := filepath.Join(t.TempDir(), "infoTravauxFTTH.wsdl")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(published, publishedHeaderPart, qualifiedHeaderPart, 1)), 0o644))
	return path
}

type zeepNotice struct {
	Reference                string   `json:"reference"`
	ServiceProviderID        string   `json:"serviceProviderID"`
	Type                     string   `json:"type"`
	EquipementConcerne       string   `json:"equipementConcerne"`
	ReferencePm              string   `json:"referencePm"`
	DateModification         string   `json:"dateModification"`
	DateDebutTravaux         string   `json:"dateDebutTravaux"`
	Etat                     string   `json:"etat"`
	PBO                      []string `json:"pbo"`
	Immeubles                []string `json:"immeubles"`
	Prises                   []string `json:"prises"`
	CommentairesIntervention string   `json:"commentairesIntervention"`
}

type zeepResult struct {
	All      []zeepNotice `json:"all"`
	Filtered []zeepNotice `json:"filtered"`
	Fault    struct {
		FaultCode     string `json:"faultcode"`
		CodeRetour    int    `json:"codeRetour"`
		MessageRetour string `json:"messageRetour"`
	} `json:"fault"`
}

func runZeep(t *testing.T, py string, wsdl func(s *service) string) {
	t.Helper()
	s := newService(t, nil)
	cmd := exec.CommandContext(t.Context(), py, filepath.Join("testdata", "zeep", "interop.py"), wsdl(s), s.client.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "zeep: %s", stderr.String())
	t.Logf("zeep: %s", out)
	var r zeepResult
	require.NoError(t, json.Unmarshal(out, &r), "%s", out)

	require.Len(t, r.All, 2, "the OC's two notices, not the other OC's")
	first := r.All[0]
	require.Equal(t, "TP-2026-0001", first.Reference)
	require.Equal(t, sirenOC, first.ServiceProviderID)
	require.Equal(t, "TP", first.Type)
	require.Equal(t, "PBO", first.EquipementConcerne)
	require.Equal(t, "2026-11-02T09:30:00+01:00", first.DateModification)
	require.Equal(t, "2026-12-01T08:00:00+01:00", first.DateDebutTravaux)
	require.Equal(t, []string{"PBO-0001", "PBO-0002"}, first.PBO)
	require.Equal(t, []string{"IMB/75056/X/0001", "IMB/75056/X/0002"}, first.Immeubles)
	require.Equal(t, []string{"FI-1111-2222", "FI-1111-3333"}, first.Prises)
	require.Equal(t, sampleTravaux()[0].CommentairesIntervention, first.CommentairesIntervention)
	require.Equal(t, "DERCO-2026-0007", r.All[1].Reference)
	require.Equal(t, "MAJ", r.All[1].Etat)

	require.Len(t, r.Filtered, 1)
	require.Equal(t, "TP-2026-0001", r.Filtered[0].Reference)

	require.Equal(t, 4, r.Fault.CodeRetour)
	require.Regexp(t, regexp.MustCompile(`^CRITERES DE RECHERCHE NON RESPECTES - dateCreation spans more than 3 months$`), r.Fault.MessageRetour)
	require.Contains(t, r.Fault.FaultCode, "Client")
}

// TestZeepPublishedWSDL: a generic client built from the published WSDL —
// a temporary copy where only the header part's tns: prefix is added, the
// published text's one defect — works against the server.
func TestZeepPublishedWSDL(t *testing.T) {
	published := referenceWSDL(t)
	py := soaptest.NeedZeep(t)
	path := qualifiedCopy(t, published)
	runZeep(t, py, func(*service) string { return path })
}

// TestZeepServedWSDL: the same client built from the WSDL the server serves
// at ?wsdl, unchanged.
func TestZeepServedWSDL(t *testing.T) {
	py := soaptest.NeedZeep(t)
	runZeep(t, py, func(s *service) string { return s.client.URL + "?wsdl" })
}

// officialSchema extracts the xsd:schema embedded in the published WSDL to a
// temporary file, declaring the namespaces the WSDL root declares for it.
func officialSchema(t *testing.T) string {
	t.Helper()
	published := referenceWSDL(t)
	start := strings.Index(published, "<xsd:schema")
	end := strings.Index(published, "</xsd:schema>")
	require.True(t, start >= 0 && end > start, "no xsd:schema in the published WSDL")
	schema := published[start : end+len("</xsd:schema>")]
	schema = strings.Replace(schema, "<xsd:schema", `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="`+infowire.NS+`"`, 1)
	path := filepath.Join(t.TempDir(), "infoTravaux.xsd")
	require.NoError(t, os.WriteFile(path, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+schema), 0o644))
	return path
}

// bodyEntries returns the header and body entries of an envelope as
// standalone documents, each declaring the namespaces it uses.
func bodyEntries(t *testing.T, envelope string) []string {
	t.Helper()
	var docs []string
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?s)<soapenv:Header>(.*)</soapenv:Header>`),
		regexp.MustCompile(`(?s)<soapenv:Body>(.*)</soapenv:Body>`),
		regexp.MustCompile(`(?s)<detail>(.*)</detail>`),
	} {
		m := re.FindStringSubmatch(envelope)
		if m == nil || strings.Contains(m[1], "soapenv:Fault") {
			continue
		}
		entry := m[1]
		i := strings.IndexAny(entry, " >/")
		entry = entry[:i] + ` xmlns:tns="` + infowire.NS + `"` + entry[i:]
		docs = append(docs, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+entry+"\n")
	}
	return docs
}

// TestXmllintOfficialSchema: what the client sends and the server answers
// (results and faults) validates against the schema of the published WSDL.
func TestXmllintOfficialSchema(t *testing.T) {
	xsd := officialSchema(t)
	xmllint := soaptest.NeedXmllint(t)
	var docs []string
	for _, name := range []string{"request.xml", "response.xml", "response-all.xml", "fault.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
		require.NoError(t, err)
		entries := bodyEntries(t, string(b))
		require.NotEmpty(t, entries, name)
		docs = append(docs, entries...)
	}
	// A fresh exchange too: an empty answer and a maximal notice.
	s := newService(t, nil)
	var buf bytes.Buffer
	require.NoError(t, infowire.Encode(&buf, wireHeader(header), wireRequest(&Filter{ReferenceTPDERCO: "NONE"})))
	_, out := post(t, s, buf.String())
	docs = append(docs, bodyEntries(t, out)...)

	dir := t.TempDir()
	for i, d := range docs {
		p := filepath.Join(dir, "entry"+string(rune('a'+i))+".xml")
		require.NoError(t, os.WriteFile(p, []byte(d), 0o644))
		cmd := exec.CommandContext(t.Context(), xmllint, "--noout", "--schema", xsd, p)
		got, err := cmd.CombinedOutput()
		require.NoError(t, err, "xmllint refuses:\n%s\n%s", got, d)
	}
	t.Logf("xmllint: %d documents valid against the published schema", len(docs))

	// The check can fail: a notice without its mandatory type is refused.
	bad := strings.Replace(docs[len(docs)-1], "<listeTravaux></listeTravaux>",
		`<listeTravaux><travaux reference="R" serviceProviderID="S"><equipementConcerne>PM</equipementConcerne></travaux></listeTravaux>`, 1)
	p := filepath.Join(dir, "bad.xml")
	require.NoError(t, os.WriteFile(p, []byte(bad), 0o644))
	_, err := exec.CommandContext(t.Context(), xmllint, "--noout", "--schema", xsd, p).CombinedOutput()
	require.Error(t, err, "xmllint accepted a notice without type")
}
