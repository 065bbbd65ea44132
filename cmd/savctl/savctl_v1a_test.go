package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// testdata is the v1a package's test files.
var testdata = filepath.Join("..", "..", "v1a", "testdata")

func td(parts ...string) string { return filepath.Join(append([]string{testdata}, parts...)...) }

type result struct {
	code           int
	stdout, stderr string
}

func savctl(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return result{code, out.String(), errb.String()}
}

const now = "20260105093000"

func TestCheckText(t *testing.T) {
	r := savctl(t, "", "check", "--now", now, td("invalid", "depot_lists.csv"))
	require.Equal(t, exitInvalid, r.code, r.stderr)
	p := td("invalid", "depot_lists.csv")
	require.Equal(t, p+`:2: NatureDefaut: 2 INFO NatureDefaut ERRONEE - HORS VALEURS PREVUEES: "PANNE"`+"\n"+
		p+`:2: PrelocDefaut: 2 INFO PrelocDefaut ERRONEE - HORS VALEURS PREVUEES: "CAVE"`+"\n"+
		p+": v1a DEPOT, 1 record, 2 errors, 0 warnings: invalid\n", r.stdout)

	r = savctl(t, "", "check", "--now", now, td("partner", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"),
		td("libreoffice", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"))
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4)
	require.Contains(t, lines[0], "v1a DEPOT, 4 records, 0 errors, 0 warnings: valid")
	require.Contains(t, lines[1], `:3: ContactClient1: 3 INFO ContactClient1 INCORRECTE - FORMAT INVALIDE: "611223344" read as 0611223344`)
	require.True(t, strings.HasSuffix(lines[1], "(warning)"))
	require.Contains(t, lines[3], "v1a DEPOT, 4 records, 0 errors, 2 warnings: valid")

	// Strict: the repairs are findings.
	r = savctl(t, "", "check", "--strict", "--now", now, td("libreoffice", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"))
	require.Equal(t, exitInvalid, r.code)
	require.Contains(t, r.stdout, "2 errors, 0 warnings: invalid")
}

func TestCheckJSON(t *testing.T) {
	files := []string{
		td("partner", "SAV_TRAVAUX_FTEL_BYTL_20260112080000_0001.csv"),
		td("invalid", "unterminated_quote.csv"),
		td("invalid", "unknown_header.csv"),
		td("libreoffice", "SAV_DOMMAGE_BYTL_FTEL_20260105080000_0001.csv"),
	}
	r := savctl(t, "", append([]string{"check", "--json", "--now", now}, files...)...)
	require.Equal(t, exitInvalid, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, len(files), "one JSON object per file")
	var reps []fileReport
	for _, l := range lines {
		var rep fileReport
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&rep))
		reps = append(reps, rep)
	}
	require.Equal(t, fileReport{File: files[0], Protocol: "v1a", Flow: "TRAVAUX", Valid: true, Records: 5,
		Errors: []finding{}, Warnings: []finding{}}, reps[0])
	require.Equal(t, fileReport{File: files[1], Protocol: "v1a", Flow: "DEPOT", Valid: false, Records: 1,
		Errors: []finding{{Line: 5, Field: "Commentaire", Code: 3,
			Message: "record on line 3; line 5, column 13: malformed CSV: quoted cell not closed before the end of the file"}},
		Warnings: []finding{}}, reps[1])
	require.Equal(t, fileReport{File: files[2], Protocol: "v1a", Valid: false,
		Errors:   []finding{{Line: 1, Code: 3, Message: `line 1: header line of no known flow: "Reference;Statut;Date"`}},
		Warnings: []finding{}}, reps[2])
	require.Equal(t, "DOMMAGE", reps[3].Flow)
	require.True(t, reps[3].Valid)
	require.Equal(t, []finding{{Line: 3, Field: "TelContactImmeuble", Code: 3,
		Message: `INFO TelContactImmeuble INCORRECTE - FORMAT INVALIDE: "472000002" read as 0472000002 (a spreadsheet dropped its leading 0 or +)`}},
		reps[3].Warnings)
	// The raw JSON keeps the contract's field names and empty arrays.
	require.Contains(t, lines[0], `"errors":[],"warnings":[]`)
}

func TestCheckExitCodes(t *testing.T) {
	valid := td("partner", "SAV_AR_FTEL_BYTL_20260105094500_0001.csv")
	invalid := td("invalid", "depot_lists.csv")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"valid", []string{"check", valid}, exitOK},
		{"invalid", []string{"check", valid, invalid}, exitInvalid},
		{"missing file wins over invalid", []string{"check", invalid, filepath.Join(t.TempDir(), "nope.csv")}, exitUsage},
		{"no file", []string{"check"}, exitUsage},
		{"bad --now", []string{"check", "--now", "2026-01-05", valid}, exitUsage},
		{"unknown flag", []string{"check", "--frobnicate", valid}, exitUsage},
		{"flags after the file", []string{"check", valid, "--json"}, exitOK},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"no command", nil, exitUsage},
		{"help", []string{"help"}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := savctl(t, "", tt.args...)
			require.Equal(t, tt.code, r.code, r.stdout+r.stderr)
		})
	}
	r := savctl(t, "", "check", "--json", filepath.Join(t.TempDir(), "nope.csv"))
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stdout, `"valid":false`, "an unreadable file still gets its JSON object")
}

