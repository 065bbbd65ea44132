package v2

import (
	"time"
)

// TroubleTicketValue is the JSR-91 v1.0 tt:TroubleTicketValue with every
// element of the published schema, in schema order, and the SAV extension
// sav:SAVTroubleTicketValue (V2.md, "Extension namespace").
//
// Every element is optional and three-state ([Field]): absent, xsi:nil or a
// value, so that a setTroubleTicketByValue request says exactly what it
// changes and a decoded document is written back unchanged. Enumerated
// attributes (the substitution groups tt:baseState, tt:baseStatus, …) are not
// nillable: they are absent or hold a value, which may be any string (an
// unknown value travels in the group's head element).
type TroubleTicketValue struct {
	// LastUpdateVersionNumber is co:lastUpdateVersionNumber (the ticket's
	// version); not nillable.
	LastUpdateVersionNumber Field[int64]

	TroubleTicketKey          Field[TroubleTicketKey]
	AccountOwner              Field[PersonReach]
	ActivityDurationList      Field[ActivityDurationList]
	AdditionalTroubleInfoList Field[[]Field[string]]
	AfterHoursRepairAuthority Field[bool]
	AuthorizationList         Field[[]Field[Authorization]]
	CancelRequestedByCustomer Field[bool]
	ClearancePerson           Field[PersonReach]
	CloseOutNarr              Field[string]
	CloseOutVerification      Field[CloseOutVerification]
	CommitmentTime            Field[time.Time]
	CommitmentTimeRequested   Field[time.Time]
	Customer                  Field[PersonReach]
	CustomerRoleAssignments   Field[[]Field[RoleAssignment]] // customerRoleAssignmentList
	CustomerTroubleNum        Field[string]
	Dialog                    Field[string]
	EscalationList            Field[EscalationList]
	InitiatingMode            Field[InitiatingMode]
	LastUpdateTime            Field[time.Time]
	MaintServiceCharge        Field[bool]
	Originator                Field[string]
	OutageDuration            Field[TimeLength]
	ReceivedTime              Field[time.Time]
	RelatedAlarmList          Field[RelatedAlarmList]
	RelatedTroubleTicketKeys  Field[[]Field[TroubleTicketKey]] // relatedTroubleTicketKeyList
	RepairActivityList        Field[RepairActivityList]
	RepeatReport              Field[RepeatReport]
	RestoredTime              Field[time.Time]
	ServiceUnavailableBegin   Field[time.Time]               // serviceUnavailableBeginTime
	ServiceUnavailableEnd     Field[time.Time]               // serviceUnavailableEndTime
	SPRoleAssignments         Field[[]Field[RoleAssignment]] // sPRoleAssignmentList
	SuspectObjects            Field[[]Field[SuspectObject]]  // suspectObjectList
	TroubleDescription        Field[string]
	TroubleFound              Field[TroubleFound] // tt:baseFoundType / tt:troubleFound
	TroubleLocation           Field[string]
	TroubleNumList            Field[[]Field[string]]
	TroubledObject            Field[string]
	TroubleType               Field[TroubleType]
	TroubleState              Field[TroubleState]
	TroubleStatus             Field[TroubleStatus]
	TroubleStatusTime         Field[time.Time]
	PerceivedTroubleSeverity  Field[PerceivedTroubleSeverity]
	PreferredPriority         Field[PreferredPriority]
	TroubleDetectionTime      Field[time.Time]
	TroubleLocationInfos      Field[[]Field[TroubleLocationInfo]] // troubleLocationInfoList
	TroubledObjectAccessFrom  Field[time.Time]                    // troubledObjectAccessFromTime
	TroubledObjectAccessHours Field[[]Field[AccessHours]]         // troubledObjectAccessHoursList
	TroubledObjectAccessTo    Field[time.Time]                    // troubledObjectAccessToTime
	TroubleSystemDN           Field[string]

	// SAV is the extension: when non-nil the value is written with
	// xsi:type="sav:SAVTroubleTicketValue" and its sav: elements follow the
	// tt: ones.
	SAV *SAVExtension
}

// TroubleTicketKey is tt:TroubleTicketKey, an extension of
// co:ManagedEntityKey: the OI's ticket id in PrimaryKey and the entity type
// in Type (the Profile's KeyType, tt:TroubleTicketValue by default).
type TroubleTicketKey struct {
	ApplicationContext *ApplicationContext // co:applicationContext, optional
	ApplicationDN      Field[string]       // co:applicationDN, optional, not nillable
	Type               string              // co:type
	PrimaryKey         string              // tt:primaryKey
}

// ApplicationContext is co:ApplicationContext.
type ApplicationContext struct {
	FactoryClass     string
	URL              string
	SystemProperties []SystemProperty
}

