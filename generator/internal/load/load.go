package load

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/schema"
)

// LoadConfig says what to load.
type LoadConfig struct {
	// Dir is the directory relative paths are resolved against.
	Dir string
	// Args are directories, ./...-style patterns or .cue files; "." when empty.
	Args []string
	// Apps, when not empty, names the apps to check and build; the others
	// are loaded, for their names, and left alone.
	Apps []string
	// Tags set the fields that carry a @tag attribute, as the cue
	// command's -t does: KEY=VALUE for @tag(KEY), or a short name NAME for
	// @tag(KEY,short=NAME|...), which also satisfies @if(NAME).
	Tags []string
	// PieceApps, when above zero, is how many apps a piece holds, and when
	// below zero keeps every package whole; zero lets the pipeline choose.
	// Tests set it to compare the two ways of evaluating.
	PieceApps int
}

// Packages loads every package cfg names whole, each in a CUE context of
// its own, as the pipeline loads a package it does not split; the stage
// tests and benchmarks start from it.
func Packages(cfg LoadConfig) ([]spec.Package, diag.Diagnostics) {
	units, ds := Index(cfg)
	var pkgs []spec.Package
	for _, u := range units {
		pkg, err := u.Load(u.Names)
		if err != nil {
			return nil, append(ds, SchemaBroken(err))
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs, ds
}

// SchemaBroken reports that the embedded schema does not compile: the
// binary is broken, not the input.
func SchemaBroken(err error) diag.Diagnostic {
	return diag.Diagnostic{Message: fmt.Sprintf("internal error: embedded schema: %v", err)}
}

// A Unit is one loaded package: how it was loaded, its apps in order, and
// how to evaluate it in pieces.
type Unit struct {
	Group Group
	Inst  *build.Instance
	Names []string
	// Pos holds the first position of each app, for duplicates.
	Pos map[string][]token.Pos
	// Split is set when the package is evaluated in pieces.
	Split *Splitter
	// mu guards building Inst, which the pieces of a package that could
	// not be split share.
	mu sync.Mutex

	refsOnce sync.Once
	// refs knows what each app refers to; nil when the package cannot be
	// analysed.
	refs *Splitter
}

// Related returns the other apps of the package that the app may refer
// to, in order: those its declaration names (apps.<name>, or a sibling's
// bare name) and those the declarations outside apps name, each with what
// it refers to in turn. They are evaluated with it in every piece. When
// the package cannot be analysed, it is evaluated whole, and every other
// app is related.
func (u *Unit) Related(app string) []string {
	refs := u.Splitter()
	var out []string
	if refs == nil {
		out = slices.Clone(u.Names)
	} else {
		keep := refs.Keep([]string{app})
		for _, n := range u.Names {
			if keep[n] {
				out = append(out, n)
			}
		}
	}
	return slices.DeleteFunc(out, func(n string) bool { return n == app })
}

// Splitter returns what knows where each app is declared and what it
// refers to, or nil when the package cannot be analysed.
func (u *Unit) Splitter() *Splitter {
	u.refsOnce.Do(func() {
		u.refs = u.Split
		if u.refs == nil {
			u.refs = NewSplitter(u.Inst, u.Names)
		}
	})
	return u.refs
}

// Index loads the CUE packages named by cfg.Args, reports load and syntax
// errors, and lists each package's apps. It evaluates each package once
// without the schema, in a context dropped on return.
func Index(cfg LoadConfig) ([]*Unit, diag.Diagnostics) {
	args := cfg.args()
	var ds diag.Diagnostics
	for _, a := range args {
		if missingPath(cfg.Dir, a) {
			ds = append(ds, diag.Diagnostic{Message: fmt.Sprintf("%s: no such file or directory", a)})
			continue
		}
		if err := unreadableDir(cfg.Dir, a); err != nil {
			ds = append(ds, diag.Diagnostic{Message: fmt.Sprintf("%s: cannot read the directory: %v", a, diag.Cause(err))})
		}
	}
	if len(ds) > 0 {
		return nil, ds
	}
	ctx := cuecontext.New()
	var binding, appSchema cue.Value
	schemaIn := func() error {
		var err error
		if !binding.Exists() {
			binding, appSchema, err = bindApps(ctx, nil)
		}
		return err
	}
	loaded, tagErrs := loadArgs(cfg.Dir, args, cfg.Tags)
	ds = append(ds, tagErrs...)
	var units []*Unit
	for g, inst := range loaded {
		if bad := tooLarge(cfg.Dir, inst); len(bad) > 0 {
			ds = append(ds, bad...)
			continue
		}
		if bad := notUTF8(inst); len(bad) > 0 {
			ds = append(ds, bad...)
			continue
		}
		// A file without a package clause is none of the package's: say so
		// rather than build the package without what it declares.
		orphans := packageless(cfg.Dir, inst)
		ds = append(ds, orphans...)
		var noFiles *load.NoFilesError
		if len(orphans) > 0 && (inst.Err == nil || errors.As(inst.Err, &noFiles)) {
			continue
		}
		if inst.Err != nil {
			dir := inst.Dir
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(g.Dir, dir)
			}
			if d, ok := packagesInOneDir(inst.Err, dir); ok {
				ds = append(ds, d)
				continue
			}
			for _, d := range diag.FromCUE(inst.Err) {
				// Name files as the user does: relative to the directory.
				d.Message = strings.ReplaceAll(d.Message, cfg.Dir+string(filepath.Separator), "./")
				ds = append(ds, d)
			}
			continue
		}
		// CUE reads embedded files as it evaluates: refuse the ones outside
		// the module first.
		if _, bad := moduleInputs(inst); len(bad) > 0 {
			ds = append(ds, bad...)
			continue
		}
		if len(tagErrs) > 0 {
			// Evaluated without the values meant, the package would only
			// report them missing.
			continue
		}
		v := ctx.BuildInstance(inst)
		if err := v.Err(); err != nil {
			if err := schemaIn(); err != nil {
				return nil, append(ds, SchemaBroken(err))
			}
			injected, err := g.injected.mismatches(err)
			if err != nil {
				injected = append(injected, explainTags(locate(v, diag.FromCUE(err)), g.injected, inst, func() cue.Value { return appSchema })...)
			}
			var found, unknown diag.Diagnostics
			for _, d := range injected {
				// An error inside apps is an app's, whatever its cause.
				if diag.Within(d.Path, schema.AppsField) {
					d.Rule = diag.RuleSchema
					if d.Message == diag.MsgUnknownField {
						d.Message = spec.NotAllowed(appSchema, d.Path)
						if d.Message != diag.MsgClosedByDefinition {
							unknown = append(unknown, d)
							continue
						}
					}
				}
				found = append(found, d)
			}
			// A package that binds its apps to the imported schema has CUE
			// refuse an unknown field itself, and the fields around it;
			// CUE names only the first it meets, the walk every one.
			if iter, err := v.LookupPath(cue.MakePath(cue.Str(schema.AppsField))).Fields(); err == nil {
				for iter.Next() {
					for _, u := range spec.UnknownFields(iter.Value(), appSchema) {
						if !slices.ContainsFunc(unknown, func(d diag.Diagnostic) bool { return d.Path == u.Path }) {
							unknown = append(unknown, u)
						}
					}
				}
			}
			ds = append(ds, unknown...)
			for _, d := range found {
				if !spec.ExplainedByUnknown(d, unknown) {
					ds = append(ds, d)
				}
			}
			continue
		}
		if len(g.injected) > 0 {
			if err := schemaIn(); err != nil {
				return nil, append(ds, SchemaBroken(err))
			}
			if bad := g.injected.againstSchema(inst, appSchema); len(bad) > 0 {
				ds = append(ds, bad...)
				continue
			}
		}
		apps := v.LookupPath(cue.MakePath(cue.Str(schema.AppsField)))
		u := &Unit{Group: g, Inst: inst, Pos: map[string][]token.Pos{}}
		if iter, err := apps.Fields(); err == nil {
			for iter.Next() {
				name := iter.Selector().Unquoted()
				u.Names = append(u.Names, name)
				u.Pos[name] = spec.ValuePositions(iter.Value())
			}
		} else if apps.Exists() {
			// Not a struct: say so against the schema, as an app's
			// error.
			if err := schemaIn(); err != nil {
				return nil, append(ds, SchemaBroken(err))
			}
			_, err := v.Unify(binding).LookupPath(apps.Path()).Fields()
			ds = append(ds, diag.SchemaErrors(err)...)
			continue
		}
		if !apps.Exists() || len(u.Names) == 0 {
			ds = append(ds, diag.Diagnostic{
				Message: fmt.Sprintf("package %s defines no apps; write apps: <name>: {image: ..., ...}", inst.PkgName),
				Pos:     instancePos(inst.Files),
			})
			continue
		}
		units = append(units, u)
	}
	return units, ds
}

// packageless reports the CUE files of inst's directory that CUE left out
// of it because they have no package clause, each at its first
// declaration. A file that declares nothing (comments only) and the
// files CUE never builds into a package (_test.cue, _tool.cue, names
// starting with _ or .) are clearly not meant to be part of it and are
// left alone.
func packageless(dir string, inst *build.Instance) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, f := range inst.IgnoredFiles {
		base := filepath.Base(f.Filename)
		if f.Encoding != build.CUE || strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".") ||
			strings.HasSuffix(base, "_test.cue") || strings.HasSuffix(base, "_tool.cue") {
			continue
		}
		src, err := contents(f)
		if err != nil {
			continue
		}
		file, err := parser.ParseFile(f.Filename, src)
		if err != nil || file.PackageName() != "" {
			continue
		}
		first := slices.IndexFunc(file.Decls, func(d ast.Decl) bool {
			switch d.(type) {
			case *ast.Attribute, *ast.CommentGroup, *ast.ImportDecl:
				return false
			}
			return true
		})
		if first < 0 {
			continue
		}
		msg := fmt.Sprintf("%s has no package clause, so it is left out of package %[2]s with everything it declares; add package %[2]s before its first declaration", diag.Rel(dir, f.Filename), inst.PkgName)
		if inst.PkgName == "" || inst.PkgName == "_" {
			msg = fmt.Sprintf("%s has no package clause, so it is left out of the build with everything it declares; add a package clause before its first declaration, one name for every file of the directory (package deploy, say)", diag.Rel(dir, f.Filename))
		}
		ds = append(ds, diag.Diagnostic{Message: msg, Pos: []token.Pos{file.Decls[first].Pos()}})
	}
	return ds
}

