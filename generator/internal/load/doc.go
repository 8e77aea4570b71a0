// Package load finds the CUE packages a build names and evaluates their
// apps against the embedded schema. Index loads each package once without
// the schema, reports load and syntax errors, and lists its apps; a Unit
// then evaluates some of its apps in a CUE context of their own. A large
// package is split into pieces (split.go): each piece is the package with
// the other apps' declarations blanked out, positions unchanged, so that
// pieces evaluate on every CPU and each is dropped when done.
//
// The values of -t are injected by cue/load as packages load (tags.go);
// stsgen words what it refuses, and points errors about an injected value
// at its @tag.
//
// Fingerprint digests every input file and tag, for the output directory's
// stamp.
package load
