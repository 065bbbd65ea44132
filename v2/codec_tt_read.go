package v2

import (
	"encoding/xml"
	"time"

	"github.com/opensav/savsdk/codes"
)

// readTTV reads an element of type tt:TroubleTicketValue (or the
// sav:SAVTroubleTicketValue extension): children in any order, unknown ones
// skipped, names resolved by namespace URI.
func readTTV(r *reader, t xml.StartElement, v *TroubleTicketValue) error {
	if typ, ok := xsiType(t); ok {
		if n := r.qname(typ); n.Space == r.p.NamespaceSAV && n.Local == "SAVTroubleTicketValue" {
			v.SAV = &SAVExtension{}
		}
	}
	return r.children(func(c xml.StartElement) error {
		switch c.Name.Space {
		case NamespaceTT:
			return readTTVChild(r, c, v)
		case NamespaceCO:
			if c.Name.Local == "lastUpdateVersionNumber" {
				return field(r, c, &v.LastUpdateVersionNumber, false, readInt64)
			}
		case r.p.NamespaceSAV:
			if v.SAV == nil {
				v.SAV = &SAVExtension{}
			}
			return readSAVChild(r, c, v.SAV)
		}
		return r.skip()
	})
}

func readTTVChild(r *reader, c xml.StartElement, v *TroubleTicketValue) error {
	switch c.Name.Local {
	case "troubleTicketKey":
		return field(r, c, &v.TroubleTicketKey, true, readKey)
	case "accountOwner":
		return field(r, c, &v.AccountOwner, true, readPersonReach)
	case "activityDurationList":
		return field(r, c, &v.ActivityDurationList, true, readActivityDurationList)
	case "additionalTroubleInfoList":
		return field(r, c, &v.AdditionalTroubleInfoList, true, readStrings)
	case "afterHoursRepairAuthority":
		return field(r, c, &v.AfterHoursRepairAuthority, true, readBool)
	case "authorizationList":
		return field(r, c, &v.AuthorizationList, true, ttItems(readAuthorization))
	case "cancelRequestedByCustomer":
		return field(r, c, &v.CancelRequestedByCustomer, true, readBool)
	case "clearancePerson":
		return field(r, c, &v.ClearancePerson, true, readPersonReach)
	case "closeOutNarr":
		return field(r, c, &v.CloseOutNarr, true, readString)
	case "baseCloseOutVerification", "closeOutVerification":
		return readEnumField(r, c, &v.CloseOutVerification)
	case "commitmentTime":
		return field(r, c, &v.CommitmentTime, true, readTime)
	case "commitmentTimeRequested":
		return field(r, c, &v.CommitmentTimeRequested, true, readTime)
	case "customer":
		return field(r, c, &v.Customer, true, readPersonReach)
	case "customerRoleAssignmentList":
		return field(r, c, &v.CustomerRoleAssignments, true, ttItems(readRoleAssignment))
	case "customerTroubleNum":
		return field(r, c, &v.CustomerTroubleNum, true, readString)
	case "dialog":
		return field(r, c, &v.Dialog, true, readString)
	case "escalationList":
		return field(r, c, &v.EscalationList, true, readEscalationList)
	case "baseInitiatingMode", "initiatingMode":
		return readEnumField(r, c, &v.InitiatingMode)
	case "lastUpdateTime":
		return field(r, c, &v.LastUpdateTime, true, readTime)
	case "maintServiceCharge":
		return field(r, c, &v.MaintServiceCharge, true, readBool)
	case "originator":
		return field(r, c, &v.Originator, true, readString)
	case "outageDuration":
		return field(r, c, &v.OutageDuration, true, readTimeLength)
	case "receivedTime":
		return field(r, c, &v.ReceivedTime, true, readTime)
	case "relatedAlarmList":
		return field(r, c, &v.RelatedAlarmList, true, readRelatedAlarmList)
	case "relatedTroubleTicketKeyList":
		return field(r, c, &v.RelatedTroubleTicketKeys, true, ttItems(readKey))
	case "repairActivityList":
		return field(r, c, &v.RepairActivityList, true, readRepairActivityList)
	case "baseRepeatReport", "repeatReport":
		return readEnumField(r, c, &v.RepeatReport)
	case "restoredTime":
		return field(r, c, &v.RestoredTime, true, readTime)
	case "serviceUnavailableBeginTime":
		return field(r, c, &v.ServiceUnavailableBegin, true, readTime)
	case "serviceUnavailableEndTime":
		return field(r, c, &v.ServiceUnavailableEnd, true, readTime)
	case "sPRoleAssignmentList":
		return field(r, c, &v.SPRoleAssignments, true, ttItems(readRoleAssignment))
	case "suspectObjectList":
		return field(r, c, &v.SuspectObjects, true, ttItems(readSuspectObject))
	case "troubleDescription":
		return field(r, c, &v.TroubleDescription, true, readString)
	case "baseFoundType", "troubleFound":
		return readEnumField(r, c, &v.TroubleFound)
	case "troubleLocation":
		return field(r, c, &v.TroubleLocation, true, readString)
	case "troubleNumList":
		return field(r, c, &v.TroubleNumList, true, readStrings)
	case "troubledObject":
		return field(r, c, &v.TroubledObject, true, readString)
	case "baseTroubleType", "troubleType":
		return readEnumField(r, c, &v.TroubleType)
	case "baseState", "troubleState":
		return readEnumField(r, c, &v.TroubleState)
	case "baseStatus", "troubleStatus":
		return readEnumField(r, c, &v.TroubleStatus)
	case "troubleStatusTime":
		return field(r, c, &v.TroubleStatusTime, true, readTime)
	case "basePerceivedTroubleSeverity", "perceivedTroubleSeverity":
		return readEnumField(r, c, &v.PerceivedTroubleSeverity)
	case "basePreferredPriority", "preferredPriority":
		return readEnumField(r, c, &v.PreferredPriority)
	case "troubleDetectionTime":
		return field(r, c, &v.TroubleDetectionTime, true, readTime)
	case "troubleLocationInfoList":
		return field(r, c, &v.TroubleLocationInfos, true, ttItems(readTroubleLocationInfo))
	case "troubledObjectAccessFromTime":
		return field(r, c, &v.TroubledObjectAccessFrom, true, readTime)
	case "troubledObjectAccessHoursList":
		return field(r, c, &v.TroubledObjectAccessHours, true, ttItems(readAccessHours))
	case "troubledObjectAccessToTime":
		return field(r, c, &v.TroubledObjectAccessTo, true, readTime)
	case "troubleSystemDN":
		return field(r, c, &v.TroubleSystemDN, true, readString)
	}
	return r.skip()
}

