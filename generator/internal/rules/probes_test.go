package rules

import "github.com/stsgen/stsgen/generator/diag"

// probeCases are the cases of probeRules.
var probeCases = []ruleCase{
	// STS017: probes.
	{rule: diag.RuleProbes, name: "liveness successThreshold 2", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: {
		readiness: exec: ["pg_isready", "-U", "postgres"]
		liveness: {tcp: "pg", successThreshold: 2}
	}
}
`},
	{rule: diag.RuleProbes, name: "readiness successThreshold 2", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: {
		readiness: {exec: ["pg_isready", "-U", "postgres"], successThreshold: 2}
		liveness: tcp: "pg"
	}
}
`},
	{rule: diag.RuleProbes, name: "startup successThreshold 3", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: {
		readiness: tcp: "pg"
		startup: {tcp: "pg", successThreshold: 3, failureThreshold: 30}
	}
}
`},
	{rule: diag.RuleProbes, name: "startup successThreshold 1", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: {
		readiness: tcp: "pg"
		startup: {tcp: "pg", successThreshold: 1, failureThreshold: 30}
	}
}
`},
	{rule: diag.RuleProbes, name: "two handlers", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: {tcp: "pg", exec: ["pg_isready"]}
}
`},
	{rule: diag.RuleProbes, name: "one handler", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: exec: ["pg_isready"]
}
`},
	{rule: diag.RuleProbes, name: "no handler", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: periodSeconds: 5
}
`},
	{rule: diag.RuleProbes, name: "exec without a command", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: exec: []
}
`},
	{rule: diag.RuleProbes, name: "liveness needs quorum", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	podManagementPolicy: "Parallel"
	probes: {
		readiness: exec: ["zkServer.sh", "status"]
		liveness: {tcp: "client", needsQuorum: true}
	}
}
`},
	{rule: diag.RuleProbes, name: "readiness needs quorum", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	podManagementPolicy: "Parallel"
	probes: {
		readiness: {exec: ["zkServer.sh", "status"], needsQuorum: true}
		liveness: tcp: "client"
	}
}
`},

	// STS104: probe ports.
	{rule: diag.RuleProbePorts, name: "tcp probe on an unknown port", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: tcp: "postgres"
}
`},
	{rule: diag.RuleProbePorts, name: "tcp probe on a declared port", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: tcp: "pg"
}
`},
	{rule: diag.RuleProbePorts, name: "http probe on an unknown port", fires: true, src: `package t

apps: es: {
	image: "elasticsearch:8.16.1"
	ports: {http: 9200, transport: 9300}
	probes: readiness: http: {port: "rest", path: "/_cluster/health?local=true"}
}
`},
	{rule: diag.RuleProbePorts, name: "http probe on a declared port", src: `package t

apps: es: {
	image: "elasticsearch:8.16.1"
	ports: {http: 9200, transport: 9300}
	probes: readiness: http: {port: "http", path: "/_cluster/health?local=true"}
}
`},
	{rule: diag.RuleProbePorts, name: "grpc probe on an unknown port", fires: true, src: `package t

apps: etcd: {
	image: "quay.io/coreos/etcd:v3.5.17"
	ports: {client: 2379, peer: 2380}
	probes: readiness: grpc: port: "grpc"
}
`},
	{rule: diag.RuleProbePorts, name: "grpc probe on a declared port", src: `package t

apps: etcd: {
	image: "quay.io/coreos/etcd:v3.5.17"
	ports: {client: 2379, peer: 2380}
	probes: readiness: grpc: port: "client"
}
`},
	{rule: diag.RuleProbePorts, name: "liveness probe on an unknown port", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: {
		readiness: exec: ["pg_isready"]
		liveness: tcp: "postgresql"
	}
}
`},
	{rule: diag.RuleProbePorts, name: "sidecar probe names a port it lacks", fires: true, src: pgApp("\tsidecars: [{name: \"exporter\", ports: [{name: \"metrics\", containerPort: 9187}], livenessProbe: httpGet: port: \"metrix\"}]\n")},
	{rule: diag.RuleProbePorts, name: "sidecar probe names its own port", src: pgApp("\tsidecars: [{name: \"exporter\", ports: [{name: \"metrics\", containerPort: 9187}], livenessProbe: httpGet: port: \"metrics\"}]\n")},

	// STS105: readiness probe.
	{rule: diag.RuleReadiness, name: "no readiness probe", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleReadiness, name: "readiness probe", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: exec: ["pg_isready"]
}
`},
	{rule: diag.RuleReadiness, name: "only a liveness probe", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: liveness: tcp: "pg"
}
`},
	{rule: diag.RuleReadiness, name: "liveness identical to readiness", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: {
		readiness: exec: ["pg_isready", "-U", "postgres"]
		liveness: exec: ["pg_isready", "-U", "postgres"]
	}
}
`},
	{rule: diag.RuleReadiness, name: "liveness cheaper than readiness", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: {
		readiness: exec: ["pg_isready", "-U", "postgres"]
		liveness: tcp: "pg"
	}
}
`},
	{rule: diag.RuleReadiness, name: "identical http probes", fires: true, src: `package t

apps: es: {
	image: "elasticsearch:8.16.1"
	ports: {http: 9200, transport: 9300}
	probes: {
		readiness: http: {port: "http", path: "/_cluster/health"}
		liveness: http: {port: "http", path: "/_cluster/health"}
	}
}
`},
	{rule: diag.RuleReadiness, name: "http probes on two paths", src: `package t

apps: es: {
	image: "elasticsearch:8.16.1"
	ports: {http: 9200, transport: 9300}
	probes: {
		readiness: http: {port: "http", path: "/_cluster/health"}
		liveness: http: {port: "http", path: "/"}
	}
}
`},
	{rule: diag.RuleReadiness, name: "identical grpc probes", fires: true, src: `package t

apps: etcd: {
	image: "quay.io/coreos/etcd:v3.5.17"
	ports: {client: 2379, peer: 2380}
	probes: {
		readiness: grpc: {port: "client", service: "readiness"}
		liveness: grpc: {port: "client", service: "readiness"}
	}
}
`},
	{rule: diag.RuleReadiness, name: "grpc probes of two health services", src: `package t

apps: etcd: {
	image: "quay.io/coreos/etcd:v3.5.17"
	ports: {client: 2379, peer: 2380}
	probes: {
		readiness: grpc: {port: "client", service: "readiness"}
		liveness: grpc: {port: "client", service: "liveness"}
	}
}
`},
}
