package v2

import (
	"bytes"
	"encoding/xml"
	"testing"
	"time"
)

// plainCreate is what a hand-written encoding/xml mapping of the same create
// request looks like: the baseline of the codec benchmarks.
type plainCreate struct {
	XMLName xml.Name   `xml:"http://java.sun.com/products/oss/xml/TroubleTicket createTroubleTicketByValueRequest"`
	Value   plainValue `xml:"http://java.sun.com/products/oss/xml/TroubleTicket troubleTicketValue"`
}

type plainValue struct {
	Type                 string     `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	CustomerTroubleNum   *string    `xml:"http://java.sun.com/products/oss/xml/TroubleTicket customerTroubleNum"`
	TroubleDescription   *string    `xml:"http://java.sun.com/products/oss/xml/TroubleTicket troubleDescription"`
	TroubleDetectionTime *time.Time `xml:"http://java.sun.com/products/oss/xml/TroubleTicket troubleDetectionTime"`
	TypeSAV              *string    `xml:"urn:savsdk:sav:2.0 typeSAV"`
	CodeOC               *string    `xml:"urn:savsdk:sav:2.0 codeOC"`
	CodeOI               *string    `xml:"urn:savsdk:sav:2.0 codeOI"`
	CommercialID         *string    `xml:"urn:savsdk:sav:2.0 commercialId"`
	TechnicalID          *string    `xml:"urn:savsdk:sav:2.0 technicalId"`
	NatureDefaut         *string    `xml:"urn:savsdk:sav:2.0 natureDefaut"`
	PrelocDefaut         *string    `xml:"urn:savsdk:sav:2.0 prelocDefaut"`
	Client               *struct {
		Nom      string `xml:"urn:savsdk:sav:2.0 nom"`
		Prenom   string `xml:"urn:savsdk:sav:2.0 prenom"`
		Contact1 string `xml:"urn:savsdk:sav:2.0 contact1"`
		Contact2 string `xml:"urn:savsdk:sav:2.0 contact2"`
	} `xml:"urn:savsdk:sav:2.0 client"`
	Rdv *struct {
		IDRdv    string `xml:"urn:savsdk:sav:2.0 idRdv"`
		Creneaux []struct {
			Debut time.Time `xml:"urn:savsdk:sav:2.0 debut"`
			Fin   time.Time `xml:"urn:savsdk:sav:2.0 fin"`
		} `xml:"urn:savsdk:sav:2.0 creneau"`
	} `xml:"urn:savsdk:sav:2.0 rdv"`
}

func benchCreateDoc(b *testing.B) []byte {
	doc, err := MarshalBodyIndent(NewCreateRequest(fixtureFiling(), nil), nil, "  ")
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

func benchDecodeValidate(b *testing.B, doc []byte) {
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := DecodeBody(bytes.NewReader(doc), nil)
		if err != nil {
			b.Fatal(err)
		}
		if f := Validate(m, nil); len(f) != 0 {
			b.Fatal(f)
		}
	}
}

func benchUnmarshalBaseline(b *testing.B, doc []byte) {
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var v plainCreate
		if err := xml.Unmarshal(doc, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeCreate decodes and validates a create request.
func BenchmarkDecodeCreate(b *testing.B) { benchDecodeValidate(b, benchCreateDoc(b)) }

// BenchmarkDecodeCreateBaseline unmarshals the same bytes into a plain
// struct with encoding/xml, without validation.
func BenchmarkDecodeCreateBaseline(b *testing.B) { benchUnmarshalBaseline(b, benchCreateDoc(b)) }

// BenchmarkDecodeCreateRatio times both, interleaved, in this process and
// reports codec time ÷ baseline time (aim: ≤ 1.5) as x-baseline.
func BenchmarkDecodeCreateRatio(b *testing.B) {
	doc := benchCreateDoc(b)
	const rounds = 200
	var ours, base time.Duration
	for b.Loop() {
		start := time.Now()
		for range rounds {
			m, err := DecodeBody(bytes.NewReader(doc), nil)
			if err != nil {
				b.Fatal(err)
			}
			if f := Validate(m, nil); len(f) != 0 {
				b.Fatal(f)
			}
		}
		mid := time.Now()
		for range rounds {
			var v plainCreate
			if err := xml.Unmarshal(doc, &v); err != nil {
				b.Fatal(err)
			}
		}
		ours += mid.Sub(start)
		base += time.Since(mid)
	}
	b.ReportMetric(float64(ours)/float64(base), "x-baseline")
}

// BenchmarkEncodeCreate writes a create request.
func BenchmarkEncodeCreate(b *testing.B) {
	m := NewCreateRequest(fixtureFiling(), nil)
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = AppendBody(buf[:0], m, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkEncodeCreateBaseline marshals the plain struct of the same
// request with encoding/xml.
func BenchmarkEncodeCreateBaseline(b *testing.B) {
	var v plainCreate
	if err := xml.Unmarshal(benchCreateDoc(b), &v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xml.Marshal(&v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeFullValue writes a get response with every element of
// tt:TroubleTicketValue set.
func BenchmarkEncodeFullValue(b *testing.B) {
	m := &GetTroubleTicketByKeyResponse{Value: fixtureFullValue()}
	buf := make([]byte, 0, 16384)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = AppendBody(buf[:0], m, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkDecodeFullValue reads it back.
func BenchmarkDecodeFullValue(b *testing.B) {
	doc, err := MarshalBody(&GetTroubleTicketByKeyResponse{Value: fixtureFullValue()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBody(bytes.NewReader(doc), nil); err != nil {
			b.Fatal(err)
		}
	}
}
