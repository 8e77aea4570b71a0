//go:build linux

package nodes

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	certificates  = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "certificates"}
	issuers       = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "issuers"}
	clusterIssuer = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "clusterissuers"}
)

// A testCA is a certificate authority the test makes, standing in for the
// CA that a cert-manager CA Issuer signs with.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  []byte
}

// newCA makes a CA with the common name.
func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(t), Subject: pkix.Name{CommonName: name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func serial(t *testing.T) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// pool is a pool holding the CA alone.
func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// An issued certificate: the Certificate object it was issued for, and
// the leaf.
type issued struct {
	name       string // the Certificate's
	secretName string
	dnsNames   []string
	cert       *x509.Certificate
}

// issueCertificates does what cert-manager's CA issuer does for every
// Certificate in the namespace, which must hold at least one: it makes sure
// the Issuer (or ClusterIssuer) the Certificate names exists, as a CA issuer
// whose Secret holds the test's CA, signs a certificate for the
// Certificate's names, usages and key algorithm, and writes the Secret the
// Certificate names, with tls.crt, tls.key and ca.crt, as a
// kubernetes.io/tls Secret.
func issueCertificates(t *testing.T, ctx context.Context, ns string, ca *testCA) []issued {
	t.Helper()
	list, err := c.Dynamic.Resource(certificates).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) == 0 {
		t.Fatalf("no cert-manager Certificate in %s", ns)
	}
	var out []issued
	for _, crt := range list.Items {
		ensureIssuer(t, ctx, ns, &crt, ca)
		out = append(out, issue(t, ctx, ns, &crt, ca))
	}
	return out
}

// ensureIssuer creates the CA issuer the Certificate refers to, with the
// CA's Secret, unless it exists.
func ensureIssuer(t *testing.T, ctx context.Context, ns string, crt *unstructured.Unstructured, ca *testCA) {
	t.Helper()
	ref, _, _ := unstructured.NestedStringMap(crt.Object, "spec", "issuerRef")
	if g := ref["group"]; g != "" && g != "cert-manager.io" {
		t.Fatalf("Certificate %s: issuer group %q; the test plays cert-manager's CA issuer", crt.GetName(), g)
	}
	kind, res, secretNS := ref["kind"], c.Dynamic.Resource(issuers).Namespace(ns), ns
	switch kind {
	case "", "Issuer":
		kind = "Issuer"
	case "ClusterIssuer":
		// A ClusterIssuer's Secret lives in cert-manager's namespace.
		res, secretNS = c.Dynamic.Resource(clusterIssuer), "cert-manager"
		if _, err := c.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: secretNS}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	default:
		t.Fatalf("Certificate %s: issuer kind %q", crt.GetName(), kind)
	}
	secret := ref["name"] + "-ca"
	writeSecret(t, ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secret, Namespace: secretNS},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: ca.pem, corev1.TLSPrivateKeyKey: encodeKey(t, ca.key, "PKCS8"), "ca.crt": ca.pem},
	})
	issuer := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cert-manager.io/v1", "kind": kind,
		"metadata": map[string]any{"name": ref["name"]},
		"spec":     map[string]any{"ca": map[string]any{"secretName": secret}},
	}}
	if _, err := res.Create(ctx, issuer, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating the %s %s: %v", kind, ref["name"], err)
	}
}

