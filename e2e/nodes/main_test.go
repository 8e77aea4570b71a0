//go:build linux

// Package nodes runs a real cluster on this machine and proves that it
// behaves as one: a control plane, kube-scheduler, kube-proxy, CoreDNS, an
// image registry, a volume provisioner and three nodes in three zones, each
// its own containerd and kubelet, whose pods run the suite's probe image.
// It is the ground that stsgen's examples will run their real servers on.
//
// It needs root, and e2e/install --nodes; e2e/run runs it.
package nodes

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/stsgen/stsgen/e2e/internal/cluster"
	"github.com/stsgen/stsgen/e2e/internal/crds"
	"github.com/stsgen/stsgen/e2e/internal/images"
)

// The probe image, under two names: a short one, which containerd takes
// for docker.io/library/stsgen-probe, and one on a registry of its own.
const (
	probeShort = "stsgen-probe:1"
	probeImage = "registry.local/stsgen-e2e/probe:1"
)

var c *cluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// exampleImages builds, or takes from the cache, the examples' images.
func exampleImages(ctx context.Context) (map[string]v1.Image, error) {
	cache := os.Getenv("STSGEN_E2E_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, err
		}
		cache = filepath.Join(dir, "stsgen-e2e")
	}
	start := time.Now()
	built, err := images.BuildAll(ctx, cache, images.Options{Log: os.Stderr})
	if err != nil {
		return nil, err
	}
	out := map[string]v1.Image{}
	for _, b := range built {
		for _, ref := range b.Recipe.Refs {
			out[ref] = b.Image
		}
	}
	fmt.Fprintf(os.Stderr, "e2e/nodes: %d images ready in %.0fs\n", len(built), time.Since(start).Seconds())
	return out, nil
}

func run(m *testing.M) int {
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "e2e/nodes: the real-node suite needs root")
		return 1
	}
	bin := os.Getenv("STSGEN_E2E_BIN")
	if bin == "" {
		cmd := exec.Command("../install", "--nodes")
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e/nodes: ../install --nodes: %v\n", err)
			return 1
		}
		bin = strings.TrimSpace(string(out))
	}
	module, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	// An interrupt, even during start-up, tears the cluster down.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	cl, err := cluster.Start(ctx, cluster.Options{Bin: bin, Nodes: 3, Module: module})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e/nodes: starting the cluster: %v\n", err)
		return 1
	}
	// On a signal the cluster goes at once, and so does the suite: its
	// tests would only wait for a cluster that is gone.
	finished := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			fmt.Fprintln(os.Stderr, "e2e/nodes: interrupted; tearing the cluster down")
			if err := cl.Stop(context.Background()); err != nil {
				fmt.Fprintf(os.Stderr, "e2e/nodes: teardown: %v\n", err)
			}
			os.Exit(1)
		case <-finished:
		}
	}()
	// The CRDs of the custom resources the examples write (a
	// cert-manager Certificate, say), from the projects' own modules.
	start := time.Now()
	err = crds.Install(ctx, cl.Dynamic)
	if err == nil {
		fmt.Fprintf(os.Stderr, "e2e/nodes: CRDs established in %.1fs\n", time.Since(start).Seconds())
	}
	var probe v1.Image
	if err == nil {
		probe, err = cluster.GoImage(ctx, module, "./nodes/probe")
	}
	if err == nil {
		err = cl.Registry.Push(ctx, map[string]v1.Image{probeShort: probe, probeImage: probe})
	}
	if err == nil {
		// The examples' images, under the names the examples give, from
		// Debian's packages (e2e/images); built on the first run only.
		var imgs map[string]v1.Image
		if imgs, err = exampleImages(ctx); err == nil {
			err = cl.Registry.Push(ctx, imgs)
		}
	}
	code := 1
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e/nodes: the CRDs and images: %v\n", err)
	} else {
		c = cl
		code = m.Run()
	}
	close(finished)
	// Stop checks that the machine is as it was: mounts, links, iptables
	// chains, nft tables, cgroups, sysctls and processes.
	if err := cl.Stop(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "e2e/nodes: teardown: %v\n", err)
		return 1
	}
	return code
}
