//go:build linux

package cluster

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/stsgen/stsgen/e2e/internal/mountinfo"
)

// A machineState is what a cluster run may change on the machine outside
// its own directory, as it was before the run: the teardown restores it,
// and checks that nothing else is left. It is saved in the run's directory,
// so that the next run can restore it if this one is killed.
type machineState struct {
	Sysctls map[string]string
	Mounts  []string
	Links   []string
	Chains  []string // "iptables nat KUBE-SERVICES", ...
	Tables  []string // nft tables: "ip filter", ...
	Paths   map[string]bool
}

// tunables are the sysctls the kubelet (vm.*, kernel.*), kube-proxy (net.*)
// and the nodes' routing (ip_forward) set.
var tunables = []string{
	"net.ipv4.ip_forward",
	"net.ipv4.conf.all.route_localnet",
	"net.bridge.bridge-nf-call-iptables",
	"net.netfilter.nf_conntrack_max",
	"vm.overcommit_memory",
	"vm.panic_on_oom",
	"kernel.panic",
	"kernel.panic_on_oops",
	"kernel.keys.root_maxkeys",
	"kernel.keys.root_maxbytes",
}

// sharedPaths are the machine-wide places the components create files in
// even when told to work in a directory of their own: the kubelet's
// container log links and device plugin socket, the CNI result cache,
// containerd's shim sockets and the network namespaces' mount point.
var sharedPaths = []string{
	"/var/log/containers",
	"/var/log/pods",
	"/var/lib/cni",
	"/var/lib/kubelet",
	"/run/containerd",
	"/run/netns",
	"/run/nri",
	"/opt/containerd",
}

func sysctlPath(name string) string {
	return filepath.Join("/proc/sys", strings.ReplaceAll(name, ".", "/"))
}

func snapshotMachine() (*machineState, error) {
	m := &machineState{Sysctls: map[string]string{}, Paths: map[string]bool{}}
	for _, name := range tunables {
		if v, err := os.ReadFile(sysctlPath(name)); err == nil {
			m.Sysctls[name] = strings.TrimSpace(string(v))
		}
	}
	var err error
	if m.Mounts, err = mountPoints(); err != nil {
		return nil, err
	}
	if m.Links, err = linkNames(); err != nil {
		return nil, err
	}
	m.Chains = iptablesChains()
	m.Tables = nftTables()
	for _, p := range sharedPaths {
		_, err := os.Lstat(p)
		m.Paths[p] = err == nil
	}
	return m, nil
}

// mountPoints lists the mount points of the test's mount namespace, which
// is the machine's.
func mountPoints() ([]string, error) { return mountinfo.Points() }

func linkNames() ([]string, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, i := range ifaces {
		names = append(names, i.Name)
	}
	slices.Sort(names)
	return names, nil
}

// iptablesChains lists the chains of every table, IPv4 and IPv6.
func iptablesChains() []string {
	var chains []string
	for _, bin := range []string{"iptables", "ip6tables"} {
		out, err := exec.Command(bin + "-save").Output()
		if err != nil {
			continue
		}
		table := ""
		for line := range strings.Lines(string(out)) {
			line = strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(line, "*"):
				table = line[1:]
			case strings.HasPrefix(line, ":"):
				chains = append(chains, bin+" "+table+" "+strings.Fields(line[1:])[0])
			}
		}
	}
	slices.Sort(chains)
	return chains
}

// nftTables lists the nftables tables, "family name".
func nftTables() []string {
	out, err := exec.Command("nft", "list", "tables").Output()
	if err != nil {
		return nil
	}
	var tables []string
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "table" {
			tables = append(tables, f[1]+" "+f[2])
		}
	}
	slices.Sort(tables)
	return tables
}

