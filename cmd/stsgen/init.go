package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/stsgen/stsgen/examples"
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/templates"
)

var initCmd = &command{
	name:  "init",
	short: "start an app from a bundled example or a blank template",
	usage: "init [--template NAME] DIR",
	long: `Init writes the CUE files of a template into DIR, with stsgen's
schema vendored into DIR/cue.mod and a schema.cue that binds the apps to
it, so that cue vet and CUE-aware editors check the apps as stsgen does.
DIR must not hold a CUE package yet; it is created if it does not exist.
Nothing is written if anything fails.

Templates: ` + strings.Join(templateNames(), ", ") + ` (default zookeeper).
` + blankTemplate + ` is one app to fill in, named after DIR (app when DIR's name is not
an app name): an image, a port, a readiness probe, a volume claim and
resources, which builds as it is; the others are the bundled examples.

Then: stsgen build DIR, or stsgen build -o OUT DIR.`,
}

func init() { initCmd.run = runInit }

// blankTemplate names the template of one app to fill in.
const blankTemplate = "blank"

// templateNames lists the blank template and the bundled examples.
func templateNames() []string {
	entries, _ := fs.ReadDir(examples.FS, ".")
	names := []string{blankTemplate}
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
	fs.StringVar(&template, "template", "zookeeper", "the template to start from (`NAME`): "+strings.Join(templateNames(), ", "))
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(e.stderr, "stsgen init: name one directory to write the app into\nRun \"stsgen init --help\" for usage.\n")
		return exitUsage
	}
	if !slices.Contains(templateNames(), template) {
		fmt.Fprintf(e.stderr, "stsgen init: no template %q; the templates are %s\n", template, strings.Join(templateNames(), ", "))
		return exitUsage
	}
	dir := fs.Arg(0)
	var files map[string][]byte
	var pkg, what string
	var err error
	if template == blankTemplate {
		name := blankName(e.abs(dir))
		files, pkg, err = blankFiles(name)
		what = fmt.Sprintf("a blank app named %s", name)
	} else {
		files, pkg, err = exampleFiles(template)
		what = fmt.Sprintf("the %s example", template)
	}
	if err == nil {
		err = initApp(e.abs(dir), files, pkg)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "stsgen init: %s\n", shownDir(err, e.abs(dir), dir))
		return exitInvalid
	}
	fmt.Fprintf(e.stderr, "stsgen: wrote %s to %s; build it with: stsgen build %s\n", what, dir, dir)
	return exitOK
}

// appName is what blankName accepts as the app's name: a DNS label that
// starts with a letter, short enough for every object's name.
var appName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$`)

// blankName names the blank app after its directory, as helm create names
// a chart, or app when the directory's name is not an app name.
func blankName(dir string) string {
	if name := filepath.Base(dir); appName.MatchString(name) {
		return name
	}
	return "app"
}

// blankFiles renders the blank template for the app name: its CUE file
// and package name.
func blankFiles(name string) (map[string][]byte, string, error) {
	tmpl, err := template.New("blank").Parse(templates.Blank)
	if err != nil {
		return nil, "", err
	}
	pkg := strings.ReplaceAll(name, "-", "_")
	label := name
	if strings.Contains(name, "-") {
		label = strconv.Quote(name)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, struct{ Name, Label, Package string }{name, label, pkg}); err != nil {
		return nil, "", err
	}
	return map[string][]byte{"app.cue": b.Bytes()}, pkg, nil
}

// exampleFiles reads the bundled example's CUE files and its package name.
func exampleFiles(template string) (map[string][]byte, string, error) {
	names, err := fs.Glob(examples.FS, template+"/*.cue")
	if err != nil || len(names) == 0 {
		return nil, "", fmt.Errorf("template %s has no CUE files", template)
	}
	files := map[string][]byte{}
	pkg := ""
	for _, f := range names {
		data, err := examples.FS.ReadFile(f)
		if err != nil {
			return nil, "", err
		}
		if m := packageClause.FindSubmatch(data); m != nil {
			pkg = string(m[1])
		}
		files[path.Base(f)] = data
	}
	return files, pkg, nil
}

var packageClause = regexp.MustCompile(`(?m)^package ([A-Za-z_][A-Za-z0-9_]*)\s*$`)

// initApp writes the files of package pkg into dir, with the schema
// vendored and bound: everything is written into a temporary directory
// beside dir first, then moved in.
func initApp(dir string, files map[string][]byte, pkg string) error {
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

	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(staging, name), files[name], 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, diag.Cause(err))
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
