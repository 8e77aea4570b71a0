package main

import (
	"fmt"
	"runtime/debug"

	"cuelang.org/go/cue"
)

var versionCmd = &command{
	name:  "version",
	short: "print stsgen's version",
	usage: "version",
	long:  `Version prints the stsgen module version and the CUE language version it evaluates.`,
}

func init() { versionCmd.run = runVersion }

func runVersion(e *env, args []string) int {
	fs := versionCmd.flags(e)
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	version, cueModule := "(devel)", "(unknown)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == "cuelang.org/go" {
				cueModule = d.Version
			}
		}
	}
	fmt.Fprintf(e.stdout, "stsgen %s\ncue language %s (cuelang.org/go %s)\n", version, cue.LanguageVersion(), cueModule)
	return exitOK
}
