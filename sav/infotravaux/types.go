package infotravaux

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// MaxCommentaire is the length limit, in characters, of the free-text
// elements commentairesIntervention and commentaireInterventionOC
// (typeCommentaire).
const MaxCommentaire = 512

// Header is the InfoTravauxFTTHHeader SOAP header of every request: who
// asks whom. Both are SIRENs (DOMAIN.md).
type Header struct {
	SupplierID        string // supplierID: the OI that publishes the works
	ServiceProviderID string // serviceProviderID: the OC that asks
}

// Travaux is one works notice (typeTravaux): planned works (TP) or a
// collective outage (DERCO) on the OI's network, with the
// installations it impacts. Field names follow the contract's elements;
// the comments give the element or attribute name when it differs.
//
// Absent optional values are the zero value: "", a zero time, a nil slice.
// Dates are instants; they are written in Paris time with their offset.
type Travaux struct {
	// Reference is the OI's reference of the notice (attribute reference),
	// the same for every version of the notice.
	Reference string
	// ServiceProviderID is the OC the notice is published for (attribute
	// serviceProviderID).
	ServiceProviderID string

	// Mandatory elements.
	Type                  Categorie          // type
	EquipementConcerne    EquipementConcerne // equipementConcerne
	ReferencePm           string             // referencePm
	ReferencePrestationPm string             // referencePrestationPm
	DateModification      time.Time          // dateModification: when this version was published
	InterventionRequiseOC Booleen            // interventionRequiseOC: the OC must act (e.g. move its customer)

	// Conditional elements.
	DateDebutTravaux         time.Time
	DateFinTravaux           time.Time
	TravauxCuratifs          Booleen
	NatureIntervention       NatureIntervention
	Etat                     Etat
	ReferencePBO             []string // referencePBO/PBO
	ReferencePmTechnique     []string // referencePmTechnique/PMT
	CommentairesIntervention string   // ≤ 512 characters
	CoordonneesContactOI     string

	// Optional elements.
	IdentifiantImmeuble               []string // identifiantImmeuble/immeuble
	ReferencePriseImpactees           []string // referencePriseImpactees/prise
	ReferencePrestationPriseImpactees []string // referencePrestationPriseImpactees/prestation
	ReferenceIncident                 string
	CommentaireInterventionOC         string // ≤ 512 characters

	// DateCreation is when the notice was first published. The contract has
	// no element for it (only the dateCreation search criterion): it is the
	// OI's own record, never written on the wire. When it is zero,
	// DateModification stands for it.
	DateCreation time.Time
	// Adresses are the impacted addresses, one TRAVAUX CSV line each. The web
	// service has no element for them: they travel only in the CSV flow
	// (see the package documentation, "TRAVAUX CSV").
	Adresses []Adresse
}

// Adresse is one impacted address, as a line of the TRAVAUX CSV flow
// carries it (V1A.md, TRAVAUX columns 8–13).
type Adresse struct {
	NumeroVoie          string // ≤ 10
	Voie                string // ≤ 100
	CodePostal          string // 5 digits
	Commune             string // ≤ 60
	CodeInsee           string // 5 characters
	IdentifiantImmeuble string // ≤ 30
}

// empty reports an address without any location (it may still name a
// building).
func (a Adresse) empty() bool {
	return a.NumeroVoie == "" && a.Voie == "" && a.CodePostal == "" && a.Commune == "" && a.CodeInsee == ""
}

// Created returns DateCreation, or DateModification when it is zero.
func (t *Travaux) Created() time.Time {
	if t.DateCreation.IsZero() {
		return t.DateModification
	}
	return t.DateCreation
}

