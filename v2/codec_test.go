package v2

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

const nsDecl = `xmlns:tt="http://java.sun.com/products/oss/xml/TroubleTicket" xmlns:co="http://java.sun.com/products/oss/xml/Common" xmlns:sav="urn:savsdk:sav:2.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`

func decodeValue(t *testing.T, doc string) *TroubleTicketValue {
	t.Helper()
	v, err := DecodeTroubleTicketValue(strings.NewReader(doc), nil)
	require.NoError(t, err)
	return v
}

func TestThreeStatePresence(t *testing.T) {
	v := decodeValue(t, `<tt:troubleTicketValue `+nsDecl+`>
		<tt:closeOutNarr>texte</tt:closeOutNarr>
		<tt:troubleDescription xsi:nil="true"/>
		<tt:customerTroubleNum></tt:customerTroubleNum>
		<tt:cancelRequestedByCustomer xsi:nil="1"/>
	</tt:troubleTicketValue>`)
	require.Equal(t, Some("texte"), v.CloseOutNarr)
	require.Equal(t, Null[string](), v.TroubleDescription)
	require.Equal(t, Some(""), v.CustomerTroubleNum, "an empty element is a present empty string")
	require.Equal(t, Null[bool](), v.CancelRequestedByCustomer)
	require.True(t, v.Dialog.IsAbsent())
	require.True(t, v.TroubleDetectionTime.IsAbsent())

	b, err := AppendTroubleTicketValue(nil, v, nil)
	require.NoError(t, err)
	s := string(b)
	require.Contains(t, s, `<tt:cancelRequestedByCustomer xsi:nil="true"/>`)
	require.Contains(t, s, `<tt:closeOutNarr>texte</tt:closeOutNarr>`)
	require.Contains(t, s, `<tt:customerTroubleNum/>`)
	require.Contains(t, s, `<tt:troubleDescription xsi:nil="true"/>`)
	require.NotContains(t, s, "dialog")
	// Schema order: cancelRequestedByCustomer, closeOutNarr, customerTroubleNum, troubleDescription.
	require.Less(t, strings.Index(s, "cancelRequested"), strings.Index(s, "closeOutNarr"))
	require.Less(t, strings.Index(s, "customerTroubleNum"), strings.Index(s, "troubleDescription"))
	again := decodeValue(t, s)
	if diff := cmp.Diff(v, again); diff != "" {
		t.Fatal(diff)
	}
}

func TestNotNillable(t *testing.T) {
	for _, doc := range []string{
		`<tt:troubleTicketValue ` + nsDecl + `><tt:baseState xsi:nil="true"/></tt:troubleTicketValue>`,
		`<tt:troubleTicketValue ` + nsDecl + `><co:lastUpdateVersionNumber xsi:nil="true"/></tt:troubleTicketValue>`,
	} {
		_, err := DecodeTroubleTicketValue(strings.NewReader(doc), nil)
		require.ErrorIs(t, err, ErrNotNillable)
		var de *DecodeError
		require.True(t, errors.As(err, &de))
		require.Equal(t, codes.ReturnCodeBadFormat, de.Code)
	}
	for _, v := range []TroubleTicketValue{
		{TroubleState: Null[TroubleState]()},
		{LastUpdateVersionNumber: Null[int64]()},
		{SuspectObjects: Some([]Field[SuspectObject]{Some(SuspectObject{FailureProbability: Null[int64]()})})},
	} {
		_, err := AppendTroubleTicketValue(nil, &v, nil)
		require.ErrorIs(t, err, ErrNotNillable)
		var ee *EncodeError
		require.True(t, errors.As(err, &ee))
	}
}

