package v1a

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
)

func init() {
	// The CSV tests of this package may define the same flag.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func readMailFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mail", name))
	require.NoError(t, err)
	return b
}

// counter is a deterministic byte source for Composer.Rand.
type counter struct{ n byte }

func (c *counter) Read(p []byte) (int, error) {
	for i := range p {
		c.n++
		p[i] = c.n
	}
	return len(p), nil
}

func testComposer() *Composer {
	return &Composer{
		Now:  func() time.Time { return time.Date(2026, 11, 25, 9, 30, 0, 0, time.FixedZone("CET", 3600)) },
		Rand: &counter{},
	}
}

func depotMessage(t testing.TB) *Message {
	return &Message{
		From:       mail.Address{Name: "Service SAV BTGP", Address: "sav@oc.example"},
		To:         []mail.Address{{Address: "sav@oi.example"}},
		Subject:    "SAV FTTH - SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv",
		FileName:   "SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv",
		Charset:    "windows-1252",
		Attachment: readMailFixture(t, "depot_win1252.csv"),
		Text:       "Bonjour,\nveuillez trouver ci-joint notre dépôt de signalisation.\n",
	}
}

func TestComposeGolden(t *testing.T) {
	m := depotMessage(t)
	var buf bytes.Buffer
	require.NoError(t, testComposer().Compose(&buf, m))
	golden := filepath.Join("testdata", "mail", "compose_depot.golden.eml")
	if updateGolden() {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("composed mail differs from %s (-want +got):\n%s", golden, diff)
	}
	require.Equal(t, "20261125083000.0102030405060708090a@oc.example", m.MessageID)
	for i, line := range strings.Split(buf.String(), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d characters long: %q", i+1, len(line), line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("line %d holds a bare LF", i+1)
		}
	}
}

func TestComposeParseRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Message)
	}{
		{"windows-1252 depot", func(*Message) {}},
		{"non-ASCII subject and file name", func(m *Message) {
			m.Subject = "DOMMAGE FTTH - dépôt « cœur » — SAV_DOMMAGE_BTGP_FTEL_20261125093000_0001.csv"
			m.FileName = "Dommage été 2026 – œuvre €.csv"
		}},
		{"empty text, in reply", func(m *Message) {
			m.Text = ""
			m.InReplyTo = "abc.123@oi.example"
			m.From = mail.Address{Address: "sav@oc.example"}
		}},
		{"empty attachment, utf-8", func(m *Message) {
			m.Attachment = nil
			m.Charset = "utf-8"
		}},
		{"very long subject", func(m *Message) {
			m.Subject = strings.Repeat("SAV FTTH long subject ", 12) + m.FileName
		}},
		{"attachment with CR LF dots and binary", func(m *Message) {
			m.Attachment = []byte(".\r\n..\r\nFrom \x00\xff\xfe\r\n.")
			m.Charset = ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := depotMessage(t)
			tt.edit(m)
			var buf bytes.Buffer
			require.NoError(t, testComposer().Compose(&buf, m))
			got, err := ParseMail(&buf)
			require.NoError(t, err)
			want := *m
			if want.Text == "" {
				want.Text = want.Subject + "\n"
			}
			if diff := cmp.Diff(&want, got, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComposeRefuses(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Message)
		header string
	}{
		{"no sender", func(m *Message) { m.From = mail.Address{} }, "From"},
		{"no recipient", func(m *Message) { m.To = nil }, "To"},
		{"no file name", func(m *Message) { m.FileName = "" }, "Content-Disposition"},
		{"bad recipient", func(m *Message) { m.To = []mail.Address{{Address: "not an address"}} }, "From/To"},
		{"header injection in subject", func(m *Message) { m.Subject = "x\r\nBcc: a@b.example" }, ""},
		{"bad message id", func(m *Message) { m.MessageID = "<a@b>" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := depotMessage(t)
			tt.edit(m)
			err := ComposeMail(&bytes.Buffer{}, m)
			var me *MailError
			require.ErrorAs(t, err, &me)
			require.ErrorIs(t, err, ErrMailIncomplete)
			require.Equal(t, tt.header, me.Header)
		})
	}
	require.ErrorIs(t, ComposeMail(&bytes.Buffer{}, nil), ErrMailIncomplete)
}

func TestParseMailFixtures(t *testing.T) {
	win := readMailFixture(t, "depot_win1252.csv")
	utf8BOM := append([]byte("\ufeff"), mustUTF8(t, win)...)
	const name = "SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv"
	tests := []struct {
		file     string
		from     string
		subject  string
		fileName string
		charset  string
		data     []byte
		text     string
	}{
		{"outlook_alternative_base64.eml", "sav@oc.example", "SAV FTTH - " + name, name, "windows-1252", win, "notre dépôt de signalisation"},
		{"thunderbird_qp.eml", "sav@oc.example", "SAV FTTH - SAV_DEPOT_BTGP_FTEL_20261125093000_0001", name, "windows-1252", win, "voici le dépôt"},
		{"rfc2231_continuation.eml", "sav@oc.example", "SAV FTTH - " + name, name, "", win, "Fichier joint."},
		{"rfc2047_name_utf8_bom.eml", "sav@oc.example", "SAV FTTH - dépôt  " + name, name, "utf-8", utf8BOM, "Dépôt joint."},
		{"singlepart_csv.eml", "sav@oc.example", "sav ftth -   sav_depot_btgp_ftel_20261125093000_0001", name, "windows-1252", win, ""},
		{"singlepart_noname_qp.eml", "sav@oc.example", "SAV FTTH - " + name, "", "windows-1252", win, ""},
		{"forwarded_rfc822.eml", "agent@oc.example", "Fwd: SAV FTTH - SAV_DEPOT_BTGP_FTEL_20261125093000_0001", name, "windows-1252", win, "See the forwarded message."},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := ParseMail(bytes.NewReader(readMailFixture(t, tt.file)))
			require.NoError(t, err)
			require.Equal(t, tt.from, m.From.Address)
			require.Equal(t, strings.TrimSpace(tt.subject), m.Subject)
			require.Equal(t, tt.fileName, m.FileName)
			require.Equal(t, tt.charset, m.Charset)
			require.Equal(t, []string{"sav@oi.example"}, m.Recipients())
			require.NotEmpty(t, m.MessageID)
			require.False(t, m.Date.IsZero())
			if !bytes.Equal(tt.data, m.Attachment) {
				t.Errorf("attachment differs:\n got %q\nwant %q", m.Attachment, tt.data)
			}
			require.Contains(t, m.Text, tt.text)
		})
	}
}

