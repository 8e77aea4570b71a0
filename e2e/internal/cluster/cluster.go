//go:build linux

package cluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
)

// The cluster's addresses. Node N's pods get 10.244.N.0/24 on its bridge,
// whose address 10.244.N.1 is also the node's: its kubelet listens there,
// and the pods' hostIP is their own node's. CoreDNS listens on DNSAddress,
// on an interface of its own on the host, behind the kube-dns Service at
// DNSServiceIP.
const (
	ClusterCIDR   = "10.244.0.0/16"
	DNSAddress    = "10.244.0.10"
	DNSServiceIP  = "10.96.0.10"
	ClusterDomain = "cluster.local"
	dnsLink       = "e2e-dns"
)

// Zones are the topology.kubernetes.io/zone labels of nodes 1, 2, 3, ...
// taken in turn.
var Zones = []string{"zone-a", "zone-b", "zone-c"}

// realControllers are what a cluster's controller manager runs for
// StatefulSets and their neighbours: pods and claims, budgets, Services'
// EndpointSlices, claims binding to volumes and the protection of both,
// owners' garbage, namespaces going away, nodes going NotReady, the
// eviction of their pods and the pods that outlive them; and for an app's
// bootstrap Job, the Job's pods and its removal once its TTL has passed.
var realControllers = []string{
	"statefulset-controller", "disruption-controller", "endpointslice-controller",
	"job-controller", "ttl-after-finished-controller",
	"persistentvolume-binder-controller", "persistentvolume-protection-controller",
	"persistentvolumeclaim-protection-controller", "garbage-collector-controller",
	"namespace-controller", "node-lifecycle-controller", "taint-eviction-controller",
	"pod-garbage-collector-controller",
}

// A Cluster is a control plane with a scheduler, kube-proxy, CoreDNS, an
// image registry, a volume provisioner and real nodes.
type Cluster struct {
	*ControlPlane
	Nodes    []*Node
	Registry *Registry

	bin     string
	lock    *os.File
	before  *machineState
	proxy   *component
	cancel  context.CancelFunc // stops the harness's own goroutines
	stopMu  sync.Mutex
	stopErr error
	stopped bool
}

// A Node is one kubelet and its containerd.
type Node struct {
	Name string
	Zone string
	// IP is the node's address, its bridge's.
	IP string
	// Subnet is the range its pods' addresses come from.
	Subnet string
	// CgroupRoot is the cgroup, in every hierarchy, its pods live under.
	CgroupRoot string

	dir        string
	bridge     string
	socket     string
	containerd *component
	kubelet    *component
}

// Options say how to build the cluster.
type Options struct {
	// Bin is the directory e2e/install --nodes filled.
	Bin string
	// Nodes is the number of nodes, at most 200.
	Nodes int
	// Module is the directory of the e2e module, where the pause image is
	// built from.
	Module string
}

// LockFile is where runs of real clusters on one machine queue: they would
// collide on bridges, addresses, iptables rules and cgroups.
const LockFile = "/run/stsgen-e2e-nodes.lock"

