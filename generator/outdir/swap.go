package outdir

import (
	"errors"
	"io/fs"
	"os"
)

// swapByRenames exchanges staging and target with renames through a third
// name; if a rename fails, what was moved is moved back.
func swapByRenames(staging, target string) error {
	aside := staging + ".old"
	_, err := os.Lstat(target)
	exists := !errors.Is(err, fs.ErrNotExist)
	if exists {
		if err := os.Rename(target, aside); err != nil {
			return err
		}
	}
	if err := os.Rename(staging, target); err != nil {
		if exists {
			os.Rename(aside, target)
		}
		return err
	}
	if exists {
		return os.Rename(aside, staging)
	}
	return os.Mkdir(staging, 0o755)
}
