package ticket

import (
	"strings"

	"github.com/opensav/savsdk/codes"
)

// Mermaid returns the lifecycle table as a Mermaid state diagram, one edge
// per rule labelled "TRANSACTION (SENDER)". It is generated from the same
// table [Ticket.Apply] uses, so the documentation cannot drift.
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	b.WriteString("    [*] --> NONE\n")
	for _, r := range rules {
		b.WriteString("    " + r.From.String() + " --> " + r.To.String() + ": " + r.Kind.String() +
			" (" + string(r.Sender) + ")\n")
	}
	b.WriteString("    REJECTED --> [*]\n")
	b.WriteString("    CLOSED --> [*]\n")
	return b.String()
}

// ResolutionMermaid returns the resolution sub-state machine as a Mermaid
// state diagram: the initial sub-states a CASE SOLVING NOTIFICATION may set,
// the moves of SU CASE INFORMATION NOTIFICATION, and ACTION TERMINEE reached by
// CASE SOLVED NOTIFICATION from every sub-state.
func ResolutionMermaid() string {
	id := func(e codes.EtatResolution) string { return strings.ReplaceAll(string(e), " ", "_") }
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, e := range codes.EtatResolutions {
		b.WriteString("    state \"" + string(e) + "\" as " + id(e) + "\n")
	}
	for _, e := range initialResolutions {
		b.WriteString("    [*] --> " + id(e) + ": " + KindCaseSolving.String() + "\n")
	}
	for _, from := range codes.EtatResolutions {
		for _, to := range resolutionMoves[from] {
			b.WriteString("    " + id(from) + " --> " + id(to) + ": " + KindSUInformation.String() + "\n")
		}
	}
	for _, from := range codes.EtatResolutions[:4] {
		b.WriteString("    " + id(from) + " --> " + id(codes.EtatResolutionTerminee) + ": " +
			KindCaseSolved.String() + "\n")
	}
	b.WriteString("    " + id(codes.EtatResolutionTerminee) + " --> [*]\n")
	return b.String()
}
