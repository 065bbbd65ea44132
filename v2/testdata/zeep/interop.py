"""Drive savsdk's protocol 2.0 web services with zeep, a generic SOAP toolkit.

zeep reads the services from the WSDL each endpoint serves at ?wsdl (with
the XSDs it imports at ?xsd=NAME) and builds every message from it; nothing
here knows the wire format beyond the element names of the schemas.

Usage: interop.py PHASE URL USER PASSWORD [KEY]
  oc-create   as the OC, on the OI's endpoint: create, get, search, set (CO
              information), get; prints {"key": ..., "version": ...}
  oi-notify   as the OI, on the OC's endpoint: CASE SOLVING NOTIFICATION then
              CASE SOLVED NOTIFICATION on KEY; prints {"sent": 2}
  oc-get      as the OC, on the OI's endpoint: get KEY; prints the ticket's
              state, version and closure code
  oc-fault    as the OC, on the OI's endpoint: get an unknown key and report
              the fault's return code
Each phase prints one JSON object on stdout and exits 0, or prints the
failure on stderr and exits 1.

zeep does not implement XML Schema substitution groups (python-zeep pull
request #433, open since 2017): it cannot place tt:troubleState, the member
of the tt:baseState group that JSR-91 and V2.md write. So zeep runs in
non-strict mode, where the elements it cannot place, from tt:troubleState
on, are kept as raw lxml elements; read() looks there. When zeep writes a
tt:baseState value it uses the head element, which the SDK reads as well.
"""

import datetime
import json
import sys

import requests
import zeep
from zeep.transports import Transport

SAV = "urn:savsdk:sav:2.0"
TT = "http://java.sun.com/products/oss/xml/TroubleTicket"
CO = "http://java.sun.com/products/oss/xml/Common"
OC, OI = "BYTL", "FTEL"
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def connect(url, user, password):
    session = requests.Session()
    session.auth = (user, password)
    client = zeep.Client(url + "?wsdl", transport=Transport(session=session, timeout=10),
                         settings=zeep.Settings(strict=False))
    entete = client.get_element("{%s}entete" % SAV)
    return client, entete


def header(entete):
    return [entete(versionProtocole="2.0", horodatage=datetime.datetime.now(PARIS), codeOC=OC, codeOI=OI)]


def body(resp):
    """The body of a response; zeep returns {header, body} since the WSDL
    declares sav:entete in every output. The header must be there."""
    entete = resp["header"]["entete"]
    expect(entete is not None and entete.codeOI == OI and entete.codeOC == OC, "response sav:entete: %r" % entete)
    expect(entete.versionProtocole == "2.0", "response versionProtocole: %r" % entete.versionProtocole)
    return resp["body"]


def read(value, name, ns=TT, child=None):
    """An element of a value: the attribute zeep parsed, else the text of
    the raw element zeep kept (see the module's documentation)."""
    got = getattr(value, name, None) if name in dir(value) else None
    if got is not None:
        return got if child is None else getattr(got, child)
    try:
        raw = value["_raw_elements"]
    except (KeyError, TypeError):
        return None
    for el in raw or []:
        if el.tag == "{%s}%s" % (ns, name):
            if child is None:
                return el.text
            sub = el.find("{%s}%s" % (ns, child))
            return None if sub is None else sub.text
    return None


def key_of(client, primary):
    key_type = client.get_type("{%s}TroubleTicketKey" % TT)
    return key_type(type="tt:TroubleTicketValue", primaryKey=primary)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def get(client, entete, primary):
    resp = client.service.getTroubleTicketByKey(troubleTicketKey=key_of(client, primary), _soapheaders=header(entete))
    return body(resp).troubleTicketValue


