package v1a_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/opensav/savsdk/v1a"
)

// hugeCellSource generates a DEPOT file whose first data line ends with a
// Commentaire of size bytes, on the fly, so that reading it measures the
// reader's memory, not the input's. It counts the bytes it handed out.
type hugeCellSource struct {
	head, tail string
	fill       []byte // the cell's text, repeated
	size       int    // bytes of cell text still to hand out
	sent       int    // bytes handed out, in all
}

func newHugeCellSource(quoted bool, fill string, size int) *hugeCellSource {
	s := &hugeCellSource{head: depotHeader + "\r\nA;;R;20260102;COUPURE;PBO;;;;;;;", tail: "\r\n", size: size}
	if quoted {
		s.head, s.tail = s.head+`"`, `"`+s.tail
	}
	for len(s.fill) < 64<<10 {
		s.fill = append(s.fill, fill...)
	}
	return s
}

func (s *hugeCellSource) Read(p []byte) (int, error) {
	var n int
	switch {
	case s.head != "":
		n = copy(p, s.head)
		s.head = s.head[n:]
	case s.size > 0:
		n = copy(p[:min(len(p), s.size)], s.fill)
		s.size -= n
	case s.tail != "":
		n = copy(p, s.tail)
		s.tail = s.tail[n:]
	default:
		return 0, io.EOF
	}
	s.sent += n
	return n, nil
}

// TestMaxRecordBytesBoundsOneCell reads a file whose one cell is 64 times
// MaxRecordBytes, quoted or not, on one line or on many, in UTF-8 or in
// Windows-1252: the reader must stop at the limit with a positioned
// syntax error, having read and allocated a bounded multiple of the limit,
// not the cell.
func TestMaxRecordBytesBoundsOneCell(t *testing.T) {
	const limit = 64 << 10
	const cell = 64 * limit
	tests := []struct {
		name   string
		quoted bool
		fill   string
		line   int  // the line where the limit is reached
		utf16  bool // the file is sent in UTF-16 (with a BOM), which the reader transcodes
	}{
		{"unquoted", false, "x", 2, false},
		{"quoted", true, "x", 2, false},
		{"quoted with doubled quotes", true, `ab""`, 2, false},
		{"quoted Windows-1252", true, "\xe9t\xe9 ", 2, false},
		{"quoted multi-line", true, strings.Repeat("y", 1000) + "\r\n", 2 + limit/1002, false},
		{"quoted multi-line LF", true, strings.Repeat("z", 30) + "\n", 2 + limit/31, false},
		{"quoted UTF-16", true, "x", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newHugeCellSource(tt.quoted, tt.fill, cell)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var in io.Reader = src
			if tt.utf16 {
				in = transform.NewReader(src, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder())
			}
			r := v1a.NewReader(in)
			r.MaxRecordBytes = limit
			rec, err := r.Read()
			runtime.ReadMemStats(&after)
			require.Nil(t, rec)
			require.ErrorIs(t, err, v1a.ErrSyntax)
			// What the reader read past the limit and allocated are
			// bounded by the limit and its buffer, whatever the cell.
			require.Less(t, src.sent, limit+256<<10, "bytes read from the source")
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %d bytes read, %d bytes allocated: %v", tt.name, src.sent, alloc, err)
			require.Less(t, alloc, uint64(16*limit+512<<10), "bytes allocated for a %d-byte cell", cell)
			require.ErrorIs(t, err, v1a.ErrRecordTooLong)
			pe, ok := errors.AsType[*v1a.ParseError](err)
			require.True(t, ok, "%T %v", err, err)
			require.Equal(t, 2, pe.StartLine)
			require.Equal(t, 13, pe.Column, "the Commentaire column")
			require.InDelta(t, tt.line, pe.Line, 4, "the line where the limit was passed")
			_, again := r.Read()
			require.Equal(t, err, again, "the error is sticky")

		})
	}
}

// TestMaxRecordBytesCountsSeparators: a line of empty cells costs the
// reader per cell, so its separators count against the limit.
func TestMaxRecordBytesCountsSeparators(t *testing.T) {
	line := "A;;R;20260102;COUPURE;PBO;;;;;;;" + strings.Repeat(";", 300)
	for _, tt := range []struct {
		max int
		ok  bool
	}{{len(line), true}, {len(line) - 1, false}} {
		r := v1a.NewReader(strings.NewReader(depotHeader + "\r\n" + line + "\r\n"))
		r.MaxRecordBytes = tt.max
		rec, err := r.Read()
		if tt.ok {
			require.NotNil(t, rec, "limit %d: %v", tt.max, err)
			continue
		}
		require.ErrorIs(t, err, v1a.ErrRecordTooLong, "limit %d", tt.max)
	}
}

// TestMaxRecordBytesExact: a record of exactly MaxRecordBytes bytes is
// read, one byte more is refused, quoted or not, whichever path reads it.
func TestMaxRecordBytesExact(t *testing.T) {
	base := "A;;R;20260102;COUPURE;PBO;;;;;;;"
	for _, quoted := range []bool{false, true} {
		for _, lineEnd := range []string{"\n", "\r\n", "\r"} {
			text := strings.Repeat("x", 200)
			line := base + text
			size := len(line) // text and separators
			if quoted {
				line = base + `"` + text + `"`
			}
			for _, tt := range []struct {
				max int
				ok  bool
			}{{size, true}, {size - 1, false}} {
				r := v1a.NewReader(strings.NewReader(depotHeader + lineEnd + line + lineEnd + base + "y" + lineEnd))
				r.MaxRecordBytes = tt.max
				rec, err := r.Read()
				if tt.ok {
					require.NotNil(t, rec, "quoted %v, %q, limit %d: %v", quoted, lineEnd, tt.max, err)
					require.Equal(t, text, rec.(*v1a.Depot).Commentaire)
					continue
				}
				require.ErrorIs(t, err, v1a.ErrRecordTooLong, "quoted %v, %q, limit %d", quoted, lineEnd, tt.max)
			}
		}
	}
}

// TestReaderBlankSeparator: a space or a tab cannot be the separator, as
// the blanks around unquoted cells are trimmed.
func TestReaderBlankSeparator(t *testing.T) {
	for _, c := range []byte{' ', '\t'} {
		r := v1a.NewReader(strings.NewReader(strings.ReplaceAll(depotHeader, ";", string(c)) + "\n"))
		r.Comma = c
		_, err := r.Header()
		require.ErrorIs(t, err, v1a.ErrLayout, "%q", c)
	}
}
