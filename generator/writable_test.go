//go:build unix

package generator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stsgen/stsgen/generator"
)

// TestWritableCopy runs the command of a writable copy's init container as
// a pod runs it: as the pods' user, into an emptyDir that the kubelet made
// and root owns (mode 2777, the group the fsGroup), from a directory of the
// image's that belongs to the image's user. Preserving the attributes of
// the volume's own directory, which only its owner may change, fails there
// (GNU cp -a exits 1 and the pod never starts). It needs root, to make a
// directory that the copying user does not own.
func TestWritableCopy(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the copy must run as a user that does not own the volume, as in a pod")
	}
	if _, err := exec.LookPath("cp"); err != nil {
		t.Skip("no cp on this machine")
	}
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: "../testdata/golden/leaderless"}, generator.Policy{})
	if ds.HasErrors() || len(bundles) != 1 {
		t.Fatalf("compile: %v", ds)
	}
	var argv []string
	for _, c := range bundles[0].StatefulSet.Spec.Template.Spec.InitContainers {
		if c.Name == "stsgen-copy-0" {
			argv = c.Command
		}
	}
	if argv == nil {
		t.Fatal("no init container stsgen-copy-0")
	}

	const uid, gid = 999, 999 // the pods' user and fsGroup
	work := t.TempDir()
	// The temporary directories are the test's, mode 0700.
	for dir := work; dir != os.TempDir() && dir != "/"; dir = filepath.Dir(dir) {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src, dst := filepath.Join(work, "etc/cassandra"), filepath.Join(work, "writable")
	write(t, filepath.Join(src, "cassandra.yaml"), "cluster_name: Test Cluster\n")
	write(t, filepath.Join(src, "triggers/README.txt"), "triggers\n")
	if err := os.Symlink("cassandra.yaml", filepath.Join(src, "current.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := filepath.Walk(filepath.Dir(src), func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	}); err != nil {
		t.Fatal(err)
	}
	mkdir(t, dst)
	if err := os.Chown(dst, 0, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, 0o777|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}

	r := strings.NewReplacer("/etc/cassandra", src, "/stsgen/writable", dst)
	args := make([]string, len(argv))
	for i, a := range argv {
		args[i] = r.Replace(a)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{gid}}}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v as uid %d: %v\n%s", argv, uid, err, out)
	}
	if got := read(t, filepath.Join(dst, "triggers/README.txt")); got != "triggers\n" {
		t.Errorf("triggers/README.txt = %q", got)
	}
	if target, err := os.Readlink(filepath.Join(dst, "current.yaml")); err != nil || target != "cassandra.yaml" {
		t.Errorf("current.yaml: a link to %q (%v), want a link to cassandra.yaml", target, err)
	}
	info, err := os.Stat(filepath.Join(dst, "cassandra.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if st := info.Sys().(*syscall.Stat_t); st.Uid != uid || info.Mode().Perm()&0o200 == 0 {
		t.Errorf("cassandra.yaml: owner %d, mode %v; want the pods' user %d, writable by it", st.Uid, info.Mode(), uid)
	}
}
