package spec

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// The monitors stsgen writes for the Prometheus Operator: the schema's
// metrics.monitor values.
const (
	MonitorService = "ServiceMonitor"
	MonitorPod     = "PodMonitor"
	MonitorNone    = "none"
)

// Metrics is where the app's Prometheus metrics are served and how they
// are scraped: the schema's metrics field.
type Metrics struct {
	// Port names the metrics port: one of Ports, or a port a sidecar
	// declares.
	Port          string
	Path          string
	Scheme        string
	Interval      string
	ScrapeTimeout string
	// Monitor is MonitorService, MonitorPod or MonitorNone.
	Monitor string
	// Labels label the monitor object, for the Prometheus instance's
	// monitor selector.
	Labels map[string]string
	// Annotations adds the prometheus.io annotations to the pods.
	Annotations bool
	// Scraper is who scrapes; nil admits every pod of the cluster to the
	// metrics port.
	Scraper *Scraper
}

// A Scraper selects the pods the NetworkPolicy admits to the metrics port:
// in Namespace, or in the app's own when it is empty, those PodSelector
// selects, or all of them when it is empty.
type Scraper struct {
	Namespace   string
	PodSelector map[string]string
}

// metrics decodes the metrics field, or returns nil when it is left out.
func (d *decoder) metrics() *Metrics {
	if !d.lookup("metrics").Exists() {
		return nil
	}
	m := &Metrics{
		Port:        d.str("metrics", "port"),
		Path:        d.str("metrics", "path"),
		Monitor:     d.str("metrics", "monitor"),
		Labels:      d.stringMap("metrics", "labels"),
		Annotations: d.boolean("metrics", "annotations"),
	}
	m.Scheme, _ = d.optStr("metrics", "scheme")
	m.Interval, _ = d.optStr("metrics", "interval")
	m.ScrapeTimeout, _ = d.optStr("metrics", "scrapeTimeout")
	if d.lookup("metrics", "scraper").Exists() {
		m.Scraper = &Scraper{PodSelector: d.stringMap("metrics", "scraper", "podSelector")}
		m.Scraper.Namespace, _ = d.optStr("metrics", "scraper", "namespace")
	}
	return m
}

// MainPorts are the ports of the main container: those of Ports that no
// other container owns.
func (s *Spec) MainPorts() []Port {
	return slices.DeleteFunc(slices.Clone(s.Ports), func(p Port) bool { return p.Container != "" })
}

// OwnedPorts are the ports of Ports that the named container owns.
func (s *Spec) OwnedPorts(container string) []Port {
	return slices.DeleteFunc(slices.Clone(s.Ports), func(p Port) bool { return p.Container == "" || p.Container != container })
}

// PortOwners are the containers a port of Ports may name as its own, in
// pod order: the sidecars, and the init containers that run beside the
// main container (restartPolicy: Always).
func (s *Spec) PortOwners() []corev1.Container {
	var out []corev1.Container
	for _, c := range s.InitContainers {
		if IsNativeSidecar(c) {
			out = append(out, c)
		}
	}
	return append(out, s.Sidecars...)
}

// IsNativeSidecar reports whether an init container keeps running beside
// the others: restartPolicy: Always.
func IsNativeSidecar(c corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// A MetricsTarget is the metrics port resolved: its number and protocol,
// the container that listens on it ("" for the main container), and
// whether it is one of Ports (InPorts) or a port a sidecar declares.
type MetricsTarget struct {
	Name      string
	Number    int32
	Protocol  corev1.Protocol
	Container string
	InPorts   bool
	// Port is the entry of Ports when InPorts.
	Port Port
}

// MetricsPort resolves metrics.port: first among Ports, then among the
// ports the sidecars and native sidecars declare. ok is false when the app
// has no metrics or no such port.
func (s *Spec) MetricsPort() (t MetricsTarget, ok bool) {
	if s.Metrics == nil {
		return t, false
	}
	name := s.Metrics.Port
	for _, p := range s.Ports {
		if p.Name == name {
			return MetricsTarget{Name: name, Number: p.Port, Protocol: p.Protocol, Container: p.Container, InPorts: true, Port: p}, true
		}
	}
	for _, c := range s.PortOwners() {
		for _, p := range c.Ports {
			if p.Name == name {
				proto := p.Protocol
				if proto == "" {
					proto = corev1.ProtocolTCP
				}
				return MetricsTarget{Name: name, Number: p.ContainerPort, Protocol: proto, Container: c.Name}, true
			}
		}
	}
	return t, false
}

// Monitor is the monitor object the app gets: MonitorService, MonitorPod,
// or "" for none.
func (s *Spec) Monitor() string {
	if s.Metrics == nil || s.Metrics.Monitor == MonitorNone {
		return ""
	}
	return s.Metrics.Monitor
}

// MetricsTLS reports whether the monitor scrapes the app's own
// certificate: metrics.scheme is https, the app has tls, and the metrics
// port is the main container's or that of a container tls.containers
// gives the certificate (another serves a certificate of its own). Prometheus
// then verifies the members against the certificate's CA (ca.crt of
// tls.secretName) and checks serverName, not the pod IP it dials, which
// a private CA's certificate does not name: the headless Service's full
// name when the certificate covers it, else the first other name it
// covers that is not a wildcard, else "" (the IP is checked).
func (s *Spec) MetricsTLS() (serverName string, ok bool) {
	if s.Metrics == nil || s.Metrics.Scheme != "https" || s.TLS == nil {
		return "", false
	}
	if t, ok := s.MetricsPort(); !ok || t.Container != "" && !s.TLSMountedIn(t.Container) {
		return "", false
	}
	names := s.CertificateDNSNames()
	covered := func(host string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return DNSNameMatches(n, host) })
	}
	if h := s.Services.Headless.Name + "." + s.Namespace + ".svc." + s.ClusterDomain; covered(h) {
		return h, true
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "*") {
			return n, true
		}
	}
	return "", true
}
