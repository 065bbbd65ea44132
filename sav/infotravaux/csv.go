package infotravaux

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/opensav/savsdk/v1a"
)

// Lines returns the TRAVAUX CSV lines of t (V1A.md, TRAVAUX): one per
// impacted address of t.Adresses, in order, then one per building of
// t.IdentifiantImmeuble that no address names (its address columns empty);
// a notice with neither gives one line without an address. Every line
// repeats the notice's columns. The fields the flow has no column for are
// left out (see the package documentation, "TRAVAUX CSV"); dates keep
// their minute (AAAAMMJJHHMM, Paris time).
//
// A TRAVAUX line needs Voie, CodePostal and Commune: fill t.Adresses first
// (an OC knows the addresses of its impacted customers from
// ReferencePriseImpactees), or the v1a Validator reports the lines.
func Lines(t *Travaux) []*v1a.Travaux {
	base := v1a.Travaux{
		ReferenceTravaux:      t.Reference,
		Etat:                  t.Etat,
		ReferencePM:           t.ReferencePm,
		DateDebut:             t.DateDebutTravaux,
		DateFin:               t.DateFinTravaux,
		NatureIntervention:    t.NatureIntervention,
		InterventionRequiseOC: v1a.OuiNon(t.InterventionRequiseOC),
		ContactOI:             t.CoordonneesContactOI,
		Commentaire:           t.CommentairesIntervention,
	}
	out := make([]*v1a.Travaux, 0, max(1, len(t.Adresses)))
	var named []string
	for _, a := range t.Adresses {
		l := base
		l.NumeroVoie, l.Voie, l.CodePostal, l.Commune = a.NumeroVoie, a.Voie, a.CodePostal, a.Commune
		l.CodeInsee, l.IdentifiantImmeuble = a.CodeInsee, a.IdentifiantImmeuble
		out = append(out, &l)
		if a.IdentifiantImmeuble != "" {
			named = append(named, a.IdentifiantImmeuble)
		}
	}
	for _, im := range t.IdentifiantImmeuble {
		if im == "" || slices.Contains(named, im) {
			continue
		}
		named = append(named, im)
		l := base
		l.IdentifiantImmeuble = im
		out = append(out, &l)
	}
	if len(out) == 0 {
		out = append(out, &base)
	}
	return out
}

// FromLines returns the notice that lines, the TRAVAUX lines of one notice,
// describe: the notice's columns from the first line; one Adresse per line
// that has a location (NumeroVoie, Voie, CodePostal, Commune or CodeInsee);
// IdentifiantImmeuble the distinct buildings of the lines, in order. The
// fields the flow cannot carry are zero (see the package documentation).
// Use a [CSVReader] to group the lines of a file.
func FromLines(lines ...*v1a.Travaux) Travaux {
	if len(lines) == 0 {
		return Travaux{}
	}
	f := lines[0]
	t := Travaux{
		Reference:                f.ReferenceTravaux,
		Etat:                     f.Etat,
		ReferencePm:              f.ReferencePM,
		DateDebutTravaux:         f.DateDebut,
		DateFinTravaux:           f.DateFin,
		NatureIntervention:       f.NatureIntervention,
		InterventionRequiseOC:    Booleen(f.InterventionRequiseOC),
		CoordonneesContactOI:     f.ContactOI,
		CommentairesIntervention: f.Commentaire,
	}
	for _, l := range lines {
		a := Adresse{NumeroVoie: l.NumeroVoie, Voie: l.Voie, CodePostal: l.CodePostal, Commune: l.Commune,
			CodeInsee: l.CodeInsee, IdentifiantImmeuble: l.IdentifiantImmeuble}
		if !a.empty() {
			t.Adresses = append(t.Adresses, a)
		}
		if im := l.IdentifiantImmeuble; im != "" && !slices.Contains(t.IdentifiantImmeuble, im) {
			t.IdentifiantImmeuble = append(t.IdentifiantImmeuble, im)
		}
	}
	return t
}

// sameNotice reports whether two TRAVAUX lines belong to the same notice:
// every column but the address ones is equal.
func sameNotice(a, b *v1a.Travaux) bool {
	return a.ReferenceTravaux == b.ReferenceTravaux && a.Etat == b.Etat && a.ReferencePM == b.ReferencePM &&
		a.DateDebut.Equal(b.DateDebut) && a.DateFin.Equal(b.DateFin) &&
		a.NatureIntervention == b.NatureIntervention && a.InterventionRequiseOC == b.InterventionRequiseOC &&
		a.ContactOI == b.ContactOI && a.Commentaire == b.Commentaire
}

// CSVError lists the problems of the lines a notice was read from (lenient
// reading: the notice is returned with it). Each is a *v1a.RecordError
// carrying its line, so errors.Is(err, v1a.ErrFindings) and errors.As work
// through it.
type CSVError struct {
	StartLine int // the notice's first line
	Errs      []*v1a.RecordError
}

