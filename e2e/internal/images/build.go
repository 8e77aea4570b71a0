package images

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"
)

// builderVersion changes whenever the way images are built changes, so
// that no image of an older builder is taken from the cache.
const builderVersion = "stsgen-e2e-images 2"

// refAnnotation names an image in its OCI layout.
const refAnnotation = "org.opencontainers.image.ref.name"

// Options are the builder's inputs beyond the recipes.
type Options struct {
	// ToolsDir is the module e2e/tools, which pins the Go programs some
	// images hold (etcd). Empty: found from the working directory up, as
	// the tools directory of the module github.com/stsgen/stsgen/e2e.
	ToolsDir string
	// Parallel is how many images are built at once; 2 if 0.
	Parallel int
	// Log receives the builders' progress and output; nothing if nil.
	Log io.Writer
}

// Built is one image in the cache.
type Built struct {
	Recipe *Recipe
	// Dir is the image's OCI layout.
	Dir string
	// Cached says the image was in the cache already.
	Cached bool
	// Seconds is how long building it took, this time or when it was built.
	Seconds float64
	// Size is the size of its compressed layer in bytes.
	Size  int64
	Image v1.Image
}

// Build returns every image of e2e/images keyed by its normalized
// references, building into cacheDir what the cache lacks.
func Build(ctx context.Context, cacheDir string) (map[string]v1.Image, error) {
	built, err := BuildAll(ctx, cacheDir, Options{})
	if err != nil {
		return nil, err
	}
	images := map[string]v1.Image{}
	for _, b := range built {
		for _, ref := range b.Recipe.Refs {
			images[ref] = b.Image
		}
	}
	return images, nil
}

// BuildAll builds every recipe's image, or takes it from the cache, and
// reports each. Two builders (and two test binaries) never build at once
// into the same cacheDir: they take turns on its lock.
func BuildAll(ctx context.Context, cacheDir string, opts Options) ([]*Built, error) {
	recipes, err := Recipes()
	if err != nil {
		return nil, err
	}
	return buildRecipes(ctx, cacheDir, recipes, opts)
}

