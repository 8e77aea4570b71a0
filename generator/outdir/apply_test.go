package outdir

import (
	"context"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stsgen/stsgen/generator"
)

// snapshot reads every file under dir, by slash path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// noStaging fails when a temporary directory is left behind in dir.
func noStaging(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, StagingDir, "*"))
	if _, err := os.Lstat(filepath.Join(dir, StagingDir)); err == nil && len(left) == 0 {
		left = []string{filepath.Join(dir, StagingDir)}
	}
	if len(left) > 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

// write plans files into dir, for every app, and applies the plan with
// hooks h, as build -o does.
func write(ctx context.Context, dir string, files map[string][]byte, h hooks) error {
	p, err := NewPlan(ctx, dir, files, nil)
	if err != nil {
		return err
	}
	return p.apply(ctx, nil, h)
}

var first = map[string][]byte{
	"zk/configmap.yaml":   []byte("cm v1\n"),
	"zk/statefulset.yaml": []byte("sts v1\n"),
	"redis/service.yaml":  []byte("svc v1\n"),
}

func TestApplyReplacesAndKeepsUserFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := write(context.Background(), dir, first, hooks{}); err != nil {
		t.Fatal(err)
	}
	// The user adds a file and edits one of stsgen's; a file stays as is.
	os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("resources: []\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "redis/service.yaml"), []byte("svc v1, edited\n"), 0o644)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(filepath.Join(dir, "zk/configmap.yaml"), old, old)

	// The next build no longer produces redis and changes the StatefulSet.
	second := map[string][]byte{
		"zk/configmap.yaml":   []byte("cm v1\n"),
		"zk/statefulset.yaml": []byte("sts v2\n"),
	}
	if err := write(context.Background(), dir, second, hooks{}); err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, dir)
	delete(got, ManifestName)
	want := map[string]string{
		"kustomization.yaml":  "resources: []\n",  // not stsgen's: kept
		"redis/service.yaml":  "svc v1, edited\n", // stsgen's but edited: kept
		"zk/configmap.yaml":   "cm v1\n",
		"zk/statefulset.yaml": "sts v2\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tree after the second build (-want +got):\n%s", diff)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "zk/configmap.yaml")); !fi.ModTime().Equal(old) {
		t.Errorf("unchanged file was rewritten: modification time %v, want %v", fi.ModTime(), old)
	}
	noStaging(t, dir)

	// A file stsgen wrote, unedited and no longer produced, is dropped.
	third := map[string][]byte{"zk/configmap.yaml": []byte("cm v1\n")}
	if err := write(context.Background(), dir, third, hooks{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "zk/statefulset.yaml")); !os.IsNotExist(err) {
		t.Errorf("stale zk/statefulset.yaml was kept: %v", err)
	}
}

func TestApplyRemovesAppsItWrote(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := write(context.Background(), dir, first, hooks{}); err != nil {
		t.Fatal(err)
	}
	// redis goes: its directory held only stsgen's files and disappears.
	// zk goes too, but holds a file of the user's, which stays.
	os.WriteFile(filepath.Join(dir, "zk/notes.txt"), []byte("mine\n"), 0o644)
	if err := write(context.Background(), dir, map[string][]byte{"web/statefulset.yaml": []byte("web\n")}, hooks{}); err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, dir)
	delete(got, ManifestName)
	want := map[string]string{"zk/notes.txt": "mine\n", "web/statefulset.yaml": "web\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "redis")); !os.IsNotExist(err) {
		t.Errorf("the directory of a removed app is left: %v", err)
	}
	noStaging(t, dir)
}

// The output directory itself is never replaced: it may be a symbolic
// link or the working directory, and what else is in it stays.
func TestApplyKeepsTheDirectory(t *testing.T) {
	tmp := t.TempDir()
	target := filepath.Join(tmp, "target")
	os.MkdirAll(filepath.Join(target, ".git"), 0o755)
	os.WriteFile(filepath.Join(target, ".git/HEAD"), []byte("ref: main\n"), 0o644)
	os.WriteFile(filepath.Join(target, "kustomization.yaml"), []byte("resources: []\n"), 0o644)
	link := filepath.Join(tmp, "out")
	if err := os.Symlink("target", link); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(target)
	if err := write(context.Background(), link, first, hooks{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v", err)
	}
	if after, _ := os.Stat(target); !os.SameFile(before, after) {
		t.Errorf("the output directory was replaced by another")
	}
	got := snapshot(t, target)
	for _, f := range []string{".git/HEAD", "kustomization.yaml", "zk/statefulset.yaml"} {
		if _, ok := got[f]; !ok {
			t.Errorf("%s missing after the build; tree: %v", f, slices.Sorted(maps.Keys(got)))
		}
	}
}

// fullDisk fails every write after the first n files, as a full disk does.
type fullDisk struct{ n int }

func (f *fullDisk) create(name string) (io.WriteCloser, error) {
	if f.n == 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOSPC}
	}
	f.n--
	return os.Create(name)
}

