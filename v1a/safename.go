package v1a

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrUnsafeName: a name that came with a mail or from a partner (an
// attachment's file name, a Maildir key, an address used as a directory)
// is not a plain file name, so it cannot be used to name a file in a
// directory. Returned wrapped in an [*UnsafeNameError].
var ErrUnsafeName = errors.New("v1a: not a plain file name")

// maxNameBytes is the longest name most file systems accept.
const maxNameBytes = 255

// UnsafeNameError reports a name [SafeFileName] refuses.
type UnsafeNameError struct {
	Name   string // the name as received
	Reason string
}

func (e *UnsafeNameError) Error() string {
	return "v1a: file name " + strconv.Quote(e.Name) + ": " + e.Reason
}

// Unwrap returns [ErrUnsafeName] and [fs.ErrInvalid] (the name is an
// invalid argument, as the os package reports them).
func (e *UnsafeNameError) Unwrap() []error { return []error{ErrUnsafeName, fs.ErrInvalid} }

// SafeFileName returns name when it can be used, as it is, as the name of a
// file inside a directory, whatever the operating system: names from mail
// and partners are data, not paths. It refuses, with an
// [*UnsafeNameError], an empty name, "." and "..", a name with a path
// separator (/ or \, so no absolute path and no parent directory), a
// control character (NUL included), a Windows drive letter ("C:x.csv", a
// colon after a letter), a name the local system would not take as
// local (filepath.IsLocal: on Windows, reserved names such as NUL or
// COM1), and a name over 255 bytes.
//
// Names are refused, not repaired: a 1.0a file name carries the flow, the
// parties and the sequence, and a repaired name would silently be another
// one. Every SDK function that names a file with such a name checks it
// here: the mail parser (an attachment's file name), the composer, the
// Maildir's Mark (a message key). What a refused mail held is kept: the
// [Poller] quarantines the message file unchanged.
func SafeFileName(name string) (string, error) {
	fail := func(reason string) (string, error) { return "", &UnsafeNameError{Name: name, Reason: reason} }
	switch {
	case name == "":
		return fail("empty")
	case name == "." || name == "..":
		return fail("names a directory")
	case strings.ContainsAny(name, `/\`):
		return fail("holds a path separator")
	case len(name) > maxNameBytes:
		return fail("longer than " + strconv.Itoa(maxNameBytes) + " bytes")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == 0x7f {
			return fail("holds a control character")
		}
	}
	if len(name) >= 2 && name[1] == ':' && ('A' <= name[0] && name[0] <= 'Z' || 'a' <= name[0] && name[0] <= 'z') {
		return fail("starts with a drive letter")
	}
	if !filepath.IsLocal(name) {
		return fail("not a local file name on this system")
	}
	return name, nil
}