// MaxFileSize is the largest CUE file stsgen reads. Every object it writes
// must fit in etcd's 1.5 MiB request limit and a ConfigMap holds at most
// 1 MiB, so a larger spec cannot give valid output; refusing it early
// spares minutes of evaluation.
const MaxFileSize = 8 << 20

// tooLarge reports the package's files above MaxFileSize.
func tooLarge(dir string, inst *build.Instance) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, f := range inst.BuildFiles {
		if info, err := os.Stat(f.Filename); err == nil && info.Size() > MaxFileSize {
			ds = append(ds, diag.Diagnostic{Message: fmt.Sprintf("%s is %.1f MiB; stsgen reads CUE files of at most 8 MiB, since no object it writes may exceed 1.5 MiB; is this the right file?", diag.Rel(dir, f.Filename), float64(info.Size())/(1<<20))})
		}
	}
	return ds
}

// notUTF8 reports the package's files that are not UTF-8 text: CUE reads
// them, but their strings would reach Kubernetes objects garbled.
func notUTF8(inst *build.Instance) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, f := range inst.BuildFiles {
		// CUE reads a file as UTF-8, each invalid byte turned into
		// U+FFFD; only a file in which it wrote one can be invalid, and
		// the byte and its place are the file's own.
		if src, err := contents(f); err != nil || !bytes.ContainsRune(src, utf8.RuneError) {
			continue
		}
		data, err := os.ReadFile(f.Filename)
		if err != nil || utf8.Valid(data) {
			continue
		}
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		file := token.NewFile(f.Filename, -1, len(data)+1)
		lines := []int{0}
		for i, b := range data {
			if b == '\n' {
				lines = append(lines, i+1)
			}
		}
		file.SetLines(lines)
		ds = append(ds, diag.Diagnostic{
			Message: fmt.Sprintf("byte 0x%02x is not UTF-8; save the file as UTF-8 text", data[off]),
			Pos:     []token.Pos{file.Pos(off, token.NoRelPos)},
		})
	}
	return ds
}

