package generator_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsgen/stsgen/generator"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/generator/internal/rules"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// benchApps writes a package of n ZooKeeper ensembles, each the 5-object
// bundle bench/ compares with other tools, and returns its directory.
func benchApps(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	var src strings.Builder
	src.WriteString(`package bench

_zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	ports: {
		client: 2181
		server: {port: 2888, expose: ["headless"]}
		"leader-election": {port: 3888, expose: ["headless"]}
	}
	storage: data: {size: "10Gi", mountPath: "/data"}
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "256Mi"}
		limits: {cpu: "2", memory: "1Gi", "ephemeral-storage": "1Gi"}
	}
	probes: readiness: tcp: "client"
	spread: "required"
	networkPolicy: enabled: false
	config: files: "zoo.cfg": "tickTime=2000\ndataDir=/data\nclientPort=2181\n"
}

apps: {
`)
	for i := range n {
		fmt.Fprintf(&src, "\t\"zk%05d\": _zk\n", i)
	}
	src.WriteString("}\n")
	if err := os.WriteFile(filepath.Join(dir, "apps.cue"), []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkStages times each stage of the pipeline on its own, for 1 and
// 100 apps, so that a regression shows where it comes from.
func BenchmarkStages(b *testing.B) {
	for _, n := range []int{1, 100} {
		dir := benchApps(b, n)
		cfg := load.LoadConfig{Dir: dir}
		loadAll := func() []spec.Package {
			pkgs, ds := load.Packages(cfg)
			if ds.HasErrors() {
				b.Fatal(ds)
			}
			return pkgs
		}
		decode := func(pkgs []spec.Package) []*spec.Spec {
			specs, ds := spec.Decode(pkgs[0])
			if ds.HasErrors() || len(specs) != n {
				b.Fatalf("decode: %d specs, %v", len(specs), ds)
			}
			return specs
		}
		buildAll := func(specs []*spec.Spec) []*build.Bundle {
			var bundles []*build.Bundle
			for _, s := range specs {
				bd, err := build.Build(s)
				if err != nil {
					b.Fatal(err)
				}
				bundles = append(bundles, bd)
			}
			return bundles
		}
		b.Run(fmt.Sprintf("load/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				loadAll()
			}
		})
		b.Run(fmt.Sprintf("decode/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				pkgs := loadAll()
				b.StartTimer()
				decode(pkgs)
			}
		})
		specs := decode(loadAll())
		b.Run(fmt.Sprintf("check/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if ds := rules.Check(specs, rules.Policy{}); ds.HasErrors() {
					b.Fatal(ds)
				}
			}
		})
		b.Run(fmt.Sprintf("build/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buildAll(specs)
			}
		})
		bundles := buildAll(specs)
		b.Run(fmt.Sprintf("verify/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i, s := range specs {
					if ds := rules.Verify(s, bundles[i], nil, rules.Policy{}, false); ds.HasErrors() {
						b.Fatal(ds)
					}
				}
			}
		})
		var out []*generator.Bundle
		for i, objs := range bundles {
			out = append(out, &generator.Bundle{Bundle: objs, Spec: specs[i]})
		}
		b.Run(fmt.Sprintf("render/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := generator.Render(out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
