package main

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/internal/soap"
	"github.com/opensav/savsdk/v2"
)

// v2XML is a protocol 2.0 document: a SOAP 1.1 envelope or a bare JSR-91
// message. Its flow is the body's root (create, set, get, search, query,
// introspection, the same with -response, fault).
type v2XML struct{}

func (v2XML) accepts(in *input) bool {
	t := bytes.TrimLeft(in.data, " \t\r\n\ufeff")
	return bytes.HasPrefix(t, []byte("<")) || strings.HasSuffix(strings.ToLower(in.name), ".xml")
}

// check reads the envelope (the sav:entete: present, version 2.0, codes
// well-formed) and the message (V2.md's requirements), each finding on the
// line of its element, or of its parent when it is missing.
func (v2XML) check(_ context.Context, in *input, _ checkOptions) fileReport {
	rep := fileReport{File: in.name, Protocol: "v2"}
	p := v2.DefaultProfile()
	m, err := (&soap.Decoder{HeaderSpace: p.NamespaceSAV, Location: p.Location}).Decode(bytes.NewReader(in.data))
	if err != nil {
		rep.Errors = append(rep.Errors, v2Fatal(err))
		return rep
	}
	if m.Envelope {
		rep.Errors = append(rep.Errors, enteteFindings(m)...)
	}
	doc, err := v2.Check(bytes.NewReader(in.data), p)
	if err != nil {
		rep.Errors = append(rep.Errors, v2Fatal(err))
		return rep
	}
	rep.Flow = doc.Flow()
	rep.Records = doc.Records()
	for _, f := range doc.Findings {
		rep.Errors = append(rep.Errors, finding{Line: f.Line, Field: f.Field, Code: int(f.Code),
			Message: withReason(f.Message, f.Reason)})
	}
	return rep
}

// enteteFindings checks the sav:entete every message inside an envelope
// carries.
func enteteFindings(m *soap.Message) []finding {
	e := m.Header.Entete
	if e == nil {
		line := m.HeaderLine
		if line == 0 {
			line = m.EnvelopeLine
		}
		return []finding{{Line: line, Field: soap.ElementEntete, Code: int(codes.ReturnCodeMissing),
			Message: codes.ReturnCodeMissing.Message(soap.ElementEntete)}}
	}
	var out []finding
	for _, err := range e.CheckAll() {
		out = append(out, finding{Line: err.Line, Field: err.Field, Code: int(err.Code), Message: err.Code.Message(err.Field)})
	}
	if v := e.VersionProtocole; v != "" && v != v2.ProtocolVersion {
		line := e.Lines["versionProtocole"]
		out = append(out, finding{Line: line, Field: "versionProtocole", Code: int(codes.ReturnCodeNotInList),
			Message: withReason(codes.ReturnCodeNotInList.Message("versionProtocole"), "want "+v2.ProtocolVersion)})
	}
	return out
}

// v2Fatal reports where reading a document stopped.
func v2Fatal(err error) finding {
	var se *soap.Error
	var de *v2.DecodeError
	switch {
	case errors.As(err, &se):
		return finding{Line: se.Line, Field: se.Field, Code: int(se.Code), Message: trimPrefixes(se.Error())}
	case errors.As(err, &de):
		return finding{Line: de.Line, Field: de.Element, Code: int(de.Code), Message: trimPrefixes(de.Error())}
	}
	return finding{Code: int(codes.ReturnCodeBadFormat), Message: trimPrefixes(err.Error())}
}

func withReason(msg, reason string) string {
	if reason == "" {
		return msg
	}
	return msg + " (" + reason + ")"
}

func trimPrefixes(s string) string {
	for _, p := range []string{"soap: ", "v2: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}
