package v1a_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

func paris(y int, m time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, m, d, h, mi, s, 0, ticket.Paris)
}

// sampleRecords holds one full record of every flow, with the text a
// spreadsheet and a CSV writer find hard.
func sampleRecords() []v1a.Record {
	return []v1a.Record{
		&v1a.Depot{ReferencePrestationPrise: "VIA0A0000000BBBBBBBB", ReferencePrise: "FI-XXXX-YYYY",
			ReferenceSigSAVRaccoOC: "BTGP-MG-OI-XXXXXX-ZZZZ", DateIncidClientFinal: ticket.Date{Year: 2012, Month: 2, Day: 6},
			NatureDefaut: codes.NatureDefautAffaiblissement, PrelocDefaut: codes.PrelocDefautPMPBO, NomClient: " Lefèvre ",
			PrenomClient: "Zoé", ContactClient1: "0600000001", ContactClient2: "+33600000002",
			PropalRdv: []ticket.Slot{{Debut: paris(2026, 1, 8, 14, 0, 0), Fin: paris(2026, 1, 8, 16, 0, 0)},
				{Debut: paris(2026, 1, 9, 22, 0, 0), Fin: paris(2026, 1, 10, 0, 0, 0)}},
			Commentaire: "=HYPERLINK(\"x\"); -19.43 dBm\nœuvre à 12€…"},
		&v1a.AR{ReferenceSigSAVRaccoOC: "REF-1", ReferencePrestationPrise: "VIA1", StatutAR: v1a.StatutKO,
			CodeRetour: codes.ReturnCodeHorsParcOC, MotifRefus: "INFO ReferencePrestationPrise HORS PARC OC | +autre"},
		&v1a.Cloture{ReferenceSigSAVOI: "OI-1", ReferenceSigSAVRaccoOC: "REF-1", ReferencePrise: "FI-1",
			DateCloture: paris(2026, 1, 10, 16, 30, 0), CodeCloture: "RET01", Responsabilite: codes.ResponsabiliteOI,
			LocalisationDefaut: codes.PrelocDefautPMPBO, Commentaire: "'=déjà échappé"},
		&v1a.Info{ReferenceSigSAVOI: "OI-1", ReferenceSigSAVRaccoOC: "REF-1", Emetteur: codes.RoleOI,
			DateMessage: paris(2026, 1, 5, 12, 0, 0), TypeMessage: codes.TypeMessageConfirmationRdv,
			EtatResolution: codes.EtatResolutionPlanifiee, DateIntervention: paris(2026, 1, 8, 14, 0, 0),
			PropalRdv:      []ticket.Slot{{Debut: paris(2026, 1, 8, 14, 0, 0), Fin: paris(2026, 1, 8, 16, 0, 0)}},
			ContactClient1: "0611223344", Commentaire: "@technicien"},
		&v1a.Travaux{ReferenceTravaux: "TRV-1", Etat: v1a.EtatTravauxNouveau, ReferencePM: "FTEL-PM-00000000000001",
			DateDebut: paris(2026, 1, 20, 8, 0, 0), DateFin: paris(2026, 1, 20, 18, 0, 0),
			NatureIntervention: v1a.NatureInterventionDEPL, InterventionRequiseOC: v1a.Oui, NumeroVoie: "12",
			Voie: "Rue de l'Église", CodePostal: "01000", Commune: "Bourg-en-Bresse", CodeInsee: "01053",
			ContactOI: "+33 4 72 00 00 00", Commentaire: "-"},
		&v1a.Dommage{ReferenceDommageOC: "DMG-1", ReferencePM: "PM-1", DateConstat: ticket.Date{Year: 2026, Month: 1, Day: 4},
			LocalisationDommage: codes.PrelocDefautPM, AdresseImmeuble: "3 rue des Œillets", NomContactImmeuble: "Gardien",
			TelContactImmeuble: "0472000001", Commentaire: "Porte \"forcée\""},
		&v1a.ARDommage{ReferenceDommageOC: "DMG-1", StatutAR: v1a.StatutOK, ReferenceDommageOI: "OI-DMG-1",
			DatePriseEnCompte: paris(2026, 1, 5, 8, 30, 0)},
	}
}

