package v2

import (
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// Fixtures shared by the tests: realistic tickets and transactions of an OC
// (BYTL) and an OI (FTEL).

func at(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, ticket.Paris) }

func fixtureFiling() *ticket.Filing {
	return &ticket.Filing{
		CodeOC: "BYTL", CodeOI: "FTEL", TypeSAV: codes.TypeSAVSignalisation,
		ReferenceSigSAVRaccoOC:   "BTGP-MG-OI-000123-0001",
		ReferencePrestationPrise: "VIA0A0000000BBBBBBBB",
		ReferencePrise:           "FI-1234-5678",
		DateIncident:             ticket.Date{Year: 2026, Month: time.November, Day: 20},
		NatureDefaut:             codes.NatureDefautCoupure,
		PrelocDefaut:             codes.PrelocDefautPTO,
		Client:                   &ticket.Customer{Nom: "Lefèvre", Prenom: "Chloé", Contact1: "0612345678", Contact2: "+33140000000"},
		Rdv: &ticket.Appointment{Creneaux: []ticket.Slot{
			{Debut: at(28, 8, 0), Fin: at(28, 12, 0)},
			{Debut: at(28, 14, 0), Fin: at(28, 18, 0)},
		}},
		Commentaire: "Plus de synchro depuis les travaux & le passage d'un élagueur <rue des Œillets>",
	}
}

func fixtureExpertise() *ticket.Filing {
	f := fixtureFiling()
	f.TypeSAV = codes.TypeSAVExpertise
	f.ReferenceSigSAVRaccoOC = "BTGP-MG-OI-000124-0001"
	f.RelatedTicket = "FTEL-SAV-0000099"
	f.Rdv = &ticket.Appointment{IdRdv: "RDV-2026-000042"}
	return f
}

// fixtureTransactions returns one transaction of each kind a set carries.
func fixtureTransactions() map[string]*ticket.Transaction {
	return map[string]*ticket.Transaction{
		"set-case-solving": {Kind: ticket.KindCaseSolving, Sender: codes.RoleOI, At: at(21, 9, 30), Version: 0,
			EtatResolution: codes.EtatResolutionPrevue,
			Message: &ticket.Message{Type: codes.TypeMessageAvancementResolution, Texte: "Prise en charge, technicien en route",
				Date: at(21, 9, 30)}},
		"set-su-information": {Kind: ticket.KindSUInformation, Sender: codes.RoleOI, At: at(22, 10, 0), Version: 1,
			ResyncRequired: true, EtatResolution: codes.EtatResolutionPlanifiee,
			Message:      &ticket.Message{Type: codes.TypeMessageConfirmationRdv, Date: at(22, 10, 0)},
			Intervention: &ticket.Intervention{Date: at(28, 8, 0), Type: "INTERVENTION CLIENT"},
			Rdv:          &ticket.Appointment{Creneaux: []ticket.Slot{{Debut: at(28, 8, 0), Fin: at(28, 12, 0)}}}},
		"set-co-information": {Kind: ticket.KindCOInformation, Sender: codes.RoleOC, At: at(22, 11, 15), Version: 2,
			Message: &ticket.Message{Type: codes.TypeMessageCoordonneesClient, Texte: "Nouveau numéro du client",
				Date: at(22, 11, 15)},
			Client: &ticket.Customer{Contact1: "0698765432"}},
		"set-cancel": {Kind: ticket.KindCancel, Sender: codes.RoleOC, At: at(21, 8, 0), Version: 0},
		"set-cancel-request": {Kind: ticket.KindCancelRequest, Sender: codes.RoleOC, At: at(23, 16, 45), Version: 3,
			Message: &ticket.Message{Type: codes.TypeMessageCommentaire, Texte: "Le client a résolu le problème", Date: at(23, 16, 45)}},
		"set-case-solved": {Kind: ticket.KindCaseSolved, Sender: codes.RoleOI, At: at(28, 11, 20), Version: 3,
			Cloture: &ticket.Closure{Code: "RET01", Responsabilite: codes.ResponsabiliteOI,
				Localisation: codes.PrelocDefautPBO, Description: "Fibre sectionnée dans le PBO",
				Commentaire: "Soudure refaite, mesure OK", Date: at(28, 11, 20)}},
	}
}

// fixtureTicket returns a ticket that went through its whole life at the
// OI: deposit, AR OK, prise en charge, confirmation, closure.
func fixtureTicket() *ticket.Ticket {
	t := &ticket.Ticket{}
	steps := []ticket.Transaction{
		{Kind: ticket.KindCreate, Sender: codes.RoleOC, At: at(20, 17, 0), Filing: fixtureFiling()},
		{Kind: ticket.KindAcknowledge, Sender: codes.RoleOI, At: at(20, 17, 1), ReferenceSigSAVOI: "FTEL-SAV-0000123"},
		*fixtureTransactions()["set-case-solving"],
		*fixtureTransactions()["set-su-information"],
	}
	for _, s := range steps {
		s.ResyncRequired = false
		if err := t.Apply(s); err != nil {
			panic(err)
		}
	}
	return t
}

