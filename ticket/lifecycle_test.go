package ticket_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, ticket.Paris)

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

func filing() *ticket.Filing {
	return &ticket.Filing{
		CodeOC: "BYTL", CodeOI: "FTEL",
		ReferenceSigSAVRaccoOC:   "BTGP-MG-OI-000123-0001",
		ReferencePrise:           "FI-1234-ABCD",
		ReferencePrestationPrise: "VIA0A0000000BBBBBBBB",
		DateIncident:             ticket.Date{Year: 2026, Month: 3, Day: 1},
		NatureDefaut:             codes.NatureDefautCoupure,
		PrelocDefaut:             codes.PrelocDefautPTO,
		Client:                   &ticket.Customer{Nom: "Martin", Prenom: "Léa", Contact1: "0612345678"},
		Rdv: &ticket.Appointment{Creneaux: []ticket.Slot{
			{Debut: at(24 * 60), Fin: at(24*60 + 120)},
			{Debut: at(48 * 60), Fin: at(48*60 + 120)},
		}},
		Commentaire: "Pas de signal chez notre cliente. Signal au PM : -19.43 dBm",
	}
}

// validTx returns a transaction of kind k, sent by r, whose payload is
// acceptable in every state where the lifecycle allows k.
func validTx(k ticket.Kind, r codes.Role) ticket.Transaction {
	tx := ticket.Transaction{Kind: k, Sender: r, At: at(int(k))}
	switch k {
	case ticket.KindCreate:
		tx.Filing = filing()
	case ticket.KindAcknowledge:
		tx.ReferenceSigSAVOI = "OI-000042"
	case ticket.KindReject:
		tx.Rejet = &ticket.Rejection{CodeRetour: codes.ReturnCodeNotInList,
			MotifRefus: "INFO NatureDefaut ERRONEE - HORS VALEURS PREVUEES"}
	case ticket.KindSUInformation, ticket.KindCOInformation:
		tx.Message = &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "RAS", Date: tx.At}
	case ticket.KindCaseSolved:
		tx.Cloture = &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
			Localisation: codes.PrelocDefautPBO, Description: "Connecteur PBO arraché"}
	}
	return tx
}

// paths lists, for each state, the transactions that lead there from NONE.
var paths = map[ticket.State][]ticket.Kind{
	ticket.StateNone:            nil,
	ticket.StateSubmitted:       {ticket.KindCreate},
	ticket.StateRejected:        {ticket.KindCreate, ticket.KindReject},
	ticket.StateQueued:          {ticket.KindCreate, ticket.KindAcknowledge},
	ticket.StateOpenActive:      {ticket.KindCreate, ticket.KindAcknowledge, ticket.KindCaseSolving},
	ticket.StateCancelRequested: {ticket.KindCreate, ticket.KindAcknowledge, ticket.KindCaseSolving, ticket.KindCancelRequest},
	ticket.StateClosed:          {ticket.KindCreate, ticket.KindAcknowledge, ticket.KindCaseSolving, ticket.KindCaseSolved},
}

func ticketIn(t *testing.T, s ticket.State) *ticket.Ticket {
	t.Helper()
	tk := &ticket.Ticket{}
	for _, k := range paths[s] {
		require.NoError(t, tk.Apply(validTx(k, ticket.SenderOf(k))), "reaching %v with %v", s, k)
	}
	require.Equal(t, s, tk.State)
	return tk
}

// allowed is the lifecycle of DOMAIN.md written out independently of the
// package's table: (state, kind) → next state, for the kind's own sender.
var allowed = map[ticket.State]map[ticket.Kind]ticket.State{
	ticket.StateNone:      {ticket.KindCreate: ticket.StateSubmitted},
	ticket.StateSubmitted: {ticket.KindAcknowledge: ticket.StateQueued, ticket.KindReject: ticket.StateRejected},
	ticket.StateQueued: {
		ticket.KindCaseSolving: ticket.StateOpenActive, ticket.KindCOInformation: ticket.StateQueued,
		ticket.KindCancel: ticket.StateClosed, ticket.KindCaseSolved: ticket.StateClosed,
	},
	ticket.StateOpenActive: {
		ticket.KindSUInformation: ticket.StateOpenActive, ticket.KindCOInformation: ticket.StateOpenActive,
		ticket.KindCancelRequest: ticket.StateCancelRequested, ticket.KindCaseSolved: ticket.StateClosed,
	},
	ticket.StateCancelRequested: {
		ticket.KindSUInformation: ticket.StateCancelRequested, ticket.KindCaseSolved: ticket.StateClosed,
	},
}

var senders = map[ticket.Kind]codes.Role{
	ticket.KindCreate: codes.RoleOC, ticket.KindAcknowledge: codes.RoleOI, ticket.KindReject: codes.RoleOI,
	ticket.KindCaseSolving: codes.RoleOI, ticket.KindSUInformation: codes.RoleOI,
	ticket.KindCOInformation: codes.RoleOC, ticket.KindCancel: codes.RoleOC,
	ticket.KindCancelRequest: codes.RoleOC, ticket.KindCaseSolved: codes.RoleOI,
}

