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
	"path/filepath"
	"slices"
	"strings"
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

// stagingPattern names the temporary sibling a tree is built in.
const stagingPattern = ".%s.stsgen-tmp-"

// treeWriter writes an output tree. create opens a file for writing; tests
// replace it to simulate a full disk. beforeFile runs before each file is
// written; tests use it to interrupt a write half-way.
type treeWriter struct {
	create     func(name string) (io.WriteCloser, error)
	beforeFile func(rel string)
}

func newTreeWriter() *treeWriter {
	return &treeWriter{create: func(name string) (io.WriteCloser, error) {
		return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	}}
}

// writeTree replaces the tree under dir with files (paths relative to dir),
// atomically: the new tree is built in a temporary sibling and swapped into
// place with one rename, so a reader sees the old tree or the new one, and
// any failure, interruption included, leaves dir exactly as it was. Files
// in dir that stsgen did not write are carried over; files it wrote before
// that are no longer produced are dropped only when the manifest proves
// they are stsgen's and unedited.
func (w *treeWriter) writeTree(ctx context.Context, dir string, files map[string][]byte) error {
	info, err := os.Stat(dir)
	switch {
	case err == nil && !info.IsDir():
		return fmt.Errorf("output %s is a file, not a directory; choose a directory with -o", dir)
	case err == nil && info.Mode().Perm()&0o200 == 0:
		return fmt.Errorf("output directory %s is read-only; make it writable (chmod u+w) or choose another with -o", dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("output directory: %w", err)
	}
	exists := err == nil
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", parent, err)
	}
	removeStaleStaging(parent, base)
	staging, err := os.MkdirTemp(parent, fmt.Sprintf(stagingPattern, base))
	if err != nil {
		return fmt.Errorf("output directory %s: cannot create a temporary sibling: %w", dir, unwrapPath(err))
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(staging)
		}
	}()
	mode := fs.FileMode(0o755)
	if exists {
		mode = info.Mode().Perm()
	}
	if err := os.Chmod(staging, mode); err != nil {
		return err
	}
	written := map[string]string{}
	if exists {
		if err := w.carryOver(dir, staging, files, written); err != nil {
			return err
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("interrupted; %s is unchanged", dir)
		}
		if w.beforeFile != nil {
			w.beforeFile(rel)
		}
		if _, ok := written[rel]; ok {
			continue // unchanged: carried over with its modification time
		}
		if err := w.writeFile(filepath.Join(staging, filepath.FromSlash(rel)), files[rel]); err != nil {
			return fmt.Errorf("writing %s: %w; %s is unchanged", rel, unwrapPath(err), dir)
		}
		written[rel] = hash(files[rel])
	}
	if err := w.writeFile(filepath.Join(staging, manifestName), manifest(written)); err != nil {
		return fmt.Errorf("writing %s: %w; %s is unchanged", manifestName, unwrapPath(err), dir)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted; %s is unchanged", dir)
	}
	if err := swap(staging, dir, exists); err != nil {
		return fmt.Errorf("replacing %s: %w", dir, err)
	}
	done = true
	syncDir(parent)
	return nil
}

// carryOver links into staging every file of dir that the new tree keeps:
// files the new tree has with the same bytes (so they keep their
// modification time), and files stsgen cannot prove it wrote. written
// records the unchanged ones.
func (w *treeWriter) carryOver(dir, staging string, files map[string][]byte, written map[string]string) error {
	prev := readManifest(filepath.Join(dir, manifestName))
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "." || rel == manifestName {
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
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if want, ok := files[slash]; ok {
			if string(want) != string(data) {
				return nil // replaced by the new content
			}
			written[slash] = hash(data)
		} else if sum, ok := prev[slash]; ok && sum == hash(data) {
			return nil // stsgen's, unedited, no longer produced: dropped
		}
		if err := os.Link(path, target); err != nil {
			return copyFile(path, target, d)
		}
		return nil
	})
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

// removeStaleStaging removes the temporary siblings of runs that were
// killed before they could clean up.
func removeStaleStaging(parent, base string) {
	matches, _ := filepath.Glob(filepath.Join(parent, fmt.Sprintf(stagingPattern, base)+"*"))
	for _, m := range matches {
		os.RemoveAll(m)
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

func readManifest(path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if sum, rel, ok := strings.Cut(line, "  "); ok && !strings.HasPrefix(line, "#") {
			m[rel] = sum
		}
	}
	return m
}

// unwrapPath drops the temporary path from a *fs.PathError: the user knows
// the output directory, not the staging name.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// writeFileAtomic writes one file through a temporary sibling and a
// rename, so a reader sees the old content or the new, never a part.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil // unchanged: keep the file and its modification time
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