// ttItems returns a reader of a tt:ArrayOfX: its tt:item children.
func ttItems[T any](read func(*reader, xml.StartElement, *T) error) func(*reader, xml.StartElement, *[]Field[T]) error {
	return func(r *reader, _ xml.StartElement, v *[]Field[T]) error {
		*v = []Field[T]{}
		return r.children(func(c xml.StartElement) error {
			if c.Name.Space == NamespaceTT && c.Name.Local == "item" {
				return item(r, c, v, read)
			}
			return r.skip()
		})
	}
}

// readKey reads a tt:TroubleTicketKey (or a co:ManagedEntityKey carrying
// one through xsi:type).
func readKey(r *reader, _ xml.StartElement, k *TroubleTicketKey) error {
	return r.children(func(c xml.StartElement) error {
		switch {
		case c.Name.Space == NamespaceTT && c.Name.Local == "primaryKey":
			return readString(r, c, &k.PrimaryKey)
		case c.Name.Space != NamespaceCO:
		case c.Name.Local == "type":
			return readString(r, c, &k.Type)
		case c.Name.Local == "applicationDN":
			return field(r, c, &k.ApplicationDN, false, readString)
		case c.Name.Local == "applicationContext":
			k.ApplicationContext = &ApplicationContext{}
			return readApplicationContext(r, c, k.ApplicationContext)
		}
		return r.skip()
	})
}

