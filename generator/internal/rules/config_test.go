package rules

import "github.com/stsgen/stsgen/generator/diag"

// configCases are the cases of configRules.
var configCases = []ruleCase{
	// STS013: ConfigMap keys.
	{rule: diag.RuleConfigMap, name: "file name with a slash", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "conf.d/postgresql.conf": "max_connections = 100\n"
}
`},
	{rule: diag.RuleConfigMap, name: "flat file name", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "postgresql.conf": "max_connections = 100\n"
}
`},
	{rule: diag.RuleConfigMap, name: "file name starting with ..", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "..pgpass": "*:*:*:app:secret\n"
}
`},
	{rule: diag.RuleConfigMap, name: "file name starting with one dot", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: ".pgpass": "*:*:*:app:secret\n"
}
`},
	{rule: diag.RuleConfigMap, name: "shared file with a role file's key", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: {
		files: "primary--postgresql.conf": "wal_level = replica\n"
		roles: primary: files: "postgresql.conf": "wal_level = logical\n"
	}
}
`},
	{rule: diag.RuleConfigMap, name: "shared and role files with distinct keys", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: {
		files: "common.conf": "wal_level = replica\n"
		roles: primary: files: "postgresql.conf": "wal_level = logical\n"
	}
}
`},
	{rule: diag.RuleConfigMap, name: "more than 1 MiB of config", fires: true, src: `package t

import "strings"

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "seed.sql": strings.Repeat("0123456789abcdef", 65537)
}
`},
	{rule: diag.RuleConfigMap, name: "512 KiB of config", src: `package t

import "strings"

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "seed.sql": strings.Repeat("0123456789abcdef", 32768)
}
`},

	// STS302: roles.
	{rule: diag.RuleRoles, name: "primary role in a standalone app", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: roles: primary: files: "postgresql.conf": "wal_level = replica\n"
}
`},
	{rule: diag.RuleRoles, name: "primary role in a primary-replica app", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: roles: primary: files: "postgresql.conf": "wal_level = replica\n"
}
`},
	{rule: diag.RuleRoles, name: "role args without a command", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: roles: replica: args: ["-c", "hot_standby=on"]
}
`},
	{rule: diag.RuleRoles, name: "role args with a command", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	command: ["docker-entrypoint.sh", "postgres"]
	ports: pg: 5432
	config: roles: replica: args: ["-c", "hot_standby=on"]
}
`},
	{rule: diag.RuleRoles, name: "role file shadows a shared file", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: {
		files: "postgresql.conf": "max_connections = 100\n"
		roles: replica: files: "postgresql.conf": "hot_standby = on\n"
	}
}
`},
	{rule: diag.RuleRoles, name: "role file beside a shared file", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	config: {
		files: "postgresql.conf": "max_connections = 100\ninclude_if_exists = 'role.conf'\n"
		roles: replica: files: "role.conf": "hot_standby = on\n"
	}
}
`},
	{rule: diag.RuleRoles, name: "server role in an ensemble", fires: true, src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	config: roles: server: files: "java.env": "JVMFLAGS=-Xmx1g\n"
}
`},
	{rule: diag.RuleRoles, name: "member role in an ensemble", src: `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	config: roles: member: files: "java.env": "JVMFLAGS=-Xmx1g\n"
}
`},
}

// templateCases are the cases of STS307.
var templateCases = []ruleCase{
	{rule: diag.RuleTemplates, name: "broker config with placeholders", src: zkApp(`	config: files: "server.properties": """
		node.id=@@id@@
		advertised.listeners=PLAINTEXT://@@fqdn@@:9092
		"""
`)},
	{rule: diag.RuleTemplates, name: "a placeholder stsgen-init does not know", fires: true, src: zkApp(`	config: files: "server.properties": """
		advertised.listeners=PLAINTEXT://@@FQDN@@:9092
		"""
`)},
	{rule: diag.RuleTemplates, name: "the primary's name in an ensemble", fires: true, src: zkApp(`	config: files: "zoo.cfg": "leader=@@primary@@\n"
`)},
	{rule: diag.RuleTemplates, name: "a $(VAR) reference in a config file", fires: true, src: zkApp(`	config: files: "server.properties": "advertised.listeners=PLAINTEXT://$(STSGEN_FQDN):9092\n"
`)},
	{rule: diag.RuleTemplates, name: "args with the identity of every container's env", src: zkApp(`	args: ["--name=$(STSGEN_POD)", "--advertise=$(STSGEN_FQDN)"]
`)},
	{rule: diag.RuleTemplates, name: "args with the id, which only the env file has", fires: true, src: zkApp(`	args: ["--id=$(STSGEN_ID)"]
`)},
	{rule: diag.RuleTemplates, name: "a sidecar's env with a misspelt identity", fires: true, src: zkApp(`	sidecars: [{name: "s", image: "busybox:1.36", command: ["true"], env: [{name: "PEER", value: "$(STSGEN_FDQN)"}]}]
`)},
	{rule: diag.RuleTemplates, name: "a placeholder in args", fires: true, src: zkApp(`	args: ["--advertise=@@fqdn@@"]
`)},
}
