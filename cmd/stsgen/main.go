// Command stsgen compiles stateful apps described in CUE into consistent
// Kubernetes manifests: a StatefulSet, its Services, ConfigMap and
// PodDisruptionBudget.
package main

import (
	"os"
	"runtime/debug"
)

// memoryLimit is the soft limit on the memory the Go runtime holds, unless
// GOMEMLIMIT sets another. A build keeps little alive, each app's objects
// only until they are rendered, so without a limit the heap would grow to
// twice what is alive before the collector runs; with it, the collector
// runs more often once the heap nears the limit, and a large build stays
// near it at no measurable cost in time. It is soft: a build that needs
// more still gets it.
const memoryLimit = 256 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