// SystemProperty is co:SystemProperty.
type SystemProperty struct {
	Name  string
	Value string
}

// PersonReach is tt:PersonReach.
type PersonReach struct {
	Email            Field[string]
	Fax              Field[string]
	Location         Field[Address]
	Name             Field[string]
	Number           Field[string]
	OrganizationName Field[string]
	Phone            Field[string]
	Responsible      Field[string]
	SMSAddress       Field[string] // sMSAddress
}

// Address is tt:Address; NorthAmerica is set when the element carries
// xsi:type="tt:NorthAmericaAddress".
type Address struct {
	AddressInfo  Field[string]
	NorthAmerica *NorthAmericaAddress
}

// NorthAmericaAddress holds the elements tt:NorthAmericaAddress adds to
// tt:Address.
type NorthAmericaAddress struct {
	CivicAddress string
	City         string
	State        string
	Zip          string
}

// ActivityDurationList is tt:ActivityDurationList (a co:MultiValueList).
type ActivityDurationList struct {
	Modifier          Modifier
	ActivityDurations Field[[]Field[ActivityDuration]]
}

// ActivityDuration is tt:ActivityDuration.
type ActivityDuration struct {
	ActivityType Field[ActivityType]
	Billable     Field[bool]
	Duration     Field[TimeLength] // not nillable
}

// TimeLength is tt:TimeLength.
type TimeLength struct {
	Years, Months, Days, Hours, Minutes, Seconds, Msecs Field[int64]
}

// Authorization is tt:Authorization.
type Authorization struct {
	ActivityType Field[ActivityType]
	AuthPerson   Field[PersonReach]
	AuthTime     Field[time.Time]
	RequestState Field[RequestState]
}

// RoleAssignment is tt:CustomerRoleAssignment and tt:SPRoleAssignment (same
// content).
type RoleAssignment struct {
	Role          Field[Role]
	ContactPerson Field[PersonReach]
}

// EscalationList is tt:EscalationList (a co:MultiValueList).
type EscalationList struct {
	Modifier    Modifier
	Escalations Field[[]Field[Escalation]]
}

// Escalation is tt:Escalation.
type Escalation struct {
	EscPerson     Field[PersonReach]
	EscTime       Field[time.Time]
	OrgLevel      Field[OrgLevel]
	RequestPerson Field[PersonReach]
	RequestState  Field[RequestState]
}

// RelatedAlarmList is tt:RelatedAlarmList (a co:MultiValueList). The alarms
// (fm:ArrayOfAlarmValue, from the QoS FM schema) are kept as received, as an
// opaque XML fragment written back unchanged.
type RelatedAlarmList struct {
	Modifier      Modifier
	RelatedAlarms Field[RawXML]
}

// RawXML is the content of an element kept as received: a self-contained
// sequence of elements (each declares the namespaces it uses), with
// qualified names in xsi:type attributes resolved and rewritten.
type RawXML []byte

// RepairActivityList is tt:RepairActivityList (a co:MultiValueList).
type RepairActivityList struct {
	Modifier         Modifier
	RepairActivities Field[[]Field[RepairActivity]]
}

// RepairActivity is tt:RepairActivity.
type RepairActivity struct {
	ActivityCode   Field[ActivityCode]
	ActivityInfo   Field[string]
	ActivityPerson Field[PersonReach]
	EntryTime      Field[time.Time]
}

// SuspectObject is tt:SuspectObject.
type SuspectObject struct {
	SuspectObjectType  Field[string]
	SuspectObjectID    Field[string] // suspectObjectId
	FailureProbability Field[int64]  // 0–100, not nillable
}

// TroubleLocationInfo is tt:TroubleLocationInfo. AccessHoursList is a
// repeated element (maxOccurs unbounded), each one an array.
type TroubleLocationInfo struct {
	AccessHoursList []Field[[]Field[AccessHours]]
	LocationPerson  Field[PersonReach]
	ObjectIDDN      Field[string] // objectIdDN
	PremiseAddress  Field[Address]
	PremiseName     Field[string]
}

// AccessHours is tt:AccessHours.
type AccessHours struct {
	DayOfWeek        Field[DayOfWeek]
	TimeIntervalList Field[[]Field[TimeInterval]]
}

// TimeInterval is tt:TimeInterval.
type TimeInterval struct {
	IntervalBegin Field[Time]
	IntervalEnd   Field[Time]
}

// Time is tt:Time, a time of day.
type Time struct {
	Hours, Minutes, Seconds, Msecs, UtcOffset Field[int64]
}

