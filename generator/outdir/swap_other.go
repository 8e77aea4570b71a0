//go:build !linux

package outdir

import (
	"errors"
	"io/fs"
	"os"
)

// swap puts staging in target's place with two renames; between them the
// app's directory is briefly missing, never half-written. staging then
// holds the old tree.
func swap(staging, target string) error {
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(staging, target)
	}
	return swapByRenames(staging, target)
}

// unswap undoes swap.
func unswap(target, staging string) { swapByRenames(staging, target) }
