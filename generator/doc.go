// Package generator compiles stateful apps described in CUE into
// Kubernetes objects. It is the one pipeline the stsgen command, the tests
// and the end-to-end suite run:
//
//	load → decode → check → build → verify
//
// CompileEach takes the packages to build (LoadConfig) and the rule
// severities (Policy), and hands each app's Bundle (its Spec, its objects
// and, when its StatefulSet is to be re-created, the steps) to a function
// of the caller's as soon as it is verified, so that the caller renders it
// (AppFiles, RenderDocs, ListItems) and lets it go; Compile collects them.
// What is wrong with the input comes back as Diagnostics, every problem at
// once, each with its field path and the user's positions.
//
// The stages are the packages below it, each importing only those under
// it, from the top: internal/rules, internal/render, internal/update,
// internal/build, internal/load, internal/spec, and diag at the bottom.
// This package re-exports the few of their names that callers use.
package generator
