//go:build linux

package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const cgroupFS = "/sys/fs/cgroup"

// hierarchies lists the mounted cgroup hierarchies: on cgroup v2 one, on
// cgroup v1 one directory per controller (and systemd's, and the unified
// one of a hybrid machine).
func hierarchies() []string {
	if _, err := os.Stat(filepath.Join(cgroupFS, "cgroup.controllers")); err == nil {
		return []string{cgroupFS} // cgroup v2: one hierarchy
	}
	entries, err := os.ReadDir(cgroupFS)
	if err != nil {
		return nil
	}
	var dirs []string
	for _, e := range entries {
		p := filepath.Join(cgroupFS, e.Name())
		// cpu,cpuacct and its cpu and cpuacct links are one hierarchy.
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			dirs = append(dirs, p)
		}
	}
	return dirs
}

// makeCgroup creates root in every hierarchy, as the kubelet wants its
// cgroupRoot to exist. A new cpuset starts with no CPUs and no memory
// nodes; it gets its parent's.
func makeCgroup(root string) error {
	for _, h := range hierarchies() {
		p := filepath.Join(h, root)
		if err := os.Mkdir(p, 0o755); err != nil && !os.IsExist(err) {
			return err
		}
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			if v, err := os.ReadFile(filepath.Join(h, f)); err == nil {
				if err := os.WriteFile(filepath.Join(p, f), v, 0o644); err != nil {
					return fmt.Errorf("%s: %w", filepath.Join(p, f), err)
				}
			}
		}
	}
	return nil
}

// cgroupDirs returns each root's directory in every hierarchy.
func cgroupDirs(roots []string) []string {
	var dirs []string
	for _, h := range hierarchies() {
		for _, r := range roots {
			dirs = append(dirs, filepath.Join(h, r))
		}
	}
	return dirs
}

// removeCgroups kills whatever still runs under the roots and removes
// their cgroups, deepest first.
func removeCgroups(roots []string) []string {
	var problems []string
	for _, top := range cgroupDirs(roots) {
		var dirs []string
		filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		slices.Reverse(dirs)
		for _, d := range dirs {
			for _, pid := range cgroupProcs(d) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			var err error
			// A killed process leaves its cgroup a moment later.
			for range 50 {
				if err = syscall.Rmdir(d); err == nil || err == syscall.ENOENT {
					err = nil
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				problems = append(problems, fmt.Sprintf("removing cgroup %s: %v", d, err))
			}
		}
	}
	return problems
}

func cgroupProcs(dir string) []int {
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// components are the programs a run starts; processesUnder finds no other.
var components = []string{
	"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy",
	"coredns", "containerd", "containerd-shim-runc-v2", "kubelet",
}

// processesUnder lists the components whose command line names dir: those
// the run started, and the shims containerd starts, which leave its
// process group and outlive it.
func processesUnder(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		argv0, _, _ := strings.Cut(string(cmdline), "\x00")
		if err == nil && slices.Contains(components, filepath.Base(argv0)) && strings.Contains(string(cmdline), dir+"/") {
			pids = append(pids, pid)
		}
	}
	return pids
}
