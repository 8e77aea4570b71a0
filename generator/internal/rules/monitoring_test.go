package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
)

// exporterApp is pgApp with a postgres_exporter sidecar that owns port
// metrics; ports and extra are added inside the app.
func exporterApp(ports, extra string) string {
	return pgApp(`	ports: metrics: {port: 9187, container: "exporter"` + ports + `}
	sidecars: [{
		name:  "exporter"
		image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0"
		resources: {
			requests: {cpu: "10m", memory: "32Mi", "ephemeral-storage": "16Mi"}
			limits: {cpu: "100m", memory: "32Mi", "ephemeral-storage": "64Mi"}
		}
	}]
` + extra)
}

// headlessOnly exposes the metrics port on the headless Service alone:
// no client Service opens it to all.
const headlessOnly = `, expose: ["headless"]`

// monitoringCases are the cases of monitoringRules.
var monitoringCases = []ruleCase{
	// STS430: a port's container.
	{rule: diag.RulePortContainer, name: "misspelt container", fires: true, src: pgApp(`	ports: metrics: {port: 9187, container: "exporer"}
	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0"}]
`)},
	{rule: diag.RulePortContainer, name: "sidecar container", src: exporterApp("", "")},
	{rule: diag.RulePortContainer, name: "init container that completes", fires: true, src: pgApp(`	ports: metrics: {port: 9187, container: "exporter"}
	initContainers: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0"}]
`)},
	{rule: diag.RulePortContainer, name: "native sidecar", src: pgApp(`	ports: metrics: {port: 9187, container: "exporter"}
	initContainers: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", restartPolicy: "Always"}]
`)},
	{rule: diag.RulePortContainer, name: "the main container", fires: true, src: pgApp(`	ports: metrics: {port: 9187, container: "db"}
`)},
	{rule: diag.RulePortContainer, name: "declared again with another number", fires: true, src: pgApp(`	ports: metrics: {port: 9187, container: "exporter"}
	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", ports: [{name: "metrics", containerPort: 9188}]}]
`)},
	{rule: diag.RulePortContainer, name: "declared again alike", src: pgApp(`	ports: metrics: {port: 9187, container: "exporter"}
	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", ports: [{name: "metrics", containerPort: 9187}]}]
`)},

	// STS104 and STS005 on a port a sidecar owns: only its own probes may
	// name it, and its declaring the same port is no second port.
	{rule: diag.RuleProbePorts, name: "main container probes a sidecar's port", fires: true, src: exporterApp("", `	probes: liveness: tcp: "metrics"
`)},
	{rule: diag.RuleProbePorts, name: "sidecar probes its own port", src: pgApp(`	ports: metrics: {port: 9187, container: "exporter"}
	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", readinessProbe: httpGet: port: "metrics"}]
`)},
	{rule: diag.RuleContainerPorts, name: "owned port declared by its container too", src: pgApp(`	ports: metrics: {port: 9187, container: "exporter"}
	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", ports: [{name: "metrics", containerPort: 9187}]}]
`)},
	{rule: diag.RuleContainerPorts, name: "owned port's number taken by its container", fires: true, src: pgApp(`	ports: metrics: {port: 9187, container: "exporter"}
	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", ports: [{name: "prom", containerPort: 9187}]}]
`)},

	// STS431: the metrics port.
	{rule: diag.RuleMetricsPort, name: "no such port", fires: true, src: exporterApp("", `	metrics: port: "metric"
`)},
	{rule: diag.RuleMetricsPort, name: "a port of ports", src: exporterApp("", `	metrics: port: "metrics"
`)},
	{rule: diag.RuleMetricsPort, name: "ServiceMonitor on a port the headless Service does not carry", fires: true, src: exporterApp(`, expose: ["read"]`, `	metrics: port: "metrics"
`)},
	{rule: diag.RuleMetricsPort, name: "PodMonitor on a port the headless Service does not carry", src: exporterApp(`, expose: ["read"]`, `	metrics: {port: "metrics", monitor: "PodMonitor"}
`)},
	{rule: diag.RuleMetricsPort, name: "ServiceMonitor on a port a sidecar declares alone", fires: true, src: pgApp(`	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", ports: [{name: "metrics", containerPort: 9187}]}]
	metrics: port: "metrics"
`)},
	{rule: diag.RuleMetricsPort, name: "PodMonitor on a port a sidecar declares alone", src: pgApp(`	sidecars: [{name: "exporter", image: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", ports: [{name: "metrics", containerPort: 9187}]}]
	metrics: {port: "metrics", monitor: "PodMonitor"}
`)},
	{rule: diag.RuleMetricsPort, name: "UDP port", fires: true, src: exporterApp(`, protocol: "UDP"`, `	metrics: port: "metrics"
`)},

	// STS432: scrape settings.
	{rule: diag.RuleScrapeSettings, name: "interval with a space", fires: true, src: exporterApp("", `	metrics: {port: "metrics", interval: "30 s"}
`)},
	{rule: diag.RuleScrapeSettings, name: "interval and timeout", src: exporterApp("", `	metrics: {port: "metrics", interval: "1m30s", scrapeTimeout: "10s"}
`)},
	{rule: diag.RuleScrapeSettings, name: "timeout longer than the interval", fires: true, src: exporterApp("", `	metrics: {port: "metrics", interval: "30s", scrapeTimeout: "1m"}
`)},
	{rule: diag.RuleScrapeSettings, name: "zero interval", fires: true, src: exporterApp("", `	metrics: {port: "metrics", interval: "0"}
`)},
	{rule: diag.RuleScrapeSettings, name: "relative path", fires: true, src: exporterApp("", `	metrics: {port: "metrics", path: "metrics"}
`)},

	// STS433: labels.
	{rule: diag.RuleMonitorLabels, name: "label value with a space", fires: true, src: exporterApp("", `	metrics: {port: "metrics", labels: release: "kube prometheus"}
`)},
	{rule: diag.RuleMonitorLabels, name: "valid labels and scraper", src: exporterApp("", `	metrics: {port: "metrics", labels: release: "prometheus", scraper: {namespace: "monitoring", podSelector: "app.kubernetes.io/name": "prometheus"}}
`)},
	{rule: diag.RuleMonitorLabels, name: "scraper namespace upper case", fires: true, src: exporterApp("", `	metrics: {port: "metrics", scraper: namespace: "Monitoring"}
`)},
	{rule: diag.RuleMonitorLabels, name: "scraper selector key", fires: true, src: exporterApp("", `	metrics: {port: "metrics", scraper: podSelector: "-app": "prometheus"}
`)},

	// STS434: the scraper named.
	{rule: diag.RuleScraperNamed, name: "no scraper", fires: true, src: exporterApp(headlessOnly, `	metrics: port: "metrics"
`)},
	{rule: diag.RuleScraperNamed, name: "scraper named", src: exporterApp(headlessOnly, `	metrics: {port: "metrics", scraper: namespace: "monitoring"}
`)},
	{rule: diag.RuleScraperNamed, name: "no NetworkPolicy", src: exporterApp(headlessOnly, `	metrics: port: "metrics"
	networkPolicy: enabled: false
`)},

	// STS435: the monitor's targets.
	{rule: diag.RuleMonitorTargets, name: "ServiceMonitor selecting every Service", fires: true, mutate: monitorSelectsAll, src: exporterApp(headlessOnly, `	metrics: {port: "metrics", scraper: namespace: "monitoring"}
`)},
	{rule: diag.RuleMonitorTargets, name: "ServiceMonitor as built", src: exporterApp(headlessOnly, `	metrics: {port: "metrics", scraper: namespace: "monitoring"}
`)},
	{rule: diag.RuleMonitorTargets, name: "PodMonitor on a port no container has", fires: true, mutate: podMonitorPort, src: exporterApp(headlessOnly, `	metrics: {port: "metrics", monitor: "PodMonitor", scraper: namespace: "monitoring"}
`)},
	{rule: diag.RuleMonitorTargets, name: "PodMonitor as built", src: exporterApp(headlessOnly, `	metrics: {port: "metrics", monitor: "PodMonitor", scraper: namespace: "monitoring"}
`)},
	{rule: diag.RuleMonitorTargets, name: "scraper rule missing", fires: true, mutate: dropScraperRule, src: exporterApp(headlessOnly, `	metrics: {port: "metrics", scraper: {namespace: "monitoring", podSelector: app: "prometheus"}}
`)},
	{rule: diag.RuleMonitorTargets, name: "open scraper rule", src: exporterApp(headlessOnly, `	metrics: port: "metrics"
`)},
	{rule: diag.RuleMonitorTargets, name: "https of the certificate with a name it does not cover", fires: true, mutate: monitorServerName, src: tlsMetricsApp},
	{rule: diag.RuleMonitorTargets, name: "https of the certificate as built", src: tlsMetricsApp},

	// STS436: the scheme of metrics with tls.
	{rule: diag.RuleMetricsScheme, name: "tls and metrics of the main container without a scheme", fires: true, src: `package t

apps: etcd: {
	image:    "quay.io/coreos/etcd:v3.5.17"
	topology: "quorum"
	ports: {client: 2379, metrics: {port: 2381, expose: ["headless"]}}
	tls: issuer: name: "internal-ca"
	metrics: {port: "metrics", scraper: namespace: "monitoring"}
}
`},
	{rule: diag.RuleMetricsScheme, name: "tls and metrics with their scheme", src: `package t

apps: etcd: {
	image:    "quay.io/coreos/etcd:v3.5.17"
	topology: "quorum"
	ports: {client: 2379, metrics: {port: 2381, expose: ["headless"]}}
	tls: issuer: name: "internal-ca"
	metrics: {port: "metrics", scheme: "https", scraper: namespace: "monitoring"}
}
`},
}

