package infotravaux

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/v1a"
)

// csvView is what the TRAVAUX flow carries of a notice.
func csvView(t Travaux) Travaux {
	return Travaux{Reference: t.Reference, Etat: t.Etat, ReferencePm: t.ReferencePm,
		DateDebutTravaux: t.DateDebutTravaux, DateFinTravaux: t.DateFinTravaux,
		NatureIntervention: t.NatureIntervention, InterventionRequiseOC: t.InterventionRequiseOC,
		CoordonneesContactOI: t.CoordonneesContactOI, CommentairesIntervention: t.CommentairesIntervention,
		IdentifiantImmeuble: t.IdentifiantImmeuble, Adresses: t.Adresses}
}

func withAddresses() Travaux {
	t := sampleTravaux()[0]
	t.Adresses = []Adresse{
		{NumeroVoie: "12 bis", Voie: "Rue de l'Œuvre", CodePostal: "75011", Commune: "Paris", CodeInsee: "75111",
			IdentifiantImmeuble: "IMB/75056/X/0001"},
		{Voie: "Allée \"des Tilleuls\"; bâtiment B", CodePostal: "75011", Commune: "Paris",
			IdentifiantImmeuble: "IMB/75056/X/0002"},
		{NumeroVoie: "3", Voie: "=Place du Marché", CodePostal: "01000", Commune: "Bourg-en-Bresse"},
	}
	t.IdentifiantImmeuble = []string{"IMB/75056/X/0001", "IMB/75056/X/0002", "IMB/01053/Y/0009"}
	return t
}

func TestLines(t *testing.T) {
	tr := withAddresses()
	lines := Lines(&tr)
	require.Len(t, lines, 4, "three addresses and one building without an address")
	for _, l := range lines {
		require.Equal(t, "TP-2026-0001", l.ReferenceTravaux)
		require.Equal(t, v1a.EtatTravauxNouveau, l.Etat)
		require.Equal(t, v1a.NatureInterventionDEPL, l.NatureIntervention)
		require.Equal(t, v1a.Oui, l.InterventionRequiseOC)
		require.True(t, l.DateDebut.Equal(tr.DateDebutTravaux))
		require.Equal(t, tr.CoordonneesContactOI, l.ContactOI)
	}
	require.Equal(t, "Bourg-en-Bresse", lines[2].Commune)
	require.Equal(t, "IMB/01053/Y/0009", lines[3].IdentifiantImmeuble)
	require.Empty(t, lines[3].Voie)

	// Nothing to place: one line without an address.
	bare := sampleTravaux()[1]
	require.Len(t, Lines(&bare), 1)
	// Buildings only: one line each.
	b := sampleTravaux()[0]
	require.Len(t, Lines(&b), 2)
}

// TestCSVRoundTrip: notice → TRAVAUX file → notice keeps every field the
// flow carries, and file → notice → file gives the same bytes.
func TestCSVRoundTrip(t *testing.T) {
	notices := []Travaux{withAddresses(), sampleTravaux()[1]}
	second := withAddresses()
	second.Etat = EtatReplanification
	second.DateDebutTravaux = paris(2026, 12, 8, 8, 0)
	second.DateFinTravaux = paris(2026, 12, 8, 17, 0)
	second.Adresses = second.Adresses[:1]
	second.IdentifiantImmeuble = second.IdentifiantImmeuble[:1]
	notices = append(notices, second)

	for _, cs := range []v1a.Charset{v1a.Windows1252, v1a.UTF8} {
		t.Run(fmt.Sprint(cs), func(t *testing.T) {
			var buf bytes.Buffer
			vw := v1a.NewWriter(&buf, v1a.FlowTravaux)
			vw.Charset = cs
			w := NewCSVWriter(vw)
			for i := range notices {
				require.NoError(t, w.Write(&notices[i]))
			}
			require.NoError(t, w.Flush())
			file := buf.Bytes()

			r := NewCSVReader(v1a.NewReader(bytes.NewReader(file)))
			var got []Travaux
			var starts []int
			for {
				n, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					// The lines without an address (line 5 names a building,
					// line 6 is the DERCO without buildings) miss their
					// mandatory Voie, CodePostal and Commune.
					var ce *CSVError
					require.ErrorAs(t, err, &ce)
					require.Len(t, ce.Errs, 1)
					require.Contains(t, []int{5, 6}, ce.Errs[0].Line)
					require.Len(t, ce.Errs[0].Findings, 3, "%v", err)
				}
				got = append(got, *n)
				starts = append(starts, r.Line())
			}
			want := make([]Travaux, len(notices))
			for i, n := range notices {
				want[i] = csvView(n)
			}
			if diff := cmp.Diff(want, got, cmpTime, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("notices (-want +got):\n%s", diff)
			}
			require.Equal(t, []int{2, 6, 7}, starts)

			// Back to CSV: the same bytes.
			var again bytes.Buffer
			vw = v1a.NewWriter(&again, v1a.FlowTravaux)
			vw.Charset = cs
			w = NewCSVWriter(vw)
			for i := range got {
				require.NoError(t, w.Write(&got[i]))
			}
			require.NoError(t, w.Flush())
			require.Equal(t, string(file), again.String())
		})
	}
}

