//go:build !linux

package main

import "os"

// swap puts the staging directory in dir's place with two renames; between
// them dir is briefly missing, never half-written.
func swap(staging, dir string, exists bool) error {
	if !exists {
		return os.Rename(staging, dir)
	}
	return swapByRenames(staging, dir)
}
