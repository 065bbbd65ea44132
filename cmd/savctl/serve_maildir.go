package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/v1a"
)

// maildirBox is protocol 1.0a by mail files, without a mail server. The
// layout under the --maildir directory is one Maildir per address, named
// by the address in lower case:
//
//	DIR/sav-ftth@sboi.sandbox/{tmp,new,cur}   the OI sandbox's mailbox
//	DIR/sav-ftth@bytl.example/{tmp,new,cur}   a partner's mailbox
//
// The sandbox polls its own Maildir (new/ → cur/ once handled, quarantined
// messages under its quarantine folder) and delivers each outbound mail
// into the Maildir of every recipient (tmp/ then new/), creating it when
// needed. Two sandboxes given the same directory mail each other; a
// partner's own program reads its Maildir, or a mail server delivers
// into the sandbox's.
type maildirBox struct {
	root  string
	inbox *v1a.Maildir

	mu    sync.Mutex
	boxes map[string]*v1a.Maildir
}

// openMaildirs opens the directory and the sandbox's own Maildir.
func openMaildirs(root, address string) (*maildirBox, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	b := &maildirBox{root: root, boxes: map[string]*v1a.Maildir{}}
	in, err := b.box(address)
	if err != nil {
		return nil, err
	}
	b.inbox = in
	return b, nil
}

// box returns the Maildir of an address.
func (b *maildirBox) box(address string) (*v1a.Maildir, error) {
	// An address comes from a mail (the sender answered): data, not a path.
	a := strings.ToLower(strings.TrimSpace(address))
	if _, err := v1a.SafeFileName(a); err != nil {
		return nil, fmt.Errorf("maildir: address %q cannot name a directory: %w", address, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if md, ok := b.boxes[a]; ok {
		return md, nil
	}
	md, err := v1a.OpenMaildir(filepath.Join(b.root, a))
	if err != nil {
		return nil, err
	}
	b.boxes[a] = md
	return md, nil
}

// Send implements v1a.Sender: it delivers m into each recipient's Maildir.
func (b *maildirBox) Send(ctx context.Context, m *v1a.Message) error {
	var errs []error
	for _, to := range m.Recipients() {
		md, err := b.box(to)
		if err == nil {
			err = md.Send(ctx, m)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// poller reads the sandbox's Maildir for the engine's handler, answering
// unreadable files from known partners with an AR KO.
func (b *maildirBox) poller(code string, self mail.Address, peers *sav.Peers, h v1a.MailHandler, logger *slog.Logger) *v1a.Poller {
	partners := map[string]string{}
	for i := range peers.Operators {
		if a := peers.Operators[i].Address(); a != "" {
			partners[strings.ToLower(a)] = peers.Operators[i].Code
		}
	}
	return &v1a.Poller{Mailbox: b.inbox, Handler: h, Replies: b, Self: self, Operator: code, Partners: partners,
		Logger: logger}
}

var _ v1a.Sender = (*maildirBox)(nil)
