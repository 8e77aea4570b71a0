package images

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// The cache's promises, on small recipes of the tests' own: an image
// built twice is the same image, two builders at once build it once, and
// an interrupted build leaves nothing behind.

const scratchRecipe = `
name: "tiny"
upstream: "example.com/tiny:1"
refs: ["example.com/tiny:1", "docker.io/library/tiny:1"]
base: "scratch"
accounts: [{name: "app", uid: 1234, gid: 1234, home: "/home/app"}]
dirs: [{path: "/data", uid: 1234, gid: 1234, mode: 0o2775}, {path: "/tmp", mode: 0o1777}]
files: [{path: "/usr/local/bin/hello", source: "files/hello", mode: 0o755}]
symlinks: [{path: "/bin/hello", target: "/usr/local/bin/hello"}]
config: {user: "1234", cmd: ["hello"], workingDir: "/data", env: {GREETING: "hi"}}
binaries: ["/bin/hello"]
`

func tinyRecipes(t *testing.T, recipe string) []*Recipe {
	t.Helper()
	name := "tiny.cue"
	recipes, err := loadRecipes(fstest.MapFS{
		name:          {Data: []byte(recipe)},
		"files/hello": {Data: []byte("#!/bin/sh\necho hello\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return recipes
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the images' files belong to their users")
	}
}

func TestBuildTwiceSameImage(t *testing.T) {
	requireRoot(t)
	recipes := tinyRecipes(t, scratchRecipe)
	var digests []string
	for range 2 {
		built, err := buildRecipes(context.Background(), t.TempDir(), recipes, Options{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := built[0].Image.Digest()
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d.String())
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of one recipe: %s and %s", digests[0], digests[1])
	}
	// And the second look at one cache is the cache's.
	cache := t.TempDir()
	if _, err := buildRecipes(context.Background(), cache, recipes, Options{}); err != nil {
		t.Fatal(err)
	}
	built, err := buildRecipes(context.Background(), cache, recipes, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !built[0].Cached {
		t.Error("the second build did not come from the cache")
	}
	root := extractImage(t, built[0])
	fi, err := os.Stat(filepath.Join(root, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if st := statOf(fi); st.Uid != 1234 || st.Gid != 1234 || fi.Mode()&os.ModeSetgid == 0 || fi.Mode().Perm() != 0o775 {
		t.Errorf("/data: %d:%d %v, want 1234:1234 setgid 0775", st.Uid, st.Gid, fi.Mode())
	}
	passwd, _ := os.ReadFile(filepath.Join(root, "etc", "passwd"))
	if !strings.Contains(string(passwd), "app:x:1234:1234:") {
		t.Errorf("/etc/passwd: %q", passwd)
	}
}

func extractImage(t *testing.T, b *Built) string {
	t.Helper()
	dir := t.TempDir()
	rc := mutate.Extract(b.Image)
	defer rc.Close()
	if err := untar(rc, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBuildersTakeTurns(t *testing.T) {
	requireRoot(t)
	recipes := tinyRecipes(t, scratchRecipe)
	cache := t.TempDir()
	var wg sync.WaitGroup
	results := make([][]*Built, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = buildRecipes(context.Background(), cache, recipes, Options{})
		}()
	}
	wg.Wait()
	builds := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !r[0].Cached {
			builds++
		}
	}
	if builds != 1 {
		t.Errorf("%d of 4 builders at once built the image, want 1", builds)
	}
}

// An interrupted mmdebstrap leaves neither an image nor its work directory
// nor a mount in the cache.
func TestInterruptedBuild(t *testing.T) {
	requireSlow(t) // this builds a Debian root filesystem
	recipes := tinyRecipes(t, `
name: "tiny"
upstream: "example.com/tiny:1"
refs: ["example.com/tiny:1"]
packages: ["redis-tools"]
binaries: ["redis-cli"]
`)
	cache := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := buildRecipes(ctx, cache, recipes, Options{})
		done <- err
	}()
	// Until mmdebstrap is installing into its chroot.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if m, _ := filepath.Glob(filepath.Join(cache, "images", "tmp", "*", "rootfs", "var", "lib", "dpkg", "status")); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("mmdebstrap did not start installing")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the interrupted build succeeded")
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the build did not stop")
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "images"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "tiny-") {
			t.Errorf("the interrupted build left %s in the cache", e.Name())
		}
	}
	left, _ := os.ReadDir(filepath.Join(cache, "images", "tmp"))
	if len(left) > 0 {
		t.Errorf("the interrupted build left %d work directories", len(left))
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mounts), cache) {
		t.Errorf("mounts left under the cache:\n%s", mounts)
	}
}