func TestCheckStdinAndMail(t *testing.T) {
	data, err := os.ReadFile(td("partner", "SAV_INFO_FTEL_BYTL_20260105100000_0001.csv"))
	require.NoError(t, err)
	r := savctl(t, string(data), "check", "--json", "--now", now, "-")
	require.Equal(t, exitOK, r.code, r.stdout)
	require.Contains(t, r.stdout, `{"file":"-","protocol":"v1a","flow":"INFO","valid":true,"records":4`)

	// A mail with the DEPOT attached, composed by the package's mail code.
	var recs []v1a.Record
	_, recs, _, err = v1a.ReadAll(bytes.NewReader(mustRead(t, td("invalid", "depot_lists.csv"))))
	require.NoError(t, err)
	eml := composeMail(t, recs)
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.eml")
	require.NoError(t, os.WriteFile(path, eml, 0o644))
	r = savctl(t, "", "check", "--json", "--now", now, path)
	require.Equal(t, exitInvalid, r.code)
	require.Contains(t, r.stdout, `"flow":"DEPOT","valid":false,"records":1,"errors":[{"line":2,"field":"NatureDefaut","code":2`)

	// A mail without attachment is a malformed file.
	require.NoError(t, os.WriteFile(path, []byte("From: a@b.example\r\nSubject: x\r\n\r\nhello\r\n"), 0o644))
	r = savctl(t, "", "check", "--json", path)
	require.Equal(t, exitInvalid, r.code)
	require.Contains(t, r.stdout, `"message":"mail: `)
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

func composeMail(t *testing.T, recs []v1a.Record) []byte {
	t.Helper()
	name := v1a.FileName{Flow: recs[0].Flow(), Sender: "BYTL", Recipient: "FTEL",
		Time: ticketTime(2026, 1, 5, 9, 30), Seq: 1}
	m, err := v1a.NewMessage(addr("sav@bytl.example"), []mailAddress{addr("sav@ftel.example")}, name, recs, nil)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, v1a.ComposeMail(&buf, m))
	return buf.Bytes()
}

