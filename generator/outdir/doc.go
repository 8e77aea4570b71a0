// Package outdir owns stsgen's output directory: what a build's files do
// to it, and what stsgen left in it before.
//
// NewPlan reads the directory once and decides, file by file, what
// writing a build's files does: create, update, leave unchanged, remove
// what stsgen wrote and no longer produces, keep what is not stsgen's to
// change, or refuse to replace a file stsgen cannot prove it wrote.
// build --check prints that Plan and build -o applies it, so the two
// cannot disagree. Apply builds each app's new directory beside the old
// one and swaps it in, then writes the manifest (the proof of what
// stsgen wrote) and the stamp (what the files were built from).
//
// The package also reads the previous output a build compares with: the
// directory's own, the directory at a git revision, or any YAML, each
// with its digest in the one form a stamp records.
package outdir