func TestWriterRoundTrip(t *testing.T) {
	for _, cs := range []v1a.Charset{v1a.Windows1252, v1a.UTF8, v1a.ISO885915} {
		for _, rec := range sampleRecords() {
			t.Run(cs.String()+"/"+string(rec.Flow()), func(t *testing.T) {
				if cs == v1a.ISO885915 {
					if d, ok := rec.(*v1a.Depot); ok {
						c := *d
						c.Commentaire = strings.ReplaceAll(c.Commentaire, "…", "...")
						rec = &c
					}
				}
				var buf bytes.Buffer
				w := v1a.NewWriter(&buf, rec.Flow())
				w.Charset = cs
				w.BOM = cs == v1a.UTF8
				require.NoError(t, w.Write(rec))
				require.NoError(t, w.Write(rec))
				w.Flush()
				require.NoError(t, w.Error())
				require.True(t, strings.HasSuffix(buf.String(), "\r\n"))
				r := v1a.NewReader(bytes.NewReader(buf.Bytes()))
				if cs == v1a.ISO885915 {
					r.Charset = "iso-8859-15"
				}
				flow, recs, probs, err := r.ReadAll()
				require.NoError(t, err)
				require.Empty(t, probs)
				require.Equal(t, rec.Flow(), flow)
				require.Len(t, recs, 2)
				if diff := cmp.Diff(rec, recs[0], timeEqual); diff != "" {
					t.Fatalf("round trip (-want +got)\n%s", diff)
				}
			})
		}
	}
}

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func TestWriterOutput(t *testing.T) {
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, v1a.FlowDepot)
	require.NoError(t, w.Write(sampleRecords()[0]))
	w.Flush()
	require.NoError(t, w.Error())
	want := depotHeader + "\r\n" +
		`VIA0A0000000BBBBBBBB;FI-XXXX-YYYY;BTGP-MG-OI-XXXXXX-ZZZZ;20120206;AFFAIBLISSEMENT;COL MONTANTE;" Lefèvre ";Zoé;` +
		`0600000001;+33600000002;;202601081400-1600|202601092200-2400;"'=HYPERLINK(""x""); -19.43 dBm` + "\n" +
		`œuvre à 12€…"` + "\r\n"
	require.Equal(t, cp1252(t, want), buf.Bytes())
}

func TestWriterOptions(t *testing.T) {
	rec := &v1a.Dommage{ReferenceDommageOC: "=1+1", Commentaire: "@x"}
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, v1a.FlowDommage)
	w.SpreadsheetSafe = false
	w.UseLF = true
	w.Comma = ','
	require.NoError(t, w.Write(rec))
	w.Flush()
	require.Equal(t, "ReferenceDommageOC,ReferencePM,DateConstat,LocalisationDommage,AdresseImmeuble,"+
		"NomContactImmeuble,TelContactImmeuble,Commentaire\n=1+1,,,,,,,@x\n", buf.String())

	// An all-empty record still reads back as a record.
	buf.Reset()
	require.NoError(t, v1a.WriteAll(&buf, v1a.FlowDommage, &v1a.Dommage{}))
	_, recs, _, err := v1a.ReadAll(&buf)
	require.NoError(t, err)
	require.Equal(t, []v1a.Record{&v1a.Dommage{}}, recs)
}

