package generator

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/generator/internal/rules"
	"github.com/stsgen/stsgen/schema"
)

// A package split into pieces must give what the package whole gives:
// the same objects, the same diagnostics at the same positions.

const splitTemplate = `
_zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: *3 | int
	ports: client: 2181
	storage: data: {size: "1Gi", mountPath: "/data"}
	config: files: "zoo.cfg": "tickTime=2000\n"
}
`

var splitCases = []struct {
	name  string
	files map[string]string
	// split says whether the package can be split.
	split bool
	apps  []string
	// schema vendors the stsgen schema into the package's CUE module.
	schema bool
	// want and notWant are what the output must and must not hold.
	want, notWant []string
}{{
	name: "fields, one per line and several on a line",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	a: _zk
	"b": _zk & {replicas: 5}, c: _zk, d: _zk
	// e is commented.
	e: _zk // and this too
}
apps: f: _zk
apps: g: replicas: 5
apps: g: _zk
`},
	split: true,
}, {
	name: "references between apps",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	// a refers to b through apps, c to d by its bare name, e to itself.
	a: _zk & {labels: peer: apps.b.name}
	b: _zk & {replicas: apps["h"].replicas}
	c: _zk & {labels: peer: d.serviceName}
	d: _zk
	e: _zk & {labels: self: apps.e.serviceName}
	f: _zk
	g: _zk & {labels: via: _shared}
	h: _zk & {replicas: 5}
}
_shared: apps.f.peers[0].fqdn
`},
	split: true,
}, {
	name: "apps that let the apps that name them in",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	a: _zk & {ports: peer: {port: 2888, expose: ["headless"]}, networkPolicy: fromReferrers: true}
	// b names a's first member, c writes the same name out (no
	// reference), d names a's Service and lets a in.
	b: _zk & {config: files: "x.cfg": "server=\(apps.a.peers[0].fqdn):2888\n"}
	c: _zk & {config: files: "y.cfg": "server=a-0.a-hs.default.svc.cluster.local:2888\n"}
	d: _zk & {env: A: "\(apps.a.services.read.name):2181", networkPolicy: fromReferenced: true}
	e: _zk
}
`},
	split: true,
	want: []string{
		"name: a-from-b\n", "stsgen.dev/reference: a-0.a-hs.default.svc.cluster.local\n",
		"name: a-from-d\n", "stsgen.dev/reference: a\n",
	},
	notWant: []string{"name: a-from-c\n", "name: a-from-e\n"},
}, {
	name: "an import used only by apps, in another file",
	files: map[string]string{
		"a.cue": "package p\n" + splitTemplate,
		"b.cue": `package p

import "strings"

apps: {
	a: _zk & {labels: up: strings.ToUpper("x")}
	b: _zk
	c: _zk
}
`},
	split: true,
}, {
	name: "errors in some apps",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	a: _zk & {replicas: 2}
	b: _zk & {replica: 3}
	c: _zk & {ports: admin: "x"}
	d: _zk & {storage: logs: {size: "lots", mountPath: "/logs"}}
	e: _zk
}
`},
	split: true,
}, {
	name: "selected apps that refer to others",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	a: _zk & {labels: peer: apps.b.name}
	b: _zk & {labels: peer: c.name}
	c: _zk
	d: _zk
}
`},
	split: true,
	apps:  []string{"a", "d"},
}, {
	name: "the schema imported, and a pattern",
	files: map[string]string{
		"schema.cue": `package p

import "github.com/stsgen/stsgen/schema"

apps: schema.#Apps
`,
		"a.cue": "package p\n" + splitTemplate + `
apps: {
	[string]: labels: team: "data"
	a: _zk
	b: _zk & {labels: peer: apps.a.serviceName}
	c: _zk
}
`},
	schema: true,
	split:  true,
}, {
	name: "apps as a whole",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	a: _zk
	b: _zk & {labels: count: "\(len(apps))"}
	c: _zk
}
`},
}, {
	name: "apps made by a comprehension",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	for n in ["a", "b", "c"] {(n): _zk}
}
`},
}, {
	name: "an aliased app",
	files: map[string]string{"a.cue": "package p\n" + splitTemplate + `
