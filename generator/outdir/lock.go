package outdir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/stsgen/stsgen/generator/diag"
)

// Lock takes the output directory dir for one run, so that builds into
// one directory (two pre-commit hooks, an editor's save hook and a
// terminal) run one after the other instead of interleaving their swaps
// and manifests. A build takes it exclusively, creating dir when it does
// not exist yet, and holds it from reading the previous output to writing
// the manifest; --check takes it shared, so it sees one build's result
// whole. While another run holds it, Lock calls waiting once and waits,
// until ctx is done. The lock is the kernel's (flock on the directory), so
// a run that dies releases it; no file is left behind, and a directory
// Lock made is removed on release if the run wrote nothing into it.
func Lock(ctx context.Context, dir string, exclusive bool, waiting func()) (release func(), err error) {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return func() {}, nil // not a directory: the plan says so
	case errors.Is(err, fs.ErrNotExist) && !exclusive:
		return func() {}, nil // nothing to read yet
	}
	made := false
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("creating output directory %s: %w", dir, diag.Cause(err))
		}
		made = true
	}
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("opening output directory %s: %w", dir, diag.Cause(err))
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for told := false; ; {
		ok, err := tryLock(f, exclusive)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking output directory %s: %w", dir, err)
		}
		if ok {
			return func() {
				if made {
					os.Remove(dir) // only when empty
				}
				unlock(f)
				f.Close()
			}, nil
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			if made {
				os.Remove(dir)
			}
			return nil, interrupted(dir)
		case <-tick.C:
		}
	}
}
