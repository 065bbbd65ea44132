package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/v1a"
)

// v1aCSV is a protocol 1.0a CSV file: the flow comes from its header line,
// the operator codes from its normalised name when it has one.
type v1aCSV struct{}

// v1aMail is a protocol 1.0a mail (.eml) with its CSV file attached; lines
// are the lines inside the attachment.
type v1aMail struct{}

var mailHeaderLine = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:[ \t]`)

func (v1aCSV) accepts(*input) bool { return true }

func (v1aMail) accepts(in *input) bool {
	if strings.HasSuffix(strings.ToLower(in.name), ".eml") {
		return true
	}
	first, _, _ := bytes.Cut(in.data, []byte("\n"))
	return mailHeaderLine.Match(first) && !bytes.ContainsRune(first, ';')
}

func (v1aCSV) check(ctx context.Context, in *input, opt checkOptions) fileReport {
	return checkV1ACSV(ctx, in.name, baseName(in.name), in.data, "", opt)
}

func (v1aMail) check(ctx context.Context, in *input, opt checkOptions) fileReport {
	m, err := v1a.ParseMail(bytes.NewReader(in.data))
	if err != nil {
		return fileReport{File: in.name, Protocol: "v1a",
			Errors: []finding{{Line: 0, Code: int(codes.ReturnCodeBadFormat), Message: "mail: " + describe(err)}}}
	}
	return checkV1ACSV(ctx, in.name, m.FileName, m.Attachment, m.Charset, opt)
}

// checkV1ACSV reads and validates one CSV file: every finding and warning
// of every line, and a fatal error as a finding on the line where reading
// stopped.
func checkV1ACSV(ctx context.Context, file, fileName string, data []byte, charset string, opt checkOptions) fileReport {
	rep := fileReport{File: file, Protocol: "v1a"}
	r := v1a.NewReader(bytes.NewReader(data))
	r.Charset = charset
	r.Strict = opt.strict
	flow, err := r.Header()
	if err != nil {
		rep.Errors = append(rep.Errors, fatalFinding(err))
		return rep
	}
	rep.Flow = string(flow)
	if n, err := v1a.ParseFileName(fileName); err == nil && n.Flow != flow {
		rep.Warnings = append(rep.Warnings, finding{Line: 0, Field: "fichier", Code: int(codes.ReturnCodeUnexpected),
			Message: fmt.Sprintf("the file name says %s, the header line is the header of %s", n.Flow, flow)})
	}
	v := &v1a.Validator{Now: opt.now, UniqueDeposits: true}
	for {
		if ctx.Err() != nil {
			rep.Errors = append(rep.Errors, finding{Line: r.Line(), Code: int(codes.ReturnCodeInternal),
				Message: ctx.Err().Error()})
			return rep
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rep
		}
		if rec == nil {
			f := fatalFinding(err)
			var pe *v1a.ParseError
			if l := r.Layout(); errors.As(err, &pe) && l != nil && pe.Column >= 1 && pe.Column <= len(l.Columns) {
				f.Field = l.Columns[pe.Column-1].Name
			}
			rep.Errors = append(rep.Errors, f)
			return rep
		}
		rep.Records++
		res := v.Check(ctx, r.Line(), rec, err)
		rep.Errors = append(rep.Errors, findings(res.Errors)...)
		rep.Warnings = append(rep.Warnings, findings(res.Warnings)...)
	}
}

func findings(fs []v1a.Finding) []finding {
	out := make([]finding, len(fs))
	for i, f := range fs {
		out[i] = finding{Line: f.Line, Field: f.Field, Code: int(f.Code), Message: f.Message}
	}
	return out
}

// fatalFinding reports where reading stopped.
func fatalFinding(err error) finding {
	line := 0
	var pe *v1a.ParseError
	var he *v1a.HeaderError
	switch {
	case errors.As(err, &pe):
		line = pe.Line
	case errors.As(err, &he):
		line = 1
	}
	return finding{Line: line, Code: int(codes.ReturnCodeBadFormat), Message: describe(err)}
}

// describe is an error's text without the package prefix.
func describe(err error) string { return strings.TrimPrefix(err.Error(), "v1a: ") }