// TestAnyOrderAndUnknownElements reads children in reverse schema order,
// with unknown elements (of known and unknown namespaces, nested) and
// comments, and writes them back in schema order without the unknown ones.
func TestAnyOrderAndUnknownElements(t *testing.T) {
	doc := `<tt:troubleTicketValue ` + nsDecl + ` xmlns:x="urn:vendor" xsi:type="sav:SAVTroubleTicketValue">
		<sav:codeOI>FTEL</sav:codeOI>
		<sav:codeOC>BYTL</sav:codeOC>
		<x:extra><x:deep><tt:troubleState>CLOSED</tt:troubleState></x:deep></x:extra>
		<tt:troubleDetectionTime>2026-11-20T00:00:00+01:00</tt:troubleDetectionTime>
		<tt:unknownInTT>ignored</tt:unknownInTT>
		<!-- a comment -->
		<tt:troubleState>QUEUED</tt:troubleState>
		<sav:unknownSAV/>
		<tt:customerTroubleNum>REF-1</tt:customerTroubleNum>
		<co:lastUpdateVersionNumber>2</co:lastUpdateVersionNumber>
	</tt:troubleTicketValue>`
	v := decodeValue(t, doc)
	want := &TroubleTicketValue{
		LastUpdateVersionNumber: Some[int64](2),
		CustomerTroubleNum:      Some("REF-1"),
		TroubleState:            Some(TroubleStateQueued),
		TroubleDetectionTime:    Some(time.Date(2026, 11, 20, 0, 0, 0, 0, time.FixedZone("", 3600))),
		SAV:                     &SAVExtension{CodeOC: Some("BYTL"), CodeOI: Some("FTEL")},
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Fatal(diff)
	}
	b, err := AppendTroubleTicketValue(nil, v, nil)
	require.NoError(t, err)
	require.Equal(t, `<tt:troubleTicketValue `+nsDecl+` xsi:type="sav:SAVTroubleTicketValue">`+
		`<co:lastUpdateVersionNumber>2</co:lastUpdateVersionNumber><tt:customerTroubleNum>REF-1</tt:customerTroubleNum>`+
		`<tt:troubleState>QUEUED</tt:troubleState><tt:troubleDetectionTime>2026-11-20T00:00:00+01:00</tt:troubleDetectionTime>`+
		`<sav:codeOC>BYTL</sav:codeOC><sav:codeOI>FTEL</sav:codeOI></tt:troubleTicketValue>`, string(b))
}

// TestNamesResolvedByURI uses other prefixes, a default namespace and an
// xsi:type whose prefix is bound on an ancestor; a prefix "tt" bound to
// another namespace is not the TroubleTicket namespace.
func TestNamesResolvedByURI(t *testing.T) {
	doc := `<?xml version="1.0"?>
<a:createTroubleTicketByValueRequest xmlns:a="http://java.sun.com/products/oss/xml/TroubleTicket"
	xmlns:ext="urn:savsdk:sav:2.0" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
	<troubleTicketValue xmlns="http://java.sun.com/products/oss/xml/TroubleTicket" i:type="ext:SAVTroubleTicketValue">
		<customerTroubleNum>REF-2</customerTroubleNum>
		<tt:customerTroubleNum xmlns:tt="urn:not-jsr91">WRONG</tt:customerTroubleNum>
		<lastUpdateVersionNumber xmlns="http://java.sun.com/products/oss/xml/Common">5</lastUpdateVersionNumber>
		<ext:natureDefaut>pas de signal</ext:natureDefaut>
	</troubleTicketValue>
</a:createTroubleTicketByValueRequest>`
	m, err := DecodeBody(strings.NewReader(doc), nil)
	require.NoError(t, err)
	v := m.(*CreateTroubleTicketByValueRequest).Value
	require.Equal(t, Some("REF-2"), v.CustomerTroubleNum)
	require.Equal(t, Some[int64](5), v.LastUpdateVersionNumber)
	require.NotNil(t, v.SAV)
	require.Equal(t, Some(codes.NatureDefautCoupure), v.SAV.NatureDefaut, "aliases of the profile are read")

	// The same xsi:type prefix bound to another namespace is not the extension.
	doc2 := `<tt:troubleTicketValue xmlns:tt="` + NamespaceTT + `" xmlns:sav="urn:other" xmlns:xsi="` + NamespaceXSI +
		`" xsi:type="sav:SAVTroubleTicketValue"><tt:dialog>d</tt:dialog></tt:troubleTicketValue>`
	require.Nil(t, decodeValue(t, doc2).SAV)
}