func TestAR(t *testing.T) {
	r := savctl(t, "", "ar", "--now", "20260105094500", td("partner", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"))
	require.Equal(t, exitOK, r.code, r.stderr)
	want := "ReferenceSigSAVRaccoOC;ReferencePrestationPrise;ReferencePrise;StatutAR;ReferenceSigSAVOI;DatePriseEnCompte;CodeRetour;MotifRefus\r\n" +
		"BTGP-MG-OI-XXXXXX-ZZZZ;VIA0A0000000BBBBBBBB;FI-XXXX-YYYY;OK;FTEL000001;20260105094500;0;\r\n" +
		"BTGP-MG-OI-000124-AAAA;VIA0A0000000CCCCCCCC;;OK;FTEL000002;20260105094500;0;\r\n" +
		"BTGP-MG-OI-000125-BBBB;;FI-1234-5678;OK;FTEL000003;20260105094500;0;\r\n" +
		"BTGP-MG-OI-000126-CCCC;VIA0A0000000DDDDDDDD;;OK;FTEL000004;20260105094500;0;\r\n"
	require.Equal(t, want, r.stdout)
	require.Contains(t, r.stderr, "4 OK, 0 KO")

	// KO lines, the prefix flag, Windows-1252 output.
	r = savctl(t, "", "ar", "--now", now, "--id-prefix", "P", td("invalid", "depot_home_intervention.csv"))
	require.Equal(t, exitOK, r.code)
	require.Contains(t, r.stdout, "\r\nREF-1;VIA0A0000000BBBBBBBB;;KO;;;1;INFO NomClient OBLIGATOIRE")
	require.Equal(t, 4, strings.Count(r.stdout, "\r\n"))

	r = savctl(t, "", "ar", "--now", now, "--oi", "FTEL", td("partner", "depot_spreadsheet_dates.csv"))
	require.Equal(t, exitOK, r.code)
	require.Contains(t, r.stdout, ";OK;FTEL000001;20260105093000;0;")

	// An unreadable file: one KO line, code 3, still exit 0.
	r = savctl(t, "", "ar", td("invalid", "unknown_header.csv"))
	require.Equal(t, exitOK, r.code)
	require.Contains(t, r.stdout, "\r\n;;;KO;;;3;\"INFO fichier INCORRECTE - FORMAT INVALIDE: line 1: header line of no known flow")

	// Accents in the answer are Windows-1252.
	r = savctl(t, "", "ar", "--now", now, td("invalid", "depot_lengths.csv"))
	require.Equal(t, exitOK, r.code)
	require.NotContains(t, r.stdout, "é")

	// A DOMMAGE file gets its ARDOMMAGE.
	r = savctl(t, "", "ar", "--now", now, td("partner", "SAV_DOMMAGE_BYTL_FTEL_20260105080000_0001.csv"))
	require.Equal(t, exitOK, r.code)
	require.Equal(t, "ReferenceDommageOC;StatutAR;ReferenceDommageOI;DatePriseEnCompte;CodeRetour;MotifRefus\r\n"+
		"DMG-BYTL-0001;OK;FTEL000001;20260105093000;0;\r\nDMG-BYTL-0002;OK;FTEL000002;20260105093000;0;\r\n", r.stdout)
	require.Contains(t, r.stderr, "2 OK, 0 KO")

	// Usage errors.
	require.Equal(t, exitUsage, savctl(t, "", "ar").code)
	require.Equal(t, exitUsage, savctl(t, "", "ar", "--oi", "toolong", td("invalid", "depot_lists.csv")).code)
	require.Equal(t, exitUsage, savctl(t, "", "ar", filepath.Join(t.TempDir(), "nope.csv")).code)
}

func TestConvert(t *testing.T) {
	depot := td("partner", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv")

	r := savctl(t, "", "convert", "--to", "json", depot)
	require.Equal(t, exitUsage, r.code, "several records need --line")
	require.Contains(t, r.stderr, "lines 2, 3, 5, 6")

	r = savctl(t, "", "convert", "--to", "json", "--line", "2", "--now", now, depot)
	require.Equal(t, exitOK, r.code, r.stderr)
	var tk ticket.Ticket
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &tk))
	require.Equal(t, ticket.StateSubmitted, tk.State)
	require.Equal(t, "BYTL", tk.CodeOC, "the OC is the DEPOT's sender in the file name")
	require.Equal(t, "FTEL", tk.CodeOI)
	require.Equal(t, "BTGP-MG-OI-XXXXXX-ZZZZ", tk.ReferenceSigSAVRaccoOC)

	// JSON back to v1a: the same line, Windows-1252.
	back := savctl(t, r.stdout, "convert", "--to", "v1a", "-")
	require.Equal(t, exitOK, back.code, back.stderr)
	_, recs, _, err := v1a.ReadAll(strings.NewReader(back.stdout))
	require.NoError(t, err)
	_, orig, _, err := v1a.ReadAll(bytes.NewReader(mustRead(t, depot)))
	require.NoError(t, err)
	require.Equal(t, orig[0], recs[0])

	// A CLOTURE from the OI: codes from the name, the closure in JSON.
	r = savctl(t, "", "convert", "--to", "json", "--line", "3",
		td("partner", "SAV_CLOTURE_FTEL_BYTL_20260111090000_0001.csv"))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &tk))
	require.Equal(t, ticket.StateClosed, tk.State)
	require.Equal(t, "BYTL", tk.CodeOC)
	require.Equal(t, "ABS02", string(tk.Cloture.Code))

	// A JSON ticket whose closure has a description: 1.0a cannot carry it.
	tk.Cloture.Description = "fibre sectionnée"
	tk.History[0].Cloture.Description = "fibre sectionnée"
	js, err := json.Marshal(tk)
	require.NoError(t, err)
	back = savctl(t, string(js), "convert", "--to", "v1a", "-")
	require.Equal(t, exitOK, back.code, back.stderr)
	require.Contains(t, back.stderr, "not carried by v1a: cloture.description")
	require.True(t, strings.HasPrefix(back.stdout, "ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;"))

	// A deposit the lifecycle refuses is not converted: exit 1, its
	// findings on stderr.
	r = savctl(t, "", "convert", "--to", "json", "--now", now, td("invalid", "depot_lists.csv"))
	require.Equal(t, exitInvalid, r.code)
	require.Contains(t, r.stderr, "depot_lists.csv:2: NatureDefaut: 2 INFO NatureDefaut ERRONEE")
	require.Empty(t, r.stdout)

	// A record with findings the lifecycle accepts converts, and exits 1.
	r = savctl(t, "", "convert", "--to", "json", "--line", "2", "--now", now, td("invalid", "cloture_rules.csv"))
	require.Equal(t, exitInvalid, r.code)
	require.Contains(t, r.stderr, "LocalisationDefaut: 1 INFO LocalisationDefaut OBLIGATOIRE")
	require.Contains(t, r.stdout, `"code": "RET01"`)

	// Operator codes from the flags when the name is not normalised.
	r = savctl(t, "", "convert", "--to", "json", "--oc", "BYTL", "--oi", "FTEL", "--now", now,
		td("partner", "depot_spreadsheet_dates.csv"))
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"codeOC": "BYTL"`)
	require.Contains(t, r.stdout, `"contact1": "0612345678"`)

	// Errors.
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"no --to", "", []string{"convert", depot}, exitUsage},
		{"--to v2 is not offered here", "", []string{"convert", "--to", "xml", depot}, exitUsage},
		{"no such line", "", []string{"convert", "--to", "json", "--line", "4", depot}, exitUsage},
		{"bad --oc", "", []string{"convert", "--to", "json", "--oc", "x", depot}, exitUsage},
		{"two files", "", []string{"convert", "--to", "json", depot, depot}, exitUsage},
		{"TRAVAUX is no ticket", "", []string{"convert", "--to", "json", "--line", "2",
			td("partner", "SAV_TRAVAUX_FTEL_BYTL_20260112080000_0001.csv")}, exitUsage},
		{"unreadable CSV", "", []string{"convert", "--to", "json", td("invalid", "unknown_header.csv")}, exitInvalid},
		{"bad JSON", `{"state": 12}`, []string{"convert", "--to", "v1a", "-"}, exitInvalid},
		{"missing file", "", []string{"convert", "--to", "json", filepath.Join(t.TempDir(), "x")}, exitUsage},
		{"unencodable", `{"referenceSigSAVRaccoOC":"R🙂","state":"SUBMITTED","version":0}`,
			[]string{"convert", "--to", "v1a", "-"}, exitInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := savctl(t, tt.stdin, tt.args...)
			require.Equal(t, tt.code, r.code, r.stdout+r.stderr)
		})
	}
}

func TestConvertMail(t *testing.T) {
	_, recs, _, err := v1a.ReadAll(bytes.NewReader(mustRead(t, td("partner", "SAV_CLOTURE_FTEL_BYTL_20260111090000_0001.csv"))))
	require.NoError(t, err)
	name := v1a.FileName{Flow: v1a.FlowCloture, Sender: "FTEL", Recipient: "BYTL", Time: ticketTime(2026, 1, 11, 9, 0), Seq: 3}
	m, err := v1a.NewMessage(addr("sav@ftel.example"), []mailAddress{addr("sav@bytl.example")}, name, recs[:1],
		&v1a.MessageOptions{Charset: v1a.UTF8})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, v1a.ComposeMail(&buf, m))
	path := filepath.Join(t.TempDir(), "cloture.eml")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	r := savctl(t, "", "convert", "--to", "json", path)
	require.Equal(t, exitOK, r.code, r.stderr)
	var tk ticket.Ticket
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &tk))
	require.Equal(t, "BYTL", tk.CodeOC)
	require.Equal(t, "FTEL", tk.CodeOI)
	require.Equal(t, "Soudure reprise en colonne montante, niveau -18,2 dBm → OK", tk.Cloture.Commentaire)
}

func TestWindows1252Output(t *testing.T) {
	r := savctl(t, "", "convert", "--to", "v1a", "--line", "3", "--now", now, td("partner", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv"))
	require.Equal(t, exitOK, r.code, r.stderr)
	dec, err := charmap.Windows1252.NewDecoder().String(r.stdout)
	require.NoError(t, err)
	require.Contains(t, dec, "Lefèvre;Zoé;")
}

type mailAddress = mail.Address

func addr(s string) mail.Address { return mail.Address{Address: s} }

func ticketTime(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, ticket.Paris)
}

// TestConvertToV1AFollowsTheGateway checks convert refuses, as the gateway
// does, what protocol 1.0a cannot carry: an expertise, a home intervention
// filed without an appointment, a cancellation.
func TestConvertToV1AFollowsTheGateway(t *testing.T) {
	depot := td("partner", "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv")
	r := savctl(t, "", "convert", "--to", "json", "--line", "2", "--now", now, depot)
	require.Equal(t, exitOK, r.code, r.stderr)
	var base ticket.Ticket
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &base))

	tests := []struct {
		name   string
		change func(*ticket.Ticket)
		want   string
	}{
		{"expertise", func(tk *ticket.Ticket) {
			tk.TypeSAV, tk.RelatedTicket = codes.TypeSAVExpertise, "FTEL-1"
			tk.History[0].Filing.TypeSAV, tk.History[0].Filing.RelatedTicket = codes.TypeSAVExpertise, "FTEL-1"
		}, "expertise"},
		{"home intervention without appointment", func(tk *ticket.Ticket) {
			tk.PrelocDefaut, tk.Rdv = codes.PrelocDefautPTO, nil
			tk.History[0].Filing.PrelocDefaut, tk.History[0].Filing.Rdv = codes.PrelocDefautPTO, nil
		}, "appointment"},
		{"cancellation", func(tk *ticket.Ticket) {
			tk.ReferenceSigSAVOI, tk.State = "FTEL-1", ticket.StateClosed
			tk.History = append(tk.History, ticket.Record{Transaction: ticket.Transaction{
				Kind: ticket.KindCancel, Sender: codes.RoleOC}, State: ticket.StateClosed})
		}, "cancelation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tk ticket.Ticket
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &tk))
			tt.change(&tk)
			js, err := json.Marshal(&tk)
			require.NoError(t, err)
			got := savctl(t, string(js), "convert", "--to", "v1a", "-")
			require.Equal(t, exitInvalid, got.code, got.stdout+got.stderr)
			require.Contains(t, strings.ToLower(got.stderr), tt.want)
			require.Empty(t, got.stdout)
		})
	}
	require.Equal(t, ticket.StateSubmitted, base.State)
}