func TestEveryTriple(t *testing.T) {
	count := 0
	for _, s := range ticket.States {
		for _, k := range ticket.Kinds {
			for _, r := range []codes.Role{codes.RoleOI, codes.RoleOC, "", "XX"} {
				count++
				name := fmt.Sprintf("%v/%v/%q", s, k, r)
				tk := ticketIn(t, s)
				before := tk.Clone()
				err := tk.Apply(validTx(k, r))

				want, ok := allowed[s][k]
				wantCode := codes.ReturnCodeOK
				switch {
				case r != senders[k]:
					wantCode, ok = codes.ReturnCodeNotAllowed, false
				case !ok:
					wantCode = codes.ReturnCodeUnexpected
				}

				got, gotOK := ticket.Allowed(s, k, r)
				if gotOK != ok || (ok && got != want) {
					t.Errorf("%s: Allowed = %v, %v; want %v, %v", name, got, gotOK, want, ok)
				}
				if ok {
					if err != nil {
						t.Errorf("%s: refused: %v", name, err)
						continue
					}
					if tk.State != want {
						t.Errorf("%s: state %v, want %v", name, tk.State, want)
					}
					last := tk.History[len(tk.History)-1]
					if last.Kind != k || last.Sender != r || last.State != want || last.Version != tk.Version {
						t.Errorf("%s: last history record %+v", name, last)
					}
					continue
				}
				te, isTE := errors.AsType[*ticket.TransitionError](err)
				if !isTE {
					t.Errorf("%s: err = %v, want *TransitionError", name, err)
					continue
				}
				if te.Code != wantCode || te.State != s || te.Kind != k || te.Sender != r {
					t.Errorf("%s: error %+v, want code %d", name, te, wantCode)
				}
				wantSentinel := ticket.ErrWrongState
				if wantCode == codes.ReturnCodeNotAllowed {
					wantSentinel = ticket.ErrNotAllowed
				}
				if !errors.Is(err, wantSentinel) {
					t.Errorf("%s: %v is not %v", name, err, wantSentinel)
				}
				if code, ok := ticket.ReturnCode(err); !ok || code != wantCode {
					t.Errorf("%s: ReturnCode(err) = %d, %v", name, code, ok)
				}
				if diff := cmp.Diff(before, tk); diff != "" {
					t.Errorf("%s: refused transaction changed the ticket:\n%s", name, diff)
				}
			}
		}
	}
	if want := len(ticket.States) * len(ticket.Kinds) * 4; count != want {
		t.Fatalf("covered %d triples, want %d", count, want)
	}
}

func TestRulesMatchDocumentedTable(t *testing.T) {
	n := 0
	for _, m := range allowed {
		n += len(m)
	}
	if got := len(ticket.Rules()); got != n {
		t.Errorf("Rules() has %d rules, the documented table %d", got, n)
	}
	for _, r := range ticket.Rules() {
		if allowed[r.From][r.Kind] != r.To || senders[r.Kind] != r.Sender {
			t.Errorf("undocumented rule %+v", r)
		}
	}
	for k, r := range senders {
		if ticket.SenderOf(k) != r {
			t.Errorf("SenderOf(%v) = %v", k, ticket.SenderOf(k))
		}
	}
}

func TestErrorMessage(t *testing.T) {
	tk := ticketIn(t, ticket.StateQueued)
	err := tk.Apply(validTx(ticket.KindCaseSolved, codes.RoleOC))
	want := "ticket: CASE SOLVED NOTIFICATION from OC refused in state QUEUED: 11 ACTION NON AUTORISEE " +
		"(CASE SOLVED NOTIFICATION is sent by the OI)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	tk = ticketIn(t, ticket.StateClosed)
	err = tk.Apply(validTx(ticket.KindCOInformation, codes.RoleOC))
	want = "ticket: CO CASE INFORMATION NOTIFICATION from OC refused in state CLOSED: " +
		"13 INFO transaction INCORRECTE - HORS VALEURS ATTENDUES (not allowed in state CLOSED)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	err = (&ticket.Ticket{}).Apply(ticket.Transaction{Kind: ticket.KindCreate})
	if err == nil || !errors.Is(err, ticket.ErrNotAllowed) ||
		err.Error() != "ticket: CREATE from an unknown sender refused in state NONE: 11 ACTION NON AUTORISEE (CREATE is sent by the OC)" {
		t.Errorf("err = %v", err)
	}
}

// payloadCase is a transaction applied to a ticket in a state where the
// lifecycle allows it, with the payload error expected (code 0: accepted).
type payloadCase struct {
	name  string
	state ticket.State
	tx    func() ticket.Transaction
	field string
	code  codes.ReturnCode
}

func closing(c ticket.Closure) func() ticket.Transaction {
	return func() ticket.Transaction {
		tx := validTx(ticket.KindCaseSolved, codes.RoleOI)
		tx.Cloture = &c
		return tx
	}
}

