package infotravaux

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

func TestFilterMatch(t *testing.T) {
	n := sampleTravaux()[0]
	noDates := n
	noDates.DateDebutTravaux, noDates.DateFinTravaux = time.Time{}, time.Time{}
	noCreation := n
	noCreation.DateCreation = time.Time{} // dateModification stands for it
	in := func(a, b time.Time) *Periode { return &Periode{Debut: a, Fin: b} }
	tests := []struct {
		name   string
		filter Filter
		t      Travaux
		want   bool
	}{
		{"no criteria", Filter{}, n, true},
		{"reference", Filter{ReferenceTPDERCO: "TP-2026-0001"}, n, true},
		{"other reference", Filter{ReferenceTPDERCO: "TP-2026-0002"}, n, false},
		{"type", Filter{Type: CategorieTP}, n, true},
		{"other type", Filter{Type: CategorieDERCO}, n, false},
		{"one of the PM services", Filter{ReferencePrestationPm: []string{"X", "PRESTA-PM-01"}}, n, true},
		{"none of the PM services", Filter{ReferencePrestationPm: []string{"X", "Y"}}, n, false},
		{"created within", Filter{DateCreation: in(paris(2026, 11, 1, 0, 0), paris(2026, 11, 30, 0, 0))}, n, true},
		{"created on the lower bound", Filter{DateCreation: in(paris(2026, 11, 2, 9, 30), paris(2026, 11, 3, 0, 0))}, n, true},
		{"created on the upper bound", Filter{DateCreation: in(paris(2026, 11, 1, 0, 0), paris(2026, 11, 2, 9, 30))}, n, true},
		{"created before", Filter{DateCreation: in(paris(2026, 11, 3, 0, 0), paris(2026, 11, 30, 0, 0))}, n, false},
		{"creation from dateModification", Filter{DateCreation: in(paris(2026, 11, 2, 0, 0), paris(2026, 11, 3, 0, 0))}, noCreation, true},
		{"starts within", Filter{DateDebutTravaux: in(paris(2026, 12, 1, 0, 0), paris(2026, 12, 2, 0, 0))}, n, true},
		{"starts after", Filter{DateDebutTravaux: in(paris(2026, 11, 1, 0, 0), paris(2026, 11, 30, 0, 0))}, n, false},
		{"no start date", Filter{DateDebutTravaux: in(paris(2026, 1, 1, 0, 0), paris(2026, 3, 1, 0, 0))}, noDates, false},
		{"ends within", Filter{DateFinTravaux: in(paris(2026, 12, 1, 17, 0), paris(2026, 12, 1, 17, 0))}, n, true},
		{"ends outside", Filter{DateFinTravaux: in(paris(2026, 12, 1, 17, 1), paris(2026, 12, 2, 0, 0))}, n, false},
		{"intervention", Filter{InterventionRequiseOC: BooleenOui}, n, true},
		{"no intervention", Filter{InterventionRequiseOC: BooleenNon}, n, false},
		{"etat", Filter{Etat: EtatNouveau}, n, true},
		{"other etat", Filter{Etat: EtatCloture}, n, false},
		{"impacted line", Filter{ReferencePriseImpactee: "FI-1111-3333"}, n, true},
		{"line not impacted", Filter{ReferencePriseImpactee: "FI-9999-9999"}, n, false},
		{"impacted service", Filter{ReferencePrestationPriseImpactee: "VIA0A0000000BBBBBBBB"}, n, true},
		{"service not impacted", Filter{ReferencePrestationPriseImpactee: "VIA0"}, n, false},
		{"all criteria", Filter{ReferenceTPDERCO: "TP-2026-0001", Type: CategorieTP, Etat: EtatNouveau,
			InterventionRequiseOC: BooleenOui, ReferencePriseImpactee: "FI-1111-2222"}, n, true},
		{"all but one", Filter{ReferenceTPDERCO: "TP-2026-0001", Type: CategorieTP, Etat: EtatMAJ}, n, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.filter.Match(&tt.t))
		})
	}
}

