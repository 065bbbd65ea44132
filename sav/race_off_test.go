//go:build !race

package sav_test

const raceEnabled = false
