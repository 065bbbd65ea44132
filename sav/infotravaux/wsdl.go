package infotravaux

import (
	_ "embed"
	"encoding/xml"
	"strings"
)

// wsdlText is the project's own description of the published contract.
//
//go:embed infotravaux.wsdl
var wsdlText string

// wsdlAddress is the soap:address of the embedded text, replaced when served.
const wsdlAddress = "http://localhost/ftth/services/infoTravauxService"

// WSDL returns the service description the [Server] serves at "?wsdl": the
// published contract with its header part qualified, and its soap:address
// set to address (the embedded default when empty).
func WSDL(address string) string {
	if address == "" {
		return wsdlText
	}
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(address))
	return strings.Replace(wsdlText, `location="`+wsdlAddress+`"`, `location="`+b.String()+`"`, 1)
}
