package xmltok

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"testing"
)

// createEnvelope is the create request the v2 server benchmark posts.
func createEnvelope(tb testing.TB) []byte {
	tb.Helper()
	doc, err := os.ReadFile("testdata/create-envelope.xml")
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// fullEnvelope is the full ticket of the v2 golden files (about 13 kB).
func fullEnvelope(tb testing.TB) []byte {
	tb.Helper()
	doc, err := os.ReadFile("../../v2/testdata/golden/get-response-full.xml")
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

type tokenizer interface {
	Token() (xml.Token, error)
}

func drain(b *testing.B, d tokenizer) {
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchDocs(b *testing.B, f func(*testing.B, []byte)) {
	for _, doc := range []struct {
		name string
		load func(testing.TB) []byte
	}{{"create", createEnvelope}, {"full", fullEnvelope}} {
		b.Run(doc.name, func(b *testing.B) { f(b, doc.load(b)) })
	}
}

// BenchmarkTokens reads every token of a document with a Decoder reused
// across documents, as a server reuses its decoders.
func BenchmarkTokens(b *testing.B) {
	benchDocs(b, func(b *testing.B, doc []byte) {
		d := NewDecoder(nil)
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			d.Reset(bytes.NewReader(doc))
			drain(b, d)
		}
	})
}

// BenchmarkTokensEncodingXML is the same with encoding/xml.
func BenchmarkTokensEncodingXML(b *testing.B) {
	benchDocs(b, func(b *testing.B, doc []byte) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			drain(b, xml.NewDecoder(bytes.NewReader(doc)))
		}
	})
}
