package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/inject/embed"
	"cuelang.org/go/cue/token"

	"github.com/stsgen/stsgen/generator/diag"
)

// moduleInputs lists the files the @embed attributes of inst and of the
// packages it imports name, as absolute paths, and reports every file CUE
// would read on the input's behalf that lies in its package's module by
// its path but outside it once symbolic links are resolved: a package
// file, an imported one, or an embedded one. In CI, a GitOps repo server
// or an Argo CD plugin an input is untrusted, and a link.txt pointing at
// /etc/shadow must not put the file into a ConfigMap. It reads no file;
// the caller checks before CUE evaluates, which is when CUE reads the
// embedded ones. Files CUE found outside the module by their path (a
// module cache) are CUE's to choose.
func moduleInputs(inst *build.Instance) ([]string, diag.Diagnostics) {
	var files []string
	var ds diag.Diagnostics
	for _, i := range withImports(inst) {
		root, where := boundary(i)
		realRoot, err := filepath.EvalSymlinks(root)
		if err != nil {
			continue // CUE reports what it cannot read
		}
		for _, f := range i.BuildFiles {
			if !within(f.Filename, root) {
				continue
			}
			if real, err := filepath.EvalSymlinks(f.Filename); err == nil && !within(real, realRoot) {
				ds = append(ds, diag.Diagnostic{Message: fmt.Sprintf("%s is a link to %s, outside %s; stsgen reads nothing outside it, so copy the file in", f.Filename, real, where)})
			}
		}
		fsys := os.DirFS(root)
		for _, f := range i.Files {
			rel, err := filepath.Rel(root, f.Filename)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			embeds, _ := embed.EmbeddedPaths(filepath.ToSlash(rel), f)
			for _, e := range embeds {
				found, err := e.FindAll(fsys)
				if err != nil {
					continue // CUE reports it, with its reason
				}
				for _, p := range found {
					full := filepath.Join(root, filepath.FromSlash(p))
					if real, err := filepath.EvalSymlinks(full); err != nil {
						continue
					} else if !within(real, realRoot) {
						ds = append(ds, diag.Diagnostic{
							Message: fmt.Sprintf("@embed reads %s, which is %s: outside %s; stsgen reads nothing outside it, so copy the file in", p, real, where),
							Pos:     embedPos(e),
						})
						continue
					}
					files = append(files, full)
				}
			}
		}
	}
	return files, ds
}

// embedPos is where the attribute is written.
func embedPos(e *embed.Embed) []token.Pos {
	if e.Attribute != nil && e.Attribute.Pos.IsValid() {
		return []token.Pos{e.Attribute.Pos}
	}
	if e.Node != nil && e.Node.Pos().IsValid() {
		return []token.Pos{e.Node.Pos()}
	}
	return nil
}

// within reports whether path is root or below it.
func within(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+string(filepath.Separator))
}

// boundary is the directory no input may leave: the CUE module's root, or
// the package's directory when there is no module; and its name in words.
func boundary(inst *build.Instance) (root, where string) {
	if inst.Root != "" {
		return inst.Root, "the CUE module at " + inst.Root
	}
	return inst.Dir, "the package's directory " + inst.Dir
}
