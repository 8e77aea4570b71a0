package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// monitoringRules check the ports other containers own and the metrics
// the app exposes: the port, the scrape settings, the monitor and the
// NetworkPolicy's door for the scraper.
var monitoringRules = []*Rule{rulePortContainer, ruleMetricsPort, ruleScrapeSettings, ruleMonitorLabels, ruleScraperNamed, ruleMonitorTargets, ruleMetricsScheme}

var rulePortContainer = &Rule{
	ID: diag.RulePortContainer, Title: "a port's container is a sidecar of the app and agrees with the ports it declares",
	Severity: diag.Error, Fixed: true, Source: "Kubernetes endpoints controller",
	check: checkPortContainer,
	Explain: `A port of ports may name, with container, the sidecar that listens on it,
such as a metrics exporter: the port goes into that container's ports and
the Services carry it like any other (Kubernetes finds a Service's
targetPort by name in every container of the pod, and in the init
containers with restartPolicy: Always). So the container must be one of
sidecars, or an init container with restartPolicy: Always; an init
container that runs to completion is gone before the port is used.

A container that declares a port of the same name itself must give it the
same number and protocol: the pod would otherwise have two ports for one
name, and which one a Service reaches would be an accident. Write the
port once, under ports.`,
}

// checkPortContainer: every port's container is a sidecar or native
// sidecar, and a port it also declares agrees with ports.
func checkPortContainer(c *checker) {
	s := c.s
	var owners []string
	for _, o := range s.PortOwners() {
		owners = append(owners, o.Name)
	}
	for _, p := range s.Ports {
		if p.Container == "" {
			continue
		}
		sels := at("ports", p.Name, "container")
		if p.Container == s.Name {
			c.report(sels, "%q is the main container, which holds every port that names no container; remove container", p.Container)
			continue
		}
		if i := slices.IndexFunc(s.InitContainers, func(ct corev1.Container) bool { return ct.Name == p.Container }); i >= 0 && !spec.IsNativeSidecar(s.InitContainers[i]) {
			c.report(sels, "init container %q runs to completion before the app starts, so nothing would listen on the port; give it restartPolicy: \"Always\" to keep it running beside the app, or move it to sidecars", p.Container)
			continue
		}
		i := slices.IndexFunc(s.PortOwners(), func(ct corev1.Container) bool { return ct.Name == p.Container })
		if i < 0 {
			c.report(sels, "no sidecar is named %q; %s", p.Container, nameHint(p.Container, owners, "sidecars"))
			continue
		}
		for _, cp := range s.PortOwners()[i].Ports {
			proto := cp.Protocol
			if proto == "" {
				proto = corev1.ProtocolTCP
			}
			if cp.Name == p.Name && (cp.ContainerPort != p.Port || proto != p.Protocol) {
				c.report(sels, "container %q declares port %q as %s/%d, and ports.%s says %s/%d; write the port once, under ports, and drop the container's entry", p.Container, p.Name, proto, cp.ContainerPort, p.Name, p.Protocol, p.Port)
			}
		}
	}
}

// nameHint suggests the name of names nearest to name, or lists them; what
// says where they are declared.
func nameHint(name string, names []string, what string) string {
	best, near := closest(name, names)
	switch {
	case near:
		return fmt.Sprintf("did you mean %q?", best)
	case len(names) == 0:
		return "the app has none; declare the container under " + what
	}
	return "they are " + strings.Join(names, ", ")
}

var ruleMetricsPort = &Rule{
	ID: diag.RuleMetricsPort, Title: "the metrics port is a TCP port of the app, carried by the Service a ServiceMonitor selects",
	Severity: diag.Error, Fixed: true, Source: "Prometheus Operator",
	check: checkMetricsPort,
	Explain: `metrics.port names the port Prometheus scrapes: one of ports (a sidecar
exporter's too, with container), or a port a sidecar declares itself. A
ServiceMonitor names a port of the Services it selects; stsgen's selects
the headless Service, so the port must be under ports and exposed on
"headless" (it is by default). A PodMonitor names a container port, so any
container's will do. Prometheus scrapes over HTTP, so the port is TCP.`,
}

