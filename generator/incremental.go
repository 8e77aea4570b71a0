package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/generator/internal/update"
)

// A Cache keeps build results by key; generator/cache keeps them on
// disk. Get returns what Put stored under the key, or false; a cache
// may forget anything, and must never return other bytes than were put.
type Cache interface {
	Get(key string) ([]byte, bool)
	Put(key string, data []byte) error
}

// An OutputMode says what BuildEach renders of each app.
type OutputMode int

const (
	// Stream renders each app's objects as YAML documents of one stream.
	Stream OutputMode = iota
	// StreamJSON renders them as the items of one JSON List.
	StreamJSON
	// Files renders each app's files under an output directory.
	Files
	// Findings renders nothing: only the diagnostics are wanted.
	Findings
)

// Output says what BuildEach renders, and where it may find and keep
// each app's result.
type Output struct {
	Mode OutputMode
	// FileOptions shape the Files.
	FileOptions FileOptions
	// Cache, when set, holds the results of earlier builds.
	Cache Cache
	// Salt is mixed into every cache key: it must identify the program
	// that builds (a build ID), so that a changed stsgen misses.
	Salt string
}

// An AppOutput is one app's output, rendered as the Output asked.
type AppOutput struct {
	App     string
	Objects int
	// Docs are the documents of a Stream or StreamJSON.
	Docs [][]byte
	// Files are the app's Files, by path relative to the output
	// directory.
	Files map[string][]byte
	// Recreation is set when the app's StatefulSet is to be re-created.
	Recreation *Recreation
	// Cached says that the output came from the cache.
	Cached bool
}

// BuildEach compiles the packages cfg names as CompileEach does and
// renders each app as out asks, handing each to emit, from any
// goroutine, with its place in the output order. With out.Cache, an app
// whose inputs (see load's AppDigests), options, previous output and
// stsgen are those of an app built before is taken from the cache, its
// findings with it, without evaluating it; the others are built, and
// kept in the cache when they are found free of errors. The checks
// across apps run on every app, from the cache or not. The output, the
// findings and their order are those of a build without the cache.
func BuildEach(cfg LoadConfig, pol Policy, out Output, emit func(i int, a *AppOutput) error) (Diagnostics, error) {
	c := &caching{out: out, tags: cfg.Tags, emitOut: emit, hit: map[string]bool{}, keys: map[string]string{}}
	return compileEach(cfg, pol, c, func(i int, b *Bundle, ds diag.Diagnostics, keep bool) error {
		a := &AppOutput{App: b.App, Objects: len(b.Objects()), Recreation: b.Recreation}
		var err error
		switch out.Mode {
		case Stream:
			a.Docs, err = RenderDocs(b)
		case StreamJSON:
			a.Docs, err = ListItems(b)
		case Files:
			a.Files, err = AppFiles(b, out.FileOptions)
		}
		if err != nil {
			return err
		}
		if key := c.keys[b.App]; keep && key != "" {
			e := &entry{objects: a.Objects, docs: a.Docs, files: a.Files, ds: ds, built: newBuiltApp(b)}
			// The cache is a help, not a need: a failure to keep an
			// entry costs the next build its time only.
			_ = out.Cache.Put(key, e.encode())
		}
		return emit(i, a)
	})
}

// caching is what a build with a cache knows of it.
type caching struct {
	out     Output
	tags    []string
	emitOut func(i int, a *AppOutput) error
	// hit holds the apps taken from the cache; keys the cache keys of
	// the others, for those that can be kept. Both are written before
	// any piece is built, and only read after.
	hit  map[string]bool
	keys map[string]string
}