// Check reports the first rule of the contract's schema the notice breaks,
// as a *codes.ValueError naming the element: a missing mandatory value
// (code 1), a value outside its enumeration (2), a comment over
// MaxCommentaire characters (3), dateFinTravaux before dateDebutTravaux (13).
// The server checks each notice its Source returns, so every answer it
// sends is valid against the published schema.
func (t *Travaux) Check() error {
	for _, m := range []struct{ field, value string }{
		{"reference", t.Reference}, {"serviceProviderID", t.ServiceProviderID},
		{"type", string(t.Type)}, {"equipementConcerne", string(t.EquipementConcerne)},
		{"referencePm", t.ReferencePm}, {"referencePrestationPm", t.ReferencePrestationPm},
		{"interventionRequiseOC", string(t.InterventionRequiseOC)},
	} {
		if m.value == "" {
			return &codes.ValueError{Field: m.field, Code: codes.ReturnCodeMissing}
		}
	}
	if t.DateModification.IsZero() {
		return &codes.ValueError{Field: "dateModification", Code: codes.ReturnCodeMissing}
	}
	for _, e := range []struct {
		field, value string
		ok, need     bool
	}{
		{"type", string(t.Type), t.Type.Valid(), true},
		{"equipementConcerne", string(t.EquipementConcerne), t.EquipementConcerne.Valid(), true},
		{"interventionRequiseOC", string(t.InterventionRequiseOC), t.InterventionRequiseOC.Valid(), true},
		{"travauxCuratifs", string(t.TravauxCuratifs), t.TravauxCuratifs.Valid(), t.TravauxCuratifs != ""},
		{"natureIntervention", string(t.NatureIntervention), t.NatureIntervention.Valid(), t.NatureIntervention != ""},
		{"etat", string(t.Etat), t.Etat.Valid(), t.Etat != ""},
	} {
		if e.need && !e.ok {
			return &codes.ValueError{Field: e.field, Value: e.value, Code: codes.ReturnCodeNotInList}
		}
	}
	for _, c := range []struct{ field, value string }{
		{"commentairesIntervention", t.CommentairesIntervention},
		{"commentaireInterventionOC", t.CommentaireInterventionOC},
	} {
		if utf8.RuneCountInString(c.value) > MaxCommentaire {
			return &codes.ValueError{Field: c.field, Code: codes.ReturnCodeBadFormat,
				Reason: "longer than 512 characters"}
		}
	}
	if !t.DateDebutTravaux.IsZero() && !t.DateFinTravaux.IsZero() && t.DateFinTravaux.Before(t.DateDebutTravaux) {
		return &codes.ValueError{Field: "dateFinTravaux", Value: t.DateFinTravaux.Format(time.RFC3339),
			Code: codes.ReturnCodeUnexpected, Reason: "before dateDebutTravaux"}
	}
	return nil
}

// Periode is a search period (typePeriode): dateDebutRecherche and
// dateFinRecherche, both included.
type Periode struct {
	Debut time.Time // dateDebutRecherche
	Fin   time.Time // dateFinRecherche
}

// Contains reports whether t lies within the period, bounds included. A
// zero t (the notice has no such date) is never contained.
func (p Periode) Contains(t time.Time) bool {
	return !t.IsZero() && !t.Before(p.Debut) && !t.After(p.Fin)
}

// Filter holds the search criteria of a getInfoTravauxFTTH request
// (getInfoTravauxFTTHInput). Every criterion is optional (empty, nil); a
// notice matches when it meets all the criteria given.
type Filter struct {
	ReferenceTPDERCO      string // the notice's reference
	Type                  Categorie
	ReferencePrestationPm []string // referencePrestationPm/prestationPm: any of them
	DateCreation          *Periode
	DateDebutTravaux      *Periode
	DateFinTravaux        *Periode
	InterventionRequiseOC Booleen
	Etat                  Etat
	// ReferencePriseImpactee matches the notices whose
	// referencePriseImpactees hold it.
	ReferencePriseImpactee string
	// ReferencePrestationPriseImpactee matches the notices whose
	// referencePrestationPriseImpactees hold it.
	ReferencePrestationPriseImpactee string
}

