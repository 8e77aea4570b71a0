package images

import (
	"testing"
)

// Every recipe loads, and between them they publish every image an example
// names that a Debian package can stand in for.
func TestRecipes(t *testing.T) {
	recipes, err := Recipes()
	if err != nil {
		t.Fatal(err)
	}
	if len(recipes) == 0 {
		t.Fatal("no recipes")
	}
	for _, r := range recipes {
		if len(r.Binaries) == 0 {
			t.Errorf("%s: no binaries: nothing says what the example calls", r.Name)
		}
		for _, f := range r.Files {
			if len(r.sources[f.Source]) == 0 {
				t.Errorf("%s: %s: source %s is empty", r.Name, f.Path, f.Source)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"redis:7.4.1":                          "docker.io/library/redis:7.4.1",
		"nginxinc/nginx-unprivileged:1.27.3":   "docker.io/nginxinc/nginx-unprivileged:1.27.3",
		"gcr.io/etcd-development/etcd:v3.5.17": "gcr.io/etcd-development/etcd:v3.5.17",
		"docker.io/library/postgres:17.2":      "docker.io/library/postgres:17.2",
		"index.docker.io/library/mysql:5.7.44": "docker.io/library/mysql:5.7.44",
		"zookeeper":                            "docker.io/library/zookeeper:latest",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
