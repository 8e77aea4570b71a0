package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/internal/fsutil"
)

func (e *env) abs(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(e.dir, path)
}

// manifestName is the file in which stsgen lists what it wrote into an
// output directory, with each file's hash. A later build deletes a file
// only when it is listed there and unchanged: proof that stsgen wrote it
// and nobody edited it since.
const manifestName = ".stsgen-manifest"

// stagingPattern names the temporary directory an app's tree is built in,
// beside the app's directory.
const stagingPattern = ".%s.stsgen-tmp-"

// treeWriter writes an output tree. create opens a file for writing; tests
// replace it to simulate a full disk. beforeFile runs before each file is
// written, and beforeSwap before each app's directory is swapped in; tests
// use them to interrupt a write or make a swap fail.
type treeWriter struct {
	create     func(name string) (io.WriteCloser, error)
	beforeFile func(rel string)
	beforeSwap func(app string) error
	// stamp, when set, is written beside the manifest; see stamp.
	stamp *stamp
}

func newTreeWriter() *treeWriter {
	return &treeWriter{create: func(name string) (io.WriteCloser, error) {
		return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	}}
}

// staged is one app directory built beside the one it replaces.
type staged struct {
	app     string // the directory's name under the output directory
	staging string
	remove  bool // the app is gone and nothing in its directory is kept
}

// writeTree writes files (paths <app>/<file> relative to dir) into dir.
// Every app's new directory is first built completely beside the old one;
// only then are they swapped in, each with one rename, and the old trees
// removed. A failure or interruption before the swaps leaves dir exactly
// as it was; a failed swap puts the swapped apps back. dir itself is
// never replaced, so it may be a symbolic link, a mount point or the
// working directory, and files in it that stsgen did not write are left
// alone. Inside the app directories, files stsgen did not write are
// carried over; files it wrote before and no longer produces are dropped
// only when the manifest proves they are stsgen's and unedited.
//
// With scope, only those apps' directories are looked at; the others, and
// their manifest entries, stay as they are.
func (w *treeWriter) writeTree(ctx context.Context, dir string, files map[string][]byte, scope []string) (treeStats, error) {
	var stats treeStats
	err := w.write(ctx, dir, files, scope, &stats)
	return stats, err
}

// treeStats counts what a write did to the files stsgen produces.
type treeStats struct {
	written, unchanged, removed int
}

