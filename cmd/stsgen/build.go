package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/generator/outdir"
)

var buildCmd = &command{
	name:  "build",
	short: "compile apps into Kubernetes manifests",
	usage: "build [-o DIR] [--check] [--against REV] [--app NAME] [-t KEY=VALUE] [--format yaml|json] [--kustomize] [--recreate APP] [rule flags] [-q] [PATH ...]",
	long: `Build loads the CUE package in each PATH (a directory, a ./...-style pattern
or .cue files; "." when none is given), checks every app under its top-level
apps struct, and writes the generated objects.

Without -o, or with -o -, the objects of every app go to standard output as
one YAML stream (a JSON List with --format json). With -o DIR, each object is
written to DIR/<app>/<object>.yaml (or .json). Nothing is written when any
app has an error; warnings are printed and do not stop the build unless
--strict makes them errors. A one-line summary goes to standard error; -q
drops it.

--check writes nothing: it compares what build -o DIR would write with what
DIR holds, prints a unified diff for each file that would change, and exits
1 if any would. Files in DIR that stsgen did not write are never reported.
A build of every app that reports nothing writes DIR/.stsgen-stamp, a digest
of its inputs, options and stsgen binary; while they and the files are
unchanged, --check answers from it without compiling.

Tags: -t KEY=VALUE sets each field of the packages built that carries
@tag(KEY) to VALUE, a string unless the attribute says @tag(KEY,type=int),
type=number or type=bool; -t NAME sets the field tagged
@tag(KEY,short=NAME|...) to "NAME", and selects the files whose @if(NAME)
holds, as cue -t does: for what a CI job decides, such as the image of a
release (image: string @tag(image)). docs/workflows.md shows one app in
several environments.

Rule severities: an app's checks field sets them for that app
(checks: STS102: "off"); --severity sets them for the run, and an app's own
setting wins; --strict then turns every remaining warning into an error.
"stsgen explain" lists the rules.

Updates: Kubernetes refuses changes to some fields of a StatefulSet that
exists (serviceName, selector, podManagementPolicy, claim templates). build
compares with the previous output: by default what DIR holds; with
--against REV, DIR as it is at that git revision; with --previous PATH, the
objects in a YAML file or directory (such as kubectl get statefulset,service
-o yaml). Such a change is an error (STS015) that gives the steps to make it;
recreate: true in the app, or --recreate APP, builds it and writes the steps
to DIR/<app>/RECREATE.md.

Exit status: 0 on success, 1 when the input has errors, output could not be
written or --check found changes, 2 on a usage error.`,
}

var vetCmd = &command{
	name:  "vet",
	short: "check apps without writing anything",
	usage: "vet [--strict] [--severity RULE=LEVEL] [--diagnostics text|json] [--previous PATH] [--app NAME] [-t KEY=VALUE] [PATH ...]",
	long: `Vet loads and checks apps like build, prints every problem it finds, and
writes nothing. It takes build's rule flags; --diagnostics json prints the
findings as one JSON object for machines, on standard output.

Exit status: 0 when there are no errors (warnings allowed), 1 when there are,
2 on a usage error.`,
}

func init() {
	buildCmd.run = runBuild
	vetCmd.run = runVet
}

type buildOptions struct {
	output    string
	check     bool
	against   string
	format    string
	kustomize bool
	recreate  []string
	quiet     bool
	rules     checkOptions
}

// checkOptions are the flags build and vet share.
type checkOptions struct {
	strict      bool
	severity    []string
	diagnostics string
	previous    string
	apps        []string
	tags        []string
}

