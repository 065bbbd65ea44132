package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/ticket"
)

const clotureHeader = "ReferenceSigSAVOI;ReferenceSigSAVRaccoOC;ReferencePrestationPrise;ReferencePrise;DateCloture;" +
	"CodeCloture;Responsabilite;LocalisationDefaut;Commentaire\r\n"

// closureRoundTrip converts a CLOTURE dated date (AAAAMMJJHHMMSS) to
// protocol 2.0 and back, as the gateway does, and returns the XML and the
// date that came back.
func closureRoundTrip(t *testing.T, dir, date string) (xml, back string) {
	t.Helper()
	path := filepath.Join(dir, "SAV_CLOTURE_FTEL_BYTL_20260111090000_0001.csv")
	csv := clotureHeader + "FTEL-000002;BTGP-MG-OI-000125-BBBB;;FI-1234-5678;" + date + ";ABS02;OC;;Client absent\r\n"
	require.NoError(t, os.WriteFile(path, []byte(csv), 0o600))
	r := savctl(t, "", "convert", "--to", "v2", "--now", now, path)
	require.Equal(t, exitOK, r.code, r.stderr)
	require.NotContains(t, r.stderr, "not carried", "the date is carried")
	b := savctl(t, r.stdout, "convert", "--to", "v1a", "--now", now, "-")
	require.Equal(t, exitOK, b.code, b.stderr)
	lines := strings.Split(strings.TrimSpace(b.stdout), "\r\n")
	require.Len(t, lines, 2, b.stdout)
	cells := strings.Split(lines[1], ";")
	require.Greater(t, len(cells), 4, lines[1])
	return r.stdout, cells[4]
}

// TestClosureDateRoundTrip: a v1a date is a Europe/Paris civil time; going
// to protocol 2.0 and back never moves it, also before 1911, when Paris's
// offset (its mean time, UTC+00:09:21) was not whole minutes and an
// xs:dateTime offset cut to the minute moved it by 21 s.
func TestClosureDateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, date := range []string{"19050101120000", "19000101000000", "19000615083015", "19110310230000", "19110311000100",
		"19400614120000", "20260329023000", "20261025023000", "20260110163000"} {
		xml, back := closureRoundTrip(t, dir, date)
		require.NotContains(t, xml, "+00:09", "an offset of 9 min 21 s cut to 9 min")
		want := date
		if at, err := time.ParseInLocation("20060102150405", date, ticket.Paris); err == nil &&
			at.Format("20060102150405") != date {
			want = at.Format("20060102150405") // a wall clock that does not exist (spring forward)
		}
		require.Equal(t, want, back, "DateCloture %s came back as %s:\n%s", date, back, xml)
	}
}

// TestClosureDateRoundTripRange converts closures dated over the years v1a
// reads, 1900 to 2999, there and back: every date comes back as it went.
func TestClosureDateRoundTripRange(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 30
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	for range n {
		year := 1900 + rng.IntN(1100)
		if rng.IntN(2) == 0 {
			year = 1900 + rng.IntN(50) // the changes of offset
		}
		at := time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, ticket.Paris)
		date := at.Format("20060102150405")
		_, back := closureRoundTrip(t, dir, date)
		require.Equal(t, date, back)
	}
}
