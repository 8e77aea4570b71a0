package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
)

// serviceCases are the cases of serviceRules.
var serviceCases = []ruleCase{
	// STS003: Service names.
	{rule: diag.RuleServiceNames, name: "read Service named like the headless one", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: read: name: "db-hs"
}
`},
	{rule: diag.RuleServiceNames, name: "read Service with its own name", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: read: name: "db-client"
}
`},
	{rule: diag.RuleServiceNames, name: "headless Service name with a leading digit", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: headless: name: "5432-peers"
}
`},
	{rule: diag.RuleServiceNames, name: "headless Service name with a leading letter", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: headless: name: "pg-peers"
}
`},
	{rule: diag.RuleServiceNames, name: "primary Service named like the read one", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	services: primary: name: "db"
}
`},
	{rule: diag.RuleServiceNames, name: "primary Service with its own name", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
	services: primary: name: "db-rw"
}
`},
	{rule: diag.RuleServiceNames, name: "headless Service named like the read one", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: headless: name: "db"
}
`},
	{rule: diag.RuleServiceNames, name: "serviceName set instead of the headless name", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	serviceName: "db-peers"
}
`},
	{rule: diag.RuleServiceNames, name: "headless name set for serviceName", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: headless: name: "db-peers"
}
`},

	// STS011: client Services carry a port.
	{rule: diag.RuleServicePorts, name: "only port exposed on the headless Service", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: {port: 5432, expose: ["headless"]}
}
`},
	{rule: diag.RuleServicePorts, name: "port exposed on the headless and read Services", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: {port: 5432, expose: ["headless", "read"]}
}
`},
	{rule: diag.RuleServicePorts, name: "app without ports", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
}
`},
	{rule: diag.RuleServicePorts, name: "expose on primary in a standalone app", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: {port: 5432, expose: ["read", "primary"]}
}
`},
	{rule: diag.RuleServicePorts, name: "expose on primary in a primary-replica app", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: {port: 5432, expose: ["read", "primary"]}
}
`},
	{rule: diag.RuleServicePorts, name: "primary Service without a port", fires: true, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: {port: 5432, expose: ["headless", "read"]}
}
`},

	// STS101: the headless Service (output only).
	{rule: diag.RuleHeadlessService, name: "headless Service renamed", fires: true, mutate: renameHeadless, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleHeadlessService, name: "headless Service and serviceName renamed together", mutate: renameHeadlessAndServiceName, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleHeadlessService, name: "headless Service with a cluster IP", fires: true, mutate: headlessClusterIP, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleHeadlessService, name: "headless Service selecting other pods", fires: true, mutate: headlessForeignSelector, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleHeadlessService, name: "generated headless Service", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: headless: name: "db-peers"
}
`},

	// STS106: Service targets (output only).
	{rule: diag.RuleServiceTargets, name: "read Service publishes not-ready pods", fires: true, mutate: readPublishesNotReady, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleServiceTargets, name: "read Service selecting other pods", fires: true, mutate: readForeignSelector, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleServiceTargets, name: "generated read Service", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleServiceTargets, name: "primary Service publishes not-ready pods", fires: true, mutate: primaryPublishesNotReady, src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
}
`},
	{rule: diag.RuleServiceTargets, name: "generated primary Service", src: `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	ports: pg: 5432
}
`},
}

// Mutations of a correct bundle, each breaking what one verify func
// guards.

func renameHeadless(b *build.Bundle) { b.Headless.Name += "-old" }

func renameHeadlessAndServiceName(b *build.Bundle) {
	b.Headless.Name = b.App + "-peers"
	b.StatefulSet.Spec.ServiceName = b.App + "-peers"
}

func headlessClusterIP(b *build.Bundle) { b.Headless.Spec.ClusterIP = "" }

func headlessForeignSelector(b *build.Bundle) {
	b.Headless.Spec.Selector = map[string]string{"app": b.App}
}

func readPublishesNotReady(b *build.Bundle) { b.Read.Spec.PublishNotReadyAddresses = true }

func primaryPublishesNotReady(b *build.Bundle) { b.Primary.Spec.PublishNotReadyAddresses = true }

func readForeignSelector(b *build.Bundle) { b.Read.Spec.Selector = map[string]string{"app": b.App} }