func (o *checkOptions) register(fs *pflag.FlagSet) {
	fs.BoolVar(&o.strict, "strict", false, "treat warnings as errors")
	fs.StringArrayVar(&o.severity, "severity", nil, "set a rule's severity, e.g. STS102=off or STS105=error (`RULE=LEVEL`, repeatable; LEVEL is error, warning or off)")
	fs.StringVar(&o.diagnostics, "diagnostics", "text", "how to print findings: text, or json for machines (`FORMAT`)")
	fs.StringVar(&o.previous, "previous", "", "compare with the objects in `PATH` (a YAML file or directory, e.g. kubectl get sts,svc -o yaml) for changes Kubernetes refuses")
	fs.StringArrayVar(&o.apps, "app", nil, "check and build only the app `NAME` (repeatable); other apps and their output are left alone")
	fs.StringArrayVarP(&o.tags, "inject", "t", nil, "set the fields tagged @tag(KEY) to VALUE, as cue -t does; a short name alone, -t NAME, sets the tag that lists it (`KEY=VALUE`, repeatable)")
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
	if o.diagnostics != "text" && o.diagnostics != "json" {
		fmt.Fprintf(e.stderr, "stsgen %s: --diagnostics %q: use text or json\n", cmd, o.diagnostics)
		return pol, false
	}
	return pol, true
}