func TestClosurePayload(t *testing.T) {
	oi, pbo := codes.ResponsabiliteOI, codes.PrelocDefautPBO
	cases := []payloadCase{
		{"RET with localisation", ticket.StateOpenActive, closing(ticket.Closure{Code: "RET01", Responsabilite: oi, Localisation: pbo}), "", 0},
		{"ABS without localisation", ticket.StateOpenActive, closing(ticket.Closure{Code: "ABS01", Responsabilite: codes.ResponsabiliteOC}), "", 0},
		{"STT from Queued", ticket.StateQueued, closing(ticket.Closure{Code: "STT01", Responsabilite: codes.ResponsabiliteOC}), "", 0},
		{"ERR from Queued", ticket.StateQueued, closing(ticket.Closure{Code: "ERR02", Responsabilite: codes.ResponsabiliteTiers}), "", 0},
		{"EXC from CancelRequested", ticket.StateCancelRequested, closing(ticket.Closure{Code: "EXC01", Responsabilite: codes.ResponsabiliteTiers}), "", 0},
		{"no closure", ticket.StateOpenActive, func() ticket.Transaction {
			tx := validTx(ticket.KindCaseSolved, codes.RoleOI)
			tx.Cloture = nil
			return tx
		}, "cloture", 1},
		{"no code", ticket.StateOpenActive, closing(ticket.Closure{Responsabilite: oi}), "CodeCloture", 1},
		{"bad code format", ticket.StateOpenActive, closing(ticket.Closure{Code: "RET1", Responsabilite: oi}), "CodeCloture", 3},
		{"lower-case code", ticket.StateOpenActive, closing(ticket.Closure{Code: "ret01", Responsabilite: oi, Localisation: pbo}), "CodeCloture", 3},
		{"unknown family", ticket.StateOpenActive, closing(ticket.Closure{Code: "XYZ01", Responsabilite: oi}), "CodeCloture", 2},
		{"no responsibility", ticket.StateOpenActive, closing(ticket.Closure{Code: "RET01", Localisation: pbo}), "Responsabilite", 1},
		{"bad responsibility", ticket.StateOpenActive, closing(ticket.Closure{Code: "ABS01", Responsabilite: "CLIENT"}), "Responsabilite", 2},
		{"RET without localisation", ticket.StateOpenActive, closing(ticket.Closure{Code: "RET02", Responsabilite: oi}), "LocalisationDefaut", 1},
		{"RET bad localisation", ticket.StateOpenActive, closing(ticket.Closure{Code: "RET02", Responsabilite: oi, Localisation: "CAVE"}), "LocalisationDefaut", 2},
		{"ABS with localisation", ticket.StateOpenActive, closing(ticket.Closure{Code: "ABS01", Responsabilite: oi, Localisation: pbo}), "LocalisationDefaut", 13},
		{"cancellation flag", ticket.StateOpenActive, closing(ticket.Closure{Code: "ABS01", Responsabilite: oi, Annulation: true}), "cloture", 13},
	}
	runPayloadCases(t, cases)
}

func runPayloadCases(t *testing.T, cases []payloadCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := ticketIn(t, c.state)
			before := tk.Clone()
			err := tk.Apply(c.tx())
			if c.code == 0 {
				require.NoError(t, err)
				return
			}
			te, ok := errors.AsType[*ticket.TransitionError](err)
			require.True(t, ok, "err = %v", err)
			if te.Code != c.code || te.Field != c.field {
				t.Errorf("got %d on %q (%v), want %d on %q", te.Code, te.Field, err, c.code, c.field)
			}
			if !errors.Is(err, ticket.ErrPayload) {
				t.Errorf("%v is not ErrPayload", err)
			}
			if diff := cmp.Diff(before, tk); diff != "" {
				t.Errorf("refused transaction changed the ticket:\n%s", diff)
			}
		})
	}
}