// locate gives a position to each diagnostic CUE left without one, such as
// a structural cycle: the nearest field on its path that has one.
func locate(v cue.Value, ds diag.Diagnostics) diag.Diagnostics {
	for i, d := range ds {
		if len(d.Pos) > 0 || d.Path == "" {
			continue
		}
		sels := cue.ParsePath(d.Path).Selectors()
		for n := len(sels); n > 0; n-- {
			if p := v.LookupPath(cue.MakePath(sels[:n]...)).Pos(); p.IsValid() {
				ds[i].Pos = []token.Pos{p}
				break
			}
		}
	}
	return ds
}

// args returns the arguments to load: "." when none are given.
func (cfg LoadConfig) args() []string {
	if len(cfg.Args) == 0 {
		return []string{"."}
	}
	return cfg.Args
}

// loadArgs loads the packages args name, relative to dir, module by
// module, with tags injected, without evaluating them. It reports the
// tags that cue/load refused.
func loadArgs(dir string, args, tags []string) (iter.Seq2[Group, *build.Instance], diag.Diagnostics) {
	var groups []loadedGroup
	var problems []tagProblem
	tags, malformed := wellFormed(tags)
	for _, g := range byModule(dir, withModulesBelow(dir, args)) {
		g.tags = tags
		g, insts, ps := loadGroup(g, g.args, nil)
		groups = append(groups, loadedGroup{g, insts})
		problems = append(problems, ps...)
	}
	return func(yield func(Group, *build.Instance) bool) {
		for _, lg := range groups {
			for _, inst := range lg.insts {
				if !yield(lg.g, inst) {
					return
				}
			}
		}
	}, append(malformed, tagDiagnostics(groups, problems)...)
}

