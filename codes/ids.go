package codes

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Length limits of the identifiers (characters).
const (
	MaxReferencePrise           = 30 // ReferencePrise / TechnicalId
	MaxReferencePrestationPrise = 30 // ReferencePrestationPrise / CommercialId
	MaxReferenceSigSAV          = 50 // ReferenceSigSAVRaccoOC, ReferenceSigSAVOI
	MaxReferencePM              = 50 // ReferencePM
)

func isUpperAlnum(b byte) bool { return ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9') }
func isDigit(b byte) bool      { return '0' <= b && b <= '9' }

// ValidOperatorCode checks an operator code (quadrigramme): four upper-case
// letters or digits, e.g. FTEL.
func ValidOperatorCode(s string) error {
	if s == "" {
		return missing("CodeOperateur")
	}
	if len(s) != 4 || !isUpperAlnum(s[0]) || !isUpperAlnum(s[1]) || !isUpperAlnum(s[2]) || !isUpperAlnum(s[3]) {
		return badFormat("CodeOperateur", s, "want four upper-case letters or digits")
	}
	return nil
}

// ValidSIREN checks a SIREN number: nine digits.
func ValidSIREN(s string) error {
	if s == "" {
		return missing("SIREN")
	}
	if len(s) != 9 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return badFormat("SIREN", s, "want nine digits")
	}
	return nil
}

// IsARCEPLineID reports whether s has the ARCEP target format of a line
// identifier, OO-XXXX-XXXX (two characters, then two groups of four, upper-case
// letters and digits).
func IsARCEPLineID(s string) bool {
	if len(s) != 12 || s[2] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 2 && i != 7 && !isUpperAlnum(s[i]) {
			return false
		}
	}
	return true
}

// ValidReferencePrise checks a line identifier (ReferencePrise, TechnicalId).
// The ARCEP format OO-XXXX-XXXX is the target, but legacy identifiers are still
// in service, so any printable value of at most 30 characters without spaces
// is accepted; use [IsARCEPLineID] to tell them apart.
func ValidReferencePrise(s string) error {
	return validIdentifier("ReferencePrise", s, MaxReferencePrise)
}

// ValidReferencePrestationPrise checks a commercial access identifier
// (ReferencePrestationPrise, CommercialId): printable, no spaces, at most 30
// characters.
func ValidReferencePrestationPrise(s string) error {
	return validIdentifier("ReferencePrestationPrise", s, MaxReferencePrestationPrise)
}

func validIdentifier(field, s string, max int) error {
	if s == "" {
		return missing(field)
	}
	if utf8.RuneCountInString(s) > max {
		return badFormat(field, s, "longer than "+strconv.Itoa(max)+" characters")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == utf8.RuneError {
			return badFormat(field, s, "spaces and control characters are not allowed")
		}
	}
	return nil
}

// NormalizePhone checks a French phone number and returns it without
// separators. Spaces, dots, dashes and parentheses are removed; "0033" becomes
// "+33" and a "(0)" after the country code is dropped. The result is
// "0" followed by nine digits, the first from 1 to 9, or "+33" followed by nine
// such digits. The form is kept: a national number stays national.
func NormalizePhone(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", missing("Telephone")
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '.' || c == '-' || c == '\t' || c == '/':
		case c == '(' && strings.HasPrefix(s[i:], "(0)"):
			i += 2
		case c == '(' || c == ')':
		default:
			b.WriteByte(c)
		}
	}
	n := strings.ReplaceAll(b.String(), "\u00a0", "")
	if strings.HasPrefix(n, "0033") {
		n = "+33" + n[4:]
	}
	var rest string
	switch {
	case strings.HasPrefix(n, "+33"):
		rest = n[3:]
	case strings.HasPrefix(n, "0"):
		rest = n[1:]
	default:
		return "", badFormat("Telephone", s, "want 0XXXXXXXXX or +33XXXXXXXXX")
	}
	if len(rest) != 9 || rest[0] == '0' {
		return "", badFormat("Telephone", s, "want nine digits after 0 or +33, the first not 0")
	}
	for i := 0; i < len(rest); i++ {
		if !isDigit(rest[i]) {
			return "", badFormat("Telephone", s, "only digits after 0 or +33")
		}
	}
	return n, nil
}
