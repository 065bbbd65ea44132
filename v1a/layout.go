package v1a

import (
	"fmt"
	"slices"
	"strings"
)

// Flow is the kind of a protocol 1.0a file (the FLUX of its normalised name).
type Flow string

// The seven flows of V1A.md, "Flows".
const (
	FlowDepot     Flow = "DEPOT"     // dépôt de signalisation, OC → OI
	FlowAR        Flow = "AR"        // accusé de réception of a DEPOT, OI → OC
	FlowCloture   Flow = "CLOTURE"   // avis de clôture, OI → OC
	FlowInfo      Flow = "INFO"      // envoi d'information, both directions
	FlowTravaux   Flow = "TRAVAUX"   // prévenance de travaux programmés, OI → OC
	FlowDommage   Flow = "DOMMAGE"   // prévenance de dommage matériel, OC → OI
	FlowARDommage Flow = "ARDOMMAGE" // accusé de réception of a DOMMAGE, OI → OC
)

// Flows lists the flows in the order of V1A.md.
var Flows = []Flow{FlowDepot, FlowAR, FlowCloture, FlowInfo, FlowTravaux, FlowDommage, FlowARDommage}

// Valid reports whether f is one of the seven flows.
func (f Flow) Valid() bool { return slices.Contains(Flows, f) }

// ParseFlow reads a flow name, ignoring case and surrounding spaces.
func ParseFlow(s string) (Flow, error) {
	f := Flow(strings.ToUpper(strings.TrimSpace(s)))
	if !f.Valid() {
		return "", fmt.Errorf("v1a: unknown flow %q", s)
	}
	return f, nil
}

// Field names a value a record carries. Its value is the column name V1A.md
// gives it; a [Layout] may put it under another name on the wire.
type Field string

// Fields of the seven flows (V1A.md column names).
const (
	FieldReferencePrestationPrise Field = "ReferencePrestationPrise"
	FieldReferencePrise           Field = "ReferencePrise"
	FieldReferenceSigSAVRaccoOC   Field = "ReferenceSigSAVRaccoOC"
	FieldDateIncidClientFinal     Field = "DateIncidClientFinal"
	FieldNatureDefaut             Field = "NatureDefaut"
	FieldPrelocDefaut             Field = "PrelocDefaut"
	FieldNomClient                Field = "NomClient"
	FieldPrenomClient             Field = "PrenomClient"
	FieldContactClient1           Field = "ContactClient1"
	FieldContactClient2           Field = "ContactClient2"
	FieldIdRdv                    Field = "IdRdv"
	FieldPropalRdv                Field = "PropalRdv"
	FieldCommentaire              Field = "Commentaire"
	FieldStatutAR                 Field = "StatutAR"
	FieldReferenceSigSAVOI        Field = "ReferenceSigSAVOI"
	FieldDatePriseEnCompte        Field = "DatePriseEnCompte"
	FieldCodeRetour               Field = "CodeRetour"
	FieldMotifRefus               Field = "MotifRefus"
	FieldDateCloture              Field = "DateCloture"
	FieldCodeCloture              Field = "CodeCloture"
	FieldResponsabilite           Field = "Responsabilite"
	FieldLocalisationDefaut       Field = "LocalisationDefaut"
	FieldEmetteur                 Field = "Emetteur"
	FieldDateMessage              Field = "DateMessage"
	FieldTypeMessage              Field = "TypeMessage"
	FieldEtatResolution           Field = "EtatResolution"
	FieldDateIntervention         Field = "DateIntervention"
	FieldReferenceTravaux         Field = "ReferenceTravaux"
	FieldEtat                     Field = "Etat"
	FieldReferencePM              Field = "ReferencePM"
	FieldDateDebut                Field = "DateDebut"
	FieldDateFin                  Field = "DateFin"
	FieldNatureIntervention       Field = "NatureIntervention"
	FieldInterventionRequiseOC    Field = "InterventionRequiseOC"
	FieldNumeroVoie               Field = "NumeroVoie"
	FieldVoie                     Field = "Voie"
	FieldCodePostal               Field = "CodePostal"
	FieldCommune                  Field = "Commune"
	FieldCodeInsee                Field = "CodeInsee"
	FieldIdentifiantImmeuble      Field = "IdentifiantImmeuble"
	FieldContactOI                Field = "ContactOI"
	FieldReferenceDommageOC       Field = "ReferenceDommageOC"
	FieldDateConstat              Field = "DateConstat"
	FieldLocalisationDommage      Field = "LocalisationDommage"
	FieldAdresseImmeuble          Field = "AdresseImmeuble"
	FieldNomContactImmeuble       Field = "NomContactImmeuble"
	FieldTelContactImmeuble       Field = "TelContactImmeuble"
	FieldReferenceDommageOI       Field = "ReferenceDommageOI"
)

