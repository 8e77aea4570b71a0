package outdir

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stsgen/stsgen/generator"
)

// Previous returns the output stsgen wrote into dir before, for a build
// to compare with, or nil when dir is not a directory. Each app's objects
// are read as the app is built (DIR/<app> holds them), so that a large
// output is never held whole; files stsgen did not write are passed
// over. An app's digest is had without parsing the files.
func Previous(dir string) *generator.Previous { return PreviousKeeping(dir, nil) }

// PreviousKeeping is Previous, keeping the files it reads in r for the
// plan of the same directory.
func PreviousKeeping(dir string, r *Reads) *generator.Previous {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil
	}
	listed := readManifest(dir)
	return &generator.Previous{
		ForApp: func(app string) (*generator.Previous, error) {
			return readOwn(dir, app, listed, r)
		},
		DigestFor: func(app string) (string, error) {
			files, err := ownObjects(dir, app, listed, r)
			if err != nil {
				return "", err
			}
			return filesDigest(files), nil
		},
		Forget: r.Forget,
	}
}

// readOwn reads the StatefulSet and Services stsgen wrote for app under
// dir, the output directory whose manifest lists listed.
func readOwn(dir, app string, listed map[string]string, r *Reads) (*generator.Previous, error) {
	files, err := ownObjects(dir, app, listed, r)
	if err != nil {
		return nil, err
	}
	// Parsed only if the build's own files differ from them.
	prev := &generator.Previous{Digest: filesDigest(files), Unparsed: map[string][]byte{}}
	for name, data := range files {
		prev.Unparsed[filepath.Join(dir, app, name)] = data
	}
	return prev, nil
}

// ownObjects reads the files of app's StatefulSet and Services that
// stsgen wrote under dir, by name, and keeps each in r.
func ownObjects(dir, app string, listed map[string]string, r *Reads) (map[string][]byte, error) {
	files := map[string][]byte{}
	entries, err := os.ReadDir(filepath.Join(dir, app))
	if err != nil {
		return files, nil
	}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if e.IsDir() || !objectFile(e.Name()) || (base != "statefulset" && !strings.HasPrefix(base, "service-")) {
			continue
		}
		data, err := readFile(filepath.Join(dir, app, e.Name()), maxPreviousFile)
		if err != nil {
			return nil, err
		}
		r.keep(app+"/"+e.Name(), data)
		if ownFile(listed, app+"/"+e.Name(), data) {
			files[e.Name()] = data
		}
	}
	return files, nil
}

// filesDigest digests an app's previous files by name and hash.
func filesDigest(files map[string][]byte) string {
	sums := map[string]string{}
	for name, data := range files {
		sums[name] = hash(data)
	}
	return digest(sums)
}

// ReadPrevious reads the objects a build replaces from path: a YAML file
// or a directory of them, such as kubectl get -o yaml writes, parsed in
// parallel. It returns their digest too, for a Stamp's Previous.
func ReadPrevious(path string) (*generator.Previous, string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	if !info.IsDir() {
		prev := &generator.Previous{}
		data, err := readFile(path, maxPreviousFile)
		if err != nil {
			return nil, "", err
		}
		return prev, digest(map[string]string{filepath.Base(path): hash(data)}), prev.AddPrevious(path, data)
	}
	var files []string
	err = filepath.WalkDir(path, func(file string, d os.DirEntry, err error) error {
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
	return prev, digest(bySum), nil
}

// readPreviousFile reads one file of a previous output directory; nil when
// ownOnly and stsgen did not write it.
// It returns the file's hash too.
func readPreviousFile(dir, file string, ownOnly bool, listed map[string]string) (*generator.Previous, string, error) {
	data, err := readFile(file, maxPreviousFile)
	if err != nil {
		return nil, "", err
	}
	if rel, _ := filepath.Rel(dir, file); ownOnly && !ownFile(listed, filepath.ToSlash(rel), data) {
		return nil, "", nil
	}
	prev := &generator.Previous{}
	return prev, hash(data), prev.AddPrevious(file, data)
}
