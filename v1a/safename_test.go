package v1a

import (
	"bytes"
	"context"
	"io/fs"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// unsafeNames are attachment names that would, used as paths, write
// outside the directory meant for them, or name something else there.
var unsafeNames = []string{
	"../../x.csv", "a/b.csv", `a\b.csv`, "/etc/passwd", "C:x.csv", `c:\x.csv`, `\\server\share\x.csv`,
	"..", ".", "", "x\x00.csv", "x\n.csv", "x\r.csv", strings.Repeat("x", 252) + ".csv",
}

func TestSafeFileName(t *testing.T) {
	for _, name := range []string{
		"SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv", "sav_depot_bytl_ftel_20260105093000_0001.CSV",
		"1767600000.M1P2Q3R4.host:2,S", "Résumé.csv", "..x.csv", "x..csv", " x.csv", "12:x.csv",
	} {
		got, err := SafeFileName(name)
		require.NoError(t, err, "%q", name)
		require.Equal(t, name, got)
	}
	for _, name := range unsafeNames {
		got, err := SafeFileName(name)
		require.ErrorIs(t, err, ErrUnsafeName, "%q", name)
		ue, ok := err.(*UnsafeNameError)
		require.True(t, ok, "%T", err)
		require.Equal(t, name, ue.Name)
		require.Empty(t, got)
	}
}

// mailWithFileName is a readable DEPOT mail whose attachment has the given
// Content-Disposition parameters.
func mailWithFileName(t *testing.T, disposition string) []byte {
	t.Helper()
	raw := string(readMailFixture(t, "singlepart_csv.eml"))
	const cd = "Content-Disposition: attachment; filename=SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv"
	require.Contains(t, raw, cd)
	return []byte(strings.Replace(raw, cd, "Content-Disposition: attachment; "+disposition, 1))
}

// TestParseMailRefusesUnsafeAttachmentName: an attachment named like a
// path is refused with a typed error, whatever encoding carried the name;
// the message still tells whom to answer.
func TestParseMailRefusesUnsafeAttachmentName(t *testing.T) {
	for _, disp := range []string{
		`filename="../../x.csv"`, `filename="a/b.csv"`, `filename="a\\b.csv"`, `filename="/etc/passwd.csv"`,
		`filename="C:x.csv"`, `filename*=utf-8''..%2F..%2Fx.csv`, `filename*=utf-8''x%00.csv`,
		`filename="=?utf-8?q?=2E=2E=2Fx=2Ecsv?="`, `filename*0="../"; filename*1="x.csv"`,
	} {
		m, err := ParseMail(bytes.NewReader(mailWithFileName(t, disp)))
		require.ErrorIs(t, err, ErrUnsafeName, "%s", disp)
		_, ok := err.(*MailError)
		require.True(t, ok, "%s: %T", disp, err)
		require.NotNil(t, m, disp)
		require.Equal(t, "sav@oc.example", m.From.Address)
		require.Empty(t, m.FileName, "%s: the name is not handed on", disp)
		require.Empty(t, m.Attachment)
	}
	// A plain name parses as before.
	m, err := ParseMail(bytes.NewReader(mailWithFileName(t, `filename="SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv"`)))
	require.NoError(t, err)
	require.Equal(t, "SAV_DEPOT_BTGP_FTEL_20261125093000_0001.csv", m.FileName)
}

// TestPollerQuarantinesUnsafeAttachmentName: such a mail is quarantined
// with its bytes unchanged, answered, and no file is written by its name.
func TestPollerQuarantinesUnsafeAttachmentName(t *testing.T) {
	ctx := context.Background()
	for _, disp := range []string{`filename="../../x.csv"`, `filename="a/b.csv"`, `filename="C:x.csv"`} {
		root := t.TempDir()
		oi, err := OpenMaildir(filepath.Join(root, "box", "oi"))
		require.NoError(t, err)
		oc, err := OpenMaildir(filepath.Join(root, "box", "oc"))
		require.NoError(t, err)
		p := &Poller{Mailbox: oi, Replies: oc, Self: mail.Address{Address: "sav@oi.example"}, Operator: "FTEL",
			Composer: testComposer(),
			Handler: MailHandlerFunc(func(context.Context, *Inbound) error {
				t.Errorf("%s: handed to the handler", disp)
				return nil
			})}
		raw := mailWithFileName(t, disp)
		_, err = oi.Deliver(ctx, raw)
		require.NoError(t, err)
		res, err := p.Poll(ctx)
		require.NoError(t, err)
		require.Equal(t, PollResult{Quarantined: 1, Answered: 1}, res, disp)

		q := listDir(t, filepath.Join(oi.QuarantineDir(), "new"))
		require.Len(t, q, 1)
		kept, err := os.ReadFile(filepath.Join(oi.QuarantineDir(), "new", q[0]))
		require.NoError(t, err)
		require.Equal(t, raw, kept, "the quarantine keeps the original bytes")
		require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			require.NoError(t, err)
			require.NotContains(t, []string{"x.csv", "b.csv", "C:x.csv"}, d.Name(), "%s: %s written", disp, path)
			return nil
		}))
	}
}

// TestMaildirMarkRefusesUnsafeKey: Mark moves files named by the key it is
// given; a key that names a directory or a path is refused, and the
// Maildir is left as it was.
func TestMaildirMarkRefusesUnsafeKey(t *testing.T) {
	ctx := context.Background()
	md, err := OpenMaildir(filepath.Join(t.TempDir(), "oi"))
	require.NoError(t, err)
	for _, key := range []string{".", "..", "../new", "a/b", `a\b`, "x\x00", "C:x"} {
		for _, d := range []Disposition{DispositionHandled, DispositionQuarantined} {
			err := md.Mark(ctx, &Envelope{Key: key, MessageID: "id@x"}, d)
			require.ErrorIs(t, err, ErrUnsafeName, "%q", key)
			for _, sub := range []string{"tmp", "new", "cur"} {
				fi, err := os.Stat(filepath.Join(md.Dir(), sub))
				require.NoError(t, err, "%q moved %s", key, sub)
				require.True(t, fi.IsDir())
			}
		}
	}
	require.False(t, md.Handled("id@x"), "nothing recorded")
}

// TestComposeRefusesUnsafeFileName: the SDK does not send a file name
// that a partner's program could take for a path.
func TestComposeRefusesUnsafeFileName(t *testing.T) {
	for _, name := range []string{"../../x.csv", "a/b.csv", `a\b.csv`, "/etc/passwd", "C:x.csv", "x\x00.csv"} {
		m := &Message{From: mail.Address{Address: "sav@oi.example"}, To: []mail.Address{{Address: "sav@oc.example"}},
			Subject: "SAV FTTH - x", FileName: name, Attachment: []byte("a;b\r\n")}
		var buf bytes.Buffer
		err := testComposer().Compose(&buf, m)
		require.ErrorIs(t, err, ErrUnsafeName, "%q", name)
	}
}

// TestMaildirFetchSkipsUnsafeFileName: a file in new/ whose name Mark
// would refuse is left where it is, not returned each poll.
func TestMaildirFetchSkipsUnsafeFileName(t *testing.T) {
	ctx := context.Background()
	md, err := OpenMaildir(filepath.Join(t.TempDir(), "oi"))
	require.NoError(t, err)
	bad := filepath.Join(md.Dir(), "new", "bad\x01name")
	require.NoError(t, os.WriteFile(bad, readMailFixture(t, "singlepart_csv.eml"), 0o600))
	got, err := md.Fetch(ctx)
	require.NoError(t, err)
	require.Empty(t, got)
	_, err = os.Stat(bad)
	require.NoError(t, err)
}
