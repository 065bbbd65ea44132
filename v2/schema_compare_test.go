package v2

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// xsdNode is a schema component with its attributes canonicalised: QName
// values resolved to {uri}local, default values dropped, annotations left
// out.
type xsdNode struct {
	name     string
	attrs    []string
	children []*xsdNode
}

func (n *xsdNode) String() string {
	var b strings.Builder
	n.write(&b, 0)
	return b.String()
}

func (n *xsdNode) write(b *strings.Builder, depth int) {
	b.WriteString(strings.Repeat("  ", depth) + n.name + " " + strings.Join(n.attrs, " ") + "\n")
	for _, c := range n.children {
		c.write(b, depth+1)
	}
}

var xsdDefaults = map[string]string{"abstract": "false", "nillable": "false", "minOccurs": "1", "maxOccurs": "1"}

// parseXSD returns the top-level components of a schema by kind and name
// ("complexType TroubleTicketValue", "element baseState", …).
func parseXSD(t *testing.T, b []byte) map[string]*xsdNode {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var scope [][2]string
	var marks []int
	resolve := func(v string) string {
		prefix, local, ok := strings.Cut(v, ":")
		if !ok {
			prefix, local = "", v
		}
		for i := len(scope) - 1; i >= 0; i-- {
			if scope[i][0] == prefix {
				return "{" + scope[i][1] + "}" + local
			}
		}
		return "{}" + local
	}
	out := map[string]*xsdNode{}
	var stack []*xsdNode
	skip := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		switch tk := tok.(type) {
		case xml.StartElement:
			marks = append(marks, len(scope))
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" {
					scope = append(scope, [2]string{a.Name.Local, a.Value})
				} else if a.Name.Space == "" && a.Name.Local == "xmlns" {
					scope = append(scope, [2]string{"", a.Value})
				}
			}
			if skip > 0 || tk.Name.Local == "annotation" {
				skip++
				continue
			}
			n := &xsdNode{name: tk.Name.Local}
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" || xsdDefaults[a.Name.Local] == a.Value {
					continue
				}
				v := a.Value
				switch a.Name.Local {
				case "type", "base", "ref", "substitutionGroup":
					v = resolve(v)
				case "value":
					v = strings.TrimSpace(v)
				}
				n.attrs = append(n.attrs, a.Name.Local+"="+v)
			}
			sort.Strings(n.attrs)
			if len(stack) > 0 {
				stack[len(stack)-1].children = append(stack[len(stack)-1].children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			scope = scope[:marks[len(marks)-1]]
			marks = marks[:len(marks)-1]
			if skip > 0 {
				skip--
				continue
			}
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 1 { // a child of xs:schema
				name := ""
				for _, a := range n.attrs {
					if v, ok := strings.CutPrefix(a, "name="); ok {
						name = v
					}
				}
				if name != "" {
					if n.name == "simpleType" {
						dedupeEnumerations(n)
					}
					out[n.name+" "+name] = n
				}
			}
		}
	}
}

// dedupeEnumerations drops repeated literals (the published ActivityCode
// lists CLOSE twice).
func dedupeEnumerations(n *xsdNode) {
	for _, c := range n.children {
		var kept []*xsdNode
		var seen []string
		for _, e := range c.children {
			key := strings.Join(e.attrs, " ")
			if e.name == "enumeration" && slices.Contains(seen, key) {
				continue
			}
			seen = append(seen, key)
			kept = append(kept, e)
		}
		c.children = kept
	}
}

// TestOwnSchemaMatchesOfficial proves the project's tt: and co: schema
// files consistent with the published JSR-91 v1.0 ones: every type and
// element they declare exists in the official schema with the same content
// (names, types, order, nillability, occurrences, substitution groups,
// enumeration literals) — annotations and default attribute values aside.
func TestOwnSchemaMatchesOfficial(t *testing.T) {
	ref := referenceDir(t)
	for _, c := range []struct{ own, official string }{
		{SchemaTT, "XmlTroubleTicketSchema.xsd"},
		{SchemaCO, "XmlCommonSchema.xsd"},
	} {
		ownB, err := SchemaFile(c.own, "", nil)
		require.NoError(t, err)
		offB, err := os.ReadFile(filepath.Join(ref, c.official))
		require.NoError(t, err)
		own, off := parseXSD(t, ownB), parseXSD(t, offB)
		require.NotEmpty(t, own)
		if c.own == SchemaTT {
			ttv := own["complexType TroubleTicketValue"]
			require.NotNil(t, ttv)
			require.Len(t, ttv.children[0].children[0].children[0].children, 49, "the 49 elements of tt:TroubleTicketValue")
			// The comparison sees a change of order or nillability.
			swapped := bytes.Replace(ownB, []byte(`name="dialog" type="xs:string" nillable="true"`),
				[]byte(`name="dialog" type="xs:string"`), 1)
			require.NotEqual(t, own["complexType TroubleTicketValue"].String(),
				parseXSD(t, swapped)["complexType TroubleTicketValue"].String())
		}
		for name, n := range own {
			o, ok := off[name]
			if !ok {
				t.Errorf("%s: %s is not in the official schema", c.own, name)
				continue
			}
			if n.String() != o.String() {
				t.Errorf("%s: %s differs from the official schema:\nown:\n%s\nofficial:\n%s", c.own, name, n, o)
			}
		}
	}
}
