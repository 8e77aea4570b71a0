package rules

import "github.com/stsgen/stsgen/generator/diag"

// portCases are the cases of portRules.
var portCases = []ruleCase{
	// STS005: container ports.
	{rule: diag.RuleContainerPorts, name: "upper-case port name", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, Peer: 2888}
}
`},
	{rule: diag.RuleContainerPorts, name: "lower-case port name", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, peer: 2888}
}
`},
	{rule: diag.RuleContainerPorts, name: "port name of 16 characters", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, "leader-election1": 3888}
}
`},
	{rule: diag.RuleContainerPorts, name: "port name of 15 characters", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: {client: 2181, "leader-election": 3888}
}
`},
	{rule: diag.RuleContainerPorts, name: "port name without a letter", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: "5432": 5432
}
`},
	{rule: diag.RuleContainerPorts, name: "same number twice", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: {pg: 5432, metrics: 5432}
}
`},
	{rule: diag.RuleContainerPorts, name: "distinct numbers", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: {pg: 5432, metrics: 9187}
}
`},
	{rule: diag.RuleContainerPorts, name: "same number twice on one protocol", fires: true, src: `package t

apps: dns: {
	image: "coredns/coredns:1.11.3"
	ports: {dns: {port: 53, protocol: "UDP"}, dnsalt: {port: 53, protocol: "UDP"}}
}
`},
	{rule: diag.RuleContainerPorts, name: "same number on two protocols", src: `package t

apps: dns: {
	image: "coredns/coredns:1.11.3"
	ports: {dns: {port: 53, protocol: "UDP"}, "dns-tcp": 53}
}
`},
	{rule: diag.RuleContainerPorts, name: "port number above 65535", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 65536
}
`},
	{rule: diag.RuleContainerPorts, name: "port number 65535", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 65535
}
`},
	{rule: diag.RuleContainerPorts, name: "port number 0", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 0
}
`},
	{rule: diag.RuleContainerPorts, name: "sidecar port name with a double dash", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		ports: [{name: "pg--metrics", containerPort: 9187}]
	}]
}
`},
	{rule: diag.RuleContainerPorts, name: "sidecar port name with a single dash", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		ports: [{name: "pg-metrics", containerPort: 9187}]
	}]
}
`},
	{rule: diag.RuleContainerPorts, name: "sidecar lists one port number twice", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		ports: [{name: "metrics", containerPort: 9187}, {name: "telemetry", containerPort: 9187}]
	}]
}
`},
	{rule: diag.RuleContainerPorts, name: "sidecar lists two port numbers", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		ports: [{name: "metrics", containerPort: 9187}, {name: "telemetry", containerPort: 9188}]
	}]
}
`},
}
