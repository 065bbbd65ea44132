package v2

import "github.com/opensav/savsdk/codes"

// writeTTV writes a value of type tt:TroubleTicketValue as element qn, with
// xsi:type="sav:SAVTroubleTicketValue" when it carries the extension. The
// elements follow the schema's sequence order.
func writeTTV(w *writer, qn string, v *TroubleTicketValue) { writeTTVElement(w, qn, v, false) }

// writeTTVElement writes v as element qn; a root element declares the
// namespaces.
func writeTTVElement(w *writer, qn string, v *TroubleTicketValue, root bool) {
	w.startTag(qn)
	if root {
		w.rootAttrs()
	}
	if v.SAV != nil {
		w.b = append(w.b, ` xsi:type="sav:SAVTroubleTicketValue"`...)
	}
	w.endStart()
	wfield(w, "co:lastUpdateVersionNumber", v.LastUpdateVersionNumber, false, writeInt64)
	wfield(w, "tt:troubleTicketKey", v.TroubleTicketKey, true, writeKey)
	wfield(w, "tt:accountOwner", v.AccountOwner, true, writePersonReach)
	wfield(w, "tt:activityDurationList", v.ActivityDurationList, true, writeActivityDurationList)
	wfield(w, "tt:additionalTroubleInfoList", v.AdditionalTroubleInfoList, true, writeStrings)
	wfield(w, "tt:afterHoursRepairAuthority", v.AfterHoursRepairAuthority, true, writeBool)
	wfield(w, "tt:authorizationList", v.AuthorizationList, true, witems("tt:item", writeAuthorization))
	wfield(w, "tt:cancelRequestedByCustomer", v.CancelRequestedByCustomer, true, writeBool)
	wfield(w, "tt:clearancePerson", v.ClearancePerson, true, writePersonReach)
	wfield(w, "tt:closeOutNarr", v.CloseOutNarr, true, writeString)
	wenum(w, "tt:closeOutVerification", "tt:baseCloseOutVerification", v.CloseOutVerification, enumCloseOutVerification)
	wfield(w, "tt:commitmentTime", v.CommitmentTime, true, writeTime)
	wfield(w, "tt:commitmentTimeRequested", v.CommitmentTimeRequested, true, writeTime)
	wfield(w, "tt:customer", v.Customer, true, writePersonReach)
	wfield(w, "tt:customerRoleAssignmentList", v.CustomerRoleAssignments, true, witems("tt:item", writeRoleAssignment))
	wfield(w, "tt:customerTroubleNum", v.CustomerTroubleNum, true, writeString)
	wfield(w, "tt:dialog", v.Dialog, true, writeString)
	wfield(w, "tt:escalationList", v.EscalationList, true, writeEscalationList)
	wenum(w, "tt:initiatingMode", "tt:baseInitiatingMode", v.InitiatingMode, enumInitiatingMode)
	wfield(w, "tt:lastUpdateTime", v.LastUpdateTime, true, writeTime)
	wfield(w, "tt:maintServiceCharge", v.MaintServiceCharge, true, writeBool)
	wfield(w, "tt:originator", v.Originator, true, writeString)
	wfield(w, "tt:outageDuration", v.OutageDuration, true, writeTimeLength)
	wfield(w, "tt:receivedTime", v.ReceivedTime, true, writeTime)
	wfield(w, "tt:relatedAlarmList", v.RelatedAlarmList, true, writeRelatedAlarmList)
	wfield(w, "tt:relatedTroubleTicketKeyList", v.RelatedTroubleTicketKeys, true, witems("tt:item", writeKey))
	wfield(w, "tt:repairActivityList", v.RepairActivityList, true, writeRepairActivityList)
	wenum(w, "tt:repeatReport", "tt:baseRepeatReport", v.RepeatReport, enumRepeatReport)
	wfield(w, "tt:restoredTime", v.RestoredTime, true, writeTime)
	wfield(w, "tt:serviceUnavailableBeginTime", v.ServiceUnavailableBegin, true, writeTime)
	wfield(w, "tt:serviceUnavailableEndTime", v.ServiceUnavailableEnd, true, writeTime)
	wfield(w, "tt:sPRoleAssignmentList", v.SPRoleAssignments, true, witems("tt:item", writeRoleAssignment))
	wfield(w, "tt:suspectObjectList", v.SuspectObjects, true, witems("tt:item", writeSuspectObject))
	wfield(w, "tt:troubleDescription", v.TroubleDescription, true, writeString)
	wenum(w, "tt:troubleFound", "tt:baseFoundType", v.TroubleFound, enumTroubleFound)
	wfield(w, "tt:troubleLocation", v.TroubleLocation, true, writeString)
	wfield(w, "tt:troubleNumList", v.TroubleNumList, true, writeStrings)
	wfield(w, "tt:troubledObject", v.TroubledObject, true, writeString)
	wenum(w, "tt:troubleType", "tt:baseTroubleType", v.TroubleType, enumTroubleType)
	wenum(w, "tt:troubleState", "tt:baseState", v.TroubleState, enumTroubleState)
	wenum(w, "tt:troubleStatus", "tt:baseStatus", v.TroubleStatus, enumTroubleStatus)
	wfield(w, "tt:troubleStatusTime", v.TroubleStatusTime, true, writeTime)
	wenum(w, "tt:perceivedTroubleSeverity", "tt:basePerceivedTroubleSeverity", v.PerceivedTroubleSeverity,
		enumPerceivedTroubleSeverity)
	wenum(w, "tt:preferredPriority", "tt:basePreferredPriority", v.PreferredPriority, enumPreferredPriority)
	wfield(w, "tt:troubleDetectionTime", v.TroubleDetectionTime, true, writeTime)
	wfield(w, "tt:troubleLocationInfoList", v.TroubleLocationInfos, true, witems("tt:item", writeTroubleLocationInfo))
	wfield(w, "tt:troubledObjectAccessFromTime", v.TroubledObjectAccessFrom, true, writeTime)
	wfield(w, "tt:troubledObjectAccessHoursList", v.TroubledObjectAccessHours, true, witems("tt:item", writeAccessHours))
	wfield(w, "tt:troubledObjectAccessToTime", v.TroubledObjectAccessTo, true, writeTime)
	wfield(w, "tt:troubleSystemDN", v.TroubleSystemDN, true, writeString)
	if v.SAV != nil {
		writeSAV(w, v.SAV)
	}
	w.close(qn)
}

