// Package schema embeds the CUE schema of a stsgen app.
package schema

import "embed"

// ImportPath is the CUE import path of the schema package.
const ImportPath = "github.com/stsgen/stsgen/schema"

// FS holds the schema's CUE files.
//
//go:embed *.cue
var FS embed.FS

// The names stsgen reads from a package: the top-level field that holds
// the apps, and the schema's definitions of the apps and of one app.
const (
	AppsField = "apps"
	AppsDef   = "#Apps"
	AppDef    = "#App"
)
