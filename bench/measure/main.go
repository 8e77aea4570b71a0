// Command measure runs a command several times as a whole process and
// prints the median wall time and the median peak resident memory:
//
//	measure [-n RUNS] [-o OUT] [-C DIR] -- COMMAND [ARG ...]
//
// Standard output of the command goes to OUT (default /dev/null), so that
// writing it to a terminal is not what is measured. It prints one line:
// "<median ms> <median peak RSS MiB> <median CPU %> <runs>", where CPU % is
// user and system time over wall time: 200 means both of two cores busy.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("n", 5, "how many times to run the command")
	out := flag.String("o", os.DevNull, "where the command's standard output goes")
	dir := flag.String("C", "", "run the command in this directory")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: measure [-n RUNS] [-o OUT] [-C DIR] -- COMMAND [ARG ...]")
		os.Exit(2)
	}
	var walls []time.Duration
	var rss []int64
	var cpu []float64
	for range *runs {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "measure:", err)
			os.Exit(1)
		}
		cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
		cmd.Stdout, cmd.Stderr = f, os.Stderr
		cmd.Dir = *dir
		start := time.Now()
		err = cmd.Run()
		wall := time.Since(start)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "measure: %v: %v\n", flag.Args(), err)
			os.Exit(1)
		}
		walls = append(walls, wall)
		// Maxrss is in KiB on Linux.
		rss = append(rss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
		busy := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		cpu = append(cpu, 100*busy.Seconds()/wall.Seconds())
	}
	slices.Sort(walls)
	slices.Sort(rss)
	slices.Sort(cpu)
	fmt.Printf("%.1f %.1f %.0f %d\n", float64(walls[len(walls)/2].Microseconds())/1000, float64(rss[len(rss)/2])/1024, cpu[len(cpu)/2], *runs)
}
