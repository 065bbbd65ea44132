package infotravaux_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/opensav/savsdk/sav/infotravaux"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

func notice() infotravaux.Travaux {
	at := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, ticket.Paris) }
	return infotravaux.Travaux{
		Reference: "TP-2026-0001", ServiceProviderID: "123456789",
		Type: infotravaux.CategorieTP, EquipementConcerne: infotravaux.EquipementConcernePBO,
		ReferencePm: "PM-75056-0001", ReferencePrestationPm: "PRESTA-PM-01",
		DateModification: time.Date(2026, 11, 2, 9, 30, 0, 0, ticket.Paris), InterventionRequiseOC: infotravaux.BooleenNon,
		DateDebutTravaux: at(1, 8), DateFinTravaux: at(1, 17),
		NatureIntervention: infotravaux.NatureInterventionDEPL, Etat: infotravaux.EtatNouveau,
		ReferencePriseImpactees: []string{"FI-1111-2222"},
	}
}

// The OI serves its notices; the OC asks for those starting in December.
func ExampleClient_GetInfoTravauxFTTH() {
	src := &infotravaux.MemSource{}
	if err := src.Put(notice()); err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ftth/services/infoTravauxService", &infotravaux.Server{Source: src, SupplierID: "987654321"})
	oi := httptest.NewServer(mux)
	defer oi.Close()

	c := &infotravaux.Client{URL: oi.URL + "/ftth/services/infoTravauxService", HTTP: oi.Client()}
	h := infotravaux.Header{SupplierID: "987654321", ServiceProviderID: "123456789"}
	ts, err := c.GetInfoTravauxFTTH(context.Background(), h, infotravaux.Filter{
		DateDebutTravaux: &infotravaux.Periode{
			Debut: time.Date(2026, 12, 1, 0, 0, 0, 0, ticket.Paris),
			Fin:   time.Date(2026, 12, 31, 23, 59, 0, 0, ticket.Paris),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range ts {
		fmt.Println(t.Reference, t.Etat, t.NatureIntervention.Label(), t.DateDebutTravaux.In(ticket.Paris).Format(time.DateTime))
	}
	// Output: TP-2026-0001 NOUVEAU Déplacement 2026-12-01 08:00:00
}

// A period wider than the three-month window is refused with code 4.
func ExampleFault() {
	src := &infotravaux.MemSource{}
	oi := httptest.NewServer(&infotravaux.Server{Source: src})
	defer oi.Close()
	c := &infotravaux.Client{URL: oi.URL, HTTP: oi.Client()}
	_, err := c.GetInfoTravauxFTTH(context.Background(),
		infotravaux.Header{SupplierID: "987654321", ServiceProviderID: "123456789"},
		infotravaux.Filter{DateCreation: &infotravaux.Periode{
			Debut: time.Date(2026, 1, 1, 0, 0, 0, 0, ticket.Paris),
			Fin:   time.Date(2026, 12, 31, 0, 0, 0, 0, ticket.Paris),
		}})
	if f, ok := errors.AsType[*infotravaux.Fault](err); ok {
		fmt.Println(int(f.Code), f.SOAPCode, f.Message)
	}
	// Output: 4 Client CRITERES DE RECHERCHE NON RESPECTES - dateCreation spans more than 3 months
}

// An OC writes the notices it received as a TRAVAUX file, after placing
// the impacted lines at their addresses from its own customer base.
func ExampleCSVWriter() {
	t := notice()
	t.Adresses = []infotravaux.Adresse{{NumeroVoie: "12", Voie: "Rue de la Paix", CodePostal: "75002", Commune: "Paris"}}
	w := v1a.NewWriter(os.Stdout, v1a.FlowTravaux)
	w.UseLF = true
	cw := infotravaux.NewCSVWriter(w)
	if err := cw.Write(&t); err != nil {
		log.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ReferenceTravaux;Etat;ReferencePM;DateDebut;DateFin;NatureIntervention;InterventionRequiseOC;NumeroVoie;Voie;CodePostal;Commune;CodeInsee;IdentifiantImmeuble;ContactOI;Commentaire
	// TP-2026-0001;NOUVEAU;PM-75056-0001;202612010800;202612011700;DEPL;NON;12;Rue de la Paix;75002;Paris;;;;
}

// Reading a TRAVAUX file groups the lines of each notice.
func ExampleCSVReader() {
	file := "ReferenceTravaux;Etat;ReferencePM;DateDebut;DateFin;NatureIntervention;InterventionRequiseOC;NumeroVoie;Voie;CodePostal;Commune;CodeInsee;IdentifiantImmeuble;ContactOI;Commentaire\r\n" +
		"TP-7;NOUVEAU;PM-1;202612010800;202612011700;REFE;NON;1;Rue A;75011;Paris;;IMB-1;;\r\n" +
		"TP-7;NOUVEAU;PM-1;202612010800;202612011700;REFE;NON;3;Rue A;75011;Paris;;IMB-2;;\r\n" +
		"TP-8;ANNULE;PM-2;202612020800;202612021700;INGE;NON;5;Rue B;69001;Lyon;;;;\r\n"
	r := infotravaux.NewCSVReader(v1a.NewReader(strings.NewReader(file)))
	for {
		t, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Line(), t.Reference, t.Etat, len(t.Adresses), t.IdentifiantImmeuble)
	}
	// Output:
	// 2 TP-7 NOUVEAU 2 [IMB-1 IMB-2]
	// 4 TP-8 ANNULE 1 []
}

// The service description a generic SOAP toolkit loads.
func ExampleWSDL() {
	w := infotravaux.WSDL("https://oi.example/ftth/services/infoTravauxService")
	fmt.Println(strings.Contains(w, `<soap:address location="https://oi.example/ftth/services/infoTravauxService"/>`))
	fmt.Println(strings.Contains(w, `element="tns:InfoTravauxFTTHHeader"`))
	// Output:
	// true
	// true
}

// A Source over the OI's own database is a function.
func ExampleSourceFunc() {
	db := []infotravaux.Travaux{notice()}
	src := infotravaux.SourceFunc(func(ctx context.Context, h infotravaux.Header, f infotravaux.Filter) ([]infotravaux.Travaux, error) {
		var out []infotravaux.Travaux
		for i := range db {
			if db[i].ServiceProviderID == h.ServiceProviderID && f.Match(&db[i]) {
				out = append(out, db[i])
			}
		}
		return out, nil
	})
	ts, _ := src.Search(context.Background(), infotravaux.Header{ServiceProviderID: "123456789"},
		infotravaux.Filter{ReferencePriseImpactee: "FI-1111-2222"})
	fmt.Println(len(ts))
	// Output: 1
}

// The OI publishes new versions of a notice; the state sequence is enforced.
func ExampleMemSource_Put() {
	src := &infotravaux.MemSource{}
	t := notice()
	fmt.Println(src.Put(t))
	t.Etat = infotravaux.EtatReplanification
	t.DateModification = t.DateModification.Add(24 * time.Hour)
	t.DateDebutTravaux = t.DateDebutTravaux.AddDate(0, 0, 7)
	t.DateFinTravaux = t.DateFinTravaux.AddDate(0, 0, 7)
	fmt.Println(src.Put(t))
	t.Etat = infotravaux.EtatNouveau
	fmt.Println(src.Put(t))
	cur, _ := src.Get("TP-2026-0001", "123456789")
	fmt.Println(cur.Etat, cur.Created().Format(time.DateTime))
	// Output:
	// <nil>
	// <nil>
	// infotravaux: infoFtthError 13: INFO etat INCORRECTE - HORS VALEURS ATTENDUES - NOUVEAU cannot follow REPLANIFICATION for works "TP-2026-0001"
	// REPLANIFICATION 2026-11-02 09:30:00
}
