package generator

import (
	"fmt"

	"cuelang.org/go/cue"
)

// Compile runs the whole pipeline on the packages cfg names: Load, Decode,
// Check and Build. It returns the bundles only when no diagnostic is an
// error; the diagnostics, sorted, are returned either way.
func Compile(ctx *cue.Context, cfg LoadConfig) ([]*Bundle, Diagnostics) {
	pkgs, ds := Load(ctx, cfg)
	specs, decodeDs := Decode(pkgs)
	ds = append(ds, decodeDs...)
	ds = append(ds, Check(specs)...)
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
		bundles = append(bundles, b)
	}
	return bundles, ds
}
