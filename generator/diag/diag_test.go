package diag

import (
	"bytes"
	"testing"

	"cuelang.org/go/cue/token"
)

// TestSortUniquePositions: a finding whose values all come from one place
// names that place once.
func TestSortUniquePositions(t *testing.T) {
	f := token.NewFile("a.cue", -1, 100)
	f.SetLines([]int{0, 10, 20})
	at := func(off int) token.Pos { return f.Pos(off, token.NoRelPos) }
	ds := Diagnostics{{Path: "apps.a.ports", Message: "no port", Pos: []token.Pos{at(21), at(21), at(12), at(21)}}}.Sort()
	var b bytes.Buffer
	ds.Print(&b, "")
	if want := "apps.a.ports: no port\n    a.cue:3:2\n    a.cue:2:3\n"; b.String() != want {
		t.Errorf("Print after Sort:\n%s\nwant:\n%s", b.String(), want)
	}
}
