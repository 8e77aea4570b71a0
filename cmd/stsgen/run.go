package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	exitOK      = 0
	exitInvalid = 1 // the input is wrong, or output could not be written
	exitUsage   = 2 // the command line is wrong
)

type command struct {
	name  string
	short string
	usage string // the synopsis after "stsgen"
	long  string
	run   func(env *env, args []string) int
}

// env is what a command may touch: its streams and working directory, a
// context that is cancelled when the process is interrupted, the memory
// build holds standard output in (see spool), and the bounds on an
// evaluation (see limits).
type env struct {
	stdout, stderr io.Writer
	dir            string
	ctx            context.Context
	spoolMemory    int64
	maxMemory      int64
	timeout        time.Duration
	// cache says where the build cache is; the zero value has none.
	cache cacheConfig
}

var commands []*command

func init() {
	commands = []*command{buildCmd, vetCmd, initCmd, explainCmd, schemaCmd, versionCmd}
}

const mainUsage = `stsgen compiles stateful apps described in CUE into Kubernetes manifests.

Usage:
  stsgen <command> [flags] [arguments]

Commands:
%s
Run "stsgen <command> --help" for a command's flags.
`

func printMainUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.short)
	}
	fmt.Fprintf(w, mainUsage, b.String())
}

// run is stsgen's main: it parses the command line, runs one command and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "stsgen: %v\n", err)
		return exitInvalid
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	maxMemory, timeout, err := limits(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "stsgen: %v\n", err)
		return exitUsage
	}
	e := &env{stdout: stdout, stderr: stderr, dir: dir, ctx: ctx, spoolMemory: spoolMemory, maxMemory: maxMemory, timeout: timeout}
	if e.cache, err = cacheFrom(os.Getenv); err != nil {
		fmt.Fprintf(stderr, "stsgen: %v\n", err)
		return exitUsage
	}
	return e.run(args)
}

// run runs the command args names in e.
func (e *env) run(args []string) int {
	if len(args) == 0 {
		printMainUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				c.flags(e).Usage()
				return exitOK
			}
			fmt.Fprintf(e.stderr, "stsgen help: unknown command %q\n", args[1])
			return exitUsage
		}
		printMainUsage(e.stdout)
		return exitOK
	case "-v", "--version":
		name = "version"
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(e.stderr, "stsgen: unknown command %q\n", name)
		printMainUsage(e.stderr)
		return exitUsage
	}
	return c.run(e, args[1:])
}

// abs resolves path against the working directory.
func (e *env) abs(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(e.dir, path)
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// flags returns a flag set for c that prints its usage to the env's stdout
// on --help and reports errors instead of exiting.
func (c *command) flags(e *env) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage:\n  stsgen %s\n\n%s\n", c.usage, c.long)
		if fs.HasFlags() {
			fmt.Fprintf(e.stdout, "\nFlags:\n%s", fs.FlagUsages())
		}
	}
	return fs
}

// parse parses args into fs. It returns -1 to go on, or the exit status.
func parse(fs *pflag.FlagSet, e *env, args []string) int {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		return exitOK
	case err != nil:
		fmt.Fprintf(e.stderr, "stsgen %s: %v\nRun \"stsgen %s --help\" for usage.\n", fs.Name(), err, fs.Name())
		return exitUsage
	}
	return -1
}
