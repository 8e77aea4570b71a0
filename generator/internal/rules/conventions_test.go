package rules

import "github.com/stsgen/stsgen/generator/diag"

// conventionCases are the cases of conventionRules.
var conventionCases = []ruleCase{
	// STS016: the schema (reported by Decode).
	{rule: diag.RuleSchema, name: "misspelt field", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replica:  3
	ports: client: 2181
}
`},
	{rule: diag.RuleSchema, name: "correctly spelt field", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 3
	ports: client: 2181
}
`},
	{rule: diag.RuleSchema, name: "replicas as a string", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: "3"
	ports: client: 2181
}
`},
	{rule: diag.RuleSchema, name: "topology outside the enumeration", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "ensemble"
	ports: client: 2181
}
`},
	{rule: diag.RuleSchema, name: "missing image", fires: true, src: `package t

apps: zk: {
	topology: "quorum"
	ports: client: 2181
}
`},
	{rule: diag.RuleSchema, name: "misspelt securityContext field", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: runAsUsr: 999
}
`},
	{rule: diag.RuleSchema, name: "securityContext field", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: runAsUser: 999
}
`},
	{rule: diag.RuleSchema, name: "volume without a source", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	volumes: scratch: mountPath: "/scratch"
}
`},
	{rule: diag.RuleSchema, name: "volume with a source", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	volumes: scratch: {emptyDir: {}, mountPath: "/scratch"}
}
`},
	{rule: diag.RuleSchema, name: "checks key in lower case", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: sts107: "off"
}
`},

	// STS301: reserved names.
	{rule: diag.RuleReserved, name: "claim named stsgen-data", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: "stsgen-data": {size: "10Gi", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleReserved, name: "claim named data", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleReserved, name: "volume named stsgen-tmp", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	volumes: "stsgen-tmp": {emptyDir: {}, mountPath: "/tmp"}
}
`},
	{rule: diag.RuleReserved, name: "volume named tmp", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	volumes: tmp: {emptyDir: {}, mountPath: "/tmp"}
}
`},
	{rule: diag.RuleReserved, name: "init container named stsgen-init", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{name: "stsgen-init", command: ["sh", "-c", "true"]}]
}
`},
	{rule: diag.RuleReserved, name: "sidecar named stsgen-exporter", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "stsgen-exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},
	{rule: diag.RuleReserved, name: "sidecar named pg-exporter", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{name: "pg-exporter", image: "prometheuscommunity/postgres-exporter:v0.16.0"}]
}
`},
	{rule: diag.RuleReserved, name: "config file named like the init script", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "stsgen-init.sh": "#!/bin/sh\n"
}
`},
	{rule: diag.RuleReserved, name: "config file named init.sh", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "init.sh": "#!/bin/sh\n"
}
`},
	{rule: diag.RuleReserved, name: "config-hash annotation", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	annotations: "stsgen.dev/config-hash": "0"
}
`},
	{rule: diag.RuleReserved, name: "another stsgen.dev annotation", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	annotations: "stsgen.dev/owner": "payments"
}
`},
	{rule: diag.RuleReserved, name: "pod-name label", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: "statefulset.kubernetes.io/pod-name": "db-0"
}
`},

	// STS304: checks overrides.
	{rule: diag.RuleChecksOverride, name: "unknown rule", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS999: "off"
}
`},
	{rule: diag.RuleChecksOverride, name: "known rule off", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS102: "off"
}
`},
	{rule: diag.RuleChecksOverride, name: "fixed rule lowered", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS001: "warning"
}
`},
	{rule: diag.RuleChecksOverride, name: "fixed rule at its own severity", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS001: "error"
}
`},
	{rule: diag.RuleChecksOverride, name: "warning rule raised", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS107: "error"
}
`},
	{rule: diag.RuleChecksOverride, name: "the override rule itself turned off", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS304: "off"
}
`},
	{rule: diag.RuleChecksOverride, name: "a container's checks name a fixed rule", fires: true, src: pgApp(`	initContainers: [{name: "init", image: "busybox:1.36", command: ["true"], checks: STS021: "off"}]
`)},
	{rule: diag.RuleChecksOverride, name: "a container's checks name a rule that may change", src: pgApp(`	initContainers: [{name: "init", image: "busybox:1.36", command: ["true"], checks: STS107: "off"}]
`)},
	// STS308: stsgen-init runs when something needs it.
	{rule: diag.RuleInitNeeded, name: "init turned off with config files to install", fires: true, src: pgApp(`	identity: init: false
	config: files: "postgresql.conf": "max_connections = 100\n"
`)},
	{rule: diag.RuleInitNeeded, name: "init turned off with a sidecar reading the env file", fires: true, src: pgApp(`	identity: init: false
	sidecars: [{name: "agent", image: "busybox:1.36", command: ["sh", "-c", ". /etc/stsgen/env && exec agent"]}]
`)},
	{rule: diag.RuleInitNeeded, name: "init turned off with nothing that needs it", src: pgApp(`	identity: init: false
	args: ["--name=$(STSGEN_POD)"]
`)},
	{rule: diag.RuleInitNeeded, name: "init turned on with nothing that needs it", src: pgApp(`	identity: init: true
`)},
	{rule: diag.RuleReserved, name: "an env var named like the identity", fires: true, src: pgApp(`	env: STSGEN_POD: "override"
`)},
	{rule: diag.RuleReserved, name: "a sidecar's env var named like the identity", fires: true, src: pgApp(`	sidecars: [{name: "s", image: "busybox:1.36", command: ["true"], env: [{name: "STSGEN_FQDN", value: "x"}]}]
`)},
	{rule: diag.RuleInitNeeded, name: "init turned off with a probe reading the identity", fires: true, src: `package t

apps: web: {
	image: "nginx:1.27.3"
	ports: http: 80
	identity: init: false
	probes: readiness: exec: ["sh", "-c", ". /etc/stsgen/env && test -n \"$STSGEN_ID\""]
}
`},
	{rule: diag.RuleInitNeeded, name: "init turned off with a path that only starts like the identity directory", src: `package t

apps: web: {
	image: "nginx:1.27.3"
	ports: http: 80
	identity: {init: false, mountPath: "/id"}
	args: ["--data-dir=/idx", "--tools=/id-tools"]
}
`},
	// STS309: identity settings take effect.
	{rule: diag.RuleIdentityUnused, name: "an identity image for pods with no stsgen-init", fires: true, src: pgApp(`	identity: image: "busybox:1.36"
`)},
	{rule: diag.RuleIdentityUnused, name: "an identity image for pods that install config files", src: pgApp(`	identity: image: "busybox:1.36"
	config: files: "a.conf": "x"
`)},
}
