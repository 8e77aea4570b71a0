package generator

import (
	"fmt"

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
	ds = ds.Sort()
	if ds.HasErrors() {
		return nil, ds
	}
	bundles := make([]*Bundle, 0, len(specs))
	for _, s := range specs {
		b, err := Build(s)
		if err != nil {
			ds = append(ds, Diagnostic{Path: appPath(s.Name), Message: fmt.Sprintf("internal error: %v", err)})
			return nil, ds
		}
		ds = append(ds, Verify(s, b, pol)...)
		bundles = append(bundles, b)
	}
	ds = ds.Sort()
	if ds.HasErrors() {
		return nil, ds
	}
	return bundles, ds
}