// writeKey writes a tt:TroubleTicketKey.
func writeKey(w *writer, qn string, k *TroubleTicketKey) {
	w.open(qn)
	writeKeyContent(w, k)
	w.close(qn)
}

func writeKeyContent(w *writer, k *TroubleTicketKey) {
	if a := k.ApplicationContext; a != nil {
		w.open("co:applicationContext")
		w.leaf("co:factoryClass", a.FactoryClass)
		w.leaf("co:url", a.URL)
		w.open("co:systemProperties")
		for _, sp := range a.SystemProperties {
			w.open("co:property")
			w.leaf("co:name", sp.Name)
			w.leaf("co:value", sp.Value)
			w.close("co:property")
		}
		w.close("co:systemProperties")
		w.close("co:applicationContext")
	}
	wfield(w, "co:applicationDN", k.ApplicationDN, false, writeString)
	typ := k.Type
	if typ == "" {
		typ = w.p.KeyType
	}
	w.leaf("co:type", typ)
	w.leaf("tt:primaryKey", k.PrimaryKey)
}

func writePersonReach(w *writer, qn string, p *PersonReach) {
	w.open(qn)
	wfield(w, "tt:email", p.Email, true, writeString)
	wfield(w, "tt:fax", p.Fax, true, writeString)
	wfield(w, "tt:location", p.Location, true, writeAddress)
	wfield(w, "tt:name", p.Name, true, writeString)
	wfield(w, "tt:number", p.Number, true, writeString)
	wfield(w, "tt:organizationName", p.OrganizationName, true, writeString)
	wfield(w, "tt:phone", p.Phone, true, writeString)
	wfield(w, "tt:responsible", p.Responsible, true, writeString)
	wfield(w, "tt:sMSAddress", p.SMSAddress, true, writeString)
	w.close(qn)
}

func writeAddress(w *writer, qn string, a *Address) {
	if a.NorthAmerica != nil {
		w.openTyped(qn, "tt:NorthAmericaAddress")
	} else {
		w.open(qn)
	}
	wfield(w, "tt:addressInfo", a.AddressInfo, true, writeString)
	if na := a.NorthAmerica; na != nil {
		w.leaf("tt:civicAddress", na.CivicAddress)
		w.leaf("tt:city", na.City)
		w.leaf("tt:state", na.State)
		w.leaf("tt:zip", na.Zip)
	}
	w.close(qn)
}

func writeModifier(w *writer, m Modifier) {
	if m == "" {
		m = ModifierNone
	}
	w.leaf("co:modifier", string(m))
}

