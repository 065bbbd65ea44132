package v2

import (
	"time"

	"github.com/opensav/savsdk/codes"
)

// SAVExtension holds the sav: elements of sav:SAVTroubleTicketValue, the
// extension of tt:TroubleTicketValue that carries the SAV data JSR-91 has no
// element for (V2.md, "Mapping"). They are written after every tt: element,
// in this order. Each is optional and nillable.
type SAVExtension struct {
	// Transaction is sav:transaction, the name of the ticket transaction a
	// set carries ("CASE SOLVED NOTIFICATION"); absent on create. Read with
	// [SAVExtension.Kind].
	Transaction    Field[string]
	TypeSAV        Field[codes.TypeSAV]
	CodeOC         Field[string]
	CodeOI         Field[string]
	CommercialID   Field[string] // sav:commercialId, ReferencePrestationPrise
	TechnicalID    Field[string] // sav:technicalId, ReferencePrise
	NatureDefaut   Field[codes.NatureDefaut]
	PrelocDefaut   Field[codes.PrelocDefaut]
	Client         Field[Customer]
	Rdv            Field[Rdv]
	EtatResolution Field[codes.EtatResolution]
	Message        Field[InfoMessage]
	Intervention   Field[Intervention]
	Cloture        Field[Cloture]
}

// Customer is sav:client, the end customer to contact. Empty strings are
// absent elements.
type Customer struct {
	Nom      string
	Prenom   string
	Contact1 string
	Contact2 string
}

// Rdv is sav:rdv: a booking id or up to three proposed slots.
type Rdv struct {
	IDRdv    string    // sav:idRdv, empty when absent
	Creneaux []Creneau // sav:creneau ×0..3
}

// Creneau is sav:creneau, a slot at the customer's home.
type Creneau struct {
	Debut time.Time
	Fin   time.Time
}

// InfoMessage is sav:message, a typed information message. A zero Date is an
// absent sav:date.
type InfoMessage struct {
	Type  codes.TypeMessage
	Texte string
	Date  time.Time
}

// Intervention is sav:intervention, an intervention the OI announces.
type Intervention struct {
	Date time.Time
	Type string
}

// Cloture is sav:cloture, the closure the OI gives with CASE SOLVED
// NOTIFICATION; Description is its description of the defect found.
type Cloture struct {
	Code           codes.ClosureCode
	Responsabilite codes.Responsabilite
	Localisation   codes.PrelocDefaut
	Description    string
}
