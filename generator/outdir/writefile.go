package outdir

import (
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes one file through a temporary sibling and a
// rename, so a reader sees the old content or the new, never a part: the
// output directory's manifest and stamp, and schema --vendor's files.
// (Object files are staged in a directory of their own and swapped in
// whole.)
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil // unchanged: keep the file and its modification time
	}
	tmp, err := prepareFile(path, data, nil)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // no-op after a successful rename
	return os.Rename(tmp, path)
}

// prepareFile writes data to a new temporary sibling of path, synced and
// readable by all, and returns its name, for a rename over path. create
// opens it; nil opens the file itself, and tests pass one that fails as a
// full disk would.
func prepareFile(path string, data []byte, create func(name string) (io.WriteCloser, error)) (string, error) {
	if create == nil {
		create = createFile
	}
	// CreateTemp finds a free name; create makes the file anew.
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	name := tmp.Name()
	tmp.Close()
	os.Remove(name)
	w, err := create(name)
	if err != nil {
		return "", err
	}
	_, err = w.Write(data)
	if f, ok := w.(*os.File); ok && err == nil {
		err = f.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// createFile makes a new file for writing.
func createFile(name string) (io.WriteCloser, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}
