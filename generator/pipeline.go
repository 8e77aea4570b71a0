package generator

import (
	"fmt"
	"slices"

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
