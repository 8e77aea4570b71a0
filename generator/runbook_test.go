package generator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/stsgen/stsgen/generator"
)

// TestRunbooks builds each case of testdata/runbook: app.cue, whose app
// acknowledges a re-creation, over previous.yaml, the objects it replaces.
// The RECREATE.md it writes must match the case's, and the build must
// report no error. -update rewrites them.
func TestRunbooks(t *testing.T) {
	files, err := filepath.Glob("../testdata/runbook/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no runbook cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			pol := generator.Policy{Previous: &generator.Previous{}}
			var want *txtar.File
			for i, f := range ar.Files {
				switch f.Name {
				case "RECREATE.md":
					want = &ar.Files[i]
				case "previous.yaml":
					if err := pol.Previous.AddPrevious(f.Name, f.Data); err != nil {
						t.Fatal(err)
					}
				default:
					if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if want == nil {
				t.Fatal("no RECREATE.md in the case")
			}
			bundles, ds := generator.Compile(generator.LoadConfig{Dir: dir}, pol)
			if ds.HasErrors() || len(bundles) != 1 {
				t.Fatalf("the build failed: %v", ds)
			}
			out, err := generator.AppFiles(bundles[0], generator.FileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := out[bundles[0].App+"/"+generator.RunbookFile]
			if !ok {
				t.Fatalf("no %s in the output", generator.RunbookFile)
			}
			if *update {
				want.Data = got
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(string(want.Data), string(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", generator.RunbookFile, diff)
			}
		})
	}
}
