package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"stsgen": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/script: one archive per
// command and topic, error messages included.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("STSGEN_UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"cue-vet": cueVet,
			"bigcue":  bigCUE,
		},
	})
}

// bigCUE writes a valid CUE file of at least the given number of MiB:
// bigcue FILE MIB.
func bigCUE(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bigcue FILE MIB")
	}
	mib, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("bigcue: %v", err)
	}
	var b strings.Builder
	b.WriteString("package deploy\n\napps: zk: image: \"zookeeper:3.9.2\"\n")
	for i := 0; b.Len() < mib<<20; i++ {
		fmt.Fprintf(&b, "x%d: %q\n", i, strings.Repeat("y", 1000))
	}
	if err := os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644); err != nil {
		ts.Fatalf("bigcue: %v", err)
	}
}

// cueVet loads the CUE package in a directory and validates it the way
// cue vet -c does, so a script can show that a vendored schema makes a
// package understandable to CUE's own tools.
func cueVet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: cue-vet DIR")
	}
	insts := load.Instances([]string{"."}, &load.Config{Dir: ts.MkAbs(args[0])})
	var err error
	if insts[0].Err != nil {
		err = insts[0].Err
	} else {
		err = cuecontext.New().BuildInstance(insts[0]).Validate(cue.Concrete(true))
	}
	if err != nil {
		ts.Logf("%s", errors.Details(err, nil))
		if !neg {
			ts.Fatalf("cue-vet: package does not validate")
		}
		return
	}
	if neg {
		ts.Fatalf("cue-vet: package validates, but should not")
	}
}