func TestApplyFailureLeavesOutputAlone(t *testing.T) {
	second := map[string][]byte{
		"redis/service.yaml":  []byte("svc v2\n"),
		"zk/configmap.yaml":   []byte("cm v2\n"),
		"zk/statefulset.yaml": []byte("sts v2\n"),
		"zk/service.yaml":     []byte("svc v2\n"),
	}
	tests := []struct {
		name    string
		prepare func(h *hooks, cancel context.CancelFunc)
		wantErr string
	}{
		{
			name:    "disk full",
			prepare: func(h *hooks, _ context.CancelFunc) { h.create = (&fullDisk{n: 1}).create },
			wantErr: "no space left on device",
		},
		{
			name: "a swap fails",
			prepare: func(h *hooks, _ context.CancelFunc) {
				h.beforeSwap = func(app string) error {
					if app == "zk" {
						return syscall.EBUSY
					}
					return nil
				}
			},
			wantErr: "device or resource busy",
		},
		{
			name: "interrupted",
			prepare: func(h *hooks, cancel context.CancelFunc) {
				n := 0
				h.beforeFile = func(string) {
					if n++; n == 2 {
						cancel()
					}
				}
			},
			wantErr: "interrupted",
		},
		{
			// The objects are staged; the disk is full when the
			// manifest is written, before any swap.
			name: "disk full at the manifest",
			prepare: func(h *hooks, _ context.CancelFunc) {
				h.create = func(name string) (io.WriteCloser, error) {
					if strings.Contains(name, ManifestName) {
						return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOSPC}
					}
					return createFile(name)
				}
			},
			wantErr: ManifestName + ": no space left on device",
		},
		{
			name: "the manifest cannot be put in place after the swaps",
			prepare: func(h *hooks, _ context.CancelFunc) {
				h.renameManifest = func(string, string) error { return syscall.EIO }
			},
			wantErr: ManifestName + ": input/output error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := write(context.Background(), dir, first, hooks{}); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var h hooks
			tt.prepare(&h, cancel)
			err := write(ctx, dir, second, h)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "is unchanged") {
				t.Fatalf("write() error = %v, want one containing %q and saying the output is unchanged", err, tt.wantErr)
			}
			if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
				t.Errorf("output changed by a failed build (-before +after):\n%s", diff)
			}
			noStaging(t, dir)
		})
	}
}

func TestApplyRefusals(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if err := write(context.Background(), file, first, hooks{}); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("write(file) error = %v, want one saying it is a file", err)
	}
	ro := filepath.Join(tmp, "ro")
	if err := write(context.Background(), ro, first, hooks{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, ro)
	os.Chmod(ro, 0o555)
	defer os.Chmod(ro, 0o755)
	if err := write(context.Background(), ro, map[string][]byte{"zk/a.yaml": []byte("a")}, hooks{}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write(read-only dir) error = %v, want one saying it is read-only", err)
	}
	if diff := cmp.Diff(before, snapshot(t, ro)); diff != "" {
		t.Errorf("read-only output changed (-before +after):\n%s", diff)
	}
}

func TestApplyRemovesStagingOfKilledRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	stale := filepath.Join(dir, StagingDir, "zk-123")
	os.MkdirAll(filepath.Join(stale, "zk"), 0o755)
	if err := write(context.Background(), dir, first, hooks{}); err != nil {
		t.Fatal(err)
	}
	noStaging(t, dir)
}

