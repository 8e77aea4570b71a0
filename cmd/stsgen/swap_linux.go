package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// swap puts the staging directory in dir's place. On Linux an existing dir
// is exchanged with staging in one renameat2 call, so dir never goes
// missing; the old tree, now at staging, is then removed.
func swap(staging, dir string, exists bool) error {
	if !exists {
		return os.Rename(staging, dir)
	}
	if err := unix.Renameat2(unix.AT_FDCWD, staging, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE); err == nil {
		return os.RemoveAll(staging)
	}
	return swapByRenames(staging, dir)
}