func buildRecipes(ctx context.Context, cacheDir string, recipes []*Recipe, opts Options) ([]*Built, error) {
	if opts.Parallel <= 0 {
		opts.Parallel = 2
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	dir := filepath.Join(cacheDir, "images")
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(ctx, filepath.Join(dir, "lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Left by a builder that was killed: nobody else holds the lock.
	stale, _ := filepath.Glob(filepath.Join(dir, "tmp", "*"))
	for _, s := range stale {
		if err := removeTree(s); err != nil {
			return nil, err
		}
	}

	b := &builder{dir: dir, opts: opts, log: &syncWriter{w: opts.Log}}
	built := make([]*Built, len(recipes))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Parallel)
	for i, r := range recipes {
		g.Go(func() error {
			var err error
			built[i], err = b.image(gctx, r)
			if err != nil {
				return fmt.Errorf("image %s: %w", r.Name, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return built, nil
}

type builder struct {
	dir  string
	opts Options
	log  io.Writer

	toolsOnce sync.Once
	toolsDir  string
	toolsKey  []byte
	toolsErr  error
}

// buildInfo is what the cache keeps beside an image's layout.
type buildInfo struct {
	Name    string   `json:"name"`
	Refs    []string `json:"refs"`
	Seconds float64  `json:"seconds"`
	Size    int64    `json:"size"`
}

func (b *builder) image(ctx context.Context, r *Recipe) (*Built, error) {
	key, err := b.key(r)
	if err != nil {
		return nil, err
	}
	final := filepath.Join(b.dir, r.Name+"-"+key)
	if out, err := load(r, final); err == nil {
		out.Cached = true
		return out, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(b.log, "images: %s: rebuilding, the cached copy is unreadable: %v\n", r.Name, err)
		if err := os.RemoveAll(final); err != nil {
			return nil, err
		}
	}

	start := time.Now()
	fmt.Fprintf(b.log, "images: building %s (%s)\n", r.Name, strings.Join(r.Refs, ", "))
	work, err := os.MkdirTemp(filepath.Join(b.dir, "tmp"), r.Name+"-")
	if err != nil {
		return nil, err
	}
	defer removeTree(work)
	root := filepath.Join(work, "rootfs")
	var logBuf bytes.Buffer
	switch r.Base {
	case "debian":
		if err := mmdebstrap(ctx, r, work, root, &logBuf); err != nil {
			return nil, fmt.Errorf("%w\n%s", err, tail(logBuf.String(), 150))
		}
	case "scratch":
		if err := os.Mkdir(root, 0o755); err != nil {
			return nil, err
		}
	}
	for _, g := range r.GoBinaries {
		if err := b.goBuild(ctx, g, filepath.Join(root, g.Path)); err != nil {
			return nil, err
		}
	}
	if err := customize(r, root); err != nil {
		return nil, err
	}
	layerTar := filepath.Join(work, "layer.tar")
	f, err := os.Create(layerTar)
	if err != nil {
		return nil, err
	}
	err = writeTar(root, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	// The tree is in the tar now; the layer needs the disk more.
	if err := removeTree(root); err != nil {
		return nil, err
	}
	img, err := assemble(r, layerTar)
	if err != nil {
		return nil, err
	}
	tmpLayout := filepath.Join(work, "layout")
	p, err := layout.Write(tmpLayout, empty.Index)
	if err != nil {
		return nil, err
	}
	for _, ref := range r.Refs {
		if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{refAnnotation: ref})); err != nil {
			return nil, err
		}
	}
	size, err := layerSize(img)
	if err != nil {
		return nil, err
	}
	info := buildInfo{Name: r.Name, Refs: r.Refs, Seconds: time.Since(start).Seconds(), Size: size}
	ib, _ := json.MarshalIndent(info, "", "\t")
	if err := os.WriteFile(filepath.Join(tmpLayout, "build.json"), ib, 0o644); err != nil {
		return nil, err
	}
	// The rename is the moment the image enters the cache, whole.
	if err := os.Rename(tmpLayout, final); err != nil {
		return nil, err
	}
	fmt.Fprintf(b.log, "images: built %s in %.0fs, %.1f MB\n", r.Name, info.Seconds, float64(size)/1e6)
	return load(r, final)
}

// key is the cache key of r's image: a hash of the recipe, its files, the
// builder and, for Go programs, the tools module and the Go toolchain.
func (b *builder) key(r *Recipe) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", builderVersion, suite, strings.Join(sources, "\n"))
	fmt.Fprintf(h, "%s\n%s\n", strings.Join(dpkgExcludes, "\n"), strings.Join(debianLeftovers, "\n"))
	h.Write(r.raw)
	var srcs []string
	for s := range r.sources {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	for _, s := range srcs {
		fmt.Fprintf(h, "\x00%s\x00%d\x00", s, len(r.sources[s]))
		h.Write(r.sources[s])
	}
	if len(r.GoBinaries) > 0 {
		b.toolsOnce.Do(b.findTools)
		if b.toolsErr != nil {
			return "", b.toolsErr
		}
		h.Write(b.toolsKey)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// findTools locates e2e/tools and hashes what decides the programs built
// from it: its go.mod and go.sum and the Go version.
func (b *builder) findTools() {
	dir := b.opts.ToolsDir
	if dir == "" {
		dir, b.toolsErr = findToolsDir()
		if b.toolsErr != nil {
			return
		}
	}
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			b.toolsErr = err
			return
		}
		h.Write(data)
	}
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		b.toolsErr = fmt.Errorf("go version: %w", err)
		return
	}
	h.Write(out)
	b.toolsDir, b.toolsKey = dir, h.Sum(nil)
}

const e2eModule = "module github.com/stsgen/stsgen/e2e\n"

func findToolsDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), e2eModule) {
			return filepath.Join(dir, "tools"), nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no module github.com/stsgen/stsgen/e2e above %s: set Options.ToolsDir", wd)
		}
	}
}

// goBuild builds a static binary of g from the tools module, with modules
// from the module proxy only, checked against its go.sum.
func (b *builder) goBuild(ctx context.Context, g GoBinary, out string) error {
	fmt.Fprintf(b.log, "images: go build %s\n", g.Package)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	proxy, err := exec.CommandContext(ctx, "go", "env", "GOPROXY").Output()
	if err != nil {
		return fmt.Errorf("go env GOPROXY: %w", err)
	}
	p := strings.TrimSpace(string(proxy))
	p = strings.TrimSuffix(strings.TrimSuffix(p, ",direct"), "|direct")
	if p == "" || p == "direct" || p == "off" {
		return fmt.Errorf("GOPROXY is %q; building %s needs a module proxy", strings.TrimSpace(string(proxy)), g.Package)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, g.Package)
	cmd.Dir = b.toolsDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly", "GOPROXY="+p)
	if o, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", g.Package, err, o)
	}
	return nil
}