func runBuild(e *env, args []string) int {
	start := time.Now()
	var opts buildOptions
	fs := buildCmd.flags(e)
	fs.StringVarP(&opts.output, "output", "o", "", "write one file per object under `DIR` (- for standard output, the default)")
	fs.BoolVar(&opts.check, "check", false, "write nothing; print how the files in -o DIR differ from what build would write, and exit 1 if any does")
	fs.StringVar(&opts.against, "against", "", "compare with the output in -o DIR as it is at git revision `REV` (e.g. HEAD) for changes Kubernetes refuses")
	fs.StringVar(&opts.format, "format", "yaml", "write the objects as yaml, or json (`FORMAT`)")
	fs.BoolVar(&opts.kustomize, "kustomize", false, "write a kustomization.yaml listing each app's objects beside them")
	fs.StringArrayVar(&opts.recreate, "recreate", nil, "build changes that need `APP`'s StatefulSet re-created, and write the steps to DIR/APP/RECREATE.md (repeatable)")
	fs.BoolVarP(&opts.quiet, "quiet", "q", false, "print no summary")
	opts.rules.register(fs)
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	pol, ok := opts.rules.policy(e, "build")
	if !ok {
		return exitUsage
	}
	usage := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "stsgen build: "+format+"\n", args...)
		return exitUsage
	}
	if opts.format != "yaml" && opts.format != "json" {
		return usage("--format %q: use yaml or json", opts.format)
	}
	outDir := ""
	if opts.output != "" && opts.output != "-" {
		outDir = e.abs(opts.output)
	}
	switch {
	case opts.check && outDir == "":
		return usage("--check compares with an output directory; add -o DIR")
	case opts.against != "" && outDir == "":
		return usage("--against compares with an output directory at a git revision; add -o DIR")
	case opts.against != "" && opts.rules.previous != "":
		return usage("--against and --previous both name the previous output; use one")
	case opts.kustomize && outDir == "":
		return usage("--kustomize writes files; add -o DIR")
	}
	diag := opts.rules.diagnostics
	fail := func(err error) int { return report(e, diag, e.stderr, nil, "build", err) }

	// One run at a time writes the output directory, from reading its
	// previous output to writing its manifest; --check reads it whole.
	if outDir != "" {
		release, err := outdir.Lock(e.ctx, outDir, !opts.check, func() {
			fmt.Fprintf(e.stderr, "stsgen: waiting for another stsgen run on %s to finish\n", opts.output)
		})
		if err != nil {
			return fail(shownDir(err, outDir, opts.output))
		}
		defer release()
	}

	// prevSum digests the previous output when it comes from elsewhere
	// than the output directory; reads carries what is read of the
	// directory as the previous output to its plan.
	reads := outdir.NewReads()
	var prev *generator.Previous
	var prevSum string
	var err error
	if opts.against != "" {
		prev, prevSum, err = outdir.PreviousAt(e.ctx, outDir, opts.against)
		if err != nil {
			return fail(fmt.Errorf("--against %s: %w", opts.against, err))
		}
		if prev != nil {
			prev.Digest = prevSum
		}
	} else if prev, prevSum, err = opts.rules.previousFor(e, outDir, reads); err != nil {
		return fail(err)
	}
	pol.Previous = prev
	pol.Recreate = map[string]bool{}
	for _, app := range opts.recreate {
		pol.Recreate[app] = true
	}
	cfg := generator.LoadConfig{Dir: e.dir, Args: fs.Args(), Apps: opts.rules.apps, Tags: opts.rules.tags}
	napps, objects := 0, 0
	summary := func(what string) {
		if !opts.quiet {
			fmt.Fprintf(e.stderr, "stsgen: %d %s, %d objects%s in %s\n", napps, plural(napps, "app", "apps"), objects, what, time.Since(start).Round(time.Millisecond))
		}
	}
	// An output directory stamped with these very inputs, and untouched
	// since, is up to date without compiling anything.
	inputs := ""
	if outDir != "" {
		inputs = inputsDigest(cfg, opts, outDir)
	}
	if opts.check && inputs != "" {
		if st, ok := outdir.UpToDate(outDir, inputs, prevSum); ok {
			napps, objects = st.Apps, st.Objects
			if st := report(e, diag, e.stderr, nil, "build", nil); st != exitOK {
				return st
			}
			summary("; " + opts.output + " is up to date (inputs unchanged since it was built)")
			return exitOK
		}
	}
	// Each app is rendered as soon as it is built, or taken from the
	// cache, and only its bytes are kept.
	out := generator.Output{Mode: generator.Stream, FileOptions: generator.FileOptions{JSON: opts.format == "json", Kustomize: opts.kustomize}}
	switch {
	case outDir != "":
		out.Mode = generator.Files
	case opts.format == "json":
		out.Mode = generator.StreamJSON
	}
	c := e.useCache(&out)
	// With -o, each app's directory is compared with its files as soon as
	// they are rendered, and only the files that change are kept.
	var planner *outdir.Planner
	var planErr error
	if outDir != "" {
		planner, planErr = outdir.NewPlanner(e.ctx, outDir, opts.rules.apps)
		if planner != nil {
			planner.Reuse(reads)
		}
	}
	// A failure to plan is reported where the plan is made, after the
	// build's own errors, which stop the build before it.
	var planMu sync.Mutex
	planFiles := func(files map[string][]byte, err error) error {
		if err == nil && planner != nil {
			if perr := planner.Add(files); perr != nil {
				planMu.Lock()
				planErr = cmp.Or(planErr, perr)
				planMu.Unlock()
			}
		}
		return err
	}
	var mu sync.Mutex
	apps := map[int]*appOutput{}
	// Standard output is held in a spool, in a temporary file once large.
	docs := newSpool(e.spoolMemory)
	defer docs.close()
	emit := func(i int, a *generator.AppOutput) error {
		if outDir == "" {
			docs.put(i, a.Docs)
		} else if err := planFiles(a.Files, nil); err != nil {
			return err
		}
		mu.Lock()
		apps[i] = &appOutput{name: a.App, objects: a.Objects, recreation: a.Recreation}
		mu.Unlock()
		return nil
	}
	var ds generator.Diagnostics
	if stopped := e.evaluate(func() { ds, err = generator.BuildEach(cfg, pol, out, emit) }); stopped != nil {
		return report(e, diag, e.stderr, nil, "build", stopped)
	}
	trimCache(c)
	if ds.HasErrors() || err != nil {
		return report(e, diag, e.stderr, ds, "build", err)
	}
	var outputs []*appOutput
	recreated := false
	order := slices.Sorted(maps.Keys(apps))
	for _, i := range order {
		outputs = append(outputs, apps[i])
		objects += apps[i].objects
		recreated = recreated || apps[i].recreation != nil
	}
	napps = len(outputs)

	if outDir == "" {
		w := generator.NewStreamWriter(e.stdout, opts.format == "json")
		err = docs.each(order, func(docs [][]byte) {
			for _, d := range docs {
				w.Write(d)
			}
		})
		if err == nil {
			err = w.Close()
		}
		if st := report(e, diag, e.stderr, ds, "build", err); st != exitOK {
			return st
		}
		for _, a := range outputs {
			if a.recreation != nil && !opts.quiet {
				fmt.Fprintf(e.stderr, "stsgen: applying app %s needs its StatefulSet re-created:\n\n%s\n", a.name, a.recreation.Runbook())
			}
		}
		summary("")
		return exitOK
	}

	// The plan is applied as soon as it is made: it describes the
	// directory as it was read.
	var plan *outdir.Plan
	err = planErr
	if err == nil {
		plan, err = planner.Plan()
	}
	if opts.check {
		var changed []string
		if err == nil {
			changed, err = checkOutput(e.stdout, plan, opts.output)
		}
		if st := report(e, diag, e.stderr, ds, "build", shownDir(err, outDir, opts.output)); st != exitOK {
			return st
		}
		if len(changed) > 0 {
			summary(fmt.Sprintf("; %d %s out of date (%s)", len(changed), plural(len(changed), "file", "files"), strings.Join(changed, ", ")))
			fmt.Fprintf(e.stderr, "stsgen: run stsgen build -o %s to update them\n", opts.output)
			return exitInvalid
		}
		summary("; " + opts.output + " is up to date")
		return exitOK
	}
	if err == nil {
		// Stamp the output when a build of it over itself would write the
		// same files and report nothing, and the inputs did not change
		// while they were read.
		var stamp *outdir.Stamp
		if inputs != "" && len(ds) == 0 && !recreated && inputsDigest(cfg, opts, outDir) == inputs {
			stamp = &outdir.Stamp{Inputs: inputs, Previous: prevSum, Apps: napps, Objects: objects}
		}
		err = plan.Apply(e.ctx, stamp)
	}
	err = shownDir(err, outDir, opts.output)
	if st := report(e, diag, e.stderr, ds, "build", err); st != exitOK {
		return st
	}
	for _, a := range outputs {
		if a.recreation != nil {
			fmt.Fprintf(e.stderr, "stsgen: applying app %s needs its StatefulSet re-created; follow %s\n", a.name, filepath.Join(opts.output, a.name, generator.RunbookFile))
		}
	}
	written := len(plan.Created) + len(plan.Updated)
	summary(fmt.Sprintf("; %d %s written, %d unchanged, %d removed", written, plural(written, "file", "files"), len(plan.Unchanged), len(plan.Removed)))
	return exitOK
}

