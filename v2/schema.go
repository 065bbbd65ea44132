package v2

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

//go:embed schema/*.xsd schema/*.wsdl
var schemaFiles embed.FS

// Names of the schema files (V2.md, "Schema files"). The XSDs are the
// project's own texts for the tt:/co: elements it uses (same names, types and
// order as the published JSR-91 v1.0 schemas), the one QoS FM type a trouble
// ticket refers to, and the sav: extension; the WSDLs describe the OI's and
// the OC's services.
const (
	SchemaTT  = "tt.xsd"  // http://java.sun.com/products/oss/xml/TroubleTicket
	SchemaCO  = "co.xsd"  // http://java.sun.com/products/oss/xml/Common
	SchemaFM  = "fm.xsd"  // http://java.sun.com/products/oss/xml/QualityOfService/FM/Monitor
	SchemaSAV = "sav.xsd" // the profile's extension namespace
	WSDLOI    = "oi.wsdl" // services the OI exposes to OCs
	WSDLOC    = "oc.wsdl" // services the OC exposes to OIs
)

// SchemaNames lists the schema files, XSDs first.
func SchemaNames() []string {
	return []string{SchemaTT, SchemaCO, SchemaFM, SchemaSAV, WSDLOI, WSDLOC}
}

// SchemaFS returns the schema files as they are embedded: imports refer to
// each other by file name, the WSDLs' endpoint is a placeholder and the sav:
// namespace is [DefaultNamespaceSAV]. Use [SchemaFile] to serve them.
func SchemaFS() fs.FS {
	sub, err := fs.Sub(schemaFiles, "schema")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}

var (
	schemaLocationRE = regexp.MustCompile(`schemaLocation="([A-Za-z0-9_.-]+\.xsd)"`)
	soapAddressRE    = regexp.MustCompile(`<soap:address location="[^"]*"/>`)
)

// SchemaFile returns the schema file name ready to be served at baseURL (the
// endpoint URL, e.g. "https://oi.example/sav/v2/oi"): every import points to
// baseURL?xsd=NAME, a WSDL's soap:address is baseURL, and the sav: namespace
// is the profile's. With an empty baseURL the file keeps its relative imports
// and placeholder address (for an offline copy). An unknown name is an error
// wrapping fs.ErrNotExist.
func SchemaFile(name, baseURL string, p *Profile) ([]byte, error) {
	if !slices.Contains(SchemaNames(), name) {
		return nil, fmt.Errorf("v2: schema file %q: %w", name, fs.ErrNotExist)
	}
	b, err := schemaFiles.ReadFile("schema/" + name)
	if err != nil {
		return nil, fmt.Errorf("v2: schema file %q: %w", name, err)
	}
	s := string(b)
	if ns := p.orDefault().NamespaceSAV; ns != DefaultNamespaceSAV {
		s = strings.ReplaceAll(s, `"`+DefaultNamespaceSAV+`"`, `"`+string(appendEscaped(nil, ns, true))+`"`)
	}
	if baseURL != "" {
		sep := "?"
		if strings.Contains(baseURL, "?") {
			sep = "&"
		}
		base := string(appendEscaped(nil, baseURL+sep+"xsd=", true))
		s = schemaLocationRE.ReplaceAllStringFunc(s, func(m string) string {
			file := schemaLocationRE.FindStringSubmatch(m)[1]
			return `schemaLocation="` + base + file + `"`
		})
		addr := `<soap:address location="` + string(appendEscaped(nil, baseURL, true)) + `"/>`
		s = soapAddressRE.ReplaceAllLiteralString(s, addr)
	}
	return []byte(s), nil
}