// Need says whether a column must be filled: M, C or O in V1A.md.
type Need int

// Needs. A conditional column's condition is a rule of the validator; the
// Need only says that the column may be empty when the rule does not apply.
const (
	Optional    Need = iota // O: may be empty
	Conditional             // C: mandatory or forbidden depending on other columns
	Mandatory               // M: never empty
)

func (n Need) String() string {
	switch n {
	case Mandatory:
		return "M"
	case Conditional:
		return "C"
	}
	return "O"
}

// kind is the wire format of a field's values; it is a property of the
// field, not of a partner's layout.
type kind int

const (
	kindText      kind = iota // free text; spreadsheet safety applies
	kindDate                  // AAAAMMJJ
	kindTimestamp             // AAAAMMJJHHMMSS
	kindMinute                // AAAAMMJJHHMM
	kindSlots                 // AAAAMMJJHHMM-HHMM|…
	kindPhone                 // 0XXXXXXXXX or +33XXXXXXXXX
	kindCode                  // a value of a list
	kindPostal                // five digits, repaired when four
	kindInsee                 // five characters, repaired when four digits
	kindNumber                // a return code
)

// kind returns the field's format; fields not listed are free text.
func (f Field) kind() kind {
	switch f {
	case FieldDateIncidClientFinal, FieldDateConstat:
		return kindDate
	case FieldDatePriseEnCompte, FieldDateCloture, FieldDateMessage:
		return kindTimestamp
	case FieldDateIntervention, FieldDateDebut, FieldDateFin:
		return kindMinute
	case FieldPropalRdv:
		return kindSlots
	case FieldContactClient1, FieldContactClient2, FieldTelContactImmeuble:
		return kindPhone
	case FieldNatureDefaut, FieldPrelocDefaut, FieldStatutAR, FieldCodeCloture, FieldResponsabilite,
		FieldLocalisationDefaut, FieldEmetteur, FieldTypeMessage, FieldEtatResolution, FieldEtat,
		FieldNatureIntervention, FieldInterventionRequiseOC, FieldLocalisationDommage:
		return kindCode
	case FieldCodePostal:
		return kindPostal
	case FieldCodeInsee:
		return kindInsee
	case FieldCodeRetour:
		return kindNumber
	}
	return kindText
}

// Column is one column of a flow's file: the name written in the header line,
// the field it carries, whether it must be filled and its maximum length in
// characters (0: no limit beyond the format's own).
type Column struct {
	Name  string
	Field Field
	Need  Need
	Max   int
}

// Layout is the header line and column rules of one flow. The defaults
// ([DefaultLayout]) are V1A.md's; a partner that names, orders or sizes its
// columns differently gets its own Layout: rename a column, move it, change a
// length or a Need, drop an optional column. A Layout is a plain value: build
// or change it before handing it to a [Reader], [Writer] or [Validator], and
// do not change it while they use it.
type Layout struct {
	Flow    Flow
	Columns []Column
}

func col(f Field, n Need, max int) Column {
	return Column{Name: string(f), Field: f, Need: n, Max: max}
}

// Length limits of free-text columns (characters).
const (
	maxRef       = 50
	maxAccess    = 30
	maxName      = 50
	maxComment   = 1500
	maxTravComm  = 512
	maxAdresse   = 200
	maxContactOI = 100
)