// shownDir names the output directory in err as the user did (shown, for
// dir, its absolute path).
func shownDir(err error, dir, shown string) error {
	if err == nil {
		return nil
	}
	return &shownPath{err: err, path: dir, shown: shown}
}

// A shownPath is an error that names a path as the user wrote it: the
// library works with absolute paths, the user gave a relative one. The
// error it wraps stays reachable to errors.Is and errors.As.
type shownPath struct {
	err         error
	path, shown string
}

func (e *shownPath) Error() string { return strings.ReplaceAll(e.err.Error(), e.path, e.shown) }
func (e *shownPath) Unwrap() error { return e.err }

// appOutput is what is kept of one app's rendered output: its files under
// the output directory are in the plan, its documents for standard output
// in the spool.
type appOutput struct {
	name       string
	objects    int
	recreation *generator.Recreation
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
	prev, _, err := opts.previousFor(e, "", nil)
	if err != nil {
		return report(e, opts.diagnostics, e.stdout, nil, "vet", err)
	}
	pol.Previous = prev
	var ds generator.Diagnostics
	cfg := generator.LoadConfig{Dir: e.dir, Args: fs.Args(), Apps: opts.apps, Tags: opts.tags}
	out := generator.Output{Mode: generator.Findings}
	c := e.useCache(&out)
	if stopped := e.evaluate(func() {
		ds, _ = generator.BuildEach(cfg, pol, out, func(int, *generator.AppOutput) error { return nil })
	}); stopped != nil {
		return report(e, opts.diagnostics, e.stderr, nil, "vet", stopped)
	}
	trimCache(c)
	return report(e, opts.diagnostics, e.stdout, ds, "vet", nil)
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
		if err := ds.PrintJSON(jsonOut, e.dir, generator.RuleTitle); err != nil {
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
