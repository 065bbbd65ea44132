package v1a_test

import (
	"testing"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/rdv"
	"github.com/opensav/savsdk/v1a"
)

var rdvBenchInfo = &v1a.Info{ReferenceSigSAVOI: "OI-42", ReferenceSigSAVRaccoOC: "OC-SAV-1", Emetteur: codes.RoleOC,
	DateMessage: rdvAt, TypeMessage: codes.TypeMessagePropositionRdv,
	PropalRdv: []rdv.Slot{rdvAutumn, rdvMorning, rdvSpring}, Commentaire: "Trois créneaux"}

// BenchmarkTransactionOfInfo is the baseline of the conversions below: the
// ticket transaction of the same INFO line.
func BenchmarkTransactionOfInfo(b *testing.B) {
	for b.Loop() {
		if _, err := v1a.TransactionOf(rdvBenchInfo, "", ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRdvMessageOf(b *testing.B) {
	for b.Loop() {
		if _, err := v1a.RdvMessageOf(rdvBenchInfo); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInfoFromRdv(b *testing.B) {
	m, err := v1a.RdvMessageOf(rdvBenchInfo)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := v1a.InfoFromRdv(rdvTicket, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRdvRequestOf(b *testing.B) {
	d := &v1a.Depot{PropalRdv: rdvBenchInfo.PropalRdv}
	for b.Loop() {
		if _, err := v1a.RdvRequestOf(d, rdvAt); err != nil {
			b.Fatal(err)
		}
	}
}