def oc_create(url, user, password):
    client, entete = connect(url, user, password)
    value_type = client.get_type("{%s}SAVTroubleTicketValue" % SAV)
    value = value_type(
        customerTroubleNum="ZEEP-0001",
        troubleDescription="Pas de signal depuis l'orage",
        troubleDetectionTime=datetime.datetime(2026, 3, 1, 0, 0, tzinfo=PARIS),
        typeSAV="SIGNALISATION",
        codeOC=OC,
        codeOI=OI,
        technicalId="FT-1234-5678",
        natureDefaut="COUPURE",
        prelocDefaut="PBO",
    )
    created = body(client.service.createTroubleTicketByValue(troubleTicketValue=value, _soapheaders=header(entete)))
    primary = created.troubleTicketKey.primaryKey
    expect(primary, "create returned no key")

    got = get(client, entete, primary)
    expect(read(got, "troubleState") == "QUEUED", "state after create: %r" % read(got, "troubleState"))
    expect(read(got, "natureDefaut", SAV) == "COUPURE", "natureDefaut: %r" % read(got, "natureDefaut", SAV))
    expect(got.lastUpdateVersionNumber == 0, "version after create: %r" % got.lastUpdateVersionNumber)
    expect(got.customerTroubleNum == "ZEEP-0001", "customerTroubleNum: %r" % got.customerTroubleNum)
    expect(got.receivedTime is not None, "receivedTime not set")

    template = client.get_type("{%s}TroubleTicketValue" % TT)(customerTroubleNum="ZEEP-0001")
    found = body(client.service.getTroubleTicketsByTemplate(howMany=10, template=template, _soapheaders=header(entete)))
    values = found.troubleTicketValues.item if found.troubleTicketValues is not None else []
    expect(len(values) == 1, "search found %d tickets" % len(values))
    expect(values[0].troubleTicketKey.primaryKey == primary, "search found another ticket")
    expect(found.endOfReply is True, "search: endOfReply %r" % found.endOfReply)

    message_type = client.get_type("{%s}Message" % SAV)
    info = value_type(
        lastUpdateVersionNumber=0,
        troubleTicketKey=key_of(client, primary),
        transaction="CO CASE INFORMATION NOTIFICATION",
        codeOC=OC,
        codeOI=OI,
        message=message_type(type="COMMENTAIRE", texte="Digicode 1234, 3e étage"),
    )
    body(client.service.setTroubleTicketByValue(troubleTicketValue=info, resyncRequired=True,
                                                _soapheaders=header(entete)))

    got = get(client, entete, primary)
    expect(got.lastUpdateVersionNumber == 1, "version after the CO information: %r" % got.lastUpdateVersionNumber)
    return {"key": primary, "version": got.lastUpdateVersionNumber, "state": read(got, "troubleState")}


def oi_notify(url, user, password, primary):
    client, entete = connect(url, user, password)
    value_type = client.get_type("{%s}SAVTroubleTicketValue" % SAV)
    cloture_type = client.get_type("{%s}Cloture" % SAV)
    solving = value_type(
        lastUpdateVersionNumber=1,
        troubleTicketKey=key_of(client, primary),
        baseState="OPENACTIVE",  # zeep knows only the substitution head
        transaction="CASE SOLVING NOTIFICATION",
        codeOC=OC,
        codeOI=OI,
        etatResolution="ACTION PREVUE",
    )
    body(client.service.setTroubleTicketByValue(troubleTicketValue=solving, resyncRequired=True,
                                                _soapheaders=header(entete)))
    solved = value_type(
        lastUpdateVersionNumber=2,
        troubleTicketKey=key_of(client, primary),
        closeOutNarr="Fibre réparée au PBO",
        baseState="CLOSED",
        transaction="CASE SOLVED NOTIFICATION",
        codeOC=OC,
        codeOI=OI,
        cloture=cloture_type(code="RET01", responsabilite="OI", localisation="PBO"),
    )
    body(client.service.setTroubleTicketByValue(troubleTicketValue=solved, resyncRequired=True,
                                                _soapheaders=header(entete)))
    return {"sent": 2}


def oc_get(url, user, password, primary):
    client, entete = connect(url, user, password)
    got = get(client, entete, primary)
    return {"state": read(got, "troubleState"), "version": got.lastUpdateVersionNumber,
            "code": read(got, "cloture", SAV, child="code"), "closeOutNarr": read(got, "closeOutNarr")}


def oc_fault(url, user, password):
    client, entete = connect(url, user, password)
    try:
        get(client, entete, "NOSUCHKEY")
    except zeep.exceptions.Fault as fault:
        ns = {"sav": SAV}
        code = fault.detail.find(".//sav:erreur/sav:codeRetour", ns)
        return {"faultcode": fault.code, "codeRetour": int(code.text)}
    raise AssertionError("no fault for an unknown key")


def main(argv):
    phase, url, user, password = argv[1:5]
    if phase == "oc-create":
        out = oc_create(url, user, password)
    elif phase == "oi-notify":
        out = oi_notify(url, user, password, argv[5])
    elif phase == "oc-get":
        out = oc_get(url, user, password, argv[5])
    elif phase == "oc-fault":
        out = oc_fault(url, user, password)
    else:
        raise SystemExit("unknown phase " + phase)
    print(json.dumps(out))


if __name__ == "__main__":
    try:
        main(sys.argv)
    except Exception as exc:  # report any failure with its type for the Go test
        print("%s: %s" % (type(exc).__name__, exc), file=sys.stderr)
        sys.exit(1)
