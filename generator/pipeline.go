package generator

import (
	"cmp"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/load"
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
	var pieces []piece
	size := load.PieceSize(len(all), runtime.GOMAXPROCS(0), cfg.PieceApps)
	for _, u := range units {
		names := slices.DeleteFunc(slices.Clone(u.Names), func(n string) bool { return !selected(n) })
		if cfg.PieceApps >= 0 && len(names) > size {
			// Only a package of more apps than a piece is looked at.
			u.Split = load.NewSplitter(u.Inst, u.Names)
		}
		if u.Split == nil {
			pieces = append(pieces, piece{u, names})
			continue
		}
		for chunk := range slices.Chunk(names, size) {
			pieces = append(pieces, piece{u, chunk})
		}
	}
	results := make([]pieceResult, len(pieces))
	parallel(len(pieces), func(i int) {
		results[i] = pieces[i].compile(pol, func(b *Bundle) error { return emit(order[b.App], b) })
	})
	var err error
	var built []builtApp
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
}

type pieceResult struct {
	ds  diag.Diagnostics
	err error
	// built holds what the checks across apps need of each app built, in
	// the piece's order.
	built []builtApp
}

// compile runs the pipeline on the piece's apps: evaluate them against the
// schema, decode, check, build, verify, and emit each bundle.
func (p piece) compile(pol Policy, emit func(*Bundle) error) pieceResult {
	pkg, err := p.u.Load(p.names)
	if err != nil {
		return pieceResult{ds: diag.Diagnostics{load.SchemaBroken(err)}}
	}
	specs, ds := spec.Decode(pkg)
	admitting := spec.AdmitReferrers(pkg)
	var built []builtApp
	for _, s := range specs {
		if admitting {
			s.Uses = spec.FindUses(pkg, s, p.u.Related(s.Name))
		}
		pol := pol
		prev, err := pol.Previous.Scoped(s.Name)
		if err != nil {
			return pieceResult{ds: ds, err: err}
		}
		pol.Previous = prev
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
		refused := update.Refused(s, objs, pol.Previous)
		ds = append(ds, rules.Verify(s, objs, refused, pol, hasErrors(ds, s))...)
		b := &Bundle{Bundle: objs, Spec: s}
		if s.Recreate || pol.Recreate[s.Name] {
			b.Recreation = refused
		}
		built = append(built, newBuiltApp(b))
		if err := emit(b); err != nil {
			return pieceResult{ds: ds, err: err}
		}
	}
	return pieceResult{ds: ds, built: built}
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
