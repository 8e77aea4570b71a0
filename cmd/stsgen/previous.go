package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stsgen/stsgen/generator"
)

// readPrevious reads the objects a build replaces from path: a YAML file
// or a directory of them. With ownOnly, only files stsgen wrote count
// (those starting with its header or listed in its manifest), as when
// build -o looks at its own earlier output.
func readPrevious(path string, ownOnly bool) (*generator.Previous, error) {
	prev := &generator.Previous{}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	listed := readManifest(filepath.Join(path, manifestName))
	add := func(file string) error {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if ownOnly && !generator.IsGenerated(data) {
			rel, _ := filepath.Rel(path, file)
			if _, ok := listed[filepath.ToSlash(rel)]; !ok {
				return nil
			}
		}
		return prev.AddPrevious(file, data)
	}
	if !info.IsDir() {
		return prev, add(path)
	}
	err = filepath.WalkDir(path, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(file); ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		return add(file)
	})
	return prev, err
}

// previousFor returns what the build is compared with: --previous when
// given, else the output directory's own earlier output, else nothing.
func (o *checkOptions) previousFor(e *env, outDir string) (*generator.Previous, error) {
	if o.previous != "" {
		prev, err := readPrevious(e.abs(o.previous), false)
		if err != nil {
			return nil, fmt.Errorf("--previous: %s", strings.ReplaceAll(err.Error(), e.abs(o.previous), o.previous))
		}
		return prev, nil
	}
	if outDir == "" {
		return nil, nil
	}
	if info, err := os.Stat(outDir); err != nil || !info.IsDir() {
		return nil, nil
	}
	return readPrevious(outDir, true)
}
