package main

import (
	"fmt"
	"runtime/debug"
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
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	fmt.Fprintf(e.stdout, "stsgen %s\n", version)
	return exitOK
}
