"""Calls the four operations of the Plan de charge SAV web service with
python3-zeep, a generic SOAP toolkit that builds its client from a WSDL.

usage: plancharge_interop.py WSDL ADDRESS

WSDL is the service description to load (the published one, or the one the
server serves); ADDRESS is the endpoint to call instead of the WSDL's own.
The script searches free slots, books the first, consults it, moves it with
reportRDV, then books the slot it moved to, which must be refused with the
rdvErreur fault 101 RDV NON DISPONIBLE. It prints one JSON object with what
it saw and exits 0; any surprise exits 1 with a message.
"""
import datetime
import json
import sys

import zeep
import zeep.exceptions

NS = "{http://interop-fibre.fr}"
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def fail(msg):
    print("plancharge_interop.py: " + msg, file=sys.stderr)
    sys.exit(1)


def body(result):
    # An operation whose output has a SOAP header answers body and header.
    if hasattr(result, "body") and hasattr(result, "header"):
        return result.body, result.header
    return result, None


def main():
    if len(sys.argv) != 3:
        fail("usage: plancharge_interop.py WSDL ADDRESS")
    wsdl, address = sys.argv[1], sys.argv[2]
    client = zeep.Client(wsdl)
    service = client.create_service(NS + "PlanChargeFtthSavServiceSoapBinding", address)
    entete = client.get_element(NS + "EnteteType")
    header = entete(
        versionWS="1.0",
        horodatageRequete=datetime.datetime(2026, 11, 30, 10, 0, tzinfo=PARIS),
        sirenOC="123456789",
        sirenOI="987654321",
    )
    common = dict(natureProduit="FTTH_ACCES", segmentMarche="GP", codeInsee="75056")
    out = {}

    res, hdr = body(service.rechercheCreneauxLibres(
        typeIntervention="S",
        commercialId="VIA0A0000000BBBBBBBB",
        dateDebut=datetime.datetime(2026, 12, 1, 0, 0, tzinfo=PARIS),
        dateFin=datetime.datetime(2026, 12, 2, 0, 0, tzinfo=PARIS),
        defectPrelocalization="PTO",
        _soapheaders=[header],
        **common))
    slots = res.listeCreneau.occCreneau
    if len(slots) < 2:
        fail("want at least two free slots, got %d" % len(slots))
    out["slots"] = len(slots)
    out["firstStart"] = slots[0].dateDebut.isoformat()
    out["firstEnd"] = slots[0].dateFin.isoformat()
    out["firstId"] = slots[0].idOI
    if hdr is not None:
        out["headerSirenOI"] = hdr.EnteteType.sirenOI if hasattr(hdr, "EnteteType") else hdr["EnteteType"].sirenOI

    res, _ = body(service.reservationCreneau(idCreneau=slots[0].idOI, _soapheaders=[header], **common))
    rdv = res.idRendezvous if hasattr(res, "idRendezvous") else res
    out["idRendezvous"] = rdv

    res, _ = body(service.consultationRdv(idRendezVous=rdv, _soapheaders=[header]))
    out["consult"] = {
        "idRendezVous": res.idRendezVous,
        "dateDebut": res.dateDebut.isoformat(),
        "statutRendezVous": res.statutRendezVous,
        "typeIntervention": res.typeIntervention,
        "codeInsee": res.codeInsee,
        "referencePrestationPrise": res.referencePrestationPrise,
    }

    target = slots[-1].idOI
    body(service.reportRDV(typeIntervention="S", idRendezvous=rdv, natureReport="REPORT_RDV_RESERVE",
                           idCreneau=target, _soapheaders=[header], **common))
    res, _ = body(service.consultationRdv(idRendezVous=rdv, _soapheaders=[header]))
    out["reportedStart"] = res.dateDebut.isoformat()

    try:
        service.reservationCreneau(idCreneau=target, _soapheaders=[header], **common)
        fail("booking a taken slot succeeded")
    except zeep.exceptions.Fault as f:
        if f.detail is None:
            fail("fault without detail: %s" % f.message)
        code = f.detail.find(".//codeErreur")
        msg = f.detail.find(".//messageErreur")
        if code is None or msg is None:
            fail("fault detail without codeErreur/messageErreur")
        out["fault"] = {"faultcode": f.code, "codeErreur": int(code.text), "messageErreur": msg.text}

    print(json.dumps(out))


if __name__ == "__main__":
    main()