// Start takes the machine's lock, starts a cluster and waits until every
// node is Ready and cluster DNS answers. On error, whatever started is torn
// down again.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	if opts.Nodes < 1 || opts.Nodes > 200 {
		return nil, fmt.Errorf("%d nodes: want 1 to 200", opts.Nodes)
	}
	for _, tool := range []string{"runc", "ip", "iptables"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s is not installed; e2e/install --nodes installs it: %w", tool, err)
		}
	}
	lock, err := lockMachine(ctx)
	if err != nil {
		return nil, err
	}
	c = &Cluster{lock: lock, bin: opts.Bin}
	defer func() {
		if err != nil {
			if stopErr := c.Stop(context.Background()); stopErr != nil {
				err = fmt.Errorf("%w; tearing down: %v", err, stopErr)
			}
			c = nil
		}
	}()
	if problems := sweepStale(opts.Bin); len(problems) > 0 {
		return c, fmt.Errorf("an interrupted run left the machine changed:\n  %s", strings.Join(problems, "\n  "))
	}
	if c.before, err = snapshotMachine(); err != nil {
		return c, err
	}
	dir, err := os.MkdirTemp("", runDirPattern)
	if err != nil {
		return c, err
	}
	if err := saveMachine(dir, c.before); err != nil {
		return c, err
	}
	// The control plane's directory is the run's: Stop removes it, and the
	// components' logs sit beside the nodes'.
	c.ControlPlane = &ControlPlane{Dir: dir}
	if err := os.WriteFile(sysctlPath("net.ipv4.ip_forward"), []byte("1"), 0o644); err != nil {
		return c, err
	}
	if c.Registry, err = startRegistry(filepath.Join(dir, "registry.log")); err != nil {
		return c, err
	}
	pause, err := GoImage(ctx, opts.Module, "./internal/cluster/pause")
	if err != nil {
		return c, err
	}
	if err := c.Registry.Push(ctx, map[string]v1.Image{PauseImage: pause}); err != nil {
		return c, err
	}

	cp, err := StartControlPlane(ctx, ControlPlaneOptions{
		Bin:         opts.Bin,
		Dir:         dir,
		Controllers: realControllers,
		APIServerArgs: []string{
			// The kubelets' hostnames resolve nowhere; their addresses
			// do.
			"--kubelet-preferred-address-types", "InternalIP",
		},
		ControllerManagerArgs: []string{
			"--cluster-cidr", ClusterCIDR,
			// A node whose kubelet stopped is NotReady soon, and its
			// pods are evicted without the five minutes' wait.
			"--node-monitor-grace-period", "20s",
		},
	})
	if err != nil {
		return c, err
	}
	c.ControlPlane = cp

	runCtx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	if err := startProvisioner(runCtx, cp.Client, filepath.Join(dir, "volumes")); err != nil {
		return c, err
	}
	if _, err := cp.start("kube-scheduler", nil,
		"--kubeconfig", cp.Kubeconfig,
		"--leader-elect=false",
		"--secure-port", "0",
		"--profiling=false",
	); err != nil {
		return c, err
	}
	if err := c.startDNS(ctx); err != nil {
		return c, err
	}
	for i := 1; i <= opts.Nodes; i++ {
		n, err := c.startNode(ctx, i)
		if err != nil {
			return c, err
		}
		c.Nodes = append(c.Nodes, n)
	}
	if err := c.startProxy(); err != nil {
		return c, err
	}
	if err := c.waitNodesReady(ctx); err != nil {
		return c, err
	}
	// The kubelet ignores a field of its configuration it does not know,
	// and says so only in its log.
	for _, n := range c.Nodes {
		if log := tail(n.kubelet.log, 1000); strings.Contains(log, "strict decoding error") {
			return c, fmt.Errorf("%s's kubelet does not understand its configuration:\n%s", n.Name, log)
		}
	}
	return c, nil
}

// lockMachine takes LockFile, waiting for another run to finish.
func lockMachine(ctx context.Context) (*os.File, error) {
	f, err := os.OpenFile(LockFile, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		return f, nil
	}
	fmt.Fprintf(os.Stderr, "e2e: another real-node cluster runs on this machine; waiting for %s\n", LockFile)
	done := make(chan error, 1)
	go func() { done <- syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	case <-ctx.Done():
		// Closing the file ends the wait, or drops the lock just taken.
		f.Close()
		return nil, ctx.Err()
	}
}

