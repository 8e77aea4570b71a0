package main

import "os"

// swapByRenames moves dir aside, renames staging into its place and removes
// the old tree; if the second rename fails, dir is moved back.
func swapByRenames(staging, dir string) error {
	old := staging + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(staging, dir); err != nil {
		os.Rename(old, dir)
		return err
	}
	return os.RemoveAll(old)
}
