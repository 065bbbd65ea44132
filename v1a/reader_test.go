package v1a_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

const depotHeader = "ReferencePrestationPrise;ReferencePrise;ReferenceSigSAVRaccoOC;DateIncidClientFinal;NatureDefaut;" +
	"PrelocDefaut;NomClient;PrenomClient;ContactClient1;ContactClient2;IdRdv;PropalRdv;Commentaire"

func cp1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

func readAll(t *testing.T, r *v1a.Reader) ([]v1a.Record, []*v1a.RecordError) {
	t.Helper()
	_, recs, probs, err := r.ReadAll()
	require.NoError(t, err)
	return recs, probs
}

func TestReaderCharsets(t *testing.T) {
	text := depotHeader + "\r\nVIA1;;REF-1;20260102;COUPURE;PBO;Lefèvre;Zoé;;;;;œuf à 12€.\r\n"
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	require.NoError(t, err)
	iso15, err := charmap.ISO8859_15.NewEncoder().Bytes([]byte(text))
	require.NoError(t, err)
	tests := []struct {
		name    string
		data    []byte
		label   string
		charset string
	}{
		{"windows-1252 sniffed", cp1252(t, text), "", "windows-1252"},
		{"utf-8 sniffed", []byte(text), "", "utf-8"},
		{"utf-8 with BOM", append([]byte("\ufeff"), text...), "", "utf-8"},
		{"utf-16 with BOM", utf16, "", "utf-16"},
		{"MIME label iso-8859-15", iso15, "ISO-8859-15", "iso-8859-15"},
		{"MIME label windows-1252", cp1252(t, text), "windows-1252", "windows-1252"},
		{"MIME label latin1 means windows-1252", cp1252(t, text), "latin1", "windows-1252"},
		{"MIME label utf-8 with BOM", append([]byte("\ufeff"), text...), "utf-8", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v1a.NewReader(bytes.NewReader(tt.data))
			r.Charset = tt.label
			recs, probs := readAll(t, r)
			require.Empty(t, probs)
			require.Len(t, recs, 1)
			require.Contains(t, r.DetectedCharset(), tt.charset)
			d := recs[0].(*v1a.Depot)
			require.Equal(t, "Lefèvre", d.NomClient)
			require.Equal(t, "Zoé", d.PrenomClient)
			require.Equal(t, "œuf à 12€.", d.Commentaire)
		})
	}
}

func TestReaderUnknownCharsetLabel(t *testing.T) {
	r := v1a.NewReader(strings.NewReader(depotHeader + "\n"))
	r.Charset = "x-no-such-charset"
	_, err := r.Header()
	require.ErrorIs(t, err, v1a.ErrCharset)
}

// A UTF-8 file with one Windows-1252 cell past the sniffed prefix: the cell
// is read as Windows-1252, with a warning.
func TestReaderMixedUTF8(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(depotHeader + "\n")
	for range 2000 {
		b.WriteString("VIA1;;REF-1;20260102;COUPURE;PBO;Zoé;;;;;;commentaire assez long pour remplir le tampon\n")
	}
	b.WriteString("VIA1;;REF-2;20260102;COUPURE;PBO;")
	b.Write(cp1252(t, "Lefèvre"))
	b.WriteString(";;;;;;\n")
	require.Greater(t, b.Len(), 64<<10)
	r := v1a.NewReader(&b)
	recs, probs := readAll(t, r)
	require.Equal(t, "utf-8", r.DetectedCharset())
	require.Len(t, recs, 2001)
	require.Equal(t, "Lefèvre", recs[2000].(*v1a.Depot).NomClient)
	require.Len(t, probs, 1)
	require.Equal(t, "NomClient", probs[0].Warnings[0].Field)
	require.Contains(t, probs[0].Warnings[0].Message, "not valid UTF-8")
}

// A rune split across two cells of a UTF-8 file: each cell is invalid UTF-8
// on its own, so both are read as Windows-1252, with a warning, whether the
// line is quoted or not.
func TestReaderRuneSplitAcrossCells(t *testing.T) {
	for _, line := range []string{
		"VIA1;;REF-1;20260102;COUPURE;PBO;Lef\xc3;\xa9;;;;;\n",
		"VIA1;;REF-1;20260102;COUPURE;PBO;\"Lef\xc3\";\"\xa9\";;;;;\"x\"\n",
	} {
		r := v1a.NewReader(strings.NewReader(depotHeader + "\n" + line))
		r.Charset = "utf-8"
		recs, probs := readAll(t, r)
		require.Len(t, recs, 1)
		d := recs[0].(*v1a.Depot)
		require.Equal(t, "LefÃ", d.NomClient)
		require.Equal(t, "©", d.PrenomClient)
		require.Len(t, probs, 1)
		require.Len(t, probs[0].Warnings, 2)
		for _, w := range probs[0].Warnings {
			require.Contains(t, w.Message, "not valid UTF-8")
		}
	}
}