var epoch = v1.Time{Time: time.Unix(0, 0).UTC()}

// assemble makes the single-layer image of r from its layer's tar.
func assemble(r *Recipe, layerTar string) (v1.Image, error) {
	layer, err := tarball.LayerFromFile(layerTar,
		tarball.WithCompressionLevel(gzip.BestSpeed), tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   epoch,
			CreatedBy: "e2e/images/" + r.Name + ".cue",
			Comment:   "stands in for " + r.Upstream,
		},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created = epoch
	cf.Architecture, cf.OS = "amd64", "linux"
	c := r.Config
	cf.Config = v1.Config{
		User:       c.User,
		Entrypoint: c.Entrypoint,
		Cmd:        c.Cmd,
		WorkingDir: c.WorkingDir,
		Env:        c.EnvList(),
		StopSignal: c.StopSignal,
		Labels: map[string]string{
			"org.opencontainers.image.title":       r.Name,
			"org.opencontainers.image.description": "stands in for " + r.Upstream + " in stsgen's end-to-end suite",
		},
	}
	if len(c.Ports) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range c.Ports {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	return mutate.ConfigFile(img, cf)
}

func layerSize(img v1.Image) (int64, error) {
	layers, err := img.Layers()
	if err != nil {
		return 0, err
	}
	var n int64
	for _, l := range layers {
		s, err := l.Size()
		if err != nil {
			return 0, err
		}
		n += s
	}
	return n, nil
}

// load reads r's image from its layout in dir.
func load(r *Recipe, dir string) (*Built, error) {
	ib, err := os.ReadFile(filepath.Join(dir, "build.json"))
	if err != nil {
		return nil, err
	}
	var info buildInfo
	if err := json.Unmarshal(ib, &info); err != nil {
		return nil, err
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(m.Manifests) == 0 {
		return nil, fmt.Errorf("%s holds no image", dir)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		return nil, err
	}
	return &Built{Recipe: r, Dir: dir, Seconds: info.Seconds, Size: info.Size, Image: img}, nil
}

// Normalize writes an image reference the way container runtimes name it:
// with its registry (docker.io for Docker Hub), its repository in full
// (library/ for official images) and a tag (latest unless given).
func Normalize(ref string) string {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ref
	}
	repo := r.Context()
	registry := repo.RegistryStr()
	if registry == name.DefaultRegistry {
		registry = "docker.io"
	}
	sep, id := ":", r.Identifier()
	if _, ok := r.(name.Digest); ok {
		sep = "@"
	}
	return registry + "/" + repo.RepositoryStr() + sep + id
}

// lock takes the exclusive lock of the cache, waiting for whoever holds it
// until ctx ends.
func lock(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
		}
		if err != unix.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
