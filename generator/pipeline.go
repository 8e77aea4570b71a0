package generator

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/generator/internal/render"
	"github.com/stsgen/stsgen/generator/internal/rules"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/update"
)

// Compile runs the whole pipeline on the packages cfg names, as
// CompileEach does, and returns the bundles in order, only when no
// diagnostic is an error; the diagnostics, sorted, are returned either way.
func Compile(cfg LoadConfig, pol Policy) ([]*Bundle, Diagnostics) {
	var mu sync.Mutex
	built := map[int]*Bundle{}
	ds, _ := CompileEach(cfg, pol, func(i int, b *Bundle) error {
		mu.Lock()
		defer mu.Unlock()
		built[i] = b
		return nil
	})
	if ds.HasErrors() {
		return nil, ds
	}
	var bundles []*Bundle
	for _, i := range slices.Sorted(maps.Keys(built)) {
		bundles = append(bundles, built[i])
	}
	return bundles, ds
}

// CompileEach runs the whole pipeline on the packages cfg names: it loads
// them, then loads, decodes, checks, builds and verifies their apps in
// pieces, on every CPU, each piece in a CUE context of its own, with rule
// severities set by pol. It hands each bundle to emit, from any goroutine,
// as soon as it is verified, with its place in the output order, so that
// the caller can render it and let it go. The diagnostics are returned
// sorted; when one is an error, what emit received is to be discarded.
// The error is the first emit returned.
func CompileEach(cfg LoadConfig, pol Policy, emit func(i int, b *Bundle) error) (Diagnostics, error) {
	return compileEach(cfg, pol, nil, func(i int, b *Bundle, _ diag.Diagnostics, _ bool) error { return emit(i, b) })
}

// compileEach is CompileEach, with the apps c finds in its cache handed
// to it instead of built; c may be nil. emit gets, with each bundle, the
// findings about its app before the checks across apps, and whether they
// and the bundle may be kept: they are all about the app, and none is an
// error.
func compileEach(cfg LoadConfig, pol Policy, c *caching, emit func(i int, b *Bundle, ds diag.Diagnostics, keep bool) error) (Diagnostics, error) {
	units, ds := load.Index(cfg)
	var all []string
	where := map[string]*load.Unit{}
	for _, u := range units {
		kept := u.Names[:0:0]
		for _, n := range u.Names {
			if first, dup := where[n]; dup {
				ds = append(ds, diag.Diagnostic{
					Path:    spec.AppPath(n),
					Message: "app defined in two packages; app names must be unique across the packages built together",
					Pos:     append(u.Pos[n][:1], first.Pos[n][:1]...),
				})
				continue
			}
			where[n] = u
			all = append(all, n)
			kept = append(kept, n)
		}
		u.Names = kept
	}
	ds = append(ds, unknownApps("--recreate", slices.Sorted(maps.Keys(pol.Recreate)), all)...)
	selected := func(string) bool { return true }
	if len(cfg.Apps) > 0 {
		ds = append(ds, unknownApps("", cfg.Apps, all)...)
		selected = func(n string) bool { return slices.Contains(cfg.Apps, n) }
		// What the loader found about the other apps is not wanted.
		ds = slices.DeleteFunc(ds, func(d diag.Diagnostic) bool {
			return slices.ContainsFunc(all, func(a string) bool { return !selected(a) && diag.Within(d.Path, spec.AppPath(a)) })
		})
	}
	order := map[string]int{}
	for i, n := range all {
		order[n] = i
	}
	// The apps the cache holds are done; the others are built.
	var built []builtApp
	var err error
	prevs := map[string]*update.Previous{}
	if c != nil {
		var hitDs diag.Diagnostics
		hitDs, built, err = c.lookup(units, selected, pol, prevs, func(n string, e *entry) error { return c.emit(order[n], n, e) })
		ds = append(ds, hitDs...)
		if err != nil {
			return ds.Sort(), err
		}
		wanted := selected
		selected = func(n string) bool { return wanted(n) && !c.hit[n] }
	}
	var pieces []piece
	size := load.PieceSize(len(all), runtime.GOMAXPROCS(0), cfg.PieceApps)
	for _, u := range units {
		names := slices.DeleteFunc(slices.Clone(u.Names), func(n string) bool { return !selected(n) })
		if len(names) == 0 {
			continue
		}
		if cfg.PieceApps >= 0 && (len(names) > size || len(names) < len(u.Names)) {
			// Only a package of more apps than a piece, or of apps not
			// to be built (not selected, or in the cache), is looked at.
			u.Split = u.Splitter()
		}
		if u.Split == nil {
			pieces = append(pieces, piece{u, names, prevs})
			continue
		}
		for chunk := range slices.Chunk(names, size) {
			pieces = append(pieces, piece{u, chunk, prevs})
		}
	}
	results := make([]pieceResult, len(pieces))
	parallel(len(pieces), func(i int) {
		results[i] = pieces[i].compile(pol, func(b *Bundle, ds diag.Diagnostics, keep bool) error {
			return emit(order[b.App], b, ds, keep)
		})
	})
	for i, r := range results {
		ds = append(ds, pieces[i].u.Explain(r.ds)...)
		built = append(built, r.built...)
		if err == nil {
			err = r.err
		}
	}
	slices.SortStableFunc(built, func(a, b builtApp) int { return cmp.Compare(order[a.app], order[b.app]) })
	ds = append(ds, acrossApps(built)...)
	return ds.Sort(), err
}