// TestCSVFromPartnerFile reads a file as a partner writes it: LF, spreadsheet
// dates, a damaged postal code, an unknown state.
func TestCSVFromPartnerFile(t *testing.T) {
	file := "ReferenceTravaux;Etat;ReferencePM;DateDebut;DateFin;NatureIntervention;InterventionRequiseOC;NumeroVoie;Voie;CodePostal;Commune;CodeInsee;IdentifiantImmeuble;ContactOI;Commentaire\n" +
		"TP-1;NOUVEAU;PM-1;202612010800;202612011700;DEPL;OUI;1;Rue A;75011;Paris;75111;IMB-1;01 23 45 67 89;\n" +
		"TP-1;NOUVEAU;PM-1;202612010800;202612011700;DEPL;OUI;2;Rue B;1000;Bourg;;IMB-2;01 23 45 67 89;\n" +
		"TP-1;MAJ;PM-1;202612010800;202612011800;DEPL;OUI;1;Rue A;75011;Paris;75111;IMB-1;01 23 45 67 89;fin décalée\n" +
		"TP-2;TERMINE;PM-2;202612010800;pas de date;AUTR;NON;;Rue C;69001;Lyon;;;;autre\n"
	r := NewCSVReader(v1a.NewReader(strings.NewReader(file)))

	n, err := r.Read()
	var ce *CSVError
	require.ErrorAs(t, err, &ce, "the damaged postal code is a warning")
	require.Equal(t, 2, ce.StartLine)
	require.Len(t, ce.Errs, 1)
	require.Equal(t, 3, ce.Errs[0].Line)
	require.ErrorIs(t, err, v1a.ErrWarnings)
	require.Len(t, n.Adresses, 2)
	require.Equal(t, "01000", n.Adresses[1].CodePostal, "repaired")
	require.Equal(t, []string{"IMB-1", "IMB-2"}, n.IdentifiantImmeuble)

	n, err = r.Read()
	require.NoError(t, err)
	require.Equal(t, EtatMAJ, n.Etat, "a state change starts a new notice")
	require.Equal(t, "fin décalée", n.CommentairesIntervention)
	require.Equal(t, 4, r.Line())

	n, err = r.Read()
	require.ErrorIs(t, err, v1a.ErrFindings, "the bad date is a finding, the notice still comes")
	require.Equal(t, Etat("TERMINE"), n.Etat)
	require.False(t, n.Etat.Valid())
	require.True(t, n.DateFinTravaux.IsZero())

	_, err = r.Read()
	require.Equal(t, io.EOF, err)
	_, err = r.Read()
	require.Equal(t, io.EOF, err)
}

func TestCSVReaderOtherFlow(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, v1a.WriteAll(&buf, v1a.FlowDommage, &v1a.Dommage{ReferenceDommageOC: "D1"}))

	vr := v1a.NewReader(bytes.NewReader(buf.Bytes()))
	vr.Flow = v1a.FlowDommage // the reader reads what it is told to
	_, err := NewCSVReader(vr).Read()
	require.ErrorIs(t, err, ErrNotTravaux)

	// By default the reader wants TRAVAUX.
	r := NewCSVReader(v1a.NewReader(bytes.NewReader(buf.Bytes())))
	_, err = r.Read()
	require.Error(t, err)
	_, err2 := r.Read()
	require.Equal(t, err, err2, "sticky")
}

// lineSource produces a TRAVAUX file of n notices of k lines each, one
// line at a time, and counts the bytes handed out.
type lineSource struct {
	n, k, i int
	buf     bytes.Buffer
	served  int64
}

func (s *lineSource) Read(p []byte) (int, error) {
	for s.buf.Len() == 0 {
		if s.i == 0 {
			s.buf.WriteString("ReferenceTravaux;Etat;ReferencePM;DateDebut;DateFin;NatureIntervention;InterventionRequiseOC;NumeroVoie;Voie;CodePostal;Commune;CodeInsee;IdentifiantImmeuble;ContactOI;Commentaire\r\n")
		}
		if s.i >= s.n*s.k {
			return 0, io.EOF
		}
		fmt.Fprintf(&s.buf, "TP-%07d;NOUVEAU;PM-1;202612010800;202612011700;REFE;NON;%d;Rue de la Paix;75002;Paris;75102;IMB-%d;;\r\n",
			s.i/s.k, s.i%s.k, s.i)
		s.i++
	}
	n, _ := s.buf.Read(p)
	s.served += int64(n)
	return n, nil
}

// TestCSVReaderStreams: notices come out while the file is still being
// produced; the reader never holds more than a notice and its look-ahead.
func TestCSVReaderStreams(t *testing.T) {
	src := &lineSource{n: 5000, k: 5}
	r := NewCSVReader(v1a.NewReader(bufio.NewReaderSize(src, 4096)))
	count := 0
	for {
		n, err := r.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.Len(t, n.Adresses, 5)
		count++
		if count == 1 {
			require.Less(t, src.served, int64(256<<10), "the first notice needed only the start of the file")
		}
	}
	require.Equal(t, 5000, count)
	require.Greater(t, src.served, int64(2<<20))
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf))
	require.Equal(t, "ReferenceTravaux;Etat;ReferencePM;DateDebut;DateFin;NatureIntervention;InterventionRequiseOC;NumeroVoie;Voie;CodePostal;Commune;CodeInsee;IdentifiantImmeuble;ContactOI;Commentaire\r\n", buf.String())

	buf.Reset()
	tr := withAddresses()
	tr.CommentairesIntervention = "Prix: 10 €, œuvre ✓" // ✓ has no Windows-1252 byte
	err := WriteCSV(&buf, tr)
	require.Error(t, err)
	require.ErrorIs(t, err, v1a.ErrUnencodable)
	require.True(t, errors.Is(err, v1a.ErrUnencodable))
}