func TestReaderSyntax(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		want  []string // Commentaire of each record
		lines []int
	}{
		{"CRLF", "A;;R;20260102;COUPURE;PBO;;;;;;;un\r\nA;;R;20260102;COUPURE;PBO;;;;;;;deux\r\n",
			[]string{"un", "deux"}, []int{2, 3}},
		{"LF", "A;;R;20260102;COUPURE;PBO;;;;;;;un\nA;;R;20260102;COUPURE;PBO;;;;;;;deux\n",
			[]string{"un", "deux"}, []int{2, 3}},
		{"CR", "A;;R;20260102;COUPURE;PBO;;;;;;;un\rA;;R;20260102;COUPURE;PBO;;;;;;;deux",
			[]string{"un", "deux"}, []int{2, 3}},
		{"quoted separator and quotes", `A;;R;20260102;COUPURE;PBO;;;;;;;"a;b ""c"""` + "\n",
			[]string{`a;b "c"`}, []int{2}},
		{"quoted line breaks become LF", "A;;R;20260102;COUPURE;PBO;;;;;;;\"l1\r\nl2\rl3\nl4\"\r\nA;;R;20260102;COUPURE;PBO;;;;;;;x\r\n",
			[]string{"l1\nl2\nl3\nl4", "x"}, []int{2, 6}},
		{"trailing separator and empty cells", "A;;R;20260102;COUPURE;PBO;;;;;;;c;;;\n", []string{"c"}, []int{2}},
		{"fewer cells than columns", "A;;R;20260102;COUPURE;PBO\n", []string{""}, []int{2}},
		{"blank lines and separator-only lines skipped", "\n;;;;\nA;;R;20260102;COUPURE;PBO;;;;;;;c\n\n",
			[]string{"c"}, []int{4}},
		{"spaces trimmed from unquoted cells only", "A;;R;20260102;COUPURE;PBO;;;;;;;  c  \nA;;R;20260102;COUPURE;PBO;;;;;;;  \"  q  \"  \n",
			[]string{"c", "  q  "}, []int{2, 3}},
		{"every field quoted", `"A";"";"R";"20260102";"COUPURE";"PBO";"";"";"";"";"";"";"c"` + "\n",
			[]string{"c"}, []int{2}},
		{"no final line end", "A;;R;20260102;COUPURE;PBO;;;;;;;c", []string{"c"}, []int{2}},
		{"bare quote inside unquoted cell kept", `A;;R;20260102;COUPURE;PBO;;;;;;;5" PTO` + "\n",
			[]string{`5" PTO`}, []int{2}},
		{"spreadsheet escape removed", "A;;R;20260102;COUPURE;PBO;;;;;;;'=SUM(A1)\nA;;R;20260102;COUPURE;PBO;;;;;;;'abc\n",
			[]string{"=SUM(A1)", "'abc"}, []int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v1a.NewReader(iotest.OneByteReader(strings.NewReader(depotHeader + "\r\n" + tt.body)))
			var got []string
			var lines []int
			for {
				rec, err := r.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NotNil(t, rec, "%v", err)
				if err != nil {
					require.ErrorIs(t, err, v1a.ErrWarnings)
				}
				got = append(got, rec.(*v1a.Depot).Commentaire)
				lines = append(lines, r.Line())
			}
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.lines, lines)
			require.Equal(t, len(tt.want), r.Records())
		})
	}
}

func TestReaderStrayTextAfterQuote(t *testing.T) {
	r := v1a.NewReader(strings.NewReader(depotHeader + "\nA;;R;20260102;COUPURE;PBO;;;;;;;\"abc\" def\n"))
	rec, err := r.Read()
	require.Equal(t, `abc" def`, rec.(*v1a.Depot).Commentaire)
	re, ok := errors.AsType[*v1a.RecordError](err)
	require.True(t, ok)
	require.Len(t, re.Warnings, 1)
	require.Equal(t, "Commentaire", re.Warnings[0].Field)

	r = v1a.NewReader(strings.NewReader(depotHeader + "\nA;;R;20260102;COUPURE;PBO;;;;;;;\"abc\" def\n"))
	r.Strict = true
	_, err = r.Read()
	require.ErrorIs(t, err, v1a.ErrFindings)
}

