package xmltok

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/net/html/charset"
)

// chunkReader serves its bytes n at a time.
type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.n, len(r.b))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// token is a token as the comparison sees it: its bytes as a string.
type token struct {
	Kind   string
	Name   xml.Name
	Attr   []xml.Attr
	Target string
	Data   string
}

func tokenOf(t xml.Token) token {
	switch t := t.(type) {
	case xml.StartElement:
		return token{Kind: "start", Name: t.Name, Attr: t.Attr}
	case xml.EndElement:
		return token{Kind: "end", Name: t.Name}
	case xml.CharData:
		return token{Kind: "text", Data: string(t)}
	case xml.Comment:
		return token{Kind: "comment", Data: string(t)}
	case xml.ProcInst:
		return token{Kind: "pi", Target: t.Target, Data: string(t.Inst)}
	case xml.Directive:
		return token{Kind: "directive", Data: string(t)}
	}
	return token{Kind: fmt.Sprintf("%T", t)}
}

// step is what one call to Token gave, with the position after it.
type step struct {
	Tok          token
	Err          string
	EOF          bool
	Line, Column int
	Offset       int64
}

func errStep(err error) step {
	s := step{EOF: err == io.EOF}
	var se *xml.SyntaxError
	switch {
	case err == io.EOF:
	case errors.As(err, &se):
		s.Err = fmt.Sprintf("syntax error on line %d: %s", se.Line, se.Msg)
	default:
		s.Err = "error: " + err.Error()
	}
	return s
}

// tokenReader is what the comparison drives.
type tokenReader interface {
	Token() (xml.Token, error)
	InputPos() (int, int)
	InputOffset() int64
}

func steps(d tokenReader, max int) []step {
	var out []step
	for range max {
		tok, err := d.Token()
		if err != nil {
			s := errStep(err)
			out = append(out, s)
			return out
		}
		s := step{Tok: tokenOf(tok), Offset: d.InputOffset()}
		s.Line, s.Column = d.InputPos()
		out = append(out, s)
	}
	return out
}

func reference(doc []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = charset.NewReaderLabel
	return d
}

var cmpSteps = cmp.Options{cmpopts.EquateEmpty()}

// diff returns how the tokens of doc read from r differ from encoding/xml's.
func diff(doc []byte, r io.Reader) string {
	max := len(doc) + 8
	want := steps(reference(doc), max)
	got := steps(NewDecoder(r), max)
	return cmp.Diff(want, got, cmpSteps)
}

// readers returns doc whole and in pieces.
func readers(doc []byte) map[string]io.Reader {
	h := fnv.New32a()
	h.Write(doc)
	n := int(h.Sum32()%61) + 2
	return map[string]io.Reader{
		"whole":             bytes.NewReader(doc),
		"one byte":          iotest.OneByteReader(bytes.NewReader(doc)),
		fmt.Sprint(n, "s"):  &chunkReader{doc, n},
		"data with the EOF": iotest.DataErrReader(bytes.NewReader(doc)),
	}
}

func checkDoc(t *testing.T, doc []byte) {
	t.Helper()
	for name, r := range readers(doc) {
		if d := diff(doc, r); d != "" {
			t.Errorf("%q read %s: tokens differ from encoding/xml (-want +got):\n%s", doc, name, d)
		}
	}
}

