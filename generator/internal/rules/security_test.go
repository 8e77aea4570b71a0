package rules

import "github.com/stsgen/stsgen/generator/diag"

// securityCases are the cases of securityRules.
var securityCases = []ruleCase{
	// STS109: security.
	{rule: diag.RuleSecurity, name: "privileged", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: privileged: true
}
`},
	{rule: diag.RuleSecurity, name: "not privileged", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: privileged: false
}
`},
	{rule: diag.RuleSecurity, name: "allowPrivilegeEscalation", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: allowPrivilegeEscalation: true
}
`},
	{rule: diag.RuleSecurity, name: "runAsUser 0", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: runAsUser: 0
}
`},
	{rule: diag.RuleSecurity, name: "runAsUser 999", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: runAsUser: 999
}
`},
	{rule: diag.RuleSecurity, name: "pod runAsNonRoot false", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	podSecurityContext: runAsNonRoot: false
}
`},
	{rule: diag.RuleSecurity, name: "pod runAsNonRoot true", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	podSecurityContext: {runAsNonRoot: true, runAsUser: 999, fsGroup: 999}
}
`},
	{rule: diag.RuleSecurity, name: "pod runAsUser 0", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	podSecurityContext: runAsUser: 0
}
`},
	{rule: diag.RuleSecurity, name: "capability NET_RAW", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: capabilities: add: ["NET_RAW"]
}
`},
	{rule: diag.RuleSecurity, name: "capability NET_BIND_SERVICE", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: capabilities: {add: ["NET_BIND_SERVICE"], drop: ["ALL"]}
}
`},
	{rule: diag.RuleSecurity, name: "capability CAP_SYS_ADMIN", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: capabilities: add: ["CAP_SYS_ADMIN"]
}
`},
	{rule: diag.RuleSecurity, name: "capability sys_admin in lower case", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: capabilities: add: ["sys_admin"]
}
`},
	{rule: diag.RuleSecurity, name: "capability net_bind_service in lower case", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	securityContext: capabilities: add: ["net_bind_service"]
}
`},
	{rule: diag.RuleSecurity, name: "privileged sidecar", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		securityContext: privileged: true
	}]
}
`},
	{rule: diag.RuleSecurity, name: "unprivileged sidecar", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: true}
	}]
}
`},
	{rule: diag.RuleSecurity, name: "init container as root", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	initContainers: [{
		name:    "chown"
		image:   "busybox:1.37.0"
		command: ["chown", "-R", "999", "/var/lib/postgresql"]
		securityContext: runAsUser: 0
	}]
}
`},
	// A container's own checks: one init container alone may be privileged.
	{rule: diag.RuleSecurity, name: "privileged init container that says so", src: pgApp(`	initContainers: [{name: "sysctl", image: "busybox:1.36", command: ["sysctl", "-w", "vm.max_map_count=262144"], securityContext: {privileged: true, runAsUser: 0}, checks: STS109: "off"}]
`)},
	{rule: diag.RuleSecurity, name: "privileged sidecar beside an init container that says so", fires: true, src: pgApp(`	initContainers: [{name: "sysctl", image: "busybox:1.36", command: ["true"], securityContext: privileged: true, checks: STS109: "off"}]
	sidecars: [{name: "agent", image: "busybox:1.36", command: ["sleep", "inf"], securityContext: privileged: true}]
`)},
}