// Enumerated attributes. Each is a string type whose Valid method reports
// whether the value is a literal of the schema's enumeration. For the
// substitution groups, a valid value is written in the member element
// (tt:troubleState) and any other value in its head (tt:baseState), so every
// value can travel. RequestState, OrgLevel, DayOfWeek and Modifier are plain
// enumerated elements with no head: a value outside their list is written as
// it is (so that what was received survives) and makes the document invalid
// against the schema; check Valid before sending.
type (
	TroubleState             string // tt:troubleState / tt:baseState
	TroubleStatus            string // tt:troubleStatus / tt:baseStatus
	TroubleType              string // tt:troubleType / tt:baseTroubleType
	TroubleFound             string // tt:troubleFound / tt:baseFoundType
	PerceivedTroubleSeverity string // tt:perceivedTroubleSeverity / tt:basePerceivedTroubleSeverity
	PreferredPriority        string // tt:preferredPriority / tt:basePreferredPriority
	InitiatingMode           string // tt:initiatingMode / tt:baseInitiatingMode
	RepeatReport             string // tt:repeatReport / tt:baseRepeatReport
	CloseOutVerification     string // tt:closeOutVerification / tt:baseCloseOutVerification
	ActivityType             string // tt:activityType / tt:baseActivityType
	ActivityCode             string // tt:activityCode / tt:baseActivityCode
	Role                     string // tt:role / tt:baseRole
	RequestState             string // tt:RequestState (plain element)
	OrgLevel                 string // tt:OrgLevel (plain element)
	DayOfWeek                string // tt:DayOfWeek (plain element)
	Modifier                 string // co:Modifier of the multi-valued lists
)

// The trouble states protocol 2.0 uses (the schema also lists
// UNKNOWNTROUBLESTATE, DEFERRED, CLEARED and DISABLED).
const (
	TroubleStateQueued     TroubleState = "QUEUED"
	TroubleStateOpenActive TroubleState = "OPENACTIVE"
	TroubleStateClosed     TroubleState = "CLOSED"
)

// Modifiers of a co:MultiValueList.
const (
	ModifierNone   Modifier = "NONE"
	ModifierSet    Modifier = "SET"
	ModifierAdd    Modifier = "ADD"
	ModifierRemove Modifier = "REMOVE"
)

var enumModifier = newEnumeration("Modifier", "NONE", "SET", "ADD", "REMOVE")

// Valid reports whether s is a literal of the schema's TroubleState.
func (s TroubleState) Valid() bool { return enumTroubleState.has(string(s)) }

// Valid reports whether s is a literal of the schema's TroubleStatus.
func (s TroubleStatus) Valid() bool { return enumTroubleStatus.has(string(s)) }

// Valid reports whether t is a literal of the schema's TroubleType.
func (t TroubleType) Valid() bool { return enumTroubleType.has(string(t)) }

// Valid reports whether f is a literal of the schema's TroubleFound.
func (f TroubleFound) Valid() bool { return enumTroubleFound.has(string(f)) }

// Valid reports whether s is a literal of the schema's PerceivedTroubleSeverity.
func (s PerceivedTroubleSeverity) Valid() bool { return enumPerceivedTroubleSeverity.has(string(s)) }

// Valid reports whether p is a literal of the schema's PreferredPriority.
func (p PreferredPriority) Valid() bool { return enumPreferredPriority.has(string(p)) }

// Valid reports whether m is a literal of the schema's InitiatingMode.
func (m InitiatingMode) Valid() bool { return enumInitiatingMode.has(string(m)) }

// Valid reports whether r is a literal of the schema's RepeatReport.
func (r RepeatReport) Valid() bool { return enumRepeatReport.has(string(r)) }

// Valid reports whether v is a literal of the schema's CloseOutVerification.
func (v CloseOutVerification) Valid() bool { return enumCloseOutVerification.has(string(v)) }

// Valid reports whether t is a literal of the schema's ActivityType.
func (t ActivityType) Valid() bool { return enumActivityType.has(string(t)) }

// Valid reports whether c is a literal of the schema's ActivityCode, spelled
// without the schema's stray spaces: ASSIGNED and CANCEL are not (the schema
// spells them "ASSIGNED " and "CANCEL "), so they travel in the head element.
func (c ActivityCode) Valid() bool { return enumActivityCode.has(string(c)) }

// Valid reports whether r is a literal of the schema's Role.
func (r Role) Valid() bool { return enumRole.has(string(r)) }

// Valid reports whether s is a literal of the schema's RequestState.
func (s RequestState) Valid() bool { return enumRequestState.has(string(s)) }

// Valid reports whether l is a literal of the schema's OrgLevel.
func (l OrgLevel) Valid() bool { return enumOrgLevel.has(string(l)) }

// Valid reports whether d is a literal of the schema's DayOfWeek.
func (d DayOfWeek) Valid() bool { return enumDayOfWeek.has(string(d)) }

// Valid reports whether m is NONE, SET, ADD or REMOVE.
func (m Modifier) Valid() bool { return enumModifier.has(string(m)) }
