package rules

import "github.com/stsgen/stsgen/generator/diag"

// placementCases are the cases of placementRules.
var placementCases = []ruleCase{
	// STS022: some node can run the pods.
	{rule: diag.RuleSchedulable, name: "nodeSelector that the node affinity refuses", fires: true, src: pgApp(`	nodeSelector: pool: "db"
	affinity: nodeAffinity: requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorTerms: [{matchExpressions: [{key: "pool", operator: "In", values: ["web"]}]}]
`)},
	{rule: diag.RuleSchedulable, name: "nodeSelector that one node affinity term allows", src: pgApp(`	nodeSelector: pool: "db"
	affinity: nodeAffinity: requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorTerms: [
		{matchExpressions: [{key: "pool", operator: "In", values: ["web"]}]},
		{matchExpressions: [{key: "pool", operator: "NotIn", values: ["web"]}]},
	]
`)},
	{rule: diag.RuleSchedulable, name: "nodeSelector on a key that the affinity says must not exist", fires: true, src: pgApp(`	nodeSelector: pool: "db"
	affinity: nodeAffinity: requiredDuringSchedulingIgnoredDuringExecution: nodeSelectorTerms: [{matchExpressions: [{key: "pool", operator: "DoesNotExist"}]}]
`)},
	{rule: diag.RuleSchedulable, name: "a sysctl of the node's", fires: true, src: pgApp(`	podSecurityContext: sysctls: [{name: "vm.max_map_count", value: "262144"}]
`)},
	{rule: diag.RuleSchedulable, name: "a sysctl of the pod's network namespace", src: pgApp(`	podSecurityContext: sysctls: [{name: "net.core.somaxconn", value: "1024"}]
`)},

	// STS114: unsafe sysctls.
	{rule: diag.RuleUnsafeSysctls, name: "a namespaced sysctl outside the safe set", fires: true, src: pgApp(`	podSecurityContext: sysctls: [{name: "net.core.somaxconn", value: "1024"}]
`)},
	{rule: diag.RuleUnsafeSysctls, name: "a sysctl of the safe set, written with slashes", src: pgApp(`	podSecurityContext: sysctls: [{name: "net/ipv4/tcp_keepalive_time", value: "60"}]
`)},

	// STS115: spreading terms select the app's own pods.
	{rule: diag.RuleOwnSelector, name: "spread constraint on a label the pods do not have", fires: true, src: zkApp(`	topologySpreadConstraints: [{maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: matchLabels: app: "zk"}]
`)},
	{rule: diag.RuleOwnSelector, name: "spread constraint on the pods' own name", src: zkApp(`	topologySpreadConstraints: [{maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: matchLabels: "app.kubernetes.io/name": "zk"}]
`)},
	{rule: diag.RuleOwnSelector, name: "anti-affinity copied from the ZooKeeper tutorial", fires: true, src: zkApp(`	spread: "none"
	affinity: podAntiAffinity: requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: "kubernetes.io/hostname", labelSelector: matchExpressions: [{key: "app", operator: "In", values: ["zk"]}]}]
`)},
	{rule: diag.RuleOwnSelector, name: "anti-affinity that keeps away from another app", src: zkApp(`	affinity: podAntiAffinity: preferredDuringSchedulingIgnoredDuringExecution: [{weight: 50, podAffinityTerm: {topologyKey: "kubernetes.io/hostname", labelSelector: matchLabels: "app.kubernetes.io/name": "kafka"}}]
`)},

	// STS116: members resolve each other's names.
	{rule: diag.RuleClusterDNS, name: "ensemble on the node's resolver", fires: true, src: zkApp(`	dnsPolicy: "Default"
`)},
	{rule: diag.RuleClusterDNS, name: "ensemble on its own DNS config without the cluster's domains", fires: true, src: zkApp(`	dnsPolicy: "None"
	dnsConfig: nameservers: ["10.96.0.10"]
`)},
	{rule: diag.RuleClusterDNS, name: "ensemble on its own DNS config with the cluster's domains", src: zkApp(`	dnsPolicy: "None"
	dnsConfig: {nameservers: ["10.96.0.10"], searches: ["default.svc.cluster.local", "svc.cluster.local"]}
`)},
	{rule: diag.RuleClusterDNS, name: "a single server on the node's resolver", src: pgApp(`	dnsPolicy: "Default"
`)},

	// STS215: a quorum member leaves a failed node.
	{rule: diag.RuleNoExecute, name: "member tolerating every taint for ever", fires: true, src: zkApp(`	tolerations: [{operator: "Exists"}]
`)},
	{rule: diag.RuleNoExecute, name: "member tolerating an unreachable node for ever", fires: true, src: zkApp(`	tolerations: [{key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute"}]
`)},
	{rule: diag.RuleNoExecute, name: "member tolerating an unreachable node for a minute", src: zkApp(`	tolerations: [{key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60}]
`)},
	{rule: diag.RuleNoExecute, name: "member on a dedicated pool", src: zkApp(`	tolerations: [{key: "dedicated", operator: "Equal", value: "zk", effect: "NoSchedule"}]
`)},
	{rule: diag.RuleNoExecute, name: "member on a pool whose taint evicts others", src: zkApp(`	nodeSelector: dedicated: "zk"
	tolerations: [{key: "dedicated", operator: "Equal", value: "zk", effect: "NoExecute"}, {key: "dedicated", operator: "Exists"}]
`)},
	{rule: diag.RuleSchedulable, name: "a Windows pod", fires: true, src: pgApp(`	os: name: "windows"
`)},
	{rule: diag.RuleSchedulable, name: "a host name of a 74-character FQDN", fires: true, src: `package t

apps: "orders-database": {
	image:     "postgres:17.2"
	namespace: "payments-production"
	ports: pg: 5432
	setHostnameAsFQDN: true
}
`},
	{rule: diag.RuleSchedulable, name: "a host name of a short FQDN", src: pgApp(`	setHostnameAsFQDN: true
`)},
	{rule: diag.RuleSchedulable, name: "a Linux pod, said so", src: pgApp(`	os: name: "linux"
`)},
	{rule: diag.RuleOwnSelector, name: "spread constraint over every pod of the namespace", src: zkApp(`	topologySpreadConstraints: [{maxSkew: 1, topologyKey: "example.com/rack", whenUnsatisfiable: "ScheduleAnyway", labelSelector: {}}]
`)},
	{rule: diag.RuleAntiAffinity, name: "ensemble that also keeps away from another app", src: zkApp(`	affinity: podAntiAffinity: preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {topologyKey: "kubernetes.io/hostname", labelSelector: matchLabels: "app.kubernetes.io/name": "kafka"}}]
`)},
	{rule: diag.RuleNoExecute, name: "member tolerating every NoExecute taint for ever", fires: true, src: zkApp(`	tolerations: [{operator: "Exists", effect: "NoExecute"}]
`)},
	{rule: diag.RuleNoExecute, name: "member tolerating a not-ready node's every effect for ever", fires: true, src: zkApp(`	tolerations: [{key: "node.kubernetes.io/not-ready", operator: "Exists"}]
`)},
	// The taint manager matches tolerations by key: tolerating a dedicated
	// pool's NoExecute taint for ever keeps the member on its pool, not on
	// a failed node, and a tolerationSeconds would evict it from the pool.
	{rule: diag.RuleNoExecute, name: "member on a pool tainted NoExecute", src: zkApp(`	tolerations: [{key: "dedicated", operator: "Equal", value: "zk", effect: "NoExecute"}]
`)},
	{rule: diag.RuleNoExecute, name: "member tolerating an unreachable node of another value", src: zkApp(`	tolerations: [{key: "node.kubernetes.io/unreachable", operator: "Equal", value: "x", effect: "NoExecute"}]
`)},

	// STS306: spread and the app's own affinity.
	{rule: diag.RuleSpreadOverlap, name: "own anti-affinity on the hosts spread uses", fires: true, src: zkApp(`	affinity: podAntiAffinity: requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: "kubernetes.io/hostname", labelSelector: matchLabels: "app.kubernetes.io/name": "zk"}]
`)},
	{rule: diag.RuleSpreadOverlap, name: "own spread constraint on the zones spread uses", fires: true, src: zkApp(`	spread: {mode: "required", zones: "preferred"}
	topologySpreadConstraints: [{maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: matchLabels: "app.kubernetes.io/name": "zk"}]
`)},
	{rule: diag.RuleSpreadOverlap, name: "spread over hosts and zones, own constraint over racks", src: zkApp(`	spread: {mode: "required", zones: "preferred"}
	topologySpreadConstraints: [{maxSkew: 1, topologyKey: "example.com/rack", whenUnsatisfiable: "ScheduleAnyway", labelSelector: matchLabels: "app.kubernetes.io/name": "zk"}]
`)},
}
