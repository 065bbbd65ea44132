package v1a

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFastPathsTakeEveryLineEnd: the fast paths read files of LF, CRLF
// and bare CR line ends alike, quoted cells with line breaks included;
// only the first line of a CR file, which tells the scanner the file's
// line end, goes cell by cell. (Looking for LF in a file of bare CRs
// scanned the rest of the buffer for every line.)
func TestFastPathsTakeEveryLineEnd(t *testing.T) {
	var sb strings.Builder
	for i := range 500 {
		sb.WriteString("VIA0A000000000012345;FI-0001-2345;BTGP-MG-OI-012345-ZZZZ;20260102;COUPURE;PTO;Lef\xe8vre;Zo\xe9;0600012345;;;" +
			"202601081400-1600|202601091000-1200;")
		if i%10 == 0 {
			sb.WriteString("\"Client : \"\"code porte\"\"; 3e \xe9tage\nappeler avant\"\n")
		} else {
			sb.WriteString("Pas de signal chez notre cliente\x85 Signal au PM : -19.43 dBm\n")
		}
	}
	lf := sb.String()
	for _, tt := range []struct {
		name, eol string
		slow      int
	}{{"LF", "\n", 0}, {"CRLF", "\r\n", 0}, {"CR", "\r", 1}} {
		data := strings.ReplaceAll(lf, "\n", tt.eol)
		s := newScanner(strings.NewReader(data), ';', DefaultMaxRecordBytes, nil, 0, 0)
		s.setCharset(cp1252Hi)
		records, slow := 0, 0
		for {
			s.clear()
			if !s.more() {
				break
			}
			s.startLine = s.line
			records++
			if ok, _ := s.fastLine(); ok {
				continue
			}
			slow++
			for {
				ended, err := s.cell()
				require.NoError(t, err)
				if ended {
					break
				}
			}
		}
		require.Equal(t, 500, records, tt.name)
		// The buffer ends inside a line now and then: that line goes cell
		// by cell too.
		require.LessOrEqual(t, slow, tt.slow+len(data)/scanBufSize+1, "%s: records read cell by cell", tt.name)
	}
}
