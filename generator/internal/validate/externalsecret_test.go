package validate

import (
	"testing"

	"github.com/stsgen/stsgen/generator/internal/build"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestExternalSecret checks an ExternalSecret against what its CRD's
// schema refuses, one field at a time.
func TestExternalSecret(t *testing.T) {
	valid := func() *build.ExternalSecret {
		return &build.ExternalSecret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "external-secrets.io/v1", Kind: "ExternalSecret"},
			ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "default"},
			Spec: build.ExternalSecretSpec{
				RefreshInterval: "1h",
				SecretStoreRef:  build.SecretStoreRef{Name: "vault", Kind: "SecretStore"},
				Target:          build.ExternalSecretTarget{Name: "db", CreationPolicy: "Owner", DeletionPolicy: "Retain"},
				Data:            []build.ExternalSecretData{{SecretKey: "password", RemoteRef: build.ExternalSecretRemote{Key: "prod/db", Property: "password"}}},
			},
		}
	}
	cases := []struct {
		name string
		edit func(*build.ExternalSecret)
		want []string
	}{
		{"valid", func(*build.ExternalSecret) {}, nil},
		{"store name", func(e *build.ExternalSecret) { e.Spec.SecretStoreRef.Name = "Vault" }, []string{`spec.secretStoreRef.name: Invalid value: "Vault"`}},
		{"store kind", func(e *build.ExternalSecret) { e.Spec.SecretStoreRef.Kind = "Store" }, []string{`spec.secretStoreRef.kind: Unsupported value: "Store"`}},
		{"creation policy", func(e *build.ExternalSecret) { e.Spec.Target.CreationPolicy = "Own" }, []string{`spec.target.creationPolicy: Unsupported value: "Own"`}},
		{"secret key", func(e *build.ExternalSecret) { e.Spec.Data[0].SecretKey = "a/b" }, []string{`spec.data[0].secretKey: Invalid value: "a/b"`}},
		{"remote key", func(e *build.ExternalSecret) { e.Spec.Data[0].RemoteRef.Key = "" }, []string{`spec.data[0].remoteRef.key: Required value`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := valid()
			c.edit(e)
			errs := Object(e)
			if len(errs) != len(c.want) {
				t.Fatalf("Object: %d errors, want %d: %v", len(errs), len(c.want), errs)
			}
			for i, err := range errs {
				if got := err.Error(); len(got) < len(c.want[i]) || got[:len(c.want[i])] != c.want[i] {
					t.Errorf("error %d = %q, want it to start with %q", i, got, c.want[i])
				}
			}
		})
	}
}