// lookup finds the selected apps of units in the cache and hands each
// one found to emit, from any goroutine; it returns their findings and
// what the checks across apps need of them. An app's previous output is
// part of its key; when it was read whole for it, it goes into prevs,
// so that the build of an app not found does not read it again.
func (c *caching) lookup(units []*load.Unit, selected func(string) bool, pol Policy, prevs map[string]*update.Previous, emit func(string, *entry) error) (diag.Diagnostics, []builtApp, error) {
	if c.out.Cache == nil {
		return nil, nil, nil
	}
	type job struct {
		u            *load.Unit
		name, digest string
		key          string
		// prev is the app's previous output, when its key needed it read.
		prev *update.Previous
		// hit is set when the app came from the cache: ds and built are
		// then what the entry held; the output went to emit at once, so
		// that no more than one entry per CPU is held.
		hit   bool
		ds    diag.Diagnostics
		built builtApp
		err   error
	}
	var jobs []*job
	for _, u := range units {
		digests, err := u.AppDigests(c.tags)
		if err != nil {
			continue // built, and whatever is wrong reported then
		}
		for _, n := range u.Names {
			if !selected(n) {
				continue
			}
			jobs = append(jobs, &job{u: u, name: n, digest: digests[n]})
		}
	}
	// Each key holds the digest of the app's previous output, read here,
	// on every CPU.
	parallel(len(jobs), func(i int) {
		j := jobs[i]
		if j.key, j.prev = c.key(j.name, j.digest, pol); j.key == "" {
			return
		}
		data, ok := c.out.Cache.Get(j.key)
		var e *entry
		if ok {
			if e, _ = decodeEntry(data); e != nil && e.built.app != j.name {
				e = nil
			}
		}
		if e == nil {
			if p := pol.Previous; p != nil && p.Forget != nil {
				p.Forget(j.name)
			}
			return
		}
		j.hit, j.ds, j.built = true, j.u.Explain(e.ds), e.built
		j.err = emit(j.name, e)
	})
	var ds diag.Diagnostics
	var built []builtApp
	var err error
	for _, j := range jobs {
		if j.prev != nil {
			prevs[j.name] = j.prev
		}
		if j.key != "" {
			c.keys[j.name] = j.key
		}
		if !j.hit {
			continue
		}
		c.hit[j.name] = true
		ds = append(ds, j.ds...)
		built = append(built, j.built)
		if err == nil {
			err = j.err
		}
	}
	return ds, built, err
}

// key returns the cache key of an app whose inputs have the digest: it
// covers the salt, the output asked, the rule settings, the previous
// output the app is compared with, and the inputs; "" when the app
// cannot be taken from the cache, because its previous output is not
// known by a digest. It returns the previous output too when it had to
// read it whole.
func (c *caching) key(app, digest string, pol Policy) (string, *update.Previous) {
	if digest == "" {
		return "", nil
	}
	var read *update.Previous
	prevDigest := "none"
	switch p := pol.Previous; {
	case p != nil && p.ForApp != nil && p.DigestFor != nil:
		d, err := p.DigestFor(app)
		if err != nil {
			return "", nil // the build reports it
		}
		prevDigest = d
	case p != nil:
		prev, err := p.Scoped(app)
		if err != nil {
			return "", nil
		}
		read = prev
		if prev == nil || prev.Digest == "" {
			return "", read
		}
		prevDigest = prev.Digest
	}
	h := sha256.New()
	fmt.Fprintf(h, "stsgen build cache %d\x00salt %q\x00mode %d json %t kustomize %t\x00strict %t\x00", entryVersion, c.out.Salt, c.out.Mode, c.out.FileOptions.JSON, c.out.FileOptions.Kustomize, pol.Strict)
	for _, id := range slices.Sorted(maps.Keys(pol.Severity)) {
		fmt.Fprintf(h, "severity %s=%d\x00", id, pol.Severity[id])
	}
	fmt.Fprintf(h, "recreate %t\x00previous %s\x00app %q\x00inputs %s\x00", pol.Recreate[app], prevDigest, app, digest)
	return hex.EncodeToString(h.Sum(nil)), read
}

// emit hands an app found in the cache on, as BuildEach's caller asked.
func (c *caching) emit(i int, app string, e *entry) error {
	return c.emitOut(i, &AppOutput{App: app, Objects: e.objects, Docs: e.docs, Files: e.files, Cached: true})
}