func (w *treeWriter) write(ctx context.Context, dir string, files map[string][]byte, scope []string, stats *treeStats) error {
	info, err := os.Stat(dir)
	switch {
	case err == nil && !info.IsDir():
		return fmt.Errorf("output %s is a file, not a directory; choose a directory with -o", dir)
	case err == nil && info.Mode().Perm()&0o200 == 0:
		return fmt.Errorf("output directory %s is read-only; make it writable (chmod u+w) or choose another with -o", dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("output directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating output directory %s: %w", dir, fsutil.UnwrapPath(err))
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	removeStaleStaging(dir)
	prev := readManifest(filepath.Join(dir, manifestName))

	byApp := map[string]map[string][]byte{}
	for rel, data := range files {
		app, file, ok := strings.Cut(rel, "/")
		if !ok || app == "" || app == "." || app == ".." || strings.HasPrefix(app, ".") {
			return fmt.Errorf("internal error: output path %q is not <app>/<file>", rel)
		}
		if byApp[app] == nil {
			byApp[app] = map[string][]byte{}
		}
		byApp[app][file] = data
	}
	// Apps stsgen wrote before and no longer produces are staged too: what
	// is left of them is only what stsgen cannot prove it wrote.
	apps := slices.Collect(maps.Keys(byApp))
	inScope := func(app string) bool { return len(scope) == 0 || slices.Contains(scope, app) }
	written := map[string]string{}
	for rel, sum := range prev {
		if app, _, ok := strings.Cut(rel, "/"); ok && !inScope(app) {
			written[rel] = sum // another app's, left alone
		}
	}
	for rel := range prev {
		if app, _, ok := strings.Cut(rel, "/"); ok && inScope(app) && byApp[app] == nil && !slices.Contains(apps, app) {
			if fi, err := os.Stat(filepath.Join(dir, app)); err == nil && fi.IsDir() {
				apps = append(apps, app)
			}
		}
	}
	slices.Sort(apps)

	var stages []staged
	defer func() {
		for _, st := range stages {
			os.RemoveAll(st.staging)
		}
	}()
	for _, app := range apps {
		st, err := w.stage(ctx, dir, app, byApp[app], prev, written, stats)
		if st.staging != "" {
			stages = append(stages, st)
		}
		if err != nil {
			return fmt.Errorf("%w; %s is unchanged", err, dir)
		}
	}
	// Carry the manifest's entries for files outside any app directory
	// (none today), then write it once the trees are in place.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted; %s is unchanged", dir)
	}
	if err := w.swapAll(dir, stages); err != nil {
		return err
	}
	man := manifest(written)
	if err := fsutil.WriteFileAtomic(filepath.Join(dir, manifestName), man); err != nil {
		return fmt.Errorf("writing %s: %w", manifestName, fsutil.UnwrapPath(err))
	}
	// The stamp names the manifest by its hash, so it vouches only for the
	// files listed now. It only spares a check the compile: failing to
	// write or remove it fails nothing.
	if w.stamp != nil {
		st := *w.stamp
		st.manifest = hash(man)
		fsutil.WriteFileAtomic(filepath.Join(dir, stampName), st.bytes())
	} else {
		os.Remove(filepath.Join(dir, stampName))
	}
	syncDir(dir)
	return nil
}

// stage builds the new directory of one app beside its current one.
// written collects the files stsgen writes, with their hashes.
func (w *treeWriter) stage(ctx context.Context, dir, app string, files map[string][]byte, prev, written map[string]string, stats *treeStats) (staged, error) {
	st := staged{app: app}
	staging, err := os.MkdirTemp(dir, fmt.Sprintf(stagingPattern, app))
	if err != nil {
		return st, fmt.Errorf("cannot create a temporary directory in the output directory: %w", fsutil.UnwrapPath(err))
	}
	st.staging = staging
	if err := os.Chmod(staging, 0o755); err != nil {
		return st, err
	}
	old := filepath.Join(dir, app)
	kept := 0
	if fi, err := os.Lstat(old); err == nil && fi.IsDir() {
		if kept, err = w.carryOver(old, app, staging, files, prev, written, stats); err != nil {
			return st, err
		}
	} else if err == nil {
		return st, fmt.Errorf("%s is in the way of app %s's directory; move it", filepath.Join(dir, app), app)
	}
	for _, file := range slices.Sorted(maps.Keys(files)) {
		rel := app + "/" + file
		if err := ctx.Err(); err != nil {
			return st, errors.New("interrupted")
		}
		if w.beforeFile != nil {
			w.beforeFile(rel)
		}
		if _, ok := written[rel]; ok {
			continue // unchanged: carried over with its modification time
		}
		if err := w.writeFile(filepath.Join(staging, filepath.FromSlash(file)), files[file]); err != nil {
			return st, fmt.Errorf("writing %s: %w", rel, fsutil.UnwrapPath(err))
		}
		written[rel] = hash(files[file])
		stats.written++
	}
	st.remove = len(files) == 0 && kept == 0
	return st, nil
}

// carryOver links into staging every file of the app's old directory that
// the new tree keeps: files with the same bytes as the new ones (so they
// keep their modification time), and files stsgen cannot prove it wrote.
// It returns how many files it kept that stsgen does not write now.
//
// A file stsgen would write over that it cannot prove it wrote (not in the
// manifest, without its header) is an error: it is the user's.
func (w *treeWriter) carryOver(old, app, staging string, files map[string][]byte, prev, written map[string]string, stats *treeStats) (int, error) {
	kept := 0
	err := filepath.WalkDir(old, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(old, p)
		if rel == "." {
			return nil
		}
		target := filepath.Join(staging, rel)
		slash := filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			info, err := d.Info()
			if err != nil {
				return err
			}
			return os.Mkdir(target, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			kept++
			return os.Symlink(link, target)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		full := app + "/" + slash
		if want, ok := files[slash]; ok {
			if string(want) != string(data) {
				if !ownFile(prev, full, data) {
					return fmt.Errorf("%s was not written by stsgen (it is not in %s and lacks stsgen's header), and stsgen would replace it; move it away", full, manifestName)
				}
				return nil // replaced by the new content
			}
			written[full] = hash(data)
			stats.unchanged++
		} else if sum, ok := prev[full]; ok && sum == hash(data) {
			stats.removed++
			return nil // stsgen's, unedited, no longer produced: dropped
		} else {
			kept++
		}
		if err := os.Link(p, target); err != nil {
			return copyFile(p, target, d)
		}
		return nil
	})
	return kept, err
}

// swapAll puts every staged directory in place. If one swap fails, the
// ones already made are undone, so the output stays as it was.
func (w *treeWriter) swapAll(dir string, stages []staged) error {
	var done []staged
	undo := func() {
		for _, st := range slices.Backward(done) {
			unswap(filepath.Join(dir, st.app), st.staging)
		}
	}
	for _, st := range stages {
		if w.beforeSwap != nil {
			if err := w.beforeSwap(st.app); err != nil {
				undo()
				return fmt.Errorf("replacing %s: %w; %s is unchanged", st.app, err, dir)
			}
		}
		if err := swap(st.staging, filepath.Join(dir, st.app)); err != nil {
			undo()
			return fmt.Errorf("replacing %s: %w; %s is unchanged", st.app, fsutil.UnwrapPath(err), dir)
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

func (w *treeWriter) writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := w.create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if s, ok := f.(interface{ Sync() error }); ok {
		if err := s.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func copyFile(src, dst string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, info.Mode().Perm())
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

func hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func manifest(written map[string]string) []byte {
	var b strings.Builder
	b.WriteString("# Files written by stsgen, with their SHA-256. stsgen deletes a file it no\n")
	b.WriteString("# longer produces only when it is listed here and unchanged.\n")
	for _, rel := range slices.Sorted(maps.Keys(written)) {
		fmt.Fprintf(&b, "%s  %s\n", written[rel], rel)
	}
	return []byte(b.String())
}

func readManifest(p string) map[string]string {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	return parseManifest(data)
}

// ownFile reports whether stsgen wrote a file: the manifest lists it (rel,
// relative to the output directory), or it starts with stsgen's header.
func ownFile(listed map[string]string, rel string, data []byte) bool {
	_, ok := listed[rel]
	return ok || generator.IsGenerated(data)
}

// parseManifest reads a manifest's entries: path to hash.
func parseManifest(data []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if sum, rel, ok := strings.Cut(line, "  "); ok && !strings.HasPrefix(line, "#") && path.IsAbs("/"+rel) && !strings.Contains(rel, "..") {
			m[rel] = sum
		}
	}
	return m
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
