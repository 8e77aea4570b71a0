// Package images holds the recipes of the images the real-node suite runs:
// one CUE file per image, saying which Debian packages stand in for which
// upstream image and what contract the image keeps, and the files (entry
// points, configuration) the recipes put into the images. It only embeds
// them; e2e/internal/images builds the images.
package images

import "embed"

// Recipes holds every *.cue recipe and the files under files/.
//
//go:embed *.cue files
var Recipes embed.FS
