package sav_test

import (
	"testing"

	"github.com/opensav/savsdk/sav"
	"github.com/opensav/savsdk/sav/storetest"
)

func TestMemStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sav.Store { return sav.NewMemStore() })
}

func TestMemStoreZeroValue(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sav.Store { return new(sav.MemStore) })
}
