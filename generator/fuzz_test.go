package generator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/validate"
)

// FuzzCompile runs the loader, the checks and the builder on arbitrary
// CUE. No input may panic; every diagnostic says something; a clean
// compile renders, and renders the same bytes twice; every object it
// writes, decoded from the bytes again, passes the API server's validation
// (a build that exits 0 with an object the server refuses is a crash);
// and the output re-check never finds an object the server refuses that no
// check of the app's fields reported at its position first. The seed
// corpus in testdata/fuzz/FuzzCompile (the check cases, the golden inputs
// and the examples) runs with every go test.
func FuzzCompile(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		if bulky(src) {
			t.Skip("asks CUE for a large value: stsgen build bounds that with STSGEN_TIMEOUT, the library cannot")
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		compile := func() ([]byte, generator.Diagnostics) {
			bundles, ds := generator.Compile(generator.LoadConfig{Dir: dir}, generator.Policy{})
			for _, d := range ds {
				// compile may run on a goroutine of its own: no Fatal.
				if strings.TrimSpace(d.Message) == "" {
					t.Errorf("diagnostic without a message: %+v", d)
				}
				if d.Rule == diag.RuleAPIValidation && strings.Contains(d.Message, "the API server refuses it: ") {
					t.Errorf("the output re-check refused an object that no field check reported: %s", d.Message)
				}
			}
			if ds.HasErrors() != (bundles == nil) {
				t.Errorf("errors %v but bundles %v", ds.HasErrors(), bundles != nil)
			}
			if bundles == nil {
				return nil, ds
			}
			out, err := generator.Render(bundles)
			if err != nil {
				t.Errorf("Render: %v", err)
			}
			return out, ds
		}
		out1, ds1 := withDeadline(t, compile)
		out2, ds2 := compile()
		if t.Failed() {
			return
		}
		var p1, p2 bytes.Buffer
		ds1.Print(&p1, dir)
		ds2.Print(&p2, dir)
		if !bytes.Equal(out1, out2) || p1.String() != p2.String() {
			t.Fatalf("two compiles of the same input differ")
		}
		if out1 == nil {
			return
		}
		for i, doc := range strings.Split(strings.TrimPrefix(string(out1), generator.Header), "---\n") {
			obj, kind, err := decodeStrict(doc)
			if err != nil {
				t.Fatalf("document %d (%s) of a clean build: %v", i, kind, err)
			}
			for _, e := range validate.Object(obj) {
				t.Errorf("a clean build wrote a %s the API server refuses: %v", kind, e)
			}
		}
	})
}

// bulkBuiltin and bigNumber find inputs that ask CUE for a large value:
// CUE's evaluator cannot be stopped midway, and an input that takes
// minutes would stall the fuzzer (stsgen build runs it under
// STSGEN_TIMEOUT and STSGEN_MAX_MEMORY instead; build_limits tests that).
var (
	bulkBuiltin = regexp.MustCompile(`\b(list\.(Range|Repeat|Concat|FlattenN)|strings\.Repeat|math\.(Pow|Exp2))\b`)
	bigNumber   = regexp.MustCompile(`\d[\d_]{3,}|\d[eE]\d|0[xXoObB][0-9a-fA-F]|[*^]|<<`)
)

func bulky(src string) bool { return bulkBuiltin.MatchString(src) && bigNumber.MatchString(src) }

// withDeadline runs compile, and skips the input when it takes longer than
// a fuzzer can wait: what CUE makes of it is bounded in the CLI, not here.
func withDeadline(t *testing.T, compile func() ([]byte, generator.Diagnostics)) ([]byte, generator.Diagnostics) {
	type result struct {
		out []byte
		ds  generator.Diagnostics
	}
	done := make(chan result, 1)
	go func() {
		out, ds := compile()
		done <- result{out, ds}
	}()
	select {
	case r := <-done:
		return r.out, r.ds
	case <-time.After(20 * time.Second):
		t.Skip("CUE takes over 20s to evaluate this input")
		return nil, nil
	}
}
