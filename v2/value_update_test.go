package v2

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
)

func TestUpdateSetSemantics(t *testing.T) {
	stored := fixtureFullValue()
	set := TroubleTicketValue{
		LastUpdateVersionNumber: Some[int64](1),
		TroubleTicketKey:        Some(DefaultProfile().Key("OTHER")),
		Dialog:                  Some("nouveau dialogue"),
		TroubleLocation:         Null[string](),
		TroubleState:            Some(TroubleStateOpenActive),
		SAV: &SAVExtension{Transaction: Some("SU CASE INFORMATION NOTIFICATION"),
			EtatResolution: Some(codes.EtatResolutionPrevue), Intervention: Null[Intervention]()},
	}
	want := fixtureFullValue()
	want.Dialog = Some("nouveau dialogue")
	want.TroubleLocation = Field[string]{}
	want.TroubleState = Some(TroubleStateOpenActive)
	want.SAV.EtatResolution = Some(codes.EtatResolutionPrevue)
	want.SAV.Intervention = Field[Intervention]{}
	stored.Update(&set)
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Fatal(diff)
	}
	var empty TroubleTicketValue
	empty.Update(&set)
	require.NotNil(t, empty.SAV)
	require.True(t, empty.SAV.Transaction.IsAbsent())
	require.True(t, empty.TroubleTicketKey.IsAbsent())
	require.Equal(t, Some(codes.EtatResolutionPrevue), empty.SAV.EtatResolution)
}
