package v1a_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

type brief struct {
	Field string
	Code  codes.ReturnCode
}

func briefs(fs []v1a.Finding) []brief {
	out := []brief{}
	for _, f := range fs {
		out = append(out, brief{f.Field, f.Code})
	}
	return out
}

func validDepot() *v1a.Depot {
	return &v1a.Depot{ReferencePrise: "FI-1", ReferenceSigSAVRaccoOC: "REF-1",
		DateIncidClientFinal: ticket.Date{Year: 2026, Month: 1, Day: 2}, NatureDefaut: codes.NatureDefautCoupure,
		PrelocDefaut: codes.PrelocDefautPTO, NomClient: "Martin", ContactClient1: "0611223344",
		PropalRdv: []ticket.Slot{{Debut: paris(2026, 1, 8, 14, 0, 0), Fin: paris(2026, 1, 8, 16, 0, 0)}}}
}

// TestValidatorBuiltRecords checks records built in code (not read), where
// the validator alone finds every problem.
func TestValidatorBuiltRecords(t *testing.T) {
	tests := []struct {
		name string
		rec  func() v1a.Record
		want []brief
	}{
		{"valid deposit", func() v1a.Record { return validDepot() }, []brief{}},
		{"no booking needed at the PM", func() v1a.Record {
			d := validDepot()
			d.PrelocDefaut, d.NomClient, d.ContactClient1, d.PropalRdv = codes.PrelocDefautPM, "", "", nil
			return d
		}, []brief{}},
		{"alias spellings are canonical", func() v1a.Record {
			d := validDepot()
			d.NatureDefaut, d.PrelocDefaut = "pas de signal", "col montante"
			d.NomClient, d.ContactClient1, d.PropalRdv = "", "", nil
			return d
		}, []brief{}},
		{"missing everything", func() v1a.Record { return &v1a.Depot{} }, []brief{
			{"ReferencePrise", 1}, {"ReferenceSigSAVRaccoOC", 1}, {"DateIncidClientFinal", 1}, {"NatureDefaut", 1},
			{"PrelocDefaut", 1}}},
		{"bad phone built in code", func() v1a.Record {
			d := validDepot()
			d.ContactClient1 = "06 11 22 33 44"
			return d
		}, []brief{{"ContactClient1", 3}}},
		{"IdRdv and PropalRdv", func() v1a.Record {
			d := validDepot()
			d.IdRdv = "RDV-1"
			return d
		}, []brief{{"PropalRdv", 13}}},
		{"weakened signal needs customer", func() v1a.Record {
			d := validDepot()
			d.PrelocDefaut, d.NatureDefaut, d.NomClient = codes.PrelocDefautPBO, codes.NatureDefautAffaiblissement, ""
			return d
		}, []brief{{"NomClient", 1}}},
		{"slot spanning days", func() v1a.Record {
			d := validDepot()
			d.PropalRdv = []ticket.Slot{{Debut: paris(2026, 1, 8, 22, 0, 0), Fin: paris(2026, 1, 9, 1, 0, 0)}}
			return d
		}, []brief{{"PropalRdv", 3}}},
		{"unknown return code", func() v1a.Record {
			return &v1a.AR{ReferenceSigSAVRaccoOC: "R", StatutAR: v1a.StatutKO, CodeRetour: 77, MotifRefus: "x"}
		}, []brief{{"CodeRetour", 2}}},
		{"ARDOMMAGE OK", func() v1a.Record {
			return &v1a.ARDommage{ReferenceDommageOC: "D", StatutAR: v1a.StatutOK, ReferenceDommageOI: "O",
				DatePriseEnCompte: goldenNow}
		}, []brief{}},
		{"lower-case codes are written upper-case", func() v1a.Record {
			return &v1a.Cloture{ReferenceSigSAVOI: "O", ReferenceSigSAVRaccoOC: "R", ReferencePrise: "P",
				DateCloture: goldenNow, CodeCloture: "ret01", Responsabilite: "tiers", LocalisationDefaut: "pbo"}
		}, []brief{}},
		{"TRAVAUX control characters in a reference", func() v1a.Record {
			return &v1a.Travaux{ReferenceTravaux: "T\x01", Etat: "NOUVEAU", ReferencePM: "PM", DateDebut: goldenNow,
				DateFin: goldenNow.Add(time.Hour), NatureIntervention: "DEPL", InterventionRequiseOC: v1a.Non,
				Voie: "Rue", CodePostal: "2A004", Commune: "Ajaccio", CodeInsee: "2A004"}
		}, []brief{{"ReferenceTravaux", 3}, {"CodePostal", 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &v1a.Validator{Now: goldenNow}
			res := v.Check(context.Background(), 2, tt.rec(), nil)
			if diff := cmp.Diff(tt.want, briefs(res.Errors)); diff != "" {
				t.Fatalf("(-want +got)\n%s\n%v", diff, res.Errors)
			}
			require.Equal(t, len(tt.want) == 0, res.Valid())
		})
	}
}

func TestValidatorNow(t *testing.T) {
	d := validDepot()
	d.DateIncidClientFinal = ticket.Date{Year: 2026, Month: 1, Day: 6}
	// 2026-01-05 23:30 UTC is already the 6th in Paris.
	v := &v1a.Validator{Now: time.Date(2026, 1, 5, 23, 30, 0, 0, time.UTC)}
	require.True(t, v.Check(context.Background(), 2, d, nil).Valid())
	v = &v1a.Validator{Now: time.Date(2026, 1, 5, 22, 30, 0, 0, time.UTC)}
	require.Equal(t, []brief{{"DateIncidClientFinal", 13}}, briefs(v.Check(context.Background(), 2, d, nil).Errors))
	// The zero Now is the current time: a 1990 slot is in the past.
	d = validDepot()
	d.PropalRdv[0] = ticket.Slot{Debut: paris(1990, 1, 1, 8, 0, 0), Fin: paris(1990, 1, 1, 10, 0, 0)}
	require.Equal(t, []brief{{"PropalRdv", 13}}, briefs((&v1a.Validator{}).Check(context.Background(), 2, d, nil).Errors))
}

func TestValidatorInfoSender(t *testing.T) {
	in := &v1a.Info{ReferenceSigSAVOI: "O", ReferenceSigSAVRaccoOC: "R", Emetteur: codes.RoleOI, DateMessage: goldenNow,
		TypeMessage: codes.TypeMessageCommentaire, Commentaire: "x"}
	v := &v1a.Validator{Now: goldenNow, Sender: codes.RoleOC}
	require.Equal(t, []brief{{"Emetteur", 13}}, briefs(v.Check(context.Background(), 2, in, nil).Errors))
	v.Sender = codes.RoleOI
	require.True(t, v.Check(context.Background(), 2, in, nil).Valid())
}

func TestValidatorHook(t *testing.T) {
	var mu sync.Mutex
	var seen []int
	hook := v1a.HookFunc(func(ctx context.Context, line int, rec v1a.Record) []v1a.Finding {
		mu.Lock()
		seen = append(seen, line)
		mu.Unlock()
		d, ok := rec.(*v1a.Depot)
		if !ok {
			return nil
		}
		switch d.ReferencePrise {
		case "FI-UNKNOWN":
			return []v1a.Finding{{Field: "ReferencePrise", Code: codes.ReturnCodeUnknown}}
		case "FI-OTHER-OC":
			return []v1a.Finding{{Field: "ReferencePrise", Code: codes.ReturnCodeHorsParcOC, Message: "pas chez vous"}}
		}
		return nil
	})
	data := depotHeader + "\n;FI-UNKNOWN;R1;20260102;COUPURE;PBO;;;;;;;\n;FI-OTHER-OC;R2;20260102;COUPURE;PBO;;;;;;;\n" +
		";FI-OK;R3;20260102;COUPURE;PBO;;;;;;;\n"
	ack, err := v1a.ComputeAR(context.Background(), strings.NewReader(data),
		v1a.AckOptions{Validator: &v1a.Validator{Now: goldenNow, Hook: hook}})
	require.NoError(t, err)
	require.Equal(t, []int{2, 3, 4}, seen)
	got := ack.Records()
	require.Equal(t, codes.ReturnCodeUnknown, got[0].(*v1a.AR).CodeRetour)
	require.Equal(t, "INFO ReferencePrise INCONNUE", got[0].(*v1a.AR).MotifRefus)
	require.Equal(t, "pas chez vous", got[1].(*v1a.AR).MotifRefus)
	require.Equal(t, v1a.StatutOK, got[2].(*v1a.AR).StatutAR)
	require.Equal(t, "SAV000001", got[2].(*v1a.AR).ReferenceSigSAVOI)
	require.True(t, got[2].(*v1a.AR).DatePriseEnCompte.Equal(goldenNow))
}

func TestValidatorTravauxReset(t *testing.T) {
	v := &v1a.Validator{Now: goldenNow}
	tr := func(etat v1a.EtatTravaux) *v1a.Travaux {
		return &v1a.Travaux{ReferenceTravaux: "T1", Etat: etat, ReferencePM: "PM", DateDebut: goldenNow,
			DateFin: goldenNow.Add(time.Hour), NatureIntervention: "DEPL", InterventionRequiseOC: v1a.Non,
			Voie: "Rue", CodePostal: "01000", Commune: "Bourg"}
	}
	ctx := context.Background()
	require.True(t, v.Check(ctx, 2, tr(v1a.EtatTravauxNouveau), nil).Valid())
	require.True(t, v.Check(ctx, 3, tr(v1a.EtatTravauxMAJ), nil).Valid())
	require.True(t, v.Check(ctx, 4, tr(v1a.EtatTravauxAnnule), nil).Valid())
	require.True(t, v.Check(ctx, 5, tr(v1a.EtatTravauxAnnule), nil).Valid(), "one line per address")
	require.False(t, v.Check(ctx, 6, tr(v1a.EtatTravauxNouveau), nil).Valid())
	v.Reset()
	require.True(t, v.Check(ctx, 2, tr(v1a.EtatTravauxNouveau), nil).Valid())
}

func TestEtatTravauxFollows(t *testing.T) {
	all := []v1a.EtatTravaux{"", "NOUVEAU", "MAJ", "REPLANIFICATION", "CLOTURE", "ANNULE"}
	allowed := map[[2]v1a.EtatTravaux]bool{}
	for _, to := range all[1:] {
		allowed[[2]v1a.EtatTravaux{"", to}] = true
	}
	for _, from := range []v1a.EtatTravaux{"NOUVEAU", "MAJ", "REPLANIFICATION"} {
		for _, to := range []v1a.EtatTravaux{"MAJ", "REPLANIFICATION", "CLOTURE", "ANNULE"} {
			allowed[[2]v1a.EtatTravaux{from, to}] = true
		}
	}
	allowed[[2]v1a.EtatTravaux{"NOUVEAU", "NOUVEAU"}] = true
	allowed[[2]v1a.EtatTravaux{"CLOTURE", "CLOTURE"}] = true
	allowed[[2]v1a.EtatTravaux{"ANNULE", "ANNULE"}] = true
	for _, from := range all {
		for _, to := range all[1:] {
			require.Equal(t, allowed[[2]v1a.EtatTravaux{from, to}], to.Follows(from), "%s → %s", from, to)
		}
	}
}

func TestComputeAROptions(t *testing.T) {
	data := depotHeader + "\n;FI-1;R1;20260102;COUPURE;PBO;;;;;;;\n;FI-2;R2;20260102;COUPURE;PBO;🙂;;;;;;\n" +
		";FI-3;R3;20260102;COUPURE;PBO;;;;;;;\n"
	ack, err := v1a.ComputeAR(context.Background(), strings.NewReader(data), v1a.AckOptions{
		Validator: &v1a.Validator{Now: goldenNow, Hook: v1a.HookFunc(func(_ context.Context, _ int, rec v1a.Record) []v1a.Finding {
			if rec.(*v1a.Depot).NomClient != "" {
				return []v1a.Finding{{Field: "NomClient", Code: codes.ReturnCodeUnknown, Message: "client 🙂 inconnu"}}
			}
			return nil
		})},
		NewID: func(n int) string { return "OI-" + strings.Repeat("x", n) },
	})
	require.NoError(t, err)
	recs := ack.Records()
	require.Equal(t, "OI-x", recs[0].(*v1a.AR).ReferenceSigSAVOI)
	require.Equal(t, "client U+1F642 inconnu", recs[1].(*v1a.AR).MotifRefus)
	require.Equal(t, "OI-xx", recs[2].(*v1a.AR).ReferenceSigSAVOI)
	var buf bytes.Buffer
	require.NoError(t, ack.WriteTo(v1a.NewWriter(&buf, v1a.FlowAR)))
	require.ErrorIs(t, ack.WriteTo(v1a.NewWriter(&buf, v1a.FlowDepot)), v1a.ErrWrongFlow)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = v1a.ComputeAR(ctx, strings.NewReader(data), v1a.AckOptions{})
	require.ErrorIs(t, err, context.Canceled)

	// A DOMMAGE file given to ComputeAR is unreadable as a DEPOT.
	ack, err = v1a.ComputeAR(context.Background(), strings.NewReader("ReferenceDommageOC;ReferencePM;DateConstat;"+
		"LocalisationDommage;AdresseImmeuble;NomContactImmeuble;TelContactImmeuble;Commentaire\n"), v1a.AckOptions{})
	require.NoError(t, err)
	require.ErrorIs(t, ack.Unreadable, v1a.ErrUnknownHeader)
	require.Equal(t, codes.ReturnCodeBadFormat, ack.Records()[0].(*v1a.AR).CodeRetour)
}

func TestMotif(t *testing.T) {
	code, motif := v1a.Motif(nil)
	require.Equal(t, codes.ReturnCodeOK, code)
	require.Empty(t, motif)
	code, motif = v1a.Motif([]v1a.Finding{{Code: 2, Message: "a"}, {Code: 1, Message: "b"}})
	require.Equal(t, codes.ReturnCode(2), code)
	require.Equal(t, "a | b", motif)
}

func TestRecordErrorText(t *testing.T) {
	r := v1a.NewReader(strings.NewReader(depotHeader + "\n;;;;;;;;;;;;x\n"))
	_, err := r.Read()
	require.ErrorIs(t, err, v1a.ErrFindings)
	require.Contains(t, err.Error(), "line 2: 4 finding(s): INFO ReferenceSigSAVRaccoOC OBLIGATOIRE")
	var re *v1a.RecordError
	require.True(t, errors.As(err, &re))
}

// TestNextEqualsReadCheck: Validator.Next, which skips what decoding
// enforced, finds exactly what Read then Check find, on every test file.
func TestNextEqualsReadCheck(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.csv"))
	require.NoError(t, err)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, strict := range []bool{false, true} {
			a, b := v1a.NewReader(bytes.NewReader(data)), v1a.NewReader(bytes.NewReader(data))
			a.Strict, b.Strict = strict, strict
			va, vb := &v1a.Validator{Now: goldenNow}, &v1a.Validator{Now: goldenNow}
			for {
				want, errA := a.Read()
				got, errB := vb.Next(context.Background(), b)
				if want == nil {
					require.Equal(t, errA, errB, f)
					break
				}
				require.NoError(t, errB, f)
				res := va.Check(context.Background(), a.Line(), want, errA)
				if diff := cmp.Diff(res, got, timeEqual); diff != "" {
					t.Fatalf("%s line %d (-Read+Check +Next)\n%s", f, a.Line(), diff)
				}
			}
		}
	}
}

