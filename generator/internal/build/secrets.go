package build

import (
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// ExternalSecret is the External Secrets Operator's ExternalSecret
// (external-secrets.io/v1), the fields stsgen writes, as its CRD names
// them: it fetches a Secret's keys from a secret store and creates the
// Secret.
type ExternalSecret struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              ExternalSecretSpec `json:"spec"`
}

type ExternalSecretSpec struct {
	RefreshInterval string               `json:"refreshInterval"`
	SecretStoreRef  SecretStoreRef       `json:"secretStoreRef"`
	Target          ExternalSecretTarget `json:"target"`
	Data            []ExternalSecretData `json:"data"`
}

type SecretStoreRef struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type ExternalSecretTarget struct {
	Name           string                  `json:"name"`
	CreationPolicy string                  `json:"creationPolicy"`
	DeletionPolicy string                  `json:"deletionPolicy"`
	Template       *ExternalSecretTemplate `json:"template,omitempty"`
}

// ExternalSecretTemplate sets the type of the Secret; without data of its
// own, the operator keeps the fetched keys as they are.
type ExternalSecretTemplate struct {
	Type     corev1.SecretType              `json:"type"`
	Metadata ExternalSecretTemplateMetadata `json:"metadata"`
}

type ExternalSecretTemplateMetadata struct {
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type ExternalSecretData struct {
	SecretKey string               `json:"secretKey"`
	RemoteRef ExternalSecretRemote `json:"remoteRef"`
}

type ExternalSecretRemote struct {
	Key      string `json:"key"`
	Property string `json:"property,omitempty"`
}

// DeepCopyObject makes ExternalSecret a runtime.Object, as the objects
// of k8s.io/api are.
func (e *ExternalSecret) DeepCopyObject() runtime.Object {
	out := *e
	e.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Spec.Data = slices.Clone(e.Spec.Data)
	if t := e.Spec.Target.Template; t != nil {
		c := *t
		c.Metadata.Labels = merge(t.Metadata.Labels)
		c.Metadata.Annotations = merge(t.Metadata.Annotations)
		out.Spec.Target.Template = &c
	}
	return &out
}

// AnnotationSecretVersion carries a Secret's declared version on its
// ExternalSecret: the operator fetches the Secret again as soon as an
// ExternalSecret's annotations change, so a rotation reaches the Secret
// as the pods roll.
const AnnotationSecretVersion = "stsgen.dev/secret-version"

// ExternalSecretFile is the file of the ExternalSecret of the Secret.
func ExternalSecretFile(secret string) string { return "externalsecret-" + secret + ".yaml" }

// externalSecrets are the ExternalSecrets of the declared Secrets that
// come from a store, in input order. Each creates and owns the Secret of
// its name (creationPolicy Owner), and keeps it when the store loses the
// secret (deletionPolicy Retain), so that a store's outage never empties
// a running app's Secret.
func externalSecrets(s *spec.Spec) []*ExternalSecret {
	var out []*ExternalSecret
	for _, sec := range s.Secrets {
		x := sec.External
		if x == nil {
			continue
		}
		var annotations map[string]string
		if sec.Version != "" {
			annotations = map[string]string{AnnotationSecretVersion: sec.Version}
		}
		es := &ExternalSecret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "external-secrets.io/v1", Kind: "ExternalSecret"},
			ObjectMeta: objectMeta(s, sec.Name, annotations),
			Spec: ExternalSecretSpec{
				RefreshInterval: x.RefreshInterval,
				SecretStoreRef:  SecretStoreRef{Name: x.Store, Kind: x.Kind},
				Target:          ExternalSecretTarget{Name: sec.Name, CreationPolicy: "Owner", DeletionPolicy: "Retain"},
			},
		}
		if sec.Type != corev1.SecretTypeOpaque && sec.Type != "" {
			// With a template, the operator takes the Secret's labels
			// and annotations from it rather than from the ExternalSecret.
			es.Spec.Target.Template = &ExternalSecretTemplate{
				Type:     sec.Type,
				Metadata: ExternalSecretTemplateMetadata{Labels: merge(es.Labels), Annotations: es.DeepCopy().Annotations},
			}
		}
		for _, k := range sec.Keys {
			ref, _ := x.Ref(k)
			es.Spec.Data = append(es.Spec.Data, ExternalSecretData{SecretKey: k, RemoteRef: ExternalSecretRemote{Key: ref.RemoteKey, Property: ref.Property}})
		}
		out = append(out, es)
	}
	return out
}

// A SecretDoc is one declared Secret as SECRETS.md describes it.
type SecretDoc struct {
	spec.Secret
	Namespace string
	// UsedBy says what refers to the Secret, in the app's order, each
	// once.
	UsedBy []string
	// File is the ExternalSecret's file for a Secret from a store, else "".
	File string
	// Certificate is the name of the app's Certificate when cert-manager
	// writes the Secret for tls, else "".
	Certificate string
}

// secretDocs describe the declared Secrets, in input order.
func secretDocs(s *spec.Spec) []SecretDoc {
	refs := s.SecretRefs()
	var out []SecretDoc
	for _, sec := range s.Secrets {
		d := SecretDoc{Secret: sec, Namespace: s.Namespace}
		// What refers to the Secret, each once, with the keys it names.
		var whats []string
		keys := map[string][]string{}
		for _, r := range refs {
			if r.Secret != sec.Name {
				continue
			}
			if !slices.Contains(whats, r.What) {
				whats = append(whats, r.What)
			}
			if r.Key != "" && !slices.Contains(keys[r.What], r.Key) {
				keys[r.What] = append(keys[r.What], r.Key)
			}
		}
		for _, w := range whats {
			switch ks := keys[w]; len(ks) {
			case 0:
				d.UsedBy = append(d.UsedBy, w)
			case 1:
				d.UsedBy = append(d.UsedBy, w+" (key "+ks[0]+")")
			default:
				d.UsedBy = append(d.UsedBy, w+" (keys "+strings.Join(ks, ", ")+")")
			}
		}
		switch {
		case sec.External != nil:
			d.File = ExternalSecretFile(sec.Name)
		case s.WrittenByTLS(sec.Name):
			d.Certificate = spec.CertificateName(s)
		}
		out = append(out, d)
	}
	return out
}
