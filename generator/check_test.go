package generator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/stsgen/stsgen/generator"
)

// TestCheck compiles the app.cue of each testdata/check/*.txtar archive and
// compares the diagnostics, as users see them, with its want file;
// go test -update rewrites want. The archive's comment says what the case
// is about; a comment line "severity RULE=LEVEL" sets a rule's severity for
// the case. By default the case runs with STS105 (readiness probe) and
// STS107 (resources) off, so that each case shows only what it is about.
// Comments marked BUG describe output that is wrong or unhelpful today.
func TestCheck(t *testing.T) {
	files, err := filepath.Glob("../testdata/check/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no check cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			pol := generator.Policy{Severity: map[generator.RuleID]generator.Severity{
				generator.RuleReadiness: generator.Off,
				generator.RuleResources: generator.Off,
			}}
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				if setting, ok := strings.CutPrefix(line, "severity "); ok {
					if err := pol.ParseSetting(setting); err != nil {
						t.Fatal(err)
					}
				}
			}
			dir := t.TempDir()
			var want *txtar.File
			for i, f := range ar.Files {
				switch f.Name {
				case "want":
					want = &ar.Files[i]
				default:
					if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if want == nil {
				t.Fatal("no want file")
			}
			bundles, ds := generator.Compile(generator.LoadConfig{Dir: dir}, pol)
			var buf bytes.Buffer
			ds.Print(&buf, dir)
			if *update {
				want.Data = buf.Bytes()
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(string(want.Data), buf.String()); diff != "" {
				t.Errorf("Compile() diagnostics (-want +got):\n%s", diff)
			}
			if gotBundles, wantBundles := bundles != nil, !ds.HasErrors(); gotBundles != wantBundles {
				t.Errorf("Compile() returned bundles: %v, want %v", gotBundles, wantBundles)
			}
		})
	}
}
