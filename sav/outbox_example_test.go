package sav_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/opensav/savsdk/codes"
	"github.com/opensav/savsdk/sav"
)

// A dispatcher delivers the outbox through the protocol layers' deliverers;
// a permanent refusal parks the delivery where Stuck shows it.
func ExampleDispatcher() {
	ctx := context.Background()
	store := sav.NewMemStore()
	key := sav.Key{Role: codes.RoleOI, CodeOC: "BYTL", ReferenceSigSAVRaccoOC: "BTGP-MG-OI-000123-0001"}
	to := sav.Destination{Code: "BYTL", Address: "https://sav.bytl.example/sav/v2/oc"}
	_, err := store.Commit(ctx, sav.Effects{Deliveries: []sav.Delivery{
		{Protocol: sav.ProtocolV2, Destination: to, Label: "CASE SOLVING NOTIFICATION", Tickets: []sav.Key{key}},
		{Protocol: sav.ProtocolV2, Destination: to, Label: "CASE SOLVED NOTIFICATION", Tickets: []sav.Key{key}},
		{Protocol: sav.ProtocolV1A, Destination: sav.Destination{Code: "SFRA", Address: "sav@sfra.example"},
			Label: "SAV_AR_FTEL_SFRA_20260302090100_0001.csv"},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{}, 3)
	v2 := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
		fmt.Println("v2:", d.Label) // a SOAP client would post d.Body to d.Destination.Address
		done <- struct{}{}
		return nil
	})
	v1a := sav.DelivererFunc(func(ctx context.Context, d *sav.Delivery) error {
		defer func() { done <- struct{}{} }()
		return sav.Permanent(errors.New("550 mailbox unavailable"))
	})
	disp := &sav.Dispatcher{Outbox: store, Concurrency: 1,
		Deliverer: sav.ProtocolDeliverers{sav.ProtocolV2: v2, sav.ProtocolV1A: v1a}}
	stopped := make(chan error)
	go func() { stopped <- disp.Run(runCtx) }()
	for range 3 {
		<-done
	}
	stop()
	<-stopped

	stuck, _ := store.Stuck(ctx)
	for _, d := range stuck {
		fmt.Printf("stuck: %s (%s: %s)\n", d.Label, d.Reason, d.LastError)
	}
	// Output:
	// v2: CASE SOLVING NOTIFICATION
	// v2: CASE SOLVED NOTIFICATION
	// stuck: SAV_AR_FTEL_SFRA_20260302090100_0001.csv (permanent failure: permanent: 550 mailbox unavailable)
}

// The retry schedule: each wait doubles up to the cap, less a random part
// of at most Jitter (here the largest, r close to 1, and none, r = 0).
func ExampleBackoff_Delay() {
	b := sav.Backoff{Initial: 2 * time.Second, Max: time.Minute, Multiplier: 2, Jitter: 0.2}
	for attempt := 1; attempt <= 7; attempt++ {
		fmt.Printf("after attempt %d: %v to %v\n", attempt, b.Delay(attempt, 1), b.Delay(attempt, 0))
	}
	// Output:
	// after attempt 1: 1.6s to 2s
	// after attempt 2: 3.2s to 4s
	// after attempt 3: 6.4s to 8s
	// after attempt 4: 12.8s to 16s
	// after attempt 5: 25.6s to 32s
	// after attempt 6: 48s to 1m0s
	// after attempt 7: 48s to 1m0s
}
