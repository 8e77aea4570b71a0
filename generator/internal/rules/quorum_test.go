package rules

import "github.com/stsgen/stsgen/generator/diag"

// quorumCases are the cases of quorumRules.
var quorumCases = []ruleCase{
	// STS201: ensemble minimum.
	{rule: diag.RuleEnsembleMinimum, name: "ensemble of 2", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 2
	ports: client: 2181
}
`},
	{rule: diag.RuleEnsembleMinimum, name: "ensemble of 3", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	ports: client: 2181
}
`},
	{rule: diag.RuleEnsembleMinimum, name: "ensemble of 1", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 1
	ports: client: 2181
}
`},
	{rule: diag.RuleEnsembleMinimum, name: "standalone server", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "standalone"
	replicas: 1
	ports: client: 2181
}
`},

	// STS202: odd ensembles.
	{rule: diag.RuleEnsembleEven, name: "ensemble of 4", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 4
	ports: client: 2181
}
`},
	{rule: diag.RuleEnsembleEven, name: "ensemble of 5", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	ports: client: 2181
}
`},
	{rule: diag.RuleEnsembleEven, name: "ensemble of 6", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 6
	ports: client: 2181
}
`},
	{rule: diag.RuleEnsembleEven, name: "4 standalone servers", src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 4
	ports: redis: 6379
}
`},

	// STS203: large ensembles.
	{rule: diag.RuleEnsembleLarge, name: "ensemble of 9", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 9
	ports: client: 2181
}
`},
	{rule: diag.RuleEnsembleLarge, name: "ensemble of 7", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 7
	ports: client: 2181
}
`},

	// STS204: quorum is a majority.
	{rule: diag.RuleQuorumMajority, name: "quorum 2 of 5", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	quorum:   2
	ports: client: 2181
}
`},
	{rule: diag.RuleQuorumMajority, name: "quorum 3 of 5", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 5
	quorum:   3
	ports: client: 2181
}
`},
	{rule: diag.RuleQuorumMajority, name: "quorum 2 of 4", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 4
	quorum:   2
	ports: client: 2181
}
`},
	{rule: diag.RuleQuorumMajority, name: "quorum 4 of 3", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	quorum:   4
	ports: client: 2181
}
`},
	{rule: diag.RuleQuorumMajority, name: "quorum 3 of 3", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	quorum:   3
	ports: client: 2181
}
`},

	// STS209: bootstrap deadlock.
	{rule: diag.RuleBootstrap, name: "readiness needs quorum with OrderedReady", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	probes: readiness: {exec: ["zkServer.sh", "status"], needsQuorum: true}
}
`},
	{rule: diag.RuleBootstrap, name: "readiness needs quorum with Parallel", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	podManagementPolicy: "Parallel"
	probes: readiness: {exec: ["zkServer.sh", "status"], needsQuorum: true}
}
`},

	// STS210: Parallel on an ensemble.
	{rule: diag.RuleParallelQuorum, name: "Parallel without needsQuorum", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	podManagementPolicy: "Parallel"
	probes: readiness: exec: ["zkServer.sh", "status"]
}
`},
	{rule: diag.RuleParallelQuorum, name: "Parallel with needsQuorum", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	podManagementPolicy: "Parallel"
	probes: readiness: {exec: ["zkServer.sh", "status"], needsQuorum: true}
}
`},
	{rule: diag.RuleParallelQuorum, name: "Parallel on standalone servers", src: `package t

apps: cache: {
	image:    "redis:7.4.1"
	replicas: 3
	ports: redis: 6379
	podManagementPolicy: "Parallel"
}
`},
	// A leaderless ring has no quorum of the StatefulSet's: no size rule.
	{rule: diag.RuleEnsembleEven, name: "leaderless ring of 4", src: `package t

apps: ring: {
	image:    "cassandra:5.0.2"
	topology: "leaderless"
	replicas: 4
	ports: cql: 9042
}
`},
}
