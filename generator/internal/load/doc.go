// Package load finds the CUE packages a build names and evaluates their
// apps against the embedded schema. Index loads each package once without
// the schema, reports load and syntax errors, and lists its apps; a Unit
// then evaluates some of its apps in a CUE context of their own. A large
// package is split into pieces (split.go): each piece is the package with
// the other apps' declarations blanked out, positions unchanged, so that
// pieces evaluate on every CPU and each is dropped when done.
//
// Fingerprint digests every input file, for the output directory's stamp.
package load
