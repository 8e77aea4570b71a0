package outdir

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
)

// Every temporary directory stsgen makes in an output directory is made,
// swapped and removed here, so that a rule about them (which ones a run
// may delete, say) has one place to change.

// stagingPattern names the temporary directory an app's tree is built in,
// beside the app's directory.
const stagingPattern = ".%s.stsgen-tmp-"

// staged is one app directory built beside the one it replaces.
type staged struct {
	app     string // the directory's name under the output directory
	staging string
	remove  bool // the app is gone and nothing in its directory is kept
}

// newStaging makes the temporary directory app's new tree is built in.
// It returns its name even with an error, once there is one to remove.
func newStaging(dir, app string) (string, error) {
	staging, err := os.MkdirTemp(dir, fmt.Sprintf(stagingPattern, app))
	if err != nil {
		return "", fmt.Errorf("cannot create a temporary directory in the output directory: %w", diag.Cause(err))
	}
	// It becomes the app's directory: not MkdirTemp's 0700.
	return staging, os.Chmod(staging, 0o755)
}

// removeStaging removes the temporary directories of one run: after the
// swaps they hold the old trees, before them the unfinished new ones.
func removeStaging(stages []staged) {
	for _, st := range stages {
		os.RemoveAll(st.staging)
	}
}

// removeStaleStaging removes the temporary directories of runs that were
// killed before they could clean up.
func removeStaleStaging(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".stsgen-tmp-") {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// swapAll puts every staged directory in place. If one swap fails, the
// ones already made are undone, so the output stays as it was.
// beforeSwap, when set, runs before each swap; tests use it to make one
// fail.
func swapAll(dir string, stages []staged, beforeSwap func(app string) error) error {
	var done []staged
	undo := func() {
		for _, st := range slices.Backward(done) {
			unswap(filepath.Join(dir, st.app), st.staging)
		}
	}
	for _, st := range stages {
		if beforeSwap != nil {
			if err := beforeSwap(st.app); err != nil {
				undo()
				return fmt.Errorf("replacing %s: %w; %s is unchanged", st.app, err, dir)
			}
		}
		if err := swap(st.staging, filepath.Join(dir, st.app)); err != nil {
			undo()
			return fmt.Errorf("replacing %s: %w; %s is unchanged", st.app, diag.Cause(err), dir)
		}
		done = append(done, st)
	}
	// Every staging directory now holds an old tree (or nothing); the
	// deferred cleanup removes them. An app that is gone entirely loses
	// its now empty directory.
	for _, st := range stages {
		if st.remove {
			os.Remove(filepath.Join(dir, st.app))
		}
	}
	return nil
}
