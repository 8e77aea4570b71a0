//go:build linux

// Package e2e runs stsgen's examples, and variants of them, against a real
// Kubernetes control plane: etcd, kube-apiserver and
// kube-controller-manager, built by ./install and run on 127.0.0.1. A fake
// kubelet stands in for the nodes, so that the tests decide when each pod
// becomes Ready.
//
// Run it with e2e/run, as the README says; `go test` in this directory works
// too, and builds the binaries on first use.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stsgen/stsgen/e2e/internal/cluster"
	"github.com/stsgen/stsgen/e2e/internal/crds"
)

var (
	cp      *cluster.ControlPlane
	kubelet *fakeKubelet
)

// controllers are the kube-controller-manager controllers the suite needs:
// the StatefulSet controller creates pods and claims, the disruption
// controller computes the budgets' status, and the EndpointSlice controller
// publishes the pods behind each Service. There is no kubelet and no
// scheduler: the suite's fakeKubelet plays both.
var controllers = []string{"statefulset", "disruption", "endpointslice"}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin := os.Getenv("STSGEN_E2E_BIN")
	if bin == "" {
		// Build, or find in the cache, the binaries install pins.
		cmd := exec.Command("./install")
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: ./install: %v\n", err)
			return 1
		}
		bin = strings.TrimSpace(string(out))
	}

	// An interrupt, even during start-up, cancels ctx, and the control
	// plane stops.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	c, err := cluster.StartControlPlane(ctx, cluster.ControlPlaneOptions{Bin: bin, Controllers: controllers})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: starting the control plane: %v\n", err)
		return 1
	}
	go func() {
		<-ctx.Done()
		c.Stop()
	}()
	// The CRDs of the custom resources stsgen writes, from the projects'
	// own modules.
	start := time.Now()
	if err := crds.Install(ctx, c.Dynamic); err != nil {
		cancel()
		c.Stop()
		fmt.Fprintf(os.Stderr, "e2e: installing the CRDs: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: CRDs established in %.1fs\n", time.Since(start).Seconds())
	k, err := startKubelet(ctx, c.Client)
	if err != nil {
		cancel()
		c.Stop()
		fmt.Fprintf(os.Stderr, "e2e: starting the fake kubelet: %v\n%s", err, c.LogTails(30))
		return 1
	}
	cp, kubelet = c, k
	code := m.Run()
	// The kubelet goes first, then the components.
	cancel()
	c.Stop()
	return code
}
