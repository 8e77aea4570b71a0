package images

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/stsgen/stsgen/e2e/internal/mountinfo"

	"golang.org/x/sys/unix"
)

// suite and sources are the Debian release the images come from and where:
// the mirrors this machine's apt uses.
const suite = "bookworm"

var sources = []string{
	"deb http://deb.debian.org/debian bookworm main",
	"deb http://deb.debian.org/debian bookworm-updates main",
	"deb http://deb.debian.org/debian-security bookworm-security main",
}

// dpkgExcludes keep documentation, manual pages and translations out of the
// images, but not the licenses.
var dpkgExcludes = []string{
	"path-exclude=/usr/share/doc/*",
	"path-include=/usr/share/doc/*/copyright",
	"path-exclude=/usr/share/man/*",
	"path-exclude=/usr/share/info/*",
	"path-exclude=/usr/share/locale/*",
	"path-include=/usr/share/locale/locale.alias",
	"path-exclude=/usr/share/lintian/*",
}

// debianLeftovers are what building leaves that no container needs: apt's
// lists and caches and the logs of the installation.
var debianLeftovers = []string{
	"/var/lib/apt/lists/*",
	"/var/cache/apt/*",
	"/var/cache/debconf/*-old",
	"/var/cache/ldconfig/aux-cache",
	"/var/lib/dpkg/*-old",
	"/var/log/apt",
	"/var/log/dpkg.log",
	"/var/log/alternatives.log",
	"/var/log/bootstrap.log",
	"/etc/machine-id",
}

// mmdebstrap installs the recipe's packages into root, an empty directory,
// with the recipe's accounts created before any package is configured, so
// that their maintainer scripts find them with the upstream image's ids.
func mmdebstrap(ctx context.Context, r *Recipe, work, root string, log io.Writer) error {
	var passwd, group bytes.Buffer
	for _, a := range r.Accounts {
		fmt.Fprintf(&passwd, "%s\n", a.passwdLine())
		fmt.Fprintf(&group, "%s:x:%d:\n", a.Name, a.GID)
	}
	files := map[string][]byte{
		"passwd":       passwd.Bytes(),
		"group":        group.Bytes(),
		"sources.list": []byte(strings.Join(sources, "\n") + "\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(work, name), b, 0o644); err != nil {
			return err
		}
	}
	args := []string{"--variant=essential", "--mode=root", "--format=directory"}
	if len(r.Packages) > 0 {
		args = append(args, "--include="+strings.Join(r.Packages, ","))
	}
	for _, s := range r.Stubs {
		deb, err := stubPackage(ctx, s, work)
		if err != nil {
			return err
		}
		args = append(args, "--include="+deb)
	}
	if len(r.Stubs) > 0 {
		// dpkg runs in the chroot, where the stubs must be too.
		args = append(args, "--hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount")
	}
	for _, o := range dpkgExcludes {
		args = append(args, "--dpkgopt="+o)
	}
	args = append(args,
		"--aptopt=Acquire::Languages \"none\"",
		fmt.Sprintf(`--essential-hook=cat %q >>"$1/etc/passwd" && cat %q >>"$1/etc/group"`,
			filepath.Join(work, "passwd"), filepath.Join(work, "group")),
		// Maintainer scripts that register manual pages as alternatives
		// (OpenJDK's) fail where the directory is missing.
		`--essential-hook=mkdir -p "$1/usr/share/man/man1"`,
		suite, root, filepath.Join(work, "sources.list"))
	if _, err := exec.LookPath("mmdebstrap"); err != nil {
		return fmt.Errorf("building %s needs mmdebstrap: apt-get install mmdebstrap (e2e/images/build does)", r.Name)
	}
	cmd := exec.CommandContext(ctx, "mmdebstrap", args...)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=0", "LC_ALL=C.UTF-8")
	cmd.Stdout, cmd.Stderr = log, log
	// mmdebstrap unmounts what it mounted in root when it is told to stop.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = time.Minute
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mmdebstrap for %s: %w", r.Name, err)
	}
	// The mount point of the stubs' directory, empty, and the directories
	// made for it.
	if len(r.Stubs) > 0 {
		for dir := filepath.Join(root, work); dir != root; dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil {
				break
			}
		}
	}
	return nil
}

func (a Account) passwdLine() string {
	shell := a.Shell
	if shell == "" {
		shell = "/usr/sbin/nologin"
	}
	return fmt.Sprintf("%s:x:%d:%d:%s:%s:%s", a.Name, a.UID, a.GID, a.Name, a.Home, shell)
}

// stubPackage writes the .deb of an empty package that depends on
// s.Depends, so that apt installs that instead of the package's usual
// dependencies.
func stubPackage(ctx context.Context, s Stub, work string) (string, error) {
	dir := filepath.Join(work, "stub-"+s.Package)
	if err := os.MkdirAll(filepath.Join(dir, "DEBIAN"), 0o755); err != nil {
		return "", err
	}
	control := fmt.Sprintf(`Package: %s
Version: 0~stsgen
Architecture: all
Maintainer: stsgen end-to-end suite <stsgen@localhost>
Depends: %s
Description: stand-in for %s in a container image
 The image's server needs %s only.
`, s.Package, s.Depends, s.Package, s.Depends)
	if err := os.WriteFile(filepath.Join(dir, "DEBIAN", "control"), []byte(control), 0o644); err != nil {
		return "", err
	}
	deb := filepath.Join(work, s.Package+"_0~stsgen_all.deb")
	cmd := exec.CommandContext(ctx, "dpkg-deb", "--root-owner-group", "--build", dir, deb)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg-deb for the stub %s: %w\n%s", s.Package, err, out)
	}
	return deb, nil
}