func TestValidatorDuplicateDeposits(t *testing.T) {
	v := &v1a.Validator{Now: goldenNow, UniqueDeposits: true}
	ctx := context.Background()
	bad := validDepot()
	bad.NomClient = ""
	require.False(t, v.Check(ctx, 2, bad, nil).Valid(), "an invalid line does not take the reference")
	require.True(t, v.Check(ctx, 3, validDepot(), nil).Valid())
	res := v.Check(ctx, 4, validDepot(), nil)
	require.Equal(t, []brief{{"ReferenceSigSAVRaccoOC", codes.ReturnCodeCannotCreate}}, briefs(res.Errors))
	require.Equal(t, "IMPOSSIBLE DE CREER LE TICKET: \"REF-1\" already deposited on line 3", res.Errors[0].Message)
	dmg := &v1a.Dommage{ReferenceDommageOC: "REF-1", ReferencePM: "PM", DateConstat: ticket.Date{Year: 2026, Month: 1, Day: 2},
		LocalisationDommage: codes.PrelocDefautPM, NomContactImmeuble: "Gardien", TelContactImmeuble: "0472000001"}
	require.True(t, v.Check(ctx, 5, dmg, nil).Valid(), "references are per flow")
	require.False(t, v.Check(ctx, 6, dmg, nil).Valid())
	v.Reset()
	require.True(t, v.Check(ctx, 7, validDepot(), nil).Valid())
	v.UniqueDeposits = false
	require.True(t, v.Check(ctx, 8, validDepot(), nil).Valid())
	require.True(t, v.Check(ctx, 9, validDepot(), nil).Valid())
}

func TestValidatorEdges(t *testing.T) {
	v := &v1a.Validator{Now: goldenNow, Hook: v1a.HookFunc(func(context.Context, int, v1a.Record) []v1a.Finding { return nil })}
	res := v.Check(context.Background(), 2, nil, nil)
	require.False(t, res.Valid())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res = v.Check(ctx, 2, validDepot(), nil)
	require.Equal(t, []brief{{"", codes.ReturnCodeInternal}}, briefs(res.Errors), "no hook, no acceptance")
}
