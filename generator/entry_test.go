package generator

import (
	"math/rand/v2"
	"testing"

	"cuelang.org/go/cue/token"
	"github.com/google/go-cmp/cmp"

	"github.com/stsgen/stsgen/generator/diag"
)

// TestEntryPositions round-trips findings at random positions of a file
// through an entry: each prints, and sorts, where it did.
func TestEntryPositions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		// A file of random lines, and positions in it.
		var src []byte
		for range 1 + r.IntN(60) {
			for range r.IntN(30) {
				src = append(src, 'x')
			}
			src = append(src, '\n')
		}
		f := token.NewFile("/src/app.cue", -1, len(src))
		f.SetLinesForContent(src)
		var ps []token.Pos
		for range 1 + r.IntN(8) {
			ps = append(ps, f.Pos(r.IntN(len(src)), token.NoRelPos))
		}
		e := &entry{ds: diag.Diagnostics{{Severity: diag.Warning, Rule: "STS107", Path: "apps.a", Message: "m", Pos: ps}}, built: builtApp{app: "a"}}
		got, err := decodeEntry(e.encode())
		if err != nil {
			t.Fatal(err)
		}
		show := func(ps []token.Pos) []string {
			var out []string
			for _, p := range ps {
				out = append(out, p.String())
			}
			return out
		}
		if diff := cmp.Diff(show(ps), show(got.ds[0].Pos)); diff != "" {
			t.Fatalf("positions (-put +got):\n%s", diff)
		}
	}
}

// TestEntryMalformed reads every truncation of an entry, and bytes
// flipped in it: each is an error or an entry, never a panic.
func TestEntryMalformed(t *testing.T) {
	f := token.NewFile("/src/app.cue", -1, 100)
	f.SetLinesForContent([]byte("a\nbb\nccc\n" + string(make([]byte, 90))))
	e := &entry{
		objects: 2,
		docs:    [][]byte{[]byte("kind: A\n"), []byte("kind: B\n")},
		ds:      diag.Diagnostics{{Severity: diag.Warning, Path: "apps.a", Message: "m", Pos: []token.Pos{f.Pos(3, token.NoRelPos)}}},
		built:   builtApp{app: "a", names: []objectName{{kind: "StatefulSet", namespace: "default", name: "a", app: "a", pos: []token.Pos{f.Pos(5, token.NoRelPos)}}}},
	}
	data := e.encode()
	if _, err := decodeEntry(data); err != nil {
		t.Fatal(err)
	}
	for n := range len(data) {
		if _, err := decodeEntry(data[:n]); err == nil {
			t.Errorf("a truncation to %d bytes decoded", n)
		}
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0xff
		decodeEntry(bad)
	}
}