func TestEnumerationHeadAndMember(t *testing.T) {
	cases := []struct {
		doc        string
		want       TroubleTicketValue
		wantWriter string
	}{
		{`<tt:baseState>OPENACTIVE</tt:baseState>`, TroubleTicketValue{TroubleState: Some(TroubleStateOpenActive)},
			`<tt:troubleState>OPENACTIVE</tt:troubleState>`},
		{`<tt:troubleState> CLOSED </tt:troubleState>`, TroubleTicketValue{TroubleState: Some(TroubleStateClosed)},
			`<tt:troubleState>CLOSED</tt:troubleState>`},
		{`<tt:baseState>VENDOR-STATE</tt:baseState>`, TroubleTicketValue{TroubleState: Some[TroubleState]("VENDOR-STATE")},
			`<tt:baseState>VENDOR-STATE</tt:baseState>`},
		{`<tt:troubleState>queued</tt:troubleState>`, TroubleTicketValue{TroubleState: Some[TroubleState]("queued")},
			`<tt:baseState>queued</tt:baseState>`},
		{`<tt:basePreferredPriority>MAJOR</tt:basePreferredPriority>`,
			TroubleTicketValue{PreferredPriority: Some[PreferredPriority]("MAJOR")},
			`<tt:preferredPriority>MAJOR</tt:preferredPriority>`},
		{`<tt:troubleFound>NOTROUBLEFOUND</tt:troubleFound>`, TroubleTicketValue{TroubleFound: Some[TroubleFound]("NOTROUBLEFOUND")},
			`<tt:troubleFound>NOTROUBLEFOUND</tt:troubleFound>`},
		{`<tt:repairActivityList><co:modifier>ADD</co:modifier><tt:repairActivities><tt:item><tt:activityCode>ASSIGNED </tt:activityCode></tt:item><tt:item><tt:baseActivityCode>CLOSE</tt:baseActivityCode></tt:item></tt:repairActivities></tt:repairActivityList>`,
			TroubleTicketValue{RepairActivityList: Some(RepairActivityList{Modifier: ModifierAdd, RepairActivities: Some(
				[]Field[RepairActivity]{Some(RepairActivity{ActivityCode: Some[ActivityCode]("ASSIGNED")}),
					Some(RepairActivity{ActivityCode: Some[ActivityCode]("CLOSE")})})})},
			`<tt:item><tt:baseActivityCode>ASSIGNED</tt:baseActivityCode></tt:item><tt:item><tt:activityCode>CLOSE</tt:activityCode></tt:item>`},
	}
	for _, c := range cases {
		v := decodeValue(t, `<tt:troubleTicketValue `+nsDecl+`>`+c.doc+`</tt:troubleTicketValue>`)
		if diff := cmp.Diff(&c.want, v); diff != "" {
			t.Errorf("%s: %s", c.doc, diff)
		}
		b, err := AppendTroubleTicketValue(nil, v, nil)
		require.NoError(t, err)
		require.Contains(t, string(b), c.wantWriter)
	}
	require.False(t, ActivityCode("ASSIGNED").Valid())
	require.True(t, ActivityCode("CLOSE").Valid())
	require.True(t, TroubleState("DEFERRED").Valid())
}