func TestReaderFatal(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		max   int
		check func(t *testing.T, err error)
	}{
		{"unterminated quote", depotHeader + "\nA;;R;20260102;COUPURE;PBO;;;;;;;\"abc\n\n", 0, func(t *testing.T, err error) {
			pe, ok := errors.AsType[*v1a.ParseError](err)
			require.True(t, ok)
			require.ErrorIs(t, err, v1a.ErrSyntax)
			require.Equal(t, 2, pe.StartLine)
			require.Equal(t, 4, pe.Line)
			require.Equal(t, 13, pe.Column)
		}},
		{"record too long", depotHeader + "\nA;;R;20260102;COUPURE;PBO;;;;;;;" + strings.Repeat("x", 300) + "\n", 200,
			func(t *testing.T, err error) { require.ErrorIs(t, err, v1a.ErrSyntax) }},
		{"quoted record too long", depotHeader + "\nA;;R;20260102;COUPURE;PBO;;;;;;;\"" + strings.Repeat("x", 300) + "\"\n", 200,
			func(t *testing.T, err error) { require.ErrorIs(t, err, v1a.ErrSyntax) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v1a.NewReader(strings.NewReader(tt.data))
			r.MaxRecordBytes = tt.max
			_, err := r.Read()
			tt.check(t, err)
			_, again := r.Read()
			require.Equal(t, err, again, "fatal errors are sticky")
		})
	}
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader(depotHeader+"\nA;;R;20260102;COUPURE;PBO;;;;;;;c\n"), iotest.ErrReader(boom))
	r := v1a.NewReader(src)
	_, err := r.Read()
	require.NoError(t, err)
	_, err = r.Read()
	require.ErrorIs(t, err, boom)
}

func TestDetectFlow(t *testing.T) {
	for _, f := range v1a.Flows {
		h := v1a.DefaultLayout(f).Header()
		got, err := v1a.DetectFlow(h)
		require.NoError(t, err)
		require.Equal(t, f, got)
		// Case, spaces, quotes, a BOM and trailing empty cells do not matter.
		messy := make([]string, len(h))
		for i, c := range h {
			messy[i] = " \"" + strings.ToUpper(c) + "\" "
		}
		messy[0] = "\ufeff" + messy[0]
		messy = append(messy, "", " ")
		got, err = v1a.DetectFlow(messy)
		require.NoError(t, err)
		require.Equal(t, f, got)
	}
	_, err := v1a.DetectFlow([]string{"ReferenceSigSAVOI", "Foo"})
	require.ErrorIs(t, err, v1a.ErrUnknownHeader)
}

func TestLayoutOverride(t *testing.T) {
	l := v1a.DefaultLayout(v1a.FlowDepot)
	require.True(t, l.Rename(v1a.FieldReferencePrise, "RefPTO"))
	// Move Commentaire first and drop ContactClient2.
	cols := l.Columns
	com := cols[len(cols)-1]
	cols = append([]v1a.Column{com}, cols[:len(cols)-1]...)
	l.Columns = nil
	for _, c := range cols {
		if c.Field != v1a.FieldContactClient2 {
			l.Columns = append(l.Columns, c)
		}
	}
	require.NoError(t, l.Check())
	data := "Commentaire;ReferencePrestationPrise;RefPTO;ReferenceSigSAVRaccoOC;DateIncidClientFinal;NatureDefaut;" +
		"PrelocDefaut;NomClient;PrenomClient;ContactClient1;IdRdv;PropalRdv\r\nbonjour;;PTO-1;R;20260102;COUPURE;PBO;;;;;\r\n"
	r := v1a.NewReader(strings.NewReader(data))
	r.Layouts = []*v1a.Layout{l}
	recs, probs := readAll(t, r)
	require.Empty(t, probs)
	require.Equal(t, &v1a.Depot{Commentaire: "bonjour", ReferencePrise: "PTO-1", ReferenceSigSAVRaccoOC: "R",
		DateIncidClientFinal: ticket.Date{Year: 2026, Month: 1, Day: 2}, NatureDefaut: codes.NatureDefautCoupure,
		PrelocDefaut: codes.PrelocDefautPBO}, recs[0])

	// Write with the same layout, read back.
	var buf bytes.Buffer
	w := v1a.NewWriter(&buf, v1a.FlowDepot)
	w.Layout = l
	require.NoError(t, w.Write(recs[0]))
	w.Flush()
	require.NoError(t, w.Error())
	require.True(t, strings.HasPrefix(buf.String(), "Commentaire;ReferencePrestationPrise;RefPTO;"))

	// Findings name the partner's column.
	v := &v1a.Validator{Layouts: []*v1a.Layout{l}, Now: goldenNow}
	res := v.Check(t.Context(), 2, &v1a.Depot{ReferenceSigSAVRaccoOC: "R", NatureDefaut: "COUPURE", PrelocDefaut: "PBO",
		DateIncidClientFinal: ticket.Date{Year: 2026, Month: 1, Day: 2}}, nil)
	require.Len(t, res.Errors, 1)
	require.Equal(t, "RefPTO", res.Errors[0].Field)
}

