package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/stsgen/stsgen/internal/fsutil"
)

// checkTree compares files (paths <app>/<file>) with what dir holds and
// writes a unified diff for each file that would change to w: those that
// differ or are missing, and those stsgen wrote before, no longer produces
// and would remove. It returns the paths that would change, relative to
// dir; shown is dir as the user named it. With scope, only those apps are
// looked at. It reads and writes nothing else.
func checkTree(w io.Writer, dir, shown string, files map[string][]byte, scope []string) ([]string, error) {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("output %s is a file, not a directory; choose a directory with -o", shown)
	}
	prev := readManifest(filepath.Join(dir, manifestName))
	name := func(rel string) string { return filepath.ToSlash(filepath.Join(shown, rel)) }
	var changed []string
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		old, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			w.Write(diff.Diff("/dev/null", nil, name(rel), files[rel]))
		case err != nil:
			return nil, fmt.Errorf("reading %s: %w", name(rel), fsutil.UnwrapPath(err))
		case bytes.Equal(old, files[rel]):
			continue
		default:
			if !ownFile(prev, rel, old) {
				return nil, fmt.Errorf("%s was not written by stsgen (it is not in %s and lacks stsgen's header), and stsgen would replace it; move it away", name(rel), manifestName)
			}
			w.Write(diff.Diff(name(rel), old, name(rel), files[rel]))
		}
		changed = append(changed, rel)
	}
	for _, rel := range slices.Sorted(maps.Keys(prev)) {
		app, _, _ := strings.Cut(rel, "/")
		if _, ok := files[rel]; ok || (len(scope) > 0 && !slices.Contains(scope, app)) {
			continue
		}
		old, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || hash(old) != prev[rel] {
			continue // gone already, or edited: build keeps it
		}
		w.Write(diff.Diff(name(rel), old, "/dev/null", nil))
		changed = append(changed, rel)
	}
	return changed, nil
}
