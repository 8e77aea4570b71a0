package images

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"golang.org/x/sys/unix"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// This file runs an example's pod the way a kubelet would, closely enough
// to tell whether the images serve it: each container in namespaces of its
// own (mount, PID, UTS) and the pod's network namespace, chrooted into the
// image's extracted root filesystem mounted read only, with the pod's
// volumes mounted where the containers ask, as the pod's user, with the
// image's entry point, command and environment under the container's.

// example is one example's generated manifests.
type example struct {
	statefulSets map[string]*appsv1.StatefulSet
	configMaps   map[string]*corev1.ConfigMap
}

func loadExample(t *testing.T, dir string) *example {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", dir, "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ex := &example{statefulSets: map[string]*appsv1.StatefulSet{}, configMaps: map[string]*corev1.ConfigMap{}}
	for _, doc := range regexp.MustCompile(`(?m)^---$`).Split(string(data), -1) {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		switch meta.Kind {
		case "StatefulSet":
			var s appsv1.StatefulSet
			if err := yaml.UnmarshalStrict([]byte(doc), &s); err != nil {
				t.Fatal(err)
			}
			ex.statefulSets[s.Name] = &s
		case "ConfigMap":
			var c corev1.ConfigMap
			if err := yaml.UnmarshalStrict([]byte(doc), &c); err != nil {
				t.Fatal(err)
			}
			ex.configMaps[c.Name] = &c
		}
	}
	return ex
}

// exampleImages are the images every example names, normalized.
func exampleImages(t *testing.T) map[string][]string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", "*", "manifests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	images := map[string][]string{}
	for _, f := range dirs {
		dir := filepath.Base(filepath.Dir(f))
		for _, s := range loadExample(t, dir).statefulSets {
			spec := s.Spec.Template.Spec
			for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
				ref := Normalize(c.Image)
				images[ref] = append(images[ref], dir+"/"+s.Name+"/"+c.Name)
			}
		}
	}
	return images
}

// rootfs is an image extracted into a directory of the test.
type rootfs struct {
	dir    string
	config v1.Config
}

var (
	rootsMu sync.Mutex
	roots   = map[string]*rootfs{}
	rootsIn string
)

// extracted returns ref's image extracted, once per test binary.
func extracted(t *testing.T, ref string) *rootfs {
	t.Helper()
	img := builtImage(t, ref)
	rootsMu.Lock()
	defer rootsMu.Unlock()
	if r, ok := roots[ref]; ok {
		return r
	}
	if rootsIn == "" {
		rootsIn = rootsDir(os.Getpid())
		removeStaleRoots()
		if err := os.MkdirAll(rootsIn, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(rootsIn, "rootfs-")
	if err != nil {
		t.Fatal(err)
	}
	// The container's /, which the layer does not describe.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	if err := untar(rc, dir); err != nil {
		t.Fatalf("extract %s: %v", ref, err)
	}
	r := &rootfs{dir: dir, config: cf.Config}
	roots[ref] = r
	return r
}

// rootsDir is where the test binary pid extracts the images. TestMain
// removes it; removeStaleRoots removes those of binaries that were killed.
func rootsDir(pid int) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("stsgen-images-test-%d", pid))
}

func removeStaleRoots() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "stsgen-images-test-*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "stsgen-images-test-"))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			os.RemoveAll(d)
		}
	}
}

func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean("/" + hdr.Name)
		p := filepath.Join(dir, name)
		mode := fileMode(uint32(hdr.Mode))
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			f, err := os.OpenFile(p, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.Symlink(hdr.Linkname, p); err != nil {
				return err
			}
			if err := os.Lchown(p, hdr.Uid, hdr.Gid); err != nil {
				return err
			}
			continue
		case tar.TypeLink:
			if err := os.Link(filepath.Join(dir, path.Clean("/"+hdr.Linkname)), p); err != nil {
				return err
			}
			continue
		default:
			return fmt.Errorf("%s: unexpected type %c", hdr.Name, hdr.Typeflag)
		}
		if err := os.Chown(p, hdr.Uid, hdr.Gid); err != nil {
			return err
		}
		if err := os.Chmod(p, mode); err != nil {
			return err
		}
	}
}

