package build

import (
	"encoding/json"

	"github.com/stsgen/stsgen/generator/internal/spec"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// A Certificate is cert-manager's cert-manager.io/v1 Certificate, with the
// fields stsgen writes, as its CRD's openAPI schema names them (stsgen does
// not import cert-manager).
type Certificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              CertificateSpec `json:"spec"`
}

// CertificateSpec is the Certificate's spec.
type CertificateSpec struct {
	SecretName  string                   `json:"secretName"`
	IssuerRef   spec.IssuerRef           `json:"issuerRef"`
	CommonName  string                   `json:"commonName,omitempty"`
	DNSNames    []string                 `json:"dnsNames,omitempty"`
	IPAddresses []string                 `json:"ipAddresses,omitempty"`
	Duration    string                   `json:"duration,omitempty"`
	RenewBefore string                   `json:"renewBefore,omitempty"`
	PrivateKey  *spec.PrivateKey         `json:"privateKey,omitempty"`
	Usages      []string                 `json:"usages,omitempty"`
	Subject     *spec.CertificateSubject `json:"subject,omitempty"`
}

// DeepCopyObject makes Certificate a runtime.Object.
func (c *Certificate) DeepCopyObject() runtime.Object {
	if c == nil {
		return nil
	}
	data, _ := json.Marshal(c)
	out := &Certificate{}
	_ = json.Unmarshal(data, out)
	return out
}

// certificate asks cert-manager for the members' certificate, with the
// names the spec derives; nil without tls.
func certificate(s *spec.Spec) *Certificate {
	t := s.TLS
	if t == nil {
		return nil
	}
	key := t.PrivateKey
	return &Certificate{
		TypeMeta:   metav1.TypeMeta{APIVersion: "cert-manager.io/v1", Kind: "Certificate"},
		ObjectMeta: objectMeta(s, spec.CertificateName(s), nil),
		Spec: CertificateSpec{
			SecretName:  t.SecretName,
			IssuerRef:   t.Issuer,
			CommonName:  t.CommonName,
			DNSNames:    s.CertificateDNSNames(),
			IPAddresses: t.IPAddresses,
			Duration:    t.Duration,
			RenewBefore: t.RenewBefore,
			PrivateKey:  &key,
			Usages:      t.Usages,
			Subject:     t.Subject,
		},
	}
}
