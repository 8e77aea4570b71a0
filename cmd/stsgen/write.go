package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

func (e *env) abs(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(e.dir, path)
}

// writeTree writes files (paths relative to dir) under dir. Each file is
// written to a temporary sibling and renamed into place, so a reader sees
// either the old file or the new one, never a partial write.
func writeTree(dir string, files map[string][]byte) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("output %s is a file, not a directory; choose a directory with -o", dir)
	}
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(rel)), files[rel]); err != nil {
			return err
		}
	}
	return nil
}

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