// TestDeclaredCharsets reads documents declared in ISO-8859-1 and
// Windows-1252 (with œ and €, which Latin-1 lacks).
func TestDeclaredCharsets(t *testing.T) {
	for _, c := range []struct {
		label string
		enc   *charmap.Charmap
		text  string
	}{
		{"ISO-8859-1", charmap.ISO8859_1, "Chloé Lefèvre, à l'étage"},
		{"windows-1252", charmap.Windows1252, "Œillets, forfait 30 € — « urgent »"},
	} {
		doc := `<?xml version="1.0" encoding="` + c.label + `"?>
<tt:createTroubleTicketByValueRequest ` + nsDecl + `><tt:troubleTicketValue xsi:type="sav:SAVTroubleTicketValue">
<tt:troubleDescription>` + c.text + `</tt:troubleDescription><sav:client><sav:nom>` + c.text + `</sav:nom></sav:client>
</tt:troubleTicketValue></tt:createTroubleTicketByValueRequest>`
		raw, err := c.enc.NewEncoder().String(doc)
		require.NoError(t, err)
		require.NotEqual(t, doc, raw, "the document must really be in %s", c.label)
		m, err := DecodeBody(strings.NewReader(raw), nil)
		require.NoError(t, err, c.label)
		v := m.(*CreateTroubleTicketByValueRequest).Value
		require.Equal(t, Some(c.text), v.TroubleDescription)
		require.Equal(t, c.text, v.SAV.Client.Value.Nom)
		out, err := MarshalBody(m, nil)
		require.NoError(t, err)
		require.Contains(t, string(out), c.text, "written in UTF-8")
	}
	// The partner file of testdata is Windows-1252 with CRLF.
	raw, err := os.ReadFile("testdata/partner-create-windows-1252.xml")
	require.NoError(t, err)
	doc, err := Check(bytes.NewReader(raw), nil)
	require.NoError(t, err)
	require.Empty(t, doc.Findings)
	v := doc.Message.(*CreateTroubleTicketByValueRequest).Value
	require.Equal(t, "Œillets", v.SAV.Client.Value.Nom)
	require.Equal(t, "Coût estimé 0 €", v.TroubleDescription.Value)
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		sentinel  error
		code      codes.ReturnCode
		line      int
		element   string
	}{
		{"malformed", "<tt:createTroubleTicketByValueRequest " + nsDecl + ">\n<tt:troubleTicketValue>\n</tt:create>",
			ErrSyntax, 3, 3, ""},
		{"unknown root", `<tt:closeTroubleTicketByKeyRequest ` + nsDecl + `/>`, ErrUnknownMessage, 22, 1,
			"closeTroubleTicketByKeyRequest"},
		{"wrong namespace", `<createTroubleTicketByValueRequest/>`, ErrUnknownMessage, 22, 1, "createTroubleTicketByValueRequest"},
		{"bad dateTime", "<tt:createTroubleTicketByValueRequest " + nsDecl + ">\n<tt:troubleTicketValue>\n" +
			"<tt:troubleDetectionTime>20/11/2026</tt:troubleDetectionTime></tt:troubleTicketValue></tt:createTroubleTicketByValueRequest>",
			ErrValue, 3, 3, "troubleDetectionTime"},
		{"bad boolean", "<tt:setTroubleTicketByValueRequest " + nsDecl + "><tt:troubleTicketValue/>\n<tt:resyncRequired>oui</tt:resyncRequired></tt:setTroubleTicketByValueRequest>",
			ErrValue, 3, 2, "resyncRequired"},
		{"missing value", `<tt:createTroubleTicketByValueRequest ` + nsDecl + `></tt:createTroubleTicketByValueRequest>`,
			ErrMissingElement, 1, 1, "troubleTicketValue"},
		{"two roots", `<co:getEventTypesRequest xmlns:co="` + NamespaceCO + `"/>` + "\n<x/>", ErrSyntax, 3, 2, ""},
		{"trailing text", `<co:getEventTypesRequest xmlns:co="` + NamespaceCO + `"/> x`, ErrSyntax, 3, 1, ""},
		{"dtd", `<!DOCTYPE x [<!ENTITY a "b">]><tt:getEventTypesRequest ` + nsDecl + `/>`, ErrSyntax, 3, 1, ""},
		{"too deep", `<tt:getTroubleTicketByKeyRequest ` + nsDecl + `>` + strings.Repeat("<x:a xmlns:x='urn:x'>", 100) +
			strings.Repeat("</x:a>", 100) + `</tt:getTroubleTicketByKeyRequest>`, ErrTooDeep, 3, 1, "a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeBody(strings.NewReader(c.doc), nil)
			require.ErrorIs(t, err, c.sentinel)
			var de *DecodeError
			require.True(t, errors.As(err, &de))
			require.Equal(t, c.code, de.Code)
			require.Equal(t, c.line, de.Line)
			require.Equal(t, c.element, de.Element)
			require.NotEmpty(t, de.Error())
		})
	}
}

// TestReadBodyInEnvelope reads a body through an xml.Decoder positioned on
// the body element, with the bindings declared on the envelope, as the SOAP
// layer hands it over.
func TestReadBodyInEnvelope(t *testing.T) {
	b, err := os.ReadFile("testdata/envelope-set.xml")
	require.NoError(t, err)
	d := NewXMLDecoder(bytes.NewReader(b))
	var scope []xml.Attr
	for {
		tok, err := d.Token()
		require.NoError(t, err)
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if start.Name.Space == envelopeSpace {
			for _, a := range start.Attr {
				if a.Name.Space == "xmlns" {
					scope = append(scope, a)
				}
			}
			continue
		}
		if start.Name.Local == "entete" {
			require.NoError(t, d.Skip())
			continue
		}
		start.Attr = append(start.Attr, scope...)
		m, err := ReadBody(d, start, nil)
		require.NoError(t, err)
		req := m.(*SetTroubleTicketByValueRequest)
		key, tx, err := req.Transaction(nil)
		require.NoError(t, err)
		require.Equal(t, "FTEL-SAV-0000123", key)
		require.Equal(t, ticket.KindCaseSolved, tx.Kind)
		require.Equal(t, codes.ClosureCode("RET02"), tx.Cloture.Code)
		break
	}
}