// customize applies the recipe to root: what it removes, then its
// directories, files, links and edits, and, for a scratch image, its
// accounts.
func customize(r *Recipe, root string) error {
	remove := r.Remove
	if r.Base == "debian" {
		remove = append(append([]string{}, debianLeftovers...), remove...)
	}
	for _, p := range remove {
		matches, err := filepath.Glob(filepath.Join(root, p))
		if err != nil {
			return err
		}
		for _, m := range matches {
			if err := os.RemoveAll(m); err != nil {
				return err
			}
		}
	}
	if r.Base == "scratch" {
		var passwd, group strings.Builder
		for _, a := range r.Accounts {
			passwd.WriteString(a.passwdLine() + "\n")
			fmt.Fprintf(&group, "%s:x:%d:\n", a.Name, a.GID)
		}
		if err := writeFile(root, "/etc/passwd", []byte(passwd.String()), 0o644); err != nil {
			return err
		}
		if err := writeFile(root, "/etc/group", []byte(group.String()), 0o644); err != nil {
			return err
		}
	}
	for _, d := range r.Dirs {
		p := filepath.Join(root, d.Path)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return err
		}
		if err := os.Chown(p, d.UID, d.GID); err != nil {
			return err
		}
		// After the chown, which clears set-id bits.
		if err := os.Chmod(p, fileMode(d.Mode)); err != nil {
			return err
		}
	}
	for _, f := range r.Files {
		if err := writeFile(root, f.Path, r.sources[f.Source], fileMode(f.Mode)); err != nil {
			return err
		}
	}
	for _, s := range r.Symlinks {
		p := filepath.Join(root, s.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.RemoveAll(p); err != nil {
			return err
		}
		if err := os.Symlink(s.Target, p); err != nil {
			return err
		}
	}
	for _, e := range r.Edits {
		p := filepath.Join(root, e.Path)
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("edit: %w", err)
		}
		if !bytes.Contains(b, []byte(e.Old)) {
			return fmt.Errorf("edit of %s: %q does not occur", e.Path, e.Old)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte(e.Old), []byte(e.New), 1), 0); err != nil {
			return err
		}
	}
	return nil
}

// fileMode turns a recipe's mode, with its set-id and sticky bits as in
// chmod, into Go's.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// writeFile replaces whatever is at p under root, a link too, by a file.
func writeFile(root, p string, b []byte, mode fs.FileMode) error {
	full := filepath.Join(root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	if err := os.RemoveAll(full); err != nil {
		return err
	}
	if err := os.WriteFile(full, b, mode); err != nil {
		return err
	}
	return os.Chmod(full, mode)
}

// writeTar writes the tree under root as a layer: sorted, owners by number,
// every time the epoch. Device nodes, sockets and pipes are left out: the
// container runtime provides /dev.
func writeTar(root string, w io.Writer) error {
	tw := tar.NewWriter(w)
	links := map[[2]uint64]string{}
	epoch := time.Unix(0, 0)
	var walk func(dir, name string) error
	walk = func(dir, name string) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			full := filepath.Join(dir, e.Name())
			rel := e.Name()
			if name != "" {
				rel = name + "/" + e.Name()
			}
			info, err := os.Lstat(full)
			if err != nil {
				return err
			}
			st := info.Sys().(*syscall.Stat_t)
			hdr := &tar.Header{
				Name:    rel,
				Mode:    int64(st.Mode & 0o7777),
				Uid:     int(st.Uid),
				Gid:     int(st.Gid),
				ModTime: epoch,
				Format:  tar.FormatPAX,
			}
			switch {
			case info.Mode().IsDir():
				hdr.Typeflag = tar.TypeDir
				hdr.Name += "/"
			case info.Mode()&fs.ModeSymlink != 0:
				target, err := os.Readlink(full)
				if err != nil {
					return err
				}
				hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, target
			case info.Mode().IsRegular():
				key := [2]uint64{st.Dev, st.Ino}
				if first, ok := links[key]; ok && st.Nlink > 1 {
					hdr.Typeflag, hdr.Linkname = tar.TypeLink, first
					break
				}
				links[key] = rel
				hdr.Typeflag, hdr.Size = tar.TypeReg, info.Size()
			default:
				continue
			}
			if caps, err := getxattr(full, "security.capability"); err == nil && len(caps) > 0 && hdr.Typeflag == tar.TypeReg {
				hdr.PAXRecords = map[string]string{"SCHILY.xattr.security.capability": string(caps)}
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			switch hdr.Typeflag {
			case tar.TypeReg:
				f, err := os.Open(full)
				if err != nil {
					return err
				}
				_, err = io.Copy(tw, bufio.NewReader(f))
				f.Close()
				if err != nil {
					return fmt.Errorf("%s: %w", rel, err)
				}
			case tar.TypeDir:
				if err := walk(full, rel); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(root, ""); err != nil {
		return err
	}
	return tw.Close()
}

func getxattr(p, attr string) ([]byte, error) {
	buf := make([]byte, 256)
	n, err := unix.Lgetxattr(p, attr, buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// removeTree removes dir after detaching whatever is still mounted under it,
// as an interrupted mmdebstrap may leave /proc, /sys or /dev of its chroot.
func removeTree(dir string) error {
	if err := unmountUnder(dir); err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

func unmountUnder(dir string) error {
	all, err := mountinfo.Points()
	if err != nil {
		return err
	}
	var points []string
	for _, p := range all {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			points = append(points, p)
		}
	}
	// The deepest first.
	sort.Slice(points, func(i, j int) bool { return len(points[i]) > len(points[j]) })
	for _, p := range points {
		if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && err != unix.EINVAL && err != unix.ENOENT {
			return fmt.Errorf("unmount %s: %w", p, err)
		}
	}
	return nil
}