// Match reports whether t meets every criterion of f.
func (f *Filter) Match(t *Travaux) bool {
	switch {
	case f.ReferenceTPDERCO != "" && t.Reference != f.ReferenceTPDERCO,
		f.Type != "" && t.Type != f.Type,
		len(f.ReferencePrestationPm) > 0 && !slices.Contains(f.ReferencePrestationPm, t.ReferencePrestationPm),
		f.DateCreation != nil && !f.DateCreation.Contains(t.Created()),
		f.DateDebutTravaux != nil && !f.DateDebutTravaux.Contains(t.DateDebutTravaux),
		f.DateFinTravaux != nil && !f.DateFinTravaux.Contains(t.DateFinTravaux),
		f.InterventionRequiseOC != "" && t.InterventionRequiseOC != f.InterventionRequiseOC,
		f.Etat != "" && t.Etat != f.Etat,
		f.ReferencePriseImpactee != "" && !slices.Contains(t.ReferencePriseImpactees, f.ReferencePriseImpactee),
		f.ReferencePrestationPriseImpactee != "" &&
			!slices.Contains(t.ReferencePrestationPriseImpactees, f.ReferencePrestationPriseImpactee):
		return false
	}
	return true
}

// DefaultWindowMonths is the longest search period, in calendar months, when
// Window is zero.
const DefaultWindowMonths = 3

// Window is the search-window rule: each period of a request (dateCreation,
// dateDebutTravaux, dateFinTravaux) may span at most Months calendar months
// (dateFinRecherche ≤ dateDebutRecherche + Months, counted in Paris
// time). Zero Months means
// DefaultWindowMonths; a negative value lifts the limit.
type Window struct {
	Months int
}

func (w Window) months() int {
	if w.Months == 0 {
		return DefaultWindowMonths
	}
	return w.Months
}

// Check reports the first criterion of f that the service refuses, as a
// *Fault: a period without one of its bounds (1 INFO dateDebutRecherche or
// dateFinRecherche OBLIGATOIRE), a value outside its enumeration (2, naming
// the element), a period that ends before it starts (13 on
// dateFinRecherche), a period wider than the window (4 CRITERES DE
// RECHERCHE NON RESPECTES, naming the criterion).
func (f *Filter) Check(w Window) error {
	for _, e := range []struct {
		field, value string
		ok           bool
	}{
		{"type", string(f.Type), f.Type.Valid()},
		{"interventionRequiseOC", string(f.InterventionRequiseOC), f.InterventionRequiseOC.Valid()},
		{"etat", string(f.Etat), f.Etat.Valid()},
	} {
		if e.value != "" && !e.ok {
			return Faultf(codes.ReturnCodeNotInList, e.field, "%q", e.value)
		}
	}
	for _, p := range []struct {
		name string
		p    *Periode
	}{{"dateCreation", f.DateCreation}, {"dateDebutTravaux", f.DateDebutTravaux}, {"dateFinTravaux", f.DateFinTravaux}} {
		if p.p == nil {
			continue
		}
		switch {
		case p.p.Debut.IsZero():
			return Faultf(codes.ReturnCodeMissing, "dateDebutRecherche", "in %s", p.name)
		case p.p.Fin.IsZero():
			return Faultf(codes.ReturnCodeMissing, "dateFinRecherche", "in %s", p.name)
		case p.p.Fin.Before(p.p.Debut):
			return Faultf(codes.ReturnCodeUnexpected, "dateFinRecherche", "%s ends before it starts", p.name)
		}
		if m := w.months(); m > 0 && p.p.Fin.After(p.p.Debut.In(ticket.Paris).AddDate(0, m, 0)) {
			f := Faultf(codes.ReturnCodeSearchCriteria, "", "%s spans more than %d months", p.name, m)
			f.Field = p.name
			return f
		}
	}
	return nil
}
