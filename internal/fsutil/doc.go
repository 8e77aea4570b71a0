// Package fsutil holds the two file-system habits that stsgen's writers
// share: writing a file so that a reader never sees half of it, and
// naming in an error the file the user knows rather than a temporary one.
// The output directory (generator/outdir) and the commands that write CUE
// files (cmd/stsgen init and schema) both need them, and neither owns
// the other.
package fsutil
