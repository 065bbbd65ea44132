package v1a

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/ticket"
)

// postfixInstance is a private Postfix started for one test: its own
// configuration, queue and data directories under a temporary directory, one
// smtpd on a free 127.0.0.1 port with STARTTLS, and virtual delivery of
// sav@oi.test and sav@oc.test into Maildirs.
type postfixInstance struct {
	conf    string
	addr    string
	mail    string // virtual_mailbox_base
	maillog string
	pool    *x509.CertPool
}

// postfixBinary finds postfix, or skips the test (fails it under CI, where
// .ci/run installs it).
func postfixBinary(t *testing.T) string {
	t.Helper()
	underCI := os.Getenv("CI") == "true"
	bin, err := exec.LookPath("postfix")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/postfix"); serr == nil {
			bin, err = "/usr/sbin/postfix", nil
		}
	}
	switch {
	case err != nil && underCI:
		t.Fatalf("postfix is not installed but CI=true: .ci/run must install it (apt-get install postfix): %v", err)
	case err != nil:
		t.Skip("postfix is not installed; install it to run the MTA test: apt-get install -y postfix")
	case os.Geteuid() != 0 && underCI:
		t.Fatal("the Postfix test needs root (postfix start) and CI=true")
	case os.Geteuid() != 0:
		t.Skip("the Postfix test needs root to start a private Postfix instance")
	}
	return bin
}

func startPostfix(t *testing.T) *postfixInstance {
	t.Helper()
	bin := postfixBinary(t)
	root := t.TempDir()
	// The delivery agent runs as nobody: it must reach the mail base.
	for d := root; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	if !traversable(filepath.Dir(root)) {
		// A TMPDIR inside a private home: use /tmp instead.
		var err error
		root, err = os.MkdirTemp("/tmp", "savsdk-postfix-")
		require.NoError(t, err)
		t.Cleanup(func() { os.RemoveAll(root) })
		require.NoError(t, os.Chmod(root, 0o755))
	}
	p := &postfixInstance{
		conf:    filepath.Join(root, "conf"),
		mail:    filepath.Join(root, "mail"),
		maillog: filepath.Join(root, "maillog"),
	}
	for _, d := range []string{p.conf, filepath.Join(root, "queue"), filepath.Join(root, "data"), p.mail} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	run := func(args ...string) ([]byte, error) {
		return exec.Command(bin, args...).CombinedOutput()
	}
	require.NoError(t, os.Chown(filepath.Join(root, "data"), postfixUID(t), -1))
	require.NoError(t, os.Chown(p.mail, 65534, 65534))

	cert, pool := selfSignedCert(t)
	p.pool = pool
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	require.NoError(t, err)
	chain := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})
	chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})...)
	chainFile := filepath.Join(p.conf, "smtpd-chain.pem")
	require.NoError(t, os.WriteFile(chainFile, chain, 0o600))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = ln.Addr().String()
	require.NoError(t, ln.Close())

	mainCF := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.test
mydomain = test
myorigin = test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = oi.test, oc.test
virtual_mailbox_base = %[2]s
virtual_mailbox_maps = texthash:%[3]s/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
alias_maps =
alias_database =
maillog_file = %[4]s
maillog_file_prefixes = %[1]s
smtputf8_enable = no
biff = no
smtpd_tls_security_level = may
smtpd_tls_chain_files = %[5]s
`, root, p.mail, p.conf, p.maillog, chainFile)
	masterCF := p.addr + ` inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
