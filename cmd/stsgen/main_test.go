package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"
	"github.com/rogpeppe/go-internal/testscript"
	"sigs.k8s.io/yaml"
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
		Setup: func(env *testscript.Env) error {
			hooks, err := filepath.Abs("../../.pre-commit-hooks.yaml")
			env.Setenv("STSGEN_HOOKS", hooks)
			// Each script's own cache, never the user's.
			env.Setenv("STSGEN_CACHE", filepath.Join(env.WorkDir, ".cache", "stsgen"))
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"cue-vet":   cueVet,
			"bigcue":    bigCUE,
			"precommit": preCommit,
			"example":   copyExample,
			"corrupt":   corruptCache,
		},
	})
}

// TestGoGenerate runs the go generate line the README documents in a
// throwaway module that requires this one.
func TestGoGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds stsgen with the go command")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/gogenerate",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("STSGEN_ROOT", root)
			env.Setenv("PATH", filepath.Dir(goBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
			// The module cache and build cache of this run: nothing is
			// downloaded.
			for _, v := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
				out, err := exec.Command(goBin, "env", v).Output()
				if err != nil {
					return err
				}
				env.Setenv(v, strings.TrimSpace(string(out)))
			}
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOTOOLCHAIN", "local")
			return nil
		},
	})
}

// preCommit runs a hook of the repository's .pre-commit-hooks.yaml as the
// pre-commit framework does, with the args the work directory's
// .pre-commit-config.yaml gives it: precommit HOOK-ID.
func preCommit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: precommit HOOK-ID")
	}
	var hooks []struct {
		ID            string `json:"id"`
		Entry         string `json:"entry"`
		Language      string `json:"language"`
		PassFilenames *bool  `json:"pass_filenames"`
	}
	if err := yaml.Unmarshal([]byte(ts.ReadFile(ts.Getenv("STSGEN_HOOKS"))), &hooks); err != nil {
		ts.Fatalf("reading the hooks: %v", err)
	}
	var config struct {
		Repos []struct {
			Repo  string `json:"repo"`
			Hooks []struct {
				ID   string   `json:"id"`
				Args []string `json:"args"`
			} `json:"hooks"`
		} `json:"repos"`
	}
	if err := yaml.Unmarshal([]byte(ts.ReadFile(".pre-commit-config.yaml")), &config); err != nil {
		ts.Fatalf("reading .pre-commit-config.yaml: %v", err)
	}
	for _, h := range hooks {
		if h.ID != args[0] {
			continue
		}
		if h.Language != "golang" || h.PassFilenames == nil || *h.PassFilenames {
			ts.Fatalf("hook %s: want language golang and pass_filenames false", h.ID)
		}
		for _, r := range config.Repos {
			for _, c := range r.Hooks {
				if c.ID == h.ID {
					cmd := append(strings.Fields(h.Entry), c.Args...)
					err := ts.Exec(cmd[0], cmd[1:]...)
					if err != nil && !neg {
						ts.Fatalf("hook %s failed: %v", h.ID, err)
					}
					if err == nil && neg {
						ts.Fatalf("hook %s passed unexpectedly", h.ID)
					}
					return
				}
			}
		}
		ts.Fatalf(".pre-commit-config.yaml does not use hook %s", h.ID)
	}
	ts.Fatalf("no hook %s in .pre-commit-hooks.yaml", args[0])
}

// copyExample copies a bundled example, as the repository holds it, into a
// new directory: example NAME DIR.
// corruptCache flips the last byte of every entry of the build cache in
// the directory: corrupt DIR.
func corruptCache(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: corrupt DIR")
	}
	entries, err := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), "??", "*"))
	ts.Check(err)
	if len(entries) == 0 {
		ts.Fatalf("no cache entries in %s", args[0])
	}
	for _, name := range entries {
		data, err := os.ReadFile(name)
		ts.Check(err)
		data[len(data)-1] ^= 1
		ts.Check(os.WriteFile(name, data, 0o666))
	}
}

func copyExample(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: example NAME DIR")
	}
	src, err := filepath.Abs(filepath.Join("../../examples", args[0]))
	if err != nil {
		ts.Fatalf("example: %v", err)
	}
	// The stamp of a build of the repository's copy is no output of it.
	ex := os.DirFS(src)
	dst := ts.MkAbs(args[1])
	ts.Check(os.CopyFS(dst, ex))
	stamps, err := fs.Glob(ex, "deploy/*/.stsgen-stamp")
	ts.Check(err)
	for _, s := range stamps {
		ts.Check(os.Remove(filepath.Join(dst, s)))
	}
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

// TestShownPath: an error that names a path as the user wrote it still
// wraps the error the library returned.
func TestShownPath(t *testing.T) {
	inner := fmt.Errorf("reading /abs/out/zk/x.yaml: %w", fs.ErrPermission)
	err := shownDir(inner, "/abs/out", "out")
	if got, want := err.Error(), "reading out/zk/x.yaml: permission denied"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false", err)
	}
}
