package main

import (
	"fmt"

	"cuelang.org/go/cue/cuecontext"

	"github.com/stsgen/stsgen/generator"
)

var buildCmd = &command{
	name:  "build",
	short: "compile apps into Kubernetes manifests",
	usage: "build [-o DIR] [PATH ...]",
	long: `Build loads the CUE package in each PATH (a directory, a ./...-style pattern
or .cue files; "." when none is given), checks every app under its top-level
apps struct, and writes the generated objects.

Without -o, the objects of every app go to standard output as one YAML stream.
With -o DIR, each object is written to DIR/<app>/<object>.yaml. Nothing is
written when any app has an error.

Exit status: 0 on success, 1 when the input has errors, 2 on a usage error.`,
}

var vetCmd = &command{
	name:  "vet",
	short: "check apps without writing anything",
	usage: "vet [PATH ...]",
	long: `Vet loads and checks apps like build, prints every problem it finds, and
writes nothing.

Exit status: 0 when there are no errors (warnings allowed), 1 when there are,
2 on a usage error.`,
}

func init() {
	buildCmd.run = runBuild
	vetCmd.run = runVet
}

type buildOptions struct {
	output string
}

func runBuild(e *env, args []string) int {
	var opts buildOptions
	fs := buildCmd.flags(e)
	fs.StringVarP(&opts.output, "output", "o", "", "write one file per object under `DIR` instead of standard output")
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	bundles, ok := compile(e, fs.Args())
	if !ok {
		return exitInvalid
	}
	if opts.output == "" || opts.output == "-" {
		out, err := generator.Render(bundles)
		if err != nil {
			fmt.Fprintf(e.stderr, "stsgen build: %v\n", err)
			return exitInvalid
		}
		if _, err := e.stdout.Write(out); err != nil {
			fmt.Fprintf(e.stderr, "stsgen build: writing output: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	files, err := generator.Files(bundles)
	if err != nil {
		fmt.Fprintf(e.stderr, "stsgen build: %v\n", err)
		return exitInvalid
	}
	if err := writeTree(e.abs(opts.output), files); err != nil {
		fmt.Fprintf(e.stderr, "stsgen build: %v\n", err)
		return exitInvalid
	}
	return exitOK
}

func runVet(e *env, args []string) int {
	fs := vetCmd.flags(e)
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	if _, ok := compile(e, fs.Args()); !ok {
		return exitInvalid
	}
	return exitOK
}

// compile runs the pipeline and prints every diagnostic. It reports false
// when there was an error.
func compile(e *env, args []string) ([]*generator.Bundle, bool) {
	bundles, ds := generator.Compile(cuecontext.New(), generator.LoadConfig{Dir: e.dir, Args: args})
	ds.Print(e.stderr, e.dir)
	return bundles, !ds.HasErrors()
}
