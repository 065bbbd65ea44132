package v1a_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/v1a"
)

func TestFileName(t *testing.T) {
	n := v1a.FileName{Flow: v1a.FlowDepot, Sender: "BYTL", Recipient: "FTEL", Time: paris(2026, 1, 5, 9, 30, 0), Seq: 1}
	require.NoError(t, n.Check())
	require.Equal(t, "SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv", n.String())
	require.Equal(t, "SAV FTTH - SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv", v1a.Subject(n))

	for _, s := range []string{
		"SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv",
		"sav_depot_bytl_ftel_20260105093000_0001.CSV",
		"SAV_DEPOT_BYTL_FTEL_20260105093000_0001",
		"/var/mail/in/SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv",
		`C:\SAV\SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv`,
		"  SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv ",
	} {
		got, err := v1a.ParseFileName(s)
		require.NoError(t, err, s)
		require.Equal(t, n.String(), got.String(), s)
		require.True(t, got.Time.Equal(n.Time))
	}
	// The time is Paris wall-clock, summer time included.
	got, err := v1a.ParseFileName("SAV_TRAVAUX_FTEL_BYTL_20260705120000_9999.csv")
	require.NoError(t, err)
	require.True(t, got.Time.Equal(time.Date(2026, 7, 5, 10, 0, 0, 0, time.UTC)))
	require.Equal(t, 9999, got.Seq)

	for _, tt := range []struct{ name, part string }{
		{"SAV_DEPOT_BYTL_FTEL_20260105093000.csv", ""},
		{"XYZ_DEPOT_BYTL_FTEL_20260105093000_0001.csv", "prefix"},
		{"SAV_PLOP_BYTL_FTEL_20260105093000_0001.csv", "FLUX"},
		{"SAV_DEPOT_BYT_FTEL_20260105093000_0001.csv", "EMETTEUR"},
		{"SAV_DEPOT_BYTL_FT-L_20260105093000_0001.csv", "DESTINATAIRE"},
		{"SAV_DEPOT_BYTL_FTEL_20261305093000_0001.csv", "AAAAMMJJHHMMSS"},
		{"SAV_DEPOT_BYTL_FTEL_2026010509300_0001.csv", "AAAAMMJJHHMMSS"},
		{"SAV_DEPOT_BYTL_FTEL_20260105093000_0000.csv", "NNNN"},
		{"SAV_DEPOT_BYTL_FTEL_20260105093000_12345.csv", "NNNN"},
	} {
		_, err := v1a.ParseFileName(tt.name)
		require.ErrorIs(t, err, v1a.ErrFileName, tt.name)
		var fe *v1a.FileNameError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tt.part, fe.Part, tt.name)
	}
	bad := n
	bad.Seq = 0
	require.ErrorIs(t, bad.Check(), v1a.ErrFileName)
	bad = n
	bad.Sender = "bytl"
	require.ErrorIs(t, bad.Check(), v1a.ErrFileName)
}

func TestSubjects(t *testing.T) {
	at := paris(2026, 1, 5, 9, 30, 0)
	for flow, prefix := range map[v1a.Flow]string{
		v1a.FlowDepot: "SAV FTTH - ", v1a.FlowAR: "SAV FTTH - ", v1a.FlowCloture: "SAV FTTH - ", v1a.FlowInfo: "SAV FTTH - ",
		v1a.FlowTravaux: "PREVENANCE FTTH - ", v1a.FlowDommage: "DOMMAGE FTTH - ", v1a.FlowARDommage: "DOMMAGE FTTH - ",
	} {
		n := v1a.FileName{Flow: flow, Sender: "FTEL", Recipient: "BYTL", Time: at, Seq: 42}
		s := v1a.Subject(n)
		require.Equal(t, prefix+n.String(), s)
		got, err := v1a.ParseSubject(s)
		require.NoError(t, err)
		require.Equal(t, n.String(), got.String())
	}
	for _, s := range []string{
		"sav ftth -   SAV_DEPOT_BYTL_FTEL_20260105093000_0001",
		"  SAV  FTTH  -  sav_depot_bytl_ftel_20260105093000_0001.csv  ",
		"Prevenance FTTH - SAV_TRAVAUX_FTEL_BYTL_20260105093000_0001.csv",
	} {
		_, err := v1a.ParseSubject(s)
		require.NoError(t, err, s)
	}
	for _, s := range []string{
		"Re: SAV FTTH - SAV_DEPOT_BYTL_FTEL_20260105093000_0001.csv",
		"SAV FTTH - SAV_TRAVAUX_FTEL_BYTL_20260105093000_0001.csv", // wrong prefix for the flow
		"DOMMAGE FTTH - rien",
		"",
	} {
		_, err := v1a.ParseSubject(s)
		require.ErrorIs(t, err, v1a.ErrFileName, s)
	}
	// A partner's own naming.
	g := v1a.DefaultNaming()
	g.Prefix, g.Extension, g.SubjectSAV = "INTEROP", ".txt", "[SAV] "
	n := v1a.FileName{Flow: v1a.FlowInfo, Sender: "FTEL", Recipient: "BYTL", Time: at, Seq: 7}
	require.Equal(t, "[SAV] INTEROP_INFO_FTEL_BYTL_20260105093000_0007.txt", g.Subject(n))
	got, err := g.ParseSubject("[sav] interop_info_ftel_bytl_20260105093000_0007")
	require.NoError(t, err)
	require.Equal(t, n.Seq, got.Seq)
}

func TestSequence(t *testing.T) {
	var seq v1a.Sequence
	var wg sync.WaitGroup
	got := make(chan int, 2000)
	for range 20 {
		wg.Go(func() {
			for range 100 {
				got <- seq.Next("FTEL")
			}
		})
	}
	wg.Wait()
	close(got)
	seen := map[int]bool{}
	for n := range got {
		require.False(t, seen[n], "number %d given twice", n)
		seen[n] = true
	}
	require.Len(t, seen, 2000)
	require.Equal(t, 2000, seq.Last("FTEL"))
	require.Equal(t, 1, seq.Next("BYTL"), "per sender")
	seq.Set("FTEL", 9999)
	require.Equal(t, 1, seq.Next("FTEL"), "wraps after 9999")

	n := v1a.NewFileName(&seq, v1a.FlowAR, "FTEL", "BYTL", time.Date(2026, 1, 5, 8, 30, 0, 5e8, time.UTC))
	require.Equal(t, "SAV_AR_FTEL_BYTL_20260105093000_0002.csv", n.String())
}

func TestParseFlow(t *testing.T) {
	f, err := v1a.ParseFlow(" ardommage ")
	require.NoError(t, err)
	require.Equal(t, v1a.FlowARDommage, f)
	_, err = v1a.ParseFlow("RDV")
	require.Error(t, err)
}