// resolveIn resolves p inside root as the container would see it: links
// are followed, absolute ones from root, and never lead out of it. What
// does not exist is appended as it is.
func resolveIn(root, p string) (string, error) {
	parts := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	cur := "/"
	for hops := 0; len(parts) > 0; {
		part := parts[0]
		parts = parts[1:]
		if part == "" || part == "." {
			continue
		}
		if part == ".." {
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, part)
		fi, err := os.Lstat(filepath.Join(root, next))
		if errors.Is(err, os.ErrNotExist) {
			return filepath.Join(root, path.Join(append([]string{next}, parts...)...)), nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return "", fmt.Errorf("%s: too many links", p)
		}
		target, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", err
		}
		if !path.IsAbs(target) {
			target = path.Join(cur, target)
		}
		parts = append(strings.Split(strings.Trim(path.Clean(target), "/"), "/"), parts...)
		cur = "/"
	}
	return filepath.Join(root, cur), nil
}

// lookPath finds cmd as the image's PATH would, returning its path inside
// the image, or "" if it is not there.
func lookPath(r *rootfs, cmd string) string {
	var dirs []string
	if strings.Contains(cmd, "/") {
		dirs = []string{""}
	} else {
		for _, e := range r.config.Env {
			if v, ok := strings.CutPrefix(e, "PATH="); ok {
				dirs = strings.Split(v, ":")
			}
		}
	}
	for _, d := range dirs {
		p := path.Join("/", d, cmd)
		host, err := resolveIn(r.dir, p)
		if err != nil {
			continue
		}
		if fi, err := os.Stat(host); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// netns is a pod's network namespace, with its loopback up, held by a
// process that sleeps in it.
type netns struct {
	holder *exec.Cmd
}

func newNetns(t *testing.T) *netns {
	t.Helper()
	cmd := exec.Command("unshare", "--net", "sh", "-c", "ip link set lo up && exec sleep 3600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &netns{holder: cmd}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for i := 0; ; i++ {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid))
		if strings.TrimSpace(string(comm)) == "sleep" {
			return n
		}
		if i > 100 {
			t.Fatal("the network namespace did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (n *netns) path() string { return fmt.Sprintf("/proc/%d/ns/net", n.holder.Process.Pid) }

// do runs f on a thread in the namespace, then moves the thread back. The
// thread must not end there: the processes the tests start die with the
// thread that started them (Pdeathsig), and Go reuses threads.
func (n *netns) do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		self, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer unix.Close(self)
		fd, err := unix.Open(n.path(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		err = f()
		// Back home, the thread may serve others again; if it cannot go
		// back, it stays locked and ends with this goroutine.
		if unix.Setns(self, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// talk connects to 127.0.0.1:port in the namespace, sends req and returns
// what comes back until the other end closes; with no req, it only
// connects.
func (n *netns) talk(port int, req string) (string, error) {
	var out []byte
	err := n.do(func() error {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 3*time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		if req == "" {
			// A TCP probe: connecting is all.
			return nil
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, req); err != nil {
			return err
		}
		out, err = io.ReadAll(c)
		return err
	})
	return string(out), err
}

// get asks for http://127.0.0.1:port/path in the namespace.
func (n *netns) get(port int, p string) (int, string, error) {
	resp, err := n.talk(port, "GET "+p+" HTTP/1.0\r\nHost: localhost\r\n\r\n")
	if err != nil {
		return 0, "", err
	}
	r, err := http.ReadResponse(bufio.NewReader(strings.NewReader(resp)), nil)
	if err != nil {
		return 0, "", err
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(body), nil
}

// pod is one pod of a StatefulSet of an example.
type pod struct {
	t       *testing.T
	name    string
	sts     *appsv1.StatefulSet
	ex      *example
	net     *netns
	dir     string
	volumes map[string]string
	hosts   string
	secret  string
}

// testSecret is every Secret key's value in the tests.
const testSecret = "s3cret-Pass"

// newPod prepares pod ordinal of the StatefulSet sts: its volumes, fresh,
// and an /etc/hosts in which its own names and aliases are 127.0.0.1. net
// is the network namespace, shared with another pod to let it reach that
// one's servers, or nil for one of its own.
func newPod(t *testing.T, ex *example, sts string, ordinal int, net *netns, aliases ...string) *pod {
	t.Helper()
	s, ok := ex.statefulSets[sts]
	if !ok {
		t.Fatalf("no StatefulSet %s", sts)
	}
	if net == nil {
		net = newNetns(t)
	}
	name := fmt.Sprintf("%s-%d", sts, ordinal)
	p := &pod{t: t, name: name, sts: s, ex: ex, net: net, dir: t.TempDir(), volumes: map[string]string{}, secret: testSecret}
	ns := s.Namespace
	sc := s.Spec.Template.Spec.SecurityContext
	fsGroup := 0
	if sc != nil && sc.FSGroup != nil {
		fsGroup = int(*sc.FSGroup)
	}
	mk := func(vol string, mode os.FileMode) string {
		d := filepath.Join(p.dir, "volumes", vol)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		// As the kubelet does with fsGroup: the group owns the volume and
		// what is created in it.
		if err := os.Chown(d, 0, fsGroup); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, mode|os.ModeSetgid); err != nil {
			t.Fatal(err)
		}
		p.volumes[vol] = d
		return d
	}
	for _, v := range s.Spec.Template.Spec.Volumes {
		switch {
		case v.ConfigMap != nil:
			d := mk(v.Name, 0o755)
			cm, ok := ex.configMaps[v.ConfigMap.Name]
			if !ok {
				t.Fatalf("no ConfigMap %s", v.ConfigMap.Name)
			}
			for k, val := range cm.Data {
				if err := os.WriteFile(filepath.Join(d, k), []byte(val), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		case v.EmptyDir != nil:
			mk(v.Name, 0o777)
		case v.Secret != nil:
			mk(v.Name, 0o750)
		default:
			t.Fatalf("volume %s: a kind the tests do not make", v.Name)
		}
	}
	for _, c := range s.Spec.VolumeClaimTemplates {
		mk(c.Name, 0o775)
	}
	host := name + "." + s.Spec.ServiceName
	names := append([]string{name, host, host + "." + ns, host + "." + ns + ".svc", host + "." + ns + ".svc.cluster.local"}, aliases...)
	p.hosts = filepath.Join(p.dir, "hosts")
	hosts := "127.0.0.1\tlocalhost " + strings.Join(names, " ") + "\n::1\tlocalhost ip6-localhost\n"
	if err := os.WriteFile(p.hosts, []byte(hosts), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// container is a running (or finished) container of a pod.
type container struct {
	p      *pod
	c      corev1.Container
	root   *rootfs
	env    []string
	uid    int
	gid    int
	cmd    *exec.Cmd
	out    *syncBuffer
	done   chan struct{}
	err    error
	killed bool
}

// env resolves a container's environment as the kubelet does: the image's,
// then the container's, each value expanded with $(NAME) of those before.
func (p *pod) env(c corev1.Container, image []string) []string {
	vals := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = v
	}
	for _, e := range image {
		k, v, _ := strings.Cut(e, "=")
		set(k, v)
	}
	defined := map[string]string{}
	for _, e := range c.Env {
		v := e.Value
		if f := e.ValueFrom; f != nil {
			switch {
			case f.FieldRef != nil && f.FieldRef.FieldPath == "metadata.name":
				v = p.name
			case f.FieldRef != nil && f.FieldRef.FieldPath == "metadata.namespace":
				v = p.sts.Namespace
			case f.FieldRef != nil && strings.HasPrefix(f.FieldRef.FieldPath, "metadata.labels['apps.kubernetes.io/pod-index']"):
				v = p.name[strings.LastIndex(p.name, "-")+1:]
			case f.FieldRef != nil && f.FieldRef.FieldPath == "status.podIP":
				v = "127.0.0.1"
			case f.SecretKeyRef != nil:
				v = p.secret
			default:
				p.t.Fatalf("env %s: a source the tests do not provide", e.Name)
			}
		} else {
			v = expand(v, defined)
		}
		defined[e.Name] = v
		set(e.Name, v)
	}
	var list []string
	for _, k := range order {
		list = append(list, k+"="+vals[k])
	}
	return list
}

var refRE = regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)`)

// expand replaces $(NAME) by NAME's value where it is defined, as
// Kubernetes does in env values, commands and args; $$ is a $.
func expand(s string, vars map[string]string) string {
	return refRE.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		if v, ok := vars[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		m[k] = v
	}
	return m
}

// start starts container c of the pod (its spec, possibly changed by the
// test) and returns at once.
func (p *pod) start(c corev1.Container) *container {
	t := p.t
	t.Helper()
	ref := Normalize(c.Image)
	root := extracted(t, ref)
	k := &container{p: p, c: c, root: root, out: &syncBuffer{}, done: make(chan struct{})}
	k.env = p.env(c, root.config.Env)
	vars := envMap(k.env)
	var argv []string
	switch {
	case len(c.Command) > 0:
		argv = append(expandAll(c.Command, vars), expandAll(c.Args, vars)...)
	case len(c.Args) > 0:
		argv = append(append([]string{}, root.config.Entrypoint...), expandAll(c.Args, vars)...)
	default:
		argv = append(append([]string{}, root.config.Entrypoint...), root.config.Cmd...)
	}
	if len(argv) == 0 {
		t.Fatalf("container %s: nothing to run", c.Name)
	}
	wd := c.WorkingDir
	if wd == "" {
		wd = root.config.WorkingDir
	}
	if wd == "" {
		wd = "/"
	}
	k.uid, k.gid = p.user(c, root)

	// The mounts, by host path inside the root: the mount points are made
	// in the extracted root, which the container then sees read only.
	var script strings.Builder
	q := shellQuote
	fmt.Fprintf(&script, "set -e\n")
	mount := func(src, target string, ro bool, file bool) {
		host, err := resolveIn(root.dir, target)
		if err != nil {
			t.Fatal(err)
		}
		if file {
			if _, err := os.Stat(host); err != nil {
				os.MkdirAll(filepath.Dir(host), 0o755)
				os.WriteFile(host, nil, 0o644)
			}
		} else if err := os.MkdirAll(host, 0o755); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&script, "mount --bind %s %s\n", q(src), q(host))
		if ro {
			fmt.Fprintf(&script, "mount -o remount,bind,ro %s\n", q(host))
		}
	}
	fmt.Fprintf(&script, "mount --make-rprivate /\nmount --bind %s %s\nmount -o remount,bind,ro %s\n", q(root.dir), q(root.dir), q(root.dir))
	procDir, _ := resolveIn(root.dir, "/proc")
	devDir, _ := resolveIn(root.dir, "/dev")
	for _, d := range []string{procDir, devDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Fprintf(&script, "mount -t proc proc %s\n", q(procDir))
	fmt.Fprintf(&script, "mount -t tmpfs -o mode=755,nosuid tmpfs %s\n", q(devDir))
	for _, n := range []string{"null", "zero", "full", "random", "urandom", "tty"} {
		fmt.Fprintf(&script, "touch %s/%s && mount --bind /dev/%s %s/%s\n", q(devDir), n, n, q(devDir), n)
	}
	fmt.Fprintf(&script, "ln -s /proc/self/fd %[1]s/fd && ln -s /proc/self/fd/0 %[1]s/stdin && ln -s /proc/self/fd/1 %[1]s/stdout && ln -s /proc/self/fd/2 %[1]s/stderr\n", q(devDir))
	fmt.Fprintf(&script, "mkdir %[1]s/shm && mount -t tmpfs -o mode=1777 tmpfs %[1]s/shm\n", q(devDir))
	for _, vm := range c.VolumeMounts {
		src, ok := p.volumes[vm.Name]
		if !ok {
			t.Fatalf("container %s mounts %s, which the pod lacks", c.Name, vm.Name)
		}
		if vm.SubPath != "" {
			// As the kubelet makes it: with the volume's own mode, so that
			// the fsGroup may write there too.
			fi, err := os.Stat(src)
			if err != nil {
				t.Fatal(err)
			}
			src = filepath.Join(src, vm.SubPath)
			if err := os.MkdirAll(src, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(src, fi.Mode()&(os.ModePerm|os.ModeSetgid)); err != nil {
				t.Fatal(err)
			}
		}
		mount(src, vm.MountPath, vm.ReadOnly, false)
	}
	mount(p.hosts, "/etc/hosts", true, true)
	fmt.Fprintf(&script, "hostname %s\n", q(p.name))
	// The container's own environment only, then its root, directory and
	// user.
	fmt.Fprintf(&script, "exec /usr/bin/env -i")
	for _, e := range k.env {
		fmt.Fprintf(&script, " %s", q(e))
	}
	// unshare forks the container's process and stays, as root, the PID
	// namespace's init: when the outer unshare dies, even killed, the
	// kernel kills it (--kill-child) and with it the whole namespace. The
	// container's own process could not be reached that way, since
	// changing its user clears its parent-death signal.
	fmt.Fprintf(&script, " /usr/bin/unshare --fork --root=%s --wd=%s --setgid=%d --setuid=%d --", q(root.dir), q(wd), k.gid, k.uid)
	for _, a := range argv {
		fmt.Fprintf(&script, " %s", q(a))
	}
	fmt.Fprintln(&script)

	k.cmd = exec.Command("unshare", "--mount", "--pid", "--uts", "--fork", "--kill-child", "nsenter", "--net="+p.net.path(), "sh", "-c", script.String())
	// The output goes to a pipe the container's user owns, as runc gives
	// it: nginx opens /dev/stderr, which is that pipe.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Chown(k.uid, k.gid); err != nil {
		t.Fatal(err)
	}
	k.cmd.Stdout, k.cmd.Stderr = pw, pw
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	copied := make(chan struct{})
	go func() {
		io.Copy(k.out, pr)
		pr.Close()
		close(copied)
	}()
	go func() {
		k.err = k.cmd.Wait()
		select {
		case <-copied:
		case <-time.After(5 * time.Second):
			// What the container started and left behind still writes.
		}
		close(k.done)
	}()
	t.Cleanup(k.stop)
	t.Logf("%s/%s: %s", p.name, c.Name, strings.Join(argv, " "))
	return k
}

func expandAll(list []string, vars map[string]string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = expand(s, vars)
	}
	return out
}

// user is the uid and gid the container runs as: its own security
// context's, the pod's, or the image's user.
func (p *pod) user(c corev1.Container, root *rootfs) (int, int) {
	uid, gid := -1, -1
	if sc := p.sts.Spec.Template.Spec.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			uid = int(*sc.RunAsUser)
		}
		if sc.RunAsGroup != nil {
			gid = int(*sc.RunAsGroup)
		}
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			uid = int(*sc.RunAsUser)
		}
		if sc.RunAsGroup != nil {
			gid = int(*sc.RunAsGroup)
		}
	}
	if uid < 0 {
		uid, gid = imageUser(p.t, root)
	}
	if gid < 0 {
		gid = 0
	}
	return uid, gid
}

// imageUser resolves the image's User, a name or uid[:gid], with its
// /etc/passwd.
func imageUser(t *testing.T, root *rootfs) (int, int) {
	u := root.config.User
	if u == "" {
		return 0, 0
	}
	name, group, _ := strings.Cut(u, ":")
	uid, err := strconv.Atoi(name)
	gid := 0
	passwd, _ := os.ReadFile(filepath.Join(root.dir, "etc", "passwd"))
	for _, line := range strings.Split(string(passwd), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 {
			continue
		}
		if (err != nil && f[0] == name) || (err == nil && f[2] == name) {
			uid, _ = strconv.Atoi(f[2])
			gid, _ = strconv.Atoi(f[3])
			err = nil
		}
	}
	if err != nil {
		t.Fatalf("image user %s is not in its /etc/passwd", u)
	}
	if group != "" {
		g, gerr := strconv.Atoi(group)
		if gerr != nil {
			t.Fatalf("image user %s: group by name", u)
		}
		gid = g
	}
	return uid, gid
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// init is the host PID of the container's PID namespace's init.
func (k *container) init() (int, error) { return firstChild(k.cmd.Process.Pid) }

// pid is the host PID of the container's own process, init's child.
func (k *container) pid() (int, error) {
	init, err := k.init()
	if err != nil {
		return 0, err
	}
	return firstChild(init)
}

func firstChild(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, errors.New("the container has no process")
	}
	return strconv.Atoi(f[0])
}

// wait waits for the container to finish, as an init container must,
// successfully.
func (k *container) wait(timeout time.Duration) {
	k.p.t.Helper()
	select {
	case <-k.done:
	case <-time.After(timeout):
		k.stop()
		k.p.t.Fatalf("%s/%s did not finish in %v:\n%s", k.p.name, k.c.Name, timeout, k.out)
	}
	if k.err != nil {
		k.p.t.Fatalf("%s/%s: %v:\n%s", k.p.name, k.c.Name, k.err, k.out)
	}
	k.p.t.Logf("%s/%s finished:\n%s", k.p.name, k.c.Name, tail(k.out.String(), 10))
}

func (k *container) stop() {
	select {
	case <-k.done:
		return
	default:
	}
	k.killed = true
	// Killing the PID namespace's init ends every process of the container.
	if pid, err := k.init(); err == nil {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	k.cmd.Process.Kill()
	<-k.done
}

// running fails the test if the container has stopped.
func (k *container) running() error {
	select {
	case <-k.done:
		return fmt.Errorf("%s/%s stopped: %v", k.p.name, k.c.Name, k.err)
	default:
		return nil
	}
}

// exec runs argv in the container, as its user, with its environment (and
// extra), like kubectl exec or an exec probe.
func (k *container) exec(timeout time.Duration, extra []string, argv ...string) (string, error) {
	pid, err := k.pid()
	if err != nil {
		return "", err
	}
	args := []string{"-t", strconv.Itoa(pid), "--mount", "--uts", "--net", "--pid", "--root", "--wd",
		"-S", strconv.Itoa(k.uid), "-G", strconv.Itoa(k.gid), "--", "/usr/bin/env", "-i"}
	args = append(append(append(args, k.env...), extra...), argv...)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nsenter", args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// probe is a container's probe, run until it passes or the time is up.
func (k *container) probe(pr *corev1.Probe, timeout time.Duration) string {
	t := k.p.t
	t.Helper()
	if pr == nil {
		t.Fatalf("%s/%s has no such probe", k.p.name, k.c.Name)
	}
	deadline := time.Now().Add(timeout)
	var last string
	for {
		if err := k.running(); err != nil {
			t.Fatalf("%v:\n%s", err, k.out)
		}
		out, err := k.probeOnce(pr)
		if err == nil {
			return out
		}
		last = fmt.Sprintf("%v: %s", err, out)
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s: probe did not pass in %v: %s\n%s", k.p.name, k.c.Name, timeout, last, headTail(k.out.String(), 60, 30))
		}
		time.Sleep(time.Second)
	}
}

func (k *container) probeOnce(pr *corev1.Probe) (string, error) {
	port := func(p intOrName) int {
		if p.name == "" {
			return p.num
		}
		for _, cp := range k.c.Ports {
			if cp.Name == p.name {
				return int(cp.ContainerPort)
			}
		}
		k.p.t.Fatalf("no port %s", p.name)
		return 0
	}
	switch {
	case pr.Exec != nil:
		return k.exec(10*time.Second, nil, pr.Exec.Command...)
	case pr.HTTPGet != nil:
		if pr.HTTPGet.Scheme == corev1.URISchemeHTTPS {
			k.p.t.Fatal("HTTPS probes: not in the tests")
		}
		code, body, err := k.p.net.get(port(intOrName{pr.HTTPGet.Port.IntValue(), pr.HTTPGet.Port.StrVal}), pr.HTTPGet.Path)
		if err != nil {
			return "", err
		}
		if code < 200 || code >= 400 {
			return body, fmt.Errorf("HTTP %d", code)
		}
		return body, nil
	case pr.TCPSocket != nil:
		_, err := k.p.net.talk(port(intOrName{pr.TCPSocket.Port.IntValue(), pr.TCPSocket.Port.StrVal}), "")
		return "", err
	}
	return "", errors.New("a probe of a kind the tests do not run")
}

type intOrName struct {
	num  int
	name string
}

// containers returns the pod's init containers and containers by name.
func (p *pod) container(name string) corev1.Container {
	spec := p.sts.Spec.Template.Spec
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		if c.Name == name {
			return c
		}
	}
	p.t.Fatalf("%s has no container %s", p.name, name)
	return corev1.Container{}
}

// runInit runs the pod's init containers, in order, each to success.
func (p *pod) runInit() {
	p.t.Helper()
	for _, c := range p.sts.Spec.Template.Spec.InitContainers {
		p.start(c).wait(3 * time.Minute)
	}
}

// startAll runs the init containers, then starts the containers.
func (p *pod) startAll() map[string]*container {
	p.t.Helper()
	p.runInit()
	out := map[string]*container{}
	for _, c := range p.sts.Spec.Template.Spec.Containers {
		out[c.Name] = p.start(c)
	}
	return out
}

// syncBuffer is a bytes.Buffer the container writes to while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// headTail is the first and the last lines of s.
func headTail(s string, head, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= head+n {
		return s
	}
	return strings.Join(lines[:head], "\n") + "\n...\n" + strings.Join(lines[len(lines)-n:], "\n")
}
