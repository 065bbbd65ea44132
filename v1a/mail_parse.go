package v1a

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// Default limits of a [MailParser].
const (
	DefaultMaxMailSize  = 25 << 20 // bytes of a whole message
	DefaultMaxMailParts = 64       // MIME parts, containers included
	DefaultMaxMailDepth = 8        // multipart nesting
)

// MailLimits bounds what a [MailParser] accepts; a zero field means its
// default (DefaultMaxMailSize, DefaultMaxMailParts, DefaultMaxMailDepth).
type MailLimits struct {
	MaxSize  int64 // bytes of the whole message
	MaxParts int   // MIME parts, multipart containers included
	MaxDepth int   // nesting of multipart and message/rfc822 parts
}

func (l MailLimits) withDefaults() MailLimits {
	if l.MaxSize <= 0 {
		l.MaxSize = DefaultMaxMailSize
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultMaxMailParts
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxMailDepth
	}
	return l
}

// MailParser reads inbound protocol 1.0a mail into a [Message]: sender,
// subject, identity, text, and the CSV attachment's bytes with their MIME
// charset. It accepts what partners' mailers really send: a single-part CSV
// mail or a multipart one, nested multipart/alternative text, a forwarded
// message/rfc822, base64 or quoted-printable transfer encodings, RFC 2047
// encoded subjects and file names, RFC 2231 file names (filename*=, with
// continuations), and header charsets beyond UTF-8 (Windows-1252, ISO-8859-x)
// through golang.org/x/net/html/charset. The attachment is the one part
// whose file name ends in .csv (any case); failing that, the one part with a
// CSV media type (text/csv, application/csv, text/comma-separated-values,
// application/vnd.ms-excel). The zero MailParser is ready to use; it is safe
// for concurrent use.
//
// Parse stops at the attachment's bytes; [MailParser.ReadMail] and
// [MailParser.Decode] go on to the file's records with a [Reader] set from
// the CSV fields below.
type MailParser struct {
	Limits MailLimits

	// Naming reads file names and subjects; nil means DefaultNaming().
	Naming *Naming
	// Layouts, Aliases and Strict set the [Reader] of the attachment.
	Layouts []*Layout
	Aliases *Aliases
	Strict  bool
}

// ParseMail parses one message with a zero [MailParser].
func ParseMail(r io.Reader) (*Message, error) {
	var p MailParser
	return p.Parse(r)
}

// Parse reads one message from r. Errors are [*MailError]s wrapping
// [ErrMailTooLarge], [ErrMailTooManyParts], [ErrMailTooDeep],
// [ErrMailSyntax], [ErrNoAttachment], [ErrManyAttachments] or, for an
// attachment whose file name is not a plain file name ("../x.csv",
// "a/b.csv", "C:x.csv"; see [SafeFileName]), an [*UnsafeNameError]
// ([ErrUnsafeName]), or the read error of r. When the top-level header could be read, the returned Message
// is not nil even with an error: it holds the sender, the subject and the
// Message-ID, so the caller can answer or quarantine the message.
func (p *MailParser) Parse(r io.Reader) (*Message, error) {
	lim := p.Limits.withDefaults()
	raw, err := readLimited(r, lim.MaxSize+1)
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > lim.MaxSize {
		m, _ := parseHeaderOnly(raw[:lim.MaxSize])
		return m, &MailError{Err: ErrMailTooLarge, Reason: fmt.Sprintf("more than %d bytes", lim.MaxSize)}
	}
	return p.parseBytes(raw, lim)
}

// readLimited reads at most n bytes of r, in one allocation when r tells
// its length (a *bytes.Reader, *strings.Reader, *bytes.Buffer).
func readLimited(r io.Reader, n int64) ([]byte, error) {
	if l, ok := r.(interface{ Len() int }); ok && int64(l.Len()) < n {
		buf := make([]byte, l.Len())
		k, err := io.ReadFull(r, buf)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return nil, err
		}
		if k == len(buf) {
			// Anything more (a reader that grew) is read the slow way.
			more, err := io.ReadAll(io.LimitReader(r, n-int64(k)))
			return append(buf, more...), err
		}
		return buf[:k], nil
	}
	return io.ReadAll(io.LimitReader(r, n))
}

