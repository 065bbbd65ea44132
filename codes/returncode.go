package codes

import (
	"strconv"
	"strings"
)

// ReturnCode is an Interop'Fibre harmonised return code, used in v1a AR KO
// lines, v2 faults, the Plan de charge and InfoTravaux faults and savctl
// output.
type ReturnCode int

// The harmonised return codes.
const (
	ReturnCodeOK               ReturnCode = 0   // AUCUNE ERREUR - ACQUITTE
	ReturnCodeMissing          ReturnCode = 1   // INFO XXXXX OBLIGATOIRE
	ReturnCodeNotInList        ReturnCode = 2   // INFO XXXXX ERRONEE - HORS VALEURS PREVUEES
	ReturnCodeBadFormat        ReturnCode = 3   // INFO XXXXX INCORRECTE - FORMAT INVALIDE
	ReturnCodeSearchCriteria   ReturnCode = 4   // CRITERES DE RECHERCHE NON RESPECTES
	ReturnCodeNoResult         ReturnCode = 5   // AUCUN RESULTAT TROUVE
	ReturnCodeDesync           ReturnCode = 6   // AUCUN CHANGEMENT - DESYNCHRONISATION DES SI DETECTEE
	ReturnCodeSaturation       ReturnCode = 7   // SEUIL DE SATURATION DEPASSE
	ReturnCodeUnknown          ReturnCode = 8   // INFO XXXXX INCONNUE
	ReturnCodeHorsParcOC       ReturnCode = 9   // INFO XXXXX HORS PARC OC
	ReturnCodeInternal         ReturnCode = 10  // ERREUR SI INTERNE
	ReturnCodeNotAllowed       ReturnCode = 11  // ACTION NON AUTORISEE
	ReturnCodeAuthentication   ReturnCode = 12  // ERREUR AUTHENTIFICATION
	ReturnCodeUnexpected       ReturnCode = 13  // INFO XXXXX INCORRECTE - HORS VALEURS ATTENDUES
	ReturnCodeMaintenance      ReturnCode = 14  // SI EN MAINTENANCE
	ReturnCodeAccessDenied     ReturnCode = 15  // ACCES NON AUTORISE
	ReturnCodeAccessDisabled   ReturnCode = 16  // ACCES DESACTIVE
	ReturnCodeNoSuchService    ReturnCode = 17  // SERVICE INEXISTANT
	ReturnCodeDataFormat       ReturnCode = 18  // ERREUR INTERNE LIEE AU FORMAT DES DONNEES
	ReturnCodeServiceDisabled  ReturnCode = 19  // SERVICE DESACTIVE
	ReturnCodeUnreachable      ReturnCode = 20  // SERVICE INJOIGNABLE
	ReturnCodeNoResponse       ReturnCode = 21  // PAS DE REPONSE DU SERVICE
	ReturnCodeBadInterface     ReturnCode = 22  // INTERFACE INCORRECTE
	ReturnCodeSLA              ReturnCode = 23  // DEPASSEMENT DE LA SLA
	ReturnCodeCannotCreate     ReturnCode = 100 // IMPOSSIBLE DE CREER LE TICKET
	ReturnCodeRdvNonDisponible ReturnCode = 101 // RDV NON DISPONIBLE
)

var returnMessages = map[ReturnCode]string{
	0: "AUCUNE ERREUR - ACQUITTE", 1: "INFO XXXXX OBLIGATOIRE", 2: "INFO XXXXX ERRONEE - HORS VALEURS PREVUEES",
	3: "INFO XXXXX INCORRECTE - FORMAT INVALIDE", 4: "CRITERES DE RECHERCHE NON RESPECTES",
	5: "AUCUN RESULTAT TROUVE", 6: "AUCUN CHANGEMENT - DESYNCHRONISATION DES SI DETECTEE",
	7: "SEUIL DE SATURATION DEPASSE", 8: "INFO XXXXX INCONNUE", 9: "INFO XXXXX HORS PARC OC",
	10: "ERREUR SI INTERNE", 11: "ACTION NON AUTORISEE", 12: "ERREUR AUTHENTIFICATION",
	13: "INFO XXXXX INCORRECTE - HORS VALEURS ATTENDUES", 14: "SI EN MAINTENANCE", 15: "ACCES NON AUTORISE",
	16: "ACCES DESACTIVE", 17: "SERVICE INEXISTANT", 18: "ERREUR INTERNE LIEE AU FORMAT DES DONNEES",
	19: "SERVICE DESACTIVE", 20: "SERVICE INJOIGNABLE", 21: "PAS DE REPONSE DU SERVICE",
	22: "INTERFACE INCORRECTE", 23: "DEPASSEMENT DE LA SLA", 100: "IMPOSSIBLE DE CREER LE TICKET",
	101: "RDV NON DISPONIBLE",
}

// Known reports whether c is in the harmonised table.
func (c ReturnCode) Known() bool {
	_, ok := returnMessages[c]
	return ok
}

// Template returns the table's message with its XXXXX placeholder, or
// "CODE RETOUR n" for a code outside the table.
func (c ReturnCode) Template() string {
	if m, ok := returnMessages[c]; ok {
		return m
	}
	return "CODE RETOUR " + strconv.Itoa(int(c))
}

// Message returns the table's message with XXXXX replaced by field; with an
// empty field the placeholder stays.
func (c ReturnCode) Message(field string) string {
	m := c.Template()
	if field == "" {
		return m
	}
	return strings.Replace(m, "XXXXX", field, 1)
}

// String returns "n MESSAGE" with the placeholder left in.
func (c ReturnCode) String() string { return strconv.Itoa(int(c)) + " " + c.Template() }

// NeedsField reports whether the message names a field (has XXXXX).
func (c ReturnCode) NeedsField() bool { return strings.Contains(c.Template(), "XXXXX") }

// Temporary reports whether the failure may go away by itself, so the same
// request can be retried later: internal error, maintenance, saturation,
// unreachable, no response, SLA exceeded.
func (c ReturnCode) Temporary() bool {
	switch c {
	case ReturnCodeSaturation, ReturnCodeInternal, ReturnCodeMaintenance,
		ReturnCodeUnreachable, ReturnCodeNoResponse, ReturnCodeSLA:
		return true
	}
	return false
}

// ReturnCodeRange is the block of the table a code belongs to.
type ReturnCodeRange int

// Ranges of return codes.
const (
	RangeOther        ReturnCodeRange = iota // outside every range
	RangeGeneric                             // 0–99
	RangeSAV                                 // 100–199
	RangeTravaux                             // 200–299, TP/DERCO (InfoTravaux)
	RangePlanDeCharge                        // 300–399, Plan de charge SAV
)

// Range returns the block of the table c belongs to.
func (c ReturnCode) Range() ReturnCodeRange {
	switch {
	case c < 0:
		return RangeOther
	case c < 100:
		return RangeGeneric
	case c < 200:
		return RangeSAV
	case c < 300:
		return RangeTravaux
	case c < 400:
		return RangePlanDeCharge
	}
	return RangeOther
}

func (r ReturnCodeRange) String() string {
	switch r {
	case RangeGeneric:
		return "generic"
	case RangeSAV:
		return "SAV"
	case RangeTravaux:
		return "TP/DERCO"
	case RangePlanDeCharge:
		return "Plan de charge"
	}
	return "other"
}

// ParseReturnCode reads a decimal return code.
func ParseReturnCode(s string) (ReturnCode, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, missing("CodeRetour")
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > 999 {
		return 0, badFormat("CodeRetour", s, "want an integer from 0 to 999")
	}
	return ReturnCode(n), nil
}
