package rules

import (
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
)

// updateCases are the cases of updateRules.
var updateCases = []ruleCase{
	// STS010: update strategy.
	{rule: diag.RuleUpdateStrategy, name: "partition with OnDelete", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: {type: "OnDelete", partition: 0}
}
`},
	{rule: diag.RuleUpdateStrategy, name: "partition with RollingUpdate", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: {type: "RollingUpdate", partition: 0}
}
`},
	{rule: diag.RuleUpdateStrategy, name: "maxUnavailable with OnDelete", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: {type: "OnDelete", maxUnavailable: 2}
}
`},
	{rule: diag.RuleUpdateStrategy, name: "maxUnavailable with RollingUpdate", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: {type: "RollingUpdate", maxUnavailable: 2}
}
`},
	{rule: diag.RuleUpdateStrategy, name: "maxUnavailable 0%", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: maxUnavailable: "0%"
}
`},
	{rule: diag.RuleUpdateStrategy, name: "maxUnavailable 1%", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: maxUnavailable: "1%"
}
`},
	{rule: diag.RuleUpdateStrategy, name: "maxUnavailable 101%", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: maxUnavailable: "101%"
}
`},
	{rule: diag.RuleUpdateStrategy, name: "maxUnavailable 100%", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	updateStrategy: maxUnavailable: "100%"
}
`},

	// STS015: fields Kubernetes forbids changing.
	{rule: diag.RuleImmutable, name: "claim size grows", fires: true, src: strings.Replace(zkApp(""), `"10Gi"`, `"20Gi"`, 1), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "claim unchanged, server defaults in the applied object", src: zkApp(""), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "podManagementPolicy changes", fires: true, src: zkApp("\tpodManagementPolicy: \"Parallel\"\n\tchecks: STS210: \"off\"\n"), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "headless Service renamed", fires: true, src: zkApp("\tservices: headless: name: \"zk-peers\"\n"), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "read Service takes the headless one's name", fires: true, src: zkApp("\tservices: {headless: name: \"zk-peers\", read: name: \"zk-hs\"}\n"), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "claim added", fires: true, src: zkApp("\tstorage: logs: {size: \"1Gi\", mountPath: \"/logs\"}\n"), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "only replicas and the template change", src: strings.Replace(zkApp("\treplicas: 5\n"), "3.9.2", "3.9.3", 1), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "a new app", src: strings.ReplaceAll(zkApp(""), "apps: zk:", "apps: kafka:"), previous: zkApplied},
	{rule: diag.RuleImmutable, name: "claim size grows, re-creation acknowledged", src: strings.Replace(zkApp("\trecreate: true\n"), `"10Gi"`, `"20Gi"`, 1), previous: zkApplied},

	// STS112: revisionHistoryLimit.
	{rule: diag.RuleRevisionHistory, name: "negative limit", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	revisionHistoryLimit: -1
}
`},
	{rule: diag.RuleRevisionHistory, name: "zero limit", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	revisionHistoryLimit: 0
}
`},

	// STS113: the partition counts from ordinals.start.
	{rule: diag.RulePartitionStart, name: "partition with ordinals.start", fires: true, src: pgApp("\tordinals: start: 3\n\tupdateStrategy: partition: 4\n")},
	{rule: diag.RulePartitionStart, name: "partition from ordinal 0", src: pgApp("\tupdateStrategy: partition: 2\n")},
	{rule: diag.RulePartitionStart, name: "ordinals.start without partition", src: pgApp("\tordinals: start: 3\n")},
	{rule: diag.RulePartitionStart, name: "partition 0 with ordinals.start", src: pgApp("\tordinals: start: 3\n\tupdateStrategy: partition: 0\n")},

	// STS212: an ensemble changes size.
	{rule: diag.RuleScaling, name: "ensemble grows from 3 to 5", fires: true, src: zkApp("\treplicas: 5\n"), previous: zkApplied},
	{rule: diag.RuleScaling, name: "ensemble grows by one", fires: true, src: zkApp("\treplicas: 4\n"), previous: zkApplied},
	{rule: diag.RuleScaling, name: "ensemble keeps its size", src: strings.Replace(zkApp(""), "3.9.2", "3.9.3", 1), previous: zkApplied},
	{rule: diag.RuleScaling, name: "a standalone app scales", src: strings.ReplaceAll(zkApp("\treplicas: 2\n"), `topology: "quorum"`, `topology: "standalone"`), previous: zkApplied},

	// STS213: a peer list change restarts every member.
	{rule: diag.RulePeerRestart, name: "peer list grows", fires: true, src: zkApp("\treplicas: 5\n\tconfig: files: \"peers.conf\": \"last=\\(apps.zk.peers[len(apps.zk.peers)-1].host)\"\n"), previous: zkAppliedHashed},
	{rule: diag.RulePeerRestart, name: "config changes, peers do not", src: zkApp("\tconfig: files: \"peers.conf\": \"last=\\(apps.zk.peers[len(apps.zk.peers)-1].host)\"\n"), previous: zkAppliedHashed},
	{rule: diag.RulePeerRestart, name: "replicas change, config names no peer", src: zkApp("\treplicas: 5\n\tconfig: files: \"a.conf\": \"a=1\"\n"), previous: zkAppliedHashed},

	// STS214: retention changes that delete claims.
	{rule: diag.RuleRetentionLoss, name: "whenDeleted becomes Delete", fires: true, src: zkApp("\tretention: whenDeleted: \"Delete\"\n"), previous: zkApplied},
	{rule: diag.RuleRetentionLoss, name: "scale down with whenScaled Delete", fires: true, src: zkApp("\tretention: whenScaled: \"Delete\"\n"), previous: strings.Replace(zkApplied, "replicas: 3", "replicas: 5", 1)},
	{rule: diag.RuleRetentionLoss, name: "whenScaled stays Delete, same size", src: zkApp("\tretention: whenScaled: \"Delete\"\n"), previous: strings.Replace(zkApplied, "replicas: 3", "replicas: 3\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}", 1)},
	{rule: diag.RuleRetentionLoss, name: "retention stays Retain", src: zkApp(""), previous: zkApplied},

	// STS305: recreate.
	{rule: diag.RuleRecreate, name: "recreate with nothing to compare with", fires: true, src: zkApp("\trecreate: true\n")},
	{rule: diag.RuleRecreate, name: "recreate with nothing refused", fires: true, src: zkApp("\trecreate: true\n"), previous: zkApplied},
	{rule: diag.RuleRecreate, name: "recreate of a new StatefulSet", fires: true, src: strings.ReplaceAll(zkApp("\trecreate: true\n"), "apps: zk:", "apps: kafka:"), previous: zkApplied},
	{rule: diag.RuleRecreate, name: "recreate for a claim that grows", src: strings.Replace(zkApp("\trecreate: true\n"), `"10Gi"`, `"20Gi"`, 1), previous: zkApplied},
	{rule: diag.RuleRecreate, name: "no recreate", src: zkApp(""), previous: zkApplied},
}
