package outdir

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestConcurrentApply runs many builds of two different outputs into one
// directory at once, each as build -o does: lock, plan, apply. After each
// one, and at the end, the directory must hold exactly one build's files,
// every file its manifest lists, the hand-written file, and no staging.
func TestConcurrentApply(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	outputs := []map[string][]byte{
		{"db/a.yaml": []byte("a1\n"), "db/b.yaml": []byte("b1\n"), "cache/c.yaml": []byte("c1\n")},
		{"db/a.yaml": []byte("a2\n"), "db/d.yaml": []byte("d2\n")},
	}
	if err := write(context.Background(), dir, outputs[0], hooks{}); err != nil {
		t.Fatal(err)
	}
	note := filepath.Join(dir, "db", "notes.txt")
	if err := os.WriteFile(note, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const workers, runs = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*runs)
	for w := range workers {
		wg.Go(func() {
			for r := range runs {
				files := outputs[(w+r)%2]
				if err := lockedWrite(dir, files); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := consistent(dir, outputs); err != nil {
		t.Error(err)
	}
	if data, err := os.ReadFile(note); err != nil || string(data) != "mine\n" {
		t.Errorf("the hand-written file: %q, %v", data, err)
	}
	noStaging(t, dir)
}

// lockedWrite writes files into dir as build -o does, and checks the
// directory before it lets go of the lock.
func lockedWrite(dir string, files map[string][]byte) error {
	ctx := context.Background()
	release, err := Lock(ctx, dir, true, nil)
	if err != nil {
		return err
	}
	defer release()
	p, err := NewPlan(ctx, dir, files, nil)
	if err != nil {
		return err
	}
	if err := p.Apply(ctx, nil); err != nil {
		return err
	}
	return consistent(dir, []map[string][]byte{files})
}

// consistent reports whether dir holds one of outputs exactly, as its
// manifest lists it.
func consistent(dir string, outputs []map[string][]byte) error {
	listed := readManifest(dir)
next:
	for _, files := range outputs {
		if len(listed) != len(files) {
			continue
		}
		for rel, data := range files {
			got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil || string(got) != string(data) || listed[rel] != hash(data) {
				continue next
			}
		}
		return nil
	}
	return fmt.Errorf("%s holds no single build's output: manifest %v", dir, listed)
}
