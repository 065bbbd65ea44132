package v1a_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// An OC's INFO file proposing two slots, the first on the night of the
// spring change of time.
const exampleRdvInfo = "ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;Emetteur;DateMessage;TypeMessage;EtatResolution;" +
	"DateIntervention;IdRdv;PropalRdv;ContactClient1;ContactClient2;Commentaire\r\n" +
	"OI-42;OC-SAV-1;OC;20270320093000;PROPOSITION RDV;;;;202703280100-0400|202703291400-1600;;;\r\n"

// The OI reads an appointment message from an INFO file, applies it to its
// negotiation and answers with a CONFIRMATION RDV written as an INFO line.
func ExampleRdvMessageOf() {
	_, recs, _, err := v1a.ReadAll(strings.NewReader(exampleRdvInfo))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := v1a.RdvMessageOf(recs[0].(*v1a.Info))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Type, "from the", m.Sender)
	for _, s := range m.Slots {
		fmt.Println(" ", rdv.FormatSlot(s), s.Fin.Sub(s.Debut))
	}

	t := &ticket.Ticket{Filing: ticket.Filing{ReferenceSigSAVRaccoOC: "OC-SAV-1"}, ReferenceSigSAVOI: "OI-42",
		State: ticket.StateOpenActive, EtatResolution: codes.EtatResolutionADefinir}
	var n rdv.Negotiation
	if err := rdv.Advance(t, &n, m); err != nil {
		fmt.Println(err)
		return
	}
	confirm := rdv.Message{Type: codes.TypeMessageConfirmationRdv, Sender: codes.RoleOI,
		At: m.At.AddDate(0, 0, 1), Slots: m.Slots[:1]}
	in, err := v1a.InfoFromRdv(t, confirm)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := v1a.NewWriter(os.Stdout, v1a.FlowInfo)
	w.Charset, w.UseLF = v1a.UTF8, true // for this example's output
	if err := w.Write(in); err != nil {
		fmt.Println(err)
	}
	w.Flush()

	// A CONFIRMATION RDV carries exactly one slot: code 3 on PropalRdv.
	confirm.Slots = m.Slots
	_, err = v1a.InfoFromRdv(t, confirm)
	fmt.Println()
	fmt.Println(err)
	fmt.Println(errors.Is(err, v1a.ErrRdv), errors.Is(err, rdv.RuleCount))
	// Output:
	// PROPOSITION RDV from the OC
	//   2027-03-28 01:00–04:00 +02:00 2h0m0s
	//   2027-03-29 14:00–16:00 +02:00 2h0m0s
	// ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;Emetteur;DateMessage;TypeMessage;EtatResolution;DateIntervention;IdRdv;PropalRdv;ContactClient1;ContactClient2;Commentaire
	// OI-42;OC-SAV-1;OI;20270321093000;CONFIRMATION RDV;ACTION PLANIFIEE;;;202703280100-0400;;;
	//
	// v1a: INFO PropalRdv: 3 INFO PropalRdv INCORRECTE - FORMAT INVALIDE: wrong number of slots: 2 slots, a CONFIRMATION RDV carries exactly one
	// true true
}
