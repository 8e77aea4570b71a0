package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stsgen/stsgen/generator"
)

// readPrevious reads the objects a build replaces from path: a YAML file
// or a directory of them, parsed in parallel. It returns their digest
// too (see objectsDigest).
func readPrevious(path string) (*generator.Previous, string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	if !info.IsDir() {
		prev := &generator.Previous{}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, "", err
		}
		return prev, objectsDigest(map[string]string{filepath.Base(path): hash(data)}), prev.AddPrevious(path, data)
	}
	var files []string
	err = filepath.WalkDir(path, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if objectFile(file) {
			files = append(files, file)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	parsed := make([]*generator.Previous, len(files))
	sums := make([]string, len(files))
	errs := make([]error, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(files); i = int(next.Add(1) - 1) {
				parsed[i], sums[i], errs[i] = readPreviousFile(path, files[i], false, nil)
			}
		})
	}
	wg.Wait()
	prev := &generator.Previous{}
	bySum := map[string]string{}
	for i, file := range files {
		if errs[i] != nil {
			return nil, "", errs[i]
		}
		prev.Merge(parsed[i])
		rel, _ := filepath.Rel(path, file)
		bySum[filepath.ToSlash(rel)] = sums[i]
	}
	return prev, objectsDigest(bySum), nil
}

// readPreviousFile reads one file of a previous output directory; nil when
// ownOnly and stsgen did not write it.
// It returns the file's hash too.
func readPreviousFile(dir, file string, ownOnly bool, listed map[string]string) (*generator.Previous, string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", err
	}
	if rel, _ := filepath.Rel(dir, file); ownOnly && !ownFile(listed, filepath.ToSlash(rel), data) {
		return nil, "", nil
	}
	prev := &generator.Previous{}
	return prev, hash(data), prev.AddPrevious(file, data)
}

// previousFor returns what the build is compared with: --previous when
// given, else the output directory's own earlier output, else nothing;
// and the digest of --previous's objects, or "" when there is none.
func (o *checkOptions) previousFor(e *env, outDir string) (*generator.Previous, string, error) {
	if o.previous != "" {
		prev, sum, err := readPrevious(e.abs(o.previous))
		if err != nil {
			return nil, "", fmt.Errorf("--previous: %s", strings.ReplaceAll(err.Error(), e.abs(o.previous), o.previous))
		}
		return prev, sum, nil
	}
	if outDir == "" {
		return nil, "", nil
	}
	if info, err := os.Stat(outDir); err != nil || !info.IsDir() {
		return nil, "", nil
	}
	// Each app's earlier output is read as the app is built: DIR/<app>
	// holds its objects.
	listed := readManifest(filepath.Join(outDir, manifestName))
	return &generator.Previous{ForApp: func(app string) (*generator.Previous, error) {
		return readOwn(outDir, app, listed)
	}}, "", nil
}

// readOwn reads the StatefulSet and Services stsgen wrote for app under
// dir, the output directory whose manifest lists listed.
func readOwn(dir, app string, listed map[string]string) (*generator.Previous, error) {
	prev := &generator.Previous{}
	entries, err := os.ReadDir(filepath.Join(dir, app))
	if err != nil {
		return prev, nil
	}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if e.IsDir() || !objectFile(e.Name()) || (base != "statefulset" && !strings.HasPrefix(base, "service-")) {
			continue
		}
		p, _, err := readPreviousFile(dir, filepath.Join(dir, app, e.Name()), true, listed)
		if err != nil {
			return nil, err
		}
		prev.Merge(p)
	}
	return prev, nil
}

// objectFile reports whether a file's name says it holds objects: YAML or
// JSON.
func objectFile(name string) bool {
	ext := filepath.Ext(name)
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}
