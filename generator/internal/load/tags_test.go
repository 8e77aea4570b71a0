package load

import (
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/parser"
	"github.com/google/go-cmp/cmp"
)

// TestReloadTags: a piece is loaded with the tags of its package, less
// those whose @tag was blanked out with the other apps, so that the piece
// loads, and the value a tag sets is in the piece that holds its app.
func TestReloadTags(t *testing.T) {
	dir := t.TempDir()
	src := "package t\n\napps: a: {image: \"a:1\", ports: p: 80}\napps: b: {image: string @tag(image), ports: p: 80}\n"
	if err := os.WriteFile(filepath.Join(dir, "apps.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	units, ds := Index(LoadConfig{Dir: dir, Tags: []string{"image=b:2"}})
	if len(units) != 1 || len(ds) > 0 {
		t.Fatalf("Index: %d units, %v", len(units), ds)
	}
	u := units[0]
	if len(u.Group.injected) != 1 {
		t.Fatalf("Injected = %v, want the one -t", u.Group.injected)
	}
	sp := NewSplitter(u.Inst, u.Names)
	if sp == nil {
		t.Fatal("the package cannot be split")
	}
	for _, tc := range []struct{ app, image string }{{"a", "a:1"}, {"b", "b:2"}} {
		inst, err := Reload(u.Group, u.Inst, sp.Overlay(sp.Keep([]string{tc.app})))
		if err != nil {
			t.Fatalf("Reload of the piece of %s: %v", tc.app, err)
		}
		pkg, err := (&Unit{Group: u.Group, Inst: inst, Names: []string{tc.app}}).Load([]string{tc.app})
		if err != nil {
			t.Fatal(err)
		}
		got, err := pkg.Raw.LookupPath(cue.ParsePath("apps." + tc.app + ".image")).String()
		if err != nil || got != tc.image {
			t.Errorf("piece of %s: image = %q (%v), want %q", tc.app, got, err, tc.image)
		}
	}
}

// TestParseTagAttr reads @tag as cue/load does, for what stsgen says.
func TestParseTagAttr(t *testing.T) {
	for _, tc := range []struct {
		src    string
		ok     bool
		key    string
		typ    string
		shorts []string
	}{
		{src: "@tag(image)", ok: true, key: "image", typ: "string"},
		{src: "@tag(n,type=int)", ok: true, key: "n", typ: "int"},
		{src: "@tag( env , short=dev|prod )", ok: true, key: "env", typ: "string", shorts: []string{"dev", "prod"}},
		{src: "@tag(on,type=bool,short=yes)", ok: true, key: "on", typ: "bool", shorts: []string{"yes"}},
		{src: "@tag(9lives)", ok: false},
	} {
		f, err := parser.ParseFile("x.cue", "x: _ "+tc.src)
		if err != nil {
			t.Fatal(err)
		}
		decls := declaredTagsOf(f)
		if !tc.ok {
			if len(decls) != 0 {
				t.Errorf("%s: got %+v, want none", tc.src, decls)
			}
			continue
		}
		if len(decls) != 1 {
			t.Fatalf("%s: %d tags, want 1", tc.src, len(decls))
		}
		d := decls[0]
		if d.key != tc.key || d.typ != tc.typ || !cmp.Equal(d.shorts, tc.shorts) {
			t.Errorf("%s: key %q type %q shorts %q, want %q %q %q", tc.src, d.key, d.typ, d.shorts, tc.key, tc.typ, tc.shorts)
		}
	}
}