apps: {
	A=a: _zk
	b: _zk & {labels: peer: A.name}
	c: _zk
}
`},
}}

func TestSplitMatchesWhole(t *testing.T) {
	for _, tc := range splitCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.schema {
				vendor(t, dir)
			}
			units, ds := load.Index(load.LoadConfig{Dir: dir})
			if len(units) != 1 {
				t.Fatalf("index: %d packages\n%s", len(units), printed(ds, dir))
			}
			u := units[0]
			u.Split = load.NewSplitter(u.Inst, u.Names)
			if got := u.Split != nil; got != tc.split {
				t.Errorf("split = %v, want %v", got, tc.split)
			}
			if u.Split != nil {
				// A piece is the package reloaded with other apps blanked.
				if _, err := load.Reload(u.Group, u.Inst, u.Split.Overlay(u.Split.Keep(u.Names[:1]))); err != nil {
					t.Errorf("reload: %v", err)
				}
			}
			cfg := load.LoadConfig{Dir: dir, Apps: tc.apps}
			whole := compileWithPieces(t, -1, cfg)
			if !strings.Contains(whole, "kind: StatefulSet") && !strings.Contains(whole, "[STS") {
				t.Fatalf("the whole package gave neither objects nor errors:\n%s", whole)
			}
			for _, w := range tc.want {
				if !strings.Contains(whole, w) {
					t.Errorf("the output does not hold %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(whole, w) {
					t.Errorf("the output holds %q", w)
				}
			}
			for _, n := range []int{1, 2, 3} {
				if diff := cmp.Diff(whole, compileWithPieces(t, n, cfg)); diff != "" {
					t.Errorf("pieces of %d differ from the whole package (-whole +pieces):\n%s", n, diff)
				}
			}
			if u.Split != nil && tc.apps == nil {
				// When a piece cannot be reloaded, it is evaluated from
				// the whole package, with only its apps bound.
				u.Group.Dir = filepath.Join(dir, "missing")
				var got diag.Diagnostics
				var bundles []*Bundle
				for _, n := range u.Names {
					got = append(got, piece{u, []string{n}, nil}.compile(rules.Policy{}, func(b *Bundle, _ diag.Diagnostics, _ bool) error {
						bundles = append(bundles, b)
						return nil
					}).ds...)
				}
				if got = got.Sort(); got.HasErrors() {
					bundles = nil // as Compile returns them
				}
				out, err := Render(bundles)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(whole, printed(got, dir)+string(out)); diff != "" {
					t.Errorf("pieces from the whole package differ from it (-whole +pieces):\n%s", diff)
				}
			}
		})
	}
}

// vendor makes dir a CUE module with the stsgen schema in cue.mod/pkg.
func vendor(t *testing.T, dir string) {
	t.Helper()
	src, err := schema.FS.ReadFile("app.cue")
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(dir, "cue.mod", "pkg", filepath.FromSlash(schema.ImportPath))
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		filepath.Join(dir, "cue.mod", "module.cue"): []byte("module: \"stsgen.test/p@v0\"\nlanguage: version: \"v0.17.0\"\n"),
		filepath.Join(pkg, "app.cue"):               src,
	} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSplitExamples builds every example and golden case in pieces of one
// app, and all of them together, as the whole packages do.
func TestSplitExamples(t *testing.T) {
	var dirs []string
	for _, pattern := range []string{"../examples/*/*.cue", "../testdata/golden/*/*.cue"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if d := filepath.Dir(m); !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	for _, d := range dirs {
		t.Run(d, func(t *testing.T) {
			cfg := load.LoadConfig{Dir: d}
			if diff := cmp.Diff(compileWithPieces(t, -1, cfg), compileWithPieces(t, 1, cfg)); diff != "" {
				t.Errorf("pieces differ from the whole package (-whole +pieces):\n%s", diff)
			}
		})
	}
}

// compileWithPieces compiles with pieces of n apps (whole packages when n
// is negative) and returns the output and the diagnostics, printed.
func compileWithPieces(t *testing.T, n int, cfg load.LoadConfig) string {
	t.Helper()
	cfg.PieceApps = n
	bundles, ds := Compile(cfg, rules.Policy{})
	out, err := Render(bundles)
	if err != nil {
		t.Fatal(err)
	}
	return printed(ds, cfg.Dir) + string(out)
}

// printed is the diagnostics as stsgen prints them, for comparison.
func printed(ds diag.Diagnostics, dir string) string {
	var b strings.Builder
	ds.Print(&b, dir)
	return b.String()
}