// withModulesBelow adds to each ./...-style pattern the same pattern for
// every CUE module below it, as stsgen init and stsgen schema --vendor
// make each app directory one: CUE's loader ends a pattern at another
// module's cue.mod. A pattern whose own module holds no CUE files is
// dropped when modules below it do, rather than match no packages.
func withModulesBelow(dir string, args []string) []string {
	var out []string
	for _, a := range args {
		p, ok := strings.CutSuffix(a, "/...")
		if !ok {
			out = append(out, a)
			continue
		}
		root := p
		if !filepath.IsAbs(root) {
			root = filepath.Join(dir, root)
		}
		mods, own := modulesBelow(root)
		if own || len(mods) == 0 {
			out = append(out, a)
		}
		for _, m := range mods {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				continue
			}
			arg := filepath.Join(p, rel)
			if !filepath.IsAbs(arg) {
				arg = "." + string(filepath.Separator) + arg
			}
			out = append(out, arg+string(filepath.Separator)+"...")
		}
	}
	return out
}

// modulesBelow returns the roots of the CUE modules inside the directory
// tree at root, at any depth, and whether root's own part of the tree (not
// inside one of them) holds CUE files. It skips what CUE's loader skips in
// a pattern: cue.mod, and directories named .*, _* and testdata.
func modulesBelow(root string) (mods []string, own bool) {
	inModule := func(p string) bool {
		return slices.ContainsFunc(mods, func(m string) bool { return strings.HasPrefix(p, m+string(filepath.Separator)) })
	}
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == root {
			return nil
		}
		name := e.Name()
		if !e.IsDir() {
			if strings.HasSuffix(name, ".cue") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_") && !inModule(p) {
				own = true
			}
			return nil
		}
		if name == "cue.mod" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" {
			return filepath.SkipDir
		}
		if info, err := os.Stat(filepath.Join(p, "cue.mod")); err == nil && info.IsDir() {
			mods = append(mods, p)
		}
		return nil
	})
	return mods, own
}

