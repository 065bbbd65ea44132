package v1a

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Maildir names.
const (
	// DefaultQuarantineFolder is the Maildir++ folder, under the mailbox
	// directory, where messages that cannot be read are moved.
	DefaultQuarantineFolder = ".Quarantine"
	// HandledFileName is the file, in the mailbox directory, that records the
	// Message-IDs already handled, one per line.
	HandledFileName = "savsdk-handled"
	// DefaultMaildirBatch is the number of messages one Fetch returns at most.
	DefaultMaildirBatch = 100
)

// Maildir is a mailbox in the Maildir format (the layout Postfix, Dovecot and
// others deliver to: tmp/, new/, cur/). It is a [Mailbox] — Fetch reads
// new/, Mark moves a handled message to cur/ with the Seen flag (":2,S") or a
// quarantined one to the quarantine folder — and a [Sender] that delivers
// locally (tmp/ then new/), so tests and sandboxes can exchange mail without
// a mail server.
//
// It never deletes a message. It keeps a persistent record of the
// Message-IDs it handled (the file [HandledFileName] in the directory; a
// message without a Message-ID is known by the SHA-256 of its bytes), and
// Fetch moves a message whose id is already there to cur/ without returning
// it, so a message delivered twice is handled once.
//
// Use [OpenMaildir]. Its methods are safe for concurrent use: many
// goroutines may Send and Deliver while one [Poller] fetches. A message is
// returned by every Fetch until it is marked, so only one Poller (in one
// process) should fetch from a directory at a time.
type Maildir struct {
	dir string

	// Quarantine is the folder under the directory for quarantined messages;
	// empty means DefaultQuarantineFolder.
	Quarantine string
	// MaxSize is the size above which Fetch reads only the first MaxSize+1
	// bytes of a file and marks its Envelope Truncated; zero means
	// DefaultMaxMailSize.
	MaxSize int64
	// Batch bounds the number of messages one Fetch returns; zero means
	// DefaultMaildirBatch.
	Batch int
	// Composer writes the messages Send delivers; nil means a zero Composer.
	Composer *Composer
	// Logger, when set, receives a record for each duplicate skipped and each
	// message moved.
	Logger *slog.Logger

	mu      sync.Mutex
	handled map[string]bool
	seq     atomic.Uint64
}

// OpenMaildir opens the Maildir at dir, creating dir and its tmp/, new/ and
// cur/ subdirectories when missing, and loads its record of handled
// Message-IDs.
func OpenMaildir(dir string) (*Maildir, error) {
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, &MaildirError{Op: "open", Path: dir, Err: err}
		}
	}
	m := &Maildir{dir: dir, handled: map[string]bool{}}
	path := filepath.Join(dir, HandledFileName)
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, &MaildirError{Op: "open", Path: path, Err: err}
	default:
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		for sc.Scan() {
			if id := strings.TrimSpace(sc.Text()); id != "" {
				m.handled[id] = true
			}
		}
		if err := sc.Err(); err != nil {
			return nil, &MaildirError{Op: "open", Path: path, Err: err}
		}
	}
	return m, nil
}

// Dir returns the mailbox directory.
func (m *Maildir) Dir() string { return m.dir }

// QuarantineDir returns the Maildir directory of the quarantine folder.
func (m *Maildir) QuarantineDir() string {
	q := m.Quarantine
	if q == "" {
		q = DefaultQuarantineFolder
	}
	return filepath.Join(m.dir, q)
}

// Handled reports whether the message identity id (a Message-ID without
// angle brackets, or "sha256:" and the hex digest of a message without one)
// is in the record of handled messages.
func (m *Maildir) Handled(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.handled[id]
}

// Send composes msg and delivers it into this Maildir: it makes the Maildir
// a local stand-in for the recipient's mail server. It sets msg.MessageID and
// msg.Date when they are empty.
func (m *Maildir) Send(ctx context.Context, msg *Message) error {
	c := m.Composer
	if c == nil {
		c = &Composer{}
	}
	var buf bytes.Buffer
	if err := c.Compose(&buf, msg); err != nil {
		return err
	}
	_, err := m.Deliver(ctx, buf.Bytes())
	return err
}

// Deliver writes raw into tmp/, syncs it and renames it into new/ (the
// Maildir delivery protocol), returning the file's name.
func (m *Maildir) Deliver(ctx context.Context, raw []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	name, err := m.uniqueName()
	if err != nil {
		return "", err
	}
	tmp := filepath.Join(m.dir, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", &MaildirError{Op: "deliver", Path: tmp, Err: err}
	}
	_, err = f.Write(raw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(m.dir, "new", name))
	}
	if err != nil {
		_ = os.Remove(tmp) // only our own half-written file in tmp/
		return "", &MaildirError{Op: "deliver", Path: tmp, Err: err}
	}
	return name, nil
}

// uniqueName returns a Maildir file name: time, microseconds, process,
// counter and random bytes, then the host name.
func (m *Maildir) uniqueName() (string, error) {
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", &MaildirError{Op: "deliver", Path: m.dir, Err: err}
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	host = strings.NewReplacer("/", `\057`, ":", `\072`).Replace(host)
	now := time.Now()
	return fmt.Sprintf("%d.M%06dP%dQ%06dR%s.%s", now.Unix(), now.Nanosecond()/1000, os.Getpid(),
		m.seq.Add(1), hex.EncodeToString(r[:]), host), nil
}

