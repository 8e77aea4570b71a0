package rules

import "github.com/stsgen/stsgen/generator/diag"

// rbacCases are the cases of rbacRules.
var rbacCases = []ruleCase{
	// STS401: one account, granted the rules.
	{rule: diag.RuleServiceAccount, name: "serviceAccountName beside a created account", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccountName: "vault"
	serviceAccount: rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleServiceAccount, name: "a created account alone", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleServiceAccount, name: "rules with create false", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccountName: "vault"
	serviceAccount: {
		create: false
		rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
	}
}
`},
	{rule: diag.RuleServiceAccount, name: "create false with an account of the user's", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccountName: "vault"
	serviceAccount: create: false
}
`},
	{rule: diag.RuleServiceAccount, name: "leader with create false and no account", fires: true, src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	serviceAccount: create: false
	services: primary: leader: label: "role"
}
`},
	{rule: diag.RuleServiceAccount, name: "leader with create false and an account", src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	serviceAccountName: "patroni"
	serviceAccount: create: false
	services: primary: leader: label: "role"
}
`},
	{rule: diag.RuleServiceAccount, name: "account name with upper case", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: {create: true, name: "Vault"}
}
`},

	{rule: diag.RuleServiceAccount, name: "the namespace's default account", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: {name: "default", rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]}
}
`},
	{rule: diag.RuleServiceAccount, name: "an account named for the app", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: {name: "vault-sa", rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]}
}
`},
	{rule: diag.RuleServiceAccount, name: "leader without the token", fires: true, src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	automountServiceAccountToken: false
	services: primary: leader: label: "role"
}
`},
	{rule: diag.RuleServiceAccount, name: "leader with the account of the user's and the token", src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	serviceAccountName: "mine"
	serviceAccount: create: false
	services: primary: leader: label: "role"
}
`},

	// STS402: verbs, groups and resources.
	{rule: diag.RuleRBACVerbs, name: "rule without verbs", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["pods"]}]
}
`},
	{rule: diag.RuleRBACVerbs, name: "rule with verbs", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get", "update"]}]
}
`},
	{rule: diag.RuleRBACVerbs, name: "misspelt verb", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get", "pacth"]}]
}
`},
	{rule: diag.RuleRBACVerbs, name: "rule without apiGroups", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{resources: ["pods"], verbs: ["get"]}]
}
`},

	// STS403: resources.
	{rule: diag.RuleRBACResources, name: "misspelt core resource", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["pod"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "core resources and subresources", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["pods", "pods/log", "pods/exec", "services/status"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "core resource in apps", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: ["apps"], resources: ["pods"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "resources of no group are STS402's", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [], resources: ["pods"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "cluster-scoped resource", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["nodes"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "resource in the wrong group", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["leases"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "lease in coordination.k8s.io", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "update"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "core group written core", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: ["core"], resources: ["pods"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "misspelt built-in group", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: ["app"], resources: ["statefulsets"], verbs: ["get"]}]
}
`},
	{rule: diag.RuleRBACResources, name: "custom resource's group", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: ["acid.zalan.do"], resources: ["postgresqls"], verbs: ["get"]}]
}
`},

	// STS404: wildcards.
	{rule: diag.RuleRBACWildcard, name: "every verb", fires: true, src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["configmaps"], verbs: ["*"]}]
}
`},
	{rule: diag.RuleRBACWildcard, name: "named verbs", src: `package t

apps: vault: {
	image: "hashicorp/vault:1.18.3"
	ports: api: 8200
	serviceAccount: rules: [{apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"]}]
}
`},

	// STS405: the leader label.
	{rule: diag.RuleLeaderLabel, name: "leader label is the pod-name label", fires: true, src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	services: primary: leader: {label: "statefulset.kubernetes.io/pod-name", value: "pg-0"}
}
`},
	{rule: diag.RuleLeaderLabel, name: "leader label of the app's own", src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	services: primary: leader: {label: "role", value: "master"}
}
`},
	{rule: diag.RuleLeaderLabel, name: "leader label among the app's labels", fires: true, src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	labels: role: "db"
	services: primary: leader: {label: "role", value: "master"}
}
`},
	{rule: diag.RuleLeaderLabel, name: "leader label key not valid", fires: true, src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	services: primary: leader: label: "is leader"
}
`},
	{rule: diag.RuleLeaderLabel, name: "leader value empty", fires: true, src: `package t

apps: pg: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	services: primary: leader: {label: "role", value: ""}
}
`},
}