// startDNS starts CoreDNS on an interface of its own on the host and publishes it
// as the kube-dns Service, through which the pods reach it.
func (c *Cluster) startDNS(ctx context.Context) error {
	// A bridge without ports, rather than a dummy interface: machines
	// without the dummy module have bridges, as the nodes need them.
	if err := ip("link", "add", dnsLink, "type", "bridge"); err != nil {
		return err
	}
	if err := ip("addr", "add", DNSAddress+"/32", "dev", dnsLink); err != nil {
		return err
	}
	if err := ip("link", "set", dnsLink, "up"); err != nil {
		return err
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	corefile := filepath.Join(c.Dir, "Corefile")
	if err := os.WriteFile(corefile, []byte(fmt.Sprintf(`.:53 {
    bind %s
    errors
    health 127.0.0.1:%d
    ready 127.0.0.1:%d
    kubernetes %s in-addr.arpa ip6.arpa {
        kubeconfig %s e2e
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
    forward . /etc/resolv.conf
}
`, DNSAddress, ports[0], ports[1], ClusterDomain, c.Kubeconfig)), 0o644); err != nil {
		return err
	}
	dns, err := c.start("coredns", nil, "-conf", corefile)
	if err != nil {
		return err
	}
	if err := waitHTTP(ctx, dns, fmt.Sprintf("http://127.0.0.1:%d/ready", ports[1]), nil, ""); err != nil {
		return err
	}

	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-dns", Namespace: metav1.NamespaceSystem, Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec: corev1.ServiceSpec{
			ClusterIP: DNSServiceIP,
			Ports: []corev1.ServicePort{
				{Name: "dns", Protocol: corev1.ProtocolUDP, Port: 53, TargetPort: intstr.FromInt32(53)},
				{Name: "dns-tcp", Protocol: corev1.ProtocolTCP, Port: 53, TargetPort: intstr.FromInt32(53)},
			},
		},
	}
	if _, err := c.Client.CoreV1().Services(svc.Namespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		return err
	}
	// The Service has no selector: this slice, which no controller
	// manages, is its one endpoint.
	port := int32(53)
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-dns-host", Namespace: svc.Namespace, Labels: map[string]string{
			discoveryv1.LabelServiceName: svc.Name,
			discoveryv1.LabelManagedBy:   "stsgen-e2e",
		}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{DNSAddress}, Conditions: discoveryv1.EndpointConditions{Ready: new(true)}}},
		Ports: []discoveryv1.EndpointPort{
			{Name: new("dns"), Protocol: new(corev1.ProtocolUDP), Port: &port},
			{Name: new("dns-tcp"), Protocol: new(corev1.ProtocolTCP), Port: &port},
		},
	}
	_, err = c.Client.DiscoveryV1().EndpointSlices(svc.Namespace).Create(ctx, slice, metav1.CreateOptions{})
	return err
}

// startProxy starts the one kube-proxy: the nodes share the host's network
// namespace, so one set of rules serves them all.
func (c *Cluster) startProxy() error {
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	c.proxy, err = c.start("kube-proxy", nil, c.proxyArgs(
		"--healthz-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"--hostname-override", c.Nodes[0].Name,
		"--cluster-cidr", ClusterCIDR,
		// Leave the machine's conntrack table and timeouts, and
		// route_localnet, as they are.
		"--conntrack-max-per-core", "0",
		"--conntrack-tcp-timeout-established", "0",
		"--conntrack-tcp-timeout-close-wait", "0",
		"--iptables-localhost-nodeports=false",
	)...)
	return err
}

func (c *Cluster) proxyArgs(args ...string) []string {
	return append([]string{"--kubeconfig", c.Kubeconfig, "--proxy-mode", "iptables"}, args...)
}

// waitNodesReady waits until every node is registered and Ready.
func (c *Cluster) waitNodesReady(ctx context.Context) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		if err := c.Exited(); err != nil {
			return false, err
		}
		var waiting []string
		for _, n := range c.Nodes {
			node, err := c.Client.CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
			if err != nil {
				waiting = append(waiting, n.Name+": "+err.Error())
				continue
			}
			if !nodeReady(node) {
				waiting = append(waiting, n.Name+" not Ready")
			}
		}
		last = strings.Join(waiting, "; ")
		return len(waiting) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the nodes (%s): %w\n%s", last, err, c.LogTails(20))
	}
	return nil
}

func nodeReady(node *corev1.Node) bool {
	for _, cond := range node.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

// ip runs ip(8).
func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// nodeIP returns node i's address, the first of its subnet.
func nodeIP(i int) net.IP { return net.IPv4(10, 244, byte(i), 1) }
