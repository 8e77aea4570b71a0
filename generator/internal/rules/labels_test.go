package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// labelCases are the cases of labelRules.
var labelCases = []ruleCase{
	// STS002: the selector is not empty and matches the template (output only).
	{rule: diag.RuleSelector, name: "empty selector", fires: true, mutate: clearSelector, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleSelector, name: "selector of another label", fires: true, mutate: foreignSelector, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},
	{rule: diag.RuleSelector, name: "generated selector", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
}
`},

	// STS014: labels and annotations.
	{rule: diag.RuleLabels, name: "managed-by label", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: "app.kubernetes.io/managed-by": "helm"
}
`},
	{rule: diag.RuleLabels, name: "part-of label", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: "app.kubernetes.io/part-of": "payments"
}
`},
	{rule: diag.RuleLabels, name: "name label", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: "app.kubernetes.io/name": "postgres"
}
`},
	{rule: diag.RuleLabels, name: "label key with a space", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: "cost center": "payments"
}
`},
	{rule: diag.RuleLabels, name: "label key with a dash", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: "cost-center": "payments"
}
`},
	{rule: diag.RuleLabels, name: "label value of 64 characters", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: owner: "payments-ledger-platform-team-database-reliability-eu-west-1-abc"
}
`},
	{rule: diag.RuleLabels, name: "label value of 63 characters", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	labels: owner: "payments-ledger-platform-team-database-reliability-eu-west-1-ab"
}
`},
	{rule: diag.RuleLabels, name: "annotation key with two slashes", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	annotations: "example.com/backup/schedule": "daily"
}
`},
	{rule: diag.RuleLabels, name: "annotation key with one slash", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	annotations: "backup.example.com/schedule": "daily"
}
`},
	{rule: diag.RuleLabels, name: "read Service annotation key with a space", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: read: {type: "LoadBalancer", annotations: "load balancer/internal": "true"}
}
`},
	{rule: diag.RuleLabels, name: "read Service annotation key with a prefix", src: `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	services: read: {type: "LoadBalancer", annotations: "networking.gke.io/load-balancer-type": "Internal"}
}
`},
	{rule: diag.RuleLabels, name: "annotations above 256 KiB", fires: true, src: `package t

import "strings"

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	annotations: "example.com/notes": strings.Repeat("0123456789abcdef", 16384)
}
`},
	{rule: diag.RuleLabels, name: "annotations below 256 KiB", src: `package t

import "strings"

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	annotations: "example.com/notes": strings.Repeat("0123456789abcdef", 12500)
}
`},
	{rule: diag.RuleLabels, name: "annotations that fit only without the config hash", fires: true, src: `package t

import "strings"

// 17 + 262087 bytes: within 256 KiB, but the pod template also carries
// stsgen.dev/config-hash (22 + 64 bytes).
apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	annotations: "example.com/notes": strings.Repeat("0123456789abcdef", 16380) + "abcdefg"
}
`},
	{rule: diag.RuleLabels, name: "version with a space", fires: true, src: `package t

apps: db: {
	image:   "postgres:17.2"
	version: "17.2 patched"
	ports: pg: 5432
}
`},
	{rule: diag.RuleLabels, name: "version with a dash", src: `package t

apps: db: {
	image:   "postgres:17.2"
	version: "17.2-patched"
	ports: pg: 5432
}
`},
	{rule: diag.RuleLabels, name: "image tag too long for a label", fires: true, src: `package t

apps: db: {
	image: "postgres:17.2-bookworm-with-postgis-3.5-and-pgvector-0.8-and-timescale-2.17"
	ports: pg: 5432
}
`},
	{rule: diag.RuleLabels, name: "long image tag with a short version", src: `package t

apps: db: {
	image:   "postgres:17.2-bookworm-with-postgis-3.5-and-pgvector-0.8-and-timescale-2.17"
	version: "17.2"
	ports: pg: 5432
}
`},
}

// Mutations of a correct bundle, each breaking what one verify func
// guards.

func clearSelector(b *build.Bundle) { b.StatefulSet.Spec.Selector = &metav1.LabelSelector{} }

func foreignSelector(b *build.Bundle) {
	b.StatefulSet.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": b.App}}
}