func mustUTF8(t testing.TB, win []byte) []byte {
	t.Helper()
	r, err := decodeTextBytes(win, "windows-1252")
	require.NoError(t, err)
	return r
}

func decodeTextBytes(b []byte, cs string) ([]byte, error) {
	s := decodeText(b, cs)
	if strings.ContainsRune(s, '\uFFFD') {
		return nil, fmt.Errorf("undecodable %s bytes", cs)
	}
	return []byte(s), nil
}

func TestParseMailMalformed(t *testing.T) {
	tests := []struct {
		file   string
		want   error
		sender string // "" when the header cannot be read
	}{
		{"malformed_no_attachment.eml", ErrNoAttachment, "sav@oc.example"},
		{"malformed_two_attachments.eml", ErrManyAttachments, "sav@oc.example"},
		{"malformed_bad_base64.eml", ErrMailSyntax, "sav@oc.example"},
		{"malformed_no_boundary.eml", ErrMailSyntax, "sav@oc.example"},
		{"malformed_truncated.eml", ErrMailSyntax, "sav@oc.example"},
		{"malformed_uuencode.eml", ErrMailSyntax, "sav@oc.example"},
		{"malformed_not_a_mail.eml", ErrMailSyntax, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := ParseMail(bytes.NewReader(readMailFixture(t, tt.file)))
			require.ErrorIs(t, err, tt.want)
			var me *MailError
			require.ErrorAs(t, err, &me)
			require.NotEmpty(t, me.Error())
			if tt.sender == "" {
				require.Nil(t, m)
				return
			}
			require.NotNil(t, m)
			require.Equal(t, tt.sender, m.From.Address)
		})
	}
}

