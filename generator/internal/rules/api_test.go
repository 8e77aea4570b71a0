package rules

import (
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
)

// apiCases are the cases of apiRules: each field the API server would
// refuse, beside the same field written as it accepts.
var apiCases = []ruleCase{
	// STS021: the API server's validation of what an app passes through.
	{rule: diag.RuleAPIValidation, name: "required spread with an empty topology key", fires: true, src: pgApp(`	replicas: 2
	spread: {mode: "required", topologyKey: ""}
`)},
	{rule: diag.RuleAPIValidation, name: "required spread across zones", src: pgApp(`	replicas: 2
	spread: {mode: "required", topologyKey: "topology.kubernetes.io/zone"}
`)},
	{rule: diag.RuleAPIValidation, name: "topology key that is no label key", fires: true, src: pgApp(`	replicas: 2
	spread: {mode: "preferred", topologyKey: "zone name"}
`)},
	{rule: diag.RuleAPIValidation, name: "valueFrom without a source", fires: true, src: pgApp(`	env: PASSWORD: valueFrom: {}
`)},
	{rule: diag.RuleAPIValidation, name: "valueFrom with two sources", fires: true, src: pgApp(`	env: PASSWORD: valueFrom: {secretKeyRef: {name: "db", key: "pw"}, configMapKeyRef: {name: "db", key: "pw"}}
`)},
	{rule: diag.RuleAPIValidation, name: "valueFrom with one source", src: pgApp(`	env: PASSWORD: valueFrom: secretKeyRef: {name: "db", key: "pw"}
`)},
	{rule: diag.RuleAPIValidation, name: "negative runAsUser", fires: true, src: pgApp(`	securityContext: runAsUser: -1
`)},
	{rule: diag.RuleAPIValidation, name: "pod fsGroup past 32 bits", fires: true, src: pgApp(`	podSecurityContext: fsGroup: 4294967296
`)},
	{rule: diag.RuleAPIValidation, name: "runAsUser of a sidecar", fires: true, src: pgApp(`	sidecars: [{name: "exporter", image: "prom/postgres-exporter:v0.15.0", securityContext: runAsUser: -5}]
`)},
	{rule: diag.RuleAPIValidation, name: "runAsUser 999", src: pgApp(`	securityContext: runAsUser: 999
	podSecurityContext: fsGroup: 999
`)},
	{rule: diag.RuleAPIValidation, name: "preStop hook without a command", fires: true, src: pgApp(`	lifecycle: preStop: exec: command: []
`)},
	{rule: diag.RuleAPIValidation, name: "preStop hook with a command", src: pgApp(`	lifecycle: preStop: exec: command: ["pg_ctl", "stop"]
`)},
	{rule: diag.RuleAPIValidation, name: "NetworkPolicy selector with an empty label key", fires: true, src: pgApp(`	networkPolicy: ingress: [{from: [{podSelector: matchLabels: "": "x"}]}]
`)},
	{rule: diag.RuleAPIValidation, name: "NetworkPolicy selector with a label key", src: pgApp(`	networkPolicy: ingress: [{from: [{podSelector: matchLabels: role: "client"}]}]
`)},
	{rule: diag.RuleAPIValidation, name: "a StatefulSet over 1.5 MiB", fires: true, src: pgApp(``), mutate: bigStatefulSet},
	// The objects as the API server validates them: what no check of the
	// app's fields caught is still found before it is written.
	{rule: diag.RuleAPIValidation, name: "a container port name the server refuses", fires: true, src: pgApp(``), mutate: func(b *build.Bundle) {
		b.StatefulSet.Spec.Template.Spec.Containers[0].Ports[0].Name = "postgres-client-port"
	}},
	{rule: diag.RuleAPIValidation, name: "a Service port twice", fires: true, src: pgApp(``), mutate: func(b *build.Bundle) {
		b.Read.Spec.Ports = append(b.Read.Spec.Ports, b.Read.Spec.Ports[0])
	}},
	{rule: diag.RuleAPIValidation, name: "a ConfigMap key the server refuses", fires: true, src: pgApp(`	config: files: "a.conf": "x"
`), mutate: func(b *build.Bundle) {
		b.ConfigMap.Data = map[string]string{"../x": ""}
	}},
}

// bigStatefulSet gives the StatefulSet a 2 MiB annotation.
func bigStatefulSet(b *build.Bundle) {
	b.StatefulSet.Annotations = map[string]string{"big": strings.Repeat("x", 2<<20)}
}
