//go:build linux

package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// startNode creates node i's bridge and cgroups and starts its containerd
// and, once containerd answers, its kubelet. It does not wait for the node
// to register.
func (c *Cluster) startNode(ctx context.Context, i int) (*Node, error) {
	n := &Node{
		Name:       fmt.Sprintf("node-%d", i),
		Zone:       Zones[(i-1)%len(Zones)],
		IP:         nodeIP(i).String(),
		Subnet:     fmt.Sprintf("10.244.%d.0/24", i),
		CgroupRoot: fmt.Sprintf("/stsgen-e2e-node-%d", i),
		dir:        filepath.Join(c.Dir, fmt.Sprintf("node-%d", i)),
		bridge:     fmt.Sprintf("e2e-br%d", i),
	}
	n.socket = filepath.Join(n.dir, "containerd.sock")
	for _, d := range []string{"cni", "hosts", "kubelet", "pod-logs"} {
		if err := os.MkdirAll(filepath.Join(n.dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	// The bridge exists before the first pod, so that the node's address
	// does: the kubelet listens on it and reports it.
	if err := ip("link", "add", n.bridge, "type", "bridge"); err != nil {
		return nil, err
	}
	if err := ip("addr", "add", n.IP+"/24", "dev", n.bridge); err != nil {
		return nil, err
	}
	if err := ip("link", "set", n.bridge, "up"); err != nil {
		return nil, err
	}
	if err := makeCgroup(n.CgroupRoot); err != nil {
		return nil, err
	}
	if err := c.Registry.addNode(filepath.Join(n.dir, "hosts")); err != nil {
		return nil, err
	}

	runc, err := exec.LookPath("runc")
	if err != nil {
		return nil, err
	}
	kubeconfig, err := os.ReadFile(c.Kubeconfig)
	if err != nil {
		return nil, err
	}
	files := map[string]string{
		"containerd.toml":     containerdConfig(n, runc),
		"cni/10-e2e.conflist": cniConfig(n),
		"kubelet.yaml":        kubeletConfig(n),
		// The pods' DNS is the cluster's alone, with no search
		// domains of the machine's.
		"resolv.conf":             "",
		"kubelet/kubeconfig.yaml": string(kubeconfig),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(n.dir, name), []byte(data), 0o644); err != nil {
			return nil, err
		}
	}
	// containerd finds its shim on PATH.
	env := append(os.Environ(), "PATH="+c.bin+":"+os.Getenv("PATH"))
	n.containerd, err = c.startAs(n.Name+"-containerd", "containerd", env, "--config", filepath.Join(n.dir, "containerd.toml"))
	if err != nil {
		return nil, err
	}
	// The kubelet gives up at once on a runtime that does not answer.
	if err := waitCRI(ctx, n.containerd, n.socket); err != nil {
		return nil, err
	}
	n.kubelet, err = c.startAs(n.Name+"-kubelet", "kubelet", nil,
		"--config", filepath.Join(n.dir, "kubelet.yaml"),
		"--kubeconfig", filepath.Join(n.dir, "kubelet/kubeconfig.yaml"),
		"--root-dir", filepath.Join(n.dir, "kubelet"),
		// The default is /var/lib/kubelet/pki whatever the root: three
		// kubelets would write their serving certificates over each
		// other's.
		"--cert-dir", filepath.Join(n.dir, "kubelet/pki"),
		"--hostname-override", n.Name,
		"--node-ip", n.IP,
		"--node-labels", "topology.kubernetes.io/zone="+n.Zone,
		"--v", "1",
	)
	return n, err
}

// containerdConfig keeps everything of the node's containerd in its own
// directory: its state, runc's, the pods' network namespaces, its socket
// (only the shims' sockets stay in /run/containerd/s); pulls go
// to the Registry; and pod sandboxes get an oom_score_adj no lower than
// containerd's own, as a machine without CAP_SYS_RESOURCE cannot lower it.
func containerdConfig(n *Node, runc string) string {
	return strings.NewReplacer("@DIR@", n.dir, "@RUNC@", runc, "@PAUSE@", PauseImage).Replace(`version = 3
root = "@DIR@/containerd/root"
state = "@DIR@/containerd/state"
disabled_plugins = ["io.containerd.nri.v1.nri"]

[grpc]
  address = "@DIR@/containerd.sock"

[ttrpc]
  address = "@DIR@/containerd.sock.ttrpc"

[plugins.'io.containerd.internal.v1.opt']
  path = "@DIR@/containerd/opt"

[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "@PAUSE@"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "@DIR@/hosts"

[plugins.'io.containerd.cri.v1.runtime']
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  cdi_spec_dirs = []
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "@RUNC@"
        Root = "@DIR@/containerd/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "@DIR@/cni"

[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`)
}

// cniConfig puts the node's pods on its bridge, with addresses from its
// subnet and the bridge for their gateway. Nothing is masqueraded: a pod
// reaches a pod on another node through the host's routes to the other
// bridge, and sees the other pod's own address, as Kubernetes requires.
func cniConfig(n *Node) string {
	return fmt.Sprintf(`{
  "cniVersion": "1.0.0",
  "name": "e2e-%[1]s",
  "plugins": [{
    "type": "bridge",
    "bridge": "%[2]s",
    "isGateway": true,
    "ipMasq": false,
    "hairpinMode": true,
    "ipam": {
      "type": "host-local",
      "dataDir": "%[3]s/ipam",
      "ranges": [[{"subnet": "%[4]s", "gateway": "%[5]s"}]],
      "routes": [{"dst": "0.0.0.0/0"}]
    }
  }]
}
`, n.Name, n.bridge, n.dir, n.Subnet, n.IP)
}

// kubeletConfig is the node's KubeletConfiguration. The API server talks
// to the kubelet without a client certificate, so the kubelet lets anyone
// in: it listens on the node's address only, which only this machine
// reaches. cgroups are v1 here, which kubelet 1.36 refuses unless told.
// Eviction on disk pressure is off: the suite's machines share their disk
// with other work.
func kubeletConfig(n *Node) string {
	return strings.NewReplacer("@DIR@", n.dir, "@NODEIP@", n.IP, "@CGROUPROOT@", n.CgroupRoot,
		"@DNS@", DNSServiceIP, "@DOMAIN@", ClusterDomain).Replace(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: @NODEIP@
port: 10250
readOnlyPort: 0
healthzBindAddress: @NODEIP@
healthzPort: 10248
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
containerRuntimeEndpoint: unix://@DIR@/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: @CGROUPROOT@
failCgroupV1: false
failSwapOn: false
clusterDNS: [@DNS@]
clusterDomain: @DOMAIN@
resolvConf: @DIR@/resolv.conf
podLogsDir: @DIR@/pod-logs
serializeImagePulls: false
imageGCHighThresholdPercent: 100
evictionHard:
  nodefs.available: "0%"
  nodefs.inodesFree: "0%"
  imagefs.available: "0%"
`)
}
