// Package generator compiles stateful apps described in CUE into
// Kubernetes objects. It is the one pipeline the stsgen command, the tests
// and the end-to-end suite run:
//
//	load → decode → check → build → verify → render
//
// Compile and CompileEach take the packages to build (LoadConfig) and the
// rule severities (Policy) and return each app's Bundle: its Spec, its
// objects and, when its StatefulSet is to be re-created, the steps. What
// is wrong with the input comes back as Diagnostics, every problem at
// once, each with its field path and the user's positions.
//
// The stages are the packages below it, each importing only those under
// it: diag at the bottom, then internal/spec, internal/load,
// internal/build, internal/update, internal/rules and internal/render.
// This package re-exports the few of their names that callers use.
package generator
