package plancharge

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap/soaptest"
)

// recorder is a Doer that keeps every request and response body.
type recorder struct {
	next Doer
	mu   sync.Mutex
	msgs [][]byte
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := r.next.Do(req)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	r.mu.Lock()
	r.msgs = append(r.msgs, body, out)
	r.mu.Unlock()
	return resp, nil
}

// schemaOf extracts the xsd:schema element of a WSDL into a standalone
// schema document, carrying over the namespace declarations of the WSDL's
// root element it relies on.
func schemaOf(t *testing.T, wsdl string) string {
	t.Helper()
	start := regexp.MustCompile(`<(\w+):schema[\s>]`).FindStringSubmatchIndex(wsdl)
	require.NotNil(t, start, "no schema element")
	prefix := wsdl[start[2]:start[3]]
	end := strings.Index(wsdl, "</"+prefix+":schema>")
	require.Positive(t, end)
	schema := wsdl[start[0] : end+len("</"+prefix+":schema>")]
	root := regexp.MustCompile(`<(?:\w+:)?definitions\b[^>]*>`).FindString(wsdl)
	var decls []string
	for _, m := range regexp.MustCompile(`xmlns:(\w+)="([^"]*)"`).FindAllStringSubmatch(root, -1) {
		if !strings.Contains(schema[:strings.Index(schema, ">")], "xmlns:"+m[1]+"=") {
			decls = append(decls, m[0])
		}
	}
	open := "<" + prefix + ":schema"
	return strings.Replace(schema, open, open+" "+strings.Join(decls, " "), 1)
}

// entries cuts the tns: header and body entries (and fault details) out of
// an envelope the project wrote, each as a standalone document.
func entries(t *testing.T, envelope []byte) []string {
	t.Helper()
	var out []string
	s := string(envelope)
	re := regexp.MustCompile(`<tns:(\w+)[ >/]`)
	for len(s) > 0 {
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			break
		}
		name := s[m[2]:m[3]]
		rest := s[m[0]:]
		end := strings.Index(rest, "</tns:"+name+">")
		size := end + len("</tns:"+name+">")
		if end < 0 {
			size = strings.Index(rest, "/>") + 2
		}
		doc := rest[:size]
		doc = strings.Replace(doc, "<tns:"+name, `<tns:`+name+` xmlns:tns="http://interop-fibre.fr"`, 1)
		out = append(out, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+doc+"\n")
		s = rest[size:]
	}
	require.NotEmpty(t, out, "no entries in %s", envelope)
	return out
}

// TestMessagesValidate: every request and response the project writes (the
// EnteteType headers, the four requests, the four answers and an rdvErreur
// detail) validates against the schema of the published WSDL.
func TestMessagesValidate(t *testing.T) {
	ref := soaptest.Reference(t, "planChargeSavFtth.wsdl")
	xmllint := soaptest.NeedXmllint(t)
	published, err := os.ReadFile(ref)
	require.NoError(t, err)

	s := newService(t, MemConfig{})
	rec := &recorder{next: s.http.Client()}
	s.client.HTTP = rec
	ctx := context.Background()
	slots, err := s.client.Search(ctx, searchReq(day(1, 0), day(2, 0)))
	require.NoError(t, err)
	r := searchReq(day(1, 0), day(2, 0))
	r.TechnicalId, r.CommercialId = "FI-1234-5678", ""
	_, err = s.client.Search(ctx, r)
	require.NoError(t, err)
	_, err = s.client.Search(ctx, searchReq(day(6, 0), day(6, 23))) // Sunday: an empty list
	require.NoError(t, err)
	id, err := s.client.Book(ctx, bookReq(slots[0].IdOI))
	require.NoError(t, err)
	_, err = s.client.Consult(ctx, ConsultRequest{IdRendezVous: id})
	require.NoError(t, err)
	_, err = s.client.Report(ctx, reportReq(id, NatureReportReserve, slots[1].IdOI))
	require.NoError(t, err)
	_, err = s.client.Book(ctx, bookReq(slots[1].IdOI))
	requireFault(t, err, 101)

	dir := t.TempDir()
	for name, wsdl := range map[string]string{"published": string(published), "own": WSDL("")} {
		schema := filepath.Join(dir, name+".xsd")
		require.NoError(t, os.WriteFile(schema, []byte(schemaOf(t, wsdl)), 0o644))
		var files []string
		seen := map[string]bool{}
		for i, m := range rec.msgs {
			for j, doc := range entries(t, m) {
				f := filepath.Join(dir, fmt.Sprintf("%s-%02d-%d.xml", name, i, j))
				require.NoError(t, os.WriteFile(f, []byte(doc), 0o644))
				files = append(files, f)
				seen[regexp.MustCompile(`<tns:(\w+)`).FindStringSubmatch(doc)[1]] = true
			}
		}
		for _, e := range []string{"EnteteType", "RechercheCreneauxLibresRequete", "RechercheCreneauxLibresReponse",
			"ReservationCreneauRequete", "ReservationCreneauReponse", "ConsultationRdvRequete",
			"ConsultationRdvReponse", "ReportRDVRequete", "ReportRDVReponse", "InfoErreurType"} {
			require.True(t, seen[e], "no %s written", e)
		}
		out, err := exec.Command(xmllint, append([]string{"--noout", "--schema", schema}, files...)...).CombinedOutput()
		require.NoError(t, err, "xmllint against the %s schema:\n%s", name, out)
		require.Equal(t, len(files), strings.Count(string(out), " validates"), "%s", out)
		t.Logf("xmllint, %s schema: %d documents validate", name, len(files))
	}
}

// TestSchemaCatchesErrors makes sure the validation above can fail.
func TestSchemaCatchesErrors(t *testing.T) {
	ref := soaptest.Reference(t, "planChargeSavFtth.wsdl")
	xmllint := soaptest.NeedXmllint(t)
	published, err := os.ReadFile(ref)
	require.NoError(t, err)
	dir := t.TempDir()
	schema := filepath.Join(dir, "s.xsd")
	require.NoError(t, os.WriteFile(schema, []byte(schemaOf(t, string(published))), 0o644))
	bad := filepath.Join(dir, "bad.xml")
	require.NoError(t, os.WriteFile(bad, []byte(`<tns:ConsultationRdvRequete xmlns:tns="http://interop-fibre.fr">`+
		`<tns:idRendezVous>x</tns:idRendezVous></tns:ConsultationRdvRequete>`), 0o644))
	out, err := exec.Command(xmllint, "--noout", "--schema", schema, bad).CombinedOutput()
	require.Error(t, err, "a qualified child must not validate: %s", out)
}