// checkMetricsPort: metrics.port names a TCP port of some container, and
// a ServiceMonitor's is carried by the headless Service.
func checkMetricsPort(c *checker) {
	s := c.s
	if s.Metrics == nil {
		return
	}
	sels := at("metrics", "port")
	t, ok := s.MetricsPort()
	if !ok {
		var names []string
		for _, p := range s.Ports {
			names = append(names, p.Name)
		}
		for _, o := range s.PortOwners() {
			for _, p := range o.Ports {
				if p.Name != "" {
					names = append(names, p.Name)
				}
			}
		}
		c.report(sels, "no port is named %q; %s", s.Metrics.Port, nameHint(s.Metrics.Port, names, "ports"))
		return
	}
	if t.Protocol != corev1.ProtocolTCP {
		c.report(sels, "port %q is %s; Prometheus scrapes over HTTP, on TCP", t.Name, t.Protocol)
	}
	if s.Monitor() != spec.MonitorService {
		return
	}
	switch {
	case !t.InPorts:
		c.report(sels, "port %q is declared by container %q alone, and a ServiceMonitor scrapes through the headless Service, which carries only the ports under ports; declare it there: ports: %q: {port: %d, container: %q}, or write monitor: %q", t.Name, t.Container, t.Name, t.Number, t.Container, spec.MonitorPod)
	case !t.Port.ExposedOn(spec.SvcHeadless):
		c.report(sels, "the ServiceMonitor scrapes the members through the headless Service, which does not carry port %q; add \"headless\" to ports.%s.expose", t.Name, t.Name)
	}
}

var ruleScrapeSettings = &Rule{
	ID: diag.RuleScrapeSettings, Title: "the scrape interval and timeout are Prometheus durations, the timeout within the interval",
	Severity: diag.Error, Fixed: true, Source: "Prometheus Operator CRD, Prometheus",
	check: checkScrapeSettings,
	Explain: `interval and scrapeTimeout are Prometheus durations: units y, w, d, h, m,
s and ms, largest first, each at most once, such as "30s" or "1m30s"; the
ServiceMonitor and PodMonitor CRDs refuse anything else ("30 s", "1.5m",
"30"). Zero would scrape never, or time out at once. Prometheus refuses a
scrape timeout longer than the interval. The path is an absolute URL
path.`,
}

// durationPattern is Prometheus' duration (model.ParseDuration), which the
// CRDs' pattern also accepts.
var durationPattern = regexp.MustCompile(`^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$`)

// checkScrapeSettings: interval and scrapeTimeout are non-zero Prometheus
// durations, the timeout at most the interval, and the path absolute.
func checkScrapeSettings(c *checker) {
	m := c.s.Metrics
	if m == nil {
		return
	}
	durations := map[string]time.Duration{}
	for _, f := range []struct{ name, v string }{{"interval", m.Interval}, {"scrapeTimeout", m.ScrapeTimeout}} {
		if !c.wrote(at("metrics", f.name)) {
			continue
		}
		d, ok := promDuration(f.v)
		switch {
		case !ok:
			c.report(at("metrics", f.name), "%q is not a Prometheus duration; write a number and a unit (y, w, d, h, m, s, ms), largest first, without spaces, such as %q", f.v, suggestDuration(f.v))
		case d == 0:
			c.report(at("metrics", f.name), "%q is zero, which would scrape never or time out at once; write a duration such as \"30s\"", f.v)
		default:
			durations[f.name] = d
		}
	}
	if i, t := durations["interval"], durations["scrapeTimeout"]; i > 0 && t > i {
		c.report(at("metrics", "scrapeTimeout"), "%s is longer than the interval %s, which Prometheus refuses; make it at most %s", m.ScrapeTimeout, m.Interval, m.Interval)
	}
	if !strings.HasPrefix(m.Path, "/") {
		c.report(at("metrics", "path"), "%q is not an absolute path; write %q", m.Path, "/"+m.Path)
	}
}