func TestFilterCheckWindow(t *testing.T) {
	jan31 := paris(2026, 1, 31, 0, 0)
	tests := []struct {
		name   string
		window Window
		filter Filter
		code   codes.ReturnCode // 0: accepted
		field  string
	}{
		{"no criteria", Window{}, Filter{}, 0, ""},
		{"exactly three months", Window{}, Filter{DateCreation: &Periode{paris(2026, 1, 1, 0, 0), paris(2026, 4, 1, 0, 0)}}, 0, ""},
		{"three months and a second", Window{}, Filter{DateCreation: &Periode{paris(2026, 1, 1, 0, 0),
			paris(2026, 4, 1, 0, 0).Add(time.Second)}}, 4, "dateCreation"},
		{"calendar months from a 31st", Window{}, Filter{DateDebutTravaux: &Periode{jan31, paris(2026, 5, 1, 0, 0)}}, 0, ""},
		{"one day more", Window{}, Filter{DateDebutTravaux: &Periode{jan31, paris(2026, 5, 1, 0, 1)}}, 4, "dateDebutTravaux"},
		{"across the DST change, in Paris time", Window{}, Filter{DateFinTravaux: &Periode{paris(2026, 1, 15, 0, 0),
			paris(2026, 4, 15, 0, 0)}}, 0, ""},
		// 31 Jan 23:30 UTC is 1 Feb in Paris: three months run to 1 May
		// 00:30 Paris (30 Apr 22:30 UTC), not to "31 Apr" = 1 May 23:30 UTC.
		{"months counted in Paris", Window{}, Filter{DateFinTravaux: &Periode{
			time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}}, 4, "dateFinTravaux"},
		{"one month window", Window{Months: 1}, Filter{DateCreation: &Periode{paris(2026, 1, 1, 0, 0), paris(2026, 2, 2, 0, 0)}}, 4, "dateCreation"},
		{"window lifted", Window{Months: -1}, Filter{DateCreation: &Periode{paris(2020, 1, 1, 0, 0), paris(2026, 2, 2, 0, 0)}}, 0, ""},
		{"empty period", Window{}, Filter{DateCreation: &Periode{paris(2026, 1, 1, 0, 0), paris(2026, 1, 1, 0, 0)}}, 0, ""},
		{"reversed period", Window{}, Filter{DateCreation: &Periode{paris(2026, 2, 1, 0, 0), paris(2026, 1, 1, 0, 0)}}, 13, "dateFinRecherche"},
		{"no start", Window{}, Filter{DateCreation: &Periode{Fin: paris(2026, 1, 1, 0, 0)}}, 1, "dateDebutRecherche"},
		{"no end", Window{}, Filter{DateCreation: &Periode{Debut: paris(2026, 1, 1, 0, 0)}}, 1, "dateFinRecherche"},
		{"second period too wide", Window{}, Filter{
			DateCreation:   &Periode{paris(2026, 1, 1, 0, 0), paris(2026, 2, 1, 0, 0)},
			DateFinTravaux: &Periode{paris(2026, 1, 1, 0, 0), paris(2026, 6, 1, 0, 0)}}, 4, "dateFinTravaux"},
		{"bad type", Window{}, Filter{Type: "TX"}, 2, "type"},
		{"bad etat", Window{}, Filter{Etat: "OUVERT"}, 2, "etat"},
		{"bad booleen", Window{}, Filter{InterventionRequiseOC: "PEUT-ETRE"}, 2, "interventionRequiseOC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.filter.Check(tt.window)
			if tt.code == 0 {
				require.NoError(t, err)
				return
			}
			f, ok := errors.AsType[*Fault](err)
			require.True(t, ok, "%v", err)
			require.Equal(t, tt.code, f.Code, f.Text())
			require.Equal(t, tt.field, f.Field)
		})
	}
}

func TestTravauxCheck(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Travaux)
		code  codes.ReturnCode
		field string
	}{
		{"valid", func(*Travaux) {}, 0, ""},
		{"no reference", func(t *Travaux) { t.Reference = "" }, 1, "reference"},
		{"no serviceProviderID", func(t *Travaux) { t.ServiceProviderID = "" }, 1, "serviceProviderID"},
		{"no type", func(t *Travaux) { t.Type = "" }, 1, "type"},
		{"bad type", func(t *Travaux) { t.Type = "TRAVAUX" }, 2, "type"},
		{"no equipment", func(t *Travaux) { t.EquipementConcerne = "" }, 1, "equipementConcerne"},
		{"bad equipment", func(t *Travaux) { t.EquipementConcerne = "NRO" }, 2, "equipementConcerne"},
		{"no referencePm", func(t *Travaux) { t.ReferencePm = "" }, 1, "referencePm"},
		{"no referencePrestationPm", func(t *Travaux) { t.ReferencePrestationPm = "" }, 1, "referencePrestationPm"},
		{"no dateModification", func(t *Travaux) { t.DateModification = time.Time{} }, 1, "dateModification"},
		{"no interventionRequiseOC", func(t *Travaux) { t.InterventionRequiseOC = "" }, 1, "interventionRequiseOC"},
		{"bad travauxCuratifs", func(t *Travaux) { t.TravauxCuratifs = "O" }, 2, "travauxCuratifs"},
		{"bad nature", func(t *Travaux) { t.NatureIntervention = "XXXX" }, 2, "natureIntervention"},
		{"bad etat", func(t *Travaux) { t.Etat = "FERME" }, 2, "etat"},
		{"512 characters", func(t *Travaux) { t.CommentairesIntervention = strings.Repeat("é", 512) }, 0, ""},
		{"513 characters", func(t *Travaux) { t.CommentairesIntervention = strings.Repeat("é", 513) }, 3, "commentairesIntervention"},
		{"OC comment too long", func(t *Travaux) { t.CommentaireInterventionOC = strings.Repeat("a", 513) }, 3, "commentaireInterventionOC"},
		{"ends before it starts", func(t *Travaux) { t.DateFinTravaux = t.DateDebutTravaux.Add(-time.Minute) }, 13, "dateFinTravaux"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := sampleTravaux()[0]
			tt.edit(&tr)
			err := tr.Check()
			if tt.code == 0 {
				require.NoError(t, err)
				return
			}
			ve, ok := errors.AsType[*codes.ValueError](err)
			require.True(t, ok, "%v", err)
			require.Equal(t, tt.code, ve.Code)
			require.Equal(t, tt.field, ve.Field)
		})
	}
}

