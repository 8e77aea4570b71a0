package generator_test

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/generator/outdir"
)

// memCache is a Cache in memory.
type memCache struct {
	mu      sync.Mutex
	entries map[string][]byte
}

func newMemCache() *memCache { return &memCache{entries: map[string][]byte{}} }

func (c *memCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data, ok := c.entries[key]
	return data, ok
}

func (c *memCache) Put(key string, data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = slices.Clone(data)
	return nil
}

// built is what a build gives: every app's output, which apps came from
// the cache, and the findings as printed.
type built struct {
	apps   map[string]*generator.AppOutput
	cached []string
	ds     string
	failed bool
}

func buildOnce(t *testing.T, cfg generator.LoadConfig, pol generator.Policy, out generator.Output) built {
	t.Helper()
	var mu sync.Mutex
	b := built{apps: map[string]*generator.AppOutput{}}
	ds, err := generator.BuildEach(cfg, pol, out, func(_ int, a *generator.AppOutput) error {
		mu.Lock()
		defer mu.Unlock()
		b.apps[a.App] = a
		if a.Cached {
			b.cached = append(b.cached, a.App)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(b.cached)
	var buf bytes.Buffer
	ds.Print(&buf, cfg.Dir)
	b.ds = buf.String()
	b.failed = ds.HasErrors()
	return b
}

// sameBuild reports how two builds differ, in output or in findings.
func sameBuild(t *testing.T, want, got built) {
	t.Helper()
	if diff := cmp.Diff(want.ds, got.ds); diff != "" {
		t.Errorf("findings differ (-cold +warm):\n%s", diff)
	}
	if diff := cmp.Diff(slices.Sorted(maps.Keys(want.apps)), slices.Sorted(maps.Keys(got.apps))); diff != "" {
		t.Fatalf("apps differ (-cold +warm):\n%s", diff)
	}
	for name, w := range want.apps {
		g := got.apps[name]
		if w.Objects != g.Objects {
			t.Errorf("app %s: %d objects cold, %d warm", name, w.Objects, g.Objects)
		}
		if diff := cmp.Diff(w.Docs, g.Docs); diff != "" {
			t.Errorf("app %s: documents differ (-cold +warm):\n%s", name, diff)
		}
		if diff := cmp.Diff(w.Files, g.Files); diff != "" {
			t.Errorf("app %s: files differ (-cold +warm):\n%s", name, diff)
		}
	}
}

var outputModes = []struct {
	name string
	out  generator.Output
}{
	{"yaml", generator.Output{Mode: generator.Stream}},
	{"json", generator.Output{Mode: generator.StreamJSON}},
	{"files", generator.Output{Mode: generator.Files}},
	{"files-json-kustomize", generator.Output{Mode: generator.Files, FileOptions: generator.FileOptions{JSON: true, Kustomize: true}}},
	{"findings", generator.Output{Mode: generator.Findings}},
}

// TestWarmIsCold builds every example, golden case and the bench input
// with a cache, twice, in every output form: the second build takes every
// app free of errors from the cache, and gives the bytes and findings of
// a build without one.
func TestWarmIsCold(t *testing.T) {
	type input struct {
		name string
		cfg  generator.LoadConfig
	}
	var inputs []input
	for _, pattern := range []string{"../examples/*/*.cue", "../testdata/golden/*/*.cue"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		dirs := map[string]bool{}
		for _, f := range files {
			dirs[filepath.Dir(f)] = true
		}
		for _, d := range slices.Sorted(maps.Keys(dirs)) {
			abs, _ := filepath.Abs(d)
			inputs = append(inputs, input{d, generator.LoadConfig{Dir: abs, Args: []string{"."}}})
		}
	}
	envs, _ := filepath.Abs("../examples/environments")
	for _, env := range []string{"dev", "prod"} {
		inputs = append(inputs, input{"environments/" + env, generator.LoadConfig{Dir: envs, Args: []string{"./" + env}, Tags: []string{"image=redis:7.4.1"}}})
	}
	bench := filepath.Join(t.TempDir(), "bench")
	if out, err := exec.Command("go", "run", "../bench/gen", "100", bench).CombinedOutput(); err != nil {
		t.Fatalf("bench/gen: %v\n%s", err, out)
	}
	inputs = append(inputs, input{"bench", generator.LoadConfig{Dir: bench, Args: []string{"./stsgen"}}})

	for _, in := range inputs {
		for i, m := range outputModes {
			// Every form for the bench input and one example; standard
			// output and files, the forms whose bytes differ most, for
			// the rest, to keep the test quick.
			if i > 0 && m.out.Mode != generator.Files && in.name != "bench" && !strings.HasSuffix(in.name, "zookeeper") {
				continue
			}
			t.Run(in.name+"/"+m.name, func(t *testing.T) {
				cold := buildOnce(t, in.cfg, generator.Policy{}, m.out)
				out := m.out
				out.Cache, out.Salt = newMemCache(), "test"
				first := buildOnce(t, in.cfg, generator.Policy{}, out)
				sameBuild(t, cold, first)
				if len(first.cached) > 0 {
					t.Errorf("an empty cache gave %v", first.cached)
				}
				warm := buildOnce(t, in.cfg, generator.Policy{}, out)
				sameBuild(t, cold, warm)
				if !cold.failed && len(warm.cached) != len(cold.apps) {
					t.Errorf("warm build took %d of %d apps from the cache", len(warm.cached), len(cold.apps))
				}
			})
		}
	}
}

// The package the defeat tests change: an app b that refers to a, an
// app c that refers to nothing, a template they share, an imported
// package, an embedded file, and a module.
var defeatFiles = map[string]string{
	"cue.mod/module.cue": `module: "example.com/t@v0"
language: version: "v0.17.0"
`,
	"lib/lib.cue": `package lib

Image: "postgres:17.2"
`,
	"apps/in.txt": "setting=1\n",
	"apps/apps.cue": `@extern(embed)

package apps

import "example.com/t/lib"

_base: {
	image: lib.Image
	ports: pg: 5432
	probes: readiness: tcp: "pg"
	resources: {requests: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}, limits: {cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi"}}
}

apps: {
	// a is the primary.
	a: _base & {replicas: 1}
	b: _base & {
		env: PRIMARY: apps.a.services.headless.name
	}
	c: _base & {
		replicas: 2
		config: {mountPath: "/conf", files: "in.txt": _ @embed(file=in.txt, type=text)}
	}
}
`,
}

// TestCacheDefeated changes each input an app's output depends on, and
// checks that the build with a warm cache rebuilds the apps it should,
// takes the others from the cache, and gives what a build without a
// cache gives.
func TestCacheDefeated(t *testing.T) {
	edit := func(file, old, new string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			t.Helper()
			name := filepath.Join(dir, file)
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(data, []byte(old)) {
				t.Fatalf("%s holds no %q", file, old)
			}
			if err := os.WriteFile(name, bytes.Replace(data, []byte(old), []byte(new), 1), 0o666); err != nil {
				t.Fatal(err)
			}
		}
	}
	write := func(file, content string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o666); err != nil {
				t.Fatal(err)
			}
		}
	}
	all := []string{"a", "b", "c"}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		// opts changes the build's options instead; prev gives it a
		// previous output.
		opts func(cfg *generator.LoadConfig, pol *generator.Policy, out *generator.Output)
		// rebuilt are the apps that must not come from the cache; nil
		// when the build must fail.
		rebuilt []string
	}{
		{name: "nothing", change: func(*testing.T, string) {}, rebuilt: []string{}},
		{name: "the app", change: edit("apps/apps.cue", "replicas: 2", "replicas: 3"), rebuilt: []string{"c"}},
		{name: "the app it refers to", change: edit("apps/apps.cue", "replicas: 1", "replicas: 1, labels: tier: \"db\""), rebuilt: []string{"a", "b"}},
		{name: "a template", change: edit("apps/apps.cue", "ports: pg: 5432", "ports: pg: 5433"), rebuilt: all},
		{name: "a comment in the app", change: edit("apps/apps.cue", "// a is the primary.", "// a is the primary, for now."), rebuilt: all},
		{name: "a comment inside an app", change: edit("apps/apps.cue", "replicas: 2\n", "replicas: 2 // two\n"), rebuilt: []string{"c"}},
		{name: "a line added before an app", change: edit("apps/apps.cue", "\tb: _base & {", "\n\tb: _base & {"), rebuilt: all},
		{name: "an imported package", change: edit("lib/lib.cue", "17.2", "17.3"), rebuilt: all},
		{name: "a file added to the imported package", change: write("lib/more.cue", "package lib\n\nTag: \"x\"\n"), rebuilt: all},
		{name: "cue.mod", change: edit("cue.mod/module.cue", "v0.17.0", "v0.17.1"), rebuilt: all},
		{name: "an embedded file", change: write("apps/in.txt", "setting=2\n"), rebuilt: all},
		{name: "a file renamed", change: func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, "apps/apps.cue"), filepath.Join(dir, "apps/all.cue")); err != nil {
				t.Fatal(err)
			}
		}, rebuilt: all},
		{name: "a file of the package added", change: write("apps/more.cue", "package apps\n\n_unused: 1\n"), rebuilt: all},
		{name: "a new file without a package clause", change: write("apps/stray.cue", "apps: d: image: \"x\"\n"), rebuilt: nil},
		{name: "a tag", opts: func(cfg *generator.LoadConfig, _ *generator.Policy, _ *generator.Output) {
			cfg.Tags = []string{"unused=1"}
		}, rebuilt: all},
		{name: "a severity", opts: func(_ *generator.LoadConfig, pol *generator.Policy, _ *generator.Output) {
			if err := pol.ParseSetting("STS102=off"); err != nil {
				panic(err)
			}
		}, rebuilt: all},
		{name: "strict", opts: func(_ *generator.LoadConfig, pol *generator.Policy, _ *generator.Output) { pol.Strict = true }, rebuilt: all},
		{name: "recreate", opts: func(_ *generator.LoadConfig, pol *generator.Policy, _ *generator.Output) {
			pol.Recreate = map[string]bool{"b": true}
		}, rebuilt: []string{"b"}},
		{name: "the output form", opts: func(_ *generator.LoadConfig, _ *generator.Policy, out *generator.Output) {
			out.Mode = generator.StreamJSON
		}, rebuilt: all},
		{name: "kustomize", opts: func(_ *generator.LoadConfig, _ *generator.Policy, out *generator.Output) {
			out.FileOptions.Kustomize = true
		}, rebuilt: all},
		{name: "the stsgen binary", opts: func(_ *generator.LoadConfig, _ *generator.Policy, out *generator.Output) {
			out.Salt = "another build"
		}, rebuilt: all},
		{name: "the previous output", opts: func(cfg *generator.LoadConfig, pol *generator.Policy, out *generator.Output) {
			pol.Previous = previousOf(t, *cfg, "c", "replicas: 2", "replicas: 4")
		}, rebuilt: []string{"c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range defeatFiles {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o777); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
					t.Fatal(err)
				}
			}
			cfg := generator.LoadConfig{Dir: dir, Args: []string{"./apps"}}
			var pol generator.Policy
			c := newMemCache()
			out := generator.Output{Mode: generator.Files, Cache: c, Salt: "test"}
			if tc.name == "the previous output" {
				// The first build compares with the output as built.
				pol.Previous = previousOf(t, cfg, "c", "", "")
			}
			if first := buildOnce(t, cfg, pol, out); len(first.apps) != 3 || first.failed {
				t.Fatalf("first build: %d apps, findings:\n%s", len(first.apps), first.ds)
			}
			if tc.change != nil {
				tc.change(t, dir)
			}
			if tc.opts != nil {
				tc.opts(&cfg, &pol, &out)
			}
			warm := buildOnce(t, cfg, pol, out)
			coldOut := out
			coldOut.Cache = nil
			cold := buildOnce(t, cfg, pol, coldOut)
			sameBuild(t, cold, warm)
			if tc.rebuilt == nil {
				if !warm.failed {
					t.Fatalf("the build did not fail:\n%s", warm.ds)
				}
				return
			}
			var rebuilt []string
			for _, a := range all {
				if !slices.Contains(warm.cached, a) {
					rebuilt = append(rebuilt, a)
				}
			}
			if diff := cmp.Diff(tc.rebuilt, rebuilt, cmp.Transformer("nil", func(s []string) []string { return append([]string{}, s...) })); diff != "" {
				t.Errorf("apps rebuilt (-want +got):\n%s", diff)
			}
		})
	}
}