func readApplicationContext(r *reader, _ xml.StartElement, a *ApplicationContext) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceCO {
			return r.skip()
		}
		switch c.Name.Local {
		case "factoryClass":
			return readString(r, c, &a.FactoryClass)
		case "url":
			return readString(r, c, &a.URL)
		case "systemProperties":
			return r.children(func(c xml.StartElement) error {
				if c.Name.Space != NamespaceCO || c.Name.Local != "property" {
					return r.skip()
				}
				var sp SystemProperty
				err := r.children(func(c xml.StartElement) error {
					switch {
					case c.Name.Space != NamespaceCO:
					case c.Name.Local == "name":
						return readString(r, c, &sp.Name)
					case c.Name.Local == "value":
						return readString(r, c, &sp.Value)
					}
					return r.skip()
				})
				a.SystemProperties = append(a.SystemProperties, sp)
				return err
			})
		}
		return r.skip()
	})
}

func readPersonReach(r *reader, _ xml.StartElement, p *PersonReach) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "email":
			return field(r, c, &p.Email, true, readString)
		case "fax":
			return field(r, c, &p.Fax, true, readString)
		case "location":
			return field(r, c, &p.Location, true, readAddress)
		case "name":
			return field(r, c, &p.Name, true, readString)
		case "number":
			return field(r, c, &p.Number, true, readString)
		case "organizationName":
			return field(r, c, &p.OrganizationName, true, readString)
		case "phone":
			return field(r, c, &p.Phone, true, readString)
		case "responsible":
			return field(r, c, &p.Responsible, true, readString)
		case "sMSAddress":
			return field(r, c, &p.SMSAddress, true, readString)
		}
		return r.skip()
	})
}

func readAddress(r *reader, t xml.StartElement, a *Address) error {
	if typ, ok := xsiType(t); ok {
		if n := r.qname(typ); n.Space == NamespaceTT && n.Local == "NorthAmericaAddress" {
			a.NorthAmerica = &NorthAmericaAddress{}
		}
	}
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		if c.Name.Local == "addressInfo" {
			return field(r, c, &a.AddressInfo, true, readString)
		}
		if na := a.NorthAmerica; na != nil {
			switch c.Name.Local {
			case "civicAddress":
				return readString(r, c, &na.CivicAddress)
			case "city":
				return readString(r, c, &na.City)
			case "state":
				return readString(r, c, &na.State)
			case "zip":
				return readString(r, c, &na.Zip)
			}
		}
		return r.skip()
	})
}

func readModifier(r *reader, c xml.StartElement, m *Modifier) error { return readEnum(r, c, m) }

func readActivityDurationList(r *reader, _ xml.StartElement, l *ActivityDurationList) error {
	return r.children(func(c xml.StartElement) error {
		switch {
		case c.Name.Space == NamespaceCO && c.Name.Local == "modifier":
			return readModifier(r, c, &l.Modifier)
		case c.Name.Space == NamespaceTT && c.Name.Local == "activityDurations":
			return field(r, c, &l.ActivityDurations, true, ttItems(readActivityDuration))
		}
		return r.skip()
	})
}

func readActivityDuration(r *reader, _ xml.StartElement, a *ActivityDuration) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "baseActivityType", "activityType":
			return readEnumField(r, c, &a.ActivityType)
		case "billable":
			return field(r, c, &a.Billable, true, readBool)
		case "duration":
			return field(r, c, &a.Duration, false, readTimeLength)
		}
		return r.skip()
	})
}