// A piece is apps of one package evaluated together.
type piece struct {
	u     *load.Unit
	names []string
	// prevs holds the previous output of the apps whose cache keys
	// needed it read already.
	prevs map[string]*update.Previous
}

type pieceResult struct {
	ds  diag.Diagnostics
	err error
	// built holds what the checks across apps need of each app built, in
	// the piece's order.
	built []builtApp
}

// compile runs the pipeline on the piece's apps: evaluate them against the
// schema, decode, check, build, verify, and emit each bundle, with the
// findings about its app, and whether they may be kept.
func (p piece) compile(pol Policy, emit func(*Bundle, diag.Diagnostics, bool) error) pieceResult {
	pkg, err := p.u.Load(p.names)
	if err != nil {
		return pieceResult{ds: diag.Diagnostics{load.SchemaBroken(err)}}
	}
	specs, ds := spec.Decode(pkg)
	// A finding that is no one app's cannot be kept with an app's.
	loose := slices.ContainsFunc(ds, func(d diag.Diagnostic) bool {
		return !slices.ContainsFunc(p.names, func(n string) bool { return diag.Within(d.Path, spec.AppPath(n)) })
	})
	admitting := spec.AdmitReferrers(pkg)
	var built []builtApp
	for _, s := range specs {
		if admitting {
			s.Uses = spec.FindUses(pkg, s, p.u.Related(s.Name))
		}
		pol := pol
		prev, ok := p.prevs[s.Name]
		if !ok {
			if prev, err = pol.Previous.Scoped(s.Name); err != nil {
				return pieceResult{ds: ds, err: err}
			}
		}
		pol.Previous = prev
		own := len(ds)
		ds = append(ds, rules.Check([]*spec.Spec{s}, pol)...)
		// Build and verify even when the checks found errors, so that the
		// update rules (which compare the objects) report at once too;
		// only apps whose fields all decoded can be built.
		if !s.Buildable() {
			continue
		}
		objs, err := build.Build(s)
		if err != nil {
			ds = append(ds, diag.Diagnostic{Path: spec.AppPath(s.Name), Message: fmt.Sprintf("internal error: %v", err)})
			continue
		}
		if pol.Previous, err = resolvePrevious(pol.Previous, objs); err != nil {
			return pieceResult{ds: ds, err: err}
		}
		refused := update.Refused(s, objs, pol.Previous)
		ds = append(ds, rules.Verify(s, objs, refused, pol, hasErrors(ds, s))...)
		b := &Bundle{Bundle: objs, Spec: s}
		if s.Recreate || pol.Recreate[s.Name] {
			b.Recreation = refused
		}
		built = append(built, newBuiltApp(b))
		// The app's findings: the decoder's about it, then its checks'.
		var mine diag.Diagnostics
		prefix := spec.AppPath(s.Name)
		for _, d := range ds[:own] {
			if diag.Within(d.Path, prefix) {
				mine = append(mine, d)
			}
		}
		mine = append(mine, ds[own:]...)
		keep := !loose && b.Recreation == nil && !mine.HasErrors()
		if err := emit(b, mine, keep); err != nil {
			return pieceResult{ds: ds, err: err}
		}
	}
	return pieceResult{ds: ds, built: built}
}

// resolvePrevious makes the objects of the files prev read known: when
// each file holds the bytes the app's own object of that file renders
// to, the previous object is that very object, and parsing it would only
// give it back; otherwise the files are parsed. A clean build over its
// own output so parses nothing.
func resolvePrevious(prev *update.Previous, b *build.Bundle) (*update.Previous, error) {
	if prev == nil || len(prev.Unparsed) == 0 {
		return prev, nil
	}
	own := map[string]any{}
	for _, o := range b.Objects() {
		own[strings.TrimSuffix(o.File, ".yaml")] = o.Obj
	}
	same := &update.Previous{Digest: prev.Digest}
	for path, data := range prev.Unparsed {
		name := filepath.Base(path)
		base, ext := strings.TrimSuffix(name, filepath.Ext(name)), filepath.Ext(name)
		obj, ok := own[base]
		var rendered []byte
		var err error
		switch {
		case !ok:
		case ext == ".json":
			rendered, err = render.RenderObjectJSON(obj)
		case ext == ".yaml":
			rendered, err = render.RenderObject(obj)
			rendered = append([]byte(render.Header), rendered...)
		}
		if err != nil || !bytes.Equal(rendered, data) || !same.Add(obj) {
			return prev, prev.ParseUnparsed()
		}
	}
	return same, nil
}

// hasErrors reports whether any error is about the app of s.
func hasErrors(ds diag.Diagnostics, s *spec.Spec) bool {
	prefix := spec.AppPath(s.Name)
	return slices.ContainsFunc(ds, func(d diag.Diagnostic) bool {
		return d.Severity == diag.Error && diag.Within(d.Path, prefix)
	})
}

// unknownApps reports the names that are no app's; what, when set, says
// where the names come from.
func unknownApps(what string, names, all []string) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, n := range names {
		if !slices.Contains(all, n) {
			msg := fmt.Sprintf("no app is named %q; the apps are %s", n, strings.Join(all, ", "))
			if what != "" {
				msg = what + ": " + msg
			}
			ds = append(ds, diag.Diagnostic{Severity: diag.Error, Message: msg})
		}
	}
	return ds
}
