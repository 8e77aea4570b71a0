package generator

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
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
	units, ds := index(cfg)
	var all []string
	where := map[string]*unit{}
	for _, u := range units {
		kept := u.names[:0:0]
		for _, n := range u.names {
			if first, dup := where[n]; dup {
				ds = append(ds, Diagnostic{
					Path:    appPath(n),
					Message: "app defined in two packages; app names must be unique across the packages built together",
					Pos:     append(u.pos[n][:1], first.pos[n][:1]...),
				})
				continue
			}
			where[n] = u
			all = append(all, n)
			kept = append(kept, n)
		}
		u.names = kept
	}
	ds = append(ds, unknownApps("--recreate", slices.Sorted(maps.Keys(pol.Recreate)), all)...)
	selected := func(string) bool { return true }
	if len(cfg.Apps) > 0 {
		ds = append(ds, unknownApps("", cfg.Apps, all)...)
		selected = func(n string) bool { return slices.Contains(cfg.Apps, n) }
		// What the loader found about the other apps is not wanted.
		ds = slices.DeleteFunc(ds, func(d Diagnostic) bool {
			return slices.ContainsFunc(all, func(a string) bool { return !selected(a) && within(d.Path, appPath(a)) })
		})
	}
	order := map[string]int{}
	for i, n := range all {
		order[n] = i
	}
	var pieces []piece
	size := pieceSize(len(all), runtime.GOMAXPROCS(0), cfg.PieceApps)
	for _, u := range units {
		names := slices.DeleteFunc(slices.Clone(u.names), func(n string) bool { return !selected(n) })
		if cfg.PieceApps >= 0 && len(names) > size {
			// Only a package of more apps than a piece is looked at.
			u.split = newSplitter(u.inst, u.names)
		}
		if u.split == nil {
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
	for _, r := range results {
		ds = append(ds, r.ds...)
		if err == nil {
			err = r.err
		}
	}
	return ds.Sort(), err
}

// A piece is apps of one package evaluated together.
type piece struct {
	u     *unit
	names []string
}

type pieceResult struct {
	ds  Diagnostics
	err error
}

// compile runs the pipeline on the piece's apps: evaluate them against the
// schema, decode, check, build, verify, and emit each bundle.
func (p piece) compile(pol Policy, emit func(*Bundle) error) pieceResult {
	pkg, err := p.u.load(p.names)
	if err != nil {
		return pieceResult{ds: Diagnostics{schemaBroken(err)}}
	}
	specs, ds := Decode([]Package{pkg})
	for _, s := range specs {
		pol := pol
		prev, err := pol.Previous.Scoped(s.Name)
		if err != nil {
			return pieceResult{ds, err}
		}
		pol.Previous = prev
		ds = append(ds, Check([]*Spec{s}, pol)...)
		// Build and verify even when the checks found errors, so that the
		// update rules (which compare the objects) report at once too;
		// only apps whose fields all decoded can be built.
		if s.repaired || len(s.bad) > 0 {
			continue
		}
		b, err := Build(s)
		if err != nil {
			ds = append(ds, Diagnostic{Path: appPath(s.Name), Message: fmt.Sprintf("internal error: %v", err)})
			continue
		}
		if hasErrors(ds, s) {
			// Objects built from a spec in error can disagree with each
			// other in ways that only repeat its errors; compare them with
			// the previous objects only.
			ds = append(ds, VerifyOnly(s, b, pol, func(r *Rule) bool { return r.ID == RuleImmutable || r.ID == RuleScaling })...)
		} else {
			ds = append(ds, Verify(s, b, pol)...)
		}
		if s.Recreate || pol.Recreate[s.Name] {
			b.Recreation = Refused(s, b, pol.Previous)
		}
		if err := emit(b); err != nil {
			return pieceResult{ds, err}
		}
	}
	return pieceResult{ds: ds}
}

// hasErrors reports whether any error is about the app of s.
func hasErrors(ds Diagnostics, s *Spec) bool {
	prefix := appPath(s.Name)
	return slices.ContainsFunc(ds, func(d Diagnostic) bool {
		return d.Severity == Error && within(d.Path, prefix)
	})
}

// unknownApps reports the names that are no app's; what, when set, says
// where the names come from.
func unknownApps(what string, names, all []string) Diagnostics {
	var ds Diagnostics
	for _, n := range names {
		if !slices.Contains(all, n) {
			msg := fmt.Sprintf("no app is named %q; the apps are %s", n, strings.Join(all, ", "))
			if what != "" {
				msg = what + ": " + msg
			}
			ds = append(ds, Diagnostic{Severity: Error, Message: msg})
		}
	}
	return ds
}
