package v2

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/ticket"
)

// TestFormatDateTimeLocalMeanTime: before 11 March 1911 Paris kept its
// local mean time, 9 min 21 s ahead of UTC, an offset that xs:dateTime
// (whole minutes) cannot write. Such a time is written in UTC, so it reads
// back as the same instant and the same Paris wall clock, not 21 s off.
func TestFormatDateTimeLocalMeanTime(t *testing.T) {
	if _, off := time.Date(1905, 1, 1, 12, 0, 0, 0, ticket.Paris).Zone(); off%60 == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no time zone database: Europe/Paris is a fixed zone here (CI=true: Go's own zoneinfo must be found)")
		}
		t.Skip("no time zone database: Europe/Paris is a fixed zone here")
	}
	tests := []struct {
		wall time.Time
		want string
	}{
		{time.Date(1905, 1, 1, 12, 0, 0, 0, ticket.Paris), "1905-01-01T11:50:39Z"},
		{time.Date(1905, 1, 1, 0, 0, 0, 0, ticket.Paris), "1904-12-31T23:50:39Z"},
		{time.Date(1, 1, 1, 0, 0, 0, 0, ticket.Paris), "0000-12-31T23:50:39Z"},
		{time.Date(1911, 3, 10, 23, 0, 0, 0, ticket.Paris), "1911-03-10T22:50:39Z"},
		// From 1911 on, Paris's offsets are whole minutes: written as they are.
		{time.Date(1911, 3, 11, 12, 0, 0, 0, ticket.Paris), "1911-03-11T12:00:00Z"},
		{time.Date(1940, 7, 1, 12, 0, 0, 0, ticket.Paris), "1940-07-01T12:00:00+02:00"},
		{time.Date(2026, 1, 10, 16, 30, 0, 0, ticket.Paris), "2026-01-10T16:30:00+01:00"},
		{time.Date(2026, 7, 10, 16, 30, 0, 500_000_000, ticket.Paris), "2026-07-10T16:30:00.5+02:00"},
	}
	for _, tt := range tests {
		s := FormatDateTime(tt.wall)
		require.Equal(t, tt.want, s, "%v", tt.wall)
		back, err := ParseDateTime(s, nil)
		require.NoError(t, err)
		require.True(t, back.Equal(tt.wall), "%s read back as %v, want %v", s, back, tt.wall)
		require.Equal(t, tt.wall.Format(time.DateTime), back.In(ticket.Paris).Format(time.DateTime))
	}
}

// TestWriteDateTimeLocalMeanTime: a closure dated in 1905 goes through the
// codec (write, read) at the same instant.
func TestWriteDateTimeLocalMeanTime(t *testing.T) {
	at := time.Date(1905, 1, 1, 12, 0, 0, 0, ticket.Paris)
	v := &TroubleTicketValue{TroubleStatusTime: Some(at), LastUpdateTime: Some(at)}
	b, err := AppendTroubleTicketValue(nil, v, nil)
	require.NoError(t, err)
	require.NotContains(t, string(b), "+00:09", "an offset of 9 min 21 s cut to 9 min")
	back, err := DecodeTroubleTicketValue(bytes.NewReader(b), nil)
	require.NoError(t, err)
	for _, f := range []Field[time.Time]{back.TroubleStatusTime, back.LastUpdateTime} {
		got, ok := f.Get()
		require.True(t, ok)
		require.True(t, got.Equal(at), "%s read back as %v, want %v", b, got, at)
	}
}

// checkDateTimeRoundTrip checks that the Paris wall clock of unix seconds
// and nanos is written and read back exactly.
func checkDateTimeRoundTrip(t *testing.T, sec int64, nsec int64) {
	t.Helper()
	at := time.Unix(sec, nsec).In(ticket.Paris)
	s := FormatDateTime(at)
	back, err := ParseDateTime(s, nil)
	require.NoError(t, err, "%v written as %s", at, s)
	require.True(t, back.Equal(at), "%v written as %s, read back as %v", at, s, back)
	require.Equal(t, at.Format(time.DateTime+".999999999"), back.In(ticket.Paris).Format(time.DateTime+".999999999"), s)
	if _, off := at.Zone(); off%60 != 0 {
		require.True(t, strings.HasSuffix(s, "Z"), "%s: an offset of %d s is written in UTC", s, off)
	}
}

// dateRange is the span of years xs:dateTime and AAAAMMJJHHMMSS share,
// 0001 to 9999, in Unix seconds.
var dateRange = [2]int64{
	time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC).Unix(),
	time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC).Unix(),
}

// TestDateTimeRoundTripRange checks the round trip of Paris wall clocks
// over the whole range, densely around the changes of offset of the
// twentieth century.
func TestDateTimeRoundTripRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		checkDateTimeRoundTrip(t, dateRange[0]+rng.Int64N(dateRange[1]-dateRange[0]), 0)
	}
	from, to := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for sec := from; sec < to; sec += 12*3600 + 7 {
		checkDateTimeRoundTrip(t, sec, 0)
	}
}

// FuzzDateTimeRoundTrip: any Paris wall clock from year 0001 to 9999 is
// written and read back exactly.
func FuzzDateTimeRoundTrip(f *testing.F) {
	for _, at := range []time.Time{
		time.Date(1905, 1, 1, 12, 0, 0, 0, ticket.Paris),
		time.Date(1911, 3, 10, 23, 59, 59, 0, ticket.Paris),
		time.Date(1911, 3, 11, 0, 1, 0, 0, ticket.Paris),
		time.Date(2026, 3, 29, 2, 30, 0, 0, ticket.Paris),
		time.Date(1, 1, 1, 0, 0, 0, 0, ticket.Paris),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, ticket.Paris),
	} {
		f.Add(at.Unix(), int64(at.Nanosecond()))
	}
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		span := dateRange[1] - dateRange[0]
		sec = dateRange[0] + (sec%span+span)%span
		nsec = (nsec%1e9 + 1e9) % 1e9
		checkDateTimeRoundTrip(t, sec, nsec)
	})
}
