package xmltok

import "testing"

// FuzzTokensMatchEncodingXML checks that a Decoder gives the tokens a
// strict encoding/xml Decoder (with charset.NewReaderLabel for declared
// encodings) gives, with the same positions after each token, the same
// end (io.EOF, or an error after the same tokens; a syntax error on the
// same line), whether it reads the document whole or in pieces.
func FuzzTokensMatchEncodingXML(f *testing.F) {
	for _, doc := range tricky {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<16 {
			return // beyond what the differential check reads in time
		}
		checkDoc(t, doc)
	})
}
