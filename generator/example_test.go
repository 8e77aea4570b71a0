package generator_test

import (
	"fmt"
	"os"

	"github.com/stsgen/stsgen/generator"
)

// Compile builds every app of a package; each Bundle holds the objects in
// output order, and the file each is written to.
func ExampleCompile() {
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: "../examples/zookeeper"}, generator.Policy{})
	if err := ds.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, b := range bundles {
		fmt.Printf("%s (%s, %d replicas):", b.App, b.Spec.Topology, b.Spec.Replicas)
		for _, o := range b.Objects() {
			fmt.Print(" ", o.File)
		}
		fmt.Println()
	}
	// Output:
	// zk (quorum, 3 replicas): configmap.yaml service-headless.yaml service-read.yaml poddisruptionbudget.yaml networkpolicy.yaml statefulset.yaml
	// zk5 (quorum, 5 replicas): configmap.yaml service-headless.yaml service-read.yaml poddisruptionbudget.yaml networkpolicy.yaml statefulset.yaml
}

// Diagnostics say what is wrong with the input, every problem at once,
// each at its field path and the user's positions.
func ExampleDiagnostics_Print() {
	dir, _ := os.MkdirTemp("", "stsgen-example")
	defer os.RemoveAll(dir)
	os.WriteFile(dir+"/app.cue", []byte(`package deploy

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 2
	ports: client: 2181
	storage: data: {size: "10Gi", mountPath: "/data"}
	probes: readiness: tcp: "client"
	checks: STS107: "off"
}
`), 0o644)
	_, ds := generator.Compile(generator.LoadConfig{Dir: dir}, generator.Policy{})
	ds.Print(os.Stdout, dir)
	// Output:
	// apps.zk.replicas: a quorum ensemble of 2 tolerates no failure; use 3 (tolerates 1) or 5 (tolerates 2) [STS201]
	//     ./app.cue:6:12
}
