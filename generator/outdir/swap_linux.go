package outdir

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// swap puts staging in target's place. An existing target is exchanged
// with staging in one renameat2 call, so it never goes missing; staging
// then holds the old tree.
func swap(staging, target string) error {
	err := unix.Renameat2(unix.AT_FDCWD, staging, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT):
		return os.Rename(staging, target)
	}
	return swapByRenames(staging, target)
}

// unswap undoes swap.
func unswap(target, staging string) {
	if unix.Renameat2(unix.AT_FDCWD, staging, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE) != nil {
		swapByRenames(staging, target)
	}
}