// TestApplyKeepsLookalikes: a build removes only what a run of stsgen
// made: a directory of the user's named like an old staging directory,
// and one in the staging directory that newStaging would not name, stay.
func TestApplyKeepsLookalikes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	keep := []string{
		filepath.Join(dir, ".db.stsgen-tmp-notes", "notes.txt"),
		filepath.Join(dir, ".zk.stsgen-tmp-123", "x"),
		filepath.Join(dir, StagingDir, "notes", "x"),
		filepath.Join(dir, StagingDir, "zk-12a", "x"),
	}
	for _, k := range keep {
		os.MkdirAll(filepath.Dir(k), 0o755)
		os.WriteFile(k, []byte("mine\n"), 0o644)
	}
	if err := write(context.Background(), dir, first, hooks{}); err != nil {
		t.Fatal(err)
	}
	for _, k := range keep {
		if data, err := os.ReadFile(k); err != nil || string(data) != "mine\n" {
			t.Errorf("%s: %q, %v; want it kept", k, data, err)
		}
	}
}

// TestApplyFullTmpfs fills a small tmpfs until a build finds no room for
// its manifest, after its objects are staged: the output must be exactly
// as it was. It needs root, to mount the tmpfs.
func TestApplyFullTmpfs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=512k"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	defer syscall.Unmount(mnt, 0)
	dir := filepath.Join(mnt, "out")
	if err := write(context.Background(), dir, first, hooks{}); err != nil {
		t.Fatal(err)
	}
	second := map[string][]byte{
		"redis/service.yaml":  []byte("svc v2\n"),
		"zk/configmap.yaml":   []byte("cm v2\n"),
		"zk/statefulset.yaml": []byte("sts v2\n"),
	}
	before := snapshot(t, dir)
	filler := filepath.Join(mnt, "filler")
	// Leave room for k pages, more each time, until the objects fit and
	// the manifest does not.
	for k := 0; k < 16; k++ {
		os.Remove(filler)
		var st syscall.Statfs_t
		if err := syscall.Statfs(mnt, &st); err != nil {
			t.Fatal(err)
		}
		free := int64(st.Bavail) * st.Bsize
		if err := os.WriteFile(filler, make([]byte, free-int64(k)*st.Bsize), 0o644); err != nil {
			t.Fatal(err)
		}
		err := write(context.Background(), dir, second, hooks{})
		if diff := cmp.Diff(before, snapshot(t, dir)); err != nil && diff != "" {
			t.Fatalf("a build that failed with %v changed the output (-before +after):\n%s", err, diff)
		}
		switch {
		case err == nil:
			t.Fatalf("with %d pages free the build fit before its manifest did not", k)
		case strings.Contains(err.Error(), ManifestName):
			if !strings.Contains(err.Error(), "is unchanged") {
				t.Errorf("error %q does not say the output is unchanged", err)
			}
			noStaging(t, dir)
			return
		}
	}
	t.Fatal("never ran out of room at the manifest")
}

// TestApplyUnchangedAppsStay: an app directory the build would rebuild as
// it is stays as it is, the very directory, and the stamp digests the
// previous output as treeDigest reads it.
func TestApplyUnchangedAppsStay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	own := map[string][]byte{
		"zk/statefulset.yaml":    []byte(generator.Header + "kind: StatefulSet\n"),
		"zk/service-read.yaml":   []byte(generator.Header + "kind: Service\n"),
		"redis/statefulset.yaml": []byte(generator.Header + "kind: StatefulSet\n"),
	}
	if err := write(ctx, dir, own, hooks{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "zk/notes.yaml"), []byte(generator.Header+"mine\n"), 0o644)
	os.Symlink("statefulset.yaml", filepath.Join(dir, "redis/link.yaml"))
	os.WriteFile(filepath.Join(dir, "loose.yaml"), []byte(generator.Header+"outside the apps\n"), 0o644)
	inode := func(app string) uint64 {
		fi, err := os.Stat(filepath.Join(dir, app))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Sys().(*syscall.Stat_t).Ino
	}
	zk, redis := inode("zk"), inode("redis")
	want, err := treeDigest(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(ctx, dir, own, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, &Stamp{Inputs: "in", Apps: 2, Objects: 3}); err != nil {
		t.Fatal(err)
	}
	if inode("zk") != zk || inode("redis") != redis {
		t.Errorf("an unchanged app's directory was replaced")
	}
	noStaging(t, dir)
	data, _ := os.ReadFile(filepath.Join(dir, StampName))
	if s, ok := parseStamp(data); !ok || s.Previous != want {
		t.Errorf("stamp's previous output = %q, want treeDigest's %q", s.Previous, want)
	}
}
