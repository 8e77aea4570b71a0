package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/stsgen/stsgen/generator"
)

// stampName is the file in which a build records, beside the manifest,
// what the files it lists were built from; see stamp.
const stampName = ".stsgen-stamp"

// A stamp records what the files an output directory's manifest lists
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
type stamp struct {
	inputs   string
	previous string
	manifest string
	apps     int
	objects  int
}

func (s stamp) bytes() []byte {
	return fmt.Appendf(nil, `# Written by stsgen build: what the files in %s were built from. With it,
# build --check answers without compiling while the inputs, the options,
# the stsgen binary and these files stay as they are. Safe to delete, and
# to leave out of version control.
inputs %s
previous %s
manifest %s
apps %d
objects %d
`, manifestName, s.inputs, s.previous, s.manifest, s.apps, s.objects)
}

// parseStamp reads a stamp file.
func parseStamp(data []byte) (stamp, bool) {
	var s stamp
	seen := 0
	for line := range strings.Lines(string(data)) {
		key, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || strings.HasPrefix(key, "#") {
			continue
		}
		var err error
		switch key {
		case "inputs":
			s.inputs = value
		case "previous":
			s.previous = value
		case "manifest":
			s.manifest = value
		case "apps":
			s.apps, err = strconv.Atoi(value)
		case "objects":
			s.objects, err = strconv.Atoi(value)
		default:
			continue
		}
		if err != nil {
			return stamp{}, false
		}
		seen++
	}
	return s, seen == 5 && s.inputs != "" && s.previous != "" && s.manifest != ""
}

// inputsDigest returns the digest a stamp records for a build of cfg with
// opts by this binary, or "" when the build cannot be stamped: it builds
// some apps only, or the inputs do not load, or this binary does not know
// its own build ID.
func inputsDigest(cfg generator.LoadConfig, opts buildOptions, outDir string) string {
	if len(opts.rules.apps) > 0 {
		return ""
	}
	id := executableID()
	if id == "" {
		return ""
	}
	fp, err := generator.Fingerprint(cfg, outDir)
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "stsgen stamp 1\nbinary %s\nformat %s\nkustomize %t\nstrict %t\n", id, opts.format, opts.kustomize, opts.rules.strict)
	for _, s := range opts.rules.severity {
		fmt.Fprintf(h, "severity %q\n", s)
	}
	for _, app := range slices.Sorted(slices.Values(opts.recreate)) {
		fmt.Fprintf(h, "recreate %q\n", app)
	}
	fmt.Fprintf(h, "inputs %s\n", fp)
	return hex.EncodeToString(h.Sum(nil))
}

// upToDate reports whether dir holds the output of the inputs with digest
// inputs, untouched since: its stamp records them and its manifest, every
// file the manifest lists has the hash it lists, and the previous output,
// with digest previous ("" for dir itself), is the one the stamped build
// compared with or the very output dir holds.
func upToDate(dir, inputs, previous string) (stamp, bool) {
	data, err := os.ReadFile(filepath.Join(dir, stampName))
	if err != nil {
		return stamp{}, false
	}
	s, ok := parseStamp(data)
	if !ok || s.inputs != inputs {
		return stamp{}, false
	}
	man, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil || hash(man) != s.manifest {
		return stamp{}, false
	}
	objects := map[string]string{}
	for rel, sum := range parseManifest(man) {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || hash(got) != sum {
			return stamp{}, false
		}
		if objectFile(rel) {
			objects[rel] = sum
		}
	}
	if previous != "" && previous != s.previous && previous != objectsDigest(objects) {
		return stamp{}, false
	}
	return s, true
}

// treeDigest digests the output stsgen wrote into dir, as a build finds it
// there to compare with, in the form previousAt gives: every YAML or JSON
// file the manifest lists or that carries stsgen's header.
func treeDigest(dir string) (string, error) {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	listed := readManifest(filepath.Join(dir, manifestName))
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll // no output yet
		}
		if err != nil || d.IsDir() || !objectFile(p) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); ownFile(listed, rel, data) {
			sums[rel] = hash(data)
		}
		return nil
	})
	return objectsDigest(sums), err
}

// objectsDigest digests previous output from its files' paths and hashes
// (sums), in one form whether it was read from git, from a directory or
// from a manifest.
func objectsDigest(sums map[string]string) string {
	h := sha256.New()
	for _, rel := range slices.Sorted(maps.Keys(sums)) {
		fmt.Fprintf(h, "%s  %s\n", sums[rel], rel)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// executableID returns the Go build ID of the running binary, which
// changes whenever its code does, or "" when it cannot be read.
var executableID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	return buildID(f)
})

// buildID reads the Go build ID of an executable: on ELF from its
// .note.go.buildid section, elsewhere from the marked string the linker
// puts near the start of the text.
func buildID(f io.ReaderAt) string {
	if ef, err := elf.NewFile(f); err == nil {
		sec := ef.Section(".note.go.buildid")
		if sec == nil {
			return ""
		}
		note, err := sec.Data()
		// namesz, descsz, type, then the name "Go\x00\x00" and the ID.
		if err != nil || len(note) < 16 || string(note[12:16]) != "Go\x00\x00" {
			return ""
		}
		n := int(ef.ByteOrder.Uint32(note[4:8]))
		if 16+n > len(note) {
			return ""
		}
		return string(note[16 : 16+n])
	}
	head := make([]byte, 32<<10)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	const prefix = "\xff Go build ID: \""
	i := bytes.Index(head, []byte(prefix))
	if i < 0 {
		return ""
	}
	id, _, ok := bytes.Cut(head[i+len(prefix):], []byte("\"\n \xff"))
	if !ok {
		return ""
	}
	return string(id)
}
