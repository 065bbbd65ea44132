package ticket

import (
	"slices"
	"time"

	"github.com/opensav/savsdk/codes"
)

// Ticket is a signalisation as both protocols know it: what the OC filed, the
// OI's identity for it, its lifecycle state and everything the transactions
// applied to it have said. Both sides keep a copy and apply the same
// transactions, so both copies agree.
//
// Its JSON form (field names in the struct tags) is stable: savctl and other
// tools emit and read it. Empty fields are omitted.
type Ticket struct {
	Filing

	// ReferenceSigSAVOI is the OI's ticket id, given in the AR OK.
	ReferenceSigSAVOI string `json:"referenceSigSAVOI,omitempty"`
	// State is the lifecycle state.
	State State `json:"state"`
	// EtatResolution is the resolution sub-state while the OI works on the
	// ticket (OpenActive, CancelRequested, and ACTION TERMINEE once closed).
	EtatResolution codes.EtatResolution `json:"etatResolution,omitempty"`
	// DatePriseEnCompte is when the OI acknowledged the ticket (AR OK).
	DatePriseEnCompte time.Time `json:"datePriseEnCompte,omitzero"`
	// Intervention is the latest intervention the OI announced.
	Intervention *Intervention `json:"intervention,omitempty"`
	// Rejet is the AR KO's reason, for a Rejected ticket.
	Rejet *Rejection `json:"rejet,omitempty"`
	// Cloture is set once the ticket is Closed.
	Cloture *Closure `json:"cloture,omitempty"`
	// Version counts the transactions applied after the AR OK (0 right after
	// it); see DOMAIN.md "Versions".
	Version int `json:"version"`
	// UpdatedAt is the time of the last applied transaction.
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	// History lists the applied transactions, oldest first.
	History []Record `json:"history,omitempty"`
}

// Filing is what the OC deposits: the payload of a Create transaction, and
// the part of a [Ticket] that describes the fault.
type Filing struct {
	// CodeOC and CodeOI are the operator codes (quadrigrammes).
	CodeOC string `json:"codeOC,omitempty"`
	CodeOI string `json:"codeOI,omitempty"`
	// TypeSAV is SIGNALISATION (the default when empty) or EXPERTISE.
	TypeSAV codes.TypeSAV `json:"typeSAV,omitempty"`
	// ReferenceSigSAVRaccoOC is the OC's own reference of the ticket.
	ReferenceSigSAVRaccoOC string `json:"referenceSigSAVRaccoOC,omitempty"`
	// ReferencePrestationPrise (v2.1 CommercialId) and ReferencePrise (v2.1
	// TechnicalId) identify the access; at least one is required.
	ReferencePrestationPrise string `json:"referencePrestationPrise,omitempty"`
	ReferencePrise           string `json:"referencePrise,omitempty"`
	// RelatedTicket is the OI id of the closed ticket an EXPERTISE contests.
	RelatedTicket string `json:"relatedTicket,omitempty"`
	// DateIncident is the day the end customer's incident began
	// (DateIncidClientFinal).
	DateIncident Date `json:"dateIncident,omitzero"`
	// NatureDefaut and PrelocDefaut describe the fault.
	NatureDefaut codes.NatureDefaut `json:"natureDefaut,omitempty"`
	PrelocDefaut codes.PrelocDefaut `json:"prelocDefaut,omitempty"`
	// Client is the end customer to contact.
	Client *Customer `json:"client,omitempty"`
	// Rdv is the appointment request: a booking id or proposed slots.
	Rdv *Appointment `json:"rdv,omitempty"`
	// Commentaire is the OC's description of the fault.
	Commentaire string `json:"commentaire,omitempty"`
}

// NeedsHomeIntervention reports whether the fault needs a technician at the
// customer's home: a PTO or RACCO PALIER location, or a weakened signal.
func (f *Filing) NeedsHomeIntervention() bool {
	return f.PrelocDefaut.AtCustomer() || f.NatureDefaut == codes.NatureDefautAffaiblissement
}

// Customer is the end customer's identity and phone numbers.
type Customer struct {
	Nom      string `json:"nom,omitempty"`
	Prenom   string `json:"prenom,omitempty"`
	Contact1 string `json:"contact1,omitempty"`
	Contact2 string `json:"contact2,omitempty"`
}

// Appointment is an appointment reference: the id of a slot booked through
// the Plan de charge web service (automatic process) or up to three proposed
// slots (manual process). Only a CONFIRMATION RDV of a booked slot carries
// both: the booking id and the one slot confirmed.
type Appointment struct {
	IdRdv    string `json:"idRdv,omitempty"`
	Creneaux []Slot `json:"creneaux,omitempty"`
}

// Slot is a time range at the customer's home. Start and End carry their
// zone; the protocols write them in Europe/Paris.
type Slot struct {
	Debut time.Time `json:"debut"`
	Fin   time.Time `json:"fin"`
}

// Message is a typed information message.
type Message struct {
	Type  codes.TypeMessage `json:"type"`
	Texte string            `json:"texte,omitempty"`
	Date  time.Time         `json:"date,omitzero"`
}