func (p *MailParser) parseBytes(raw []byte, lim MailLimits) (*Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, &MailError{Err: ErrMailSyntax, Reason: "header: " + err.Error()}
	}
	h := textproto.MIMEHeader(msg.Header)
	m := headerFields(h)
	w := &walker{lim: lim}
	if err := w.walk(h, msg.Body, "", 0); err != nil {
		return m, err
	}
	m.Text = w.text
	att, err := w.attachment()
	if err != nil {
		return m, err
	}
	// The name is data, not a path: a name that is not a plain file name
	// is refused, not handed on (the caller quarantines the message).
	if att.name != "" {
		if _, err := SafeFileName(att.name); err != nil {
			return m, &MailError{Part: att.path, Header: "Content-Disposition", Err: err}
		}
	}
	m.FileName = att.name
	m.Charset = att.charset
	m.Attachment = att.data
	return m, nil
}

// parseHeaderOnly reads the top-level header fields of a message that cannot
// be parsed whole.
func parseHeaderOnly(raw []byte) (*Message, error) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	h, err := tp.ReadMIMEHeader()
	if len(h) == 0 {
		return nil, err
	}
	return headerFields(h), nil
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charset.NewReaderLabel}

// decodeWords decodes RFC 2047 encoded words, keeping s when it cannot.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

var addressParser = &mail.AddressParser{WordDecoder: wordDecoder}

func headerFields(h textproto.MIMEHeader) *Message {
	m := &Message{
		Subject:   strings.TrimSpace(decodeWords(h.Get("Subject"))),
		MessageID: firstMsgID(h.Get("Message-Id")),
		InReplyTo: firstMsgID(h.Get("In-Reply-To")),
	}
	if a := parseSender(h.Get("From")); a != nil {
		m.From = *a
	}
	if to, err := addressParser.ParseList(h.Get("To")); err == nil {
		for _, a := range to {
			m.To = append(m.To, *a)
		}
	}
	if d, err := mail.ParseDate(h.Get("Date")); err == nil {
		m.Date = d
	}
	return m
}

// parseSender reads a From field; when it is not a valid address list, it
// falls back to the text between the last angle brackets, or to the bare
// field when it looks like an address.
func parseSender(s string) *mail.Address {
	if s == "" {
		return nil
	}
	if as, err := addressParser.ParseList(s); err == nil && len(as) > 0 {
		return as[0]
	}
	cand := strings.TrimSpace(s)
	if i := strings.LastIndexByte(cand, '<'); i >= 0 {
		if j := strings.IndexByte(cand[i:], '>'); j > 0 {
			cand = cand[i+1 : i+j]
		}
	}
	cand = strings.TrimSpace(cand)
	if validAddrSpec(cand) {
		return &mail.Address{Address: cand}
	}
	return nil
}

// firstMsgID returns the first <id> of a Message-ID style field, without its
// angle brackets, or the trimmed field when it has no brackets.
func firstMsgID(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return strings.TrimSpace(s[i+1 : i+j])
		}
	}
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

type walker struct {
	lim    MailLimits
	parts  int
	text   string
	byName []candidate
	byType []candidate
}

type candidate struct {
	path    string
	name    string
	charset string
	data    []byte
}

func partPath(parent string, i int) string {
	if parent == "" {
		return strconv.Itoa(i)
	}
	return parent + "." + strconv.Itoa(i)
}

// walk visits one MIME entity: its header h and its still encoded body.
func (w *walker) walk(h textproto.MIMEHeader, body io.Reader, path string, depth int) error {
	w.parts++
	if w.parts > w.lim.MaxParts {
		return &MailError{Part: path, Err: ErrMailTooManyParts, Reason: fmt.Sprintf("more than %d", w.lim.MaxParts)}
	}
	ctype, params, err := contentType(h)
	if err != nil {
		return &MailError{Part: path, Header: "Content-Type", Err: ErrMailSyntax, Reason: err.Error()}
	}
	switch {
	case strings.HasPrefix(ctype, "multipart/"):
		if depth >= w.lim.MaxDepth {
			return &MailError{Part: path, Err: ErrMailTooDeep, Reason: fmt.Sprintf("more than %d levels", w.lim.MaxDepth)}
		}
		boundary := params["boundary"]
		if boundary == "" {
			return &MailError{Part: path, Header: "Content-Type", Err: ErrMailSyntax, Reason: ctype + " without a boundary"}
		}
		mr := multipart.NewReader(body, boundary)
		for i := 1; ; i++ {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				if i == 1 {
					return &MailError{Part: path, Err: ErrMailSyntax, Reason: ctype + " without any part"}
				}
				return nil
			}
			if err != nil {
				return &MailError{Part: path, Err: ErrMailSyntax, Reason: err.Error()}
			}
			if err := w.walk(part.Header, part, partPath(path, i), depth+1); err != nil {
				return err
			}
		}
	case ctype == "message/rfc822":
		if depth >= w.lim.MaxDepth {
			return &MailError{Part: path, Err: ErrMailTooDeep, Reason: fmt.Sprintf("more than %d levels", w.lim.MaxDepth)}
		}
		data, err := decodeBody(h, body)
		if err != nil {
			return &MailError{Part: path, Header: "Content-Transfer-Encoding", Err: ErrMailSyntax, Reason: err.Error()}
		}
		inner, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			return &MailError{Part: path, Err: ErrMailSyntax, Reason: "enclosed message: " + err.Error()}
		}
		return w.walk(textproto.MIMEHeader(inner.Header), inner.Body, partPath(path, 1), depth+1)
	}
	return w.leaf(h, ctype, params, body, path)
}

