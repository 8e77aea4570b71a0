package generator_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsgen/stsgen/generator"
)

// BenchmarkCompileExample compiles and renders the bundled ZooKeeper
// example (two ensembles), as stsgen build does.
func BenchmarkCompileExample(b *testing.B) {
	dir, err := filepath.Abs("../examples/zookeeper")
	if err != nil {
		b.Fatal(err)
	}
	benchCompile(b, dir, 2)
}

// BenchmarkCompile100Apps compiles and renders one package of 100
// ZooKeeper-like apps.
func BenchmarkCompile100Apps(b *testing.B) {
	dir := b.TempDir()
	var src strings.Builder
	src.WriteString("package bench\n\nimport \"strings\"\n")
	for i := range 100 {
		fmt.Fprintf(&src, `
apps: "zk%[1]d": {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {
		client: 2181
		server: {port: 2888, expose: ["headless"]}
		"leader-election": {port: 3888, expose: ["headless"]}
	}
	storage: data: {size: "10Gi", mountPath: "/data"}
	probes: readiness: tcp: "client"
	spread: "required"
	config: files: "zoo.cfg": strings.Join([for p in apps."zk%[1]d".peers {"server.\(p.id)=\(p.fqdn):2888:3888"}], "\n")
}
`, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "apps.cue"), []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	benchCompile(b, dir, 100)
}

func benchCompile(b *testing.B, dir string, apps int) {
	b.ReportAllocs()
	for b.Loop() {
		bundles, ds := generator.Compile(generator.LoadConfig{Dir: dir}, generator.Policy{})
		if ds.HasErrors() || len(bundles) != apps {
			b.Fatalf("compile: %d bundles, %v", len(bundles), ds)
		}
		if _, err := generator.Render(bundles); err != nil {
			b.Fatal(err)
		}
	}
}