// promDuration parses a Prometheus duration; ok is false when it is not
// one.
func promDuration(s string) (time.Duration, bool) {
	if s == "0" {
		return 0, true
	}
	if s == "" || !durationPattern.MatchString(s) {
		return 0, false
	}
	units := []struct {
		suffix string
		d      time.Duration
	}{{"ms", time.Millisecond}, {"y", 365 * 24 * time.Hour}, {"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}}
	var total time.Duration
	for rest := s; rest != ""; {
		i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		n, _ := strconv.Atoi(rest[:i])
		rest = rest[i:]
		for _, u := range units {
			if strings.HasPrefix(rest, u.suffix) {
				total += time.Duration(n) * u.d
				rest = rest[len(u.suffix):]
				break
			}
		}
	}
	return total, true
}

// suggestDuration turns what was meant as a duration into one: "30" and
// "30 s" into "30s", "1.5m" into "90s".
func suggestDuration(s string) string {
	t := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if _, err := strconv.Atoi(t); err == nil {
		return t + "s"
	}
	if d, err := time.ParseDuration(t); err == nil && d > 0 && d%time.Second == 0 {
		return strconv.Itoa(int(d/time.Second)) + "s"
	}
	if _, ok := promDuration(t); ok {
		return t
	}
	return "30s"
}

var ruleMonitorLabels = &Rule{
	ID: diag.RuleMonitorLabels, Title: "the monitor's labels and the scraper's selector are valid labels",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkMonitorLabels,
	Explain: `metrics.labels label the ServiceMonitor or PodMonitor, so that the
Prometheus instance's serviceMonitorSelector or podMonitorSelector picks
it up (release: "prometheus" for the kube-prometheus-stack chart); they
must be Kubernetes labels, or the API server refuses the monitor. The
scraper's podSelector is a NetworkPolicy label selector, and its namespace
the name of a namespace (a DNS label), which the NetworkPolicy matches by
the kubernetes.io/metadata.name label every namespace carries.`,
}

// checkMonitorLabels: metrics.labels and scraper.podSelector are valid
// labels, and scraper.namespace a namespace name.
func checkMonitorLabels(c *checker) {
	m := c.s.Metrics
	if m == nil {
		return
	}
	c.labelMap(at("metrics", "labels"), m.Labels)
	if sc := m.Scraper; sc != nil {
		c.labelMap(at("metrics", "scraper", "podSelector"), sc.PodSelector)
		if sc.Namespace != "" {
			if msg := labelProblem(sc.Namespace); msg != "" {
				c.report(at("metrics", "scraper", "namespace"), "%q is not a namespace name: %s", sc.Namespace, msg)
			}
		}
	}
}

// labelMap reports the keys and values of m, at sels, that are not valid
// Kubernetes labels.
func (c *checker) labelMap(sels []string, m map[string]string) {
	for _, k := range build.SortedKeys(m) {
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			c.reportName(append(slices.Clone(sels), k), "label key %q is not valid: %s", k, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsValidLabelValue(m[k]); len(msgs) > 0 {
			c.report(append(slices.Clone(sels), k), "label value %q is not valid: %s", m[k], strings.Join(msgs, "; "))
		}
	}
}

var ruleScraperNamed = &Rule{
	ID: diag.RuleScraperNamed, Title: "the NetworkPolicy admits only the named scraper to the metrics port",
	Severity: diag.Warning, Source: "stsgen",
	check: checkScraperNamed,
	Explain: `The NetworkPolicy lets only the app's own pods reach the ports no client
Service carries, a sidecar exporter's among them, so a Prometheus in
another namespace could not scrape the metrics port. With metrics set,
stsgen adds a rule for the scraper, metrics.scraper, to that port alone.
Without one, the rule admits every pod of the cluster to the metrics port,
so that scraping works at once, as the Bitnami charts do by default; name
the scraper to narrow it, such as scraper: {namespace: "monitoring",
podSelector: {"app.kubernetes.io/name": "prometheus"}}.`,
}

// checkScraperNamed: with a NetworkPolicy and a metrics port that no
// client Service carries, the scraper is named.
func checkScraperNamed(c *checker) {
	s := c.s
	if s.Metrics == nil || s.Metrics.Scraper != nil || !s.NetworkPolicy.Enabled {
		return
	}
	t, ok := s.MetricsPort()
	if !ok || t.InPorts && (t.Port.ExposedOn(spec.SvcRead) || t.Port.ExposedOn(spec.SvcPrimary)) {
		return
	}
	c.report(at("metrics"), "no scraper is named, so the NetworkPolicy lets every pod of the cluster reach metrics port %q; name Prometheus' pods: scraper: {namespace: \"monitoring\", podSelector: {\"app.kubernetes.io/name\": \"prometheus\"}}", t.Name)
}

var ruleMonitorTargets = &Rule{
	ID: diag.RuleMonitorTargets, Title: "the monitor selects the members by a port that carries the metrics, and the scraper may reach it",
	Severity: diag.Warning, Source: "Prometheus Operator",
	verify: verifyMonitorTargets,
	Explain: `A ServiceMonitor must select the headless Service alone (selecting the
read or primary Service too would make every member a target twice), and
name a port that Service carries, which reaches a container port of the
pods; a PodMonitor must select the pods and name one of their container
ports. The NetworkPolicy must let the scraper reach the metrics port.
Scraping https of the app's own certificate, the endpoint's tlsConfig
takes the CA from the certificate's Secret and checks a name the
certificate covers.
Otherwise Prometheus finds no target, or one that never answers, and the
monitor says nothing. stsgen derives all of it, so this rule guards the
generator.`,
}

// verifyMonitorTargets: the monitor selects the headless Service alone,
// or the pods, by a port they have, and the NetworkPolicy admits the
// scraper to it.
func verifyMonitorTargets(c *checker, b *build.Bundle) {
	tmpl := b.StatefulSet.Spec.Template
	portsOf := func(name string) []corev1.ContainerPort {
		var out []corev1.ContainerPort
		for _, ct := range append(slices.Clone(tmpl.Spec.Containers), tmpl.Spec.InitContainers...) {
			if ct.Name == name || name == "" {
				out = append(out, ct.Ports...)
			}
		}
		return out
	}
	hasPort := func(name string) bool {
		return slices.ContainsFunc(portsOf(""), func(p corev1.ContainerPort) bool { return p.Name == name })
	}
	if m := b.ServiceMonitor; m != nil {
		for _, svc := range []*corev1.Service{b.Headless, b.Read, b.Primary} {
			if svc == nil {
				continue
			}
			sel := selects(&m.Spec.Selector, svc.Labels)
			switch {
			case svc == b.Headless && !sel:
				c.reportObject("ServiceMonitor %s: its selector does not select the headless Service %s", m.Name, svc.Name)
			case svc != b.Headless && sel:
				c.reportObject("ServiceMonitor %s: its selector also selects Service %s, so every member would be scraped twice", m.Name, svc.Name)
			}
		}
		for _, e := range m.Spec.Endpoints {
			i := slices.IndexFunc(b.Headless.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == e.Port })
			switch {
			case i < 0:
				c.reportObject("ServiceMonitor %s: the headless Service %s has no port named %q", m.Name, b.Headless.Name, e.Port)
			case !hasPort(b.Headless.Spec.Ports[i].TargetPort.StrVal):
				c.reportObject("ServiceMonitor %s: port %q targets %q, which no container of the pods declares", m.Name, e.Port, b.Headless.Spec.Ports[i].TargetPort.String())
			}
		}
	}
	if m := b.PodMonitor; m != nil {
		if !selects(&m.Spec.Selector, tmpl.Labels) {
			c.reportObject("PodMonitor %s: its selector selects none of the StatefulSet's pods", m.Name)
		}
		for _, e := range m.Spec.PodMetricsEndpoints {
			if !hasPort(e.Port) {
				c.reportObject("PodMonitor %s: no container of the pods declares port %q", m.Name, e.Port)
			}
		}
	}
	if _, ok := c.s.MetricsTLS(); ok && b.Certificate != nil {
		var eps []build.Endpoint
		kind, name := "ServiceMonitor", ""
		if m := b.ServiceMonitor; m != nil {
			eps, name = m.Spec.Endpoints, m.Name
		}
		if m := b.PodMonitor; m != nil {
			eps, kind, name = m.Spec.PodMetricsEndpoints, "PodMonitor", m.Name
		}
		cert := b.Certificate.Spec
		for _, e := range eps {
			t := e.TLSConfig
			switch {
			case t == nil || t.CA == nil || t.CA.Secret == nil:
				c.reportObject("%s %s: scrapes https of the app's certificate without its CA, so Prometheus refuses every member", kind, name)
			case t.CA.Secret.Name != cert.SecretName || t.CA.Secret.Key != build.TLSCAKey:
				c.reportObject("%s %s: takes the CA from %s/%s, not from the certificate's Secret %s/%s", kind, name, t.CA.Secret.Name, t.CA.Secret.Key, cert.SecretName, build.TLSCAKey)
			case t.ServerName != "" && !slices.ContainsFunc(cert.DNSNames, func(n string) bool { return spec.DNSNameMatches(n, t.ServerName) }):
				c.reportObject("%s %s: checks the members' certificate for %q, which it does not cover", kind, name, t.ServerName)
			}
		}
	}
	t, ok := c.s.MetricsPort()
	if np := b.NetworkPolicy; ok && np != nil && !admitsScraper(np, c.s.Metrics.Scraper, t.Number) {
		c.reportObject("NetworkPolicy %s: no ingress rule lets the scraper reach metrics port %d", np.Name, t.Number)
	}
}

// admitsScraper reports whether an ingress rule of np lets the scraper
// reach the port: a rule from anyone, or from a peer that selects the
// scraper's namespace and pods.
func admitsScraper(np *networkingv1.NetworkPolicy, sc *spec.Scraper, port int32) bool {
	for _, r := range np.Spec.Ingress {
		if len(r.Ports) > 0 && !slices.ContainsFunc(r.Ports, func(p networkingv1.NetworkPolicyPort) bool {
			return p.Port == nil || p.Port.Type == intstr.Int && p.Port.IntVal == port
		}) {
			continue
		}
		if len(r.From) == 0 {
			return true
		}
		for _, peer := range r.From {
			if peerAdmits(peer, np.Namespace, sc) {
				return true
			}
		}
	}
	return false
}

// peerAdmits reports whether a peer of a policy in namespace ns admits
// the pods the scraper names (any pod of the cluster when it is nil).
func peerAdmits(peer networkingv1.NetworkPolicyPeer, ns string, sc *spec.Scraper) bool {
	if peer.IPBlock != nil {
		return false
	}
	if sc == nil {
		return peer.PodSelector == nil && peer.NamespaceSelector != nil && len(peer.NamespaceSelector.MatchLabels)+len(peer.NamespaceSelector.MatchExpressions) == 0
	}
	scNs := sc.Namespace
	if scNs == "" {
		scNs = ns
	}
	nsOK := peer.NamespaceSelector == nil && scNs == ns ||
		peer.NamespaceSelector != nil && (len(peer.NamespaceSelector.MatchLabels)+len(peer.NamespaceSelector.MatchExpressions) == 0 || selects(peer.NamespaceSelector, map[string]string{spec.LabelNamespaceName: scNs}))
	podOK := peer.PodSelector == nil ||
		len(peer.PodSelector.MatchLabels)+len(peer.PodSelector.MatchExpressions) == 0 ||
		selects(peer.PodSelector, sc.PodSelector)
	return nsOK && podOK
}

var ruleMetricsScheme = &Rule{
	ID: diag.RuleMetricsScheme, Title: "the metrics of an app with tls say their scheme",
	Severity: diag.Warning, Source: "stsgen",
	check: checkMetricsScheme,
	Explain: `An app with tls usually serves HTTPS, where a scrape of the default scheme
http fails on every member. When the metrics port is the main
container's, or that of a container tls.containers gives the
certificate, write metrics.scheme: "https" if it serves TLS (the monitor
then verifies the members against the CA of tls.secretName, for the
headless Service's name, which the certificate covers), or "http" if it
stays plain.`,
}

// checkMetricsScheme: with tls, metrics that a monitor or the
// annotations scrape from a container with the certificate state their
// scheme.
func checkMetricsScheme(c *checker) {
	s := c.s
	if s.TLS == nil || s.Metrics == nil || s.Metrics.Scheme != "" || s.Monitor() == "" && !s.Metrics.Annotations {
		return
	}
	t, ok := s.MetricsPort()
	if !ok || t.Container != "" && !s.TLSMountedIn(t.Container) {
		return
	}
	c.report(at("metrics", "port"), "the app has tls, and Prometheus scrapes metrics port %q in plain http; write scheme: \"https\" if the port serves TLS (the monitor then checks the members' certificate against its CA), or scheme: \"http\" if it does not", t.Name)
}