// A Group is arguments loaded together, from dir.
type Group struct {
	Dir  string
	args []string
	// tags are the -t arguments injected into the group's packages;
	// injected, the values they set.
	tags     []string
	injected injections
}

// A loadedGroup is a group and its packages.
type loadedGroup struct {
	g     Group
	insts []*build.Instance
}

// byModule groups args by the directory CUE loads them from: the root of
// the CUE module (the directory holding cue.mod) a path lies in, unless
// that module holds dir too, so that a package that imports from its own
// module, such as the vendored schema, builds from anywhere; dir
// otherwise.
func byModule(dir string, args []string) []Group {
	var groups []Group
	for _, a := range args {
		root := dir
		p, _, _ := strings.Cut(a, "/...")
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			p = filepath.Dir(p)
		}
		for d := p; ; d = filepath.Dir(d) {
			if info, err := os.Stat(filepath.Join(d, "cue.mod")); err == nil && info.IsDir() {
				// A module that holds dir is found from dir as well.
				if dir != d && !strings.HasPrefix(dir, d+string(filepath.Separator)) {
					root = d
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
		arg := a
		if root != dir {
			arg = filepath.Join(dir, a)
			if filepath.IsAbs(a) {
				arg = a
			}
		}
		if n := len(groups); n > 0 && groups[n-1].Dir == root {
			groups[n-1].args = append(groups[n-1].args, arg)
		} else {
			groups = append(groups, Group{Dir: root, args: []string{arg}})
		}
	}
	return groups
}

// localArgs makes a path to an existing file or directory explicit, so that
// "examples/zk" means the directory, as it does to kubectl and helm, and not
// a CUE import path.
func localArgs(dir string, args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if filepath.IsAbs(a) {
			// cue/load wants paths relative to its directory, ./ or ../ first.
			if rel, err := filepath.Rel(dir, a); err == nil {
				rel = filepath.ToSlash(rel)
				if !strings.HasPrefix(rel, "../") && rel != ".." {
					rel = "./" + rel
				}
				out[i] = rel
			}
			continue
		}
		if a == "." || a == ".." || strings.HasPrefix(a, "./") || strings.HasPrefix(a, "../") {
			continue
		}
		p, _, _ := strings.Cut(a, "/...")
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			out[i] = "./" + a
		}
	}
	return out
}

// unreadableDir returns why a directory argument cannot be listed, or nil.
func unreadableDir(dir, arg string) error {
	p, _, _ := strings.Cut(arg, "/...")
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	if info, err := os.Stat(p); err != nil || !info.IsDir() {
		return nil
	}
	_, err := os.ReadDir(p)
	return err
}

