//go:build linux

package nodes

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// TestEtcd runs examples/etcd as generated, on a node pool of its own (the
// nodes labelled and tainted as the example asks) with its priority class.
// Its certificate comes from the cert-manager Certificate stsgen writes,
// issued by the test as cert-manager's CA issuer would: the members form
// the cluster over TLS by their names, every name a member advertises is
// one the certificate covers, each member serves the issued certificate
// and refuses a peer without one, clients reach the members by the read
// Service's name, and a write on one is read on another.
func TestEtcd(t *testing.T) {
	ctx := testContext(t, 10*time.Minute)
	ex := compileExample(t, "etcd", "etcd", nil)
	ns := ex.namespace

	// The pool: every node, labelled and tainted for etcd alone.
	for _, n := range c.Nodes {
		patch := `{"metadata":{"labels":{"node-pool":"etcd"}},"spec":{"taints":[{"key":"dedicated","value":"etcd","effect":"NoExecute"}]}}`
		if _, err := c.Client.CoreV1().Nodes().Patch(ctx, n.Name, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			undo := `{"metadata":{"labels":{"node-pool":null}},"spec":{"taints":null}}`
			if _, err := c.Client.CoreV1().Nodes().Patch(context.Background(), n.Name, types.StrategicMergePatchType, []byte(undo), metav1.PatchOptions{}); err != nil {
				t.Errorf("restoring node %s: %v", n.Name, err)
			}
		})
	}
	pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "etcd-critical"}, Value: 1000000}
	if _, err := c.Client.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	// The members wait for their certificate's Secret, which the test,
	// as the Certificate's issuer, writes once it sees the Certificate.
	applyExample(t, ctx, ex, nil)
	ca := newCA(t, "e2e etcd CA")
	certs := issueCertificates(t, ctx, ns, ca)
	if len(certs) != 1 {
		t.Fatalf("%d Certificates, want 1", len(certs))
	}
	crt := certs[0]
	waitExample(t, ctx, ex)
	tlsSecret, err := c.Client.CoreV1().Secrets(ns).Get(ctx, crt.secretName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A client certificate signed by the same CA: what a peer presents.
	peerCert, err := tls.X509KeyPair(tlsSecret.Data[corev1.TLSCertKey], tlsSecret.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		t.Fatal(err)
	}

	fqdn := func(i int) string { return fmt.Sprintf("etcd-%d.etcd-hs.%s.svc.cluster.local", i, ns) }
	// client connects to addr, checking the certificate against the
	// CA for serverName.
	client := func(serverName string, roots *x509.CertPool, certs ...tls.Certificate) *http.Client {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: serverName, Certificates: certs}}
		return &http.Client{Transport: tr, Timeout: 10 * time.Second}
	}
	memberURL := func(i int, port string) string {
		return "https://" + net.JoinHostPort(pod(t, ctx, ns, fmt.Sprintf("etcd-%d", i)).Status.PodIP, port)
	}
	call := func(cl *http.Client, url, method, path string, body any) (map[string]any, error) {
		var in io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			in = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, url+path, in)
		if err != nil {
			return nil, err
		}
		resp, err := cl.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return nil, fmt.Errorf("%s %s: %s: %v", method, path, resp.Status, err)
		}
		if resp.StatusCode != http.StatusOK {
			return out, fmt.Errorf("%s %s: %s: %v", method, path, resp.Status, out)
		}
		return out, nil
	}
	onMember := func(i int, method, path string, body any) (map[string]any, error) {
		return call(client(fqdn(i), ca.pool()), memberURL(i, "2379"), method, path, body)
	}

	// What etcdctl endpoint health asks each member, checked against the
	// CA by the member's own name.
	for i := range 3 {
		eventually(t, ctx, fmt.Sprintf("etcd-%d healthy", i), time.Minute, func(context.Context) error {
			out, err := onMember(i, http.MethodGet, "/health", nil)
			if err != nil || out["health"] != "true" {
				return fmt.Errorf("%v (%v)", out, err)
			}
			return nil
		})
	}
	// Three members, each started: each joined the others over the peer
	// URLs it advertises, https by its name, which the certificate
	// covers, as it covers the client URLs.
	list, err := onMember(0, http.MethodPost, "/v3/cluster/member/list", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	members, _ := list["members"].([]any)
	if len(members) != 3 {
		t.Errorf("member list: %v", list)
	}
	for _, m := range members {
		m, _ := m.(map[string]any)
		if m["name"] == "" || m["name"] == nil {
			t.Errorf("member %v has not started", m)
		}
		for _, field := range []string{"peerURLs", "clientURLs"} {
			urls, _ := m[field].([]any)
			if len(urls) == 0 {
				t.Errorf("member %v: no %s", m["name"], field)
			}
			for _, u := range urls {
				u, err := url.Parse(fmt.Sprint(u))
				if err != nil || u.Scheme != "https" {
					t.Errorf("member %v: %s %v is not https (%v)", m["name"], field, u, err)
					continue
				}
				if err := crt.cert.VerifyHostname(u.Hostname()); err != nil {
					t.Errorf("member %v: %s %v: %v", m["name"], field, u, err)
				}
			}
		}
	}
	for i := range 3 {
		// Each member serves the certificate the test issued, on both
		// ports.
		for _, port := range []string{"2379", "2380"} {
			addr := strings.TrimPrefix(memberURL(i, port), "https://")
			conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.pool(), ServerName: fqdn(i), Certificates: []tls.Certificate{peerCert}})
			if err != nil {
				t.Errorf("etcd-%d:%s: %v", i, port, err)
				continue
			}
			if got := conn.ConnectionState().PeerCertificates[0]; !got.Equal(crt.cert) {
				t.Errorf("etcd-%d:%s serves a certificate for %v, not the one issued", i, port, got.DNSNames)
			}
			conn.Close()
		}
		// The peer port asks for a client certificate from the CA
		// (--peer-client-cert-auth); etcd also checks that the
		// peer's address is one its certificate's names resolve to,
		// which the members passed, and the test's host cannot.
		if _, err := call(client(fqdn(i), ca.pool()), memberURL(i, "2380"), http.MethodGet, "/members", nil); err == nil {
			t.Errorf("etcd-%d's peer port served a client without a certificate", i)
		} else {
			t.Logf("etcd-%d's peer port, without a client certificate: %v", i, err)
		}
		// A client that trusts another CA does not trust the member.
		if _, err := call(client(fqdn(i), newCA(t, "another CA").pool()), memberURL(i, "2379"), http.MethodGet, "/health", nil); err == nil {
			t.Errorf("etcd-%d: a client of another CA trusted it", i)
		}
	}
	// Clients reach the members through the read Service, by its name.
	svc, err := c.Client.CoreV1().Services(ns).Get(ctx, "etcd", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	viaService := "https://" + net.JoinHostPort(svc.Spec.ClusterIP, "2379")
	for _, name := range []string{"etcd." + ns + ".svc", "etcd." + ns + ".svc.cluster.local"} {
		if out, err := call(client(name, ca.pool()), viaService, http.MethodGet, "/health", nil); err != nil || out["health"] != "true" {
			t.Errorf("health through the Service as %s: %v (%v)", name, out, err)
		}
	}

	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	if _, err := onMember(1, http.MethodPost, "/v3/kv/put", map[string]string{"key": b64("e2e"), "value": b64("replicated")}); err != nil {
		t.Fatal(err)
	}
	got, err := onMember(2, http.MethodPost, "/v3/kv/range", map[string]string{"key": b64("e2e")})
	if err != nil {
		t.Fatal(err)
	}
	kvs, _ := got["kvs"].([]any)
	if len(kvs) != 1 || kvs[0].(map[string]any)["value"] != b64("replicated") {
		t.Errorf("range on etcd-2: %v", got)
	}
	// One member per node.
	nodes := map[string]bool{}
	for i := range 3 {
		nodes[pod(t, ctx, ns, fmt.Sprintf("etcd-%d", i)).Spec.NodeName] = true
	}
	if len(nodes) != 3 {
		t.Errorf("members on nodes %v", nodes)
	}
}
