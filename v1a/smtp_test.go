package v1a

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testSMTPServer is a small loopback SMTP server: STARTTLS with a
// self-signed certificate, AUTH PLAIN offered only over TLS, and hooks to
// answer a command with a chosen reply or not at all.
type testSMTPServer struct {
	ln       net.Listener
	tls      *tls.Config // nil: no STARTTLS offered
	user     string
	password string
	// reply overrides the answer to a command verb ("MAIL", "RCPT", "DATA",
	// "EHLO"); "stall" means never answer.
	reply map[string]string

	mu       sync.Mutex
	sessions []*smtpSession
	wg       sync.WaitGroup
}

type smtpSession struct {
	TLS      bool
	AuthUser string
	From     string
	To       []string
	Data     []byte
}

func newTestSMTPServer(t *testing.T, withTLS bool) (*testSMTPServer, *x509.CertPool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &testSMTPServer{ln: ln, user: "oc-btgp", password: "s3cr3t", reply: map[string]string{}}
	var pool *x509.CertPool
	if withTLS {
		cert, p := selfSignedCert(t)
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
		pool = p
	}
	done := make(chan struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				go func() {
					<-done
					c.Close()
				}()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		close(done)
		ln.Close()
		s.wg.Wait()
	})
	return s, pool
}

func (s *testSMTPServer) addr() string { return s.ln.Addr().String() }

func (s *testSMTPServer) last() *smtpSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sessions) == 0 {
		return nil
	}
	return s.sessions[len(s.sessions)-1]
}

func (s *testSMTPServer) serve(c net.Conn) {
	sess := &smtpSession{}
	tp := textproto.NewConn(c)
	_ = tp.PrintfLine("220 mx.test.example ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		if r, ok := s.reply[verb]; ok {
			if r == "stall" {
				_, _ = io.Copy(io.Discard, c) // until the client goes away
				return
			}
			_ = tp.PrintfLine("%s", r)
			continue
		}
		switch verb {
		case "EHLO", "HELO":
			lines := []string{"mx.test.example"}
			if s.tls != nil && !sess.TLS {
				lines = append(lines, "STARTTLS")
			}
			if s.tls == nil || sess.TLS {
				lines = append(lines, "AUTH PLAIN")
			}
			lines = append(lines, "8BITMIME")
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				_ = tp.PrintfLine("250%s%s", sep, l)
			}
		case "STARTTLS":
			_ = tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c = tc
			tp = textproto.NewConn(tc)
			sess.TLS = true
		case "AUTH":
			mech, ir, _ := strings.Cut(arg, " ")
			if !strings.EqualFold(mech, "PLAIN") {
				_ = tp.PrintfLine("504 unrecognized mechanism")
				continue
			}
			dec, err := base64.StdEncoding.DecodeString(ir)
			parts := strings.Split(string(dec), "\x00")
			if err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.password {
				_ = tp.PrintfLine("535 5.7.8 authentication failed")
				continue
			}
			sess.AuthUser = parts[1]
			_ = tp.PrintfLine("235 2.7.0 authenticated")
		case "MAIL":
			sess.From = angle(arg)
			_ = tp.PrintfLine("250 ok")
		case "RCPT":
			sess.To = append(sess.To, angle(arg))
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 end with .")
			data, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			sess.Data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")) // DotReader gives LF
			s.mu.Lock()
			s.sessions = append(s.sessions, sess)
			s.mu.Unlock()
			_ = tp.PrintfLine("250 2.0.0 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 command not implemented")
		}
	}
}

// angle returns the path between the angle brackets of a MAIL or RCPT
// argument.
func angle(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	path, _, _ := strings.Cut(rest, ">")
	return path
}

func selfSignedCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mx.test.example"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestSMTPSenderSTARTTLSAuthPlain(t *testing.T) {
	srv, pool := newTestSMTPServer(t, true)
	s := &SMTPSender{
		Addr:      srv.addr(),
		StartTLS:  StartTLSRequired,
		TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"},
		Username:  "oc-btgp",
		Password:  "s3cr3t",
		Composer:  testComposer(),
	}
	m := depotMessage(t)
	m.To = append(m.To, mail.Address{Name: "Copie", Address: "archive@oi.example"})
	m.Text = ".\n..\nLigne commençant par un point :\n.fin\n"
	require.NoError(t, s.Send(context.Background(), m))

	got := srv.last()
	require.NotNil(t, got)
	require.True(t, got.TLS, "the session was upgraded")
	require.Equal(t, "oc-btgp", got.AuthUser)
	require.Equal(t, "sav@oc.example", got.From)
	require.Equal(t, []string{"sav@oi.example", "archive@oi.example"}, got.To)

	want, err := m.Bytes() // same Message-ID and Date: composed again identically but for the boundary
	require.NoError(t, err)
	parsedWant, err := ParseMail(bytes.NewReader(want))
	require.NoError(t, err)
	parsedGot, err := ParseMail(bytes.NewReader(got.Data))
	require.NoError(t, err)
	require.Equal(t, parsedWant, parsedGot)
	require.Equal(t, readMailFixture(t, "depot_win1252.csv"), parsedGot.Attachment)
	require.Equal(t, m.Text, parsedGot.Text, "dot-stuffed lines come back")
}

