package generator_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/generator/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenDirs are the packages whose output is locked down: the test cases
// and the bundled examples. Each holds its expected stream in manifests.yaml
// and, when the package has findings, the expected diagnostics in
// diagnostics.txt. An example of several packages (environments) keeps
// the output of each under deploy/, which its script checks.
func goldenDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	for _, pattern := range []string{"../testdata/golden/*/*.cue", "../examples/*/*.cue"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if d := filepath.Dir(f); !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no golden directories found")
	}
	return dirs
}

func compile(t testing.TB, dir string) ([]byte, string) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: abs}, generator.Policy{})
	var diag bytes.Buffer
	ds.Print(&diag, abs)
	if ds.HasErrors() {
		return nil, diag.String()
	}
	out, err := generator.Render(bundles)
	if err != nil {
		t.Fatal(err)
	}
	return out, diag.String()
}

func TestGolden(t *testing.T) {
	for _, dir := range goldenDirs(t) {
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			got, diag := compile(t, dir)
			checkGolden(t, filepath.Join(dir, "diagnostics.txt"), []byte(diag))
			if got == nil {
				t.Fatalf("compile failed:\n%s", diag)
			}
			checkGolden(t, filepath.Join(dir, "manifests.yaml"), got)
		})
	}
}

// checkGolden compares got with the file, or rewrites it with -update. An
// empty expectation is the absence of the file.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if len(got) == 0 {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s\nrun go test ./... -update to accept, after reading the diff", path, diff)
	}
}

// TestGoldenRoundTrip decodes every golden document strictly into its typed
// Kubernetes object and renders it again: the YAML must hold no unknown or
// duplicate field, and must be exactly what the object renders to.
func TestGoldenRoundTrip(t *testing.T) {
	for _, dir := range goldenDirs(t) {
		data, err := os.ReadFile(filepath.Join(dir, "manifests.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		docs := strings.Split(strings.TrimPrefix(string(data), generator.Header), "---\n")
		for i, doc := range docs {
			obj, kind, err := decodeStrict(doc)
			if err != nil {
				t.Errorf("%s: document %d (%s): %v", dir, i, kind, err)
				continue
			}
			again, err := generator.RenderObject(obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(doc, string(again)); diff != "" {
				t.Errorf("%s: %s does not survive a round trip (-golden +typed):\n%s", dir, kind, diff)
			}
		}
	}
}

// decodeStrict decodes one document of the output into its typed object,
// refusing unknown and duplicate fields.
func decodeStrict(doc string) (obj any, kind string, err error) {
	return validate.Decode([]byte(doc))
}

// TestGoldenSecrets locks down SECRETS.md, which build -o writes for an
// app that declares Secrets, for the test cases: each app's is kept as
// <app>.SECRETS.md beside the case's manifests.
func TestGoldenSecrets(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/golden/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		bundles, ds := generator.Compile(generator.LoadConfig{Dir: abs}, generator.Policy{})
		if ds.HasErrors() {
			continue // TestGolden reports it
		}
		for _, b := range bundles {
			files, err := generator.AppFiles(b, generator.FileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join(dir, b.App+"."+generator.SecretsFile), files[b.App+"/"+generator.SecretsFile])
		}
	}
}
