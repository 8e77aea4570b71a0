//go:build linux

package nodes

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// TestEtcd runs examples/etcd as generated, on a node pool of its own (the
// nodes labelled and tainted as the example asks) with its priority class
// and a certificate: every member reports itself healthy over TLS, the
// cluster has the three members, and a write on one is read on another.
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
	ca, certPEM, keyPEM := etcdCertificate(t, ns)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	deploy(t, ctx, ex, map[string]map[string]string{
		"etcd-tls": {corev1.TLSCertKey: string(certPEM), corev1.TLSPrivateKeyKey: string(keyPEM), "ca.crt": string(caPEM)},
	})

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	member := func(i int) (url string, client *http.Client) {
		name := fmt.Sprintf("etcd-%d", i)
		ip := pod(t, ctx, ns, name).Status.PodIP
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: name + ".etcd-hs." + ns + ".svc.cluster.local"}}
		return "https://" + net.JoinHostPort(ip, "2379"), &http.Client{Transport: tr, Timeout: 10 * time.Second}
	}
	call := func(i int, method, path string, body any) (map[string]any, error) {
		url, client := member(i)
		var in io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			in = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, url+path, in)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
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

	// What etcdctl endpoint health asks each member, checked against the
	// certificate by the member's own name.
	for i := range 3 {
		eventually(t, ctx, fmt.Sprintf("etcd-%d healthy", i), time.Minute, func(context.Context) error {
			out, err := call(i, http.MethodGet, "/health", nil)
			if err != nil || out["health"] != "true" {
				return fmt.Errorf("%v (%v)", out, err)
			}
			return nil
		})
	}
	list, err := call(0, http.MethodPost, "/v3/cluster/member/list", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if members, _ := list["members"].([]any); len(members) != 3 {
		t.Errorf("member list: %v", list)
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	if _, err := call(1, http.MethodPost, "/v3/kv/put", map[string]string{"key": b64("e2e"), "value": b64("replicated")}); err != nil {
		t.Fatal(err)
	}
	got, err := call(2, http.MethodPost, "/v3/kv/range", map[string]string{"key": b64("e2e")})
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

// etcdCertificate makes a CA and a certificate for the members, for server
// and client auth, with the names the example says it needs.
func etcdCertificate(t *testing.T, ns string) (ca *x509.Certificate, certPEM, keyPEM []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e etcd CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	if ca, err = x509.ParseCertificate(caDER); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "etcd"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames: []string{
			"*.etcd-hs." + ns + ".svc.cluster.local", "etcd." + ns + ".svc", "etcd." + ns + ".svc.cluster.local",
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}