func TestLayoutErrors(t *testing.T) {
	// An override that makes two headers equal.
	l := v1a.DefaultLayout(v1a.FlowARDommage)
	l.Columns = l.Columns[:0]
	for _, c := range v1a.DefaultLayout(v1a.FlowARDommage).Columns {
		c.Name = strings.ToLower(string(c.Field))
		l.Columns = append(l.Columns, c)
	}
	require.NoError(t, l.Check())
	_, err := v1a.DetectFlow([]string{"x"}, l)
	require.ErrorIs(t, err, v1a.ErrUnknownHeader)

	dep := v1a.DefaultLayout(v1a.FlowDommage)
	dep.Columns = nil
	for i, c := range v1a.DefaultLayout(v1a.FlowARDommage).Columns {
		dep.Columns = append(dep.Columns, v1a.Column{Name: c.Name, Field: v1a.DefaultLayout(v1a.FlowDommage).Columns[i].Field})
	}
	r := v1a.NewReader(strings.NewReader("x\n"))
	r.Layouts = []*v1a.Layout{dep}
	_, err = r.Header()
	require.ErrorIs(t, err, v1a.ErrAmbiguousHeader)

	bad := []*v1a.Layout{
		{Flow: "NOPE", Columns: []v1a.Column{{Name: "a", Field: v1a.FieldIdRdv}}},
		{Flow: v1a.FlowAR},
		{Flow: v1a.FlowAR, Columns: []v1a.Column{{Name: "a", Field: v1a.FieldVoie}}},
		{Flow: v1a.FlowAR, Columns: []v1a.Column{{Name: "a", Field: v1a.FieldStatutAR}, {Name: "b", Field: v1a.FieldStatutAR}}},
		{Flow: v1a.FlowAR, Columns: []v1a.Column{{Name: "a", Field: v1a.FieldStatutAR}, {Name: " A", Field: v1a.FieldCodeRetour}}},
		{Flow: v1a.FlowAR, Columns: []v1a.Column{{Name: " ", Field: v1a.FieldStatutAR}}},
	}
	for _, l := range bad {
		require.ErrorIs(t, l.Check(), v1a.ErrLayout, "%+v", l)
	}
	_, err = v1a.DetectFlow(nil, v1a.DefaultLayout(v1a.FlowAR), v1a.DefaultLayout(v1a.FlowAR))
	require.ErrorIs(t, err, v1a.ErrLayout)
}

func TestReaderExpectedFlow(t *testing.T) {
	r := v1a.NewReader(strings.NewReader(depotHeader + "\n"))
	r.Flow = v1a.FlowAR
	_, err := r.Read()
	require.ErrorIs(t, err, v1a.ErrUnknownHeader)
}

func TestReaderRepairs(t *testing.T) {
	data := depotHeader + "\n" + `"A";"";"R";"2/1/2026";"COUPURE";"PTO";"Nom";"";612345678;33612345678;"";202601081400-1600;"x"` + "\n"
	for _, strict := range []bool{false, true} {
		r := v1a.NewReader(strings.NewReader(data))
		r.Strict = strict
		rec, err := r.Read()
		d := rec.(*v1a.Depot)
		require.Equal(t, "0612345678", d.ContactClient1)
		require.Equal(t, "+33612345678", d.ContactClient2)
		require.Equal(t, ticket.Date{Year: 2026, Month: 1, Day: 2}, d.DateIncidClientFinal)
		re, ok := errors.AsType[*v1a.RecordError](err)
		require.True(t, ok)
		if strict {
			require.Len(t, re.Findings, 3)
			require.Empty(t, re.Warnings)
			require.Equal(t, codes.ReturnCodeBadFormat, re.Findings[0].Code)
		} else {
			require.Len(t, re.Warnings, 3)
			require.Empty(t, re.Findings)
		}
	}
	// Cells keeps the text as it was in the file.
	r := v1a.NewReader(strings.NewReader(data))
	_, _ = r.Read()
	require.Equal(t, "612345678", r.Cells()[8])
}