func fixtureClosedTicket() *ticket.Ticket {
	t := fixtureTicket()
	tx := *fixtureTransactions()["set-case-solved"]
	tx.Version = t.Version
	if err := t.Apply(tx); err != nil {
		panic(err)
	}
	return t
}

func person(name string) PersonReach {
	return PersonReach{Email: Some(name + "@example.fr"), Fax: Null[string](),
		Location: Some(Address{AddressInfo: Some("1 rue de la Paix, 75002 Paris")}), Name: Some(name),
		Number: Some("42"), OrganizationName: Some("FTEL"), Phone: Some("0140000000"), Responsible: Some("oui"),
		SMSAddress: Some("0612345678")}
}

// fixtureFullValue sets every element of tt:TroubleTicketValue, with nil
// and unknown enumeration values where the schema allows them.
func fixtureFullValue() TroubleTicketValue {
	key := TroubleTicketKey{
		ApplicationContext: &ApplicationContext{FactoryClass: "org.example.Factory", URL: "https://oi.example/sav",
			SystemProperties: []SystemProperty{{Name: "region", Value: "IDF"}}},
		ApplicationDN: Some("FTEL/SAV"), Type: DefaultKeyType, PrimaryKey: "FTEL-SAV-0000777"}
	tl := TimeLength{Years: Some[int64](0), Months: Some[int64](1), Days: Some[int64](2), Hours: Some[int64](3),
		Minutes: Some[int64](4), Seconds: Some[int64](5), Msecs: Null[int64]()}
	tod := Time{Hours: Some[int64](8), Minutes: Some[int64](30), Seconds: Some[int64](0), Msecs: Some[int64](0),
		UtcOffset: Some[int64](1)}
	return TroubleTicketValue{
		LastUpdateVersionNumber: Some[int64](4),
		TroubleTicketKey:        Some(key),
		AccountOwner:            Some(person("Durand")),
		ActivityDurationList: Some(ActivityDurationList{Modifier: ModifierSet, ActivityDurations: Some([]Field[ActivityDuration]{
			Some(ActivityDuration{ActivityType: Some[ActivityType]("DISPATCH"), Billable: Some(false), Duration: Some(tl)}),
			Some(ActivityDuration{ActivityType: Some[ActivityType]("NIGHT SHIFT")}),
			Null[ActivityDuration](),
		})}),
		AdditionalTroubleInfoList: Some([]Field[string]{Some("info 1"), Null[string]()}),
		AfterHoursRepairAuthority: Some(true),
		AuthorizationList: Some([]Field[Authorization]{Some(Authorization{ActivityType: Some[ActivityType]("TEST"),
			AuthPerson: Some(person("Martin")), AuthTime: Some(at(21, 8, 0)), RequestState: Some[RequestState]("PROVIDED")})}),
		CancelRequestedByCustomer: Some(false),
		ClearancePerson:           Null[PersonReach](),
		CloseOutNarr:              Some("Réparé"),
		CloseOutVerification:      Some[CloseOutVerification]("VERIFIED"),
		CommitmentTime:            Some(at(29, 18, 0)),
		CommitmentTimeRequested:   Null[time.Time](),
		Customer: Some(PersonReach{Name: Some("Chloé Lefèvre"), Location: Some(Address{AddressInfo: Some("Apt 12"),
			NorthAmerica: &NorthAmericaAddress{CivicAddress: "12 Main St", City: "Quebec", State: "QC", Zip: "G1A"}})}),
		CustomerRoleAssignments: Some([]Field[RoleAssignment]{Some(RoleAssignment{Role: Some[Role]("PRIMARYCONTACTPERSON"),
			ContactPerson: Some(person("Lefèvre"))})}),
		CustomerTroubleNum: Some("BTGP-MG-OI-000777-0001"),
		Dialog:             Some("échange téléphonique"),
		EscalationList: Some(EscalationList{Modifier: ModifierAdd, Escalations: Some([]Field[Escalation]{
			Some(Escalation{EscPerson: Some(person("Bernard")), EscTime: Some(at(24, 9, 0)), OrgLevel: Some[OrgLevel]("FIRSTLEVEL"),
				RequestPerson: Null[PersonReach](), RequestState: Some[RequestState]("REQUESTED")})})}),
		InitiatingMode:     Some[InitiatingMode]("CUSTOMERINDIRECT"),
		LastUpdateTime:     Some(time.Date(2026, 11, 28, 10, 20, 0, 123000000, time.UTC)),
		MaintServiceCharge: Some(false),
		Originator:         Some("BYTL"),
		OutageDuration:     Some(tl),
		ReceivedTime:       Some(at(20, 17, 1)),
		RelatedAlarmList: Some(RelatedAlarmList{Modifier: ModifierNone, RelatedAlarms: Some(RawXML(
			`<fm:Item xmlns:fm="http://java.sun.com/products/oss/xml/QualityOfService/FM/Monitor"><fm:notificationId>N-1</fm:notificationId></fm:Item>`))}),
		RelatedTroubleTicketKeys: Some([]Field[TroubleTicketKey]{Some(TroubleTicketKey{Type: DefaultKeyType,
			PrimaryKey: "FTEL-SAV-0000099"})}),
		RepairActivityList: Some(RepairActivityList{Modifier: ModifierSet, RepairActivities: Some([]Field[RepairActivity]{
			Some(RepairActivity{ActivityCode: Some[ActivityCode]("REPAIR"), ActivityInfo: Some("soudure"),
				ActivityPerson: Some(person("Petit")), EntryTime: Some(at(28, 11, 0))}),
			Some(RepairActivity{ActivityCode: Some[ActivityCode]("ASSIGNED")}),
		})}),
		RepeatReport:            Some[RepeatReport]("REPEAT"),
		RestoredTime:            Some(at(28, 11, 20)),
		ServiceUnavailableBegin: Some(at(20, 6, 0)),
		ServiceUnavailableEnd:   Some(at(28, 11, 20)),
		SPRoleAssignments: Some([]Field[RoleAssignment]{Some(RoleAssignment{Role: Some[Role]("TROUBLECLEARANCEPERSON"),
			ContactPerson: Some(person("Roux"))})}),
		SuspectObjects: Some([]Field[SuspectObject]{Some(SuspectObject{SuspectObjectType: Some("PBO"),
			SuspectObjectID: Some("PBO-75002-0012"), FailureProbability: Some[int64](80)})}),
		TroubleDescription:       Some("Coupure totale"),
		TroubleFound:             Some[TroubleFound]("OUTSIDEPLANTFIBEROPTIC"),
		TroubleLocation:          Some("PBO palier 3"),
		TroubleNumList:           Some(Strings("BTGP-1", "BTGP-2")),
		TroubledObject:           Some("FI-1234-5678"),
		TroubleType:              Some[TroubleType]("CIRCUITDEAD"),
		TroubleState:             Some(TroubleStateClosed),
		TroubleStatus:            Some[TroubleStatus]("CLOSEDOUT"),
		TroubleStatusTime:        Some(at(28, 11, 20)),
		PerceivedTroubleSeverity: Some[PerceivedTroubleSeverity]("OUTOFSERVICE"),
		PreferredPriority:        Some[PreferredPriority]("URGENT-FTTH"),
		TroubleDetectionTime:     Some(at(20, 0, 0)),
		TroubleLocationInfos: Some([]Field[TroubleLocationInfo]{Some(TroubleLocationInfo{
			AccessHoursList: []Field[[]Field[AccessHours]]{Some([]Field[AccessHours]{Some(AccessHours{
				DayOfWeek: Some[DayOfWeek]("MONDAY"), TimeIntervalList: Some([]Field[TimeInterval]{Some(TimeInterval{
					IntervalBegin: Some(tod), IntervalEnd: Null[Time]()})})})}), Null[[]Field[AccessHours]]()},
			LocationPerson: Some(person("Gardien")), ObjectIDDN: Some("PM-75002"),
			PremiseAddress: Some(Address{AddressInfo: Some("Local technique")}), PremiseName: Some("Immeuble A")})}),
		TroubledObjectAccessFrom:  Some(at(28, 8, 0)),
		TroubledObjectAccessHours: Some([]Field[AccessHours]{Some(AccessHours{DayOfWeek: Null[DayOfWeek]()})}),
		TroubledObjectAccessTo:    Some(at(28, 18, 0)),
		TroubleSystemDN:           Some("FTEL/TT"),
		SAV: &SAVExtension{
			Transaction: Null[string](), TypeSAV: Some(codes.TypeSAVExpertise), CodeOC: Some("BYTL"), CodeOI: Some("FTEL"),
			CommercialID: Some("VIA0A0000000BBBBBBBB"), TechnicalID: Some("FI-1234-5678"),
			NatureDefaut: Some(codes.NatureDefautAffaiblissement), PrelocDefaut: Some(codes.PrelocDefautPMPBO),
			Client:         Some(Customer{Nom: "Lefèvre", Prenom: "Chloé", Contact1: "0612345678"}),
			Rdv:            Some(Rdv{IDRdv: "RDV-2026-000042"}),
			EtatResolution: Some(codes.EtatResolutionTerminee),
			Message:        Some(InfoMessage{Type: codes.TypeMessageCommentaire, Texte: "RAS", Date: at(28, 11, 25)}),
			Intervention:   Some(Intervention{Date: at(28, 8, 0), Type: "INTERVENTION CLIENT"}),
			Cloture: Some(Cloture{Code: "RET01", Responsabilite: codes.ResponsabiliteOI, Localisation: codes.PrelocDefautPBO,
				Description: "Fibre sectionnée"}),
		},
	}
}