func defaultColumns(f Flow) []Column {
	M, C, O := Mandatory, Conditional, Optional
	switch f {
	case FlowDepot:
		return []Column{
			col(FieldReferencePrestationPrise, C, maxAccess), col(FieldReferencePrise, C, maxAccess),
			col(FieldReferenceSigSAVRaccoOC, M, maxRef), col(FieldDateIncidClientFinal, M, 0),
			col(FieldNatureDefaut, M, 0), col(FieldPrelocDefaut, M, 0), col(FieldNomClient, C, maxName),
			col(FieldPrenomClient, O, maxName), col(FieldContactClient1, C, 0), col(FieldContactClient2, O, 0),
			col(FieldIdRdv, C, maxRef), col(FieldPropalRdv, C, 0), col(FieldCommentaire, O, maxComment),
		}
	case FlowAR:
		return []Column{
			col(FieldReferenceSigSAVRaccoOC, C, maxRef), col(FieldReferencePrestationPrise, C, maxAccess),
			col(FieldReferencePrise, C, maxAccess), col(FieldStatutAR, M, 0), col(FieldReferenceSigSAVOI, C, maxRef),
			col(FieldDatePriseEnCompte, C, 0), col(FieldCodeRetour, M, 0), col(FieldMotifRefus, C, 0),
		}
	case FlowCloture:
		return []Column{
			col(FieldReferenceSigSAVOI, M, maxRef), col(FieldReferenceSigSAVRaccoOC, M, maxRef),
			col(FieldReferencePrestationPrise, C, maxAccess), col(FieldReferencePrise, C, maxAccess),
			col(FieldDateCloture, M, 0), col(FieldCodeCloture, M, 0), col(FieldResponsabilite, M, 0),
			col(FieldLocalisationDefaut, C, 0), col(FieldCommentaire, O, maxComment),
		}
	case FlowInfo:
		return []Column{
			col(FieldReferenceSigSAVOI, M, maxRef), col(FieldReferenceSigSAVRaccoOC, M, maxRef),
			col(FieldEmetteur, M, 0), col(FieldDateMessage, M, 0), col(FieldTypeMessage, M, 0),
			col(FieldEtatResolution, O, 0), col(FieldDateIntervention, O, 0), col(FieldIdRdv, O, maxRef),
			col(FieldPropalRdv, C, 0), col(FieldContactClient1, O, 0), col(FieldContactClient2, O, 0),
			col(FieldCommentaire, C, maxComment),
		}
	case FlowTravaux:
		return []Column{
			col(FieldReferenceTravaux, M, maxRef), col(FieldEtat, M, 0), col(FieldReferencePM, M, maxRef),
			col(FieldDateDebut, M, 0), col(FieldDateFin, M, 0), col(FieldNatureIntervention, M, 0),
			col(FieldInterventionRequiseOC, M, 0), col(FieldNumeroVoie, O, 10), col(FieldVoie, M, 100),
			col(FieldCodePostal, M, 0), col(FieldCommune, M, 60), col(FieldCodeInsee, O, 0),
			col(FieldIdentifiantImmeuble, O, 30), col(FieldContactOI, C, maxContactOI),
			col(FieldCommentaire, C, maxTravComm),
		}
	case FlowDommage:
		return []Column{
			col(FieldReferenceDommageOC, M, maxRef), col(FieldReferencePM, M, maxRef), col(FieldDateConstat, M, 0),
			col(FieldLocalisationDommage, M, 0), col(FieldAdresseImmeuble, O, maxAdresse),
			col(FieldNomContactImmeuble, M, maxName), col(FieldTelContactImmeuble, M, 0),
			col(FieldCommentaire, O, maxComment),
		}
	case FlowARDommage:
		return []Column{
			col(FieldReferenceDommageOC, M, maxRef), col(FieldStatutAR, M, 0), col(FieldReferenceDommageOI, C, maxRef),
			col(FieldDatePriseEnCompte, C, 0), col(FieldCodeRetour, M, 0), col(FieldMotifRefus, C, 0),
		}
	}
	return nil
}

