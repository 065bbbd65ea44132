// Command v2-introspection asks an OI's and an OC's protocol 2.0 services,
// on loopback, what they offer: the managed entity types
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
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/v2"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "v2-introspection:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := newPair()
	if err != nil {
		return err
	}
	defer p.close()

	for _, side := range []struct {
		name   string
		client *v2.Client
	}{{"OI FTEL (called by its OC)", p.oc}, {"OC BYTL (called by its OI)", p.oi}} {
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

	for _, u := range []string{p.oiURL, p.ocURL} {
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

// pair is an OI (FTEL) and an OC (BYTL), each with its in-memory backend
// and its web service on loopback, and the client each uses to call the
// other.
type pair struct {
	oiSystem, ocStore *v2.Memory
	oc, oi            *v2.Client // the OC's client of the OI, the OI's client of the OC
	oiURL, ocURL      string
	stop              []func()
}

func newPair() (*pair, error) {
	p := &pair{oiSystem: v2.NewMemory(v2.MemoryOptions{IDPrefix: "FTEL"}), ocStore: v2.NewMemory(v2.MemoryOptions{})}
	oiAuth, ocAuth := v2.NewBasicAuth(), v2.NewBasicAuth()
	if err := oiAuth.Add("bytl", "oc-secret", "BYTL"); err != nil {
		return nil, err
	}
	if err := ocAuth.Add("ftel", "oi-secret", "FTEL"); err != nil {
		return nil, err
	}
	oiServer, err := v2.NewOIServer(p.oiSystem, v2.ServerOptions{Code: "FTEL", Auth: oiAuth})
	if err != nil {
		return nil, err
	}
	ocServer, err := v2.NewOCServer(p.ocStore, v2.ServerOptions{Code: "BYTL", Auth: ocAuth})
	if err != nil {
		return nil, err
	}
	oiURL, err := p.serve("/sav/v2/oi", oiServer)
	p.oiURL = oiURL
	if err != nil {
		return nil, err
	}
	ocURL, err := p.serve("/sav/v2/oc", ocServer)
	p.ocURL = ocURL
	if err != nil {
		return nil, err
	}
	if p.oc, err = v2.NewClient(basicAuth{"bytl", "oc-secret"}, oiURL,
		v2.ClientOptions{Role: codes.RoleOC, CodeOC: "BYTL", CodeOI: "FTEL"}); err != nil {
		return nil, err
	}
	if p.oi, err = v2.NewClient(basicAuth{"ftel", "oi-secret"}, ocURL,
		v2.ClientOptions{Role: codes.RoleOI, CodeOC: "BYTL", CodeOI: "FTEL"}); err != nil {
		return nil, err
	}
	return p, nil
}

// serve runs h on a free loopback port under path and returns its URL.
func (p *pair) serve(path string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.Handle(path, h)
	srv := v2.NewHTTPServer(ln.Addr().String(), mux)
	go func() { _ = srv.Serve(ln) }()
	p.stop = append(p.stop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String() + path, nil
}

func (p *pair) close() {
	for _, stop := range p.stop {
		stop()
	}
}

// basicAuth sends requests with HTTP basic credentials.
type basicAuth struct{ user, password string }

func (b basicAuth) Do(r *http.Request) (*http.Response, error) {
	r.SetBasicAuth(b.user, b.password)
	return http.DefaultClient.Do(r)
}
