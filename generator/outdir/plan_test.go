package outdir

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stsgen/stsgen/generator"
)

// lists is what a plan says of each file.
type lists struct {
	Created, Updated, Unchanged, Removed, Kept, Refused []string
}

func listsOf(p *Plan) lists {
	return lists{p.Created, p.Updated, p.Unchanged, p.Removed, p.Kept, p.Refused}
}

func TestPlan(t *testing.T) {
	own := func(s string) []byte { return []byte(generator.Header + s) }
	built := map[string][]byte{
		"zk/configmap.yaml":   own("cm v1\n"),
		"zk/statefulset.yaml": own("sts v1\n"),
		"zk/service.yaml":     own("svc v1\n"),
		"zk/old.json":         []byte(`{"kind": "Service"}`), // no header: only the manifest says it is stsgen's
		"redis/service.yaml":  own("svc v1\n"),
	}
	tests := []struct {
		name    string
		edit    func(dir string) // after the first build
		files   map[string][]byte
		scope   []string
		want    lists
		wantErr string
	}{
		{
			name:  "nothing changes",
			files: built,
			want:  lists{Unchanged: []string{"redis/service.yaml", "zk/configmap.yaml", "zk/old.json", "zk/service.yaml", "zk/statefulset.yaml"}},
		},
		{
			name: "every kind of file",
			edit: func(dir string) {
				os.WriteFile(filepath.Join(dir, "zk/notes.txt"), []byte("mine\n"), 0o644)
				os.WriteFile(filepath.Join(dir, "zk/service.yaml"), own("svc v1, edited\n"), 0o644)
				os.WriteFile(filepath.Join(dir, "notes.yaml"), []byte("outside the apps\n"), 0o644)
			},
			files: map[string][]byte{
				"zk/configmap.yaml":   own("cm v1\n"),
				"zk/statefulset.yaml": own("sts v2\n"),
				"zk/pdb.yaml":         own("pdb v1\n"),
			},
			want: lists{
				Created:   []string{"zk/pdb.yaml"},
				Updated:   []string{"zk/statefulset.yaml"},
				Unchanged: []string{"zk/configmap.yaml"},
				// redis is gone with its files; zk/old.json goes because the
				// manifest lists it, unedited.
				Removed: []string{"redis/service.yaml", "zk/old.json"},
				Kept:    []string{"zk/notes.txt", "zk/service.yaml"},
			},
		},
		{
			name: "a file stsgen did not write is in the way",
			edit: func(dir string) {
				os.WriteFile(filepath.Join(dir, "zk/pdb.yaml"), []byte("mine\n"), 0o644)
				os.WriteFile(filepath.Join(dir, "zk/aaa.yaml"), []byte("mine too\n"), 0o644)
			},
			files: map[string][]byte{
				"zk/aaa.yaml":       own("a\n"),
				"zk/configmap.yaml": own("cm v1\n"),
				"zk/pdb.yaml":       own("pdb v1\n"),
			},
			scope:   []string{"zk"},
			want:    lists{Unchanged: []string{"zk/configmap.yaml"}, Refused: []string{"zk/aaa.yaml", "zk/pdb.yaml"}, Removed: []string{"zk/old.json", "zk/service.yaml", "zk/statefulset.yaml"}},
			wantErr: "zk/aaa.yaml was not written by stsgen (it is not in .stsgen-manifest and lacks stsgen's header), and stsgen would replace it; move it away",
		},
		{
			name:  "other apps are not looked at",
			edit:  func(dir string) { os.WriteFile(filepath.Join(dir, "redis/service.yaml"), []byte("mine\n"), 0o644) },
			files: map[string][]byte{"zk/configmap.yaml": own("cm v2\n")},
			scope: []string{"zk"},
			want: lists{
				Updated: []string{"zk/configmap.yaml"},
				Removed: []string{"zk/old.json", "zk/service.yaml", "zk/statefulset.yaml"},
			},
		},
		{
			name: "an app's directory is a file",
			edit: func(dir string) {
				os.RemoveAll(filepath.Join(dir, "redis"))
				os.WriteFile(filepath.Join(dir, "redis"), nil, 0o644)
			},
			files:   built,
			want:    lists{Unchanged: []string{"zk/configmap.yaml", "zk/old.json", "zk/service.yaml", "zk/statefulset.yaml"}, Created: []string{"redis/service.yaml"}},
			wantErr: "redis is in the way of app redis's directory; move it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := write(context.Background(), dir, built, hooks{}); err != nil {
				t.Fatal(err)
			}
			if tt.edit != nil {
				tt.edit(dir)
			}
			p, err := NewPlan(context.Background(), dir, tt.files, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, listsOf(p), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("NewPlan() (-want +got):\n%s", diff)
			}
			gotErr := ""
			if err := p.Err(); err != nil {
				real, _ := filepath.EvalSymlinks(dir)
				gotErr = strings.ReplaceAll(err.Error(), real+string(filepath.Separator), "")
			}
			if gotErr != tt.wantErr {
				t.Errorf("Err() = %q, want %q", gotErr, tt.wantErr)
			}
		})
	}
}

