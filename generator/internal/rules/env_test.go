package rules

import "github.com/stsgen/stsgen/generator/diag"

// envCases are the cases of envRules.
var envCases = []ruleCase{
	// STS020: env names, and role env names that are shell names.
	{rule: diag.RuleEnvNames, name: "role env name with a dash", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	command: ["docker-entrypoint.sh", "postgres"]
	ports: pg: 5432
	config: roles: replica: env: "PG-MODE": "standby"
}
`},
	{rule: diag.RuleEnvNames, name: "role env name with an underscore", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	command: ["docker-entrypoint.sh", "postgres"]
	ports: pg: 5432
	config: roles: replica: env: PG_MODE: "standby"
}
`},
	{rule: diag.RuleEnvNames, name: "role env name with a leading digit", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	command: ["docker-entrypoint.sh", "postgres"]
	ports: pg: 5432
	config: roles: replica: env: "2ND_MODE": "standby"
}
`},
	{rule: diag.RuleEnvNames, name: "env name with '='", fires: true, src: pgApp("\tenv: \"A=B\": \"x\"\n")},
	{rule: diag.RuleEnvNames, name: "env name with '.' and '-'", src: pgApp("\tenv: \"my.var-1\": \"x\"\n")},
	{rule: diag.RuleEnvNames, name: "sidecar env name empty", fires: true, src: pgApp("\tsidecars: [{name: \"s\", env: [{name: \"\", value: \"x\"}]}]\n")},

	// STS111: env duplicates and ConfigMap references.
	{rule: diag.RuleEnvDuplicates, name: "role env repeats the app env", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	command: ["docker-entrypoint.sh", "postgres"]
	ports: pg: 5432
	env: PGDATA: "/var/lib/postgresql/data"
	config: roles: replica: env: PGDATA: "/var/lib/postgresql/replica"
}
`},
	{rule: diag.RuleEnvDuplicates, name: "role env with its own variable", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	command: ["docker-entrypoint.sh", "postgres"]
	ports: pg: 5432
	env: PGDATA: "/var/lib/postgresql/data"
	config: roles: replica: env: STANDBY_MODE: "on"
}
`},
	{rule: diag.RuleEnvDuplicates, name: "sidecar sets a variable twice", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		env: [{name: "DATA_SOURCE_USER", value: "postgres"}, {name: "DATA_SOURCE_USER", value: "exporter"}]
	}]
}
`},
	{rule: diag.RuleEnvDuplicates, name: "sidecar sets two variables", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		env: [{name: "DATA_SOURCE_USER", value: "postgres"}, {name: "DATA_SOURCE_URI", value: "localhost:5432/postgres"}]
	}]
}
`},
	{rule: diag.RuleEnvDuplicates, name: "reference to a missing ConfigMap key", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "postgresql.conf": "max_connections = 100\n"
	env: PG_CONF: valueFrom: configMapKeyRef: {name: "db-config", key: "postgres.conf"}
}
`},
	{rule: diag.RuleEnvDuplicates, name: "reference to a config file's key", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "postgresql.conf": "max_connections = 100\n"
	env: PG_CONF: valueFrom: configMapKeyRef: {name: "db-config", key: "postgresql.conf"}
}
`},
	{rule: diag.RuleEnvDuplicates, name: "sidecar reference to a missing ConfigMap key", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	config: files: "queries.yaml": "pg_up: {}\n"
	sidecars: [{
		name:  "exporter"
		image: "prometheuscommunity/postgres-exporter:v0.16.0"
		env: [{name: "PG_EXPORTER_EXTEND_QUERY_PATH", valueFrom: configMapKeyRef: {name: "db-config", key: "queries.yml"}}]
	}]
}
`},
	{rule: diag.RuleEnvDuplicates, name: "reference to another ConfigMap", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	env: PG_CONF: valueFrom: configMapKeyRef: {name: "shared-config", key: "postgres.conf"}
}
`},
}
