package outdir

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator"
	"k8s.io/apimachinery/pkg/util/validation"
)

// ManifestName is the file in which stsgen lists what it wrote into an
// output directory, with each file's hash. A later build deletes a file
// only when it is listed there and unchanged: proof that stsgen wrote it
// and nobody edited it since.
const ManifestName = ".stsgen-manifest"

func hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// manifest returns the manifest that lists written: path to hash.
func manifest(written map[string]string) []byte {
	var b strings.Builder
	b.WriteString("# Files written by stsgen, with their SHA-256. stsgen deletes a file it no\n")
	b.WriteString("# longer produces only when it is listed here and unchanged.\n")
	for _, rel := range slices.Sorted(maps.Keys(written)) {
		fmt.Fprintf(&b, "%s  %s\n", written[rel], rel)
	}
	return []byte(b.String())
}

// readManifest reads the manifest of the output directory dir; a missing
// or unreadable one lists nothing.
func readManifest(dir string) map[string]string {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil
	}
	return parseManifest(data)
}

// parseManifest reads a manifest's entries: path to hash.
func parseManifest(data []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if sum, rel, ok := strings.Cut(line, "  "); ok && !strings.HasPrefix(line, "#") && manifestEntry(sum, rel) {
			m[rel] = sum
		}
	}
	return m
}

// manifestEntry reports whether a manifest line names a file stsgen could
// have written: a SHA-256 and <app>/<file>, the path clean and relative,
// the app a DNS label. Any other line, edited by hand or damaged, grants
// nothing: stsgen then treats the file as not its own.
func manifestEntry(sum, rel string) bool {
	app, file, ok := strings.Cut(rel, "/")
	return ok && file != "" && len(sum) == 64 && strings.Trim(sum, "0123456789abcdef") == "" &&
		path.Clean(rel) == rel && !strings.Contains(rel, "..") && len(validation.IsDNS1123Label(app)) == 0
}

// ownFile reports whether stsgen wrote a file: the manifest lists it (rel,
// relative to the output directory), or it starts with stsgen's header.
func ownFile(listed map[string]string, rel string, data []byte) bool {
	_, ok := listed[rel]
	return ok || generator.IsGenerated(data)
}

// objectFile reports whether a file's name says it holds objects: YAML or
// JSON.
func objectFile(name string) bool {
	ext := filepath.Ext(name)
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}