// TestPlanRefusedError: the refusal names the file within the directory,
// or under it as the user named it.
func TestPlanRefusedError(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "zk"), 0o755)
	os.WriteFile(filepath.Join(dir, "zk/statefulset.yaml"), []byte("mine\n"), 0o644)
	p, err := NewPlan(context.Background(), dir, map[string][]byte{"zk/statefulset.yaml": []byte("new\n")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var refused *RefusedError
	if !errors.As(p.Err(), &refused) || refused.Path != "zk/statefulset.yaml" {
		t.Fatalf("Err() = %v, want a *RefusedError for zk/statefulset.yaml", p.Err())
	}
	refused.Dir = "./deploy/"
	const want = "deploy/zk/statefulset.yaml was not written by stsgen (it is not in .stsgen-manifest and lacks stsgen's header), and stsgen would replace it; move it away"
	if got := refused.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// Applying it fails the same way, and writes nothing.
	if err := p.Apply(context.Background(), nil); !errors.As(err, &refused) {
		t.Errorf("Apply() = %v, want the refusal", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); !os.IsNotExist(err) {
		t.Errorf("a refused plan wrote the manifest: %v", err)
	}
}

func TestPlanDiff(t *testing.T) {
	dir := t.TempDir()
	if err := write(context.Background(), dir, map[string][]byte{
		"zk/a.yaml": []byte("a: 1\n"),
		"zk/b.yaml": []byte("b: 1\n"),
	}, hooks{}); err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(context.Background(), dir, map[string][]byte{
		"zk/a.yaml": []byte("a: 2\n"),
		"zk/c.yaml": []byte("c: 1\n"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"zk/a.yaml", "zk/c.yaml", "zk/b.yaml"}, p.Changed()); diff != "" {
		t.Errorf("Changed() (-want +got):\n%s", diff)
	}
	const want = `diff out/zk/a.yaml out/zk/a.yaml
--- out/zk/a.yaml
+++ out/zk/a.yaml
@@ -1,1 +1,1 @@
-a: 1
+a: 2
diff /dev/null out/zk/c.yaml
--- /dev/null
+++ out/zk/c.yaml
@@ -0,0 +1,1 @@
+c: 1
diff out/zk/b.yaml /dev/null
--- out/zk/b.yaml
+++ /dev/null
@@ -1,1 +0,0 @@
-b: 1
`
	if diff := cmp.Diff(want, string(p.Diff("out"))); diff != "" {
		t.Errorf("Diff(out) (-want +got):\n%s", diff)
	}
}

// TestParseManifest: a manifest line that names no file stsgen could have
// written grants nothing, and breaks nothing: a line with an absolute path
// once made every later build fail.
func TestParseManifest(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	data := strings.Join([]string{
		sum + "  zk/statefulset.yaml",
		sum + "  /" + strings.Repeat("x/", 400),
		sum + "  ./zk/a.yaml",
		sum + "  zk/../b.yaml",
		sum + "  zk//c.yaml",
		sum + "  top.yaml",
		sum + "  Zk/d.yaml",
		"nothex  zk/e.yaml",
		"# comment",
	}, "\n")
	got := parseManifest([]byte(data))
	if want := map[string]string{"zk/statefulset.yaml": sum}; !maps.Equal(got, want) {
		t.Errorf("parseManifest = %v, want %v", got, want)
	}
}
