package outdir

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// StampName is the file in which a build records, beside the manifest,
// what the files it lists were built from; see Stamp.
const StampName = ".stsgen-stamp"

// A Stamp records what the files an output directory's manifest lists
// were built from: a digest of the inputs (every CUE file read, the
// options that shape the output, and the stsgen binary), the digest of
// the previous output the build compared with, the manifest's own hash,
// and how many apps and objects the files hold. build --check on a
// directory whose stamp matches its inputs, and whose files match the
// manifest, knows the answer without compiling.
//
// A build writes a stamp only when it covers every app, found nothing to
// report (no warning, no error) and re-created nothing. A build of the
// same inputs then writes the same files, and reports nothing when it
// compares them with the same previous output or with themselves (a
// StatefulSet compared with itself changes nothing).
type Stamp struct {
	Inputs string
	// Previous is the digest of the previous output, as PreviousAt and
	// ReadPrevious return it; empty when the build compared with the
	// directory's own output, which Apply then digests.
	Previous string
	// Manifest is the hash of the manifest the stamp vouches for; Apply
	// sets it.
	Manifest string
	Apps     int
	Objects  int
}

func (s Stamp) bytes() []byte {
	return fmt.Appendf(nil, `# Written by stsgen build: what the files in %s were built from. With it,
# build --check answers without compiling while the inputs, the options,
# the stsgen binary and these files stay as they are. Safe to delete, and
# to leave out of version control.
inputs %s
previous %s
manifest %s
apps %d
objects %d
`, ManifestName, s.Inputs, s.Previous, s.Manifest, s.Apps, s.Objects)
}

// parseStamp reads a stamp file.
func parseStamp(data []byte) (Stamp, bool) {
	var s Stamp
	seen := 0
	for line := range strings.Lines(string(data)) {
		key, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || strings.HasPrefix(key, "#") {
			continue
		}
		var err error
		switch key {
		case "inputs":
			s.Inputs = value
		case "previous":
			s.Previous = value
		case "manifest":
			s.Manifest = value
		case "apps":
			s.Apps, err = strconv.Atoi(value)
		case "objects":
			s.Objects, err = strconv.Atoi(value)
		default:
			continue
		}
		if err != nil {
			return Stamp{}, false
		}
		seen++
	}
	return s, seen == 5 && s.Inputs != "" && s.Previous != "" && s.Manifest != ""
}

// UpToDate reports whether dir holds the output of the inputs with digest
// inputs, untouched since, and returns its stamp if so: the stamp records
// the inputs and the manifest, every file the manifest lists has the hash
// it lists, and the previous output, with digest previous ("" for dir
// itself), is the one the stamped build compared with or the very output
// dir holds.
func UpToDate(dir, inputs, previous string) (Stamp, bool) {
	data, err := os.ReadFile(filepath.Join(dir, StampName))
	if err != nil {
		return Stamp{}, false
	}
	s, ok := parseStamp(data)
	if !ok || s.Inputs != inputs {
		return Stamp{}, false
	}
	man, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil || hash(man) != s.Manifest {
		return Stamp{}, false
	}
	listed := parseManifest(man)
	objects := map[string]string{}
	for rel, sum := range listed {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || hash(got) != sum {
			return Stamp{}, false
		}
		if compared(listed, rel, got) {
			objects[rel] = sum
		}
	}
	if previous != "" && previous != s.Previous && previous != digest(objects) {
		return Stamp{}, false
	}
	return s, true
}

// treeDigest digests the output stsgen wrote into dir, as a build finds it
// there to compare with, in the form PreviousAt gives.
func treeDigest(dir string) (string, error) { return treeDigestRead(dir, nil) }

// treeDigestRead is treeDigest for a directory of which a plan read some
// app directories whole: read holds the hashes it found there (see
// appPlan.read), by app, and those directories are not read again.
func treeDigestRead(dir string, read map[string]map[string]string) (string, error) {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	listed := readManifest(dir)
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll // no output yet
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			if filepath.Dir(p) == dir && read[d.Name()] != nil {
				maps.Copy(sums, read[d.Name()])
				return fs.SkipDir
			}
			return nil
		}
		if !objectFile(p) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); compared(listed, rel, data) {
			sums[rel] = hash(data)
		}
		return nil
	})
	return digest(sums), err
}

// compared reports whether a file (rel, relative to the output directory
// whose manifest lists listed) is part of the previous output a stamp
// digests: an object file stsgen wrote. Every digest of an output
// directory, on disk or in git, selects its files with it, so that a
// stamp's digest means one thing whichever produced it.
func compared(listed map[string]string, rel string, data []byte) bool {
	return objectFile(rel) && ownFile(listed, rel, data)
}

// digest digests previous output from its files' paths and hashes
// (sums), in one form whether it was read from git, from a directory or
// from a manifest.
func digest(sums map[string]string) string {
	h := sha256.New()
	for _, rel := range slices.Sorted(maps.Keys(sums)) {
		fmt.Fprintf(h, "%s  %s\n", sums[rel], rel)
	}
	return hex.EncodeToString(h.Sum(nil))
}
