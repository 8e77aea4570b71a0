package outdir

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsgen/stsgen/generator"
)

func TestStampFile(t *testing.T) {
	want := Stamp{Inputs: strings.Repeat("a", 64), Previous: strings.Repeat("b", 64), Manifest: strings.Repeat("c", 64), Apps: 100, Objects: 500}
	data := want.bytes()
	if got, ok := parseStamp(data); !ok || got != want {
		t.Errorf("parseStamp(%q) = %+v, %v, want %+v", data, got, ok, want)
	}
	// A stamp cut short, or merged badly, vouches for nothing.
	for _, bad := range []string{
		string(data[:len(data)/2]),
		strings.Replace(string(data), "apps 100", "apps many", 1),
		strings.Replace(string(data), "previous "+want.Previous+"\n", "", 1),
		"",
	} {
		if got, ok := parseStamp([]byte(bad)); ok {
			t.Errorf("parseStamp(%q) = %+v, true; want false", bad, got)
		}
	}
}

func TestUpToDate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string][]byte{
		"zk/statefulset.yaml": []byte(generator.Header + "kind: StatefulSet\n"),
		"zk/RECREATE.md":      []byte("steps\n"),
	}
	p, err := NewPlan(ctx, dir, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Built over nothing, compared with its own (empty) output.
	if err := p.Apply(ctx, &Stamp{Inputs: "in", Apps: 1, Objects: 1}); err != nil {
		t.Fatal(err)
	}
	s, ok := UpToDate(dir, "in", "")
	if !ok || s.Apps != 1 || s.Objects != 1 || s.Previous != digest(nil) {
		t.Fatalf("UpToDate() = %+v, %v; want the stamp, recording the empty previous output", s, ok)
	}
	own, err := treeDigest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		inputs, previous string
		want             bool
	}{
		{"in", "", true},
		{"other", "", false},
		{"in", digest(nil), true}, // the previous output the build compared with
		{"in", own, true},         // the output itself, as git would hold it
		{"in", digest(map[string]string{"x.yaml": "0"}), false},
	} {
		if _, ok := UpToDate(dir, tt.inputs, tt.previous); ok != tt.want {
			t.Errorf("UpToDate(%q, %q) = %v, want %v", tt.inputs, tt.previous, ok, tt.want)
		}
	}

	// A file edited since vouches for nothing.
	os.WriteFile(filepath.Join(dir, "zk/RECREATE.md"), []byte("edited\n"), 0o644)
	if _, ok := UpToDate(dir, "in", ""); ok {
		t.Errorf("UpToDate() after an edit = true, want false")
	}
	// Nor does a build without a stamp leave the old one.
	p, err = NewPlan(ctx, dir, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, StampName)); !os.IsNotExist(err) {
		t.Errorf("the stamp outlived a build without one: %v", err)
	}
}
