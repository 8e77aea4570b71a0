package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/schema"
)

// TestFingerprint changes one thing at a time in a package that imports
// the vendored schema, and checks that the fingerprint changes exactly
// when a file the build reads does.
func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vendor(t, dir)
	write("deploy/apps.cue", "package deploy\n\nimport \"github.com/stsgen/stsgen/schema\"\n\napps: schema.#Apps\napps: zk: {image: \"zookeeper:3.9.2\", topology: \"quorum\", ports: client: 2181}\n")
	write("deploy/replicas.cue", "package deploy\n\napps: zk: replicas: 3\n")
	cfg := load.LoadConfig{Dir: dir, Args: []string{"./deploy"}}
	fingerprint := func() string {
		t.Helper()
		fp, err := load.Fingerprint(cfg, dir)
		if err != nil {
			t.Fatalf("Fingerprint: %v", err)
		}
		return fp
	}
	last := fingerprint()
	if again := fingerprint(); again != last {
		t.Fatalf("Fingerprint twice: %s, then %s", last, again)
	}
	vendored := filepath.ToSlash(filepath.Join("cue.mod", "pkg", schema.ImportPath, "app.cue"))
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(vendored)))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		what    string
		name    string
		src     string
		changes bool
	}{
		{"a package file changes", "deploy/replicas.cue", "package deploy\n\napps: zk: replicas: 5\n", true},
		{"a file joins the package", "deploy/more.cue", "package deploy\n", true},
		{"the imported schema changes", vendored, string(src) + "\n// vendored again\n", true},
		{"the module file changes", "cue.mod/module.cue", "module: \"stsgen.test/q@v0\"\nlanguage: version: \"v0.17.0\"\n", true},
		{"a file that is not CUE changes", "deploy/README.md", "notes\n", false},
		{"a package in a subdirectory changes", "deploy/sub/other.cue", "package other\n", false},
	} {
		write(step.name, step.src)
		fp := fingerprint()
		if changed := fp != last; changed != step.changes {
			t.Errorf("%s: fingerprint changed = %v, want %v", step.what, changed, step.changes)
		}
		last = fp
	}

	// The values -t injects are inputs; their order is not.
	write("deploy/tagged.cue", "package deploy\n\napps: zk: {image: string @tag(image), namespace: string @tag(ns)}\n")
	var tagged []string
	for _, tags := range [][]string{{"image=a:1", "ns=x"}, {"ns=x", "image=a:1"}, {"image=a:2", "ns=x"}} {
		fp, err := load.Fingerprint(load.LoadConfig{Dir: dir, Args: []string{"./deploy"}, Tags: tags}, dir)
		if err != nil {
			t.Fatalf("Fingerprint with %v: %v", tags, err)
		}
		tagged = append(tagged, fp)
	}
	if tagged[0] != tagged[1] {
		t.Errorf("the order of the tags changed the fingerprint")
	}
	if tagged[0] == tagged[2] {
		t.Errorf("another value of a tag left the fingerprint as it was")
	}
	if _, err := load.Fingerprint(load.LoadConfig{Dir: dir, Args: []string{"./deploy"}, Tags: []string{"nope=1"}}, dir); err == nil || !strings.Contains(err.Error(), "no @tag(nope)") {
		t.Errorf("Fingerprint with a tag that sets nothing: error = %v, want one naming it", err)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"./nowhere"}, "no such file or directory"},
		{[]string{"./broken"}, "expected"},
	} {
		write("broken/a.cue", "package broken\n\napps: zk: {\n")
		_, err := load.Fingerprint(load.LoadConfig{Dir: dir, Args: bad.args}, dir)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Fingerprint(%v) error = %v, want one containing %q", bad.args, err, bad.want)
		}
	}
}
