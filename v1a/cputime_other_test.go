//go:build !unix

package v1a_test

import "time"

// cpuTime falls back to the wall clock where the process's CPU time is not
// available.
func cpuTime() time.Duration { return time.Duration(time.Now().UnixNano()) }
