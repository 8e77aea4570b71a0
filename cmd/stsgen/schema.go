package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"cuelang.org/go/cue"

	"github.com/stsgen/stsgen/generator/outdir"
	"github.com/stsgen/stsgen/schema"
)

var schemaCmd = &command{
	name:  "schema",
	short: "print the CUE schema, or vendor it into a CUE module",
	usage: "schema [--vendor DIR]",
	long: `Schema prints the CUE schema that stsgen unifies every app with.

With --vendor DIR, it copies the schema into DIR/cue.mod/pkg/` + schema.ImportPath + `,
creating DIR/cue.mod/module.cue if there is none, so that cue vet, cue eval and
editors understand files that import it:

	import "` + schema.ImportPath + `"

	apps: schema.#Apps

Run it again after upgrading stsgen to refresh the copy.`,
}

func init() { schemaCmd.run = runSchema }

func runSchema(e *env, args []string) int {
	var vendor, module string
	fs := schemaCmd.flags(e)
	fs.StringVar(&vendor, "vendor", "", "copy the schema into the CUE module rooted at `DIR`")
	fs.StringVar(&module, "module", "stsgen.local/deploy@v0", "the module path written to a new cue.mod/module.cue")
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "stsgen schema: unexpected argument %q\nRun \"stsgen schema --help\" for usage.\n", fs.Arg(0))
		return exitUsage
	}
	if vendor == "" {
		src, err := schema.FS.ReadFile("app.cue")
		if err != nil {
			fmt.Fprintf(e.stderr, "stsgen schema: %v\n", err)
			return exitInvalid
		}
		e.stdout.Write(src)
		return exitOK
	}
	if err := vendorSchema(e.abs(vendor), module); err != nil {
		fmt.Fprintf(e.stderr, "stsgen schema: %v\n", err)
		return exitInvalid
	}
	return exitOK
}

// vendorSchema copies the embedded schema into root's cue.mod/pkg.
func vendorSchema(root, module string) error {
	modFile := filepath.Join(root, "cue.mod", "module.cue")
	if _, err := os.Stat(modFile); os.IsNotExist(err) {
		content := fmt.Sprintf("module: %q\nlanguage: version: %q\n", module, cue.LanguageVersion())
		if err := outdir.WriteFile(modFile, []byte(content)); err != nil {
			return err
		}
	}
	dst := filepath.Join(root, "cue.mod", "pkg", filepath.FromSlash(schema.ImportPath))
	return fs.WalkDir(schema.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := schema.FS.ReadFile(path)
		if err != nil {
			return err
		}
		return outdir.WriteFile(filepath.Join(dst, path), data)
	})
}