func TestOtherPayloads(t *testing.T) {
	withFiling := func(mod func(*ticket.Filing)) func() ticket.Transaction {
		return func() ticket.Transaction {
			tx := validTx(ticket.KindCreate, codes.RoleOC)
			mod(tx.Filing)
			return tx
		}
	}
	info := func(k ticket.Kind, mod func(*ticket.Transaction)) func() ticket.Transaction {
		return func() ticket.Transaction {
			tx := validTx(k, ticket.SenderOf(k))
			tx.Message = nil
			mod(&tx)
			return tx
		}
	}
	msg := func(typ codes.TypeMessage, text string) *ticket.Message {
		return &ticket.Message{Type: typ, Texte: text}
	}
	slot := func(h, d int) ticket.Slot { return ticket.Slot{Debut: at(h * 60), Fin: at(h*60 + d)} }
	su, co := ticket.KindSUInformation, ticket.KindCOInformation
	open, queued := ticket.StateOpenActive, ticket.StateQueued
	cases := []payloadCase{
		{"create ok", ticket.StateNone, withFiling(func(*ticket.Filing) {}), "", 0},
		{"create without filing", ticket.StateNone, func() ticket.Transaction {
			return ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC}
		}, "filing", 1},
		{"create no OC reference", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.ReferenceSigSAVRaccoOC = "" }), "ReferenceSigSAVRaccoOC", 1},
		{"create long OC reference", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.ReferenceSigSAVRaccoOC = string(make([]byte, 51)) }), "ReferenceSigSAVRaccoOC", 3},
		{"create no access id", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.ReferencePrise, f.ReferencePrestationPrise = "", "" }), "ReferencePrise", 1},
		{"create one access id", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.ReferencePrise = "" }), "", 0},
		{"create long access id", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.ReferencePrise = "0123456789012345678901234567890" }), "ReferencePrise", 3},
		{"create bad operator code", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.CodeOI = "ftel" }), "CodeOI", 3},
		{"create no date", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.DateIncident = ticket.Date{} }), "DateIncidClientFinal", 1},
		{"create no nature", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.NatureDefaut = "" }), "NatureDefaut", 1},
		{"create bad nature", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.NatureDefaut = "PANNE" }), "NatureDefaut", 2},
		{"create no preloc", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.PrelocDefaut = "" }), "PrelocDefaut", 1},
		{"create bad preloc", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.PrelocDefaut = "CAVE" }), "PrelocDefaut", 2},
		{"create bad TypeSAV", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.TypeSAV = "AUDIT" }), "TypeSAV", 2},
		{"expertise without ticket", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.TypeSAV = codes.TypeSAVExpertise }), "relatedTroubleTicketKeyList", 1},
		{"expertise", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.TypeSAV, f.RelatedTicket = codes.TypeSAVExpertise, "OI-1" }), "", 0},
		{"signalisation with related ticket", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.RelatedTicket = "OI-1" }), "relatedTroubleTicketKeyList", 13},
		{"create booking and slots", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.Rdv.IdRdv = "RDV1" }), "PropalRdv", 13},
		{"create booking and one slot", ticket.StateNone, withFiling(func(f *ticket.Filing) {
			f.Rdv = &ticket.Appointment{IdRdv: "RDV1", Creneaux: []ticket.Slot{slot(24, 120)}}
		}), "PropalRdv", 13},
		{"create booking only", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.Rdv = &ticket.Appointment{IdRdv: "RDV1"} }), "", 0},
		{"create empty appointment", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.Rdv = &ticket.Appointment{} }), "PropalRdv", 1},
		{"create four slots", ticket.StateNone, withFiling(func(f *ticket.Filing) {
			f.Rdv.Creneaux = []ticket.Slot{slot(24, 60), slot(48, 60), slot(72, 60), slot(96, 60)}
		}), "PropalRdv", 3},
		{"create slot ends before start", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.Rdv.Creneaux = []ticket.Slot{slot(24, -60)} }), "PropalRdv", 13},
		{"create overlapping slots", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.Rdv.Creneaux = []ticket.Slot{slot(24, 120), slot(25, 120)} }), "PropalRdv", 13},
		{"create repeated slots", ticket.StateNone, withFiling(func(f *ticket.Filing) { f.Rdv.Creneaux = []ticket.Slot{slot(24, 120), slot(24, 120)} }), "PropalRdv", 13},

		{"AR OK without id", ticket.StateSubmitted, func() ticket.Transaction {
			return ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI}
		}, "ReferenceSigSAVOI", 1},
		{"AR OK long id", ticket.StateSubmitted, func() ticket.Transaction {
			return ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, ReferenceSigSAVOI: string(make([]byte, 51))}
		}, "ReferenceSigSAVOI", 3},
		{"AR KO without code", ticket.StateSubmitted, func() ticket.Transaction {
			return ticket.Transaction{Kind: ticket.KindReject, Sender: codes.RoleOI, Rejet: &ticket.Rejection{MotifRefus: "x"}}
		}, "CodeRetour", 1},
		{"AR KO without reason", ticket.StateSubmitted, func() ticket.Transaction {
			return ticket.Transaction{Kind: ticket.KindReject, Sender: codes.RoleOI, Rejet: &ticket.Rejection{CodeRetour: 2, MotifRefus: " "}}
		}, "MotifRefus", 1},

		{"solving A DEFINIR default", queued, func() ticket.Transaction { return validTx(ticket.KindCaseSolving, codes.RoleOI) }, "", 0},
		{"solving PLANIFIEE", queued, func() ticket.Transaction {
			tx := validTx(ticket.KindCaseSolving, codes.RoleOI)
			tx.EtatResolution = codes.EtatResolutionPlanifiee
			return tx
		}, "", 0},
		{"solving NOUVELLE ACTION", queued, func() ticket.Transaction {
			tx := validTx(ticket.KindCaseSolving, codes.RoleOI)
			tx.EtatResolution = codes.EtatResolutionNouvelleAPrevoir
			return tx
		}, "EtatResolution", 13},
		{"solving TERMINEE", queued, func() ticket.Transaction {
			tx := validTx(ticket.KindCaseSolving, codes.RoleOI)
			tx.EtatResolution = codes.EtatResolutionTerminee
			return tx
		}, "EtatResolution", 13},
		{"solving unknown sub-state", queued, func() ticket.Transaction {
			tx := validTx(ticket.KindCaseSolving, codes.RoleOI)
			tx.EtatResolution = "EN ATTENTE"
			return tx
		}, "EtatResolution", 2},

		{"SU empty", open, info(su, func(*ticket.Transaction) {}), "message", 1},
		{"SU message without type", open, info(su, func(tx *ticket.Transaction) { tx.Message = msg("", "x") }), "TypeMessage", 1},
		{"SU unknown type", open, info(su, func(tx *ticket.Transaction) { tx.Message = msg("BONJOUR", "x") }), "TypeMessage", 2},
		{"SU COORDONNEES CLIENT", open, info(su, func(tx *ticket.Transaction) { tx.Message = msg(codes.TypeMessageCoordonneesClient, "") }), "TypeMessage", 13},
		{"SU AVANCEMENT without text", open, info(su, func(tx *ticket.Transaction) { tx.Message = msg(codes.TypeMessageAvancementResolution, "") }), "Commentaire", 1},
		{"SU AVANCEMENT", open, info(su, func(tx *ticket.Transaction) { tx.Message = msg(codes.TypeMessageAvancementResolution, "Soudure") }), "", 0},
		{"SU intervention only", open, info(su, func(tx *ticket.Transaction) {
			tx.Intervention = &ticket.Intervention{Date: at(3000), Type: "SAV PTO"}
		}), "", 0},
		{"SU unknown sub-state", open, info(su, func(tx *ticket.Transaction) { tx.EtatResolution = "EN ATTENTE" }), "EtatResolution", 2},
		{"SU TERMINEE", open, info(su, func(tx *ticket.Transaction) { tx.EtatResolution = codes.EtatResolutionTerminee }), "EtatResolution", 13},
		{"SU sub-state frozen in CancelRequested", ticket.StateCancelRequested, info(su, func(tx *ticket.Transaction) {
			tx.EtatResolution = codes.EtatResolutionPrevue
		}), "EtatResolution", 13},
		{"SU confirmation frozen in CancelRequested", ticket.StateCancelRequested, info(su, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessageConfirmationRdv, "")
		}), "EtatResolution", 13},
		{"SU same sub-state in CancelRequested", ticket.StateCancelRequested, info(su, func(tx *ticket.Transaction) {
			tx.EtatResolution = codes.EtatResolutionADefinir
			tx.Message = msg(codes.TypeMessageCommentaire, "Annulation prise en compte")
		}), "", 0},
		{"SU bad slot", open, info(su, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessagePropositionRdv, "")
			tx.Rdv = &ticket.Appointment{Creneaux: []ticket.Slot{slot(24, 0)}}
		}), "PropalRdv", 13},
		{"SU confirmation of a booking with its slot", open, info(su, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessageConfirmationRdv, "")
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV1", Creneaux: []ticket.Slot{slot(24, 120)}}
		}), "", 0},
		{"SU confirmation of a booking with two slots", open, info(su, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessageConfirmationRdv, "")
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV1", Creneaux: []ticket.Slot{slot(24, 120), slot(48, 120)}}
		}), "PropalRdv", 13},
		{"SU confirmation of a booking with a bad slot", open, info(su, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessageConfirmationRdv, "")
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV1", Creneaux: []ticket.Slot{slot(24, -60)}}
		}), "PropalRdv", 13},
		{"SU proposition with a booking and a slot", open, info(su, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessagePropositionRdv, "")
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV1", Creneaux: []ticket.Slot{slot(24, 120)}}
		}), "PropalRdv", 13},
		{"SU booking and a slot without a message", open, info(su, func(tx *ticket.Transaction) {
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV1", Creneaux: []ticket.Slot{slot(24, 120)}}
		}), "PropalRdv", 13},
		{"solving confirms the booking with its slot", queued, func() ticket.Transaction {
			tx := validTx(ticket.KindCaseSolving, codes.RoleOI)
			tx.Message = msg(codes.TypeMessageConfirmationRdv, "")
			tx.Rdv = &ticket.Appointment{IdRdv: "RDV1", Creneaux: []ticket.Slot{slot(24, 120)}}
			return tx
		}, "", 0},

		{"CO proposition", queued, info(co, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessagePropositionRdv, "")
			tx.Rdv = &ticket.Appointment{Creneaux: []ticket.Slot{slot(30, 120)}}
		}), "", 0},
		{"CO confirmation", open, info(co, func(tx *ticket.Transaction) { tx.Message = msg(codes.TypeMessageConfirmationRdv, "") }), "TypeMessage", 13},
		{"CO AVANCEMENT", open, info(co, func(tx *ticket.Transaction) { tx.Message = msg(codes.TypeMessageAvancementResolution, "x") }), "TypeMessage", 13},
		{"CO sets sub-state", open, info(co, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessageCommentaire, "x")
			tx.EtatResolution = codes.EtatResolutionPrevue
		}), "EtatResolution", 13},
		{"CO contact", open, info(co, func(tx *ticket.Transaction) {
			tx.Message = msg(codes.TypeMessageCoordonneesClient, "")
			tx.Client = &ticket.Customer{Contact2: "+33 1 42 00 00 00"}
		}), "", 0},
		{"CO bad phone", open, info(co, func(tx *ticket.Transaction) {
			tx.Client = &ticket.Customer{Contact1: "612345678"}
		}), "ContactClient1", 3},
		{"CO bad second phone", open, info(co, func(tx *ticket.Transaction) {
			tx.Client = &ticket.Customer{Contact2: "12"}
		}), "ContactClient2", 3},
	}
	runPayloadCases(t, cases)
}