// previousOf builds the package cfg names into a directory, its output of
// app with old replaced by new, and returns it as the previous output a
// build compares with.
func previousOf(t *testing.T, cfg generator.LoadConfig, app, old, new string) *generator.Previous {
	t.Helper()
	prev, _ := previousIn(t, cfg, app, old, new)
	return prev
}

// previousIn is previousOf, and the directory.
func previousIn(t *testing.T, cfg generator.LoadConfig, app, old, new string) (*generator.Previous, string) {
	t.Helper()
	dir := t.TempDir()
	ds, err := generator.BuildEach(cfg, generator.Policy{}, generator.Output{Mode: generator.Files}, func(_ int, a *generator.AppOutput) error {
		for name, data := range a.Files {
			if strings.HasPrefix(name, app+"/") {
				data = bytes.ReplaceAll(data, []byte(old), []byte(new))
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o777); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o666); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || ds.HasErrors() {
		t.Fatalf("previous output: %v %v", err, ds)
	}
	if old != "" {
		// The edit must be there to be found.
		data, _ := os.ReadFile(filepath.Join(dir, app, "statefulset.yaml"))
		svc, _ := os.ReadFile(filepath.Join(dir, app, "service-headless.yaml"))
		if !bytes.Contains(append(data, svc...), []byte(new)) {
			t.Fatalf("no %q in the previous output of %s", new, app)
		}
	}
	return outdir.Previous(dir), dir
}

// TestPreviousUnparsed: a build over its own output takes the previous
// objects to be its own, without parsing them; it finds what a build
// that parses them finds, and so does one whose previous output differs.
func TestPreviousUnparsed(t *testing.T) {
	dir := t.TempDir()
	for name, content := range defeatFiles {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o777)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	cfg := generator.LoadConfig{Dir: dir, Args: []string{"./apps"}}
	for _, tc := range []struct{ name, old, new string }{
		{"its own output", "", ""},
		{"a changed StatefulSet", "replicas: 1", "replicas: 2"},
		{"a refused change", "serviceName: a", "serviceName: other"},
		{"a changed Service", "clusterIP: None", "clusterIP: 10.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev, prevDir := previousIn(t, cfg, "a", tc.old, tc.new)
			out := generator.Output{Mode: generator.Files}
			unparsed := buildOnce(t, cfg, generator.Policy{Previous: prev}, out)
			parsed, _, err := outdir.ReadPrevious(prevDir)
			if err != nil {
				t.Fatal(err)
			}
			want := buildOnce(t, cfg, generator.Policy{Previous: parsed}, out)
			sameBuild(t, want, unparsed)
			if tc.new == "serviceName: other" && !want.failed {
				t.Errorf("a refused change was not found:\n%s", want.ds)
			}
		})
	}
}
