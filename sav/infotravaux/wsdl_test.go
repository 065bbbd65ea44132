package infotravaux

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/internal/soap/soaptest"
)

// node is an element of a WSDL with its QName-valued attributes resolved,
// for comparing two texts of the same contract whatever their prefixes,
// comments, documentation and layout.
type node struct {
	Name     string
	Attrs    []string
	Children []*node
}

// qnameAttrs are the attributes whose values are QNames.
var qnameAttrs = map[string]bool{"type": true, "element": true, "base": true, "message": true, "binding": true, "ref": true}

func parseTree(t *testing.T, text string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(text))
	var stack []*node
	var scopes []map[string]string
	var root *node
	resolve := func(v string) string {
		prefix, local, ok := strings.Cut(v, ":")
		if !ok {
			prefix, local = "", v
		}
		for i := len(scopes) - 1; i >= 0; i-- {
			if ns, ok := scopes[i][prefix]; ok {
				return "{" + ns + "}" + local
			}
		}
		return "{}" + local
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch tk := tok.(type) {
		case xml.StartElement:
			scope := map[string]string{}
			for _, a := range tk.Attr {
				switch {
				case a.Name.Space == "xmlns":
					scope[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					scope[""] = a.Value
				}
			}
			scopes = append(scopes, scope)
			n := &node{Name: "{" + tk.Name.Space + "}" + tk.Name.Local}
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				v := a.Value
				if qnameAttrs[a.Name.Local] {
					v = resolve(v)
				}
				n.Attrs = append(n.Attrs, a.Name.Local+"="+v)
			}
			slices.Sort(n.Attrs)
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			scopes = scopes[:len(scopes)-1]
		}
	}
	strip(root)
	return root
}

// strip drops documentation; the order of the top-level WSDL sections and
// of schema components does not matter, so they are sorted.
func strip(n *node) {
	n.Children = slices.DeleteFunc(n.Children, func(c *node) bool {
		return strings.HasSuffix(c.Name, "}documentation")
	})
	for _, c := range n.Children {
		strip(c)
	}
	if strings.HasSuffix(n.Name, "}definitions") || strings.HasSuffix(n.Name, "}schema") {
		slices.SortStableFunc(n.Children, func(a, b *node) int { return strings.Compare(a.key(), b.key()) })
	}
}

func (n *node) key() string { return n.Name + fmt.Sprint(n.Attrs) }

// TestOwnWSDLExpressesThePublishedContract: the served WSDL and the published
// one (with its header part qualified, the one correction) describe the same
// contract: same elements, types, order, messages, binding and service.
func TestOwnWSDLExpressesThePublishedContract(t *testing.T) {
	published := referenceWSDL(t)
	fixed := strings.Replace(published, publishedHeaderPart, qualifiedHeaderPart, 1)
	want := parseTree(t, fixed)
	got := parseTree(t, WSDL(""))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("own WSDL differs from the published contract (-published +own):\n%s", diff)
	}
	// Without the correction they differ in that one place.
	require.NotEqual(t, parseTree(t, published), got)
}

// TestXmllintOwnSchema: the project's documents also validate against the
// schema of its own WSDL, and the own WSDL is well-formed for xmllint.
func TestXmllintOwnSchema(t *testing.T) {
	xmllint := soaptest.NeedXmllint(t)
	w := WSDL("")
	start := strings.Index(w, "<xs:schema")
	end := strings.Index(w, "</xs:schema>")
	require.True(t, start >= 0 && end > start)
	schema := strings.Replace(w[start:end+len("</xs:schema>")], "<xs:schema",
		`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0"`, 1)
	dir := t.TempDir()
	xsd := filepath.Join(dir, "own.xsd")
	require.NoError(t, os.WriteFile(xsd, []byte(schema), 0o644))
	for _, name := range []string{"request.xml", "response-all.xml", "fault.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
		require.NoError(t, err)
		for i, doc := range bodyEntries(t, string(b)) {
			p := filepath.Join(dir, fmt.Sprintf("%s-%d.xml", name, i))
			require.NoError(t, os.WriteFile(p, []byte(doc), 0o644))
			out, err := exec.CommandContext(t.Context(), xmllint, "--noout", "--schema", xsd, p).CombinedOutput()
			require.NoError(t, err, "%s\n%s", out, doc)
		}
	}
	p := filepath.Join(dir, "own.wsdl")
	require.NoError(t, os.WriteFile(p, []byte(w), 0o644))
	out, err := exec.CommandContext(t.Context(), xmllint, "--noout", p).CombinedOutput()
	require.NoError(t, err, "%s", out)
}
