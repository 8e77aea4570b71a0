package generator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsgen/stsgen/generator"
)

// FuzzCompile runs the loader, the checks and the builder on arbitrary
// CUE. No input may panic; every diagnostic says something; a clean
// compile renders, and renders the same bytes twice. The seed corpus in
// testdata/fuzz/FuzzCompile (the check cases, the golden inputs and the
// examples) runs with every go test.
func FuzzCompile(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		compile := func() ([]byte, generator.Diagnostics) {
			bundles, ds := generator.Compile(generator.LoadConfig{Dir: dir}, generator.Policy{})
			for _, d := range ds {
				if strings.TrimSpace(d.Message) == "" {
					t.Fatalf("diagnostic without a message: %+v", d)
				}
			}
			if ds.HasErrors() != (bundles == nil) {
				t.Fatalf("errors %v but bundles %v", ds.HasErrors(), bundles != nil)
			}
			if bundles == nil {
				return nil, ds
			}
			out, err := generator.Render(bundles)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			return out, ds
		}
		out1, ds1 := compile()
		out2, ds2 := compile()
		var p1, p2 bytes.Buffer
		ds1.Print(&p1, dir)
		ds2.Print(&p2, dir)
		if !bytes.Equal(out1, out2) || p1.String() != p2.String() {
			t.Fatalf("two compiles of the same input differ")
		}
	})
}