// tricky are documents that exercise the corners of encoding/xml.
var tricky = []string{
	``,
	` `,
	`<a/>`,
	`<a></a>`,
	`<a>text</a>`,
	"\xef\xbb\xbf<a/>",
	"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>",
	"<a>\r\nb\rc\n\r\r\n</a>",
	"<a b=\"x\r\ny\rz\">\r</a>",
	`<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x10FFFF;&#xD800;</a>`,
	`<a b="&lt;&#x20;&quot;"/>`,
	`<a>&#0;</a>`,
	`<a>&#x110000;</a>`,
	`<a>&#99999999999999999999;</a>`,
	`<a>&#;</a>`,
	`<a>&#x;</a>`,
	`<a>&#X41;</a>`,
	`<a>&nbsp;</a>`,
	`<a>&amp</a>`,
	`<a>&;</a>`,
	`<a>& </a>`,
	`<a>&`,
	`<a>&am`,
	`<a>&#12`,
	"<a>&\n</a>",
	`<a><![CDATA[x<y&z]]]]></a>`,
	`<a><![CDATA[]]></a>`,
	"<![CDATA[\r\n]]>",
	`<a><![CDATA[unterminated</a>`,
	`<a><![CDAT[x]]></a>`,
	`<a>]]></a>`,
	`<a>]]]></a>`,
	`<a>] ]></a>`,
	`<a b="]]>"/>`,
	`<!-- c --><a/><!---->`,
	`<a><!-- a - b --></a>`,
	`<a><!-- a -- b --></a>`,
	`<a><!--- x ---></a>`,
	`<a><!-x--></a>`,
	`<?pi?><a/>`,
	`<?pi data ?><a/>`,
	`<?pi  data?x>y?><a/>`,
	`<??>`,
	`<?1x?>`,
	`<?a:b:c x?>`,
	`<?xml version="1.1"?><a/>`,
	`<?xml version='1.0' encoding='utf-8'?><a/>`,
	`<?xml version="1.0" encoding="UTF8"?><a>é</a>`,
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a b=\"\xe9\">\xe9t\xe9</a>",
	"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\r\n<a>\x80\x9c</a>",
	`<?xml version="1.0" encoding="no-such-charset"?><a/>`,
	"<a><?xml encoding=\"latin1\"?>\xe9</a>",
	`<!DOCTYPE a [<!ENTITY x "y">]><a/>`,
	`<!DOCTYPE a [<!-- c > --> <!ELEMENT a ANY>]><a/>`,
	`<!DOCTYPE a "q>" 'r>'><a/>`,
	`<!x<y>z><a/>`,
	`<!x<!-y>><a/>`,
	`<!>><a/>`,
	`<a xmlns="urn:d"><b/><c xmlns=""><d/></c></a>`,
	`<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:q"><p:c/></p:b><p:d/></p:a>`,
	`<a xmlns:p="urn:p" p:x="1" x="2" xml:lang="fr" xmlns:xml="urn:bad"/>`,
	`<q:a q:x="1"/>`,
	`<a xmlns:p="urn:p"><p:b></q:b></a>`,
	`<a><b></a>`,
	`<a></b>`,
	`</a>`,
	`<a>`,
	`<a><b/>`,
	`<a b="1" b="2"/>`,
	`<a b="1"c="2"/>`,
	`<a b = '1' />`,
	`<a b/>`,
	`<a b=1/>`,
	`<a b="1/>`,
	`<a b="<"/>`,
	`<a/ >`,
	`<a / >`,
	`< a/>`,
	`<1a/>`,
	`<a:b:c/>`,
	`<a x:y:z="1"/>`,
	`<:a/>`,
	`<a:/>`,
	`<:/>`,
	`<xmlns:a/>`,
	`<xmlns/>`,
	`<a xmlns:="x"/>`,
	`<a xmlns:xmlns="x" xmlns:p="" p:b="1"><p:c/></a>`,
	`<a></a >`,
	`<a></a b>`,
	`<a></>`,
	"<é/>",
	"<aé:bé xmlns:aé=\"u\"/>",
	"<a\xff/>",
	"<a>\xff</a>",
	"<a b=\"\xff\"/>",
	"<a>\x01</a>",
	"<a>\xef\xbf\xbe</a>",
	"<a>\xed\xa0\x80</a>",
	"<a><!--\xff--></a>",
	"<a>\u00b7</a><\u00b7/>",
	"<a\u0300/>",
	"<a\u00b7/>",
	"<a>x</a>trailing",
	"<a/><b/>",
	"text<a/>",
	"<a>\n\n<b\n>\n</b\n></a\n>\n",
	"<a\nb\n=\n'1'\n/>",
	"<a>\n&bad;\n</a>",
	"<a>\n\xff\n</a>\n",
	"<a>\n<!-- -- -->\n</a>",
	"<a>\n</b>",
	"<a\n",
	"<a b='\n",
	"<!--\n",
	"<?p\n",
	"<![CDATA[\n",
	"<!DOCTYPE\n",
	"<a>\r",
	"<a>\r\n",
	"\r\n<a/>\r\n",
}

func TestTokensMatchEncodingXML(t *testing.T) {
	for _, doc := range tricky {
		checkDoc(t, []byte(doc))
	}
}

func TestCorpusMatchesEncodingXML(t *testing.T) {
	files, err := filepath.Glob("../../v2/testdata/golden/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkDoc(t, doc)
	}
}

func TestLongTokens(t *testing.T) {
	big := strings.Repeat("x", 100_000)
	for _, doc := range []string{
		"<a>" + big + "</a>",
		"<a b='" + big + "'/>",
		"<a><!--" + big + "--></a>",
		"<a><![CDATA[" + big + "]]></a>",
		"<a><?p " + big + "?></a>",
		"<!DOCTYPE " + big + "><a/>",
		"<a" + big + "/>",
		"<a>" + strings.Repeat("&amp;\r\n", 20_000) + "</a>",
		"<a>" + big,
	} {
		checkDoc(t, []byte(doc))
	}
}

