package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// budgetCases are the cases of budgetRules.
var budgetCases = []ruleCase{
	// STS012: budget values.
	{rule: diag.RuleBudgetValues, name: "minAvailable and maxUnavailable", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: {maxUnavailable: 1, minAvailable: 2}
}
`},
	{rule: diag.RuleBudgetValues, name: "maxUnavailable alone", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: maxUnavailable: 1
}
`},
	{rule: diag.RuleBudgetValues, name: "maxUnavailable 150%", fires: true, src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 4
	ports: redis: 6379
	disruption: maxUnavailable: "150%"
}
`},
	{rule: diag.RuleBudgetValues, name: "maxUnavailable 50%", src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 4
	ports: redis: 6379
	disruption: maxUnavailable: "50%"
}
`},
	{rule: diag.RuleBudgetValues, name: "budget with both policies", fires: true, mutate: budgetBothPolicies, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
}
`},
	{rule: diag.RuleBudgetValues, name: "budget with no policy", fires: true, mutate: budgetNoPolicy, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
}
`},
	{rule: diag.RuleBudgetValues, name: "budget selecting other pods", fires: true, mutate: budgetForeignSelector, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
}
`},
	{rule: diag.RuleBudgetValues, name: "generated budget", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
}
`},

	// STS103: budget present.
	{rule: diag.RuleBudgetPresent, name: "quorum of all 3 members", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	quorum:   3
	ports: client: 2181
}
`},
	{rule: diag.RuleBudgetPresent, name: "majority quorum of 3 members", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	quorum:   2
	ports: client: 2181
}
`},
	{rule: diag.RuleBudgetPresent, name: "quorum of all 5 members", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	quorum:   5
	ports: client: 2181
}
`},
	{rule: diag.RuleBudgetPresent, name: "quorum of 4 of 5 members", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	quorum:   4
	ports: client: 2181
}
`},

	// STS110: eviction policy (output only).
	{rule: diag.RuleEvictionPolicy, name: "budget without an eviction policy", fires: true, mutate: noEvictionPolicy, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
}
`},
	{rule: diag.RuleEvictionPolicy, name: "generated budget", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
}
`},
	{rule: diag.RuleEvictionPolicy, name: "generated budget with the policy set", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	disruption: unhealthyPodEvictionPolicy: "IfHealthyBudget"
}
`},

	// STS205: the budget and the quorum.
	{rule: diag.RuleBudgetQuorum, name: "maxUnavailable 3 of 5 with quorum 3", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: maxUnavailable: 3
}
`},
	{rule: diag.RuleBudgetQuorum, name: "maxUnavailable 2 of 5 with quorum 3", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: maxUnavailable: 2
}
`},
	{rule: diag.RuleBudgetQuorum, name: "minAvailable 2 of 5 with quorum 3", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: minAvailable: 2
}
`},
	{rule: diag.RuleBudgetQuorum, name: "minAvailable 3 of 5 with quorum 3", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: minAvailable: 3
}
`},
	{rule: diag.RuleBudgetQuorum, name: "maxUnavailable 50% of 5", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: maxUnavailable: "50%"
}
`},
	{rule: diag.RuleBudgetQuorum, name: "maxUnavailable 41% of 5", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: maxUnavailable: "41%"
}
`},
	{rule: diag.RuleBudgetQuorum, name: "maxUnavailable 40% of 5", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: maxUnavailable: "40%"
}
`},
	{rule: diag.RuleBudgetQuorum, name: "minAvailable 40% of 5", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: minAvailable: "40%"
}
`},
	{rule: diag.RuleBudgetQuorum, name: "minAvailable 50% of 5", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: minAvailable: "50%"
}
`},

	// STS206: the budget never blocks every drain.
	{rule: diag.RuleBudgetBlocks, name: "maxUnavailable 0", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: maxUnavailable: 0
}
`},
	{rule: diag.RuleBudgetBlocks, name: "maxUnavailable 1", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: maxUnavailable: 1
}
`},
	{rule: diag.RuleBudgetBlocks, name: "minAvailable 3 of 3", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: minAvailable: 3
}
`},
	{rule: diag.RuleBudgetBlocks, name: "minAvailable 2 of 3", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: minAvailable: 2
}
`},
	{rule: diag.RuleBudgetBlocks, name: "minAvailable 100%", fires: true, src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 3
	ports: redis: 6379
	disruption: minAvailable: "100%"
}
`},
	{rule: diag.RuleBudgetBlocks, name: "minAvailable 60% of 3", src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 3
	ports: redis: 6379
	disruption: minAvailable: "60%"
}
`},
	{rule: diag.RuleBudgetBlocks, name: "minAvailable 67% of 3", fires: true, src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 3
	ports: redis: 6379
	disruption: minAvailable: "67%"
}
`},
	{rule: diag.RuleBudgetBlocks, name: "minAvailable 66% of 3", src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 3
	ports: redis: 6379
	disruption: minAvailable: "66%"
}
`},
	{rule: diag.RuleBudgetBlocks, name: "maxUnavailable 0%", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: maxUnavailable: "0%"
}
`},
	{rule: diag.RuleBudgetBlocks, name: "maxUnavailable 10% of 5", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
	disruption: maxUnavailable: "10%"
}
`},

	// STS207: a primary-replica budget takes one pod at a time.
	{rule: diag.RuleBudgetReplicas, name: "maxUnavailable 2 of 3", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: maxUnavailable: 2
}
`},
	{rule: diag.RuleBudgetReplicas, name: "maxUnavailable 1 of 3", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: maxUnavailable: 1
}
`},
	{rule: diag.RuleBudgetReplicas, name: "minAvailable 1 of 3", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: minAvailable: 1
}
`},
	{rule: diag.RuleBudgetReplicas, name: "minAvailable 2 of 3", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 3
	ports: pg: 5432
	disruption: minAvailable: 2
}
`},
	{rule: diag.RuleBudgetReplicas, name: "standalone servers with maxUnavailable 2", src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 3
	ports: redis: 6379
	disruption: maxUnavailable: 2
}
`},

	// STS303: ignored disruption settings.
	{rule: diag.RuleIgnoredBudget, name: "maxUnavailable on a single replica", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	disruption: maxUnavailable: 1
}
`},
	{rule: diag.RuleIgnoredBudget, name: "maxUnavailable on two replicas", src: `package t

apps: db: {
	image:    "postgres:17.2"
	replicas: 2
	ports: pg: 5432
	disruption: maxUnavailable: 1
}
`},
	{rule: diag.RuleIgnoredBudget, name: "eviction policy on an ensemble without a budget", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	quorum:   3
	ports: client: 2181
	disruption: unhealthyPodEvictionPolicy: "AlwaysAllow"
}
`},
	{rule: diag.RuleIgnoredBudget, name: "eviction policy on an ensemble with a budget", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	disruption: unhealthyPodEvictionPolicy: "AlwaysAllow"
}
`},
	{rule: diag.RuleBudgetReplicas, name: "leaderless ring with maxUnavailable 2", fires: true, src: `package t

apps: ring: {
	image:    "cassandra:5.0.2"
	topology: "leaderless"
	replicas: 5
	ports: cql: 9042
	disruption: maxUnavailable: 2
}
`},
	{rule: diag.RuleBudgetReplicas, name: "leaderless ring with the derived budget", src: `package t

apps: ring: {
	image:    "cassandra:5.0.2"
	topology: "leaderless"
	replicas: 5
	ports: cql: 9042
}
`},
}

// Mutations of a correct bundle, each breaking what one verify func
// guards.

func budgetBothPolicies(b *build.Bundle) {
	one := intstr.FromInt32(1)
	b.PDB.Spec.MinAvailable = &one
}

func budgetNoPolicy(b *build.Bundle) {
	b.PDB.Spec.MinAvailable, b.PDB.Spec.MaxUnavailable = nil, nil
}

func budgetForeignSelector(b *build.Bundle) {
	b.PDB.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": b.App}}
}

func noEvictionPolicy(b *build.Bundle) { b.PDB.Spec.UnhealthyPodEvictionPolicy = nil }