func writeActivityDurationList(w *writer, qn string, l *ActivityDurationList) {
	w.open(qn)
	writeModifier(w, l.Modifier)
	wfield(w, "tt:activityDurations", l.ActivityDurations, true, witems("tt:item", writeActivityDuration))
	w.close(qn)
}

func writeActivityDuration(w *writer, qn string, a *ActivityDuration) {
	w.open(qn)
	wenum(w, "tt:activityType", "tt:baseActivityType", a.ActivityType, enumActivityType)
	wfield(w, "tt:billable", a.Billable, true, writeBool)
	wfield(w, "tt:duration", a.Duration, false, writeTimeLength)
	w.close(qn)
}

func writeTimeLength(w *writer, qn string, l *TimeLength) {
	w.open(qn)
	wfield(w, "tt:years", l.Years, true, writeInt64)
	wfield(w, "tt:months", l.Months, true, writeInt64)
	wfield(w, "tt:days", l.Days, true, writeInt64)
	wfield(w, "tt:hours", l.Hours, true, writeInt64)
	wfield(w, "tt:minutes", l.Minutes, true, writeInt64)
	wfield(w, "tt:seconds", l.Seconds, true, writeInt64)
	wfield(w, "tt:msecs", l.Msecs, true, writeInt64)
	w.close(qn)
}

func writeAuthorization(w *writer, qn string, a *Authorization) {
	w.open(qn)
	wenum(w, "tt:activityType", "tt:baseActivityType", a.ActivityType, enumActivityType)
	wfield(w, "tt:authPerson", a.AuthPerson, true, writePersonReach)
	wfield(w, "tt:authTime", a.AuthTime, true, writeTime)
	wfield(w, "tt:requestState", a.RequestState, true, writeEnumText[RequestState])
	w.close(qn)
}

func writeRoleAssignment(w *writer, qn string, a *RoleAssignment) {
	w.open(qn)
	wenum(w, "tt:role", "tt:baseRole", a.Role, enumRole)
	wfield(w, "tt:contactPerson", a.ContactPerson, true, writePersonReach)
	w.close(qn)
}

func writeEscalationList(w *writer, qn string, l *EscalationList) {
	w.open(qn)
	writeModifier(w, l.Modifier)
	wfield(w, "tt:escalations", l.Escalations, true, witems("tt:item", writeEscalation))
	w.close(qn)
}

func writeEscalation(w *writer, qn string, e *Escalation) {
	w.open(qn)
	wfield(w, "tt:escPerson", e.EscPerson, true, writePersonReach)
	wfield(w, "tt:escTime", e.EscTime, true, writeTime)
	wfield(w, "tt:orgLevel", e.OrgLevel, true, writeEnumText[OrgLevel])
	wfield(w, "tt:requestPerson", e.RequestPerson, true, writePersonReach)
	wfield(w, "tt:requestState", e.RequestState, true, writeEnumText[RequestState])
	w.close(qn)
}

func writeRelatedAlarmList(w *writer, qn string, l *RelatedAlarmList) {
	w.open(qn)
	writeModifier(w, l.Modifier)
	wfield(w, "tt:relatedAlarms", l.RelatedAlarms, true, func(w *writer, qn string, raw *RawXML) {
		w.open(qn)
		w.raw(*raw)
		w.close(qn)
	})
	w.close(qn)
}

func writeRepairActivityList(w *writer, qn string, l *RepairActivityList) {
	w.open(qn)
	writeModifier(w, l.Modifier)
	wfield(w, "tt:repairActivities", l.RepairActivities, true, witems("tt:item", writeRepairActivity))
	w.close(qn)
}

func writeRepairActivity(w *writer, qn string, a *RepairActivity) {
	w.open(qn)
	wenum(w, "tt:activityCode", "tt:baseActivityCode", a.ActivityCode, enumActivityCode)
	wfield(w, "tt:activityInfo", a.ActivityInfo, true, writeString)
	wfield(w, "tt:activityPerson", a.ActivityPerson, true, writePersonReach)
	wfield(w, "tt:entryTime", a.EntryTime, true, writeTime)
	w.close(qn)
}

func writeSuspectObject(w *writer, qn string, s *SuspectObject) {
	w.open(qn)
	wfield(w, "tt:suspectObjectType", s.SuspectObjectType, true, writeString)
	wfield(w, "tt:suspectObjectId", s.SuspectObjectID, true, writeString)
	wfield(w, "tt:failureProbability", s.FailureProbability, false, writeInt64)
	w.close(qn)
}

