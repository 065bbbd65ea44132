package rdv

import "strings"

// Mermaid returns the negotiation table as a Mermaid state diagram, one edge
// per step labelled "MESSAGE (SENDER)". It is drawn from the table
// [Negotiation.Apply] uses, so the documentation cannot drift. The deposit's
// booking id, which is no message, is labelled "IdRdv in the deposit (OC)".
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	b.WriteString("    [*] --> NONE\n")
	for _, st := range steps {
		label := string(st.Type)
		if label == "" {
			label = "IdRdv in the deposit"
		}
		b.WriteString("    " + st.From.String() + " --> " + st.To.String() + ": " + label + " (" + string(st.Sender) +
			")\n")
	}
	b.WriteString("    note right of CONFIRMED: resolution ACTION PLANIFIEE\n")
	return b.String()
}
