// Command infotravaux walks through the InfoTravaux FTTH web service on
// loopback: an OI publishes its planned works notices and serves them at
// /ftth/services/infoTravauxService; an OC asks for the works starting in the
// next three months, places the impacted lines at their addresses from its
// own customer base, and writes the notices as a TRAVAUX CSV file (protocol
// 1.0a), which it then reads back and validates. A search wider than the
// three-month window is refused with the infoFtthError fault 4.
//
//	go run ./examples/infotravaux
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/opensav/savsdk/examples/internal/demo"
	"github.com/opensav/savsdk/sav/infotravaux"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

func main() {
	demo.Main("infotravaux", run)
}

const (
	sirenOI = "987654321"
	sirenOC = "123456789"
	codeOI  = "OIFB" // operator codes of the file name
	codeOC  = "OCFB"
	path    = "/ftth/services/infoTravauxService"
)

func run(ctx context.Context) error {
	now := time.Now().In(ticket.Paris)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, ticket.Paris)
	at := func(days, hour int) time.Time {
		d := today.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, ticket.Paris)
	}

	// The OI publishes its notices.
	src := &infotravaux.MemSource{}
	pbo := infotravaux.Travaux{
		Reference: "TP-0001", ServiceProviderID: sirenOC, Type: infotravaux.CategorieTP,
		EquipementConcerne: infotravaux.EquipementConcernePBO, ReferencePm: "PM-75102-0007",
		ReferencePrestationPm: "PRESTA-PM-0007", DateModification: at(-10, 9),
		InterventionRequiseOC: infotravaux.BooleenNon, DateDebutTravaux: at(7, 9), DateFinTravaux: at(7, 12),
		NatureIntervention: infotravaux.NatureInterventionDEPL, Etat: infotravaux.EtatNouveau,
		ReferencePBO: []string{"PBO-75102-0007-03"}, CoordonneesContactOI: "Astreinte OI 01 23 45 67 89",
		CommentairesIntervention: "Déplacement du PBO sur façade : coupure de trois heures",
		IdentifiantImmeuble:      []string{"IMB/75102/S/0042"},
		ReferencePriseImpactees:  []string{"FI-0001-0001", "FI-0001-0002"},
	}
	derco := infotravaux.Travaux{
		Reference: "DERCO-0002", ServiceProviderID: sirenOC, Type: infotravaux.CategorieDERCO,
		EquipementConcerne: infotravaux.EquipementConcernePM, ReferencePm: "PM-69381-0001",
		ReferencePrestationPm: "PRESTA-PM-0101", DateModification: at(-3, 14),
		InterventionRequiseOC: infotravaux.BooleenOui, DateDebutTravaux: at(20, 22), DateFinTravaux: at(21, 5),
		NatureIntervention: infotravaux.NatureInterventionAUTR, Etat: infotravaux.EtatNouveau,
		CommentairesIntervention: "Remplacement de l'armoire de rue", CoordonneesContactOI: "noc@oi.example",
		ReferencePriseImpactees: []string{"FI-0002-0001"},
	}
	other := derco
	other.ServiceProviderID = "111222333" // another OC's copy: never shown to ours
	for _, t := range []infotravaux.Travaux{pbo, derco, other} {
		if err := src.Put(t); err != nil {
			return err
		}
	}
	// The works are moved by a week: a new version of the same notice.
	pbo.Etat = infotravaux.EtatReplanification
	pbo.DateModification = at(-1, 10)
	pbo.DateDebutTravaux, pbo.DateFinTravaux = at(14, 9), at(14, 12)
	if err := src.Put(pbo); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(path, &infotravaux.Server{Source: src, SupplierID: sirenOI})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Shutdown(context.Background())
	url := "http://" + ln.Addr().String() + path
	fmt.Println("OI serves InfoTravaux FTTH at", url, "(WSDL at ?wsdl)")

	// The OC asks for the works starting in the next three months.
	oc := &infotravaux.Client{URL: url, HTTP: &http.Client{Timeout: 10 * time.Second}}
	h := infotravaux.Header{SupplierID: sirenOI, ServiceProviderID: sirenOC}
	ts, err := oc.GetInfoTravauxFTTH(ctx, h, infotravaux.Filter{
		DateDebutTravaux: &infotravaux.Periode{Debut: today, Fin: today.AddDate(0, 3, 0)},
	})
	if err != nil {
		return err
	}
	fmt.Printf("OC received %d notices\n", len(ts))
	for _, t := range ts {
		fmt.Printf("  %s %-5s %-15s %s, %s → %s, %d lines impacted\n", t.Reference, t.Type, t.Etat,
			t.NatureIntervention.Label(), t.DateDebutTravaux.Format("02/01 15:04"), t.DateFinTravaux.Format("02/01 15:04"),
			len(t.ReferencePriseImpactees))
	}

	// Its customer base knows where each impacted line is.
	customers := map[string]infotravaux.Adresse{
		"FI-0001-0001": {NumeroVoie: "12", Voie: "Rue de la Paix", CodePostal: "75002", Commune: "Paris",
			CodeInsee: "75102", IdentifiantImmeuble: "IMB/75102/S/0042"},
		"FI-0001-0002": {NumeroVoie: "12", Voie: "Rue de la Paix", CodePostal: "75002", Commune: "Paris",
			CodeInsee: "75102", IdentifiantImmeuble: "IMB/75102/S/0042"},
		"FI-0002-0001": {NumeroVoie: "3", Voie: "Place Bellecour", CodePostal: "69002", Commune: "Lyon",
			CodeInsee: "69382"},
	}
	for i := range ts {
		for _, prise := range ts[i].ReferencePriseImpactees {
			a, ok := customers[prise]
			if ok && !contains(ts[i].Adresses, a) {
				ts[i].Adresses = append(ts[i].Adresses, a)
			}
		}
	}

	// It writes them as a TRAVAUX file, one line per address, in a
	// directory of its own (here a temporary one, removed at exit). A file
	// name is checked before it names a file: one that came with a mail
	// could be "../../x.csv".
	dir, err := os.MkdirTemp("", "infotravaux-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	name, err := v1a.SafeFileName(v1a.NewFileName(&v1a.Sequence{}, v1a.FlowTravaux, codeOI, codeOC, time.Now()).String())
	if err != nil {
		return err
	}
	var file bytes.Buffer
	if err := infotravaux.WriteCSV(&file, ts...); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name), file.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Printf("OC wrote %s (%d bytes, Windows-1252)\n", name, file.Len())

	// Reading it back: the same notices, every line valid.
	r := v1a.NewReader(bytes.NewReader(file.Bytes()))
	var v v1a.Validator
	lines := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if rec == nil {
			return err
		}
		lines++
		res := v.Check(ctx, r.Line(), rec, err)
		if !res.Valid() {
			return fmt.Errorf("line %d: %v", res.Line, res.Errors)
		}
		t := rec.(*v1a.Travaux)
		fmt.Printf("  line %d: %s %s %s %s %s\n", r.Line(), t.ReferenceTravaux, t.Etat, t.NumeroVoie, t.Voie, t.Commune)
	}
	cr := infotravaux.NewCSVReader(v1a.NewReader(bytes.NewReader(file.Bytes())))
	notices := 0
	for {
		if _, err := cr.Read(); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		notices++
	}
	fmt.Printf("the file holds %d valid lines, %d notices\n", lines, notices)
	if notices != len(ts) {
		return fmt.Errorf("read back %d notices, want %d", notices, len(ts))
	}

	// A search over six months is refused.
	_, err = oc.GetInfoTravauxFTTH(ctx, h, infotravaux.Filter{
		DateCreation: &infotravaux.Periode{Debut: today.AddDate(0, -6, 0), Fin: today},
	})
	f, ok := errors.AsType[*infotravaux.Fault](err)
	if !ok {
		return fmt.Errorf("a six-month search was not refused: %v", err)
	}
	fmt.Printf("a six-month search: infoFtthError %d %s\n", int(f.Code), f.Message)
	return nil
}

func contains(as []infotravaux.Adresse, a infotravaux.Adresse) bool {
	for _, b := range as {
		if a == b {
			return true
		}
	}
	return false
}