func TestSkip(t *testing.T) {
	doc := `<a><b><c/>text<d></d></b><e/></a>`
	d := NewDecoder(strings.NewReader(doc))
	for _, want := range []string{"a", "b"} {
		tok, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); !ok || se.Name.Local != want {
			t.Fatalf("got %#v, want <%s>", tok, want)
		}
	}
	if err := d.Skip(); err != nil {
		t.Fatal(err)
	}
	tok, err := d.Token()
	if err != nil {
		t.Fatal(err)
	}
	if se, ok := tok.(xml.StartElement); !ok || se.Name.Local != "e" {
		t.Fatalf("after Skip: %#v, want <e>", tok)
	}
}

func TestSkipBOM(t *testing.T) {
	for _, doc := range []string{"\xef\xbb\xbf<a/>", "<a/>"} {
		for name, r := range readers([]byte(doc)) {
			d := NewDecoder(r)
			d.SkipBOM = true
			tok, err := d.Token()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if _, ok := tok.(xml.StartElement); !ok {
				t.Fatalf("%s: %q: first token %#v, want the start element", name, doc, tok)
			}
		}
	}
	// Elsewhere it is text.
	d := NewDecoder(strings.NewReader(" \xef\xbb\xbf<a/>"))
	d.SkipBOM = true
	tok, err := d.Token()
	if err != nil || string(tok.(xml.CharData)) != " \ufeff" {
		t.Fatalf("got %#v, %v", tok, err)
	}
}

// TestReaderError checks that an error of the reader comes after the
// tokens read before it, as encoding/xml gives it.
func TestReaderError(t *testing.T) {
	boom := errors.New("boom")
	for _, doc := range []string{"<a>text", "<a>", "<a b='x", "<a><!-- x"} {
		mk := func() io.Reader { return io.MultiReader(strings.NewReader(doc), iotest.ErrReader(boom)) }
		want := steps(xml.NewDecoder(mk()), 10)
		got := steps(NewDecoder(mk()), 10)
		if d := cmp.Diff(want, got, cmpSteps); d != "" {
			t.Errorf("%q: (-want +got):\n%s", doc, d)
		}
	}
}