// monitorSelectsAll makes the ServiceMonitor select every Service of the
// app.
func monitorSelectsAll(b *build.Bundle) {
	b.ServiceMonitor.Spec.Selector.MatchLabels = b.Read.Spec.Selector
}

// podMonitorPort makes the PodMonitor name a port no container declares.
func podMonitorPort(b *build.Bundle) {
	b.PodMonitor.Spec.PodMetricsEndpoints[0].Port = "prom"
}

// dropScraperRule removes the NetworkPolicy's last ingress rule, the
// scraper's.
func dropScraperRule(b *build.Bundle) {
	in := b.NetworkPolicy.Spec.Ingress
	b.NetworkPolicy.Spec.Ingress = in[:len(in)-1]
}

// tlsMetricsApp scrapes its main container's https metrics with tls.
const tlsMetricsApp = `package t

apps: etcd: {
	image:    "quay.io/coreos/etcd:v3.5.17"
	topology: "quorum"
	ports: {client: 2379, metrics: {port: 2381, expose: ["headless"]}}
	tls: issuer: name: "internal-ca"
	metrics: {port: "metrics", scheme: "https", scraper: namespace: "monitoring"}
}
`

// monitorServerName makes the ServiceMonitor check a name the certificate
// does not cover.
func monitorServerName(b *build.Bundle) {
	b.ServiceMonitor.Spec.Endpoints[0].TLSConfig.ServerName = "etcd.example.com"
}