func TestEtatFollows(t *testing.T) {
	all := []Etat{EtatNouveau, EtatReplanification, EtatMAJ, EtatCloture, EtatAnnule}
	allowed := map[[2]Etat]bool{}
	for _, e := range all {
		allowed[[2]Etat{"", e}] = true
		allowed[[2]Etat{e, e}] = true
		for _, from := range []Etat{EtatNouveau, EtatMAJ, EtatReplanification} {
			if e != EtatNouveau {
				allowed[[2]Etat{from, e}] = true
			}
		}
	}
	for _, prev := range append([]Etat{""}, all...) {
		for _, next := range all {
			require.Equal(t, allowed[[2]Etat{prev, next}], next.Follows(prev), "%q → %q", prev, next)
		}
	}
	require.False(t, Etat("FINI").Follows(""))
	require.True(t, EtatCloture.Terminal())
	require.True(t, EtatAnnule.Terminal())
	require.False(t, EtatMAJ.Terminal())
}

func TestEnumerations(t *testing.T) {
	type enum interface {
		Valid() bool
		Label() string
		MarshalText() ([]byte, error)
	}
	tests := []struct {
		values []enum
		bad    enum
	}{
		{[]enum{CategorieTP, CategorieDERCO}, Categorie("TX")},
		{[]enum{EquipementConcernePM, EquipementConcernePMT, EquipementConcernePBO, EquipementConcerneLIENPMPBO}, EquipementConcerne("NRO")},
		{[]enum{NatureInterventionDEPL, NatureInterventionREFE, NatureInterventionDSCM, NatureInterventionEXTE,
			NatureInterventionINGE, NatureInterventionCHGC, NatureInterventionAUTR}, NatureIntervention("XXXX")},
		{[]enum{EtatNouveau, EtatReplanification, EtatMAJ, EtatCloture, EtatAnnule}, Etat("FINI")},
		{[]enum{BooleenOui, BooleenNon}, Booleen("PEUT-ETRE")},
	}
	for _, tt := range tests {
		for _, v := range tt.values {
			require.True(t, v.Valid(), "%v", v)
			require.NotEmpty(t, v.Label())
		}
		require.False(t, tt.bad.Valid())
		b, err := tt.bad.MarshalText()
		require.NoError(t, err)
		require.Equal(t, tt.bad.Label(), string(b), "an unknown value shows as itself")
	}
	require.Equal(t, "Dérangement collectif", CategorieDERCO.Label())
	require.Equal(t, BooleenOui, Bool(true))
	require.Equal(t, BooleenNon, Bool(false))

	// One text path: JSON and XML use UnmarshalText, lenient and lossless.
	var x struct {
		Type  Categorie
		Eq    EquipementConcerne
		Nat   NatureIntervention
		Etat  Etat
		Oui   Booleen
		Other Etat
	}
	require.NoError(t, json.Unmarshal([]byte(`{"Type":" derco ","Eq":"lienpmpbo","Nat":"autr","Etat":"maj","Oui":"oui","Other":"en cours"}`), &x))
	require.Equal(t, CategorieDERCO, x.Type)
	require.Equal(t, EquipementConcerneLIENPMPBO, x.Eq)
	require.Equal(t, NatureInterventionAUTR, x.Nat)
	require.Equal(t, EtatMAJ, x.Etat)
	require.Equal(t, BooleenOui, x.Oui)
	require.Equal(t, Etat("en cours"), x.Other, "an unknown value is kept as received")
	require.False(t, x.Other.Valid())
}

func TestFault(t *testing.T) {
	f := Faultf(codes.ReturnCodeMissing, "supplierID", "")
	require.Equal(t, "INFO supplierID OBLIGATOIRE", f.Text())
	require.Equal(t, "infotravaux: infoFtthError 1: INFO supplierID OBLIGATOIRE", f.Error())
	require.True(t, f.ClientFault())
	require.False(t, f.Temporary())
	require.Equal(t, "INFO etat INCONNUE", (&Fault{Code: codes.ReturnCodeUnknown, Field: "etat"}).Text())
	require.True(t, errors.Is(Faultf(codes.ReturnCodeNoResult, "", "none"), ErrNoResult))
	require.False(t, errors.Is(f, ErrNoResult))
	require.False(t, ErrSaturation.ClientFault())
	require.True(t, ErrSaturation.Temporary())
	tp := &Fault{Code: 250}
	require.Equal(t, codes.RangeTravaux, tp.Code.Range())
	require.Equal(t, "CODE RETOUR 250", tp.Text())
}
