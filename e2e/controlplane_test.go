//go:build linux

package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// A controlPlane is etcd, kube-apiserver and kube-controller-manager, run
// as processes on 127.0.0.1 in a temporary directory. There is no kubelet
// and no scheduler: the suite's fakeKubelet plays both.
type controlPlane struct {
	dir        string
	components []*component // in start order
	config     *rest.Config
	client     kubernetes.Interface
	dynamic    dynamic.Interface
	stopOnce   sync.Once
}

// A component is one running process and the file its output goes to.
type component struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the exit error, once done is closed
}

// controllers are the kube-controller-manager controllers the suite needs:
// the StatefulSet controller creates pods and claims, the disruption
// controller computes the budgets' status, and the EndpointSlice controller
// publishes the pods behind each Service.
var controllers = []string{"statefulset", "disruption", "endpointslice"}

// startControlPlane starts the three components from the binaries in bin
// and waits until the API server is ready. On error, whatever started is
// stopped again.
func startControlPlane(ctx context.Context, bin string) (cp *controlPlane, err error) {
	dir, err := os.MkdirTemp("", "stsgen-e2e-")
	if err != nil {
		return nil, err
	}
	cp = &controlPlane{dir: dir}
	defer func() {
		if err != nil {
			cp.stop()
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
	if err := cp.start(bin, "etcd",
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
	); err != nil {
		return cp, err
	}
	if err := waitHTTP(ctx, cp.components[0], etcdURL+"/health", nil, ""); err != nil {
		return cp, err
	}

	token, err := cp.credentials()
	if err != nil {
		return cp, err
	}
	apiURL := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	if err := cp.start(bin, "kube-apiserver",
		"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1",
		"--advertise-address", "127.0.0.1",
		"--secure-port", fmt.Sprint(apiPort),
		"--cert-dir", filepath.Join(dir, "certs"),
		"--token-auth-file", filepath.Join(dir, "tokens.csv"),
		"--authorization-mode", "RBAC",
		"--service-cluster-ip-range", "10.96.0.0/16",
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-account-key-file", filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file", filepath.Join(dir, "sa.key"),
		// Without a controller creating the default ServiceAccount in each
		// namespace, this plugin would refuse every pod.
		"--disable-admission-plugins", "ServiceAccount",
		// The kubernetes Service cannot point at a loopback address.
		"--endpoint-reconciler-type", "none",
		// As kubeadm and the managed clusters set it: privileged
		// containers are a matter of admission (Pod Security), not of
		// the server's validation.
		"--allow-privileged=true",
		"--profiling=false",
	); err != nil {
		return cp, err
	}
	if err := waitHTTP(ctx, cp.components[1], apiURL+"/readyz", &tls.Config{InsecureSkipVerify: true}, token); err != nil {
		return cp, err
	}

	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(fmt.Sprintf(kubeconfigTemplate, apiURL, token)), 0o600); err != nil {
		return cp, err
	}
	if err := cp.start(bin, "kube-controller-manager",
		"--kubeconfig", kubeconfig,
		"--controllers", strings.Join(controllers, ","),
		"--leader-elect=false",
		"--secure-port", "0",
		"--concurrent-statefulset-syncs", "10",
		"--profiling=false",
	); err != nil {
		return cp, err
	}

	cp.config = &rest.Config{
		Host:            apiURL,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true},
		QPS:             200,
		Burst:           400,
	}
	if cp.client, err = kubernetes.NewForConfig(cp.config); err != nil {
		return cp, err
	}
	if cp.dynamic, err = dynamic.NewForConfig(cp.config); err != nil {
		return cp, err
	}
	return cp, nil
}

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
func (cp *controlPlane) credentials() (string, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := hex.EncodeToString(raw)
	if err := os.WriteFile(filepath.Join(cp.dir, "tokens.csv"), []byte(token+`,admin,admin,"system:masters"`+"\n"), 0o600); err != nil {
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
		if err := os.WriteFile(filepath.Join(cp.dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			return "", err
		}
	}
	return token, nil
}

// start starts bin/name with args, its output going to name.log.
func (cp *controlPlane) start(bin, name string, args ...string) error {
	log := filepath.Join(cp.dir, name+".log")
	out, err := os.Create(log)
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Dir = cp.dir
	cmd.Stdout, cmd.Stderr = out, out
	// If the test binary dies without stopping the control plane (a
	// timeout panic, a kill), the kernel stops the components with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("starting %s: %w", name, err)
	}
	c := &component{name: name, log: log, cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		out.Close()
		close(c.done)
	}()
	cp.components = append(cp.components, c)
	return nil
}

// stop stops the components in reverse start order, so that the API server
// never waits for an etcd that is gone, and removes the directory unless
// STSGEN_E2E_KEEP is set.
func (cp *controlPlane) stop() {
	cp.stopOnce.Do(cp.stopAll)
}

func (cp *controlPlane) stopAll() {
	for i := len(cp.components) - 1; i >= 0; i-- {
		c := cp.components[i]
		c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			c.cmd.Process.Kill()
			<-c.done
		}
	}
	if os.Getenv("STSGEN_E2E_KEEP") != "" {
		fmt.Fprintf(os.Stderr, "e2e: control plane files kept in %s\n", cp.dir)
		return
	}
	os.RemoveAll(cp.dir)
}

// exited reports a component that is no longer running.
func (cp *controlPlane) exited() error {
	for _, c := range cp.components {
		select {
		case <-c.done:
			return fmt.Errorf("%s exited (%v); its log ends:\n%s", c.name, c.err, tail(c.log, 30))
		default:
		}
	}
	return nil
}

// logTails returns the last lines of every component's log.
func (cp *controlPlane) logTails(n int) string {
	var b strings.Builder
	for _, c := range cp.components {
		fmt.Fprintf(&b, "--- %s (last %d lines of %s)\n%s", c.name, n, c.log, tail(c.log, n))
	}
	return b.String()
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error() + "\n"
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 2*n {
			lines = lines[len(lines)-n:]
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// waitHTTP polls url until it answers 200, the component exits or a minute
// passes.
func waitHTTP(ctx context.Context, c *component, url string, tlsConfig *tls.Config, token string) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig}}
	deadline := time.Now().Add(time.Minute)
	var last string
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-c.done:
			return fmt.Errorf("%s exited (%v) before %s answered; its log ends:\n%s", c.name, c.err, url, tail(c.log, 30))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s: %s did not answer 200 within a minute (last: %s); its log ends:\n%s", c.name, url, last, tail(c.log, 30))
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	if len(ports) != n {
		return nil, errors.New("no free ports")
	}
	return ports, nil
}
