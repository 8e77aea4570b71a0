package main

import (
	"fmt"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/generator/outdir"
)

// previousFor returns what the build is compared with: --previous when
// given, else the output directory's own earlier output, else nothing;
// and the digest of --previous's objects, or "" when there is none.
func (o *checkOptions) previousFor(e *env, outDir string, reads *outdir.Reads) (*generator.Previous, string, error) {
	if o.previous != "" {
		prev, sum, err := outdir.ReadPrevious(e.abs(o.previous))
		if err != nil {
			return nil, "", fmt.Errorf("--previous: %w", shownDir(err, e.abs(o.previous), o.previous))
		}
		if prev != nil {
			prev.Digest = sum
		}
		return prev, sum, nil
	}
	if outDir == "" {
		return nil, "", nil
	}
	return outdir.PreviousKeeping(outDir, reads), "", nil
}
