// Command v2-introspection asks the protocol 2.0 services of an OI engine
// and an OC engine (sav.OI, sav.OC, started by savtest.Start on loopback)
// what they offer: the managed entity types
// (tt:TroubleTicketValue and its SAV extension), the queries, the event
// types and the operations, with the four JSR-91 introspection requests.
// It also fetches the WSDL each service describes itself with (?wsdl),
// whose imports point back to the service (?xsd=NAME), so a generic SOAP
// toolkit can work offline from them.
//
//	go run ./examples/v2-introspection
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/savtest"
	v2 "github.com/opensav/savsdk/v2"
)

func main() {
	demo.Main("v2-introspection", run)
}

func run(ctx context.Context) error {
	p, err := savtest.Start(savtest.Options{Protocol: savtest.V2})
	if err != nil {
		return err
	}
	defer p.Close()
	ocClient, err := p.V2Client(codes.RoleOC) // the OC's client of the OI
	if err != nil {
		return err
	}
	oiClient, err := p.V2Client(codes.RoleOI) // the OI's client of the OC
	if err != nil {
		return err
	}

	for _, side := range []struct {
		name   string
		client *v2.Client
	}{{"OI FTEL (called by its OC)", ocClient}, {"OC BYTL (called by its OI)", oiClient}} {
		fmt.Println(side.name)
		types, err := side.client.ManagedEntityTypes(ctx)
		if err != nil {
			return err
		}
		queries, err := side.client.QueryTypes(ctx)
		if err != nil {
			return err
		}
		events, err := side.client.EventTypes(ctx)
		if err != nil {
			return err
		}
		ops, err := side.client.SupportedOptionalOperations(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("  managed entity types: %s\n", strings.Join(types, ", "))
		fmt.Printf("  query types:          %s\n", orNone(queries))
		fmt.Printf("  event types:          %s\n", orNone(events))
		fmt.Printf("  operations:           %s\n", strings.Join(ops, ", "))
	}

	for _, u := range []string{p.OIEndpoint.URL + "/sav/v2/oi", p.OCEndpoint.URL + "/sav/v2/oc"} {
		resp, err := http.Get(u + "?wsdl")
		if err != nil {
			return err
		}
		wsdl, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s?wsdl: %s", u, resp.Status)
		}
		fmt.Printf("%s?wsdl: %d bytes, imports %d schemas from %s?xsd=…\n", u, len(wsdl),
			strings.Count(string(wsdl), "schemaLocation=\""+u+"?xsd="), u)
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}
