//go:build linux

package cluster

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

// TestRegistryServesWhatContainerdAsks pushes images under the references
// pods use and fetches their manifests at the paths containerd asks its
// mirror for: http://ADDR/v2/<registry> is the API root hosts.toml gives
// (override_path), and Docker Hub's short names are library/NAME.
func TestRegistryServesWhatContainerdAsks(t *testing.T) {
	r, err := startRegistry(filepath.Join(t.TempDir(), "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.stop()
	hosts := t.TempDir()
	if err := r.addNode(hosts); err != nil {
		t.Fatal(err)
	}
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	push := map[string]v1.Image{
		"redis:7.4.1": img,
		"docker.io/nginxinc/nginx-unprivileged:1.27.3": img,
		"gcr.io/etcd-development/etcd:v3.5.17":         img,
		"example.org/team/app:2":                       img,
	}
	if err := r.Push(t.Context(), push); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ host, path string }{
		{"docker.io", "/v2/docker.io/library/redis/manifests/7.4.1"},
		{"docker.io", "/v2/docker.io/nginxinc/nginx-unprivileged/manifests/1.27.3"},
		{"gcr.io", "/v2/gcr.io/etcd-development/etcd/manifests/v3.5.17"},
		{"example.org", "/v2/example.org/team/app/manifests/2"},
	} {
		host, path := want.host, want.path
		req, err := http.NewRequest(http.MethodGet, "http://"+r.addr+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s, want 200 OK", path, resp.Status)
		}
		// Every node's containerd is told where the registry's
		// images are, for the built-in registries and any pushed to.
		data, err := os.ReadFile(filepath.Join(hosts, host, "hosts.toml"))
		if err != nil {
			t.Fatal(err)
		}
		if want := `server = "http://` + r.addr + `/v2/` + host + `"`; !strings.Contains(string(data), want) {
			t.Errorf("%s's hosts.toml:\n%s\nwant %s", host, data, want)
		}
	}
	for _, host := range MirroredRegistries {
		if _, err := os.Stat(filepath.Join(hosts, host, "hosts.toml")); err != nil {
			t.Error(err)
		}
	}
}
