// Command measure times several commands as whole processes, in turns,
// and prints each one's medians and the ratios of their paired runs:
//
//	measure [-n ROUNDS] [-warmup] [-o OUT] [-C DIR] [-ratio A/B ...] \
//		-- [COMMAND FLAGS] COMMAND [ARG ...] [::: [COMMAND FLAGS] COMMAND [ARG ...] ...]
//
// The machine's speed drifts within a run, so the commands are not timed
// one after the other n times each: they take turns. Each round runs every
// command once, in the order given in even rounds and in the reverse order
// in odd ones (A B C, C B A, A B C, ...), so that neither a drift nor the
// command that ran just before favours one of them. -warmup runs one
// untimed round first. A ratio A/B is taken per round, from the runs of A
// and B in that round, and its median and range over the rounds are
// printed: two commands' medians taken apart would each carry their own
// share of the drift.
//
// Each command is a group of arguments separated from the next by ":::",
// with flags of its own before the command:
//
//	-name NAME   what its lines and ratios call it (default: the command's base name)
//	-C DIR       run it in DIR (default: measure's -C)
//	-env K=V     add K=V to its environment (repeatable)
//	-before SH   run "sh -c SH" in its directory, untimed, right before each
//	             of its runs (empty a cache, change an input)
//	-ok CODES    the exit codes it may end with, comma-separated (default 0)
//
// Standard output of a command goes to OUT (default /dev/null), so that
// writing it to a terminal is not what is measured. What a command or its
// -before writes to standard error is shown only when it fails (a --check
// that is meant to find a change says so every time). Output is one line
// per fact, fields separated by spaces:
//
//	run NAME ROUND MS MIB CPU      one timed run (ROUND counts from 1)
//	median NAME MS MIB CPU ROUNDS  the medians of a command's runs
//	ratio A/B MEDIAN MIN MAX Q1 Q3 ROUNDS   wall time of A over B, per round
//
// MS is wall time in milliseconds, MIB the peak resident memory in MiB and
// CPU user and system time over wall time in percent: 200 means both of
// two cores busy.
package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = "usage: measure [-n ROUNDS] [-warmup] [-o OUT] [-C DIR] [-ratio A/B ...] -- [-name NAME] [-C DIR] [-env K=V] [-before SH] [-ok CODES] COMMAND [ARG ...] [::: ...]"

// A command is one of the processes measured, with its runs so far.
type command struct {
	name   string
	dir    string
	env    []string
	before string
	ok     []int
	args   []string
	runs   []sample
}

// A sample is what one run of a command cost.
type sample struct {
	ms, mib, cpu float64
}

// listFlag collects the values of a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("n", 5, "how many timed rounds to run")
	warmup := fs.Bool("warmup", false, "run one untimed round first")
	out := fs.String("o", os.DevNull, "where the commands' standard output goes")
	dir := fs.String("C", "", "run the commands in this directory")
	var ratios listFlag
	fs.Var(&ratios, "ratio", "print the per-round ratio `A/B` of two commands' wall times (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cmds, err := parseCommands(fs.Args(), *dir)
	if err == nil && *rounds < 1 {
		err = errors.New("-n: need at least one round")
	}
	var pairs [][2]*command
	for _, r := range ratios {
		if err != nil {
			break
		}
		var p [2]*command
		p, err = pair(r, cmds)
		pairs = append(pairs, p)
	}
	if err != nil {
		fmt.Fprintln(stderr, "measure:", err)
		fmt.Fprintln(stderr, usage)
		return 2
	}

	first := 0
	if *warmup {
		first = -1
	}
	for round := first; round < *rounds; round++ {
		order := slices.Clone(cmds)
		if round%2 != 0 {
			slices.Reverse(order)
		}
		for _, c := range order {
			var log bytes.Buffer
			s, err := c.run(*out, &log)
			if err != nil {
				stderr.Write(log.Bytes())
				fmt.Fprintf(stderr, "measure: %s: %v\n", c.name, err)
				return 1
			}
			if round >= 0 {
				c.runs = append(c.runs, s)
				fmt.Fprintf(stdout, "run %s %d %.1f %.1f %.0f\n", c.name, round+1, s.ms, s.mib, s.cpu)
			}
		}
	}
	for _, c := range cmds {
		pick := func(f func(sample) float64) float64 {
			var v []float64
			for _, s := range c.runs {
				v = append(v, f(s))
			}
			return median(v)
		}
		fmt.Fprintf(stdout, "median %s %.1f %.1f %.0f %d\n", c.name,
			pick(func(s sample) float64 { return s.ms }),
			pick(func(s sample) float64 { return s.mib }),
			pick(func(s sample) float64 { return s.cpu }),
			len(c.runs))
	}
	for _, p := range pairs {
		var v []float64
		for i := range p[0].runs {
			v = append(v, p[0].runs[i].ms/p[1].runs[i].ms)
		}
		slices.Sort(v)
		q1, q3 := quartiles(v)
		fmt.Fprintf(stdout, "ratio %s/%s %.3f %.3f %.3f %.3f %.3f %d\n", p[0].name, p[1].name,
			median(v), v[0], v[len(v)-1], q1, q3, len(v))
	}
	return 0
}

