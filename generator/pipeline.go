package generator

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"cuelang.org/go/cue"
)

// Compile runs the whole pipeline on the packages cfg names: Load, Decode,
// Check, Build and Verify, with rule severities set by pol. It returns the
// bundles only when no diagnostic is an error; the diagnostics, sorted, are
// returned either way.
func Compile(ctx *cue.Context, cfg LoadConfig, pol Policy) ([]*Bundle, Diagnostics) {
	pkgs, ds := Load(ctx, cfg)
	specs, decodeDs := Decode(pkgs)
	ds = append(ds, decodeDs...)
	ds = append(ds, unknownApps("--recreate", slices.Sorted(maps.Keys(pol.Recreate)), specs)...)
	if len(cfg.Apps) > 0 {
		specs, ds = only(cfg.Apps, specs, ds)
	}
	ds = append(ds, Check(specs, pol)...)
	// Build and verify even when the checks found errors, so that the
	// update rules (which compare the objects) report at once too; only
	// apps whose fields all decoded can be built.
	var bundles []*Bundle
	for _, s := range specs {
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
			ds = append(ds, verify(s, b, pol, func(r *Rule) bool { return r.ID == RuleImmutable || r.ID == RuleScaling })...)
		} else {
			ds = append(ds, Verify(s, b, pol)...)
		}
		if s.Recreate || pol.Recreate[s.Name] {
			b.Recreation = recreation(s, b, pol.Previous)
		}
		bundles = append(bundles, b)
	}
	ds = ds.Sort()
	if ds.HasErrors() {
		return nil, ds
	}
	return bundles, ds
}

// hasErrors reports whether any error is about the app of s.
func hasErrors(ds Diagnostics, s *Spec) bool {
	prefix := appPath(s.Name)
	return slices.ContainsFunc(ds, func(d Diagnostic) bool {
		return d.Severity == Error && within(d.Path, prefix)
	})
}

// only keeps the named apps and the diagnostics that are not about other
// apps; a name that is no app's is an error.
func only(names []string, specs []*Spec, ds Diagnostics) ([]*Spec, Diagnostics) {
	var all []string
	for _, s := range specs {
		all = append(all, s.Name)
	}
	ds = append(ds, unknownApps("", names, specs)...)
	kept := slices.DeleteFunc(slices.Clone(specs), func(s *Spec) bool { return !slices.Contains(names, s.Name) })
	ds = slices.DeleteFunc(ds, func(d Diagnostic) bool {
		return slices.ContainsFunc(all, func(a string) bool { return !slices.Contains(names, a) && within(d.Path, appPath(a)) })
	})
	return kept, ds
}

// unknownApps reports the names that are no app's; what, when set, says
// where the names come from.
func unknownApps(what string, names []string, specs []*Spec) Diagnostics {
	var all []string
	for _, s := range specs {
		all = append(all, s.Name)
	}
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