func TestWriterErrors(t *testing.T) {
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, v1a.FlowDommage)
	err := w.Write(&v1a.Dommage{ReferenceDommageOC: "DMG-1", Commentaire: "emoji 🙂"})
	var ee *v1a.EncodeError
	require.ErrorAs(t, err, &ee)
	require.ErrorIs(t, err, v1a.ErrUnencodable)
	require.Equal(t, "Commentaire", ee.Field)
	require.Equal(t, '🙂', ee.Rune)
	require.Equal(t, 2, ee.Line)
	require.NoError(t, w.Error(), "an unencodable record is skipped, the writer goes on")

	w.Charset = v1a.ISO885915
	require.ErrorIs(t, w.Write(&v1a.Dommage{Commentaire: "‰"}), v1a.ErrUnencodable)
	w.Charset = v1a.UTF8
	require.NoError(t, w.Write(&v1a.Dommage{Commentaire: "🙂"}))
	require.ErrorIs(t, w.Write(&v1a.Dommage{Commentaire: "\xff"}), v1a.ErrUnencodable)

	require.ErrorIs(t, w.Write(&v1a.AR{}), v1a.ErrWrongFlow)
	err = w.Write(&v1a.Dommage{})
	require.NoError(t, err)

	// A slot over two days cannot be written.
	w2 := v1a.NewWriter(&buf, v1a.FlowDepot)
	err = w2.Write(&v1a.Depot{PropalRdv: []ticket.Slot{{Debut: paris(2026, 1, 8, 22, 0, 0), Fin: paris(2026, 1, 9, 2, 0, 0)}}})
	require.ErrorIs(t, err, codes.ErrFormat)

	// A layout of another flow.
	w3 := v1a.NewWriter(&buf, v1a.FlowDepot)
	w3.Layout = v1a.DefaultLayout(v1a.FlowAR)
	require.ErrorIs(t, w3.WriteHeader(), v1a.ErrWrongFlow)
	require.ErrorIs(t, w3.Write(&v1a.Depot{}), v1a.ErrWrongFlow)

	// Write errors are sticky.
	w4 := v1a.NewWriter(failWriter{}, v1a.FlowDepot)
	for range 200 {
		_ = w4.Write(sampleRecords()[0])
	}
	w4.Flush()
	require.Error(t, w4.Error())
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestParseCharset(t *testing.T) {
	for label, want := range map[string]v1a.Charset{"UTF-8": v1a.UTF8, "cp1252": v1a.Windows1252,
		"l9": v1a.ISO885915, "iso_8859-15": v1a.ISO885915, "windows-1252": v1a.Windows1252} {
		got, err := v1a.ParseCharset(label)
		require.NoError(t, err, label)
		require.Equal(t, want, got, label)
		require.Equal(t, want, must(v1a.ParseCharset(got.String())))
	}
	_, err := v1a.ParseCharset("koi8-r")
	require.ErrorIs(t, err, v1a.ErrCharset)
	r, ok := v1a.Windows1252.Encodable("abc€œ🙂")
	require.False(t, ok)
	require.Equal(t, '🙂', r)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSmallAPI(t *testing.T) {
	ls := v1a.DefaultLayouts()
	require.Len(t, ls, len(v1a.Flows))
	c := ls[0].Clone()
	c.Columns[0].Name = "X"
	require.NotEqual(t, "X", ls[0].Columns[0].Name, "Clone copies the columns")
	col, ok := ls[0].Column(v1a.FieldCommentaire)
	require.True(t, ok)
	require.Equal(t, 1500, col.Max)
	require.Equal(t, "O", col.Need.String())
	require.Equal(t, "M", v1a.Mandatory.String())
	require.Equal(t, "C", v1a.Conditional.String())
	_, ok = ls[0].Column(v1a.FieldVoie)
	require.False(t, ok)
	require.Equal(t, "Voie", ls[0].Name(v1a.FieldVoie))
	require.False(t, ls[0].Rename(v1a.FieldVoie, "x"))
	require.Nil(t, v1a.DefaultLayout("NOPE"))

	r := v1a.NewReader(strings.NewReader(depotHeader + "\n"))
	require.Zero(t, r.Line())
	require.Nil(t, r.Layout())
	_, err := r.Header()
	require.NoError(t, err)
	require.Equal(t, v1a.FlowDepot, r.Layout().Flow)

	require.Equal(t, "cloture.description: no column", v1a.Loss{Field: "cloture.description", Reason: "no column"}.String())
	f := v1a.Finding{Line: 2, Field: "NatureDefaut", Code: 2, Message: "INFO NatureDefaut ERRONEE"}
	require.Equal(t, "line 2: NatureDefaut: 2 INFO NatureDefaut ERRONEE", f.String())

	// Error texts name what is wrong.
	for _, e := range []error{
		&v1a.ParseError{StartLine: 3, Line: 3, Err: v1a.ErrSyntax},
		&v1a.HeaderError{Header: []string{"a", "b"}},
		&v1a.HeaderError{Header: []string{"a"}, Flow: v1a.FlowAR, Want: v1a.FlowDepot},
		&v1a.LayoutError{Flow: v1a.FlowAR, Reason: "no column"},
		&v1a.EncodeError{Line: 2, Field: "Commentaire", Rune: '🙂', Charset: "windows-1252"},
		&v1a.FileNameError{Name: "x.csv", Part: "FLUX", Reason: "unknown flow"},
		&v1a.CarryError{Field: "typeSAV", Reason: "no EXPERTISE"},
	} {
		require.True(t, strings.HasPrefix(e.Error(), "v1a: "), e.Error())
	}
	_, err = v1a.ParseCharset("nope")
	require.Contains(t, err.Error(), `"nope"`)

	// A UTF-16 file whose part says UTF-16.
	data, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(depotHeader + "\n;FI;R;20260102;COUPURE;PBO;;;;;;;é\n"))
	require.NoError(t, err)
	r = v1a.NewReader(bytes.NewReader(data))
	r.Charset = "utf-16"
	_, recs, _, err := r.ReadAll()
	require.NoError(t, err)
	require.Equal(t, "é", recs[0].(*v1a.Depot).Commentaire)
	// A single-byte charset named by the part (ISO-8859-2).
	r = v1a.NewReader(bytes.NewReader(append([]byte(depotHeader+"\n;FI;R;20260102;COUPURE;PBO;"), 0xa3, '\n')))
	r.Charset = "iso-8859-2"
	_, recs, _, err = r.ReadAll()
	require.NoError(t, err)
	require.Equal(t, "Ł", recs[0].(*v1a.Depot).NomClient)
}
