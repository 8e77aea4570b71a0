// Package examples holds stsgen's bundled examples, each a directory with a
// commented CUE package and the manifests stsgen generates from it. stsgen
// init copies one to start an app from.
package examples

import "embed"

// FS holds every example's CUE files: <example>/<file>.cue.
//
//go:embed */*.cue
var FS embed.FS
