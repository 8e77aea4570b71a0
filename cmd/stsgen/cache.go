package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/generator/cache"
)

// The build cache: where it is, and how large it may grow.
const (
	cacheEnv     = "STSGEN_CACHE"
	cacheSizeEnv = "STSGEN_CACHE_SIZE"
	// defaultCacheSize bounds the cache unless STSGEN_CACHE_SIZE says
	// otherwise: an app's entry is some kilobytes, so this holds every
	// app of many large repositories, in each output form.
	defaultCacheSize = 1 << 30
)

// A cacheConfig says where the build cache is: dir, "" when it is off;
// named says that STSGEN_CACHE named it, rather than the platform's
// convention; size bounds it.
type cacheConfig struct {
	dir   string
	named bool
	size  int64
}

// cacheFrom reads the cache's place from the environment: STSGEN_CACHE,
// or stsgen under the platform's user cache directory ($XDG_CACHE_HOME,
// else ~/.cache on Linux; ~/Library/Caches on macOS; %LocalAppData% on
// Windows); STSGEN_CACHE=off turns it off, and so does a platform
// without a user cache directory. STSGEN_CACHE_SIZE bounds it.
func cacheFrom(getenv func(string) string) (cacheConfig, error) {
	c := cacheConfig{size: defaultCacheSize}
	if s := getenv(cacheSizeEnv); s != "" {
		n, err := parseSize(s)
		if err != nil {
			return c, fmt.Errorf("%s=%s: %v", cacheSizeEnv, s, err)
		}
		c.size = n
	}
	switch dir := getenv(cacheEnv); {
	case dir == "off":
	case dir == "":
		if base, err := os.UserCacheDir(); err == nil {
			c.dir = filepath.Join(base, "stsgen")
		}
	case !filepath.IsAbs(dir):
		return c, fmt.Errorf("%s=%s: give an absolute path, or off to build without the cache", cacheEnv, dir)
	default:
		c.dir, c.named = dir, true
	}
	return c, nil
}

// openCache opens the build cache, or returns nil when it is off or
// cannot be used: stsgen builds as well without it, only slower. A cache
// that STSGEN_CACHE names and that cannot be used is said so.
func (e *env) openCache() *cache.Dir {
	if e.cache.dir == "" {
		return nil
	}
	c, err := cache.Open(e.cache.dir, e.cache.size)
	if err != nil {
		if e.cache.named {
			fmt.Fprintf(e.stderr, "stsgen: building without the cache: %v; set %s to a directory stsgen may write, or to off\n", err, cacheEnv)
		}
		return nil
	}
	return c
}

// parseSize reads a size in bytes, with an optional KiB, MiB or GiB
// suffix.
func parseSize(s string) (int64, error) {
	num, mult := s, int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = n, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("not a size: write a number of bytes, or one with KiB, MiB or GiB, e.g. 512MiB")
	}
	return n * mult, nil
}

// useCache sets out to use the build cache, when there is one and this
// binary knows its own build ID, which every key holds; it returns the
// cache, or nil.
func (e *env) useCache(out *generator.Output) *cache.Dir {
	id := executableID()
	if id == "" {
		return nil
	}
	c := e.openCache()
	if c == nil {
		return nil
	}
	out.Cache, out.Salt = c, "stsgen "+id
	return c
}

// trimCache trims the cache, if any, as Go's does after a build: at most
// once an hour it looks at the entries.
func trimCache(c *cache.Dir) {
	if c != nil {
		c.Trim()
	}
}
