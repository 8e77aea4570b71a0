package rules

import "github.com/stsgen/stsgen/generator/diag"

// systemCases are the cases of systemRules.
var systemCases = []ruleCase{
	// STS440: the policies between apps.
	{rule: diag.RuleSystemPolicy, name: "fromReferenced naming no app", fires: true, apps: 2, src: systemApps(`fromReferenced: true`, `args: ["--join=queue-0.queue-hs.default.svc.cluster.local:7000"]`)},
	{rule: diag.RuleSystemPolicy, name: "fromReferenced naming an app through peers", apps: 2, src: systemApps(`fromReferenced: true`, `args: ["--join=\(apps.queue.peers[0].fqdn):7000"]`)},
	{rule: diag.RuleSystemPolicy, name: "fromReferrers without a policy", fires: true, apps: 2, src: systemApps(`fromReferrers: true, enabled: false`, ``)},
	{rule: diag.RuleSystemPolicy, name: "fromReferrers with a policy", apps: 2, src: systemApps(`fromReferrers: true`, ``)},
}

// systemApps is a client that may name a queue; policy goes into the
// client's networkPolicy, client into the client.
func systemApps(policy, client string) string {
	return `package t

apps: queue: {
	image:    "example.com/queue:1.0"
	topology: "quorum"
	ports: {client: 7000, raft: {port: 7001, expose: ["headless"]}}
}

apps: client: {
	image: "example.com/client:1.0"
	ports: http: 8080
	networkPolicy: {` + policy + `}
	` + client + `
}
`
}