func writeTroubleLocationInfo(w *writer, qn string, l *TroubleLocationInfo) {
	w.open(qn)
	ahl := witems("tt:item", writeAccessHours)
	for _, f := range l.AccessHoursList {
		wfield(w, "tt:accessHoursList", f, true, ahl)
	}
	wfield(w, "tt:locationPerson", l.LocationPerson, true, writePersonReach)
	wfield(w, "tt:objectIdDN", l.ObjectIDDN, true, writeString)
	wfield(w, "tt:premiseAddress", l.PremiseAddress, true, writeAddress)
	wfield(w, "tt:premiseName", l.PremiseName, true, writeString)
	w.close(qn)
}

func writeAccessHours(w *writer, qn string, a *AccessHours) {
	w.open(qn)
	wfield(w, "tt:dayOfWeek", a.DayOfWeek, true, writeEnumText[DayOfWeek])
	wfield(w, "tt:timeIntervalList", a.TimeIntervalList, true, witems("tt:item", writeTimeInterval))
	w.close(qn)
}

func writeTimeInterval(w *writer, qn string, t *TimeInterval) {
	w.open(qn)
	wfield(w, "tt:intervalBegin", t.IntervalBegin, true, writeTimeOfDay)
	wfield(w, "tt:intervalEnd", t.IntervalEnd, true, writeTimeOfDay)
	w.close(qn)
}

func writeTimeOfDay(w *writer, qn string, t *Time) {
	w.open(qn)
	wfield(w, "tt:hours", t.Hours, true, writeInt64)
	wfield(w, "tt:minutes", t.Minutes, true, writeInt64)
	wfield(w, "tt:seconds", t.Seconds, true, writeInt64)
	wfield(w, "tt:msecs", t.Msecs, true, writeInt64)
	wfield(w, "tt:utcOffset", t.UtcOffset, true, writeInt64)
	w.close(qn)
}

// writeSAV writes the sav: elements of the extension, in the order of the
// sav: schema.
func writeSAV(w *writer, s *SAVExtension) {
	wfield(w, "sav:transaction", s.Transaction, true, writeString)
	wfield(w, "sav:typeSAV", s.TypeSAV, true, writeEnumText[codes.TypeSAV])
	wfield(w, "sav:codeOC", s.CodeOC, true, writeString)
	wfield(w, "sav:codeOI", s.CodeOI, true, writeString)
	wfield(w, "sav:commercialId", s.CommercialID, true, writeString)
	wfield(w, "sav:technicalId", s.TechnicalID, true, writeString)
	wfield(w, "sav:natureDefaut", s.NatureDefaut, true, writeEnumText[codes.NatureDefaut])
	wfield(w, "sav:prelocDefaut", s.PrelocDefaut, true, writeEnumText[codes.PrelocDefaut])
	wfield(w, "sav:client", s.Client, true, func(w *writer, qn string, c *Customer) {
		w.open(qn)
		w.optLeaf("sav:nom", c.Nom)
		w.optLeaf("sav:prenom", c.Prenom)
		w.optLeaf("sav:contact1", c.Contact1)
		w.optLeaf("sav:contact2", c.Contact2)
		w.close(qn)
	})
	wfield(w, "sav:rdv", s.Rdv, true, func(w *writer, qn string, r *Rdv) {
		w.open(qn)
		w.optLeaf("sav:idRdv", r.IDRdv)
		for _, c := range r.Creneaux {
			w.open("sav:creneau")
			w.optTime("sav:debut", c.Debut)
			w.optTime("sav:fin", c.Fin)
			w.close("sav:creneau")
		}
		w.close(qn)
	})
	wfield(w, "sav:etatResolution", s.EtatResolution, true, writeEnumText[codes.EtatResolution])
	wfield(w, "sav:message", s.Message, true, func(w *writer, qn string, m *InfoMessage) {
		w.open(qn)
		w.optLeaf("sav:type", string(m.Type))
		w.optLeaf("sav:texte", m.Texte)
		w.optTime("sav:date", m.Date)
		w.close(qn)
	})
	wfield(w, "sav:intervention", s.Intervention, true, func(w *writer, qn string, in *Intervention) {
		w.open(qn)
		w.optTime("sav:date", in.Date)
		w.optLeaf("sav:type", in.Type)
		w.close(qn)
	})
	wfield(w, "sav:cloture", s.Cloture, true, func(w *writer, qn string, c *Cloture) {
		w.open(qn)
		w.optLeaf("sav:code", string(c.Code))
		w.optLeaf("sav:responsabilite", string(c.Responsabilite))
		w.optLeaf("sav:localisation", string(c.Localisation))
		w.optLeaf("sav:description", c.Description)
		w.close(qn)
	})
}
