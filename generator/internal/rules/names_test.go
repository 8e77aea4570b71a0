package rules

import "github.com/stsgen/stsgen/generator/diag"

// nameCases are the cases of nameRules.
var nameCases = []ruleCase{
	// STS001: the app name is a DNS label of at most 52 characters.
	{rule: diag.RuleStatefulSetName, name: "upper-case app name", fires: true, src: `package t

apps: OrdersDB: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleStatefulSetName, name: "lower-case app name", src: `package t

apps: "orders-db": {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleStatefulSetName, name: "53 characters", fires: true, src: `package t

apps: "payments-ledger-postgres-primary-eu-west-1-zone-a-012": {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleStatefulSetName, name: "52 characters", src: `package t

apps: "payments-ledger-postgres-primary-eu-west-1-zone-a-01": {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleStatefulSetName, name: "leading digit", fires: true, src: `package t

apps: "1db": {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleStatefulSetName, name: "trailing digit", src: `package t

apps: db1: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},

	// STS018: namespace, cluster domain and service account.
	{rule: diag.RuleDNSNames, name: "headless Service name of shell code, STS003 off", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS003: "off"
	services: headless: name: "hs$(reboot)"
}
`},
	{rule: diag.RuleDNSNames, name: "headless Service name with a leading digit, STS003 off", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	checks: STS003: "off"
	services: headless: name: "1db-hs"
}
`},
	{rule: diag.RuleDNSNames, name: "headless Service name of shell code, STS003 on: STS003 reports it", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: headless: name: "hs$(reboot)"
}
`},
	{rule: diag.RuleDNSNames, name: "upper-case namespace", fires: true, src: `package t

apps: db: {
	image:     "postgres:17.2"
	namespace: "Payments"
	ports: pg: 5432
}
`},
	{rule: diag.RuleDNSNames, name: "lower-case namespace", src: `package t

apps: db: {
	image:     "postgres:17.2"
	namespace: "payments"
	ports: pg: 5432
}
`},
	{rule: diag.RuleDNSNames, name: "namespace with a dot", fires: true, src: `package t

apps: db: {
	image:     "postgres:17.2"
	namespace: "payments.prod"
	ports: pg: 5432
}
`},
	{rule: diag.RuleDNSNames, name: "cluster domain with an underscore", fires: true, src: `package t

apps: db: {
	image:         "postgres:17.2"
	clusterDomain: "cluster_local"
	ports: pg: 5432
}
`},
	{rule: diag.RuleDNSNames, name: "custom cluster domain", src: `package t

apps: db: {
	image:         "postgres:17.2"
	clusterDomain: "k8s.example.com"
	ports: pg: 5432
}
`},
	{rule: diag.RuleDNSNames, name: "service account name with upper case and '_'", fires: true, src: pgApp("\tserviceAccountName: \"Bad_Name\"\n")},
	{rule: diag.RuleDNSNames, name: "service account name that is a subdomain", src: pgApp("\tserviceAccountName: \"db.backup\"\n")},
}
