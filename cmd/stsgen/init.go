package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/examples"
	"github.com/stsgen/stsgen/generator/diag"
)

var initCmd = &command{
	name:  "init",
	short: "start an app from a bundled example",
	usage: "init [--template NAME] DIR",
	long: `Init writes the CUE files of a bundled example into DIR, with stsgen's
schema vendored into DIR/cue.mod and a schema.cue that binds the apps to
it, so that cue vet and CUE-aware editors check the apps as stsgen does.
DIR must not hold a CUE package yet; it is created if it does not exist.
Nothing is written if anything fails.

Templates: ` + strings.Join(templates(), ", ") + ` (default zookeeper).

Then: stsgen build DIR, or stsgen build -o OUT DIR.`,
}

func init() { initCmd.run = runInit }

// templates lists the bundled examples.
func templates() []string {
	entries, _ := fs.ReadDir(examples.FS, ".")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

func runInit(e *env, args []string) int {
	var template string
	fs := initCmd.flags(e)
	fs.StringVar(&template, "template", "zookeeper", "the example to start from (`NAME`): "+strings.Join(templates(), ", "))
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(e.stderr, "stsgen init: name one directory to write the app into\nRun \"stsgen init --help\" for usage.\n")
		return exitUsage
	}
	if !slices.Contains(templates(), template) {
		fmt.Fprintf(e.stderr, "stsgen init: no template %q; the templates are %s\n", template, strings.Join(templates(), ", "))
		return exitUsage
	}
	dir := fs.Arg(0)
	if err := initApp(e.abs(dir), template); err != nil {
		fmt.Fprintf(e.stderr, "stsgen init: %s\n", shownDir(err, e.abs(dir), dir))
		return exitInvalid
	}
	fmt.Fprintf(e.stderr, "stsgen: wrote the %s example to %s; build it with: stsgen build %s\n", template, dir, dir)
	return exitOK
}

var packageClause = regexp.MustCompile(`(?m)^package ([A-Za-z_][A-Za-z0-9_]*)\s*$`)

// initApp writes the template into dir: everything is written into a
// temporary directory beside dir first, then moved in.
func initApp(dir, template string) error {
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if e.Name() == "cue.mod" || strings.HasSuffix(e.Name(), ".cue") {
				return fmt.Errorf("%s already holds a CUE package (%s); choose a new or empty directory", dir, e.Name())
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", dir, diag.Cause(err))
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(dir), diag.Cause(err))
	}
	staging, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".stsgen-init-")
	if err != nil {
		return fmt.Errorf("cannot create a temporary directory beside %s: %w", dir, diag.Cause(err))
	}
	defer os.RemoveAll(staging)

	files, err := fs.Glob(examples.FS, template+"/*.cue")
	if err != nil || len(files) == 0 {
		return fmt.Errorf("template %s has no CUE files", template)
	}
	pkg := ""
	for _, f := range files {
		data, err := examples.FS.ReadFile(f)
		if err != nil {
			return err
		}
		if m := packageClause.FindSubmatch(data); m != nil {
			pkg = string(m[1])
		}
		if err := os.WriteFile(filepath.Join(staging, path.Base(f)), data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", path.Base(f), diag.Cause(err))
		}
	}
	bind := fmt.Sprintf(`package %s

import "github.com/stsgen/stsgen/schema"

// stsgen binds every app to its schema itself; this line lets cue vet and
// CUE-aware editors do the same. The schema is vendored in cue.mod; stsgen
// schema --vendor . updates it.
apps: schema.#Apps
`, pkg)
	if err := os.WriteFile(filepath.Join(staging, "schema.cue"), []byte(bind), 0o644); err != nil {
		return fmt.Errorf("writing schema.cue: %w", diag.Cause(err))
	}
	if err := vendorSchema(staging, "stsgen.local/"+pkg+"@v0"); err != nil {
		return fmt.Errorf("vendoring the schema: %w", diag.Cause(err))
	}

	// Move the staged tree in: the whole directory when dir is new, else
	// entry by entry (none of them exists in dir: checked above).
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(staging, dir); err != nil {
			return fmt.Errorf("creating %s: %w", dir, diag.Cause(err))
		}
		return nil
	}
	entries, err := os.ReadDir(staging)
	if err != nil {
		return err
	}
	var moved []string
	for _, e := range entries {
		if err := os.Rename(filepath.Join(staging, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			for _, m := range moved {
				os.RemoveAll(filepath.Join(dir, m))
			}
			return fmt.Errorf("writing into %s: %w", dir, diag.Cause(err))
		}
		moved = append(moved, e.Name())
	}
	return nil
}
