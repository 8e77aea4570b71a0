package rules

import (
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
)

// storageCases are the cases of storageRules.
var storageCases = []ruleCase{
	// STS006: volume mounts.
	{rule: diag.RuleVolumeMounts, name: "relative storage mount path", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "var/lib/postgresql"}
}
`},
	{rule: diag.RuleVolumeMounts, name: "absolute storage mount path", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleVolumeMounts, name: "storage mounted over the identity directory", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/etc/stsgen"}
	identity: init: true
}
`},
	{rule: diag.RuleVolumeMounts, name: "storage mounted beside the identity directory", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/etc/stsgen-data"}
}
`},
	{rule: diag.RuleVolumeMounts, name: "volume and claim at one path, spelt differently", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	volumes: scratch: {emptyDir: {}, mountPath: "/var/lib/postgresql/"}
}
`},
	{rule: diag.RuleVolumeMounts, name: "volume and claim at two paths", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	volumes: scratch: {emptyDir: {}, mountPath: "/var/lib/scratch"}
}
`},
	{rule: diag.RuleVolumeMounts, name: "config files mounted over storage", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/etc/postgresql"}
	config: {
		mountPath: "/etc/postgresql"
		files: "postgresql.conf": "max_connections = 100\n"
	}
}
`},
	{rule: diag.RuleVolumeMounts, name: "config files beside storage", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	config: {
		mountPath: "/etc/postgresql"
		files: "postgresql.conf": "max_connections = 100\n"
	}
}
`},
	{rule: diag.RuleVolumeMounts, name: "sidecar mounts a missing volume", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: pgdata: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	sidecars: [{
		name:  "backup"
		image: "postgres:17.2"
		volumeMounts: [{name: "data", mountPath: "/var/lib/postgresql", readOnly: true}]
	}]
}
`},
	{rule: diag.RuleVolumeMounts, name: "sidecar mounts the claim", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: pgdata: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	sidecars: [{
		name:  "backup"
		image: "postgres:17.2"
		volumeMounts: [{name: "pgdata", mountPath: "/var/lib/postgresql", readOnly: true}]
	}]
}
`},
	{rule: diag.RuleVolumeMounts, name: "sidecar mounts stsgen's volumes", src: pgApp("\tconfig: files: \"a.conf\": \"x\"\n\tsidecars: [{name: \"s\", volumeMounts: [{name: \"stsgen-tmp\", mountPath: \"/scratch\"}, {name: \"stsgen-source\", mountPath: \"/src\"}, {name: \"stsgen-config\", mountPath: \"/conf\"}]}]\n")},
	{rule: diag.RuleVolumeMounts, name: "sidecar mounts the config volume of an app without config files", fires: true, src: pgApp("\tsidecars: [{name: \"s\", volumeMounts: [{name: \"stsgen-config\", mountPath: \"/conf\"}]}]\n")},
	{rule: diag.RuleVolumeMounts, name: "volume named like a claim", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	volumes: data: {emptyDir: {}, mountPath: "/tmp/data"}
}
`},
	{rule: diag.RuleVolumeMounts, name: "volume named apart from the claim", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	volumes: tmp: {emptyDir: {}, mountPath: "/tmp/data"}
}
`},
	{rule: diag.RuleVolumeMounts, name: "sidecar mounts one path twice", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	volumes: tmp: emptyDir: {}
	sidecars: [{
		name:  "backup"
		image: "postgres:17.2"
		volumeMounts: [{name: "data", mountPath: "/backup"}, {name: "tmp", mountPath: "/backup"}]
	}]
}
`},
	{rule: diag.RuleVolumeMounts, name: "sidecar mounts two paths", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
	volumes: tmp: emptyDir: {}
	sidecars: [{
		name:  "backup"
		image: "postgres:17.2"
		volumeMounts: [{name: "data", mountPath: "/backup"}, {name: "tmp", mountPath: "/tmp"}]
	}]
}
`},
	{rule: diag.RuleVolumeMounts, name: "claim subPath climbs out", fires: true, src: strings.Replace(pgApp(""), `mountPath: "/var/lib/postgresql"}`, `mountPath: "/var/lib/postgresql", subPath: "../escape"}`, 1)},
	{rule: diag.RuleVolumeMounts, name: "claim subPath inside the volume", src: strings.Replace(pgApp(""), `mountPath: "/var/lib/postgresql"}`, `mountPath: "/var/lib/postgresql", subPath: "pgdata"}`, 1)},
	{rule: diag.RuleVolumeMounts, name: "volume subPath is absolute", fires: true, src: pgApp("\tvolumes: s: {secret: secretName: \"x\", mountPath: \"/s\", subPath: \"/abs\"}\n")},
	{rule: diag.RuleVolumeMounts, name: "sidecar sets subPath and subPathExpr", fires: true, src: pgApp("\tsidecars: [{name: \"s\", volumeMounts: [{name: \"data\", mountPath: \"/data\", subPath: \"x\", subPathExpr: \"$(POD)\"}]}]\n")},
	{rule: diag.RuleVolumeMounts, name: "sidecar sets subPathExpr alone", src: pgApp("\tsidecars: [{name: \"s\", volumeMounts: [{name: \"data\", mountPath: \"/data\", subPathExpr: \"$(POD)\"}]}]\n")},

	// STS007: claim templates.
	{rule: diag.RuleClaimTemplates, name: "zero size", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "0", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleClaimTemplates, name: "positive size", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleClaimTemplates, name: "negative size", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "-10Gi", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleClaimTemplates, name: "no access mode", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql", accessModes: []}
}
`},
	{rule: diag.RuleClaimTemplates, name: "one access mode", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql", accessModes: ["ReadWriteOncePod"]}
}
`},
	{rule: diag.RuleClaimTemplates, name: "claim name with an underscore", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: pg_data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleClaimTemplates, name: "claim name with a dash", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	storage: "pg-data": {size: "10Gi", mountPath: "/var/lib/postgresql"}
}
`},
	{rule: diag.RuleClaimTemplates, name: "storage class with upper case and '_'", fires: true, src: strings.Replace(pgApp(""), `size: "10Gi"`, `size: "10Gi", class: "Fast_SSD"`, 1)},
	{rule: diag.RuleClaimTemplates, name: "storage class that is a DNS name", src: strings.Replace(pgApp(""), `size: "10Gi"`, `size: "10Gi", class: "fast-ssd"`, 1)},
	{rule: diag.RuleVolumeMounts, name: "a writable copy of the root", fires: true, src: pgApp(`	writable: ["/"]
`)},
	{rule: diag.RuleVolumeMounts, name: "a writable copy of a config directory", src: pgApp(`	writable: ["/etc/postgresql"]
`)},
	{rule: diag.RuleVolumeMounts, name: "a secret file's mode written in decimal", fires: true, src: pgApp(`	secretFiles: "/etc/k": {secret: "s", key: "k", mode: 400}
`)},
	{rule: diag.RuleVolumeMounts, name: "a secret file's mode written in octal", src: pgApp(`	secretFiles: "/etc/k": {secret: "s", key: "k", mode: 0o600}
`)},
	{rule: diag.RuleVolumeMounts, name: "a writable copy where a claim is mounted", fires: true, src: pgApp(`	writable: ["/var/lib/postgresql"]
`)},
}