// missingPath reports whether arg names a file or directory that does not
// exist. An argument whose first element has a dot (example.com/deploy) is a
// CUE import path and is left to the loader.
func missingPath(dir, arg string) bool {
	p, _, _ := strings.Cut(arg, "/...")
	first, _, _ := strings.Cut(filepath.ToSlash(p), "/")
	if strings.Contains(first, ".") && !strings.HasPrefix(p, ".") && !strings.HasSuffix(p, ".cue") {
		return false
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	_, err := os.Stat(p)
	return os.IsNotExist(err)
}

// bindApps compiles the embedded schema in ctx and returns the binding of
// a package's apps to it, and #App: every app, apps: #Apps, when only is
// nil; else only the apps named, each as #Apps binds it, and no other.
func bindApps(ctx *cue.Context, only []string) (binding, app cue.Value, err error) {
	s, app, err := compileSchema(ctx)
	if err != nil {
		return cue.Value{}, cue.Value{}, err
	}
	src := schema.AppsField + ": " + schema.AppsDef
	if only != nil {
		var b strings.Builder
		b.WriteString(schema.AppsField + ": {\n")
		for _, n := range only {
			q := strconv.Quote(n)
			fmt.Fprintf(&b, "\t%s: %s & {name: %s}\n", q, schema.AppDef, q)
		}
		b.WriteString("}\n")
		src = b.String()
	}
	binding = ctx.CompileString(src, cue.Scope(s), cue.Filename(diag.SchemaFile))
	return binding, app, binding.Err()
}

// compileSchema compiles the embedded schema and returns it and its #App.
func compileSchema(ctx *cue.Context) (s, app cue.Value, err error) {
	src, err := schema.FS.ReadFile("app.cue")
	if err != nil {
		return cue.Value{}, cue.Value{}, err
	}
	s = ctx.CompileBytes(src, cue.Filename(diag.SchemaFile))
	if err := s.Err(); err != nil {
		return cue.Value{}, cue.Value{}, err
	}
	return s, s.LookupPath(cue.MakePath(cue.Def(schema.AppDef))), nil
}

func instancePos(files []*ast.File) []token.Pos {
	if len(files) == 0 {
		return nil
	}
	return []token.Pos{files[0].Pos()}
}

// Load evaluates the apps names of the package against the schema, in a
// CUE context of their own. When the package was split, only the source
// of these apps, and of the apps they refer to, is evaluated.
func (u *Unit) Load(names []string) (spec.Package, error) {
	// The package whole, or a piece that holds only the apps kept: bind
	// every app it holds as #Apps does.
	inst, bound, shared := u.Inst, []string(nil), true
	if u.Split != nil && len(names) < len(u.Names) {
		keep := u.Split.Keep(names)
		var err error
		if inst, err = Reload(u.Group, u.Inst, u.Split.Overlay(keep)); err == nil {
			shared = false
		} else {
			// The whole package then, with only the apps kept bound: the
			// others are not looked at.
			inst = u.Inst
			bound = slices.DeleteFunc(slices.Clone(u.Names), func(n string) bool { return !keep[n] })
		}
	}
	ctx := cuecontext.New()
	binding, app, err := bindApps(ctx, bound)
	if err != nil {
		return spec.Package{}, err
	}
	if shared {
		u.mu.Lock()
		defer u.mu.Unlock()
	}
	v := ctx.BuildInstance(inst)
	return spec.Package{Dir: u.Inst.Dir, Root: v.Unify(binding), Raw: v, App: app, Apps: names}, nil
}

// PieceSize returns how many apps a piece holds when n apps are built on
// workers CPUs: enough pieces that the CPUs share the work evenly, few
// enough that loading each piece costs little next to its apps.
func PieceSize(n, workers, fixed int) int {
	if fixed > 0 {
		return fixed
	}
	return min(max((n+4*workers-1)/(4*workers), 8), 64)
}

// packagesInOneDir words CUE's error for a directory whose files name
// different packages: at each package clause, with what to do.
func packagesInOneDir(err error, dir string) (diag.Diagnostic, bool) {
	var mpe *load.MultiplePackageError
	if !errors.As(err, &mpe) || len(mpe.Files) < 2 {
		return diag.Diagnostic{}, false
	}
	var pos []token.Pos
	for _, name := range mpe.Files {
		f, err := parser.ParseFile(filepath.Join(dir, name), nil, parser.PackageClauseOnly)
		if err != nil {
			continue
		}
		if p := f.PackageName(); p != "" {
			for _, d := range f.Decls {
				if pkg, ok := d.(*ast.Package); ok {
					pos = append(pos, pkg.Name.Pos())
				}
			}
		}
	}
	return diag.Diagnostic{
		Message: fmt.Sprintf("found packages %q (%s) and %q (%s) in one directory; its CUE files form one package: give them one package name, or move the other files away",
			mpe.Packages[0], mpe.Files[0], mpe.Packages[1], mpe.Files[1]),
		Pos: pos,
	}, true
}
