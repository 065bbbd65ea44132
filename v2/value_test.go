package v2

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/ticket"
)

func TestField(t *testing.T) {
	var f Field[string]
	require.True(t, f.IsAbsent())
	require.Equal(t, "def", f.Or("def"))
	f = Null[string]()
	require.True(t, f.IsNil())
	_, ok := f.Get()
	require.False(t, ok)
	f = Some("x")
	v, ok := f.Get()
	require.True(t, ok)
	require.Equal(t, "x", v)
	require.True(t, f.IsPresent())
	require.Equal(t, []string{"a", "b"}, Values([]Field[string]{Some("a"), Null[string](), Some("b")}))
	require.Equal(t, "absent nil present Presence(7)", Absent.String()+" "+Nil.String()+" "+Present.String()+" "+Presence(7).String())
}

func TestEnumerationsValid(t *testing.T) {
	valid := []interface{ Valid() bool }{
		TroubleState("QUEUED"), TroubleStatus("TESTING"), TroubleType("NODIALTONE"), TroubleFound("PABX"),
		PerceivedTroubleSeverity("UNDEFINED"), PreferredPriority("MINOR"), InitiatingMode("ALARMORIGINATED"),
		RepeatReport("CHRONIC"), CloseOutVerification("NOACTION"), ActivityType("STANDBY"), ActivityCode("DEFER"),
		Role("HANDOFFPERSON"), RequestState("DENIED"), OrgLevel("SIXTHLEVEL"), DayOfWeek("SUNDAY"), ModifierRemove,
	}
	for _, v := range valid {
		require.True(t, v.Valid(), "%v", v)
	}
	invalid := []interface{ Valid() bool }{
		TroubleState("queued"), TroubleStatus(""), TroubleType("X"), TroubleFound("X"), PerceivedTroubleSeverity("X"),
		PreferredPriority("X"), InitiatingMode("X"), RepeatReport("X"), CloseOutVerification("X"), ActivityType("X"),
		ActivityCode("CANCEL"), Role("X"), RequestState("X"), OrgLevel("X"), DayOfWeek("Monday"), Modifier("X"),
	}
	for _, v := range invalid {
		require.False(t, v.Valid(), "%v", v)
	}
}

func TestProfileDefaults(t *testing.T) {
	p := &Profile{NamespaceSAV: "urn:x"}
	q := p.orDefault()
	require.Equal(t, "urn:x", q.NamespaceSAV)
	require.Equal(t, DefaultKeyType, q.KeyType)
	require.Equal(t, ticket.Paris, q.Location)
	require.NotNil(t, q.NatureDefautAliases)
	require.Equal(t, DefaultMaxDepth, q.MaxDepth)
	require.Same(t, defaultProfile, (*Profile)(nil).orDefault())
	full := DefaultProfile()
	require.Same(t, full, full.orDefault())
	full.MaxHowMany = 10
	n, ok := full.PageSize(Some[uint32](11))
	require.False(t, ok)
	require.Equal(t, 11, n)
	n, ok = full.PageSize(Some[uint32](0))
	require.True(t, ok)
	require.Equal(t, DefaultHowMany, n)
	utc := DefaultProfile()
	utc.Location = time.UTC
	tm, err := ParseDateTime("2026-11-20T10:00:00", utc.Location)
	require.NoError(t, err)
	require.Equal(t, "2026-11-20T10:00:00Z", FormatDateTime(tm))
}

func TestOperations(t *testing.T) {
	flows := map[Operation]string{}
	for _, o := range Operations {
		require.True(t, o.Valid())
		require.NotEmpty(t, o.Exceptions())
		flows[o] = o.Flow()
	}
	require.Equal(t, "search", flows[OpGetTroubleTicketsByTemplate])
	require.Equal(t, "introspection", flows[OpGetEventTypes])
	require.False(t, Operation(0).Valid())
	require.Equal(t, "Operation(42)", Operation(42).String())
	require.Equal(t, "", Operation(42).Flow())
	require.Nil(t, NewMessage(0, PartRequest))
	require.Equal(t, "Part(9)", Part(9).String())
	require.Equal(t, "ExceptionKind(0)", ExceptionKind(0).String())
}
