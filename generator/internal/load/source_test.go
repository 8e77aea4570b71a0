package load

import (
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
)

// TestOneRead: stsgen reads each input file once. CUE keeps what it read,
// and a piece is evaluated from those bytes even when a file changes on
// disk after the package was indexed.
func TestOneRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app := func(name, image string) string {
		return "package t\n\napps: " + name + ": {\n\timage: \"" + image + "\"\n\tports: p: 80\n}\n"
	}
	write("a.cue", app("a", "a:1"))
	write("b.cue", app("b", "b:1"))
	units, ds := Index(LoadConfig{Dir: dir})
	if len(units) != 1 || len(ds) > 0 {
		t.Fatalf("Index: %d units, %v", len(units), ds)
	}
	u := units[0]
	for _, f := range u.Inst.BuildFiles {
		if _, ok := f.Source.([]byte); !ok {
			t.Fatalf("CUE kept no bytes of %s (Source is %T): stsgen would read it again", f.Filename, f.Source)
		}
	}
	u.Split = NewSplitter(u.Inst, u.Names)
	if u.Split == nil {
		t.Fatal("the package cannot be split")
	}
	// Both files change after indexing: a's line count too, which would
	// move b's declaration if b were blanked from a second read.
	write("a.cue", "// edited\n"+app("a", "a:2"))
	write("b.cue", app("b", "b:2"))
	for _, c := range []struct{ app, want string }{{"a", "a:1"}, {"b", "b:1"}} {
		pkg, err := u.Load([]string{c.app})
		if err != nil {
			t.Fatal(err)
		}
		got, err := pkg.Root.LookupPath(cue.ParsePath("apps." + c.app + ".image")).String()
		if err != nil || got != c.want {
			t.Errorf("piece %s: image %q (%v); want %q, as first read", c.app, got, err, c.want)
		}
	}
}