func (w *walker) leaf(h textproto.MIMEHeader, ctype string, params map[string]string, body io.Reader, path string) error {
	disp, dparams := contentDisposition2(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = strings.TrimSpace(decodeWords(name))
	isAttachment := disp == "attachment" || name != ""
	csvName := strings.HasSuffix(strings.ToLower(name), ".csv")
	csvType := csvMediaTypes[ctype]
	plainText := ctype == "text/plain" && !isAttachment && w.text == ""
	if !csvName && !csvType && !plainText {
		_, err := io.Copy(io.Discard, body)
		if err != nil {
			return &MailError{Part: path, Err: ErrMailSyntax, Reason: err.Error()}
		}
		return nil
	}
	data, err := decodeBody(h, body)
	if err != nil {
		return &MailError{Part: path, Header: "Content-Transfer-Encoding", Err: ErrMailSyntax, Reason: err.Error()}
	}
	cs := strings.ToLower(strings.TrimSpace(params["charset"]))
	switch {
	case csvName:
		w.byName = append(w.byName, candidate{path: path, name: name, charset: cs, data: data})
	case csvType:
		w.byType = append(w.byType, candidate{path: path, name: name, charset: cs, data: data})
	default:
		w.text = normalizeNewlines(decodeText(data, cs))
	}
	return nil
}

var csvMediaTypes = map[string]bool{
	"text/csv":                    true,
	"text/x-csv":                  true,
	"application/csv":             true,
	"application/x-csv":           true,
	"text/comma-separated-values": true,
	"application/vnd.ms-excel":    true,
}

func (w *walker) attachment() (candidate, error) {
	cands := w.byName
	if len(cands) == 0 {
		cands = w.byType
	}
	switch len(cands) {
	case 0:
		return candidate{}, &MailError{Err: ErrNoAttachment, Reason: "no part named *.csv or typed text/csv"}
	case 1:
		return cands[0], nil
	}
	paths := make([]string, len(cands))
	for i, c := range cands {
		paths[i] = c.path
	}
	return candidate{}, &MailError{Err: ErrManyAttachments, Reason: "parts " + strings.Join(paths, ", ")}
}

// contentType returns the media type of an entity, text/plain when the field
// is absent (RFC 2045 §5.2). Broken parameters are dropped when the media
// type itself is readable, except for multipart types that need their
// boundary.
func contentType(h textproto.MIMEHeader) (string, map[string]string, error) {
	v := h.Get("Content-Type")
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}, nil
	}
	ct, params, err := mime.ParseMediaType(utf8RFC2231(v))
	if err != nil {
		if errors.Is(err, mime.ErrInvalidMediaParameter) && !strings.HasPrefix(ct, "multipart/") {
			return ct, map[string]string{}, nil
		}
		return "", nil, err
	}
	return ct, params, nil
}

// contentDisposition2 parses a Content-Disposition field; a field whose
// parameters are broken still yields its disposition and, when it can be
// found, a quoted filename.
func contentDisposition2(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}
	}
	d, params, err := mime.ParseMediaType(utf8RFC2231(v))
	if err == nil {
		return d, params
	}
	d = strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	params = map[string]string{}
	// Fold ASCII only: strings.ToLower would turn each invalid UTF-8 byte
	// into a three-byte U+FFFD, and i would no longer index v.
	lower := []byte(v)
	for k, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[k] = c + 'a' - 'A'
		}
	}
	if i := bytes.Index(lower, []byte("filename=\"")); i >= 0 {
		rest := v[i+len("filename=\""):]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			params["filename"] = rest[:j]
		}
	}
	return d, params
}