func TestWriteBodyAndDetail(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteBody(&buf, &GetEventTypesRequest{}, nil))
	require.Equal(t, `<co:getEventTypesRequest `+nsDecl+`></co:getEventTypesRequest>`, buf.String())
	buf.Reset()
	e := NewException(OpGetTroubleTicketByKey, codes.ReturnCodeUnknown, "troubleTicketKey", nil)
	require.NoError(t, WriteFaultDetail(&buf, e, nil))
	require.True(t, strings.HasPrefix(buf.String(), `<tt:getTroubleTicketByKeyException `))
	require.Contains(t, buf.String(), `<tt:objectNotFoundException><co:message>INFO troubleTicketKey INCONNUE</co:message>`)
	require.Contains(t, buf.String(), `<sav:codeRetour>8</sav:codeRetour>`)

	// Entries one by one, as the SOAP layer reads a detail.
	d := NewXMLDecoder(strings.NewReader("<detail>" + buf.String() + "</detail>"))
	var got Exception
	_, err := d.Token()
	require.NoError(t, err)
	for {
		tok, err := d.Token()
		require.NoError(t, err)
		if _, end := tok.(xml.EndElement); end {
			break
		}
		if s, ok := tok.(xml.StartElement); ok {
			require.NoError(t, ReadFaultDetail(d, s, nil, &got))
		}
	}
	if diff := cmp.Diff(e, &got); diff != "" {
		t.Fatal(diff)
	}

	require.Error(t, WriteBody(&buf, nil, nil))
	_, err = AppendBody(nil, &Exception{Op: OpCreateTroubleTicketByValue, Kind: ResyncRequiredException}, nil)
	require.Error(t, err, "not one of the operation's exceptions")
	_, err = AppendBody(nil, &QueryTroubleTicketsRequest{}, nil)
	require.Error(t, err, "a query needs a type")
}

func TestExceptionKindFor(t *testing.T) {
	cases := []struct {
		op   Operation
		code codes.ReturnCode
		want ExceptionKind
	}{
		{OpCreateTroubleTicketByValue, 1, IllegalArgumentException},
		{OpCreateTroubleTicketByValue, 15, IllegalArgumentException},
		{OpCreateTroubleTicketByValue, 100, CreateException},
		{OpCreateTroubleTicketByValue, 10, RemoteException},
		{OpCreateTroubleTicketByValue, 8, IllegalArgumentException},
		{OpSetTroubleTicketByValue, 8, ObjectNotFoundException},
		{OpSetTroubleTicketByValue, 6, ResyncRequiredException},
		{OpSetTroubleTicketByValue, 13, IllegalArgumentException},
		{OpSetTroubleTicketByValue, 14, RemoteException},
		{OpGetTroubleTicketByKey, 8, ObjectNotFoundException},
		{OpGetTroubleTicketByKey, 23, RemoteException},
		{OpQueryTroubleTickets, 4, IllegalArgumentException},
		{OpQueryTroubleTickets, 8, IllegalArgumentException},
		{OpGetQueryTypes, 12, RemoteException},
	}
	for _, c := range cases {
		require.Equal(t, c.want, ExceptionKindFor(c.op, c.code), "%v %d", c.op, c.code)
		e := NewException(c.op, c.code, "", nil)
		require.Equal(t, c.code, e.ReturnCode())
	}
	require.Equal(t, codes.ReturnCodeUnknown, (&Exception{Kind: ObjectNotFoundException}).ReturnCode())
}

