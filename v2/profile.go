package v2

import (
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Namespaces of the documents. The JSR-91 ones are facts of the interface;
// the SAV extension namespace is a [Profile] setting.
const (
	NamespaceTT  = "http://java.sun.com/products/oss/xml/TroubleTicket"
	NamespaceCO  = "http://java.sun.com/products/oss/xml/Common"
	NamespaceXSI = "http://www.w3.org/2001/XMLSchema-instance"
	NamespaceXSD = "http://www.w3.org/2001/XMLSchema"

	// DefaultNamespaceSAV is the default namespace of the sav: extension
	// elements (V2.md, "Extension namespace").
	DefaultNamespaceSAV = "urn:savsdk:sav:2.0"
	// DefaultKeyType is the default co:type of a tt:troubleTicketKey.
	DefaultKeyType = "tt:TroubleTicketValue"
	// ProtocolVersion is the versionProtocole of the sav:entete header.
	ProtocolVersion = "2.0"
)

// Default limits.
const (
	DefaultHowMany  = 100  // page size when a search or query gives none
	MaxHowMany      = 1000 // larger page sizes are refused with return code 4
	DefaultMaxDepth = 64   // element nesting accepted by the decoder
)

// Profile holds the decisions of our protocol 2.0 profile that a partner may
// need changed (V2.md, "Our profile [D]"). The zero value is not usable: start
// from [DefaultProfile] and change what differs. A nil *Profile given to any
// function of this package means DefaultProfile(). A Profile must not be
// modified while it is in use; it is safe for concurrent reads.
type Profile struct {
	// NamespaceSAV is the namespace of the sav: extension, header and error
	// elements. Default [DefaultNamespaceSAV].
	NamespaceSAV string
	// KeyType is the co:type written in every tt:troubleTicketKey. Default
	// [DefaultKeyType].
	KeyType string
	// Location is the zone of dateTimes received without an offset and of
	// the incident date (midnight there). Default [ticket.Paris].
	Location *time.Location
	// Alias tables used to read the sav: enumerations; unknown spellings are
	// kept as received and reported by validation.
	NatureDefautAliases   *codes.Aliases[codes.NatureDefaut]
	PrelocDefautAliases   *codes.Aliases[codes.PrelocDefaut]
	TypeMessageAliases    *codes.Aliases[codes.TypeMessage]
	EtatResolutionAliases *codes.Aliases[codes.EtatResolution]
	// DefaultHowMany and MaxHowMany bound the page size of search and
	// query (V2.md, "Paging").
	DefaultHowMany int
	MaxHowMany     int
	// MaxDepth is the deepest element nesting the decoder accepts.
	MaxDepth int
}

// DefaultProfile returns a fresh Profile with every default of V2.md.
func DefaultProfile() *Profile {
	return &Profile{
		NamespaceSAV:          DefaultNamespaceSAV,
		KeyType:               DefaultKeyType,
		Location:              ticket.Paris,
		NatureDefautAliases:   codes.DefaultNatureDefautAliases(),
		PrelocDefautAliases:   codes.DefaultPrelocDefautAliases(),
		TypeMessageAliases:    codes.DefaultTypeMessageAliases(),
		EtatResolutionAliases: codes.DefaultEtatResolutionAliases(),
		DefaultHowMany:        DefaultHowMany,
		MaxHowMany:            MaxHowMany,
		MaxDepth:              DefaultMaxDepth,
	}
}

var defaultProfile = DefaultProfile()

// orDefault returns p with its unset fields taken from the defaults.
func (p *Profile) orDefault() *Profile {
	if p == nil {
		return defaultProfile
	}
	if p.NamespaceSAV != "" && p.KeyType != "" && p.Location != nil && p.NatureDefautAliases != nil &&
		p.PrelocDefautAliases != nil && p.TypeMessageAliases != nil && p.EtatResolutionAliases != nil &&
		p.DefaultHowMany > 0 && p.MaxHowMany > 0 && p.MaxDepth > 0 {
		return p
	}
	c := *p
	d := defaultProfile
	if c.NamespaceSAV == "" {
		c.NamespaceSAV = d.NamespaceSAV
	}
	if c.KeyType == "" {
		c.KeyType = d.KeyType
	}
	if c.Location == nil {
		c.Location = d.Location
	}
	if c.NatureDefautAliases == nil {
		c.NatureDefautAliases = d.NatureDefautAliases
	}
	if c.PrelocDefautAliases == nil {
		c.PrelocDefautAliases = d.PrelocDefautAliases
	}
	if c.TypeMessageAliases == nil {
		c.TypeMessageAliases = d.TypeMessageAliases
	}
	if c.EtatResolutionAliases == nil {
		c.EtatResolutionAliases = d.EtatResolutionAliases
	}
	if c.DefaultHowMany <= 0 {
		c.DefaultHowMany = d.DefaultHowMany
	}
	if c.MaxHowMany <= 0 {
		c.MaxHowMany = d.MaxHowMany
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = d.MaxDepth
	}
	return &c
}

// Key returns a tt:troubleTicketKey for the OI ticket id with the profile's
// KeyType.
func (p *Profile) Key(id string) TroubleTicketKey {
	return TroubleTicketKey{Type: p.orDefault().KeyType, PrimaryKey: id}
}

// PageSize returns the page size a search or query asks for: howMany when
// present, else DefaultHowMany; ok is false when it exceeds MaxHowMany
// (return code 4).
func (p *Profile) PageSize(howMany Field[uint32]) (n int, ok bool) {
	q := p.orDefault()
	if !howMany.IsPresent() {
		return q.DefaultHowMany, true
	}
	n = int(howMany.Value)
	if n > q.MaxHowMany {
		return n, false
	}
	if n == 0 {
		return q.DefaultHowMany, true
	}
	return n, true
}