func TestReset(t *testing.T) {
	d := NewDecoder(strings.NewReader(`<p:a xmlns:p="urn:p"><p:b/>`))
	for {
		if _, err := d.Token(); err != nil {
			break
		}
	}
	d.Reset(strings.NewReader(`<p:a/>`))
	tok, err := d.Token()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(xml.Name{Space: "p", Local: "a"}, tok.(xml.StartElement).Name); diff != "" {
		t.Fatalf("a binding survived Reset: %s", diff)
	}
	if _, err := d.Token(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Token(); err != io.EOF {
		t.Fatalf("got %v, want io.EOF", err)
	}
}

func TestLimits(t *testing.T) {
	for _, tc := range []struct {
		doc    string
		limits Limits
		limit  string // "" when the document is within
		line   int
		offset int64
	}{
		{"<a><b><c/></b></a>", Limits{MaxDepth: 3}, "", 0, 0},
		{"<a><b>\n<c/></b></a>", Limits{MaxDepth: 2}, "MaxDepth", 2, 10},
		{"<a><b><c></c></b></a>", Limits{MaxDepth: 2}, "MaxDepth", 1, 8},
		{"<a><b/><b/></a>", Limits{MaxElements: 3}, "", 0, 0},
		{"<a><b/>\n<b/><b/></a>", Limits{MaxElements: 3}, "MaxElements", 2, 12},
		{`<a x="1" y='2'/>`, Limits{MaxAttributes: 2}, "", 0, 0},
		{"<a x=\"1\"\n y='2' z=\"3\"/>", Limits{MaxAttributes: 2}, "MaxAttributes", 2, 18},
		{`<a xmlns="u" xmlns:p="v" y="1"/>`, Limits{MaxAttributes: 2}, "MaxAttributes", 1, 27},
		{"<a>12345</a>", Limits{MaxTokenBytes: 5}, "", 0, 0},
		{"<a>123456</a>", Limits{MaxTokenBytes: 5}, "MaxTokenBytes", 1, 8},
		{"<abcd>1</abcd>", Limits{MaxTokenBytes: 5}, "MaxTokenBytes", 1, 5},
		{"<abc>1</abc>", Limits{MaxTokenBytes: 6}, "", 0, 0},
		{"<a>\n12345</a>", Limits{MaxTokenBytes: 6}, "", 0, 0},
		{"<a>\n123456", Limits{MaxTokenBytes: 6}, "MaxTokenBytes", 2, 9},
		{"<a><!--12345678--></a>", Limits{MaxTokenBytes: 10}, "MaxTokenBytes", 1, 13},
		{"<a><![CDATA[1]]></a>", Limits{MaxTokenBytes: 13}, "", 0, 0},
		{"<a><![CDATA[12]]></a>", Limits{MaxTokenBytes: 13}, "MaxTokenBytes", 1, 16},
	} {
		for name, r := range readers([]byte(tc.doc)) {
			d := NewDecoder(r)
			d.Limits = tc.limits
			var err error
			for err == nil {
				_, err = d.Token()
			}
			if tc.limit == "" {
				if err != io.EOF {
					t.Errorf("%q %s: %v, want the document within %+v", tc.doc, name, err, tc.limits)
				}
				continue
			}
			le, ok := errors.AsType[*LimitError](err)
			if !ok {
				t.Errorf("%q %s: %v, want a *LimitError", tc.doc, name, err)
				continue
			}
			want := &LimitError{Limit: tc.limit, Line: tc.line, Offset: tc.offset}
			switch tc.limit {
			case "MaxDepth":
				want.Max = int64(tc.limits.MaxDepth)
			case "MaxElements":
				want.Max = int64(tc.limits.MaxElements)
			case "MaxAttributes":
				want.Max = int64(tc.limits.MaxAttributes)
			case "MaxTokenBytes":
				want.Max = int64(tc.limits.MaxTokenBytes)
			}
			if diff := cmp.Diff(want, le); diff != "" {
				t.Errorf("%q %s: (-want +got):\n%s", tc.doc, name, diff)
			}
			if !errors.Is(err, ErrLimit) {
				t.Errorf("%v is not ErrLimit", err)
			}
		}
	}
}

// TestLimitsBoundMemory checks that a token beyond MaxTokenBytes is refused
// without being buffered whole.
func TestLimitsBoundMemory(t *testing.T) {
	doc := "<a>" + strings.Repeat("x", 8<<20) + "</a>"
	d := NewDecoder(strings.NewReader(doc))
	d.Limits.MaxTokenBytes = 1 << 16
	var err error
	for err == nil {
		_, err = d.Token()
	}
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
	if len(d.buf) > 1<<18 {
		t.Fatalf("buffer grew to %d bytes", len(d.buf))
	}
}

func TestAllocations(t *testing.T) {
	doc := createEnvelope(t)
	d := NewDecoder(bytes.NewReader(doc))
	run := func() {
		d.Reset(bytes.NewReader(doc))
		for {
			if _, err := d.Token(); err != nil {
				break
			}
		}
	}
	run()
	n := testing.AllocsPerRun(20, run)
	// The tokens' boxing and the attribute lists, nothing per byte.
	if n > 400 {
		t.Fatalf("%v allocations per document", n)
	}
}

func TestNoDirectives(t *testing.T) {
	for _, doc := range []string{"<!DOCTYPE a>\n<a/>", "<a>\n<!x></a>"} {
		d := NewDecoder(strings.NewReader(doc))
		d.NoDirectives = true
		var err error
		for err == nil {
			_, err = d.Token()
		}
		de, ok := errors.AsType[*DirectiveError](err)
		if !ok || !errors.Is(err, ErrDirective) {
			t.Fatalf("%q: got %v, want a *DirectiveError", doc, err)
		}
		if want := strings.Index(doc, "<!"); de.Offset != int64(want) || de.Line != 1+strings.Count(doc[:want], "\n") {
			t.Fatalf("%q: got %+v", doc, de)
		}
		if d.Err() != err {
			t.Fatalf("Err() = %v, want %v", d.Err(), err)
		}
	}
	// Comments and CDATA sections are no directives.
	d := NewDecoder(strings.NewReader("<a><!-- c --><![CDATA[x]]></a>"))
	d.NoDirectives = true
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// TestManyBindings crosses the number of bindings beyond which a Decoder
// maps prefixes, with redeclarations in nested scopes and elements closed
// back below it.
func TestManyBindings(t *testing.T) {
	var b strings.Builder
	b.WriteString("<r>")
	for i := range 24 {
		fmt.Fprintf(&b, `<e%d xmlns:p%d="urn:%d" xmlns:p%d="urn:re%d" xmlns="urn:d%d"><p%d:x p%d:a="1"/><y/>`,
			i, i, i, i/2, i, i, i/2, i)
	}
	b.WriteString("<p3:z/>")
	for i := 23; i >= 0; i-- {
		fmt.Fprintf(&b, "<p%d:w/></e%d><p%d:v/>", i, i, i/3)
	}
	b.WriteString("</r>")
	checkDoc(t, []byte(b.String()))
}
