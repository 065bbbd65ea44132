package v1a_test

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
	"github.com/opensav/savsdk/v1a"
)

// TestDateClotureRoundTripRange writes and reads back closures dated over
// the years v1a reads (1900 to 2999), densely before 1911, when Paris's
// offset had seconds: the Paris wall clock comes back to the second, and
// so does the instant unless the wall clock is one of the repeated hour of
// a change of time.
func TestDateClotureRoundTripRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	from := time.Date(1900, 1, 1, 0, 0, 0, 0, ticket.Paris).Unix()
	to := time.Date(2999, 12, 31, 0, 0, 0, 0, ticket.Paris).Unix()
	pre1911 := time.Date(1911, 6, 1, 0, 0, 0, 0, ticket.Paris).Unix()
	var recs []v1a.Record
	for i := range 5000 {
		sec := from + rng.Int64N(to-from)
		if i%2 == 0 {
			sec = from + rng.Int64N(pre1911-from)
		}
		recs = append(recs, &v1a.Cloture{ReferenceSigSAVOI: "FTEL-1", ReferenceSigSAVRaccoOC: "R-1",
			ReferencePrise: "FI-1", DateCloture: time.Unix(sec, 0).In(ticket.Paris),
			CodeCloture: codes.ClosureCode("ABS02"), Responsabilite: codes.ResponsabiliteOC})
	}
	var buf bytes.Buffer
	require.NoError(t, v1a.WriteAll(&buf, v1a.FlowCloture, recs...))
	_, got, _, err := v1a.ReadAll(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.Len(t, got, len(recs))
	for i, r := range got {
		want := recs[i].(*v1a.Cloture).DateCloture
		back := r.(*v1a.Cloture).DateCloture
		require.Equal(t, want.Format(time.DateTime), back.In(ticket.Paris).Format(time.DateTime))
		if !back.Equal(want) {
			// Only a repeated wall clock may name another instant, an hour off.
			require.Equal(t, time.Hour, want.Sub(back).Abs(), "%v read back as %v", want, back)
		}
	}
}