func TestResolutionMoves(t *testing.T) {
	A, P, L, N, T := codes.EtatResolutionADefinir, codes.EtatResolutionPrevue, codes.EtatResolutionPlanifiee,
		codes.EtatResolutionNouvelleAPrevoir, codes.EtatResolutionTerminee
	want := map[codes.EtatResolution][]codes.EtatResolution{
		A: {A, P, L},
		P: {P, L},
		L: {L, P, N},
		N: {N, P, L},
		T: {},
	}
	// How to reach each sub-state from the prise en charge.
	reach := map[codes.EtatResolution][]codes.EtatResolution{A: {A}, P: {P}, L: {L}, N: {L, N}}
	for from, path := range reach {
		for _, to := range codes.EtatResolutions {
			ok := false
			for _, w := range want[from] {
				ok = ok || w == to
			}
			if got := ticket.ResolutionMoveAllowed(from, to); got != ok {
				t.Errorf("ResolutionMoveAllowed(%s, %s) = %v", from, to, got)
			}
			tk := ticketIn(t, ticket.StateQueued)
			solving := validTx(ticket.KindCaseSolving, codes.RoleOI)
			solving.EtatResolution = path[0]
			require.NoError(t, tk.Apply(solving))
			for _, e := range path[1:] {
				require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindSUInformation, Sender: codes.RoleOI, EtatResolution: e}))
			}
			require.Equal(t, from, tk.EtatResolution)
			err := tk.Apply(ticket.Transaction{Kind: ticket.KindSUInformation, Sender: codes.RoleOI, EtatResolution: to})
			if ok != (err == nil) {
				t.Errorf("%s → %s: err = %v, want allowed %v", from, to, err, ok)
			}
			if err == nil && tk.EtatResolution != to {
				t.Errorf("%s → %s: sub-state %s", from, to, tk.EtatResolution)
			}
			if err != nil {
				if code, _ := ticket.ReturnCode(err); code != codes.ReturnCodeUnexpected {
					t.Errorf("%s → %s: code %d, want 13", from, to, code)
				}
			}
		}
		// TERMINEE only through CASE SOLVED NOTIFICATION, from every sub-state.
		tk := ticketIn(t, ticket.StateQueued)
		solving := validTx(ticket.KindCaseSolving, codes.RoleOI)
		solving.EtatResolution = path[0]
		require.NoError(t, tk.Apply(solving))
		for _, e := range path[1:] {
			require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindSUInformation, Sender: codes.RoleOI, EtatResolution: e}))
		}
		require.NoError(t, tk.Apply(validTx(ticket.KindCaseSolved, codes.RoleOI)))
		if tk.EtatResolution != T {
			t.Errorf("closed from %s: sub-state %s", from, tk.EtatResolution)
		}
	}
}

