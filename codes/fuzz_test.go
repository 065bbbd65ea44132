package codes_test

import (
	"strings"
	"testing"

	"github.com/opensav/savsdk/codes"
)

// fuzzEnum checks the properties every code parser has: it never panics, it
// returns a canonical value or a *ValueError, parsing is idempotent on its own
// output, and UnmarshalText keeps what ParseXxx refuses.
func fuzzEnum[T interface {
	~string
	Valid() bool
}](t *testing.T, s string, parse func(string) (T, error), unmarshal func([]byte) (T, error)) {
	v, err := parse(s)
	if err != nil {
		if _, ok := err.(*codes.ValueError); !ok {
			t.Fatalf("parse(%q) error %T %v", s, err, err)
		}
		u, err := unmarshal([]byte(s))
		if err != nil {
			t.Fatalf("UnmarshalText(%q): %v", s, err)
		}
		if string(u) != strings.TrimSpace(s) {
			t.Fatalf("UnmarshalText(%q) = %q, want the value kept", s, u)
		}
		return
	}
	if !v.Valid() {
		t.Fatalf("parse(%q) = %q, not Valid", s, v)
	}
	again, err := parse(string(v))
	if err != nil || again != v {
		t.Fatalf("parse(parse(%q)) = %q, %v", s, again, err)
	}
	u, _ := unmarshal([]byte(s))
	if u != v {
		t.Fatalf("UnmarshalText(%q) = %q, Parse = %q", s, u, v)
	}
}

func unmarshalWith[T any, P interface {
	*T
	UnmarshalText([]byte) error
}](b []byte) (T, error) {
	var v T
	err := P(&v).UnmarshalText(b)
	return v, err
}

func FuzzParseNatureDefaut(f *testing.F) {
	for _, s := range []string{"COUPURE", "Pas de signal", "signal dégradé", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzEnum(t, s, codes.ParseNatureDefaut, unmarshalWith[codes.NatureDefaut])
	})
}

func FuzzParsePrelocDefaut(f *testing.F) {
	for _, s := range []string{"PTO", "COL MONTANTE", "pm-pbo", "Horizontale réseau", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzEnum(t, s, codes.ParsePrelocDefaut, unmarshalWith[codes.PrelocDefaut])
	})
}

func FuzzParseTypeMessage(f *testing.F) {
	for _, s := range []string{"Proposition de rdv", "Avancement résol", "COMMENTAIRE", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzEnum(t, s, codes.ParseTypeMessage, unmarshalWith[codes.TypeMessage])
	})
}

func FuzzParseEtatResolution(f *testing.F) {
	for _, s := range []string{"ACTION PLANIFIEE", "Action à définir", "terminée"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzEnum(t, s, codes.ParseEtatResolution, unmarshalWith[codes.EtatResolution])
	})
}

func FuzzParseSmallEnums(f *testing.F) {
	for _, s := range []string{"OI", "oc", "TIERS", "Expertise contradictoire", "SIGNALISATION", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzEnum(t, s, codes.ParseRole, unmarshalWith[codes.Role])
		fuzzEnum(t, s, codes.ParseResponsabilite, unmarshalWith[codes.Responsabilite])
		fuzzEnum(t, s, codes.ParseTypeSAV, unmarshalWith[codes.TypeSAV])
	})
}

func FuzzParseClosureCode(f *testing.F) {
	for _, s := range []string{"RET01", " abs12", "XYZ01", "RET1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := codes.ParseClosureCode(s)
		if err != nil {
			if _, ok := err.(*codes.ValueError); !ok {
				t.Fatalf("error %T", err)
			}
			return
		}
		if !c.Valid() || c.Family() == "" {
			t.Fatalf("ParseClosureCode(%q) = %q, not valid", s, c)
		}
		var u codes.ClosureCode
		_ = u.UnmarshalText([]byte(s))
		if u != c {
			t.Fatalf("UnmarshalText(%q) = %q, Parse = %q", s, u, c)
		}
	})
}

func FuzzParseReturnCode(f *testing.F) {
	for _, s := range []string{"0", "13", "101", " 7 ", "x", "-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := codes.ParseReturnCode(s)
		if err != nil {
			return
		}
		if c < 0 || c > 999 {
			t.Fatalf("ParseReturnCode(%q) = %d", s, c)
		}
		_ = c.Message("F")
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033612345678", "612345678", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := codes.NormalizePhone(s)
		if err != nil {
			return
		}
		again, err := codes.NormalizePhone(p)
		if err != nil || again != p {
			t.Fatalf("NormalizePhone not idempotent on %q: %q, %v", p, again, err)
		}
		if !(len(p) == 10 && p[0] == '0') && !(len(p) == 12 && strings.HasPrefix(p, "+33")) {
			t.Fatalf("NormalizePhone(%q) = %q", s, p)
		}
	})
}

func FuzzValidIdentifiers(f *testing.F) {
	for _, s := range []string{"FTEL", "380129866", "FI-1234-ABCD", "x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if codes.ValidOperatorCode(s) == nil && len(s) != 4 {
			t.Fatalf("operator code %q", s)
		}
		if codes.ValidSIREN(s) == nil && len(s) != 9 {
			t.Fatalf("SIREN %q", s)
		}
		if codes.IsARCEPLineID(s) && codes.ValidReferencePrise(s) != nil {
			t.Fatalf("ARCEP id %q refused as ReferencePrise", s)
		}
	})
}