func (e *CSVError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "infotravaux: TRAVAUX notice from line %d: ", e.StartLine)
	for i, r := range e.Errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Error())
	}
	return b.String()
}

// Unwrap returns the line errors.
func (e *CSVError) Unwrap() []error {
	out := make([]error, len(e.Errs))
	for i, r := range e.Errs {
		out[i] = r
	}
	return out
}

// ErrNotTravaux is returned, wrapped, when the file read by a CSVReader is
// not a TRAVAUX file.
var ErrNotTravaux = errors.New("infotravaux: not a TRAVAUX file")

// CSVReader reads works notices from a TRAVAUX CSV file, streaming:
// consecutive lines that differ only by their address columns make one
// notice ([FromLines]); memory holds one notice at a time. A notice whose
// state changes (a MAJ line after the NOUVEAU lines of the same reference)
// starts a new notice. A CSVReader is not safe for concurrent use.
type CSVReader struct {
	r     *v1a.Reader
	next  *v1a.Travaux // look-ahead line
	nerr  *v1a.RecordError
	nline int
	err   error // sticky: io.EOF or a fatal error
	line  int
}

// NewCSVReader returns a reader of the notices of r. It sets r.Flow to
// TRAVAUX when it is empty; configure r (charset, strictness) before the
// first Read.
func NewCSVReader(r *v1a.Reader) *CSVReader {
	if r.Flow == "" {
		r.Flow = v1a.FlowTravaux
	}
	return &CSVReader{r: r}
}

// Line returns the first line of the notice Read returned last.
func (c *CSVReader) Line() int { return c.line }

// fill reads the next line into the look-ahead, unless the reader is done.
func (c *CSVReader) fill() {
	if c.next != nil || c.err != nil {
		return
	}
	rec, err := c.r.Read()
	if rec == nil {
		if err == nil {
			err = io.EOF
		}
		c.err = err
		return
	}
	t, ok := rec.(*v1a.Travaux)
	if !ok {
		c.err = fmt.Errorf("%w: the file holds %s records", ErrNotTravaux, rec.Flow())
		return
	}
	c.next, c.nline, c.nerr = t, c.r.Line(), nil
	if err != nil {
		re, ok := errors.AsType[*v1a.RecordError](err)
		if !ok {
			c.err = err
			c.next = nil
			return
		}
		c.nerr = re
	}
}

// Read returns the next notice. At the end of the file it returns nil,
// io.EOF. When some of its lines had problems the notice comes with a
// [*CSVError]; a syntax or I/O error (or a file of another flow) stops the
// reading and is returned again by later calls.
func (c *CSVReader) Read() (*Travaux, error) {
	c.fill()
	if c.next == nil {
		return nil, c.err
	}
	first := c.next
	lines := []*v1a.Travaux{first}
	c.line = c.nline
	var errs []*v1a.RecordError
	if c.nerr != nil {
		errs = append(errs, c.nerr)
	}
	c.next = nil
	for {
		c.fill()
		if c.next == nil || !sameNotice(first, c.next) {
			break
		}
		lines = append(lines, c.next)
		if c.nerr != nil {
			errs = append(errs, c.nerr)
		}
		c.next = nil
	}
	t := FromLines(lines...)
	if len(errs) > 0 {
		return &t, &CSVError{StartLine: c.line, Errs: errs}
	}
	return &t, nil
}

// CSVWriter writes works notices as a TRAVAUX CSV file, [Lines] of each
// notice in turn, through a v1a.Writer (charset, line ends, spreadsheet
// safety are its settings). Call Flush at the end. A CSVWriter is not safe
// for concurrent use.
type CSVWriter struct {
	w *v1a.Writer
}

// NewCSVWriter returns a writer of notices to w, a writer of the TRAVAUX
// flow.
func NewCSVWriter(w *v1a.Writer) *CSVWriter { return &CSVWriter{w: w} }

// Write writes the lines of t.
func (c *CSVWriter) Write(t *Travaux) error {
	for _, l := range Lines(t) {
		if err := c.w.Write(l); err != nil {
			return fmt.Errorf("infotravaux: works %q: %w", t.Reference, err)
		}
	}
	return nil
}

// Flush writes any buffered data and returns the first error of a Write or
// of the Flush.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// WriteCSV writes ts as a TRAVAUX CSV file with a default v1a.Writer
// (Windows-1252, CRLF).
func WriteCSV(dst io.Writer, ts ...Travaux) error {
	w := NewCSVWriter(v1a.NewWriter(dst, v1a.FlowTravaux))
	if err := w.w.WriteHeader(); err != nil {
		return err
	}
	for i := range ts {
		if err := w.Write(&ts[i]); err != nil {
			return err
		}
	}
	return w.Flush()
}