func TestMessageKeepsSubState(t *testing.T) {
	tk := ticketIn(t, ticket.StateQueued)
	solving := validTx(ticket.KindCaseSolving, codes.RoleOI)
	solving.EtatResolution = codes.EtatResolutionPrevue
	require.NoError(t, tk.Apply(solving))
	require.NoError(t, tk.Apply(validTx(ticket.KindSUInformation, codes.RoleOI)))
	require.Equal(t, codes.EtatResolutionPrevue, tk.EtatResolution)
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindSUInformation, Sender: codes.RoleOI,
		Message: &ticket.Message{Type: codes.TypeMessageConfirmationRdv}}))
	require.Equal(t, codes.EtatResolutionPlanifiee, tk.EtatResolution, "CONFIRMATION RDV moves to ACTION PLANIFIEE")
	err := tk.Apply(ticket.Transaction{Kind: ticket.KindSUInformation, Sender: codes.RoleOI,
		Message: &ticket.Message{Type: codes.TypeMessageConfirmationRdv}, EtatResolution: codes.EtatResolutionADefinir})
	require.Error(t, err, "a confirmation with an explicit sub-state follows the explicit one: PLANIFIEE → A DEFINIR is refused")
}

func TestHistoryAndVersions(t *testing.T) {
	tk := &ticket.Ticket{}
	steps := []ticket.Transaction{
		validTx(ticket.KindCreate, codes.RoleOC),
		validTx(ticket.KindAcknowledge, codes.RoleOI),
		{Kind: ticket.KindCOInformation, Sender: codes.RoleOC, At: at(10),
			Message: &ticket.Message{Type: codes.TypeMessageCoordonneesClient},
			Client:  &ticket.Customer{Contact2: "0142000000"}},
		{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: at(20), EtatResolution: codes.EtatResolutionPrevue},
		{Kind: ticket.KindSUInformation, Sender: codes.RoleOI, At: at(30),
			Message:      &ticket.Message{Type: codes.TypeMessageConfirmationRdv, Date: at(30)},
			Rdv:          &ticket.Appointment{Creneaux: []ticket.Slot{{Debut: at(24 * 60), Fin: at(24*60 + 120)}}},
			Intervention: &ticket.Intervention{Date: at(24 * 60), Type: "SAV PTO"}},
		{Kind: ticket.KindCancelRequest, Sender: codes.RoleOC, At: at(40)},
		{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: at(50),
			Cloture: &ticket.Closure{Code: "ABS01", Responsabilite: codes.ResponsabiliteOC, Commentaire: "Client absent"}},
	}
	for _, s := range steps {
		require.NoError(t, tk.Apply(s), "%v", s.Kind)
	}
	type rec struct {
		Kind    ticket.Kind
		State   ticket.State
		Version int
	}
	var got []rec
	for _, r := range tk.History {
		got = append(got, rec{r.Kind, r.State, r.Version})
	}
	want := []rec{
		{ticket.KindCreate, ticket.StateSubmitted, 0},
		{ticket.KindAcknowledge, ticket.StateQueued, 0},
		{ticket.KindCOInformation, ticket.StateQueued, 1},
		{ticket.KindCaseSolving, ticket.StateOpenActive, 2},
		{ticket.KindSUInformation, ticket.StateOpenActive, 3},
		{ticket.KindCancelRequest, ticket.StateCancelRequested, 4},
		{ticket.KindCaseSolved, ticket.StateClosed, 5},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if tk.Version != 5 || !tk.UpdatedAt.Equal(at(50)) || !tk.DatePriseEnCompte.Equal(at(2)) {
		t.Errorf("version %d updated %v received %v", tk.Version, tk.UpdatedAt, tk.DatePriseEnCompte)
	}
	if tk.Client.Contact2 != "0142000000" || tk.Client.Nom != "Martin" {
		t.Errorf("client %+v", tk.Client)
	}
	if tk.EtatResolution != codes.EtatResolutionTerminee || tk.Cloture.Date != at(50) {
		t.Errorf("closure %+v sub-state %s", tk.Cloture, tk.EtatResolution)
	}
	if tk.Intervention == nil || len(tk.Rdv.Creneaux) != 1 {
		t.Errorf("intervention %+v rdv %+v", tk.Intervention, tk.Rdv)
	}
	// The history owns its data: changing the caller's payload does not change it.
	steps[2].Client.Contact2 = "changed"
	if tk.History[2].Client.Contact2 != "0142000000" {
		t.Error("history shares the caller's payload")
	}
}

func TestCancellation(t *testing.T) {
	tk := ticketIn(t, ticket.StateQueued)
	require.NoError(t, tk.Apply(ticket.Transaction{Kind: ticket.KindCancel, Sender: codes.RoleOC, At: at(99)}))
	if tk.State != ticket.StateClosed || tk.Cloture == nil || !tk.Cloture.Annulation || tk.Cloture.Code != "" ||
		!tk.Cloture.Date.Equal(at(99)) {
		t.Errorf("cancelled ticket %+v closure %+v", tk.State, tk.Cloture)
	}
	tk = ticketIn(t, ticket.StateOpenActive)
	err := tk.Apply(ticket.Transaction{Kind: ticket.KindCancel, Sender: codes.RoleOC})
	require.ErrorIs(t, err, ticket.ErrWrongState, "direct cancellation once taken in charge")
}

func TestVersionCheck(t *testing.T) {
	tk := ticketIn(t, ticket.StateOpenActive) // version 1
	require.Equal(t, 1, tk.Version)

	stale := validTx(ticket.KindCOInformation, codes.RoleOC)
	stale.Version, stale.ResyncRequired = 0, true
	err := tk.Apply(stale)
	require.ErrorIs(t, err, ticket.ErrResync)
	if code, _ := ticket.ReturnCode(err); code != codes.ReturnCodeDesync {
		t.Errorf("code %d, want 6", code)
	}

	current := stale
	current.Version = 1
	require.NoError(t, tk.Apply(current))
	require.Equal(t, 2, tk.Version)

	// Without resyncRequired a stale version is applied when the lifecycle allows it...
	stale.ResyncRequired = false
	require.NoError(t, tk.Apply(stale))
	require.Equal(t, 3, tk.Version)

	// ...and refused with 13 when it does not.
	require.NoError(t, tk.Apply(validTx(ticket.KindCaseSolved, codes.RoleOI)))
	err = tk.Apply(stale)
	if code, _ := ticket.ReturnCode(err); code != codes.ReturnCodeUnexpected {
		t.Errorf("stale set on a closed ticket: %v, want 13", err)
	}

	// The sender check comes before the version check.
	wrong := validTx(ticket.KindSUInformation, codes.RoleOC)
	wrong.ResyncRequired = true
	if code, _ := ticket.ReturnCode(tk.Apply(wrong)); code != codes.ReturnCodeNotAllowed {
		t.Errorf("wrong sender with stale version: code %d, want 11", code)
	}
}

func TestApplyV1AAcknowledge(t *testing.T) {
	tk := ticketIn(t, ticket.StateSubmitted)
	require.NoError(t, tk.ApplyV1AAcknowledge(validTx(ticket.KindAcknowledge, codes.RoleOI)))
	if tk.State != ticket.StateOpenActive || tk.EtatResolution != codes.EtatResolutionADefinir || tk.Version != 1 {
		t.Errorf("state %v sub-state %s version %d", tk.State, tk.EtatResolution, tk.Version)
	}
	n := len(tk.History)
	if n != 3 || tk.History[1].Kind != ticket.KindAcknowledge || tk.History[2].Kind != ticket.KindCaseSolving ||
		!tk.History[2].Implicit || tk.History[1].Implicit || !tk.History[2].At.Equal(tk.History[1].At) {
		t.Errorf("history %+v", tk.History)
	}

	// Refused as a whole: nothing applied.
	tk = ticketIn(t, ticket.StateQueued)
	before := tk.Clone()
	require.ErrorIs(t, tk.ApplyV1AAcknowledge(validTx(ticket.KindAcknowledge, codes.RoleOI)), ticket.ErrWrongState)
	require.Empty(t, cmp.Diff(before, tk))
	require.ErrorIs(t, tk.ApplyV1AAcknowledge(validTx(ticket.KindReject, codes.RoleOI)), ticket.ErrPayload)
	tk = ticketIn(t, ticket.StateSubmitted)
	require.ErrorIs(t, tk.ApplyV1AAcknowledge(ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI}), ticket.ErrPayload)
	require.Equal(t, ticket.StateSubmitted, tk.State)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-golden +got); run go test -update if the change is intended:\n%s", path, diff)
	}
}

