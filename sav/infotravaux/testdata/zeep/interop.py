"""Calls getInfoTravauxFTTH of the InfoTravaux FTTH web service with
python3-zeep, a generic SOAP toolkit that builds its client from a WSDL.

usage: interop.py WSDL ADDRESS

WSDL is the service description to load (a path or a URL: a copy of the
published one with its header part qualified, or the one the server serves);
ADDRESS is the endpoint to call instead of the WSDL's own. The script sends
the InfoTravauxFTTHHeader with every call and:
  1. asks for every notice (no criteria);
  2. asks with criteria: type TP, a list of PM services, a start-of-works
     period and the etat;
  3. asks with a creation period wider than three months, which must be
     refused with the infoFtthError fault.
It prints one JSON object with what it saw and exits 0; any surprise exits 1
with a message.
"""
import datetime
import json
import sys

import zeep
import zeep.exceptions

NS = "{http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0}"
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def fail(msg):
    print("interop.py: " + msg, file=sys.stderr)
    sys.exit(1)


def notices(result):
    # zeep unwraps an output with a single child: the answer may come as the
    # getInfoTravauxFTTHOutput, the typeListeTravaux or the list itself.
    if result is None:
        return []
    if isinstance(result, list):
        return result
    if hasattr(result, "listeTravaux"):
        result = result.listeTravaux
        if result is None:
            return []
    return result.travaux or []


def describe(t):
    return {
        "reference": t.reference,
        "serviceProviderID": t.serviceProviderID,
        "type": t.type,
        "equipementConcerne": t.equipementConcerne,
        "referencePm": t.referencePm,
        "dateModification": t.dateModification.isoformat(),
        "dateDebutTravaux": t.dateDebutTravaux.isoformat() if t.dateDebutTravaux else None,
        "etat": t.etat,
        "pbo": list(t.referencePBO.PBO) if t.referencePBO is not None else [],
        "immeubles": list(t.identifiantImmeuble.immeuble) if t.identifiantImmeuble is not None else [],
        "prises": list(t.referencePriseImpactees.prise) if t.referencePriseImpactees is not None else [],
        "commentairesIntervention": t.commentairesIntervention,
    }


def main():
    if len(sys.argv) != 3:
        fail("usage: interop.py WSDL ADDRESS")
    wsdl, address = sys.argv[1], sys.argv[2]
    client = zeep.Client(wsdl)
    service = client.create_service(NS + "getInfoTravauxFTTHPortBinding", address)
    header = client.get_element(NS + "InfoTravauxFTTHHeader")(
        supplierID="987654321", serviceProviderID="123456789")
    out = {}

    res = service.getInfoTravauxFTTH(_soapheaders=[header])
    out["all"] = [describe(t) for t in notices(res)]

    res = service.getInfoTravauxFTTH(
        type="TP",
        referencePrestationPm={"prestationPm": ["PRESTA-PM-00", "PRESTA-PM-01"]},
        dateDebutTravaux={
            "dateDebutRecherche": datetime.datetime(2026, 11, 15, 0, 0, tzinfo=PARIS),
            "dateFinRecherche": datetime.datetime(2027, 2, 15, 0, 0, tzinfo=PARIS),
        },
        etat="NOUVEAU",
        _soapheaders=[header])
    out["filtered"] = [describe(t) for t in notices(res)]

    try:
        service.getInfoTravauxFTTH(
            dateCreation={
                "dateDebutRecherche": datetime.datetime(2026, 1, 1, 0, 0, tzinfo=PARIS),
                "dateFinRecherche": datetime.datetime(2026, 12, 31, 0, 0, tzinfo=PARIS),
            },
            _soapheaders=[header])
        fail("a one-year creation period was accepted")
    except zeep.exceptions.Fault as f:
        if f.detail is None:
            fail("fault without detail: %s" % f.message)
        code = f.detail.find(".//codeRetour")
        msg = f.detail.find(".//messageRetour")
        if code is None or msg is None:
            fail("fault detail without codeRetour/messageRetour")
        out["fault"] = {"faultcode": f.code, "codeRetour": int(code.text), "messageRetour": msg.text}

    print(json.dumps(out))


if __name__ == "__main__":
    main()