// Fetch returns the messages waiting in new/, oldest name first, at most
// Batch of them. A message whose identity is in the handled record is moved
// to cur/ instead, and not returned.
func (m *Maildir) Fetch(ctx context.Context) ([]*Envelope, error) {
	entries, err := os.ReadDir(filepath.Join(m.dir, "new"))
	if err != nil {
		return nil, &MaildirError{Op: "fetch", Path: m.dir, Err: err}
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := SafeFileName(e.Name()); err != nil {
			// Mark could not move it: leave it to a person.
			if m.Logger != nil {
				m.Logger.WarnContext(ctx, "v1a: message file with an unsafe name skipped", "maildir", m.dir, "error", err)
			}
			continue
		}
		names = append(names, e.Name())
	}
	slices.Sort(names)
	batch := m.Batch
	if batch <= 0 {
		batch = DefaultMaildirBatch
	}
	var out []*Envelope
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if len(out) == batch {
			break
		}
		raw, err := m.readNew(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // taken by a concurrent Fetch
		}
		if err != nil {
			return out, err
		}
		env := &Envelope{Key: name, Raw: raw, MessageID: messageIdentity(raw), Truncated: int64(len(raw)) > m.maxSize()}
		if m.Handled(env.MessageID) {
			if err := m.moveToCur(name); err != nil {
				return out, err
			}
			if m.Logger != nil {
				m.Logger.InfoContext(ctx, "v1a: duplicate message moved to cur/", "maildir", m.dir, "file", name, "message_id", env.MessageID)
			}
			continue
		}
		out = append(out, env)
	}
	return out, nil
}

func (m *Maildir) readNew(name string) ([]byte, error) {
	path := filepath.Join(m.dir, "new", name)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, &MaildirError{Op: "fetch", Path: path, Err: err}
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, m.maxSize()+1))
	if err != nil {
		return nil, &MaildirError{Op: "fetch", Path: path, Err: err}
	}
	return raw, nil
}

func (m *Maildir) maxSize() int64 {
	if m.MaxSize <= 0 {
		return DefaultMaxMailSize
	}
	return m.MaxSize
}

// messageIdentity returns the Message-ID of raw without angle brackets, or
// "sha256:" and the hex digest of raw when it has none.
func messageIdentity(raw []byte) string {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	h, _ := tp.ReadMIMEHeader()
	if id := firstMsgID(h.Get("Message-Id")); id != "" && !strings.ContainsAny(id, "\r\n") {
		return id
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Mark records the outcome of a message returned by Fetch. Handled: the
// identity is added to the handled record, then the file moves to cur/ with
// the Seen flag. Quarantined: the identity is recorded too (a copy delivered
// again is not answered twice), then the file moves to the quarantine
// folder's new/, where a person will find it unread, its bytes unchanged.
// A key that is not a plain file name ([SafeFileName]: ".", "..", a path)
// is refused with a [*MaildirError] wrapping an [*UnsafeNameError].
func (m *Maildir) Mark(ctx context.Context, e *Envelope, d Disposition) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e == nil {
		return &MaildirError{Op: "mark", Path: m.dir, Err: fs.ErrInvalid}
	}
	// The key names a file in new/; "." or ".." would move a directory.
	if _, err := SafeFileName(e.Key); err != nil {
		return &MaildirError{Op: "mark", Path: m.dir, Err: err}
	}
	id := e.MessageID
	if id == "" {
		id = messageIdentity(e.Raw)
	}
	switch d {
	case DispositionHandled:
		if err := m.record(id); err != nil {
			return err
		}
		return m.moveToCur(e.Key)
	case DispositionQuarantined:
		if err := m.record(id); err != nil {
			return err
		}
		q := m.QuarantineDir()
		for _, sub := range []string{"tmp", "new", "cur"} {
			if err := os.MkdirAll(filepath.Join(q, sub), 0o700); err != nil {
				return &MaildirError{Op: "quarantine", Path: q, Err: err}
			}
		}
		from := filepath.Join(m.dir, "new", e.Key)
		to := filepath.Join(q, "new", e.Key)
		if err := os.Rename(from, to); err != nil {
			return &MaildirError{Op: "quarantine", Path: from, Err: err}
		}
		if m.Logger != nil {
			m.Logger.WarnContext(ctx, "v1a: message quarantined", "maildir", m.dir, "file", e.Key, "message_id", id)
		}
		return nil
	}
	return &MaildirError{Op: "mark", Path: m.dir, Err: fmt.Errorf("unknown disposition %d", int(d))}
}

// record appends id to the handled record and syncs it.
func (m *Maildir) record(id string) error {
	if strings.ContainsAny(id, "\r\n") {
		return &MaildirError{Op: "record", Path: m.dir, Err: fs.ErrInvalid}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.handled[id] {
		return nil
	}
	path := filepath.Join(m.dir, HandledFileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return &MaildirError{Op: "record", Path: path, Err: err}
	}
	_, err = f.WriteString(id + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &MaildirError{Op: "record", Path: path, Err: err}
	}
	m.handled[id] = true
	return nil
}

// moveToCur moves new/name to cur/ with the Seen flag.
func (m *Maildir) moveToCur(name string) error {
	base, _, _ := strings.Cut(name, ":")
	from := filepath.Join(m.dir, "new", name)
	to := filepath.Join(m.dir, "cur", base+":2,S")
	if err := os.Rename(from, to); err != nil {
		return &MaildirError{Op: "move", Path: from, Err: err}
	}
	return nil
}

// MaildirError reports a failed Maildir operation on a path.
type MaildirError struct {
	Op   string // "open", "deliver", "fetch", "mark", "record", "move", "quarantine"
	Path string
	Err  error
}

func (e *MaildirError) Error() string {
	return "v1a: maildir " + e.Op + " " + strconv.Quote(e.Path) + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *MaildirError) Unwrap() error { return e.Err }