func TestMermaidGolden(t *testing.T) {
	golden(t, "lifecycle.mmd", []byte(ticket.Mermaid()))
	golden(t, "resolution.mmd", []byte(ticket.ResolutionMermaid()))
}

func TestJSONGolden(t *testing.T) {
	tk := &ticket.Ticket{}
	require.NoError(t, tk.Apply(validTx(ticket.KindCreate, codes.RoleOC)))
	require.NoError(t, tk.Apply(validTx(ticket.KindAcknowledge, codes.RoleOI)))
	require.NoError(t, tk.Apply(validTx(ticket.KindCaseSolving, codes.RoleOI)))
	require.NoError(t, tk.Apply(validTx(ticket.KindCaseSolved, codes.RoleOI)))
	b, err := json.MarshalIndent(tk, "", "  ")
	require.NoError(t, err)
	golden(t, "ticket.golden.json", append(b, '\n'))

	var back ticket.Ticket
	require.NoError(t, json.Unmarshal(b, &back))
	if diff := cmp.Diff(tk, &back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

func TestTextForms(t *testing.T) {
	for _, s := range ticket.States {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back ticket.State
		require.NoError(t, back.UnmarshalText(b))
		if back != s || s.Label() == "" {
			t.Errorf("state %v", s)
		}
	}
	for _, k := range ticket.Kinds {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back ticket.Kind
		require.NoError(t, back.UnmarshalText(b))
		if back != k {
			t.Errorf("kind %v", k)
		}
	}
	if k, err := ticket.ParseKind("case_solved_notification"); err != nil || k != ticket.KindCaseSolved {
		t.Errorf("ParseKind = %v, %v", k, err)
	}
	var k ticket.Kind
	require.Error(t, k.UnmarshalText([]byte("CLOSE")))
	var s ticket.State
	require.Error(t, s.UnmarshalText([]byte("OPEN")))
	_, err := ticket.State(42).MarshalText()
	require.Error(t, err)
	_, err = ticket.Kind(0).MarshalText()
	require.Error(t, err)
	if ticket.State(42).String() != "State(42)" || ticket.Kind(42).String() != "Kind(42)" || ticket.State(42).Label() != "State(42)" {
		t.Error("out-of-range String")
	}
	troubles := map[ticket.State]string{
		ticket.StateQueued: "QUEUED", ticket.StateOpenActive: "OPENACTIVE", ticket.StateCancelRequested: "OPENACTIVE",
		ticket.StateClosed: "CLOSED", ticket.StateSubmitted: "", ticket.StateRejected: "",
	}
	for s, want := range troubles {
		if s.TroubleState() != want {
			t.Errorf("%v.TroubleState() = %q", s, s.TroubleState())
		}
	}
	for _, s := range ticket.States {
		if s.Terminal() != (s == ticket.StateClosed || s == ticket.StateRejected) {
			t.Errorf("%v.Terminal()", s)
		}
	}
}

func TestDate(t *testing.T) {
	d, err := ticket.ParseDate("2012-02-06")
	require.NoError(t, err)
	if d != (ticket.Date{Year: 2012, Month: 2, Day: 6}) || d.String() != "2012-02-06" {
		t.Errorf("date %v", d)
	}
	if got := d.In(ticket.Paris).Format(time.RFC3339); got != "2012-02-06T00:00:00+01:00" {
		t.Errorf("In(Paris) = %s", got)
	}
	if !d.After(ticket.Date{Year: 2012, Month: 1, Day: 31}) || !d.Before(ticket.Date{Year: 2012, Month: 2, Day: 7}) ||
		d.After(d) || !d.Before(ticket.Date{Year: 2013, Month: 1, Day: 1}) {
		t.Error("comparisons")
	}
	if ticket.DateOf(time.Date(2012, 2, 6, 23, 59, 0, 0, ticket.Paris)) != d {
		t.Error("DateOf")
	}
	_, err = ticket.ParseDate("06/02/2012")
	require.Error(t, err)
	var z ticket.Date
	require.NoError(t, z.UnmarshalText(nil))
	require.True(t, z.IsZero())
	require.Error(t, z.UnmarshalText([]byte("2012-13-01")))
	b, _ := z.MarshalText()
	require.Empty(t, b)
}

func TestFilingNeedsHomeIntervention(t *testing.T) {
	for _, c := range []struct {
		n    codes.NatureDefaut
		p    codes.PrelocDefaut
		want bool
	}{
		{codes.NatureDefautCoupure, codes.PrelocDefautPTO, true},
		{codes.NatureDefautCoupure, codes.PrelocDefautRaccoPalier, true},
		{codes.NatureDefautCoupure, codes.PrelocDefautPM, false},
		{codes.NatureDefautAffaiblissement, codes.PrelocDefautPM, true},
	} {
		f := ticket.Filing{NatureDefaut: c.n, PrelocDefaut: c.p}
		if f.NeedsHomeIntervention() != c.want {
			t.Errorf("%s/%s: %v", c.n, c.p, !c.want)
		}
	}
}

func ExampleTicket_Apply() {
	tk := &ticket.Ticket{}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, ticket.Paris)
	steps := []ticket.Transaction{
		{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: at, Filing: &ticket.Filing{
			ReferenceSigSAVRaccoOC: "BYTL-0001", ReferencePrise: "FI-1234-ABCD",
			DateIncident: ticket.Date{Year: 2026, Month: 3, Day: 1},
			NatureDefaut: codes.NatureDefautCoupure, PrelocDefaut: codes.PrelocDefautPBO,
		}},
		{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: at, ReferenceSigSAVOI: "OI-42"},
		{Kind: ticket.KindCaseSolved, Sender: codes.RoleOC, At: at}, // only the OI closes
		{Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: at},
		{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: at, Cloture: &ticket.Closure{
			Code: "RET01", Responsabilite: codes.ResponsabiliteOI, Localisation: codes.PrelocDefautPBO}},
	}
	for _, tx := range steps {
		if err := tk.Apply(tx); err != nil {
			code, _ := ticket.ReturnCode(err)
			fmt.Println("refused:", code, tx.Kind)
			continue
		}
		fmt.Println(tx.Kind, "→", tk.State, "version", tk.Version)
	}
	// Output:
	// CREATE → SUBMITTED version 0
	// AR OK → QUEUED version 0
	// refused: 11 ACTION NON AUTORISEE CASE SOLVED NOTIFICATION
	// CASE SOLVING NOTIFICATION → OPENACTIVE version 1
	// CASE SOLVED NOTIFICATION → CLOSED version 2
}

func ExampleAllowed() {
	for _, k := range []ticket.Kind{ticket.KindCancel, ticket.KindCancelRequest} {
		to, ok := ticket.Allowed(ticket.StateOpenActive, k, codes.RoleOC)
		fmt.Println(k, ok, to)
	}
	// Output:
	// CASE CANCELATION false NONE
	// CASE CANCELATION REQUEST true CANCELREQUESTED
}

func TestCopiesDoNotAlias(t *testing.T) {
	tk := ticketIn(t, ticket.StateOpenActive)
	tk.History = append(make([]ticket.Record, 0, 16), tk.History...) // spare capacity
	old := *tk
	require.NoError(t, tk.Apply(validTx(ticket.KindSUInformation, codes.RoleOI)))
	co := validTx(ticket.KindCOInformation, codes.RoleOC)
	co.Client = &ticket.Customer{Nom: "Durand"}
	require.NoError(t, old.Apply(co))
	if got := tk.History[len(tk.History)-1].Kind; got != ticket.KindSUInformation {
		t.Errorf("applying to a copy overwrote the original's history: last = %v", got)
	}
	if tk.Client.Nom != "Martin" || old.Client.Nom != "Durand" {
		t.Errorf("client shared between copies: %q / %q", tk.Client.Nom, old.Client.Nom)
	}
}