// issue signs a certificate for the Certificate and writes its Secret.
func issue(t *testing.T, ctx context.Context, ns string, crt *unstructured.Unstructured, ca *testCA) issued {
	t.Helper()
	spec, _, _ := unstructured.NestedMap(crt.Object, "spec")
	str := func(fields ...string) string { s, _, _ := unstructured.NestedString(spec, fields...); return s }
	list := func(field string) []string { s, _, _ := unstructured.NestedStringSlice(spec, field); return s }
	secretName := str("secretName")
	if secretName == "" {
		t.Fatalf("Certificate %s has no secretName", crt.GetName())
	}
	key := privateKey(t, str("privateKey", "algorithm"), spec)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: str("commonName")},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: list("dnsNames"),
	}
	for _, a := range list("ipAddresses") {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(a))
	}
	usages := list("usages")
	if len(usages) == 0 {
		usages = []string{"digital signature", "key encipherment"}
	}
	for _, u := range usages {
		switch u {
		case "digital signature":
			tmpl.KeyUsage |= x509.KeyUsageDigitalSignature
		case "key encipherment":
			tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
		case "server auth":
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		case "client auth":
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
		default:
			t.Fatalf("Certificate %s: usage %q, which the test's issuer does not know", crt.GetName(), u)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	encoding := str("privateKey", "encoding")
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: ns},
		Type:       corev1.SecretTypeTLS,
		Data: map[string][]byte{
			corev1.TLSCertKey:       pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
			corev1.TLSPrivateKeyKey: encodeKey(t, key, encoding),
			"ca.crt":                ca.pem,
		},
	}
	if tmplLabels, ok, _ := unstructured.NestedStringMap(spec, "secretTemplate", "labels"); ok {
		s.Labels = tmplLabels
	}
	if tmplAnnotations, ok, _ := unstructured.NestedStringMap(spec, "secretTemplate", "annotations"); ok {
		s.Annotations = tmplAnnotations
	}
	writeSecret(t, ctx, s)
	return issued{name: crt.GetName(), secretName: secretName, dnsNames: tmpl.DNSNames, cert: leaf}
}

// privateKey makes a key of the algorithm and size the Certificate asks
// for, with cert-manager's defaults (RSA 2048, ECDSA P-256).
func privateKey(t *testing.T, algorithm string, spec map[string]any) crypto.Signer {
	t.Helper()
	size, _, _ := unstructured.NestedInt64(spec, "privateKey", "size")
	var key crypto.Signer
	var err error
	switch algorithm {
	case "", "RSA":
		if size == 0 {
			size = 2048
		}
		key, err = rsa.GenerateKey(rand.Reader, int(size))
	case "ECDSA":
		curve := map[int64]elliptic.Curve{0: elliptic.P256(), 256: elliptic.P256(), 384: elliptic.P384(), 521: elliptic.P521()}[size]
		if curve == nil {
			t.Fatalf("ECDSA key size %d", size)
		}
		key, err = ecdsa.GenerateKey(curve, rand.Reader)
	case "Ed25519":
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		t.Fatalf("private key algorithm %q, which the test's issuer does not make", algorithm)
	}
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// encodeKey writes the key as cert-manager does: PKCS#1 (RSA) or SEC 1
// (ECDSA) unless the encoding is PKCS8, which Ed25519 keys always are.
func encodeKey(t *testing.T, key crypto.Signer, encoding string) []byte {
	t.Helper()
	var block *pem.Block
	var err error
	switch k := key.(type) {
	case *rsa.PrivateKey:
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
	case *ecdsa.PrivateKey:
		block = &pem.Block{Type: "EC PRIVATE KEY"}
		block.Bytes, err = x509.MarshalECPrivateKey(k)
	}
	if encoding == "PKCS8" || block == nil {
		block = &pem.Block{Type: "PRIVATE KEY"}
		block.Bytes, err = x509.MarshalPKCS8PrivateKey(key)
	}
	if err != nil || block == nil {
		t.Fatalf("encoding a %T: %v", key, err)
	}
	return pem.EncodeToMemory(block)
}

// writeSecret creates the Secret, or replaces it.
func writeSecret(t *testing.T, ctx context.Context, s *corev1.Secret) {
	t.Helper()
	secrets := c.Client.CoreV1().Secrets(s.Namespace)
	_, err := secrets.Create(ctx, s, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
	}
	if err != nil {
		t.Fatalf("writing Secret %s/%s: %v", s.Namespace, s.Name, err)
	}
}
