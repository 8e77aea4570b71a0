package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// spreadCases are the cases of spreadRules.
var spreadCases = []ruleCase{
	// STS102: anti-affinity.
	{rule: diag.RuleAntiAffinity, name: "ensemble with spread none", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	spread: "none"
}
`},
	{rule: diag.RuleAntiAffinity, name: "ensemble with spread preferred", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	spread: "preferred"
}
`},
	{rule: diag.RuleAntiAffinity, name: "ensemble with spread mode none", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	spread: {mode: "none", topologyKey: "topology.kubernetes.io/zone"}
}
`},
	{rule: diag.RuleAntiAffinity, name: "ensemble spread over zones", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	spread: {mode: "required", topologyKey: "topology.kubernetes.io/zone"}
}
`},
	{rule: diag.RuleAntiAffinity, name: "single replica with spread none", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	spread: "none"
}
`},
	{rule: diag.RuleAntiAffinity, name: "anti-affinity selecting app: zk", fires: true, mutate: antiAffinityForeignSelector, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
}
`},
}

// Mutations of a correct bundle, each breaking what one verify func
// guards.

func antiAffinityForeignSelector(b *build.Bundle) {
	anti := b.StatefulSet.Spec.Template.Spec.Affinity.PodAntiAffinity
	anti.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.LabelSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": b.App}}
}