virtual   unix  - n n - - virtual
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
tlsmgr    unix  - - n 1000? 1 tlsmgr
postlog   unix-dgram n - n - 1 postlogd
`
	vmailbox := "sav@oi.test oi/Maildir/\nsav@oc.test oc/Maildir/\n"
	require.NoError(t, os.WriteFile(filepath.Join(p.conf, "main.cf"), []byte(mainCF), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(p.conf, "master.cf"), []byte(masterCF), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(p.conf, "vmailbox"), []byte(vmailbox), 0o644))

	if out, err := run("-c", p.conf, "start"); err != nil {
		log, _ := os.ReadFile(p.maillog)
		t.Fatalf("postfix -c %s start: %v\n%s\n%s", p.conf, err, out, log)
	}
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(p.maillog)
			t.Logf("Postfix log:\n%s", log)
		}
		if out, err := run("-c", p.conf, "stop"); err != nil {
			t.Errorf("postfix -c %s stop: %v\n%s", p.conf, err, out)
		}
	})
	// Wait for smtpd to listen.
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Postfix does not listen on %s: %v", p.addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p
}

// traversable reports whether every directory from dir up to / lets others
// through.
func traversable(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func postfixUID(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("id", "-u", "postfix").Output()
	require.NoError(t, err, "the postfix user must exist (created by the Debian package)")
	var uid int
	_, err = fmt.Sscan(string(out), &uid)
	require.NoError(t, err)
	return uid
}

// waitMaildir waits until Postfix delivered n messages into the new/ of the
// Maildir at dir, then opens it.
func (p *postfixInstance) waitMaildir(t *testing.T, dir string, n int) *Maildir {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		entries, _ := os.ReadDir(filepath.Join(dir, "new"))
		if len(entries) >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Postfix delivered %d message(s) into %s, want %d", len(entries), dir, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	md, err := OpenMaildir(dir)
	require.NoError(t, err)
	return md
}

func (p *postfixInstance) sender(from string) *SMTPSender {
	return &SMTPSender{
		Addr:           p.addr,
		LocalName:      from,
		StartTLS:       StartTLSRequired,
		TLSConfig:      &tls.Config{RootCAs: p.pool, ServerName: "127.0.0.1"},
		CommandTimeout: 30 * time.Second,
	}
}

// TestPostfixDepotAndAR sends a DEPOT through a real Postfix with the SDK's
// SMTP sender, reads it back from the Maildir Postfix delivered it to,
// answers the AR the same way and checks both ends byte for byte.
func TestPostfixDepotAndAR(t *testing.T) {
	p := startPostfix(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	oc := mail.Address{Name: "SAV BTGP", Address: "sav@oc.test"}
	oi := mail.Address{Name: "SAV FTEL", Address: "sav@oi.test"}
	now := time.Now().In(ticket.Paris)
	depots := []Record{
		&Depot{ReferencePrise: "FI-1234-5678", ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000123-0001",
			DateIncidClientFinal: ticket.DateOf(now.AddDate(0, 0, -2)), NatureDefaut: codes.NatureDefautCoupure,
			PrelocDefaut: codes.PrelocDefautPBO, NomClient: "Lefèvre", PrenomClient: "Chloé",
			Commentaire: "Pas de signal chez notre cliente…. Signal au PM : -19.43 dBm, cœur du boîtier, coût 10 €"},
		&Depot{ReferencePrestationPrise: "VIA0A0000000BBBBBBBB", ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000124-0001",
			DateIncidClientFinal: ticket.DateOf(now.AddDate(0, 0, -1)), NatureDefaut: codes.NatureDefautCoupure,
			PrelocDefaut: codes.PrelocDefautPM},
	}
	var seq Sequence
	depot, err := NewMessage(oc, []mail.Address{oi}, NewFileName(&seq, FlowDepot, "BTGP", "FTEL", now), depots, nil)
	require.NoError(t, err)
	depot.MessageID = "depot-0001@oc.test"
	depot.Date = now
	depotRaw, err := (&Composer{Rand: &counter{}}).composeBytes(depot)
	require.NoError(t, err)

	ocSender := p.sender("mx.oc.test")
	ocSender.Composer = &Composer{Rand: &counter{}}
	require.NoError(t, ocSender.Send(ctx, depot))

	// The OI reads its Maildir and answers through Postfix.
	oiBox := p.waitMaildir(t, filepath.Join(p.mail, "oi", "Maildir"), 1)
	var got *Inbound
	var arRaw []byte
	var ar *Message
	oiSender := p.sender("mx.oi.test")
	poller := &Poller{Mailbox: oiBox, Handler: MailHandlerFunc(func(ctx context.Context, in *Inbound) error {
		got = in
		ack, err := ComputeAR(ctx, bytes.NewReader(in.Message.Attachment), AckOptions{Charset: in.Message.Charset, IDPrefix: "FTEL-"})
		if err != nil {
			return err
		}
		ar, err = NewMessage(oi, []mail.Address{in.Message.From}, NewFileName(&seq, FlowAR, "FTEL", in.Name.Sender, time.Now()),
			ack.Records(), &MessageOptions{InReplyTo: in.Message.MessageID})
		if err != nil {
			return err
		}
		ar.MessageID = "ar-0001@oi.test"
		ar.Date = time.Now()
		if arRaw, err = (&Composer{Rand: &counter{}}).composeBytes(ar); err != nil {
			return err
		}
		oiSender.Composer = &Composer{Rand: &counter{}}
		return oiSender.Send(ctx, ar)
	})}
	res, err := poller.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, PollResult{Handled: 1}, res)

	// OI end: the message Postfix delivered is the message sent, byte for
	// byte, after the trace headers Postfix prepends.
	oiFiles := listDir(t, filepath.Join(oiBox.Dir(), "cur"))
	require.Len(t, oiFiles, 1)
	delivered, err := os.ReadFile(filepath.Join(oiBox.Dir(), "cur", oiFiles[0]))
	require.NoError(t, err)
	// Postfix writes Maildir files with LF line ends; the CSV inside base64
	// keeps its CRLF.
	depotLF := bytes.ReplaceAll(depotRaw, []byte("\r\n"), []byte("\n"))
	require.True(t, bytes.HasSuffix(delivered, depotLF), "the delivered DEPOT mail ends with the bytes sent")
	require.Contains(t, string(delivered[:len(delivered)-len(depotLF)]), "Received: from mx.oc.test")
	require.Equal(t, depot.Attachment, got.Message.Attachment, "CSV bytes sent and received")
	require.Equal(t, "depot-0001@oc.test", got.Message.MessageID)
	if diff := cmp.Diff(depots, got.Records); diff != "" {
		t.Errorf("DEPOT records (-sent +received):\n%s", diff)
	}

	// OC end: the AR.
	ocBox := p.waitMaildir(t, filepath.Join(p.mail, "oc", "Maildir"), 1)
	envs, err := ocBox.Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, envs, 1)
	require.True(t, bytes.HasSuffix(envs[0].Raw, bytes.ReplaceAll(arRaw, []byte("\r\n"), []byte("\n"))),
		"the delivered AR mail ends with the bytes sent")
	answer, err := ReadMail(bytes.NewReader(envs[0].Raw))
	require.NoError(t, err)
	require.Equal(t, ar.Attachment, answer.Message.Attachment, "AR CSV bytes sent and received")
	require.Equal(t, "depot-0001@oc.test", answer.Message.InReplyTo)
	require.Equal(t, FlowAR, answer.Flow)
	require.Equal(t, "FTEL", answer.Name.Sender)
	require.Len(t, answer.Records, 2)
	for i, r := range answer.Records {
		a := r.(*AR)
		require.Equal(t, StatutOK, a.StatutAR, "line %d: %s", i+1, a.MotifRefus)
		require.Equal(t, depots[i].(*Depot).ReferenceSigSAVRaccoOC, a.ReferenceSigSAVRaccoOC)
		require.Equal(t, fmt.Sprintf("FTEL-%06d", i+1), a.ReferenceSigSAVOI)
	}
	require.NoError(t, ocBox.Mark(ctx, envs[0], DispositionHandled))
	require.True(t, strings.HasSuffix(listDir(t, filepath.Join(ocBox.Dir(), "cur"))[0], ":2,S"))
}