// restore undoes what the run changed that its components' own cleanup
// leaves: the sysctls, the iptables chains and nft tables that did not
// exist before (kube-proxy --cleanup removes its own; the kubelet's canary
// chains stay), mounts under dir, links that did not exist, and the shared
// paths that did not exist. It returns what it could not undo.
func (m *machineState) restore(dir string) []string {
	var problems []string
	// Mounts under the run's directory, deepest first; a mount still busy
	// is detached, and goes once its last user has.
	if points, err := mountPoints(); err == nil {
		var mine []string
		for _, p := range points {
			if ours(dir, p) && !slices.Contains(m.Mounts, p) {
				mine = append(mine, p)
			}
		}
		sort.Slice(mine, func(i, j int) bool { return len(mine[i]) > len(mine[j]) })
		for _, p := range slices.Compact(mine) {
			if err := syscall.Unmount(p, syscall.MNT_DETACH); err != nil && err != syscall.EINVAL && err != syscall.ENOENT {
				problems = append(problems, fmt.Sprintf("unmounting %s: %v", p, err))
			}
		}
	}
	if links, err := linkNames(); err == nil {
		for _, l := range links {
			if ourLink(l) && !slices.Contains(m.Links, l) {
				if out, err := exec.Command("ip", "link", "delete", l).CombinedOutput(); err != nil {
					problems = append(problems, fmt.Sprintf("deleting link %s: %v: %s", l, err, out))
				}
			}
		}
	}
	// Chains: flush all new ones first, as they may jump to each other,
	// then delete them.
	var added [][]string
	for _, c := range iptablesChains() {
		if !slices.Contains(m.Chains, c) {
			added = append(added, strings.Fields(c))
		}
	}
	for _, c := range added {
		exec.Command(c[0], "-w", "-t", c[1], "-F", c[2]).Run()
	}
	for _, c := range added {
		if isBuiltinChain(c[2]) {
			continue
		}
		if out, err := exec.Command(c[0], "-w", "-t", c[1], "-X", c[2]).CombinedOutput(); err != nil {
			problems = append(problems, fmt.Sprintf("deleting chain %v: %v: %s", c, err, out))
		}
	}
	for _, t := range nftTables() {
		if !slices.Contains(m.Tables, t) {
			f := strings.Fields(t)
			if out, err := exec.Command("nft", "delete", "table", f[0], f[1]).CombinedOutput(); err != nil {
				problems = append(problems, fmt.Sprintf("deleting nft table %s: %v: %s", t, err, out))
			}
		}
	}
	for _, p := range sharedPaths {
		if !m.Paths[p] {
			if err := os.RemoveAll(p); err != nil {
				problems = append(problems, err.Error())
			}
		}
	}
	for name, v := range m.Sysctls {
		if now, err := os.ReadFile(sysctlPath(name)); err == nil && strings.TrimSpace(string(now)) != v {
			if err := os.WriteFile(sysctlPath(name), []byte(v), 0o644); err != nil {
				problems = append(problems, fmt.Sprintf("restoring %s=%s: %v", name, v, err))
			}
		}
	}
	return problems
}

// ours reports whether the mount point p is the run's: under its
// directory, or under a machine-wide path its components use.
func ours(dir, p string) bool {
	if dir != "" && (p == dir || strings.HasPrefix(p, dir+"/")) {
		return true
	}
	for _, shared := range sharedPaths {
		if strings.HasPrefix(p, shared+"/") {
			return true
		}
	}
	return false
}

// ourLink reports whether a network interface is of the kind a run makes:
// the nodes' bridges, the DNS interface, and the CNI bridge plugin's veths.
func ourLink(name string) bool {
	return strings.HasPrefix(name, "e2e-") || strings.HasPrefix(name, "veth")
}

func isBuiltinChain(name string) bool {
	switch name {
	case "INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING":
		return true
	}
	return false
}

// leftovers compares the machine with the state before the run and lists
// every difference.
func (m *machineState) leftovers(dir string, cgroupRoots []string) []string {
	var left []string
	now, err := snapshotMachine()
	if err != nil {
		return []string{err.Error()}
	}
	for name, v := range m.Sysctls {
		if now.Sysctls[name] != v {
			left = append(left, fmt.Sprintf("sysctl %s is %s, was %s", name, now.Sysctls[name], v))
		}
	}
	diff := func(what string, before, after []string) {
		for _, x := range after {
			if !slices.Contains(before, x) {
				left = append(left, what+" "+x)
			}
		}
	}
	// Other work on the machine may mount, link and filter as it likes;
	// what the run made is under its directory or named as its
	// components name things.
	diff("mount", m.Mounts, slices.DeleteFunc(now.Mounts, func(p string) bool { return !ours(dir, p) }))
	diff("link", m.Links, slices.DeleteFunc(now.Links, func(l string) bool { return !ourLink(l) }))
	diff("iptables chain", m.Chains, now.Chains)
	diff("nft table", m.Tables, now.Tables)
	for _, p := range sharedPaths {
		if now.Paths[p] && !m.Paths[p] {
			left = append(left, "path "+p)
		}
	}
	if _, err := os.Stat(dir); err == nil && os.Getenv("STSGEN_E2E_KEEP") == "" {
		left = append(left, "directory "+dir)
	}
	for _, c := range cgroupDirs(cgroupRoots) {
		if _, err := os.Stat(c); err == nil {
			left = append(left, "cgroup "+c)
		}
	}
	if procs := processesUnder(dir); len(procs) > 0 {
		left = append(left, fmt.Sprintf("processes %v", procs))
	}
	return left
}
