package v2_test

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/ticket"
	v2 "github.com/opensav/savsdk/v2"
)

// The OC proposes two slots in a setTroubleTicketByValueRequest; the OI
// reads the appointment message back and applies it to its negotiation.
func ExampleNewRdvSetRequest() {
	at := time.Date(2027, time.March, 20, 9, 30, 0, 0, ticket.Paris)
	oc := &ticket.Ticket{Filing: ticket.Filing{CodeOC: "OCAA", CodeOI: "OIBB"}, ReferenceSigSAVOI: "OI-42",
		State: ticket.StateOpenActive, EtatResolution: codes.EtatResolutionADefinir, Version: 2}
	m := rdv.Message{Type: codes.TypeMessagePropositionRdv, Sender: codes.RoleOC, At: at, Slots: []rdv.Slot{
		{Debut: time.Date(2027, time.March, 28, 1, 0, 0, 0, ticket.Paris), Fin: time.Date(2027, time.March, 28, 4, 0, 0, 0, ticket.Paris)},
		{Debut: time.Date(2027, time.March, 29, 14, 0, 0, 0, ticket.Paris), Fin: time.Date(2027, time.March, 29, 16, 0, 0, 0, ticket.Paris)},
	}}
	req, err := v2.NewRdvSetRequest(oc, m, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, err := v2.MarshalBody(req, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	start := bytes.Index(body, []byte("<sav:transaction>"))
	end := bytes.Index(body, []byte("</sav:rdv>")) + len("</sav:rdv>")
	fmt.Printf("%s\n", body[start:end])

	// The OI's side.
	msg, err := v2.DecodeBody(bytes.NewReader(body), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := msg.(*v2.SetTroubleTicketByValueRequest).RdvMessage(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	oi := oc.Clone()
	n := rdv.Negotiation{State: rdv.StateRequested}
	if err := rdv.Advance(oi, &n, got); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.Type, "from the", got.Sender, "→", n.State, "version", oi.Version)
	for _, s := range got.Slots {
		fmt.Println(" ", s.Debut, "lasting", s.Fin.Sub(s.Debut))
	}

	// A CONFIRMATION RDV comes from the OI only: code 13 on sav:message/sav:type.
	m.Type, m.Slots = codes.TypeMessageConfirmationRdv, m.Slots[:1]
	_, err = v2.NewRdvSetRequest(oc, m, nil)
	fmt.Println(err, errors.Is(err, v2.ErrRdv))
	// Output:
	// <sav:transaction>CO CASE INFORMATION NOTIFICATION</sav:transaction><sav:codeOC>OCAA</sav:codeOC><sav:codeOI>OIBB</sav:codeOI><sav:rdv><sav:creneau><sav:debut>2027-03-28T01:00:00+01:00</sav:debut><sav:fin>2027-03-28T04:00:00+02:00</sav:fin></sav:creneau><sav:creneau><sav:debut>2027-03-29T14:00:00+02:00</sav:debut><sav:fin>2027-03-29T16:00:00+02:00</sav:fin></sav:creneau></sav:rdv>
	// PROPOSITION RDV from the OC → PROPOSED_BY_OC version 3
	//   2027-03-28 01:00:00 +0100 CET lasting 2h0m0s
	//   2027-03-29 14:00:00 +0200 CEST lasting 2h0m0s
	// v2: type: 13 INFO type INCORRECTE - HORS VALEURS ATTENDUES: CONFIRMATION RDV is not sent by the OC true
}
