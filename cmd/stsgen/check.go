package main

import (
	"errors"
	"io"

	"github.com/stsgen/stsgen/generator/outdir"
)

// checkOutput prints what build --check found in plan: a unified diff to
// w for each file build -o would change, with paths under shown, the
// output directory as the user named it. It returns the files that would
// change, or why build -o would refuse to write.
func checkOutput(w io.Writer, plan *outdir.Plan, shown string) ([]string, error) {
	if err := plan.Err(); err != nil {
		// build names a refused file within the directory, with the
		// directory after; --check names it under the directory.
		var refused *outdir.RefusedError
		if errors.As(err, &refused) {
			named := *refused
			named.Dir = shown
			return nil, &named
		}
		return nil, err
	}
	w.Write(plan.Diff(shown))
	return plan.Changed(), nil
}
