//go:build linux

package cluster

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// A ControlPlane is etcd, kube-apiserver and kube-controller-manager, run
// as processes on 127.0.0.1 in a temporary directory, and whatever else the
// cluster starts beside them.
type ControlPlane struct {
	// Dir holds the components' files and logs.
	Dir string
	// Kubeconfig is the path of a kubeconfig for a cluster admin.
	Kubeconfig string
	Config     *rest.Config
	Client     kubernetes.Interface
	Dynamic    dynamic.Interface

	bin        string
	mu         sync.Mutex
	components []*component // in start order
	stopOnce   sync.Once
}

// ControlPlaneOptions say what to run.
type ControlPlaneOptions struct {
	// Bin is the directory holding the binaries e2e/install built.
	Bin string
	// Dir, if set, is the directory to work in; it is created, and removed
	// by Stop. Otherwise a temporary directory is made.
	Dir string
	// Controllers are the kube-controller-manager controllers to run.
	Controllers []string
	// APIServerArgs and ControllerManagerArgs are added to the defaults.
	APIServerArgs, ControllerManagerArgs []string
}

// StartControlPlane starts the three components and waits until the API
// server is ready. On error, whatever started is stopped again.
func StartControlPlane(ctx context.Context, opts ControlPlaneOptions) (cp *ControlPlane, err error) {
	dir := opts.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "stsgen-e2e-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cp = &ControlPlane{Dir: dir, bin: opts.Bin}
	defer func() {
		if err != nil {
			cp.Stop()
			cp = nil
		}
	}()

	ports, err := freePorts(3)
	if err != nil {
		return cp, err
	}
	etcdClient, etcdPeer, apiPort := ports[0], ports[1], ports[2]

	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClient)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeer)
	etcd, err := cp.start("etcd", nil,
		"--name", "e2e",
		"--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL,
		"--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL,
		"--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "e2e="+peerURL,
		// The data is thrown away with the directory; skip the fsyncs.
		"--unsafe-no-fsync",
		"--log-level", "warn",
	)
	if err != nil {
		return cp, err
	}
	if err := waitHTTP(ctx, etcd, etcdURL+"/health", nil, ""); err != nil {
		return cp, err
	}

	token, err := cp.credentials()
	if err != nil {
		return cp, err
	}
	apiURL := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	apiserver, err := cp.start("kube-apiserver", nil, append([]string{
		"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1",
		"--advertise-address", "127.0.0.1",
		"--secure-port", fmt.Sprint(apiPort),
		"--cert-dir", filepath.Join(dir, "certs"),
		"--token-auth-file", filepath.Join(dir, "tokens.csv"),
		"--authorization-mode", "RBAC",
		"--service-cluster-ip-range", ServiceCIDR,
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-account-key-file", filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file", filepath.Join(dir, "sa.key"),
		// Without a controller creating the default ServiceAccount in each
		// namespace, this plugin would refuse every pod; the pods need no
		// token, as nothing in them talks to the API.
		"--disable-admission-plugins", "ServiceAccount",
		// The kubernetes Service cannot point at a loopback address.
		"--endpoint-reconciler-type", "none",
		// As kubeadm and the managed clusters set it: privileged
		// containers are a matter of admission (Pod Security), not of
		// the server's validation.
		"--allow-privileged=true",
		"--profiling=false",
	}, opts.APIServerArgs...)...)
	if err != nil {
		return cp, err
	}
	if err := waitHTTP(ctx, apiserver, apiURL+"/readyz", &tls.Config{InsecureSkipVerify: true}, token); err != nil {
		return cp, err
	}

	cp.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(cp.Kubeconfig, []byte(fmt.Sprintf(kubeconfigTemplate, apiURL, token)), 0o600); err != nil {
		return cp, err
	}
	if _, err := cp.start("kube-controller-manager", nil, append([]string{
		"--kubeconfig", cp.Kubeconfig,
		"--controllers", strings.Join(opts.Controllers, ","),
		"--leader-elect=false",
		"--secure-port", "0",
		"--concurrent-statefulset-syncs", "10",
		"--profiling=false",
	}, opts.ControllerManagerArgs...)...); err != nil {
		return cp, err
	}

	cp.Config = &rest.Config{
		Host:            apiURL,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true},
		QPS:             200,
		Burst:           400,
	}
	if cp.Client, err = kubernetes.NewForConfig(cp.Config); err != nil {
		return cp, err
	}
	if cp.Dynamic, err = dynamic.NewForConfig(cp.Config); err != nil {
		return cp, err
	}
	return cp, nil
}

// ServiceCIDR is the range the API server gives ClusterIPs from.
const ServiceCIDR = "10.96.0.0/16"

const kubeconfigTemplate = `apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: %s
contexts:
- name: e2e
  context: {cluster: e2e, user: admin}
current-context: e2e
`

// credentials writes the token file, whose one user is a cluster admin, and
// the service-account signing keys the API server insists on. It returns
// the token.
func (cp *ControlPlane) credentials() (string, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := hex.EncodeToString(raw)
	if err := os.WriteFile(filepath.Join(cp.Dir, "tokens.csv"), []byte(token+`,admin,admin,"system:masters"`+"\n"), 0o600); err != nil {
		return "", err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", err
	}
	files := map[string]*pem.Block{
		"sa.key": {Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)},
		"sa.pub": {Type: "PUBLIC KEY", Bytes: pub},
	}
	for name, block := range files {
		if err := os.WriteFile(filepath.Join(cp.Dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			return "", err
		}
	}
	return token, nil
}

// start starts the binary name from the install directory with args, its
// output going to name.log in Dir, and stops it with the others. env, if
// not nil, replaces the environment.
func (cp *ControlPlane) start(name string, env []string, args ...string) (*component, error) {
	return cp.startAs(name, name, env, args...)
}

// startAs starts binary as a component called name.
func (cp *ControlPlane) startAs(name, binary string, env []string, args ...string) (*component, error) {
	c, err := startProcess(cp.Dir, name, filepath.Join(cp.bin, binary), env, args...)
	if err != nil {
		return nil, err
	}
	cp.mu.Lock()
	cp.components = append(cp.components, c)
	cp.mu.Unlock()
	return c, nil
}

// Stop stops the components in reverse start order, so that the API server
// never waits for an etcd that is gone, and removes the directory unless
// STSGEN_E2E_KEEP is set.
func (cp *ControlPlane) Stop() {
	cp.stopOnce.Do(func() {
		cp.stopComponents()
		if os.Getenv("STSGEN_E2E_KEEP") != "" {
			fmt.Fprintf(os.Stderr, "e2e: cluster files kept in %s\n", cp.Dir)
			return
		}
		os.RemoveAll(cp.Dir)
	})
}

// stopComponents stops every component still running, last started first.
func (cp *ControlPlane) stopComponents() {
	cp.mu.Lock()
	components := cp.components
	cp.mu.Unlock()
	for i := len(components) - 1; i >= 0; i-- {
		components[i].stop(20 * time.Second)
	}
}

// Exited reports a component that is no longer running.
func (cp *ControlPlane) Exited() error {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, c := range cp.components {
		if err := c.exited(); err != nil {
			return err
		}
	}
	return nil
}

// LogTails returns the last n lines of every component's log.
func (cp *ControlPlane) LogTails(n int) string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	var b strings.Builder
	for _, c := range cp.components {
		fmt.Fprintf(&b, "--- %s (last %d lines of %s)\n%s", c.name, n, c.log, tail(c.log, n))
	}
	return b.String()
}