func TestSMTPSenderPlainLoopbackWithoutTLS(t *testing.T) {
	srv, _ := newTestSMTPServer(t, false)
	s := &SMTPSender{Addr: srv.addr(), Username: "oc-btgp", Password: "s3cr3t"}
	require.NoError(t, s.Send(context.Background(), depotMessage(t)))
	require.Equal(t, "oc-btgp", srv.last().AuthUser)
	require.False(t, srv.last().TLS)
}

func TestSMTPSenderErrors(t *testing.T) {
	tests := []struct {
		name      string
		withTLS   bool
		reply     map[string]string
		sender    func(s *SMTPSender)
		command   string
		code      int
		temporary bool
		is        error
	}{
		{name: "wrong password", withTLS: true, sender: func(s *SMTPSender) { s.Password = "nope" },
			command: "AUTH", code: 535},
		{name: "STARTTLS required, not offered", sender: func(s *SMTPSender) { s.StartTLS = StartTLSRequired },
			command: "STARTTLS", is: ErrSTARTTLSUnavailable},
		{name: "AUTH not offered", reply: map[string]string{"EHLO": "250 mx.test.example"},
			command: "AUTH", is: ErrAuthUnavailable},
		{name: "mailbox busy", reply: map[string]string{"RCPT": "450 4.2.1 mailbox busy"},
			command: "RCPT TO", code: 450, temporary: true},
		{name: "unknown user", reply: map[string]string{"RCPT": "550 5.1.1 unknown user"},
			command: "RCPT TO", code: 550},
		{name: "sender refused", reply: map[string]string{"MAIL": "553 5.7.1 sender refused"},
			command: "MAIL FROM", code: 553},
		{name: "data refused", reply: map[string]string{"DATA": "554 5.3.0 no"},
			command: "DATA", code: 554},
		{name: "untrusted certificate", withTLS: true, sender: func(s *SMTPSender) { s.TLSConfig = nil },
			command: "STARTTLS"},
		{name: "command timeout", reply: map[string]string{"EHLO": "stall"},
			sender:  func(s *SMTPSender) { s.CommandTimeout = 100 * time.Millisecond },
			command: "EHLO", temporary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, pool := newTestSMTPServer(t, tt.withTLS)
			for k, v := range tt.reply {
				srv.reply[k] = v
			}
			s := &SMTPSender{Addr: srv.addr(), Username: "oc-btgp", Password: "s3cr3t"}
			if pool != nil {
				s.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
			}
			if tt.sender != nil {
				tt.sender(s)
			}
			err := s.Send(context.Background(), depotMessage(t))
			var se *SMTPError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.command, se.Command, "%v", err)
			require.Equal(t, tt.code, se.Code, "%v", err)
			require.Equal(t, tt.temporary, se.Temporary(), "%v", err)
			if tt.is != nil {
				require.ErrorIs(t, err, tt.is)
			}
			require.Nil(t, srv.last(), "nothing was delivered")
		})
	}
}

func TestSMTPSenderContext(t *testing.T) {
	srv, _ := newTestSMTPServer(t, false)
	srv.reply["EHLO"] = "stall"
	s := &SMTPSender{Addr: srv.addr()}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := s.Send(ctx, depotMessage(t))
	require.ErrorIs(t, err, context.Canceled)
	var se *SMTPError
	require.ErrorAs(t, err, &se)
	require.False(t, se.Temporary())

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = s.Send(ctx, depotMessage(t))
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// Already cancelled: no connection is made.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	err = s.Send(ctx, depotMessage(t))
	require.ErrorIs(t, err, context.Canceled)
}

func TestSMTPSenderConnectErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	s := &SMTPSender{Addr: addr, DialTimeout: time.Second}
	err = s.Send(context.Background(), depotMessage(t))
	var se *SMTPError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "connect", se.Command)
	require.True(t, se.Temporary())

	err = (&SMTPSender{Addr: "no-port"}).Send(context.Background(), depotMessage(t))
	require.ErrorAs(t, err, &se)
	require.Equal(t, "connect", se.Command)

	err = (&SMTPSender{Addr: addr}).SendRaw(context.Background(), "a@b.example", nil, []byte("x"))
	require.ErrorIs(t, err, ErrMailIncomplete)

	m := depotMessage(t)
	m.To = nil
	var me *MailError
	require.ErrorAs(t, (&SMTPSender{Addr: addr}).Send(context.Background(), m), &me)
}

func TestSMTPErrorText(t *testing.T) {
	e := &SMTPError{Command: "RCPT TO", Code: 550, Message: "5.1.1 unknown user"}
	require.Equal(t, "v1a: smtp RCPT TO: 550 5.1.1 unknown user", e.Error())
	e = &SMTPError{Command: "connect", Err: errors.New("refused")}
	require.Equal(t, "v1a: smtp connect: refused", e.Error())
	require.False(t, (&SMTPError{Command: "x", Err: errors.New("plain")}).Temporary())
}
