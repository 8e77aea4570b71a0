package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"

	corev1 "k8s.io/api/core/v1"
)

// containerCases are the cases of containerRules.
var containerCases = []ruleCase{
	// STS004: image and container names.
	{rule: diag.RuleContainerNames, name: "empty image", fires: true, src: `package t

apps: db: {
	image: ""
	ports: pg: 5432
}
`},
	{rule: diag.RuleContainerNames, name: "image set", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleContainerNames, name: "sidecar named after the app", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "db", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},
	{rule: diag.RuleContainerNames, name: "sidecar with its own name", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},
	{rule: diag.RuleContainerNames, name: "init container and sidecar share a name", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{name: "setup", command: ["sh", "-c", "chown 999 /var/lib/postgresql"]}]
	sidecars: [{name: "setup", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},
	{rule: diag.RuleContainerNames, name: "init container and sidecar with distinct names", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{name: "setup", command: ["sh", "-c", "chown 999 /var/lib/postgresql"]}]
	sidecars: [{name: "exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},
	{rule: diag.RuleContainerNames, name: "upper-case sidecar name", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "Exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},

	// STS008: restartPolicy is the pod's.
	{rule: diag.RuleRestartPolicy, name: "sidecar with restartPolicy", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0", restartPolicy: "Always"}]
}
`},
	{rule: diag.RuleRestartPolicy, name: "native sidecar under initContainers", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{name: "exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0", restartPolicy: "Always"}]
}
`},
	{rule: diag.RuleRestartPolicy, name: "pod restartPolicy Never", fires: true, mutate: restartNever, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleRestartPolicy, name: "pod restartPolicy Always", mutate: restartAlways, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleRestartPolicy, name: "pod activeDeadlineSeconds", fires: true, mutate: activeDeadline, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},

	// STS009: init containers.
	{rule: diag.RuleInitContainers, name: "init container with a readiness probe", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{
		name:  "proxy"
		image: "envoyproxy/envoy:v1.32.1"
		readinessProbe: tcpSocket: port: 9901
	}]
}
`},
	{rule: diag.RuleInitContainers, name: "native sidecar with a readiness probe", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{
		name:          "proxy"
		image:         "envoyproxy/envoy:v1.32.1"
		restartPolicy: "Always"
		readinessProbe: tcpSocket: port: 9901
	}]
}
`},
	{rule: diag.RuleInitContainers, name: "init container with a lifecycle hook", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{
		name:  "proxy"
		image: "envoyproxy/envoy:v1.32.1"
		lifecycle: preStop: exec: command: ["sleep", "5"]
	}]
}
`},
	{rule: diag.RuleInitContainers, name: "native sidecar with a lifecycle hook", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{
		name:          "proxy"
		image:         "envoyproxy/envoy:v1.32.1"
		restartPolicy: "Always"
		lifecycle: preStop: exec: command: ["sleep", "5"]
	}]
}
`},

	// STS108: image tags.
	{rule: diag.RuleImageTag, name: "untagged image", fires: true, src: `package t

apps: db: {
	image: "postgres"
	ports: pg: 5432
}
`},
	{rule: diag.RuleImageTag, name: "tagged image", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleImageTag, name: "latest", fires: true, src: `package t

apps: db: {
	image: "postgres:latest"
	ports: pg: 5432
}
`},
	{rule: diag.RuleImageTag, name: "untagged image from a registry with a port", fires: true, src: `package t

apps: db: {
	image: "registry.example.com:5000/postgres"
	ports: pg: 5432
}
`},
	{rule: diag.RuleImageTag, name: "tagged image from a registry with a port", src: `package t

apps: db: {
	image: "registry.example.com:5000/postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleImageTag, name: "pinned by digest", src: `package t

apps: db: {
	image:   "postgres@sha256:3c2d4f1a7e5b9f8e6d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e"
	version: "17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleImageTag, name: "identity image latest", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	identity: image: "busybox:latest"
}
`},
	{rule: diag.RuleImageTag, name: "identity image pinned", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	identity: image: "busybox:1.37.0"
}
`},
	{rule: diag.RuleImageTag, name: "untagged sidecar image", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "exporter", image: "prometheuscommunity/postgres-exporter"}]
}
`},
	{rule: diag.RuleImageTag, name: "sidecar without an image", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "archiver", command: ["archive-wal.sh"]}]
}
`},
}

// Mutations of a correct bundle, each breaking what one verify func
// guards.

func restartNever(b *build.Bundle) {
	b.StatefulSet.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever
}

func restartAlways(b *build.Bundle) {
	b.StatefulSet.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways
}

func activeDeadline(b *build.Bundle) {
	d := int64(3600)
	b.StatefulSet.Spec.Template.Spec.ActiveDeadlineSeconds = &d
}