// Intervention is an intervention the OI announces: when and what.
type Intervention struct {
	Date time.Time `json:"date,omitzero"`
	Type string    `json:"type,omitempty"`
}

// Rejection is the reason of an AR KO.
type Rejection struct {
	CodeRetour codes.ReturnCode `json:"codeRetour"`
	MotifRefus string           `json:"motifRefus,omitempty"`
}

// Closure is how a ticket ended. A CASE SOLVED NOTIFICATION fills Code,
// Responsabilite, Localisation (RETxx only), Description and Commentaire; a
// cancellation by the OC sets Annulation and leaves the code empty.
type Closure struct {
	Code           codes.ClosureCode    `json:"code,omitempty"`
	Responsabilite codes.Responsabilite `json:"responsabilite,omitempty"`
	Localisation   codes.PrelocDefaut   `json:"localisation,omitempty"`
	// Description is the OI's description of the defect found (v2
	// sav:cloture/description).
	Description string `json:"description,omitempty"`
	// Commentaire is what was found and done (v1a CLOTURE Commentaire, v2
	// tt:closeOutNarr).
	Commentaire string `json:"commentaire,omitempty"`
	// Date is when the ticket closed (DateCloture).
	Date time.Time `json:"date,omitzero"`
	// Annulation records that the OC cancelled the ticket.
	Annulation bool `json:"annulation,omitempty"`
}

// Transaction is one step of a ticket's life: its kind, who sent it, when,
// and the payload its kind carries (other fields stay empty).
type Transaction struct {
	Kind   Kind       `json:"kind"`
	Sender codes.Role `json:"sender"`
	At     time.Time  `json:"at,omitzero"`

	// Version is the ticket version the sender last saw; it is checked only
	// when ResyncRequired is set (DOMAIN.md "Versions").
	Version        int  `json:"version,omitempty"`
	ResyncRequired bool `json:"resyncRequired,omitempty"`

	// Filing is the deposit (Create).
	Filing *Filing `json:"filing,omitempty"`
	// ReferenceSigSAVOI is the OI's ticket id (AR OK).
	ReferenceSigSAVOI string `json:"referenceSigSAVOI,omitempty"`
	// Rejet is the refusal (AR KO).
	Rejet *Rejection `json:"rejet,omitempty"`
	// EtatResolution is the resolution sub-state the OI sets (CASE SOLVING
	// NOTIFICATION, SU CASE INFORMATION NOTIFICATION); empty leaves it.
	EtatResolution codes.EtatResolution `json:"etatResolution,omitempty"`
	// Message is a typed message (information notifications).
	Message *Message `json:"message,omitempty"`
	// Intervention is announced by the OI (SU CASE INFORMATION NOTIFICATION).
	Intervention *Intervention `json:"intervention,omitempty"`
	// Client updates the customer's contact (CO CASE INFORMATION
	// NOTIFICATION); empty fields are left as they were.
	Client *Customer `json:"client,omitempty"`
	// Rdv carries appointment slots or a booking id (information
	// notifications), or both in a CONFIRMATION RDV of a booked slot (the
	// booking id and the one slot confirmed); it replaces the ticket's
	// appointment.
	Rdv *Appointment `json:"rdv,omitempty"`
	// Cloture is the closure (CASE SOLVED NOTIFICATION).
	Cloture *Closure `json:"cloture,omitempty"`
	// Implicit marks a transaction no message carried, deduced by a protocol
	// rule (the CASE SOLVING NOTIFICATION a 1.0a AR OK implies).
	Implicit bool `json:"implicit,omitempty"`
}

// Record is an applied transaction with the ticket's state and version right
// after it.
type Record struct {
	Transaction
	State   State `json:"state"`
	Version int   `json:"resultingVersion"`
}

// Clone returns a deep copy of t.
func (t *Ticket) Clone() *Ticket {
	c := *t
	c.Filing = t.Filing.clone()
	c.Intervention = clonePtr(t.Intervention)
	c.Rejet = clonePtr(t.Rejet)
	c.Cloture = clonePtr(t.Cloture)
	if t.History != nil {
		c.History = make([]Record, len(t.History))
		for i, r := range t.History {
			c.History[i] = Record{Transaction: r.Transaction.clone(), State: r.State, Version: r.Version}
		}
	}
	return &c
}

func (f Filing) clone() Filing {
	f.Client = clonePtr(f.Client)
	f.Rdv = f.Rdv.clone()
	return f
}

func (a *Appointment) clone() *Appointment {
	if a == nil {
		return nil
	}
	return &Appointment{IdRdv: a.IdRdv, Creneaux: slices.Clone(a.Creneaux)}
}

func (tx Transaction) clone() Transaction {
	if tx.Filing != nil {
		f := tx.Filing.clone()
		tx.Filing = &f
	}
	tx.Rejet = clonePtr(tx.Rejet)
	tx.Message = clonePtr(tx.Message)
	tx.Intervention = clonePtr(tx.Intervention)
	tx.Client = clonePtr(tx.Client)
	tx.Rdv = tx.Rdv.clone()
	tx.Cloture = clonePtr(tx.Cloture)
	return tx
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