// DefaultLayout returns a fresh copy of the V1A.md layout of f, or nil for an
// unknown flow.
func DefaultLayout(f Flow) *Layout {
	cols := defaultColumns(f)
	if cols == nil {
		return nil
	}
	return &Layout{Flow: f, Columns: cols}
}

// DefaultLayouts returns fresh copies of the seven default layouts, in the
// order of [Flows].
func DefaultLayouts() []*Layout {
	ls := make([]*Layout, len(Flows))
	for i, f := range Flows {
		ls[i] = DefaultLayout(f)
	}
	return ls
}

// Clone returns an independent copy of l.
func (l *Layout) Clone() *Layout {
	return &Layout{Flow: l.Flow, Columns: slices.Clone(l.Columns)}
}

// plan is what codecs precompute from a layout: for each column, its
// format and the position of its field in the flow's default layout (the
// records' own field numbering).
type plan struct {
	kinds []kind
	pos   []int
	// checked lists the columns the Validator checks in a record that
	// comes from a Reader: not those whose decoding already enforced
	// their rules (dates, times, phones, free text, slots).
	checked []int
	// lists gives the list a coded column's values are checked against
	// (listNone for the other columns), so that the Validator does not
	// look the column up by name on every line.
	lists []list
}

// list names the list of values a coded column takes.
type list uint8

const (
	listNone list = iota
	listNature
	listPreloc
	listStatut
	listCloture
	listResponsabilite
	listRole
	listTypeMessage
	listEtatResolution
	listEtat
	listNatureIntervention
	listOuiNon
)

// listOf returns the list of f's values.
func listOf(f Field) list {
	switch f {
	case FieldNatureDefaut:
		return listNature
	case FieldPrelocDefaut, FieldLocalisationDefaut, FieldLocalisationDommage:
		return listPreloc
	case FieldStatutAR:
		return listStatut
	case FieldCodeCloture:
		return listCloture
	case FieldResponsabilite:
		return listResponsabilite
	case FieldEmetteur:
		return listRole
	case FieldTypeMessage:
		return listTypeMessage
	case FieldEtatResolution:
		return listEtatResolution
	case FieldEtat:
		return listEtat
	case FieldNatureIntervention:
		return listNatureIntervention
	case FieldInterventionRequiseOC:
		return listOuiNon
	}
	return listNone
}

func (l *Layout) plan() plan {
	def := defaultLayoutOf(l.Flow)
	p := plan{kinds: make([]kind, len(l.Columns)), pos: make([]int, len(l.Columns)), lists: make([]list, len(l.Columns))}
	for i, c := range l.Columns {
		p.kinds[i] = c.Field.kind()
		p.lists[i] = listOf(c.Field)
		p.pos[i] = -1
		if def != nil {
			p.pos[i] = def.Index(c.Field)
		}
		switch p.kinds[i] {
		case kindDate, kindTimestamp, kindMinute, kindPhone, kindText, kindSlots:
		default:
			p.checked = append(p.checked, i)
		}
	}
	return p
}

// Header returns the column names in order, as the header line carries them.
func (l *Layout) Header() []string {
	h := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		h[i] = c.Name
	}
	return h
}

// Index returns the position of the column carrying f, or -1.
func (l *Layout) Index(f Field) int {
	for i, c := range l.Columns {
		if c.Field == f {
			return i
		}
	}
	return -1
}

// Column returns the column carrying f.
func (l *Layout) Column(f Field) (Column, bool) {
	if i := l.Index(f); i >= 0 {
		return l.Columns[i], true
	}
	return Column{}, false
}

// Name returns the wire name of the column carrying f, or the field's own
// name when l has no such column.
func (l *Layout) Name(f Field) string {
	if i := l.Index(f); i >= 0 {
		return l.Columns[i].Name
	}
	return string(f)
}

// Rename sets the wire name of the column carrying f. It reports whether l
// has such a column.
func (l *Layout) Rename(f Field, name string) bool {
	i := l.Index(f)
	if i < 0 {
		return false
	}
	l.Columns[i].Name = name
	return true
}

