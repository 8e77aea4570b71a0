package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"cuelang.org/go/cue/cuecontext"

	"github.com/stsgen/stsgen/generator"
)

var buildCmd = &command{
	name:  "build",
	short: "compile apps into Kubernetes manifests",
	usage: "build [-o DIR] [--strict] [--severity RULE=LEVEL] [--format text|json] [--previous PATH] [PATH ...]",
	long: `Build loads the CUE package in each PATH (a directory, a ./...-style pattern
or .cue files; "." when none is given), checks every app under its top-level
apps struct, and writes the generated objects.

Without -o, the objects of every app go to standard output as one YAML stream.
With -o DIR, each object is written to DIR/<app>/<object>.yaml. Nothing is
written when any app has an error; warnings are printed and do not stop the
build unless --strict makes them errors.

Rule severities: an app's checks field sets them for that app
(checks: STS102: "off"); --severity sets them for the run, and an app's own
setting wins; --strict then turns every remaining warning into an error.
"stsgen explain" lists the rules.

Updates: Kubernetes refuses changes to some fields of a StatefulSet that
exists (serviceName, selector, podManagementPolicy, claim templates).
build -o DIR compares with the output already in DIR, and --previous PATH
with the objects in a YAML file or directory (such as the output of
kubectl get statefulset,service -o yaml); such a change is an error
(STS015), and resizing a quorum ensemble a warning (STS212).

Exit status: 0 on success, 1 when the input has errors, 2 on a usage error.`,
}

var vetCmd = &command{
	name:  "vet",
	short: "check apps without writing anything",
	usage: "vet [--strict] [--severity RULE=LEVEL] [--format text|json] [--previous PATH] [PATH ...]",
	long: `Vet loads and checks apps like build, prints every problem it finds, and
writes nothing. It takes build's rule flags; --format json prints the
findings as one JSON object for machines.

Exit status: 0 when there are no errors (warnings allowed), 1 when there are,
2 on a usage error.`,
}

func init() {
	buildCmd.run = runBuild
	vetCmd.run = runVet
}

type buildOptions struct {
	output string
	check  checkOptions
}

// checkOptions are the flags build and vet share.
type checkOptions struct {
	strict   bool
	severity []string
	format   string
	previous string
}

func (o *checkOptions) register(fs *pflag.FlagSet) {
	fs.BoolVar(&o.strict, "strict", false, "treat warnings as errors")
	fs.StringArrayVar(&o.severity, "severity", nil, "set a rule's severity, e.g. STS102=off or STS105=error (`RULE=LEVEL`, repeatable; LEVEL is error, warning or off)")
	fs.StringVar(&o.format, "format", "text", "how to print findings: text, or json for machines (`FORMAT`)")
	fs.StringVar(&o.previous, "previous", "", "compare with the objects in `PATH` (a YAML file or directory, e.g. kubectl get sts,svc -o yaml) for changes Kubernetes refuses; build -o compares with the directory's earlier output by default")
}

// policy turns the flags into a Policy, or prints the usage error.
func (o *checkOptions) policy(e *env, cmd string) (generator.Policy, bool) {
	pol := generator.Policy{Strict: o.strict}
	for _, s := range o.severity {
		if err := pol.ParseSetting(s); err != nil {
			fmt.Fprintf(e.stderr, "stsgen %s: --severity %v\n", cmd, err)
			return pol, false
		}
	}
	if o.format != "text" && o.format != "json" {
		fmt.Fprintf(e.stderr, "stsgen %s: --format %q: use text or json\n", cmd, o.format)
		return pol, false
	}
	return pol, true
}

func runBuild(e *env, args []string) int {
	var opts buildOptions
	fs := buildCmd.flags(e)
	fs.StringVarP(&opts.output, "output", "o", "", "write one file per object under `DIR` instead of standard output")
	opts.check.register(fs)
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	pol, ok := opts.check.policy(e, "build")
	if !ok {
		return exitUsage
	}
	outDir := ""
	if opts.output != "" && opts.output != "-" {
		outDir = e.abs(opts.output)
	}
	prev, err := opts.check.previousFor(e, outDir)
	if err != nil {
		return report(e, opts.check.format, e.stderr, nil, "build", err)
	}
	pol.Previous = prev
	bundles, ds := generator.Compile(cuecontext.New(), generator.LoadConfig{Dir: e.dir, Args: fs.Args()}, pol)
	if ds.HasErrors() {
		return report(e, opts.check.format, e.stderr, ds, "build", nil)
	}
	if outDir == "" {
		out, err := generator.Render(bundles)
		if err == nil {
			_, err = e.stdout.Write(out)
		}
		return report(e, opts.check.format, e.stderr, ds, "build", err)
	}
	files, err := generator.Files(bundles)
	if err == nil {
		if err = newTreeWriter().writeTree(e.ctx, outDir, files); err != nil {
			// Name the directory as the user did.
			err = errors.New(strings.ReplaceAll(err.Error(), outDir, opts.output))
		}
	}
	return report(e, opts.check.format, e.stderr, ds, "build", err)
}

func runVet(e *env, args []string) int {
	var opts checkOptions
	fs := vetCmd.flags(e)
	opts.register(fs)
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	pol, ok := opts.policy(e, "vet")
	if !ok {
		return exitUsage
	}
	prev, err := opts.previousFor(e, "")
	if err != nil {
		return report(e, opts.format, e.stdout, nil, "vet", err)
	}
	pol.Previous = prev
	_, ds := generator.Compile(cuecontext.New(), generator.LoadConfig{Dir: e.dir, Args: fs.Args()}, pol)
	return report(e, opts.format, e.stdout, ds, "vet", nil)
}

// report prints the findings and a failure to read or write, if any, and
// returns the exit status. Text goes to stderr; with format json one
// object goes to jsonOut (vet's stdout; build's stderr, since its stdout
// carries the manifests), the failure in it as an error without a rule.
func report(e *env, format string, jsonOut io.Writer, ds generator.Diagnostics, cmd string, failure error) int {
	if format == "json" {
		if failure != nil {
			ds = append(ds, generator.Diagnostic{Severity: generator.Error, Message: failure.Error()})
		}
		if err := ds.PrintJSON(jsonOut, e.dir); err != nil {
			fmt.Fprintf(e.stderr, "stsgen %s: %v\n", cmd, err)
			return exitInvalid
		}
	} else {
		ds.Print(e.stderr, e.dir)
		if failure != nil {
			fmt.Fprintf(e.stderr, "stsgen %s: %v\n", cmd, failure)
		}
	}
	if failure != nil || ds.HasErrors() {
		return exitInvalid
	}
	return exitOK
}