func readTimeLength(r *reader, _ xml.StartElement, l *TimeLength) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		var f *Field[int64]
		switch c.Name.Local {
		case "years":
			f = &l.Years
		case "months":
			f = &l.Months
		case "days":
			f = &l.Days
		case "hours":
			f = &l.Hours
		case "minutes":
			f = &l.Minutes
		case "seconds":
			f = &l.Seconds
		case "msecs":
			f = &l.Msecs
		default:
			return r.skip()
		}
		return field(r, c, f, true, readInt64)
	})
}

func readAuthorization(r *reader, _ xml.StartElement, a *Authorization) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "baseActivityType", "activityType":
			return readEnumField(r, c, &a.ActivityType)
		case "authPerson":
			return field(r, c, &a.AuthPerson, true, readPersonReach)
		case "authTime":
			return field(r, c, &a.AuthTime, true, readTime)
		case "requestState":
			return field(r, c, &a.RequestState, true, readEnum[RequestState])
		}
		return r.skip()
	})
}

func readRoleAssignment(r *reader, _ xml.StartElement, a *RoleAssignment) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "baseRole", "role":
			return readEnumField(r, c, &a.Role)
		case "contactPerson":
			return field(r, c, &a.ContactPerson, true, readPersonReach)
		}
		return r.skip()
	})
}

func readEscalationList(r *reader, _ xml.StartElement, l *EscalationList) error {
	return r.children(func(c xml.StartElement) error {
		switch {
		case c.Name.Space == NamespaceCO && c.Name.Local == "modifier":
			return readModifier(r, c, &l.Modifier)
		case c.Name.Space == NamespaceTT && c.Name.Local == "escalations":
			return field(r, c, &l.Escalations, true, ttItems(readEscalation))
		}
		return r.skip()
	})
}

func readEscalation(r *reader, _ xml.StartElement, e *Escalation) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "escPerson":
			return field(r, c, &e.EscPerson, true, readPersonReach)
		case "escTime":
			return field(r, c, &e.EscTime, true, readTime)
		case "orgLevel":
			return field(r, c, &e.OrgLevel, true, readEnum[OrgLevel])
		case "requestPerson":
			return field(r, c, &e.RequestPerson, true, readPersonReach)
		case "requestState":
			return field(r, c, &e.RequestState, true, readEnum[RequestState])
		}
		return r.skip()
	})
}

func readRelatedAlarmList(r *reader, _ xml.StartElement, l *RelatedAlarmList) error {
	return r.children(func(c xml.StartElement) error {
		switch {
		case c.Name.Space == NamespaceCO && c.Name.Local == "modifier":
			return readModifier(r, c, &l.Modifier)
		case c.Name.Space == NamespaceTT && c.Name.Local == "relatedAlarms":
			return field(r, c, &l.RelatedAlarms, true, readRaw)
		}
		return r.skip()
	})
}

func readRepairActivityList(r *reader, _ xml.StartElement, l *RepairActivityList) error {
	return r.children(func(c xml.StartElement) error {
		switch {
		case c.Name.Space == NamespaceCO && c.Name.Local == "modifier":
			return readModifier(r, c, &l.Modifier)
		case c.Name.Space == NamespaceTT && c.Name.Local == "repairActivities":
			return field(r, c, &l.RepairActivities, true, ttItems(readRepairActivity))
		}
		return r.skip()
	})
}

func readRepairActivity(r *reader, _ xml.StartElement, a *RepairActivity) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "baseActivityCode", "activityCode":
			return readEnumField(r, c, &a.ActivityCode)
		case "activityInfo":
			return field(r, c, &a.ActivityInfo, true, readString)
		case "activityPerson":
			return field(r, c, &a.ActivityPerson, true, readPersonReach)
		case "entryTime":
			return field(r, c, &a.EntryTime, true, readTime)
		}
		return r.skip()
	})
}

