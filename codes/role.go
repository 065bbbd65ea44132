package codes

// Role is the part an operator plays in an exchange: OI or OC.
type Role string

// Roles.
const (
	RoleOI Role = "OI" // opérateur d'immeuble: owns and repairs the shared cabling
	RoleOC Role = "OC" // opérateur commercial: files signalisations for its customers
)

var roleAliases = newAliases("Role", []Role{RoleOI, RoleOC}, Role.Label, map[string]Role{
	"operateur d'immeuble":       RoleOI,
	"operateur d'infrastructure": RoleOI,
})

// ParseRole reads OI or OC, in any case.
func ParseRole(s string) (Role, error) { return roleAliases.Parse(s) }

// Valid reports whether r is OI or OC.
func (r Role) Valid() bool { return r == RoleOI || r == RoleOC }

// Other returns the partner's role: OC for OI and OI for OC.
func (r Role) Other() Role {
	switch r {
	case RoleOI:
		return RoleOC
	case RoleOC:
		return RoleOI
	}
	return ""
}

// Label returns the French display text.
func (r Role) Label() string {
	switch r {
	case RoleOI:
		return "Opérateur d'immeuble"
	case RoleOC:
		return "Opérateur commercial"
	}
	return string(r)
}

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) { return []byte(r), nil }

// UnmarshalText implements encoding.TextUnmarshaler; unknown values are kept.
func (r *Role) UnmarshalText(b []byte) error { *r = lenient(roleAliases, b); return nil }