// Check reports a layout that cannot work: an unknown flow, no column, a
// field that the flow does not carry or that appears twice, an empty or
// duplicate column name.
func (l *Layout) Check() error {
	if !l.Flow.Valid() {
		return &LayoutError{Flow: l.Flow, Reason: "unknown flow"}
	}
	if len(l.Columns) == 0 {
		return &LayoutError{Flow: l.Flow, Reason: "no column"}
	}
	known := defaultColumns(l.Flow)
	seenF := make(map[Field]bool, len(l.Columns))
	seenN := make(map[string]bool, len(l.Columns))
	for _, c := range l.Columns {
		if !slices.ContainsFunc(known, func(k Column) bool { return k.Field == c.Field }) {
			return &LayoutError{Flow: l.Flow, Reason: "field " + string(c.Field) + " is not carried by this flow"}
		}
		if seenF[c.Field] {
			return &LayoutError{Flow: l.Flow, Reason: "field " + string(c.Field) + " appears twice"}
		}
		seenF[c.Field] = true
		n := headerKey(c.Name)
		if n == "" {
			return &LayoutError{Flow: l.Flow, Reason: "column of " + string(c.Field) + " has no name"}
		}
		if seenN[n] {
			return &LayoutError{Flow: l.Flow, Reason: "column name " + c.Name + " appears twice"}
		}
		seenN[n] = true
	}
	return nil
}

// headerKey is the comparison form of one header cell: trimmed, lower case.
func headerKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// headerSignature is the comparison form of a whole header line.
func headerSignature(cells []string) string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	var b strings.Builder
	for i, c := range cells[:n] {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(headerKey(c))
	}
	return b.String()
}

// layoutSet is the set of layouts a reader detects flows with.
type layoutSet struct {
	byFlow map[Flow]*Layout
	bySig  map[string]*Layout
}

// newLayoutSet checks the layouts (defaults for flows not given) and that no
// two headers are equal.
func newLayoutSet(given []*Layout) (*layoutSet, error) {
	s := &layoutSet{byFlow: make(map[Flow]*Layout, len(Flows)), bySig: make(map[string]*Layout, len(Flows))}
	for _, l := range given {
		if l == nil {
			continue
		}
		if err := l.Check(); err != nil {
			return nil, err
		}
		if _, dup := s.byFlow[l.Flow]; dup {
			return nil, &LayoutError{Flow: l.Flow, Reason: "two layouts for the same flow"}
		}
		s.byFlow[l.Flow] = l
	}
	for _, f := range Flows {
		if s.byFlow[f] == nil {
			s.byFlow[f] = DefaultLayout(f)
		}
	}
	for _, f := range Flows {
		l := s.byFlow[f]
		sig := headerSignature(l.Header())
		if o, dup := s.bySig[sig]; dup {
			return nil, &LayoutError{Flow: l.Flow, Reason: "header equal to the header of flow " + string(o.Flow),
				err: ErrAmbiguousHeader}
		}
		s.bySig[sig] = l
	}
	return s, nil
}

// DetectFlow returns the flow whose header line (from layouts, defaults for
// the flows not given) equals header, compared as V1A.md says: a BOM, quotes,
// surrounding spaces and trailing empty cells removed, case ignored.
func DetectFlow(header []string, layouts ...*Layout) (Flow, error) {
	s, err := newLayoutSet(layouts)
	if err != nil {
		return "", err
	}
	l, err := s.detect(header)
	if err != nil {
		return "", err
	}
	return l.Flow, nil
}

func (s *layoutSet) detect(header []string) (*Layout, error) {
	if len(header) > 0 {
		header = slices.Clone(header)
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
		for i, h := range header {
			h = strings.TrimSpace(h)
			if len(h) >= 2 && h[0] == '"' && h[len(h)-1] == '"' {
				h = h[1 : len(h)-1]
			}
			header[i] = h
		}
	}
	if l, ok := s.bySig[headerSignature(header)]; ok {
		return l, nil
	}
	return nil, &HeaderError{Header: header}
}
