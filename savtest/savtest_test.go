package savtest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/savtest"
	"github.com/opensav/savsdk/ticket"
)

func TestPairBothProtocols(t *testing.T) {
	for _, proto := range []savtest.Protocol{savtest.V2, savtest.V1A} {
		t.Run(proto.String(), func(t *testing.T) {
			ctx := context.Background()
			p := savtest.NewPair(t, savtest.Options{Protocol: proto, OCCode: "ABCD", OICode: "WXYZ"})
			require.Equal(t, proto, p.Protocol)
			_, err := p.OC.File(ctx, p.Filing("T-1"))
			require.NoError(t, err)
			filed := p.OIEvents.Wait(t, "T-1", sav.EventFiled)
			require.Equal(t, p.OIKey("T-1"), filed.Key)
			require.Equal(t, "ABCD", filed.Partner)
			_, err = p.OI.Close(ctx, filed.Key, ticket.Closure{Code: "ERR01", Responsabilite: codes.ResponsabiliteOC})
			require.NoError(t, err)
			e := p.OCEvents.Wait(t, "", sav.EventClosed)
			require.Equal(t, p.OCKey("T-1"), e.Key)
			require.NotEmpty(t, p.OCEvents.Events())
		})
	}
}

func TestRecorderWaitFuncTimeout(t *testing.T) {
	var r savtest.Recorder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := r.WaitFunc(ctx, func(sav.Event) bool { return true })
	require.ErrorIs(t, err, context.DeadlineExceeded)
	go r.HandleEvent(context.Background(), sav.Event{Kind: sav.EventClosed})
	e, err := r.WaitFunc(context.Background(), func(e sav.Event) bool { return e.Kind == sav.EventClosed })
	require.NoError(t, err)
	require.Equal(t, sav.EventClosed, e.Kind)
}

func TestEndpointRestartAndLoseResponses(t *testing.T) {
	ep, err := savtest.NewEndpoint()
	require.NoError(t, err)
	defer ep.Close()
	var calls atomic.Int32
	ep.Handle("/x", savtest.LoseResponses(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, "ok")
	}), 1))
	post := func() (string, error) {
		resp, err := http.Post(ep.URL+"/x", "text/plain", strings.NewReader("hi"))
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	_, err = post()
	require.Error(t, err, "the first answer is lost")
	require.Equal(t, int32(1), calls.Load(), "but the work was done")
	got, err := post()
	require.NoError(t, err)
	require.Equal(t, "ok", got)

	ep.Stop()
	_, err = post()
	require.Error(t, err)
	require.NoError(t, ep.Restart())
	got, err = post()
	require.NoError(t, err)
	require.Equal(t, "ok", got)
}

func TestPostOfficeUnknownRecipient(t *testing.T) {
	po := savtest.NewPostOffice(time.Millisecond)
	p := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
	m := p.Post.Maildir(p.OIAddress.Address)
	require.NotNil(t, m)
	require.Nil(t, po.Maildir("nobody@example.test"))
}

// Start wires an OC and an OI together for a program that is not a test
// (an example, a demonstration); NewPair does the same in a test.
func ExampleStart() {
	pair, err := savtest.Start(savtest.Options{Protocol: savtest.V2})
	if err != nil {
		panic(err)
	}
	defer pair.Close()
	ctx := context.Background()
	tk, err := pair.OC.File(ctx, pair.Filing("BYTL-0001"))
	if err != nil {
		panic(err)
	}
	fmt.Println(tk.State, tk.ReferenceSigSAVOI)
	// Output: QUEUED FTEL00000001
}

func TestV2Client(t *testing.T) {
	ctx := context.Background()
	p := savtest.NewPair(t, savtest.Options{})
	c, err := p.V2Client(codes.RoleOC)
	require.NoError(t, err)
	res, err := c.Create(ctx, p.Filing("T-RAW"), nil)
	require.NoError(t, err)
	filed := p.OIEvents.Wait(t, "T-RAW", sav.EventFiled)
	require.Equal(t, res.Key, filed.Ticket.ReferenceSigSAVOI)
	got, err := c.Get(ctx, res.Key, nil)
	require.NoError(t, err)
	require.Equal(t, ticket.StateQueued, got.State)
	_, err = p.V2Client("XX")
	require.Error(t, err)
	v1 := savtest.NewPair(t, savtest.Options{Protocol: savtest.V1A})
	_, err = v1.V2Client(codes.RoleOI)
	require.Error(t, err)
}
