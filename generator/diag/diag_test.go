package diag

import (
	"bytes"
	"strings"
	"testing"

	"cuelang.org/go/cue/token"
	"github.com/google/go-cmp/cmp"
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

// TestPrintGroupsApps: findings that differ only in their app print once,
// naming the apps, the first few and a count beyond; the rest print as
// they are, and JSON keeps one entry per app.
func TestPrintGroupsApps(t *testing.T) {
	f := token.NewFile("t.cue", -1, 100)
	f.SetLines([]int{0, 10, 20})
	tmpl, other := f.Pos(12, token.NoRelPos), f.Pos(21, token.NoRelPos)
	warn := func(path, msg string, pos token.Pos) Diagnostic {
		return Diagnostic{Severity: Warning, Rule: RuleReadiness, Path: path, Message: msg, Pos: []token.Pos{pos}}
	}
	var ds Diagnostics
	for _, app := range []string{"a", "b", `"c-1"`, "d", "e", "f", "g"} {
		ds = append(ds, warn("apps."+app+".probes", "no readiness probe", tmpl))
	}
	ds = append(ds,
		warn("apps.h.probes", "no readiness probe", other),                                                            // another position
		warn("apps.a.probes.x", "no readiness probe", tmpl),                                                           // another field
		warn("apps.b.probes", "another message", tmpl),                                                                // another message
		Diagnostic{Rule: RuleReadiness, Path: "apps.c.probes", Message: "no readiness probe", Pos: []token.Pos{tmpl}}, // an error
		warn("apps.x.ports", "no port", tmpl),
		warn("apps.y.ports", "no port", tmpl),
		Diagnostic{Message: "not an app's"},
		Diagnostic{Message: "not an app's"},
	)
	var b bytes.Buffer
	ds.Print(&b, "")
	want := `warning: apps.a.probes: no readiness probe [STS105]
    t.cue:2:3
    the same in 7 apps: a, b, c-1, d, e and 2 more
warning: apps.h.probes: no readiness probe [STS105]
    t.cue:3:2
warning: apps.a.probes.x: no readiness probe [STS105]
    t.cue:2:3
warning: apps.b.probes: another message [STS105]
    t.cue:2:3
apps.c.probes: no readiness probe [STS105]
    t.cue:2:3
warning: apps.x.ports: no port [STS105]
    t.cue:2:3
    the same in 2 apps: x and y
not an app's
not an app's
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Print (-want +got):\n%s", diff)
	}
	b.Reset()
	if err := ds.PrintJSON(&b, "", nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(b.String(), `"path"`); got != len(ds)-2 {
		t.Errorf("PrintJSON wrote %d entries with a path, want %d, one per app:\n%s", got, len(ds)-2, b.String())
	}
}