func TestParseMailLimits(t *testing.T) {
	depot := readMailFixture(t, "outlook_alternative_base64.eml")

	p := MailParser{Limits: MailLimits{MaxSize: 512}}
	m, err := p.Parse(bytes.NewReader(depot))
	require.ErrorIs(t, err, ErrMailTooLarge)
	require.NotNil(t, m, "the header of an oversized message is still read")
	require.Equal(t, "sav@oc.example", m.From.Address)

	p = MailParser{Limits: MailLimits{MaxParts: 3}}
	_, err = p.Parse(bytes.NewReader(depot))
	require.ErrorIs(t, err, ErrMailTooManyParts)

	p = MailParser{Limits: MailLimits{MaxDepth: 1}}
	_, err = p.Parse(bytes.NewReader(depot))
	require.ErrorIs(t, err, ErrMailTooDeep)

	// Nesting far beyond the default depth.
	var b strings.Builder
	b.WriteString("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	_, err = ParseMail(strings.NewReader(b.String()))
	require.ErrorIs(t, err, ErrMailTooDeep)

	// Too many sibling parts.
	b.Reset()
	b.WriteString("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n")
	for i := 0; i < 100; i++ {
		b.WriteString("--B\r\nContent-Type: text/plain\r\n\r\nx\r\n")
	}
	b.WriteString("--B--\r\n")
	_, err = ParseMail(strings.NewReader(b.String()))
	require.ErrorIs(t, err, ErrMailTooManyParts)
}

func TestParseMailLenientHeaders(t *testing.T) {
	raw := "From: Broken <<sav@oc.example>\r\n" +
		"To: sav@oi.example\r\n" +
		"Message-ID: bare-id@oc.example\r\n" +
		"Content-Type: text/csv; charset=windows-1252; name=\"x.csv\"; broken\r\n" +
		"Content-Disposition: attachment; filename=\"SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv\"; oops=\r\n" +
		"\r\n" +
		"ReferencePrise\r\n"
	m, err := ParseMail(strings.NewReader(raw))
	require.NoError(t, err)
	require.Equal(t, "sav@oc.example", m.From.Address)
	require.Equal(t, "bare-id@oc.example", m.MessageID)
	require.Equal(t, "SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv", m.FileName)
	require.Equal(t, "", m.Charset, "the broken parameter list is dropped")
	require.Equal(t, "ReferencePrise\r\n", string(m.Attachment))
}

func TestMailErrorText(t *testing.T) {
	err := &MailError{Part: "1.2", Header: "Content-Type", Reason: "bad", Err: ErrMailSyntax}
	require.Equal(t, "v1a: malformed message (part 1.2) [Content-Type]: bad", err.Error())
	require.True(t, errors.Is(err, ErrMailSyntax))
}

func TestRFC2231Charsets(t *testing.T) {
	tests := []struct{ in, want string }{
		{`attachment; filename*=iso-8859-1''d%E9p%F4t.csv`, "dépôt.csv"},
		{`attachment; filename*=windows-1252'fr'SAV%80%9C.csv; filename="x.csv"`, "SAV€œ.csv"},
		{`attachment; filename*0*=iso-8859-1''d%E9p; filename*1=ot.csv`, "dépot.csv"},
		{`attachment; filename*0*=iso-8859-1''d%E9p; filename*1*=%F4t.csv`, "dépôt.csv"},
		{`attachment; filename*=utf-8''d%C3%A9p%C3%B4t.csv`, "dépôt.csv"},
		{`attachment; filename*=x-unknown''abc.csv; filename="fallback.csv"`, "fallback.csv"},
		{`attachment; filename="a;b.csv"; filename*=iso-8859-1''%E9.csv`, "é.csv"},
		{`attachment; filename*=iso-8859-1''bad%ZZ.csv; filename="fallback.csv"`, "fallback.csv"},
	}
	for _, tt := range tests {
		_, params := contentDisposition2(tt.in)
		require.Equal(t, tt.want, params["filename"], tt.in)
	}
}

func TestNewMessageErrors(t *testing.T) {
	from := mail.Address{Address: "sav@oc.example"}
	to := []mail.Address{{Address: "sav@oi.example"}}
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	name := FileName{Flow: FlowDommage, Sender: "BTGP", Recipient: "FTEL", Time: at, Seq: 7}

	_, err := NewMessage(from, to, FileName{Flow: FlowDepot, Sender: "bad", Recipient: "FTEL", Time: at, Seq: 1}, nil, nil)
	require.ErrorIs(t, err, ErrFileName)

	_, err = NewMessage(from, to, name, []Record{&Depot{}}, nil)
	require.ErrorIs(t, err, ErrWrongFlow)

	_, err = NewMessage(from, to, name, []Record{&Dommage{ReferenceDommageOC: "D-1", Commentaire: "emoji 😀"}}, nil)
	require.ErrorIs(t, err, ErrUnencodable)

	m, err := NewMessage(from, to, name, []Record{&Dommage{ReferenceDommageOC: "D-1", Commentaire: "emoji 😀"}},
		&MessageOptions{Charset: UTF8, Text: "voir pièce jointe", InReplyTo: "x@y"})
	require.NoError(t, err)
	require.Equal(t, "DOMMAGE FTTH - SAV_DOMMAGE_BTGP_FTEL_20261125103000_0007.csv", m.Subject)
	require.Equal(t, "utf-8", m.Charset)
	require.Equal(t, "x@y", m.InReplyTo)
	in, err := ReadMail(bytes.NewReader(mustBytes(t, m)))
	require.NoError(t, err)
	require.Equal(t, FlowDommage, in.Flow)
	require.Equal(t, "emoji 😀", in.Records[0].(*Dommage).Commentaire)
	require.Equal(t, "voir pièce jointe", in.Message.Text)

	// Another naming for a partner.
	naming := DefaultNaming()
	naming.SubjectDommage = "DEGATS - "
	m, err = NewMessage(from, to, name, nil, &MessageOptions{Naming: &naming})
	require.NoError(t, err)
	require.Equal(t, "DEGATS - SAV_DOMMAGE_BTGP_FTEL_20261125103000_0007.csv", m.Subject)
	p := MailParser{Naming: &naming}
	in, err = p.ReadMail(bytes.NewReader(mustBytes(t, m)))
	require.NoError(t, err)
	require.NoError(t, in.NameErr)
	require.Empty(t, in.Records)
}

func mustBytes(t *testing.T, m *Message) []byte {
	t.Helper()
	b, err := m.Bytes()
	require.NoError(t, err)
	return b
}

func TestReadMailNames(t *testing.T) {
	// A file renamed by a person still decodes, from its header line.
	m := depotMessage(t)
	m.FileName = "signalisation client.csv"
	m.Subject = "urgent"
	in, err := ReadMail(bytes.NewReader(mustBytes(t, m)))
	require.NoError(t, err)
	require.Equal(t, FlowDepot, in.Flow)
	require.ErrorIs(t, in.NameErr, ErrFileName)
	require.Len(t, in.Records, 2)

	// The header cannot be read at all: no Inbound.
	in, err = ReadMail(strings.NewReader("\x00garbage\r\n\r\n"))
	require.ErrorIs(t, err, ErrMailSyntax)
	require.Nil(t, in)

	// Oversized: the Inbound still names the sender.
	p := MailParser{Limits: MailLimits{MaxSize: 600}}
	in, err = p.ReadMail(bytes.NewReader(mustBytes(t, depotMessage(t))))
	require.ErrorIs(t, err, ErrMailTooLarge)
	require.Equal(t, "sav@oc.example", in.Sender())
	require.NoError(t, in.NameErr)
}

func TestMaildirOversizedIsQuarantined(t *testing.T) {
	ctx := context.Background()
	md, err := OpenMaildir(t.TempDir())
	require.NoError(t, err)
	md.MaxSize = 600
	_, err = md.Deliver(ctx, readMailFixture(t, "outlook_alternative_base64.eml"))
	require.NoError(t, err)
	envs, err := md.Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, envs[0].Raw, 601, "Fetch reads one byte past the limit")
	require.True(t, envs[0].Truncated)
	var answered []*Message
	p := &Poller{Mailbox: md, Operator: "FTEL", // the parser's own limit is larger
		Self:    mail.Address{Address: "sav@oi.example"},
		Handler: MailHandlerFunc(func(context.Context, *Inbound) error { t.Fatal("handled"); return nil }),
		Replies: SenderFunc(func(_ context.Context, m *Message) error { answered = append(answered, m); return nil })}
	res, err := p.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, PollResult{Quarantined: 1, Answered: 1}, res)
	require.Len(t, answered, 1)
	require.Contains(t, string(answered[0].Attachment), "message too large: larger than the mailbox's limit of 600 bytes")
	require.Equal(t, "sav@oc.example", answered[0].To[0].Address)
}