func TestReaderTimesAreParis(t *testing.T) {
	data := "ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;Emetteur;DateMessage;TypeMessage;EtatResolution;DateIntervention;" +
		"IdRdv;PropalRdv;ContactClient1;ContactClient2;Commentaire\n" +
		"OI-1;OC-1;oi;20260705143000;proposition de rdv;;06/07/2026 08:30;;202607081400-1600|202607082200-2400;;;\n"
	_, recs, probs, err := v1a.ReadAll(strings.NewReader(data))
	require.NoError(t, err)
	require.Len(t, probs, 1) // the JJ/MM/AAAA HH:MM date
	in := recs[0].(*v1a.Info)
	want := &v1a.Info{ReferenceSigSAVOI: "OI-1", ReferenceSigSAVRaccoOC: "OC-1", Emetteur: codes.RoleOI,
		DateMessage:      time.Date(2026, 7, 5, 14, 30, 0, 0, ticket.Paris),
		TypeMessage:      codes.TypeMessagePropositionRdv,
		DateIntervention: time.Date(2026, 7, 6, 8, 30, 0, 0, ticket.Paris),
		PropalRdv: []ticket.Slot{
			{Debut: time.Date(2026, 7, 8, 14, 0, 0, 0, ticket.Paris), Fin: time.Date(2026, 7, 8, 16, 0, 0, 0, ticket.Paris)},
			{Debut: time.Date(2026, 7, 8, 22, 0, 0, 0, ticket.Paris), Fin: time.Date(2026, 7, 9, 0, 0, 0, 0, ticket.Paris)},
		}}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	require.True(t, in.DateMessage.Equal(time.Date(2026, 7, 5, 12, 30, 0, 0, time.UTC)), "summer time in Paris")
}

// Slots on the days Paris changes time end at the wall clock they say.
func TestReaderSlotsAcrossTimeChange(t *testing.T) {
	data := "ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;Emetteur;DateMessage;TypeMessage;EtatResolution;DateIntervention;" +
		"IdRdv;PropalRdv;ContactClient1;ContactClient2;Commentaire\n" +
		"OI-1;OC-1;OI;20260301120000;PROPOSITION RDV;;;;202603290100-0400|202610250100-0400|202603291000-1200|202603292200-2400;;;\n"
	_, recs, probs, err := v1a.ReadAll(strings.NewReader(data))
	require.NoError(t, err)
	require.Empty(t, probs)
	got := recs[0].(*v1a.Info).PropalRdv
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	want := []ticket.Slot{
		{Debut: utc(2026, 3, 29, 0), Fin: utc(2026, 3, 29, 2)},    // 01:00 CET → 04:00 CEST: two hours
		{Debut: utc(2026, 10, 24, 23), Fin: utc(2026, 10, 25, 3)}, // 01:00 CEST → 04:00 CET: four hours
		{Debut: utc(2026, 3, 29, 8), Fin: utc(2026, 3, 29, 10)},
		{Debut: utc(2026, 3, 29, 20), Fin: utc(2026, 3, 29, 22)},
	}
	if diff := cmp.Diff(want, got, timeEqual); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
}

// The slots of the records a Reader returns are their own: appending to one
// record's PropalRdv leaves the next record's alone.
func TestReaderSlotsNotShared(t *testing.T) {
	var b strings.Builder
	b.WriteString(depotHeader + "\n")
	for i := range 100 {
		fmt.Fprintf(&b, "VIA%d;;REF-%d;20260102;COUPURE;PTO;Nom;;0612345678;;;202601081400-1600|202601091000-1200;\n", i, i)
	}
	_, recs, probs, err := v1a.ReadAll(strings.NewReader(b.String()))
	require.NoError(t, err)
	require.Empty(t, probs)
	require.Len(t, recs, 100)
	extra := ticket.Slot{Debut: time.Date(2026, 1, 10, 8, 0, 0, 0, ticket.Paris), Fin: time.Date(2026, 1, 10, 9, 0, 0, 0, ticket.Paris)}
	for i := range recs {
		d := recs[i].(*v1a.Depot)
		require.Len(t, d.PropalRdv, 2)
		d.PropalRdv = append(d.PropalRdv, extra)
	}
	for i := range recs {
		d := recs[i].(*v1a.Depot)
		require.Len(t, d.PropalRdv, 3)
		require.Equal(t, 14, d.PropalRdv[0].Debut.Hour(), "record %d", i)
		require.Equal(t, 10, d.PropalRdv[1].Debut.Hour(), "record %d", i)
	}
}
