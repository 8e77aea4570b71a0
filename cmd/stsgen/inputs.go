package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/stsgen/stsgen/generator"
)

// inputsDigest returns the digest a stamp records for a build of cfg with
// opts by this binary, or "" when the build cannot be stamped: it builds
// some apps only, or the inputs do not load, or this binary does not know
// its own build ID. The values -t injects are in the fingerprint.
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
