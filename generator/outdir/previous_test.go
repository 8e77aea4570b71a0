package outdir

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stsgen/stsgen/generator"
)

// TestDigestsAgree: the output directory on disk and the same directory
// committed in git digest alike, and so does the manifest UpToDate
// reads, so that a stamp holds whichever a build compared with.
func TestDigestsAgree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	ctx := context.Background()
	repo := t.TempDir()
	dir := filepath.Join(repo, "deploy")
	files := map[string][]byte{
		"zk/statefulset.yaml":  []byte(generator.Header + "kind: StatefulSet\nmetadata:\n  name: zk\n"),
		"zk/service-read.yaml": []byte(generator.Header + "kind: Service\nmetadata:\n  name: zk\n"),
		"zk/statefulset.json":  []byte(`{"kind": "StatefulSet", "metadata": {"name": "zk"}}`), // listed, no header
		"zk/RECREATE.md":       []byte("steps\n"),                                             // not an object
	}
	p, err := NewPlan(ctx, dir, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, &Stamp{Inputs: "in"}); err != nil {
		t.Fatal(err)
	}
	// Files beside the output that stsgen did not write count nowhere.
	os.WriteFile(filepath.Join(dir, "zk/notes.yaml"), []byte("kind: Notes\n"), 0o644)
	for _, args := range [][]string{
		{"init", "-q", "."},
		{"add", "-A"},
		{"-c", "user.name=stsgen", "-c", "user.email=stsgen@example.com", "commit", "-qm", "deploy"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}

	onDisk, err := treeDigest(dir)
	if err != nil {
		t.Fatal(err)
	}
	prev, inGit, err := PreviousAt(ctx, dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if onDisk != inGit {
		t.Errorf("digest on disk %s, in git %s; want the same", onDisk, inGit)
	}
	if _, ok := UpToDate(dir, "in", inGit); !ok {
		t.Errorf("UpToDate(the committed output) = false, want true")
	}
	all, err := prev.ForApp("zk")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.StatefulSets) != 1 || len(all.Services) != 1 {
		t.Errorf("PreviousAt() read %d StatefulSets and %d Services, want 1 and 1", len(all.StatefulSets), len(all.Services))
	}
}
