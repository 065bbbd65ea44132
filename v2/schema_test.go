package v2

import (
	"bytes"
	"encoding/xml"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap/soaptest"
)

// referenceDir returns ../shared/reference/jsr91 relative to the repository
// root, skipping the test when it is absent (failing under CI=true).
func referenceDir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(soaptest.Reference(t, filepath.Join("jsr91", "XmlTroubleTicketSchema.xsd")))
}

// xmllint returns the path of xmllint, skipping the test when it is absent
// (failing under CI=true, where .ci/run installs it).
func xmllint(t testing.TB) string { return soaptest.NeedXmllint(t) }

// detailWrapper declares the unqualified SOAP 1.1 detail element so that a
// fault's detail entries can be validated as one document.
const detailWrapper = `	<xs:element name="detail">
		<xs:complexType>
			<xs:sequence>
				<xs:any namespace="##other" processContents="strict" maxOccurs="unbounded"/>
			</xs:sequence>
		</xs:complexType>
	</xs:element>
`

// officialSchema writes, in a temporary directory, a wrapper XSD importing
// the official JSR-91 v1.0 TroubleTicket and Common schemas (by absolute
// path) and the project's sav: schema.
func officialSchema(t testing.TB) string {
	t.Helper()
	ref := referenceDir(t)
	dir := t.TempDir()
	sav, err := SchemaFile(SchemaSAV, "", nil)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, SchemaSAV), sav, 0o644))
	wrapper := `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
	<xs:import namespace="` + NamespaceTT + `" schemaLocation="` + filepath.ToSlash(filepath.Join(ref, "XmlTroubleTicketSchema.xsd")) + `"/>
	<xs:import namespace="` + NamespaceCO + `" schemaLocation="` + filepath.ToSlash(filepath.Join(ref, "XmlCommonSchema.xsd")) + `"/>
	<xs:import namespace="` + DefaultNamespaceSAV + `" schemaLocation="` + SchemaSAV + `"/>
` + detailWrapper + `</xs:schema>
`
	path := filepath.Join(dir, "official.xsd")
	require.NoError(t, os.WriteFile(path, []byte(wrapper), 0o644))
	return path
}

