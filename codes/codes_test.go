package codes_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Pas de signal", "pas de signal"},
		{"  PAS   DE\tSIGNAL  ", "pas de signal"},
		{"Signal dégradé", "signal degrade"},
		{"SIGNAL DÉGRADÉ", "signal degrade"},
		{"PM-PBO", "pm pbo"},
		{"pm_pbo", "pm pbo"},
		{"Cœur", "coeur"},
		{"Avancement résol", "avancement resol"},
		{"a\u00a0b", "a b"},
		{"", ""},
		{" - ", ""},
	}
	for _, tt := range tests {
		if got := codes.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseNatureDefaut(t *testing.T) {
	tests := []struct {
		in   string
		want codes.NatureDefaut
		code codes.ReturnCode
	}{
		{"COUPURE", codes.NatureDefautCoupure, 0},
		{"coupure", codes.NatureDefautCoupure, 0},
		{" Coupure franche ", codes.NatureDefautCoupure, 0},
		{"Pas de signal", codes.NatureDefautCoupure, 0},
		{"PAS  DE  SIGNAL", codes.NatureDefautCoupure, 0},
		{"AFFAIBLISSEMENT", codes.NatureDefautAffaiblissement, 0},
		{"Affaiblissement", codes.NatureDefautAffaiblissement, 0},
		{"signal faible", codes.NatureDefautAffaiblissement, 0},
		{"Signal dégradé", codes.NatureDefautAffaiblissement, 0},
		{"SIGNAL DEGRADE", codes.NatureDefautAffaiblissement, 0},
		{"", "", codes.ReturnCodeMissing},
		{"   ", "", codes.ReturnCodeMissing},
		{"panne", "", codes.ReturnCodeNotInList},
	}
	for _, tt := range tests {
		got, err := codes.ParseNatureDefaut(tt.in)
		if tt.code != 0 {
			ve, ok := errors.AsType[*codes.ValueError](err)
			require.True(t, ok, "ParseNatureDefaut(%q) error %v", tt.in, err)
			if ve.Code != tt.code || ve.Field != "NatureDefaut" {
				t.Errorf("ParseNatureDefaut(%q) = code %d field %q, want %d NatureDefaut", tt.in, ve.Code, ve.Field, tt.code)
			}
			continue
		}
		require.NoError(t, err, tt.in)
		if got != tt.want {
			t.Errorf("ParseNatureDefaut(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePrelocDefaut(t *testing.T) {
	tests := []struct {
		in   string
		want codes.PrelocDefaut
	}{
		{"PTO", codes.PrelocDefautPTO},
		{"pto", codes.PrelocDefautPTO},
		{"Prise terminale optique", codes.PrelocDefautPTO},
		{"RACCO PALIER", codes.PrelocDefautRaccoPalier},
		{"racco_palier", codes.PrelocDefautRaccoPalier},
		{"PBO", codes.PrelocDefautPBO},
		{"PM-PBO", codes.PrelocDefautPMPBO},
		{"PM PBO", codes.PrelocDefautPMPBO},
		{"COL MONTANTE", codes.PrelocDefautPMPBO},
		{"col montante", codes.PrelocDefautPMPBO},
		{"Colonne montante (PM → PBO)", codes.PrelocDefautPMPBO},
		{"PM", codes.PrelocDefautPM},
		{"HORIZONTALE RESEAU", codes.PrelocDefautHorizontaleReseau},
		{"Horizontale réseau", codes.PrelocDefautHorizontaleReseau},
	}
	for _, tt := range tests {
		got, err := codes.ParsePrelocDefaut(tt.in)
		require.NoError(t, err, tt.in)
		if got != tt.want {
			t.Errorf("ParsePrelocDefaut(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	_, err := codes.ParsePrelocDefaut("CAVE")
	require.ErrorIs(t, err, codes.ErrNotInList)
	if got := codes.PrelocDefautPMPBO.V1A(); got != "COL MONTANTE" {
		t.Errorf("PM-PBO V1A = %q", got)
	}
	if got := codes.PrelocDefautPBO.V1A(); got != "PBO" {
		t.Errorf("PBO V1A = %q", got)
	}
	for _, p := range codes.PrelocDefauts {
		want := p == codes.PrelocDefautPTO || p == codes.PrelocDefautRaccoPalier
		if p.AtCustomer() != want {
			t.Errorf("%s.AtCustomer() = %v", p, !want)
		}
	}
}

func TestParseTypeMessage(t *testing.T) {
	tests := []struct {
		in   string
		want codes.TypeMessage
	}{
		{"Proposition de rdv", codes.TypeMessagePropositionRdv},
		{"PROPOSITION RDV", codes.TypeMessagePropositionRdv},
		{"Demande rdv", codes.TypeMessageDemandeRdv},
		{"demande de RDV", codes.TypeMessageDemandeRdv},
		{"Réponse RDV", codes.TypeMessageReponseRdv},
		{"Confirmation rdv", codes.TypeMessageConfirmationRdv},
		{"Avancement résol", codes.TypeMessageAvancementResolution},
		{"AVANCEMENT RESOLUTION", codes.TypeMessageAvancementResolution},
		{"commentaire", codes.TypeMessageCommentaire},
		{"Coordonnées client", codes.TypeMessageCoordonneesClient},
	}
	for _, tt := range tests {
		got, err := codes.ParseTypeMessage(tt.in)
		require.NoError(t, err, tt.in)
		if got != tt.want {
			t.Errorf("ParseTypeMessage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessageSenders(t *testing.T) {
	tests := []struct {
		m      codes.TypeMessage
		oi, oc bool
		text   bool
	}{
		{codes.TypeMessageDemandeRdv, true, true, false},
		{codes.TypeMessageReponseRdv, true, true, false},
		{codes.TypeMessagePropositionRdv, true, true, false},
		{codes.TypeMessageConfirmationRdv, true, false, false},
		{codes.TypeMessageAvancementResolution, true, false, true},
		{codes.TypeMessageCommentaire, true, true, true},
		{codes.TypeMessageCoordonneesClient, false, true, false},
	}
	for _, tt := range tests {
		if got := tt.m.SentBy(codes.RoleOI); got != tt.oi {
			t.Errorf("%s SentBy(OI) = %v", tt.m, got)
		}
		if got := tt.m.SentBy(codes.RoleOC); got != tt.oc {
			t.Errorf("%s SentBy(OC) = %v", tt.m, got)
		}
		if got := tt.m.SentBy("XX"); got {
			t.Errorf("%s SentBy(XX) = true", tt.m)
		}
		if got := tt.m.NeedsText(); got != tt.text {
			t.Errorf("%s NeedsText = %v", tt.m, got)
		}
	}
}

// enumCase describes one code type generically, so every type gets the same
// round-trip, validity and label checks.
type enumCase struct {
	name   string
	values []string
	parse  func(string) (string, error)
	valid  func(string) bool
	label  func(string) string
	text   func(string) (string, error) // UnmarshalText then MarshalText
}

func enum[T interface {
	~string
	Valid() bool
	Label() string
	MarshalText() ([]byte, error)
}, P interface {
	*T
	UnmarshalText([]byte) error
}](name string, values []T, parse func(string) (T, error)) enumCase {
	vs := make([]string, len(values))
	for i, v := range values {
		vs[i] = string(v)
	}
	return enumCase{
		name:   name,
		values: vs,
		parse:  func(s string) (string, error) { v, err := parse(s); return string(v), err },
		valid:  func(s string) bool { return T(s).Valid() },
		label:  func(s string) string { return T(s).Label() },
		text: func(s string) (string, error) {
			var v T
			if err := P(&v).UnmarshalText([]byte(s)); err != nil {
				return "", err
			}
			b, err := v.MarshalText()
			return string(b), err
		},
	}
}

var enums = []enumCase{
	enum("Role", []codes.Role{codes.RoleOI, codes.RoleOC}, codes.ParseRole),
	enum("NatureDefaut", []codes.NatureDefaut{codes.NatureDefautCoupure, codes.NatureDefautAffaiblissement},
		codes.ParseNatureDefaut),
	enum("PrelocDefaut", codes.PrelocDefauts, codes.ParsePrelocDefaut),
	enum("Responsabilite", []codes.Responsabilite{codes.ResponsabiliteOI, codes.ResponsabiliteOC,
		codes.ResponsabiliteTiers}, codes.ParseResponsabilite),
	enum("TypeSAV", []codes.TypeSAV{codes.TypeSAVSignalisation, codes.TypeSAVExpertise}, codes.ParseTypeSAV),
	enum("EtatResolution", codes.EtatResolutions, codes.ParseEtatResolution),
	enum("TypeMessage", codes.TypeMessages, codes.ParseTypeMessage),
	enum("ClosureCode", []codes.ClosureCode{"RET01", "ABS02", "STT10", "ERR99", "EXC00"}, codes.ParseClosureCode),
	enum("EtatTravaux", codes.EtatsTravaux, codes.ParseEtatTravaux),
	enum("NatureIntervention", codes.NatureInterventions, codes.ParseNatureIntervention),
}

func TestEtatTravauxFollows(t *testing.T) {
	N, R, M, C, A := codes.EtatTravauxNouveau, codes.EtatTravauxReplanification, codes.EtatTravauxMAJ,
		codes.EtatTravauxCloture, codes.EtatTravauxAnnule
	want := map[codes.EtatTravaux][]codes.EtatTravaux{
		"": {N, R, M, C, A},
		N:  {N, R, M, C, A},
		R:  {R, M, C, A},
		M:  {R, M, C, A},
		C:  {C},
		A:  {A},
	}
	for prev, nexts := range want {
		for _, next := range codes.EtatsTravaux {
			ok := false
			for _, n := range nexts {
				ok = ok || n == next
			}
			if got := next.Follows(prev); got != ok {
				t.Errorf("%q → %q: Follows = %v", prev, next, got)
			}
		}
		if codes.EtatTravaux("FINI").Follows(prev) {
			t.Errorf("an unknown state follows %q", prev)
		}
	}
}

func TestEnumRoundTrips(t *testing.T) {
	for _, e := range enums {
		t.Run(e.name, func(t *testing.T) {
			for _, v := range e.values {
				if !e.valid(v) {
					t.Errorf("%q not Valid", v)
				}
				got, err := e.parse(v)
				if err != nil || got != v {
					t.Errorf("parse(%q) = %q, %v", v, got, err)
				}
				if got, err := e.parse(strings.ToLower(v)); err != nil || got != v {
					t.Errorf("parse(lower %q) = %q, %v", v, got, err)
				}
				l := e.label(v)
				if l == "" {
					t.Errorf("%q has no label", v)
				}
				if e.name != "ClosureCode" {
					if got, err := e.parse(l); err != nil || got != v {
						t.Errorf("parse(label %q) = %q, %v", l, got, err)
					}
				}
				if got, err := e.text(" " + v + " "); err != nil || got != v {
					t.Errorf("text round trip %q = %q, %v", v, got, err)
				}
			}
			// Unknown values survive a round trip and are not Valid.
			const unknown = "VENDOR VALUE 42"
			if got, err := e.text(unknown); err != nil || got != unknown {
				t.Errorf("unknown round trip = %q, %v", got, err)
			}
			if e.valid(unknown) {
				t.Errorf("unknown value is Valid")
			}
			if e.label(unknown) != unknown {
				t.Errorf("unknown label = %q", e.label(unknown))
			}
			if _, err := e.parse(""); !errors.Is(err, codes.ErrMissing) {
				t.Errorf("parse(\"\") = %v, want ErrMissing", err)
			}
		})
	}
}

func TestJSONAndXML(t *testing.T) {
	type doc struct {
		XMLName xml.Name             `xml:"doc" json:"-"`
		Nature  codes.NatureDefaut   `xml:"nature" json:"nature"`
		Preloc  codes.PrelocDefaut   `xml:"preloc" json:"preloc"`
		Code    codes.ClosureCode    `xml:"code" json:"code"`
		Resp    codes.Responsabilite `xml:"resp" json:"resp"`
		Ret     codes.ReturnCode     `xml:"ret" json:"ret"`
	}
	in := `{"nature":"pas de signal","preloc":"COL MONTANTE","code":" ret01","resp":"tiers","ret":13}`
	var d doc
	require.NoError(t, json.Unmarshal([]byte(in), &d))
	want := doc{Nature: codes.NatureDefautCoupure, Preloc: codes.PrelocDefautPMPBO, Code: "RET01",
		Resp: codes.ResponsabiliteTiers, Ret: codes.ReturnCodeUnexpected}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Fatalf("json (-want +got):\n%s", diff)
	}
	out, err := json.Marshal(d)
	require.NoError(t, err)
	if got := string(out); got != `{"nature":"COUPURE","preloc":"PM-PBO","code":"RET01","resp":"TIERS","ret":13}` {
		t.Errorf("json = %s", got)
	}
	x, err := xml.Marshal(d)
	require.NoError(t, err)
	var back doc
	require.NoError(t, xml.Unmarshal(x, &back))
	back.XMLName = xml.Name{}
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("xml (-want +got):\n%s", diff)
	}
}

func TestAliasesOverride(t *testing.T) {
	a := codes.DefaultNatureDefautAliases()
	a.Set("Fibre coupée", codes.NatureDefautCoupure)
	a.Delete("signal faible")
	if v, err := a.Parse("FIBRE COUPEE"); err != nil || v != codes.NatureDefautCoupure {
		t.Errorf("custom alias = %q, %v", v, err)
	}
	if _, err := a.Parse("signal faible"); !errors.Is(err, codes.ErrNotInList) {
		t.Errorf("deleted alias still parses: %v", err)
	}
	// The defaults are untouched.
	if _, err := codes.ParseNatureDefaut("Fibre coupée"); err == nil {
		t.Error("override leaked into the default table")
	}
	if v, err := codes.ParseNatureDefaut("signal faible"); err != nil || v != codes.NatureDefautAffaiblissement {
		t.Error("delete leaked into the default table")
	}
	b := a.Clone()
	b.Set("x", codes.NatureDefautAffaiblissement)
	if _, ok := a.Lookup("x"); ok {
		t.Error("Clone shares its map")
	}
	if a.Field() != "NatureDefaut" {
		t.Errorf("Field = %q", a.Field())
	}
	for _, f := range []func() string{
		func() string { return codes.DefaultPrelocDefautAliases().Field() },
		func() string { return codes.DefaultTypeMessageAliases().Field() },
		func() string { return codes.DefaultEtatResolutionAliases().Field() },
	} {
		if f() == "" {
			t.Error("default table without field name")
		}
	}
}

func TestRole(t *testing.T) {
	if codes.RoleOI.Other() != codes.RoleOC || codes.RoleOC.Other() != codes.RoleOI || codes.Role("X").Other() != "" {
		t.Error("Other")
	}
	if r, err := codes.ParseRole("Opérateur d'immeuble"); err != nil || r != codes.RoleOI {
		t.Errorf("ParseRole label = %q, %v", r, err)
	}
}

func TestClosureCode(t *testing.T) {
	tests := []struct {
		in     string
		want   codes.ClosureCode
		family codes.ClosureFamily
		code   codes.ReturnCode
	}{
		{"RET01", "RET01", codes.ClosureFamilyRET, 0},
		{" ret12 ", "RET12", codes.ClosureFamilyRET, 0},
		{"ABS00", "ABS00", codes.ClosureFamilyABS, 0},
		{"STT03", "STT03", codes.ClosureFamilySTT, 0},
		{"ERR07", "ERR07", codes.ClosureFamilyERR, 0},
		{"EXC99", "EXC99", codes.ClosureFamilyEXC, 0},
		{"", "", "", codes.ReturnCodeMissing},
		{"XYZ01", "", "", codes.ReturnCodeNotInList},
		{"RET1", "", "", codes.ReturnCodeBadFormat},
		{"RET001", "", "", codes.ReturnCodeBadFormat},
		{"RETAB", "", "", codes.ReturnCodeBadFormat},
		{"R3T01", "", "", codes.ReturnCodeBadFormat},
	}
	for _, tt := range tests {
		got, err := codes.ParseClosureCode(tt.in)
		if tt.code != 0 {
			ve, ok := errors.AsType[*codes.ValueError](err)
			if !ok || ve.Code != tt.code || ve.Field != "CodeCloture" {
				t.Errorf("ParseClosureCode(%q) err = %v, want code %d", tt.in, err, tt.code)
			}
			continue
		}
		require.NoError(t, err)
		if got != tt.want || got.Family() != tt.family || !got.Valid() {
			t.Errorf("ParseClosureCode(%q) = %q family %q", tt.in, got, got.Family())
		}
		if got.Restored() != (tt.family == codes.ClosureFamilyRET) {
			t.Errorf("%s Restored = %v", got, got.Restored())
		}
	}
	if codes.ClosureCode("XYZ01").Family() != "XYZ" || codes.ClosureCode("XYZ01").Valid() {
		t.Error("unknown family")
	}
	if codes.ClosureCode("bad").Family() != "" || codes.ClosureCode("bad").Label() != "bad" {
		t.Error("bad code")
	}
	for _, f := range codes.ClosureFamilies {
		if !f.Valid() || f.Label() == string(f) {
			t.Errorf("family %s", f)
		}
	}
	if codes.ClosureFamily("XYZ").Label() != "XYZ" {
		t.Error("unknown family label")
	}
}

func TestLoadClosureCodes(t *testing.T) {
	table := "Code;Libellé\n# contrat FTEL\nRET01;Réparation du câblage\nabs01 ; Client absent\n\nSTT02\n"
	reg, err := codes.LoadClosureCodes(strings.NewReader(table))
	require.NoError(t, err)
	if diff := cmp.Diff([]codes.ClosureCode{"ABS01", "RET01", "STT02"}, reg.Codes()); diff != "" {
		t.Errorf("Codes (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		code  codes.ClosureCode
		label string
		known bool
	}{
		{"RET01", "Réparation du câblage", true},
		{"ABS01", "Client absent", true},
		{"STT02", "Signalisation transmise à tort", true},
		{"ERR01", "Erreur dans le traitement du flux", false},
	} {
		if got := reg.Label(c.code); got != c.label {
			t.Errorf("Label(%s) = %q, want %q", c.code, got, c.label)
		}
		if reg.Known(c.code) != c.known {
			t.Errorf("Known(%s) = %v", c.code, !c.known)
		}
	}

	for _, bad := range []struct{ table, want string }{
		{"RET01;a\nXXX;b\n", "line 2"},
		{"RET01;a\nRET01;b\n", "given twice"},
		{"RET01;\"a\n", "closure code table"},
	} {
		_, err := codes.LoadClosureCodes(strings.NewReader(bad.table))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("LoadClosureCodes(%q) = %v, want %q", bad.table, err, bad.want)
		}
	}

	reg, err = codes.NewClosureCodeRegistry(map[codes.ClosureCode]string{"EXC01": "Tempête"})
	require.NoError(t, err)
	if reg.Label("EXC01") != "Tempête" {
		t.Error("NewClosureCodeRegistry label")
	}
	_, err = codes.NewClosureCodeRegistry(map[codes.ClosureCode]string{"bad": "x"})
	require.ErrorIs(t, err, codes.ErrFormat)
}

func TestReturnCodes(t *testing.T) {
	tests := []struct {
		code    codes.ReturnCode
		field   string
		want    string
		rng     codes.ReturnCodeRange
		temp    bool
		hasSlot bool
	}{
		{0, "", "AUCUNE ERREUR - ACQUITTE", codes.RangeGeneric, false, false},
		{1, "NatureDefaut", "INFO NatureDefaut OBLIGATOIRE", codes.RangeGeneric, false, true},
		{2, "PrelocDefaut", "INFO PrelocDefaut ERRONEE - HORS VALEURS PREVUEES", codes.RangeGeneric, false, true},
		{3, "", "INFO XXXXX INCORRECTE - FORMAT INVALIDE", codes.RangeGeneric, false, true},
		{6, "x", "AUCUN CHANGEMENT - DESYNCHRONISATION DES SI DETECTEE", codes.RangeGeneric, false, false},
		{10, "", "ERREUR SI INTERNE", codes.RangeGeneric, true, false},
		{13, "transaction", "INFO transaction INCORRECTE - HORS VALEURS ATTENDUES", codes.RangeGeneric, false, true},
		{14, "", "SI EN MAINTENANCE", codes.RangeGeneric, true, false},
		{23, "", "DEPASSEMENT DE LA SLA", codes.RangeGeneric, true, false},
		{100, "", "IMPOSSIBLE DE CREER LE TICKET", codes.RangeSAV, false, false},
		{101, "", "RDV NON DISPONIBLE", codes.RangeSAV, false, false},
		{250, "", "CODE RETOUR 250", codes.RangeTravaux, false, false},
		{301, "", "CODE RETOUR 301", codes.RangePlanDeCharge, false, false},
		{999, "", "CODE RETOUR 999", codes.RangeOther, false, false},
		{-1, "", "CODE RETOUR -1", codes.RangeOther, false, false},
	}
	for _, tt := range tests {
		if got := tt.code.Message(tt.field); got != tt.want {
			t.Errorf("%d.Message(%q) = %q, want %q", tt.code, tt.field, got, tt.want)
		}
		if got := tt.code.Range(); got != tt.rng {
			t.Errorf("%d.Range() = %v, want %v", tt.code, got, tt.rng)
		}
		if got := tt.code.Temporary(); got != tt.temp {
			t.Errorf("%d.Temporary() = %v", tt.code, got)
		}
		if got := tt.code.NeedsField(); got != tt.hasSlot {
			t.Errorf("%d.NeedsField() = %v", tt.code, got)
		}
	}
	for c := codes.ReturnCode(0); c <= 23; c++ {
		if !c.Known() {
			t.Errorf("%d not known", c)
		}
	}
	if codes.ReturnCode(24).Known() {
		t.Error("24 known")
	}
	if got := codes.ReturnCodeNotAllowed.String(); got != "11 ACTION NON AUTORISEE" {
		t.Errorf("String = %q", got)
	}
	for _, r := range []codes.ReturnCodeRange{codes.RangeOther, codes.RangeGeneric, codes.RangeSAV,
		codes.RangeTravaux, codes.RangePlanDeCharge} {
		if r.String() == "" {
			t.Errorf("range %d has no name", r)
		}
	}
	if c, err := codes.ParseReturnCode(" 13 "); err != nil || c != 13 {
		t.Errorf("ParseReturnCode = %d, %v", c, err)
	}
	for _, bad := range []string{"", "x", "-1", "1000"} {
		if _, err := codes.ParseReturnCode(bad); err == nil {
			t.Errorf("ParseReturnCode(%q) accepted", bad)
		}
	}
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) error
		ok   []string
		bad  map[string]codes.ReturnCode
	}{
		{"OperatorCode", codes.ValidOperatorCode, []string{"FTEL", "BYTL", "SFR0", "0000"},
			map[string]codes.ReturnCode{"": 1, "ftel": 3, "FTE": 3, "FTELX": 3, "FT-L": 3, "FTÉL": 3}},
		{"SIREN", codes.ValidSIREN, []string{"380129866", "000000000"},
			map[string]codes.ReturnCode{"": 1, "38012986": 3, "3801298660": 3, "38012986A": 3, "380 129 866": 3}},
		{"ReferencePrise", codes.ValidReferencePrise, []string{"FI-1234-ABCD", "0123456789", "ADR_75056_XXXX",
			strings.Repeat("A", 30)},
			map[string]codes.ReturnCode{"": 1, strings.Repeat("A", 31): 3, "FI 1234": 3, "a\tb": 3, "\xff": 3}},
		{"ReferencePrestationPrise", codes.ValidReferencePrestationPrise, []string{"VIA0A0000000BBBBBBBB"},
			map[string]codes.ReturnCode{"": 1, strings.Repeat("é", 31): 3}},
	}
	for _, tt := range tests {
		for _, v := range tt.ok {
			if err := tt.fn(v); err != nil {
				t.Errorf("%s(%q) = %v", tt.name, v, err)
			}
		}
		for v, code := range tt.bad {
			err := tt.fn(v)
			ve, ok := errors.AsType[*codes.ValueError](err)
			if !ok || ve.Code != code {
				t.Errorf("%s(%q) = %v, want code %d", tt.name, v, err, code)
			}
		}
	}
	for s, want := range map[string]bool{
		"FI-1234-ABCD": true, "OO-0000-0000": true, "fi-1234-abcd": false, "FI-1234-ABC": false,
		"FI_1234_ABCD": false, "FI-1234-ABCDE": false, "": false,
	} {
		if got := codes.IsARCEPLineID(s); got != want {
			t.Errorf("IsARCEPLineID(%q) = %v", s, got)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	ok := map[string]string{
		"0612345678":               "0612345678",
		"06 12 34 56 78":           "0612345678",
		"06.12.34.56.78":           "0612345678",
		"06-12-34-56-78":           "0612345678",
		"+33612345678":             "+33612345678",
		"+33 6 12 34 56 78":        "+33612345678",
		"+33 (0)6 12 34 56 78":     "+33612345678",
		"0033 6 12 34 56 78":       "+33612345678",
		"01\u00a042\u00a000 00 00": "0142000000",
		"(01) 42 00 00 00":         "0142000000",
	}
	for in, want := range ok {
		got, err := codes.NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]codes.ReturnCode{
		"": 1, "  ": 1, "612345678": 3, "33612345678": 3, "061234567": 3, "06123456789": 3,
		"0012345678": 3, "+44612345678": 3, "06123A5678": 3, "+330612345678": 3,
	}
	for in, code := range bad {
		_, err := codes.NormalizePhone(in)
		ve, ok := errors.AsType[*codes.ValueError](err)
		if !ok || ve.Code != code || ve.Field != "Telephone" {
			t.Errorf("NormalizePhone(%q) = %v, want code %d", in, err, code)
		}
	}
}

func TestValueError(t *testing.T) {
	_, err := codes.ParseNatureDefaut("panne")
	if got := err.Error(); got != `INFO NatureDefaut ERRONEE - HORS VALEURS PREVUEES: "panne"` {
		t.Errorf("Error() = %s", got)
	}
	_, err = codes.ParseClosureCode("RET1")
	if got := err.Error(); !strings.Contains(got, "INFO CodeCloture INCORRECTE - FORMAT INVALIDE") ||
		!strings.Contains(got, "three letters") {
		t.Errorf("Error() = %s", got)
	}
	if (&codes.ValueError{Code: 13}).Unwrap() != nil {
		t.Error("code 13 unwraps to a sentinel")
	}
}

func ExampleParseNatureDefaut() {
	for _, s := range []string{"Pas de signal", "signal dégradé", "COUPURE"} {
		n, err := codes.ParseNatureDefaut(s)
		fmt.Println(n, err)
	}
	_, err := codes.ParseNatureDefaut("panne")
	fmt.Println(err)
	// Output:
	// COUPURE <nil>
	// AFFAIBLISSEMENT <nil>
	// COUPURE <nil>
	// INFO NatureDefaut ERRONEE - HORS VALEURS PREVUEES: "panne"
}

func ExamplePrelocDefaut_V1A() {
	p, _ := codes.ParsePrelocDefaut("COL MONTANTE")
	fmt.Println(p, "/", p.V1A(), "/", p.Label())
	// Output: PM-PBO / COL MONTANTE / Colonne montante (PM → PBO)
}

func ExampleAliases() {
	natures := codes.DefaultNatureDefautAliases()
	natures.Set("fibre coupée", codes.NatureDefautCoupure) // what one partner writes
	n, _ := natures.Parse("FIBRE COUPEE")
	fmt.Println(n)
	// Output: COUPURE
}

func ExampleReturnCode_Message() {
	fmt.Println(codes.ReturnCodeMissing.Message("ReferencePrise"))
	fmt.Println(codes.ReturnCodeRdvNonDisponible.Message(""))
	// Output:
	// INFO ReferencePrise OBLIGATOIRE
	// RDV NON DISPONIBLE
}

func ExampleLoadClosureCodes() {
	reg, err := codes.LoadClosureCodes(strings.NewReader("RET01;Remplacement de la PTO\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(reg.Label("RET01"))
	fmt.Println(reg.Label("ABS02"))
	// Output:
	// Remplacement de la PTO
	// Absence de l'abonné
}

func ExampleNormalizePhone() {
	p, _ := codes.NormalizePhone("+33 (0)6 12 34 56 78")
	fmt.Println(p)
	// Output: +33612345678
}