func readSuspectObject(r *reader, _ xml.StartElement, s *SuspectObject) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "suspectObjectType":
			return field(r, c, &s.SuspectObjectType, true, readString)
		case "suspectObjectId":
			return field(r, c, &s.SuspectObjectID, true, readString)
		case "failureProbability":
			return field(r, c, &s.FailureProbability, false, readInt64)
		}
		return r.skip()
	})
}

func readTroubleLocationInfo(r *reader, _ xml.StartElement, l *TroubleLocationInfo) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "accessHoursList":
			return item(r, c, &l.AccessHoursList, ttItems(readAccessHours))
		case "locationPerson":
			return field(r, c, &l.LocationPerson, true, readPersonReach)
		case "objectIdDN":
			return field(r, c, &l.ObjectIDDN, true, readString)
		case "premiseAddress":
			return field(r, c, &l.PremiseAddress, true, readAddress)
		case "premiseName":
			return field(r, c, &l.PremiseName, true, readString)
		}
		return r.skip()
	})
}

func readAccessHours(r *reader, _ xml.StartElement, a *AccessHours) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "dayOfWeek":
			return field(r, c, &a.DayOfWeek, true, readEnum[DayOfWeek])
		case "timeIntervalList":
			return field(r, c, &a.TimeIntervalList, true, ttItems(readTimeInterval))
		}
		return r.skip()
	})
}

func readTimeInterval(r *reader, _ xml.StartElement, ti *TimeInterval) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		switch c.Name.Local {
		case "intervalBegin":
			return field(r, c, &ti.IntervalBegin, true, readTimeOfDay)
		case "intervalEnd":
			return field(r, c, &ti.IntervalEnd, true, readTimeOfDay)
		}
		return r.skip()
	})
}

func readTimeOfDay(r *reader, _ xml.StartElement, t *Time) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != NamespaceTT {
			return r.skip()
		}
		var f *Field[int64]
		switch c.Name.Local {
		case "hours":
			f = &t.Hours
		case "minutes":
			f = &t.Minutes
		case "seconds":
			f = &t.Seconds
		case "msecs":
			f = &t.Msecs
		case "utcOffset":
			f = &t.UtcOffset
		default:
			return r.skip()
		}
		return field(r, c, f, true, readInt64)
	})
}

// readSAVChild reads one sav: element of the extension.
func readSAVChild(r *reader, c xml.StartElement, s *SAVExtension) error {
	switch c.Name.Local {
	case "transaction":
		return field(r, c, &s.Transaction, true, readString)
	case "typeSAV":
		return field(r, c, &s.TypeSAV, true, readCode[codes.TypeSAV])
	case "codeOC":
		return field(r, c, &s.CodeOC, true, readTrimmed)
	case "codeOI":
		return field(r, c, &s.CodeOI, true, readTrimmed)
	case "commercialId":
		return field(r, c, &s.CommercialID, true, readTrimmed)
	case "technicalId":
		return field(r, c, &s.TechnicalID, true, readTrimmed)
	case "natureDefaut":
		return field(r, c, &s.NatureDefaut, true, aliasReader(r.p.NatureDefautAliases))
	case "prelocDefaut":
		return field(r, c, &s.PrelocDefaut, true, aliasReader(r.p.PrelocDefautAliases))
	case "client":
		return field(r, c, &s.Client, true, readClient)
	case "rdv":
		return field(r, c, &s.Rdv, true, readRdv)
	case "etatResolution":
		return field(r, c, &s.EtatResolution, true, aliasReader(r.p.EtatResolutionAliases))
	case "message":
		return field(r, c, &s.Message, true, readInfoMessage)
	case "intervention":
		return field(r, c, &s.Intervention, true, readIntervention)
	case "cloture":
		return field(r, c, &s.Cloture, true, readCloture)
	}
	return r.skip()
}

func readTrimmed(r *reader, _ xml.StartElement, v *string) error {
	s, err := r.text()
	*v = trimEnum(s)
	return err
}

