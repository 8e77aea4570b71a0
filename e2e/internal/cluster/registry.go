//go:build linux

package cluster

import (
	"context"
	"fmt"
	"log"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// A Registry is an in-memory OCI registry on 127.0.0.1 that every node's
// containerd takes for a mirror of the public registries. An image pushed
// as docker.io/library/redis:7.4.1 is stored as
// docker.io/library/redis:7.4.1 under the registry's own address, and
// containerd, told that docker.io's mirror has its API root at
// http://127.0.0.1:PORT/v2/docker.io, pulls it from there: the pods name
// their images as they would anywhere.
type Registry struct {
	addr   string
	server *http.Server

	mu       sync.Mutex
	hostDirs []string // each node's containerd hosts directory
	hosts    []string // the registries mirrored so far
}

// MirroredRegistries are the registries the nodes pull from the Registry
// even before an image of theirs is pushed.
var MirroredRegistries = []string{"docker.io", "gcr.io", "ghcr.io", "quay.io", "registry.k8s.io", "registry.local"}

func startRegistry(logFile string) (*Registry, error) {
	out, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		out.Close()
		return nil, err
	}
	r := &Registry{addr: l.Addr().String()}
	r.server = &http.Server{Handler: registry.New(registry.Logger(log.New(out, "", log.LstdFlags)))}
	go func() {
		r.server.Serve(l)
		out.Close()
	}()
	return r, nil
}

func (r *Registry) stop() { r.server.Close() }

// Push stores the images under their references, such as
// "docker.io/library/redis:7.4.1" or "redis:7.4.1" (the same), and makes
// every node pull their registries through the Registry.
func (r *Registry) Push(ctx context.Context, images map[string]v1.Image) error {
	for _, ref := range slices.Sorted(maps.Keys(images)) {
		local, host, err := r.localRef(ref)
		if err != nil {
			return err
		}
		if err := r.mirror(host); err != nil {
			return err
		}
		if err := remote.Write(local, images[ref], remote.WithContext(ctx)); err != nil {
			return fmt.Errorf("pushing %s: %w", ref, err)
		}
	}
	return nil
}

// localRef returns where ref is stored in the registry, and the registry
// host ref names.
func (r *Registry) localRef(ref string) (name.Reference, string, error) {
	parsed, err := name.ParseReference(ref)
	if err != nil {
		return nil, "", err
	}
	host := parsed.Context().RegistryStr()
	if host == name.DefaultRegistry {
		// go-containerregistry calls Docker Hub index.docker.io;
		// containerd calls it docker.io, and asks its mirror for
		// library/redis when a pod says redis.
		host = "docker.io"
	}
	repo := r.addr + "/" + host + "/" + parsed.Context().RepositoryStr()
	var local name.Reference
	switch p := parsed.(type) {
	case name.Tag:
		local, err = name.NewTag(repo+":"+p.TagStr(), name.Insecure)
	case name.Digest:
		local, err = name.NewDigest(repo+"@"+p.DigestStr(), name.Insecure)
	}
	return local, host, err
}

// addNode has a node's containerd, whose hosts directory is dir, pull the
// mirrored registries through the Registry.
func (r *Registry) addNode(dir string) error {
	r.mu.Lock()
	r.hostDirs = append(r.hostDirs, dir)
	r.mu.Unlock()
	for _, host := range MirroredRegistries {
		if err := r.mirror(host); err != nil {
			return err
		}
	}
	return nil
}

// mirror writes host's hosts.toml for every node. containerd reads it at
// each pull, so a registry mirrored after the nodes started works too.
func (r *Registry) mirror(host string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.hosts, host) {
		r.hosts = append(r.hosts, host)
	}
	for _, dir := range r.hostDirs {
		for _, h := range r.hosts {
			path := filepath.Join(dir, h, "hosts.toml")
			if _, err := os.Stat(path); err == nil {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, []byte(hostsTOML(r.addr, h)), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// hostsTOML is containerd's registry host configuration that sends pulls of
// host's images to the mirror at addr, under a path of their own, so that
// docker.io's library/redis and quay.io's do not meet. The mirror replaces
// the registry rather than standing before it: a pull of an image nobody
// pushed fails at once, instead of trying the internet.
func hostsTOML(addr, host string) string {
	return fmt.Sprintf(`server = "http://%s/v2/%s"
override_path = true
capabilities = ["pull", "resolve"]
`, addr, host)
}