// decodeBody undoes the Content-Transfer-Encoding of an entity.
func decodeBody(h textproto.MIMEHeader, body io.Reader) ([]byte, error) {
	cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	switch cte {
	case "", "7bit", "8bit", "binary":
		return io.ReadAll(body)
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	case "base64":
		out, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, &base64Filter{r: body}))
		if err != nil {
			return nil, fmt.Errorf("base64: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported transfer encoding %q", cte)
}

// base64Filter drops the spaces and tabs of a base64 body and, at its end,
// adds the padding a sender left out, so encoding/base64 decodes it as a
// stream.
type base64Filter struct {
	r   io.Reader
	n   int  // base64 characters passed on
	eof bool // r is exhausted
	pad int  // padding characters still to add
}

func (f *base64Filter) Read(p []byte) (int, error) {
	for {
		if f.eof {
			if f.pad == 0 || len(p) == 0 {
				return 0, io.EOF
			}
			k := min(f.pad, len(p))
			for i := range k {
				p[i] = '='
			}
			f.pad -= k
			return k, nil
		}
		n, err := f.r.Read(p)
		j := n
		if bytes.IndexByte(p[:n], ' ') >= 0 || bytes.IndexByte(p[:n], '\t') >= 0 {
			j = 0
			for _, c := range p[:n] {
				if c != ' ' && c != '\t' {
					p[j] = c
					j++
				}
			}
		}
		// encoding/base64 skips CR and LF by itself; count the rest for
		// the padding.
		f.n += j - bytes.Count(p[:j], []byte{'\r'}) - bytes.Count(p[:j], []byte{'\n'})
		if err == io.EOF {
			f.eof = true
			if r := f.n % 4; r != 0 {
				f.pad = 4 - r
			}
		} else if err != nil {
			return j, err
		}
		if j > 0 {
			return j, nil
		}
	}
}

// decodeText converts the text part to UTF-8 (the caller then makes its
// line ends LF); text in an unknown charset is
// kept as valid UTF-8 with replacement characters.
func decodeText(data []byte, cs string) string {
	switch cs {
	case "", "utf-8", "us-ascii", "utf8":
	default:
		if r, err := charset.NewReaderLabel(cs, bytes.NewReader(data)); err == nil {
			if d, err := io.ReadAll(r); err == nil {
				data = d
			}
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

// utf8RFC2231 rewrites the RFC 2231 extended parameters of a header field
// value that use a charset other than UTF-8 or US-ASCII (iso-8859-1,
// windows-1252, …: what some mailers send for accented file names) into
// UTF-8 ones, which mime.ParseMediaType decodes; it drops the others.
// Sections of a continued parameter are converted one by one.
func utf8RFC2231(v string) string {
	if !strings.Contains(v, "*=") {
		return v
	}
	parts := splitParams(v)
	charsets := map[string]string{} // parameter name → charset of its first section
	changed := false
	for i := 1; i < len(parts); i++ {
		key, val, ok := strings.Cut(parts[i], "=")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if !strings.HasSuffix(key, "*") {
			continue
		}
		name, section := strings.TrimSuffix(key, "*"), ""
		if j := strings.IndexByte(name, '*'); j >= 0 {
			name, section = name[:j], name[j+1:]
		}
		val = strings.TrimSpace(val)
		if section == "" || section == "0" {
			f := strings.SplitN(val, "'", 3)
			if len(f) != 3 {
				continue
			}
			cs := strings.ToLower(strings.TrimSpace(f[0]))
			charsets[name] = cs
			if cs == "" || cs == "utf-8" || cs == "us-ascii" {
				continue
			}
			if conv, ok := transcodePct(f[2], cs); ok {
				parts[i] = key + "=utf-8'" + f[1] + "'" + conv
				changed = true
			}
			continue
		}
		cs := charsets[name]
		if cs == "" || cs == "utf-8" || cs == "us-ascii" {
			continue
		}
		if conv, ok := transcodePct(val, cs); ok {
			parts[i] = key + "=" + conv
			changed = true
		}
	}
	if !changed {
		return v
	}
	return strings.Join(parts, ";")
}

// splitParams splits a header field value at the semicolons outside quoted
// strings.
func splitParams(v string) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				parts = append(parts, v[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, v[start:])
}

// transcodePct percent-decodes s, converts the bytes from charset cs to
// UTF-8 and percent-encodes the result.
func transcodePct(s, cs string) (string, bool) {
	raw := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			b, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", false
			}
			raw = append(raw, byte(b))
			i += 2
			continue
		}
		raw = append(raw, s[i])
	}
	r, err := charset.NewReaderLabel(cs, bytes.NewReader(raw))
	if err != nil {
		return "", false
	}
	u, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return rfc2231Escape(string(u)), true
}