func TestLookupElement(t *testing.T) {
	for _, o := range Operations {
		for _, p := range []Part{PartRequest, PartResponse, PartException} {
			op, part, ok := LookupElement(o.Element(p))
			require.True(t, ok)
			require.Equal(t, o, op)
			require.Equal(t, p, part)
			m := NewMessage(o, p)
			require.Equal(t, o, m.Operation())
			require.Equal(t, p, m.Part())
		}
	}
	_, _, ok := LookupElement(xml.Name{Space: NamespaceCO, Local: "createTroubleTicketByValueRequest"})
	require.False(t, ok)
}

func TestDateTimes(t *testing.T) {
	loc := ticket.Paris
	got, err := ParseDateTime("2026-11-20T10:00:00", loc)
	require.NoError(t, err)
	require.Equal(t, "2026-11-20T10:00:00+01:00", FormatDateTime(got), "no offset: Europe/Paris")
	got, err = ParseDateTime("2026-07-01T00:00:00", loc)
	require.NoError(t, err)
	require.Equal(t, "2026-07-01T00:00:00+02:00", FormatDateTime(got), "summer time")
	got, err = ParseDateTime(" 2026-11-20T09:00:00.5Z ", loc)
	require.NoError(t, err)
	require.Equal(t, "2026-11-20T09:00:00.5Z", FormatDateTime(got))
	_, err = ParseDateTime("2026-11-20", loc)
	require.Error(t, err)
}

func TestEscaping(t *testing.T) {
	v := &TroubleTicketValue{TroubleDescription: Some("a<b & c>\"d\"\r\n\tend\x01\uFFFE"),
		SAV: &SAVExtension{CodeOC: Some("A&B")}}
	b, err := AppendTroubleTicketValue(nil, v, nil)
	require.NoError(t, err)
	require.Contains(t, string(b), "a&lt;b &amp; c&gt;\"d\"&#xD;\n\tend\uFFFD\uFFFD")
	back := decodeValue(t, string(b))
	require.Equal(t, "a<b & c>\"d\"\r\n\tend\uFFFD\uFFFD", back.TroubleDescription.Value)
	require.Equal(t, "A&B", back.SAV.CodeOC.Value)
}

func TestRawXMLIsStandalone(t *testing.T) {
	doc := `<tt:troubleTicketValue ` + nsDecl + ` xmlns:fm="http://java.sun.com/products/oss/xml/QualityOfService/FM/Monitor" xmlns:q="urn:q">
<tt:relatedAlarmList><co:modifier>SET</co:modifier><tt:relatedAlarms>
<fm:Item xsi:type="q:Special" q:attr="x&amp;y"><fm:notificationId xml:lang="fr">N-1</fm:notificationId><!-- c --><plain>t</plain></fm:Item>
</tt:relatedAlarms></tt:relatedAlarmList></tt:troubleTicketValue>`
	v := decodeValue(t, doc)
	raw := string(v.RelatedAlarmList.Value.RelatedAlarms.Value)
	require.Equal(t, `<fm:Item xmlns:fm="http://java.sun.com/products/oss/xml/QualityOfService/FM/Monitor" `+
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:q="urn:q" xsi:type="q:Special" q:attr="x&amp;y">`+
		`<fm:notificationId xml:lang="fr">N-1</fm:notificationId><!-- c --><plain>t</plain></fm:Item>`, raw)
	b, err := AppendTroubleTicketValue(nil, v, nil)
	require.NoError(t, err)
	again := decodeValue(t, string(b))
	require.Equal(t, raw, string(again.RelatedAlarmList.Value.RelatedAlarms.Value), "stable")
}

func TestProfileNamespace(t *testing.T) {
	p := DefaultProfile()
	p.NamespaceSAV = "urn:partner:sav:1"
	p.KeyType = "tt:TroubleTicket"
	m := NewCreateRequest(fixtureFiling(), p)
	b, err := MarshalBody(m, p)
	require.NoError(t, err)
	require.Contains(t, string(b), `xmlns:sav="urn:partner:sav:1"`)
	back, err := DecodeBody(bytes.NewReader(b), p)
	require.NoError(t, err)
	if diff := cmp.Diff(m, back); diff != "" {
		t.Fatal(diff)
	}
	// Read with the default profile, the sav: elements are unknown.
	other, err := DecodeBody(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Nil(t, other.(*CreateTroubleTicketByValueRequest).Value.SAV)
	require.Equal(t, "tt:TroubleTicket", p.Key("X").Type)
}
