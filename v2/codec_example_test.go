package v2_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	v2 "github.com/opensav/savsdk/v2"
)

// An OC writes the deposit of a signalisation as a create request.
func ExampleNewCreateRequest() {
	f := &ticket.Filing{
		CodeOC: "BYTL", CodeOI: "FTEL",
		ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000123-0001",
		ReferencePrise:         "FI-1234-5678",
		DateIncident:           ticket.Date{Year: 2026, Month: time.November, Day: 20},
		NatureDefaut:           codes.NatureDefautCoupure,
		PrelocDefaut:           codes.PrelocDefautPBO,
	}
	b, err := v2.MarshalBodyIndent(v2.NewCreateRequest(f, nil), nil, "  ")
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(b)
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <tt:createTroubleTicketByValueRequest xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket" xmlns:co="http://java.sun.com/products/oss/xml/Common" xmlns:sav="urn:savsdk:sav:2.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
	//   <tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
	//     <tt:customerTroubleNum>BTGP-MG-OI-000123-0001</tt:customerTroubleNum>
	//     <tt:troubleDetectionTime>2026-11-20T00:00:00+01:00</tt:troubleDetectionTime>
	//     <sav:typeSAV>SIGNALISATION</sav:typeSAV>
	//     <sav:codeOC>BYTL</sav:codeOC>
	//     <sav:codeOI>FTEL</sav:codeOI>
	//     <sav:technicalId>FI-1234-5678</sav:technicalId>
	//     <sav:natureDefaut>COUPURE</sav:natureDefaut>
	//     <sav:prelocDefaut>PBO</sav:prelocDefaut>
	//   </tt:troubleTicketValue>
	// </tt:createTroubleTicketByValueRequest>
}

// A receiver reads a set request, whatever its prefixes, and gets the
// ticket transaction it carries.
func ExampleDecodeBody() {
	doc := `<a:setTroubleTicketByValueRequest xmlns:a="http://java.sun.com/products/oss/xml/TroubleTicket"
    xmlns:c="http://java.sun.com/products/oss/xml/Common" xmlns:s="urn:savsdk:sav:2.0"
    xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <a:troubleTicketValue i:type="s:SAVTroubleTicketValue">
    <c:lastUpdateVersionNumber>2</c:lastUpdateVersionNumber>
    <a:troubleTicketKey><c:type>tt:TroubleTicketValue</c:type><a:primaryKey>FTEL-SAV-0000123</a:primaryKey></a:troubleTicketKey>
    <s:transaction>CASE CANCELATION REQUEST</s:transaction>
    <s:codeOC>BYTL</s:codeOC>
    <s:codeOI>FTEL</s:codeOI>
  </a:troubleTicketValue>
  <a:resyncRequired>true</a:resyncRequired>
</a:setTroubleTicketByValueRequest>`
	m, err := v2.DecodeBody(strings.NewReader(doc), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	set := m.(*v2.SetTroubleTicketByValueRequest)
	key, tx, err := set.Transaction(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Operation(), key, tx.Kind, tx.Sender, tx.Version, tx.ResyncRequired)
	// Output: setTroubleTicketByValue FTEL-SAV-0000123 CASE CANCELATION REQUEST OC 2 true
}

// Check reports what a request lacks, with the line of each element (or of
// its parent for a missing one), as savctl check prints it.
func ExampleCheck() {
	doc := `<tt:createTroubleTicketByValueRequest xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket"
    xmlns:sav="urn:savsdk:sav:2.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
    <tt:customerTroubleNum>BTGP-1</tt:customerTroubleNum>
    <tt:troubleDetectionTime>2026-11-20T00:00:00+01:00</tt:troubleDetectionTime>
    <sav:typeSAV>SIGNALISATION</sav:typeSAV>
    <sav:codeOC>BYTL</sav:codeOC>
    <sav:codeOI>FTEL</sav:codeOI>
    <sav:technicalId>FI-1234-5678</sav:technicalId>
    <sav:natureDefaut>FUITE</sav:natureDefaut>
  </tt:troubleTicketValue>
</tt:createTroubleTicketByValueRequest>`
	d, err := v2.Check(strings.NewReader(doc), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Flow(), d.Records(), d.Valid())
	for _, f := range d.Findings {
		fmt.Println(f)
	}
	// Output:
	// create 1 false
	// 10: natureDefaut: 2 INFO natureDefaut ERRONEE - HORS VALEURS PREVUEES (COUPURE or AFFAIBLISSEMENT)
	// 3: prelocDefaut: 1 INFO prelocDefaut OBLIGATOIRE
}

// A set changes only the elements present: Null clears an attribute.
func ExampleNull() {
	v := &v2.TroubleTicketValue{
		TroubleTicketKey: v2.Some((*v2.Profile)(nil).Key("FTEL-SAV-0000123")),
		Dialog:           v2.Null[string](),
		TroubleLocation:  v2.Some("PBO palier 3"),
	}
	b, _ := v2.AppendTroubleTicketValue(nil, v, nil)
	s := string(b)
	fmt.Println(s[strings.Index(s, "<tt:dialog"):strings.Index(s, "</tt:troubleTicketValue>")])
	// Output: <tt:dialog xsi:nil="true"/><tt:troubleLocation>PBO palier 3</tt:troubleLocation>
}

// A fault's detail: the JSR-91 exception and sav:erreur. A duplicate create
// gives the existing ticket's key.
func ExampleNewException() {
	key := (*v2.Profile)(nil).Key("FTEL-SAV-0000123")
	e := v2.NewException(v2.OpCreateTroubleTicketByValue, codes.ReturnCodeCannotCreate, "", &key)
	fmt.Println(e.Kind, int(e.ReturnCode()), e.Erreur.TroubleTicketKey.PrimaryKey)
	// Output: createException 100 FTEL-SAV-0000123
}

// A server serves its WSDL and the XSDs it imports from its own endpoint.
func ExampleSchemaFile() {
	b, err := v2.SchemaFile(v2.WSDLOC, "https://oc.example/sav/v2/oc", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "schemaLocation") || strings.Contains(line, "soap:address") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// <xs:import namespace="http://java.sun.com/products/oss/xml/TroubleTicket" schemaLocation="https://oc.example/sav/v2/oc?xsd=tt.xsd"/>
	// <xs:import namespace="http://java.sun.com/products/oss/xml/Common" schemaLocation="https://oc.example/sav/v2/oc?xsd=co.xsd"/>
	// <xs:import namespace="urn:savsdk:sav:2.0" schemaLocation="https://oc.example/sav/v2/oc?xsd=sav.xsd"/>
	// <soap:address location="https://oc.example/sav/v2/oc"/>
}

// A client reads a large page of search results value by value.
func ExampleValueReader() {
	var page strings.Builder
	vw, err := v2.NewValueWriter(&page, v2.OpQueryTroubleTickets, 0, true, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"FTEL-SAV-0000001", "FTEL-SAV-0000002"} {
		v := v2.TroubleTicketValue{TroubleTicketKey: v2.Some((*v2.Profile)(nil).Key(id)),
			TroubleState: v2.Some(v2.TroubleStateOpenActive)}
		if err := vw.Write(&v); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := vw.Close(); err != nil {
		fmt.Println(err)
		return
	}

	vr := v2.NewValueReader(strings.NewReader(page.String()), nil)
	for {
		v, err := vr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v.TroubleTicketKey.Value.PrimaryKey, v.TroubleState.Value)
	}
	fmt.Println("last page:", vr.EndOfReply)
	// Output:
	// FTEL-SAV-0000001 OPENACTIVE
	// FTEL-SAV-0000002 OPENACTIVE
	// last page: true
}
