package generator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stsgen/stsgen/generator"
)

// TestSecretsRotation checks that a Secret's version is what rolls the
// pods: changing it changes the pod template's hash, changing anything
// else of the declaration does not, and without a version there is no
// annotation at all.
func TestSecretsRotation(t *testing.T) {
	hash := func(decl string) (string, bool) {
		t.Helper()
		dir := t.TempDir()
		src := `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	env: POSTGRES_PASSWORD: valueFrom: secretKeyRef: {name: "db", key: "password"}
	secrets: db: ` + decl + `
}
`
		if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		bundles, ds := generator.Compile(generator.LoadConfig{Dir: dir}, generator.Policy{})
		if ds.HasErrors() || len(bundles) != 1 {
			t.Fatalf("%s: %v", decl, ds)
		}
		h, ok := bundles[0].StatefulSet.Spec.Template.Annotations[generator.AnnotationSecretsHash]
		return h, ok
	}
	if h, ok := hash(`keys: ["password"]`); ok {
		t.Errorf("without a version the pod template carries %s: %s", generator.AnnotationSecretsHash, h)
	}
	v1, ok := hash(`{keys: ["password"], version: "1"}`)
	if !ok {
		t.Fatalf("with a version the pod template carries no %s", generator.AnnotationSecretsHash)
	}
	if v2, _ := hash(`{keys: ["password"], version: "2"}`); v2 == v1 {
		t.Errorf("a new version leaves the hash as it was: %s", v1)
	}
	if d, _ := hash(`{keys: ["password", "user"], version: "1", description: "x"}`); d != v1 {
		t.Errorf("keys and description change the hash (%s, was %s); only names and versions may", d, v1)
	}
}
