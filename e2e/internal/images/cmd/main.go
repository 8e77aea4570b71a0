// Command cmd builds every image of e2e/images into the suite's cache and
// prints, for each, its references, its OCI layout, its size and how long it
// took to build. Run it from e2e: go run ./internal/images/cmd.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/stsgen/stsgen/e2e/internal/images"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("images", flag.ContinueOnError)
	flags.SetOutput(stderr)
	cache := flags.String("cache", defaultCache(), "the cache directory ($STSGEN_E2E_CACHE, or ~/.cache/stsgen-e2e)")
	quiet := flags.Bool("q", false, "do not show the builders' progress")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := images.Options{Log: stderr}
	if *quiet {
		opts.Log = nil
	}
	built, err := images.BuildAll(ctx, *cache, opts)
	if err != nil {
		fmt.Fprintf(stderr, "images: %v\n", err)
		return 1
	}
	for _, b := range built {
		how := "built"
		if b.Cached {
			how = "cached"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%.1f MB\t%s in %.0fs\t%s\n", b.Recipe.Name, strings.Join(b.Recipe.Refs, ","),
			float64(b.Size)/1e6, how, b.Seconds, b.Dir)
	}
	return 0
}

func defaultCache() string {
	if c := os.Getenv("STSGEN_E2E_CACHE"); c != "" {
		return c
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "stsgen-e2e")
	}
	return filepath.Join(dir, "stsgen-e2e")
}
