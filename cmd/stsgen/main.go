package main

import (
	"os"
	"runtime/debug"
)

// The collector's settings, unless GOGC or GOMEMLIMIT set others. A
// build allocates much and keeps little alive: CUE's evaluation of a
// piece of apps, each app's objects until they are rendered. With Go's
// default (GOGC=100), the collector runs whenever the heap doubles,
// which for a small build is every few megabytes: a fifth of a one-app
// build's CPU time went to it. gcPercent lets the heap grow to five
// times what is alive before a collection, and memoryLimit, a soft
// limit, makes the collector run more often as the heap nears it, so
// that a large build stays near it instead of at five times its live
// heap. Soft: a build that needs more still gets it.
const (
	gcPercent   = 400
	memoryLimit = 200 << 20
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
