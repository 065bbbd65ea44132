package main

import (
	"context"
	"net/mail"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/v1a"
)

// TestMaildirBoxRefusesUnsafeAddress: the sandbox names a Maildir after
// each recipient's address, which can come from a mail (an answer to its
// sender); an address that is not a plain file name is refused, and
// nothing is created outside the directory.
func TestMaildirBoxRefusesUnsafeAddress(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "maildir")
	b, err := openMaildirs(root, "sav-ftth@sboi.sandbox")
	require.NoError(t, err)
	for _, a := range []string{"../x@evil.example", "a/b@x.example", `a\b@x.example`, "..", ".", "",
		"/etc/passwd", "C:x@evil.example", "x\x00@evil.example"} {
		_, err := b.box(a)
		require.ErrorIs(t, err, v1a.ErrUnsafeName, "%q", a)
	}
	m := &v1a.Message{From: mail.Address{Address: "sav-ftth@sboi.sandbox"},
		To:      []mail.Address{{Address: "../x@evil.example"}, {Address: "sav@bytl.example"}},
		Subject: "SAV FTTH - SAV_AR_FTEL_BYTL_20260105093000_0001.csv", FileName: "SAV_AR_FTEL_BYTL_20260105093000_0001.csv",
		Attachment: []byte("x\r\n")}
	require.ErrorIs(t, b.Send(context.Background(), m), v1a.ErrUnsafeName)
	left, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, left, 1, "only the Maildir directory")
	boxes, err := os.ReadDir(root)
	require.NoError(t, err)
	var names []string
	for _, e := range boxes {
		names = append(names, e.Name())
	}
	require.ElementsMatch(t, []string{"sav-ftth@sboi.sandbox", "sav@bytl.example"}, names)
}