func TestBase64Leniency(t *testing.T) {
	tests := []struct{ enc, want string }{
		{"UmVmZXJlbmNl\r\nUHJpc2U=\r\n", "ReferencePrise"},
		{"UmVm ZXJl\tbmNl\nUHJp c2U", "ReferencePrise"},        // spaces, tabs, LF, no padding
		{"UmVmZXJlbmNlUHJpc2U=\r\n\r\n\r\n", "ReferencePrise"}, // trailing blank lines
		{"QQ", "A"}, {"QUI", "AB"}, {"QQ=", "A"}, {"", ""},
	}
	for _, tt := range tests {
		h := textproto.MIMEHeader{"Content-Transfer-Encoding": {"base64"}}
		got, err := decodeBody(h, strings.NewReader(tt.enc))
		require.NoError(t, err, "%q", tt.enc)
		require.Equal(t, tt.want, string(got), "%q", tt.enc)
	}
	for _, bad := range []string{"Q", "QQ!!", "QQ==QQ=="} {
		_, err := decodeBody(textproto.MIMEHeader{"Content-Transfer-Encoding": {"base64"}}, strings.NewReader(bad))
		require.Error(t, err, "%q", bad)
	}
}

// TestContentDispositionInvalidUTF8: a broken Content-Disposition with a
// byte that is not UTF-8 before the file name does not crash the parser
// (lower-casing it changed the offsets), and the quoted name is found.
func TestContentDispositionInvalidUTF8(t *testing.T) {
	_, err := ParseMail(strings.NewReader("Content-Disposition:000000000\x80filenAme=\""))
	var me *MailError
	require.ErrorAs(t, err, &me)
	d, params := contentDisposition2("attachment; \x80\x80 x; FILENAME=\"SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv\"; =")
	require.Equal(t, "attachment", d)
	require.Equal(t, "SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv", params["filename"])
}
