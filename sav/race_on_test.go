//go:build race

package sav_test

// raceEnabled: the race detector slows everything down ten times; the load
// test then runs its -short size.
const raceEnabled = true