// ownSchema writes the project's own schema files and a wrapper importing
// them.
func ownSchema(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range SchemaNames() {
		b, err := SchemaFile(name, "", nil)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	wrapper := `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
	<xs:import namespace="` + NamespaceTT + `" schemaLocation="` + SchemaTT + `"/>
	<xs:import namespace="` + NamespaceCO + `" schemaLocation="` + SchemaCO + `"/>
	<xs:import namespace="` + DefaultNamespaceSAV + `" schemaLocation="` + SchemaSAV + `"/>
` + detailWrapper + `</xs:schema>
`
	path := filepath.Join(dir, "own.xsd")
	require.NoError(t, os.WriteFile(path, []byte(wrapper), 0o644))
	return path
}

var validatesRE = regexp.MustCompile(`(?m)^(.*) (validates|fails to validate)$`)

// validateFiles runs xmllint once on every file and fails the test for each
// file that does not validate against schema.
func validateFiles(t *testing.T, schema string, files []string) {
	t.Helper()
	if len(files) == 0 {
		t.Fatal("no file to validate")
	}
	args := append([]string{"--noout", "--nonet", "--schema", schema}, files...)
	out, err := exec.Command(xmllint(t), args...).CombinedOutput()
	results := map[string]string{}
	for _, m := range validatesRE.FindAllStringSubmatch(string(out), -1) {
		results[m[1]] = m[2]
	}
	for _, f := range files {
		if results[f] != "validates" {
			t.Errorf("%s does not validate against %s:\n%s", f, filepath.Base(schema), grepFile(string(out), f))
		}
	}
	if err != nil && !t.Failed() {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}

func grepFile(out, file string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, file) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// validateDocs writes documents to a temporary directory and validates them
// against the official schemas and against the project's own.
func validateDocs(t *testing.T, docs map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for name, b := range docs {
		f := filepath.Join(dir, name+".xml")
		require.NoError(t, os.WriteFile(f, b, 0o644))
		files = append(files, f)
	}
	t.Run("official", func(t *testing.T) { validateFiles(t, officialSchema(t), files) })
	t.Run("own", func(t *testing.T) { validateFiles(t, ownSchema(t), files) })
}

func TestSchemaFilesWellFormed(t *testing.T) {
	for _, name := range SchemaNames() {
		b, err := SchemaFile(name, "", nil)
		require.NoError(t, err)
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := d.Token()
			if err != nil {
				require.ErrorIs(t, err, io.EOF, name)
				break
			}
		}
	}
	_, err := SchemaFile("nope.xsd", "", nil)
	require.ErrorIs(t, err, fs.ErrNotExist)
}

func TestSchemaFileRewritesImportsAndAddress(t *testing.T) {
	b, err := SchemaFile(WSDLOI, "https://oi.example/sav/v2/oi", nil)
	require.NoError(t, err)
	s := string(b)
	require.Contains(t, s, `schemaLocation="https://oi.example/sav/v2/oi?xsd=tt.xsd"`)
	require.Contains(t, s, `schemaLocation="https://oi.example/sav/v2/oi?xsd=sav.xsd"`)
	require.Contains(t, s, `<soap:address location="https://oi.example/sav/v2/oi"/>`)
	require.NotContains(t, s, `schemaLocation="tt.xsd"`)

	b, err = SchemaFile(SchemaTT, "http://127.0.0.1:8080/sav/v2/oc?x=1", nil)
	require.NoError(t, err)
	require.Contains(t, string(b), `schemaLocation="http://127.0.0.1:8080/sav/v2/oc?x=1&amp;xsd=co.xsd"`)

	p := DefaultProfile()
	p.NamespaceSAV = "urn:partner:sav"
	b, err = SchemaFile(SchemaSAV, "", p)
	require.NoError(t, err)
	require.Contains(t, string(b), `targetNamespace="urn:partner:sav"`)
	require.NotContains(t, string(b), DefaultNamespaceSAV)
}

// TestOwnSchemaCompiles checks that xmllint compiles the project's schema
// files, alone and under the official ones, and that the served WSDL's
// imports all name served files.
func TestOwnSchemaCompiles(t *testing.T) {
	lint := xmllint(t)
	own := ownSchema(t)
	doc := filepath.Join(t.TempDir(), "q.xml")
	require.NoError(t, os.WriteFile(doc, []byte(`<co:getQueryTypesRequest xmlns:co="`+NamespaceCO+`"/>`), 0o644))
	out, err := exec.Command(lint, "--noout", "--nonet", "--schema", own, doc).CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, name := range []string{WSDLOI, WSDLOC} {
		b, err := SchemaFile(name, "", nil)
		require.NoError(t, err)
		for _, m := range schemaLocationRE.FindAllStringSubmatch(string(b), -1) {
			_, err := SchemaFile(m[1], "", nil)
			require.NoError(t, err, "%s imports %s", name, m[1])
		}
	}
}

// TestWSDLLoadsInGenericToolkit loads the served WSDL offline with
// python3-zeep, a generic SOAP toolkit.
func TestWSDLLoadsInGenericToolkit(t *testing.T) {
	py := soaptest.NeedZeep(t)
	dir := t.TempDir()
	for _, name := range SchemaNames() {
		b, err := SchemaFile(name, "", nil)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	script := `
import sys, zeep
for name, ops in (("oi.wsdl", 9), ("oc.wsdl", 5)):
    c = zeep.Client(sys.argv[1] + "/" + name)
    b = list(c.wsdl.bindings.values())[0]
    assert len(b._operations) == ops, (name, list(b._operations))
    c.get_type("{urn:savsdk:sav:2.0}SAVTroubleTicketValue")
    c.get_element("{urn:savsdk:sav:2.0}entete")
print("ok")
`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "ok")
}
