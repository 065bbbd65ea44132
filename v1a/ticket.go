package v1a

import (
	"slices"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// FilingOf returns the protocol-neutral deposit a DEPOT line carries, with the
// operator codes of the file (from its name or mail; empty when unknown).
func FilingOf(d *Depot, codeOC, codeOI string) *ticket.Filing {
	f := &ticket.Filing{
		CodeOC: codeOC, CodeOI: codeOI,
		TypeSAV:                  codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC:   d.ReferenceSigSAVRaccoOC,
		ReferencePrestationPrise: d.ReferencePrestationPrise,
		ReferencePrise:           d.ReferencePrise,
		DateIncident:             d.DateIncidClientFinal,
		NatureDefaut:             lookup(defaultNature, string(d.NatureDefaut)),
		PrelocDefaut:             lookup(defaultPreloc, string(d.PrelocDefaut)),
		Commentaire:              d.Commentaire,
	}
	if d.NomClient != "" || d.PrenomClient != "" || d.ContactClient1 != "" || d.ContactClient2 != "" {
		f.Client = &ticket.Customer{Nom: d.NomClient, Prenom: d.PrenomClient, Contact1: d.ContactClient1,
			Contact2: d.ContactClient2}
	}
	if d.IdRdv != "" || len(d.PropalRdv) > 0 {
		f.Rdv = &ticket.Appointment{IdRdv: d.IdRdv, Creneaux: slices.Clone(d.PropalRdv)}
	}
	return f
}

// filingView is the deposit of d for checks: like FilingOf, without
// copying; appt holds the appointment when d has one.
func filingView(d *Depot, appt *ticket.Appointment) ticket.Filing {
	f := ticket.Filing{
		TypeSAV:                  codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC:   d.ReferenceSigSAVRaccoOC,
		ReferencePrestationPrise: d.ReferencePrestationPrise,
		ReferencePrise:           d.ReferencePrise,
		DateIncident:             d.DateIncidClientFinal,
		NatureDefaut:             lookup(defaultNature, string(d.NatureDefaut)),
		PrelocDefaut:             lookup(defaultPreloc, string(d.PrelocDefaut)),
	}
	if d.IdRdv != "" || len(d.PropalRdv) > 0 {
		appt.IdRdv, appt.Creneaux = d.IdRdv, d.PropalRdv
		f.Rdv = appt
	}
	return f
}

// Loss names a value of a ticket that protocol 1.0a cannot carry, dropped
// by a conversion.
type Loss struct {
	Field  string // the ticket's JSON field name, e.g. "cloture.description"
	Reason string
}

func (l Loss) String() string { return l.Field + ": " + l.Reason }

// DepotFromFiling returns the DEPOT line of a deposit and what 1.0a cannot
// carry of it. An EXPERTISE cannot be carried at all (V1A.md: 1.0a has no
// contradictory expertise): it is an error wrapping [ErrNotCarried].
func DepotFromFiling(f *ticket.Filing) (*Depot, []Loss, error) {
	if f.TypeSAV == codes.TypeSAVExpertise {
		return nil, nil, notCarried("typeSAV", "protocol 1.0a cannot carry an EXPERTISE")
	}
	d := &Depot{
		ReferencePrestationPrise: f.ReferencePrestationPrise,
		ReferencePrise:           f.ReferencePrise,
		ReferenceSigSAVRaccoOC:   f.ReferenceSigSAVRaccoOC,
		DateIncidClientFinal:     f.DateIncident,
		NatureDefaut:             f.NatureDefaut,
		PrelocDefaut:             f.PrelocDefaut,
		Commentaire:              f.Commentaire,
	}
	if c := f.Client; c != nil {
		d.NomClient, d.PrenomClient, d.ContactClient1, d.ContactClient2 = c.Nom, c.Prenom, c.Contact1, c.Contact2
	}
	if r := f.Rdv; r != nil {
		d.IdRdv, d.PropalRdv = r.IdRdv, slices.Clone(r.Creneaux)
	}
	return d, nil, nil
}

func notCarried(field, reason string) error {
	return &CarryError{Field: field, Reason: reason}
}

// CarryError reports a ticket or transaction protocol 1.0a has no flow or
// column for.
type CarryError struct {
	Field  string
	Reason string
}

func (e *CarryError) Error() string { return "v1a: " + e.Field + ": " + e.Reason }

// Unwrap returns [ErrNotCarried].
func (e *CarryError) Unwrap() error { return ErrNotCarried }

// TransactionOf returns the ticket transaction a ticket-bearing record
// carries: DEPOT → CREATE (OC), AR OK → AR OK (OI; apply it with
// [ticket.Ticket.ApplyV1AAcknowledge]), AR KO → AR KO (OI), CLOTURE → CASE
// SOLVED NOTIFICATION (OI), INFO → SU CASE INFORMATION NOTIFICATION from the
// OI or CO CASE INFORMATION NOTIFICATION from the OC. codeOC and codeOI are
// the file's operator codes (for a DEPOT's filing). TRAVAUX, DOMMAGE and
// ARDOMMAGE lines are about no ticket: an error wrapping [ErrNotCarried].
func TransactionOf(rec Record, codeOC, codeOI string) (ticket.Transaction, error) {
	switch x := rec.(type) {
	case *Depot:
		return ticket.Transaction{Kind: ticket.KindCreate, Sender: codes.RoleOC, Filing: FilingOf(x, codeOC, codeOI)}, nil
	case *AR:
		if strings.EqualFold(string(x.StatutAR), string(StatutKO)) {
			return ticket.Transaction{Kind: ticket.KindReject, Sender: codes.RoleOI, At: x.DatePriseEnCompte,
				Rejet: &ticket.Rejection{CodeRetour: x.CodeRetour, MotifRefus: x.MotifRefus}}, nil
		}
		return ticket.Transaction{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: x.DatePriseEnCompte,
			ReferenceSigSAVOI: x.ReferenceSigSAVOI}, nil
	case *Cloture:
		return ticket.Transaction{Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: x.DateCloture,
			Cloture: &ticket.Closure{Code: codes.ClosureCode(upper(string(x.CodeCloture))),
				Responsabilite: codes.Responsabilite(upper(string(x.Responsabilite))),
				Localisation:   lookup(defaultPreloc, string(x.LocalisationDefaut)),
				Commentaire:    x.Commentaire, Date: x.DateCloture}}, nil
	case *Info:
		tx := ticket.Transaction{Kind: ticket.KindSUInformation, Sender: codes.Role(upper(string(x.Emetteur))),
			At: x.DateMessage, EtatResolution: lookup(defaultEtatResolution, string(x.EtatResolution)),
			Message: &ticket.Message{Type: lookup(defaultTypeMessage, string(x.TypeMessage)), Texte: x.Commentaire,
				Date: x.DateMessage}}
		if tx.Sender == codes.RoleOC {
			tx.Kind = ticket.KindCOInformation
		}
		if !x.DateIntervention.IsZero() {
			tx.Intervention = &ticket.Intervention{Date: x.DateIntervention}
		}
		if x.IdRdv != "" || len(x.PropalRdv) > 0 {
			tx.Rdv = &ticket.Appointment{IdRdv: x.IdRdv, Creneaux: slices.Clone(x.PropalRdv)}
		}
		if x.ContactClient1 != "" || x.ContactClient2 != "" {
			tx.Client = &ticket.Customer{Contact1: x.ContactClient1, Contact2: x.ContactClient2}
		}
		return tx, nil
	}
	if rec == nil {
		return ticket.Transaction{}, notCarried("record", "no record")
	}
	return ticket.Transaction{}, notCarried(string(rec.Flow()), "a "+string(rec.Flow())+" line is about no ticket")
}

// TicketOf returns the ticket a record describes, as far as the record tells
// it: a DEPOT gives a Submitted ticket (its CREATE applied); the other
// ticket-bearing records give the ticket's references and what the record
// says (the AR's OI id and date, the closure, the message), the state the
// transaction leads to, and the transaction as the one history entry.
func TicketOf(rec Record, codeOC, codeOI string) (*ticket.Ticket, error) {
	tx, err := TransactionOf(rec, codeOC, codeOI)
	if err != nil {
		return nil, err
	}
	t := &ticket.Ticket{}
	if tx.Kind == ticket.KindCreate {
		if err := t.Apply(tx); err != nil {
			return nil, err
		}
		return t, nil
	}
	t.CodeOC, t.CodeOI = codeOC, codeOI
	switch x := rec.(type) {
	case *AR:
		t.ReferenceSigSAVRaccoOC, t.ReferencePrestationPrise, t.ReferencePrise =
			x.ReferenceSigSAVRaccoOC, x.ReferencePrestationPrise, x.ReferencePrise
		if tx.Kind == ticket.KindReject {
			t.State, t.Rejet = ticket.StateRejected, tx.Rejet
		} else {
			t.State, t.ReferenceSigSAVOI, t.DatePriseEnCompte = ticket.StateOpenActive, x.ReferenceSigSAVOI, tx.At
			t.EtatResolution = codes.EtatResolutionADefinir
		}
	case *Cloture:
		t.ReferenceSigSAVOI, t.ReferenceSigSAVRaccoOC = x.ReferenceSigSAVOI, x.ReferenceSigSAVRaccoOC
		t.ReferencePrestationPrise, t.ReferencePrise = x.ReferencePrestationPrise, x.ReferencePrise
		t.State, t.Cloture, t.EtatResolution = ticket.StateClosed, tx.Cloture, codes.EtatResolutionTerminee
	case *Info:
		t.ReferenceSigSAVOI, t.ReferenceSigSAVRaccoOC = x.ReferenceSigSAVOI, x.ReferenceSigSAVRaccoOC
		t.State = ticket.StateOpenActive
		t.EtatResolution = x.EtatResolution
		t.Intervention = tx.Intervention
		if tx.Rdv != nil {
			t.Rdv = tx.Rdv
		}
		if tx.Client != nil {
			t.Client = tx.Client
		}
	}
	t.UpdatedAt = tx.At
	t.History = []ticket.Record{{Transaction: tx, State: t.State}}
	return t, nil
}

// FromTicket returns the 1.0a record that carries a ticket's latest step:
// the last history entry that 1.0a carries (an implicit CASE SOLVING
// NOTIFICATION is skipped), or the deposit when the ticket has no history.
// It also returns what the record cannot carry. A step 1.0a has no flow for
// (a cancellation, an explicit prise en charge) is an error wrapping
// [ErrNotCarried].
func FromTicket(t *ticket.Ticket) (Record, []Loss, error) {
	for i := len(t.History) - 1; i >= 0; i-- {
		h := t.History[i]
		if h.Implicit && h.Kind == ticket.KindCaseSolving {
			continue
		}
		return FromTransaction(t, h.Transaction)
	}
	return DepotFromFiling(&t.Filing)
}

// FromTransaction returns the 1.0a record that carries tx for ticket t (the
// ticket gives the references the record repeats), and what it cannot
// carry.
func FromTransaction(t *ticket.Ticket, tx ticket.Transaction) (Record, []Loss, error) {
	var loss []Loss
	switch tx.Kind {
	case ticket.KindCreate:
		f := &t.Filing
		if tx.Filing != nil {
			f = tx.Filing
		}
		return DepotFromFiling(f)
	case ticket.KindAcknowledge:
		return &AR{ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC, ReferencePrestationPrise: t.ReferencePrestationPrise,
			ReferencePrise: t.ReferencePrise, StatutAR: StatutOK, ReferenceSigSAVOI: tx.ReferenceSigSAVOI,
			DatePriseEnCompte: tx.At, CodeRetour: codes.ReturnCodeOK}, nil, nil
	case ticket.KindReject:
		ar := &AR{ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC, ReferencePrestationPrise: t.ReferencePrestationPrise,
			ReferencePrise: t.ReferencePrise, StatutAR: StatutKO}
		if tx.Rejet != nil {
			ar.CodeRetour, ar.MotifRefus = tx.Rejet.CodeRetour, tx.Rejet.MotifRefus
		}
		return ar, nil, nil
	case ticket.KindCaseSolved:
		c := &Cloture{ReferenceSigSAVOI: t.ReferenceSigSAVOI, ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC,
			ReferencePrestationPrise: t.ReferencePrestationPrise, ReferencePrise: t.ReferencePrise, DateCloture: tx.At}
		if cl := tx.Cloture; cl != nil {
			c.CodeCloture, c.Responsabilite, c.LocalisationDefaut, c.Commentaire = cl.Code, cl.Responsabilite,
				cl.Localisation, cl.Commentaire
			if !cl.Date.IsZero() {
				c.DateCloture = cl.Date
			}
			if cl.Description != "" {
				loss = append(loss, Loss{"cloture.description", "CLOTURE has no description column; only Commentaire"})
			}
		}
		return c, loss, nil
	case ticket.KindSUInformation, ticket.KindCOInformation:
		in := &Info{ReferenceSigSAVOI: t.ReferenceSigSAVOI, ReferenceSigSAVRaccoOC: t.ReferenceSigSAVRaccoOC,
			Emetteur: tx.Sender, DateMessage: tx.At, EtatResolution: tx.EtatResolution}
		if m := tx.Message; m != nil {
			in.TypeMessage, in.Commentaire = m.Type, m.Texte
			if !m.Date.IsZero() {
				in.DateMessage = m.Date
			}
		} else {
			loss = append(loss, Loss{"message", "an INFO line needs a TypeMessage; the transaction has no message"})
		}
		if iv := tx.Intervention; iv != nil {
			in.DateIntervention = iv.Date
			if iv.Type != "" {
				loss = append(loss, Loss{"intervention.type", "INFO has no column for the kind of intervention"})
			}
		}
		if r := tx.Rdv; r != nil {
			in.IdRdv, in.PropalRdv = r.IdRdv, slices.Clone(r.Creneaux)
		}
		if c := tx.Client; c != nil {
			in.ContactClient1, in.ContactClient2 = c.Contact1, c.Contact2
			if c.Nom != "" || c.Prenom != "" {
				loss = append(loss, Loss{"client.nom", "INFO carries the customer's phone numbers only"})
			}
		}
		return in, loss, nil
	case ticket.KindCaseSolving:
		return nil, nil, notCarried(tx.Kind.String(), "in 1.0a the prise en charge is the AR OK itself")
	}
	return nil, nil, notCarried(tx.Kind.String(), "protocol 1.0a has no flow for it")
}
