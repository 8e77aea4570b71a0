package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Every temporary directory stsgen makes in an output directory is made,
// swapped and removed here, so that a rule about them (which ones a run
// may delete, say) has one place to change.

// StagingDir is the directory, in the output directory, that holds the
// temporary directories a build makes: each app's new tree is built there
// and swapped in. Only the run that holds the directory's lock (Lock)
// writes there, so what another run left there is a dead run's.
const StagingDir = ".stsgen-staging"

// staged is one app directory built beside the one it replaces.
type staged struct {
	app     string // the directory's name under the output directory
	staging string
	remove  bool // the app is gone and nothing in its directory is kept
}

// newStaging makes the temporary directory app's new tree is built in.
// It returns its name even with an error, once there is one to remove.
func newStaging(dir, app string) (string, error) {
	root := filepath.Join(dir, StagingDir)
	if err := os.Mkdir(root, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("cannot create a temporary directory in the output directory: %w", diag.Cause(err))
	}
	staging, err := os.MkdirTemp(root, app+"-")
	if err != nil {
		return "", fmt.Errorf("cannot create a temporary directory in the output directory: %w", diag.Cause(err))
	}
	// It becomes the app's directory: not MkdirTemp's 0700.
	return staging, os.Chmod(staging, 0o755)
}

// removeStaging removes the temporary directories of one run: after the
// swaps they hold the old trees, before them the unfinished new ones; then
// the staging directory, when nothing else is left in it.
func removeStaging(dir string, stages []staged) {
	for _, st := range stages {
		os.RemoveAll(st.staging)
	}
	os.Remove(filepath.Join(dir, StagingDir))
}

// removeStaleStaging removes what runs killed before they could clean up
// left in the staging directory: the temporary directories newStaging
// names, <app>-<digits>, and nothing else. The caller holds the lock, so
// no live run has any there; a file of the user's elsewhere in the output
// directory is never looked at, whatever its name.
func removeStaleStaging(dir string) {
	root := filepath.Join(dir, StagingDir)
	if fi, err := os.Lstat(root); err != nil || !fi.IsDir() {
		return
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if e.IsDir() && stagingName(e.Name()) {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}

// stagingName reports whether name is one newStaging makes: an app's name
// (a DNS label), '-', and MkdirTemp's digits.
func stagingName(name string) bool {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 || i == len(name)-1 {
		return false
	}
	return strings.Trim(name[i+1:], "0123456789") == "" && len(validation.IsDNS1123Label(name[:i])) == 0
}

// swapAll puts every staged directory in place. If one swap fails, the
// ones already made are undone, so the output stays as it was.
// beforeSwap, when set, runs before each swap; tests use it to make one
// fail.
func swapAll(dir string, stages []staged, beforeSwap func(app string) error) error {
	for i, st := range stages {
		if beforeSwap != nil {
			if err := beforeSwap(st.app); err != nil {
				unswapAll(dir, stages[:i])
				return fmt.Errorf("replacing %s: %w; %s is unchanged", st.app, err, dir)
			}
		}
		if err := swap(st.staging, filepath.Join(dir, st.app)); err != nil {
			unswapAll(dir, stages[:i])
			return fmt.Errorf("replacing %s: %w; %s is unchanged", st.app, diag.Cause(err), dir)
		}
	}
	// Every staging directory now holds an old tree (or nothing); the
	// deferred cleanup removes them.
	return nil
}

// unswapAll puts back the old trees of the stages swapped in.
func unswapAll(dir string, stages []staged) {
	for _, st := range slices.Backward(stages) {
		unswap(filepath.Join(dir, st.app), st.staging)
	}
}

// dropRemoved removes the directories of the apps that are gone
// entirely, empty once swapped; after the manifest that no longer lists
// them is in place.
func dropRemoved(dir string, stages []staged) {
	for _, st := range stages {
		if st.remove {
			os.Remove(filepath.Join(dir, st.app))
		}
	}
}
