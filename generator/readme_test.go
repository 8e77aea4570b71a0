package generator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeCompanions builds the README's example of the objects around
// the StatefulSet, with the image, ports and topology each app still
// needs, and checks that it gives every kind it stands for.
func TestReadmeCompanions(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "One example of each:\n\n```cue\n")
	if !ok {
		t.Fatal("README.md has no example of the objects around the StatefulSet")
	}
	example, _, _ := strings.Cut(rest, "```\n")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "readme.cue"), "package readme\n\n"+example)
	write(t, filepath.Join(dir, "apps.cue"), `package readme

apps: db: {image: "postgres:17.2", ports: pg: 5432, storage: data: {size: "1Gi", mountPath: "/var/lib/postgresql/data"}}
apps: kafka: {image: "apache/kafka:3.8.0", topology: "quorum", ports: client: 9092}
apps: "es-masters": {image: "elasticsearch:8.15.3", topology: "quorum", ports: http: 9200}
`)
	out, diag := compile(t, dir)
	if out == nil {
		t.Fatalf("the README's example does not build:\n%s", diag)
	}
	for _, kind := range []string{"ServiceAccount", "Role", "RoleBinding", "Certificate", "ServiceMonitor", "Job"} {
		if !strings.Contains(string(out), "\nkind: "+kind+"\n") {
			t.Errorf("the README's example gives no %s", kind)
		}
	}
	if !strings.Contains(string(out), "stsgen.dev/secrets-hash:") || !strings.Contains(string(out), "name: kafka-0-external\n") {
		t.Errorf("the README's example gives no secrets hash or member Service")
	}
}
