package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
)

// TestSpool puts apps from several goroutines, out of order, with little
// memory allowed, and reads them back in order; then again with no
// temporary directory to spill to.
func TestSpool(t *testing.T) {
	const apps = 50
	want := make([][][]byte, apps)
	for i := range want {
		for j := range i%3 + 1 {
			want[i] = append(want[i], []byte(fmt.Sprintf("app %d, document %d\n", i, j)))
		}
	}
	for _, tmp := range []string{"", "/nonexistent/stsgen-test"} {
		if tmp != "" {
			t.Setenv("TMPDIR", tmp)
		}
		s := newSpool(100)
		var wg sync.WaitGroup
		for i := range apps {
			wg.Go(func() { s.put(apps-1-i, want[apps-1-i]) })
		}
		wg.Wait()
		if spilled := s.file != nil; spilled != (tmp == "") {
			t.Errorf("TMPDIR=%q: spilled to a file = %v", tmp, spilled)
		}
		var got [][][]byte
		order := make([]int, apps)
		for i := range order {
			order[i] = i
		}
		if err := s.each(order, func(docs [][]byte) { got = append(got, slices.Clone(docs)) }); err != nil {
			t.Fatal(err)
		}
		s.close()
		if !slices.EqualFunc(got, want, func(a, b [][]byte) bool { return slices.EqualFunc(a, b, bytes.Equal) }) {
			t.Errorf("TMPDIR=%q: documents read back differ:\n got %q\nwant %q", tmp, got, want)
		}
	}
}

// TestSpoolOutput builds the examples to standard output with every app
// spooled to a file and with none, in YAML and JSON: the same bytes.
func TestSpoolOutput(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"yaml", "json"} {
		var outs [2]bytes.Buffer
		for k, limit := range []int64{1 << 40, 0} {
			var stderr bytes.Buffer
			e := &env{stdout: &outs[k], stderr: &stderr, dir: dir, ctx: context.Background(), spoolMemory: limit}
			args := []string{"build", "-q", "--format", format}
			for _, ex := range []string{"mysql", "nginx-cache", "nginx-web", "postgres", "redis", "zookeeper"} {
				args = append(args, "../../examples/"+ex)
			}
			if st := e.run(args); st != exitOK {
				t.Fatalf("build --format %s: exit %d\n%s", format, st, stderr.String())
			}
		}
		if outs[0].Len() == 0 || !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
			t.Errorf("--format %s: spooled output (%d bytes) differs from output held in memory (%d bytes)", format, outs[1].Len(), outs[0].Len())
		}
	}
}
