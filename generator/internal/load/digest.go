package load

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// AppDigests returns, for each app of the package, a digest of every
// input its evaluation reads: its own declaration and those of the apps
// it refers to, each with the line and column it starts at; the rest of
// the package's source (what is not an app's declaration), with where
// it sits; the file names; the packages imported, the cue.mod/module.cue
// of each module involved and the files @embed reads; and the values
// tags inject. An app's findings and objects are a function of these
// and of the options of the build: two apps with the same digest,
// built by the same stsgen with the same options, give the same bytes.
//
// The other apps' declarations are left out, as they are blanked out of
// its piece; so a change to one app changes the digests of that app and
// of those that refer to it, and no other, unless it adds or removes
// lines before a declaration, which moves it. A package that cannot be
// split is one input: every app's digest covers all of its source.
func (u *Unit) AppDigests(tags []string) (map[string]string, error) {
	env := sha256.New()
	fmt.Fprintf(env, "stsgen app inputs 1\x00%s\x00%s\x00", u.Inst.Dir, u.Inst.PkgName)
	for _, t := range slices.Sorted(slices.Values(tags)) {
		writeField(env, "-t", []byte(t))
	}
	others := map[string][]byte{}
	for _, inst := range withImports(u.Inst) {
		if inst != u.Inst {
			maps.Copy(others, sources(inst))
		}
		if inst.Root != "" {
			if mod := filepath.Join(inst.Root, "cue.mod", "module.cue"); fileExists(mod) {
				others[mod] = nil
			}
		}
	}
	embedded, _ := moduleInputs(u.Inst)
	for _, name := range embedded {
		if _, ok := others[name]; !ok {
			others[name] = nil
		}
	}
	for _, name := range slices.Sorted(maps.Keys(others)) {
		data := others[name]
		if data == nil {
			var err error
			if data, err = os.ReadFile(name); err != nil {
				return nil, err
			}
		}
		writeField(env, name, data)
	}

	out := map[string]string{}
	sp := u.Splitter()
	if sp == nil {
		srcs := sources(u.Inst)
		for _, name := range slices.Sorted(maps.Keys(srcs)) {
			writeField(env, name, srcs[name])
		}
		whole := env.Sum(nil)
		for _, n := range u.Names {
			h := sha256.New()
			h.Write(whole)
			writeField(h, "app", []byte(n))
			out[n] = hex.EncodeToString(h.Sum(nil))
		}
		return out, nil
	}
	lines := map[*splitFile][]int{}
	for _, f := range sp.files {
		lines[f] = lineStarts(f.src)
		writeField(env, "file", []byte(f.name))
		var spans [][2]int
		for _, s := range f.decls {
			spans = append(spans, s...)
		}
		slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
		at := 0
		for _, s := range append(spans, [2]int{len(f.src), len(f.src)}) {
			region := f.src[at:s[0]]
			if !inert(region) {
				// What it declares may be where a finding points.
				l, c := lineCol(lines[f], at)
				fmt.Fprintf(env, "at %d:%d\x00", l, c)
			}
			writeField(env, "common", region)
			at = s[1]
		}
	}
	common := env.Sum(nil)
	for _, n := range u.Names {
		h := sha256.New()
		h.Write(common)
		writeField(h, "app", []byte(n))
		keep := sp.Keep([]string{n})
		for _, k := range slices.Sorted(maps.Keys(keep)) {
			writeField(h, "kept", []byte(k))
			for _, f := range sp.files {
				for _, s := range f.decls[k] {
					l, c := lineCol(lines[f], s[0])
					fmt.Fprintf(h, "%s %d:%d\x00", f.name, l, c)
					writeField(h, "decl", f.src[s[0]:s[1]])
				}
			}
		}
		out[n] = hex.EncodeToString(h.Sum(nil))
	}
	return out, nil
}

// writeField writes a named, length-prefixed value, so that no two
// sequences of fields write the same bytes.
func writeField(h hash.Hash, name string, data []byte) {
	fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
	h.Write(data)
}

// lineStarts returns the offset each line of src starts at.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineCol returns the line and column (from 1, in bytes) of an offset.
func lineCol(starts []int, off int) (int, int) {
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	return i + 1, off - starts[i] + 1
}

// inert reports whether a stretch of source between declarations only
// closes what is open, separates and comments: nothing in it is where a
// finding can point, so where it sits does not matter (its bytes still
// do).
func inert(src []byte) bool {
	for line := range bytes.Lines(src) {
		line = bytes.TrimSpace(line)
		if bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		if len(bytes.Trim(line, ",}]) \t")) > 0 {
			return false
		}
	}
	return true
}