// parseCommands splits args at ":::" into commands, each with its own flags.
func parseCommands(args []string, dir string) ([]*command, error) {
	if len(args) == 0 {
		return nil, errors.New("no command")
	}
	var cmds []*command
	names := map[string]bool{}
	for group := range splitSeq(args, ":::") {
		c := &command{dir: dir}
		fs := flag.NewFlagSet("command", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.StringVar(&c.name, "name", "", "")
		fs.StringVar(&c.dir, "C", dir, "")
		fs.Var((*listFlag)(&c.env), "env", "")
		fs.StringVar(&c.before, "before", "", "")
		codes := fs.String("ok", "0", "")
		if err := fs.Parse(group); err != nil {
			return nil, fmt.Errorf("command %d: %w", len(cmds)+1, err)
		}
		c.args = fs.Args()
		if len(c.args) == 0 {
			return nil, fmt.Errorf("command %d: nothing to run", len(cmds)+1)
		}
		for _, e := range c.env {
			if !strings.Contains(e, "=") {
				return nil, fmt.Errorf("%s: -env %q: want K=V", c.args[0], e)
			}
		}
		for code := range strings.SplitSeq(*codes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(code))
			if err != nil {
				return nil, fmt.Errorf("%s: -ok: %w", c.args[0], err)
			}
			c.ok = append(c.ok, n)
		}
		if c.name == "" {
			c.name = filepath.Base(c.args[0])
		}
		if strings.ContainsAny(c.name, " \t\n/") {
			return nil, fmt.Errorf("-name %q: a name is one word without a slash", c.name)
		}
		if names[c.name] {
			return nil, fmt.Errorf("two commands named %s: tell them apart with -name", c.name)
		}
		names[c.name] = true
		cmds = append(cmds, c)
	}
	return cmds, nil
}

// splitSeq yields the runs of args between the separators sep.
func splitSeq(args []string, sep string) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		for {
			i := slices.Index(args, sep)
			if i < 0 {
				yield(args)
				return
			}
			if !yield(args[:i]) {
				return
			}
			args = args[i+1:]
		}
	}
}

// pair finds the two commands that the ratio "A/B" names.
func pair(ratio string, cmds []*command) ([2]*command, error) {
	a, b, ok := strings.Cut(ratio, "/")
	if !ok {
		return [2]*command{}, fmt.Errorf("-ratio %q: want A/B", ratio)
	}
	var p [2]*command
	for i, name := range []string{a, b} {
		j := slices.IndexFunc(cmds, func(c *command) bool { return c.name == name })
		if j < 0 {
			return p, fmt.Errorf("-ratio %q: no command named %s", ratio, name)
		}
		p[i] = cmds[j]
	}
	return p, nil
}

// run runs c once, after its -before, and says what the run cost; both
// write their standard error to log.
func (c *command) run(out string, log io.Writer) (sample, error) {
	env := append(os.Environ(), c.env...)
	if c.before != "" {
		sh := exec.Command("sh", "-c", c.before)
		sh.Dir, sh.Env = c.dir, env
		sh.Stdout, sh.Stderr = log, log
		if err := sh.Run(); err != nil {
			return sample{}, fmt.Errorf("-before %q: %w", c.before, err)
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return sample{}, err
	}
	defer f.Close()
	cmd := exec.Command(c.args[0], c.args[1:]...)
	cmd.Dir, cmd.Env = c.dir, env
	cmd.Stdout, cmd.Stderr = f, log
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if exit := (*exec.ExitError)(nil); err != nil && !errors.As(err, &exit) {
		return sample{}, err
	}
	if code := cmd.ProcessState.ExitCode(); !slices.Contains(c.ok, code) {
		return sample{}, fmt.Errorf("%s: exit status %d (want %s)", strings.Join(c.args, " "), code, joinInts(c.ok))
	}
	// Maxrss is in KiB on Linux.
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	busy := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return sample{
		ms:  float64(wall.Microseconds()) / 1000,
		mib: float64(rss) / 1024,
		cpu: 100 * busy.Seconds() / wall.Seconds(),
	}, nil
}

func joinInts(v []int) string {
	var s []string
	for _, n := range v {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ",")
}

// median is the middle of v, or the mean of its two middles.
func median(v []float64) float64 {
	v = slices.SortedFunc(slices.Values(v), cmp.Compare)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// quartiles are the medians of the lower and upper halves of the sorted v
// (the middle value, for an odd count, in neither).
func quartiles(v []float64) (q1, q3 float64) {
	if len(v) < 2 {
		return v[0], v[0]
	}
	h := len(v) / 2
	return median(v[:h]), median(v[len(v)-h:])
}
