//go:build linux

package mountinfo

import (
	"slices"
	"testing"
)

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`/run/a\040b`:  "/run/a b",
		`/plain`:       "/plain",
		`/tab\011end`:  "/tab\tend",
		`/short\04`:    `/short\04`,
		`/back\134x`:   `/back\x`,
		`/not\99octal`: `/not\99octal`,
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPointsHasRoot(t *testing.T) {
	points, err := Points()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(points, "/") {
		t.Errorf("no / among %v", points)
	}
}
