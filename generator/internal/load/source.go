package load

import (
	"os"

	"cuelang.org/go/cue/build"
)

// contents is what CUE read of the file f. The loader keeps the bytes it
// parsed in f.Source (the file decoded as UTF-8: a byte-order mark
// dropped, an invalid byte turned into U+FFFD), and every later step (the
// splitting into pieces and the reloading of each piece, the fingerprint)
// reads them there, so that a file edited while stsgen runs is seen as
// one version throughout, and positions in the pieces are CUE's own. A
// file CUE did not read is read from disk.
func contents(f *build.File) ([]byte, error) {
	if src, ok := f.Source.([]byte); ok {
		return src, nil
	}
	return os.ReadFile(f.Filename)
}

// sources maps the file names of inst to what CUE read of them.
func sources(inst *build.Instance) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range inst.BuildFiles {
		if src, err := contents(f); err == nil {
			m[f.Filename] = src
		}
	}
	return m
}

// withImports is inst and every package it imports, each once.
func withImports(inst *build.Instance) []*build.Instance {
	var out []*build.Instance
	seen := map[*build.Instance]bool{}
	var walk func(*build.Instance)
	walk = func(i *build.Instance) {
		if seen[i] {
			return
		}
		seen[i] = true
		out = append(out, i)
		for _, imp := range i.Imports {
			walk(imp)
		}
	}
	walk(inst)
	return out
}
