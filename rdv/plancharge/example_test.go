package plancharge_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/rdv/plancharge"
	"github.com/opensav/savsdk/ticket"
)

// An OI serves its planning; an OC searches a day and books the first slot.
func Example() {
	now := func() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, ticket.Paris) }
	planning, err := plancharge.NewMemPlanning(plancharge.MemConfig{Technicians: []string{"T1", "T2"}, Now: now})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(&plancharge.Server{Planning: planning})
	defer srv.Close()

	ctx := context.Background()
	oc := &plancharge.Client{URL: srv.URL, HTTP: srv.Client(), SirenOC: "123456789", SirenOI: "987654321"}
	slots, err := oc.Search(ctx, plancharge.SearchRequest{TypeIntervention: plancharge.TypeInterventionS,
		NatureProduit: plancharge.NatureProduitFTTHAcces, SegmentMarche: plancharge.SegmentMarcheGP,
		CodeInsee: "75056", DateDebut: time.Date(2026, 12, 1, 0, 0, 0, 0, ticket.Paris),
		DateFin: time.Date(2026, 12, 2, 0, 0, 0, 0, ticket.Paris), DefectPrelocalization: codes.PrelocDefautPTO})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(slots), rdv.FormatSlot(slots[0].Slot), slots[0].IdOI)

	book := plancharge.BookRequest{NatureProduit: plancharge.NatureProduitFTTHAcces,
		SegmentMarche: plancharge.SegmentMarcheGP, CodeInsee: "75056", IdCreneau: slots[0].IdOI}
	id, err := oc.Book(ctx, book)
	fmt.Println(id, err)

	_, err = oc.Book(ctx, book)
	fmt.Println(errors.Is(err, plancharge.ErrRdvNonDisponible))

	rv, err := oc.Consult(ctx, plancharge.ConsultRequest{IdRendezVous: id})
	fmt.Println(rv.StatutRendezVous, err)
	// Output:
	// 10 2026-12-01 08:00–10:00 +01:00 T1-20261201T0700Z-0900Z
	// RDV00000001 <nil>
	// true
	// CREE <nil>
}

// A Planning refuses with a *Fault carrying the return code.
func ExampleFault() {
	err := plancharge.Faultf(codes.ReturnCodeRdvNonDisponible, "idCreneau", "slot %s is taken", "T1-X")
	fmt.Println(err)
	fmt.Println(errors.Is(err, plancharge.ErrRdvNonDisponible), errors.Is(err, plancharge.ErrRdvInconnu))
	// Output:
	// plancharge: rdvErreur 101: RDV NON DISPONIBLE - slot T1-X is taken
	// true false
}
