package load

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Fingerprint returns the SHA-256 of every CUE input of a build of cfg:
// the values cfg.Tags injects, and every file it reads: the files of the
// packages cfg names, of the packages they import, and
// the cue.mod/module.cue of each module involved, each with its path
// relative to base (so that the fingerprint does not depend on the
// directory stsgen runs in when base is, say, the output directory). It
// parses the files but evaluates nothing. Two builds by the same stsgen
// binary, with the same options, of inputs with the same fingerprint
// write the same files.
//
// It fails when the packages do not load; a build reports why.
func Fingerprint(cfg LoadConfig, base string) (string, error) {
	args := cfg.args()
	for _, a := range args {
		if missingPath(cfg.Dir, a) {
			return "", fmt.Errorf("%s: no such file or directory", a)
		}
	}
	loaded, bad := loadArgs(cfg.Dir, args, cfg.Tags)
	if len(bad) > 0 {
		return "", bad
	}
	// The files, and what CUE read of each (nil: read it here).
	files := map[string][]byte{}
	for _, top := range loaded {
		// The build refuses such a file; the stamp must not answer for it.
		if len(packageless(cfg.Dir, top)) > 0 {
			return "", errors.New("a CUE file without a package clause")
		}
		for _, inst := range withImports(top) {
			if inst.Err != nil {
				return "", inst.Err
			}
			for name, src := range sources(inst) {
				files[name] = src
			}
			if inst.Root != "" {
				if mod := filepath.Join(inst.Root, "cue.mod", "module.cue"); fileExists(mod) {
					files[mod] = nil
				}
			}
		}
		// The files @embed reads are inputs too; CUE reads them as it
		// evaluates, so they are read here.
		emb, _ := moduleInputs(top)
		for _, name := range emb {
			if _, ok := files[name]; !ok {
				files[name] = nil
			}
		}
	}
	if len(files) == 0 {
		return "", errors.New("no CUE files")
	}
	h := sha256.New()
	// The values injected are inputs as much as the files: the order of
	// the -t arguments is not, as CUE injects each alike.
	for _, t := range slices.Sorted(slices.Values(cfg.Tags)) {
		fmt.Fprintf(h, "\x00-t\x00%d\x00%s", len(t), t)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		if data == nil {
			var err error
			if data, err = os.ReadFile(name); err != nil {
				return "", err
			}
		}
		rel, err := filepath.Rel(base, name)
		if err != nil {
			rel = name
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileExists(name string) bool {
	info, err := os.Stat(name)
	return err == nil && info.Mode().IsRegular()
}