// readCode reads a codes type through its lenient UnmarshalText.
func readCode[T ~string](r *reader, _ xml.StartElement, v *T) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	if u, ok := any(v).(interface{ UnmarshalText([]byte) error }); ok {
		return u.UnmarshalText([]byte(s))
	}
	*v = T(trimEnum(s))
	return nil
}

// aliasReader reads a code through a profile alias table: a known spelling
// becomes canonical, anything else is kept (trimmed) for validation to
// report.
func aliasReader[T ~string](a *codes.Aliases[T]) func(*reader, xml.StartElement, *T) error {
	return func(r *reader, _ xml.StartElement, v *T) error {
		s, err := r.text()
		if err != nil {
			return err
		}
		s = trimEnum(s)
		if c, ok := a.Lookup(s); ok {
			*v = c
		} else {
			*v = T(s)
		}
		return nil
	}
}

func (r *reader) savChildren(f func(c xml.StartElement) error) error {
	return r.children(func(c xml.StartElement) error {
		if c.Name.Space != r.p.NamespaceSAV {
			return r.skip()
		}
		return f(c)
	})
}

func readClient(r *reader, _ xml.StartElement, cl *Customer) error {
	return r.savChildren(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "nom":
			return readString(r, c, &cl.Nom)
		case "prenom":
			return readString(r, c, &cl.Prenom)
		case "contact1":
			return readTrimmed(r, c, &cl.Contact1)
		case "contact2":
			return readTrimmed(r, c, &cl.Contact2)
		}
		return r.skip()
	})
}

func readRdv(r *reader, _ xml.StartElement, rdv *Rdv) error {
	return r.savChildren(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "idRdv":
			return readTrimmed(r, c, &rdv.IDRdv)
		case "creneau":
			var cr Creneau
			err := r.savChildren(func(c xml.StartElement) error {
				switch c.Name.Local {
				case "debut":
					return readOptTime(r, c, &cr.Debut)
				case "fin":
					return readOptTime(r, c, &cr.Fin)
				}
				return r.skip()
			})
			rdv.Creneaux = append(rdv.Creneaux, cr)
			return err
		}
		return r.skip()
	})
}

// readOptTime reads a dateTime of a sav: structure, where an empty element
// is an absent value.
func readOptTime(r *reader, c xml.StartElement, v *time.Time) error {
	s, err := r.text()
	if err != nil {
		return err
	}
	if trimEnum(s) == "" {
		*v = time.Time{}
		return nil
	}
	tm, err := ParseDateTime(s, r.p.Location)
	if err != nil {
		if err := r.valueError(c, ErrValue, "%q is not an xs:dateTime", s); err != errDropped {
			return err
		}
		return nil
	}
	*v = tm
	return nil
}

func readInfoMessage(r *reader, _ xml.StartElement, m *InfoMessage) error {
	return r.savChildren(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "type":
			return aliasReader(r.p.TypeMessageAliases)(r, c, &m.Type)
		case "texte":
			return readString(r, c, &m.Texte)
		case "date":
			return readOptTime(r, c, &m.Date)
		}
		return r.skip()
	})
}

func readIntervention(r *reader, _ xml.StartElement, in *Intervention) error {
	return r.savChildren(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "date":
			return readOptTime(r, c, &in.Date)
		case "type":
			return readString(r, c, &in.Type)
		}
		return r.skip()
	})
}

func readCloture(r *reader, _ xml.StartElement, cl *Cloture) error {
	return r.savChildren(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "code":
			return readCode(r, c, &cl.Code)
		case "responsabilite":
			return readCode(r, c, &cl.Responsabilite)
		case "localisation":
			return aliasReader(r.p.PrelocDefautAliases)(r, c, &cl.Localisation)
		case "description":
			return readString(r, c, &cl.Description)
		}
		return r.skip()
	})
}
