package build

import (
	"strconv"

	"github.com/stsgen/stsgen/generator/internal/spec"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MonitoringAPIVersion is the Prometheus Operator's API group and version
// of ServiceMonitor and PodMonitor.
const MonitoringAPIVersion = "monitoring.coreos.com/v1"

// A ServiceMonitor (monitoring.coreos.com/v1) tells the Prometheus
// Operator to scrape the endpoints of the Services it selects: the fields
// of its CRD that stsgen writes, under the CRD's names.
type ServiceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              ServiceMonitorSpec `json:"spec"`
}

type ServiceMonitorSpec struct {
	// JobLabel names the Service label whose value is the job's name.
	JobLabel  string               `json:"jobLabel,omitempty"`
	Selector  metav1.LabelSelector `json:"selector"`
	Endpoints []Endpoint           `json:"endpoints"`
}

// A PodMonitor (monitoring.coreos.com/v1) tells the Prometheus Operator
// to scrape the pods it selects, by container port name.
type PodMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              PodMonitorSpec `json:"spec"`
}

type PodMonitorSpec struct {
	// JobLabel names the pod label whose value is the job's name.
	JobLabel            string               `json:"jobLabel,omitempty"`
	Selector            metav1.LabelSelector `json:"selector"`
	PodMetricsEndpoints []Endpoint           `json:"podMetricsEndpoints"`
}

// An Endpoint is one scrape target of a monitor: a ServiceMonitor's
// endpoints item (port names a Service port) or a PodMonitor's
// podMetricsEndpoints item (port names a container port); the two share
// these fields.
type Endpoint struct {
	Port          string     `json:"port,omitempty"`
	Path          string     `json:"path,omitempty"`
	Scheme        string     `json:"scheme,omitempty"`
	Interval      string     `json:"interval,omitempty"`
	ScrapeTimeout string     `json:"scrapeTimeout,omitempty"`
	TLSConfig     *TLSConfig `json:"tlsConfig,omitempty"`
}

// TLSConfig is an endpoint's tlsConfig (the CRDs' SafeTLSConfig): the CA
// that signed the members' certificate, and the name to check it for.
type TLSConfig struct {
	CA         *SecretOrConfigMap `json:"ca,omitempty"`
	ServerName string             `json:"serverName,omitempty"`
}

// SecretOrConfigMap is where a tlsConfig finds a file; stsgen writes the
// Secret form only.
type SecretOrConfigMap struct {
	Secret *SecretKeySelector `json:"secret,omitempty"`
}

// SecretKeySelector is a key of a Secret in the monitor's namespace.
type SecretKeySelector struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// TLSCAKey is the key of cert-manager's Secret that holds the issuing CA.
const TLSCAKey = "ca.crt"

// monitors is the app's ServiceMonitor or PodMonitor, as metrics.monitor
// says. The ServiceMonitor selects the headless Service, whose endpoints
// are every member, not-ready ones too where it publishes them: a member
// that cannot join its peers is the one whose metrics are wanted. The
// job is named after the app, by its name label, whichever monitor.
func monitors(s *spec.Spec) (*ServiceMonitor, *PodMonitor) {
	m := s.Metrics
	if s.Monitor() == "" {
		return nil, nil
	}
	meta := objectMeta(s, s.Name, nil)
	meta.Labels = merge(meta.Labels, m.Labels)
	ep := Endpoint{Port: m.Port, Path: m.Path, Scheme: m.Scheme, Interval: m.Interval, ScrapeTimeout: m.ScrapeTimeout}
	if name, ok := s.MetricsTLS(); ok {
		// https of the app's own certificate: verify it against its CA,
		// for the name it covers rather than the pod IP.
		ep.TLSConfig = &TLSConfig{CA: &SecretOrConfigMap{Secret: &SecretKeySelector{Name: s.TLS.SecretName, Key: TLSCAKey}}, ServerName: name}
	}
	if s.Monitor() == spec.MonitorPod {
		return nil, &PodMonitor{
			TypeMeta:   metav1.TypeMeta{APIVersion: MonitoringAPIVersion, Kind: "PodMonitor"},
			ObjectMeta: meta,
			Spec: PodMonitorSpec{
				JobLabel:            spec.LabelName,
				Selector:            metav1.LabelSelector{MatchLabels: selectorLabels(s)},
				PodMetricsEndpoints: []Endpoint{ep},
			},
		}
	}
	return &ServiceMonitor{
		TypeMeta:   metav1.TypeMeta{APIVersion: MonitoringAPIVersion, Kind: "ServiceMonitor"},
		ObjectMeta: meta,
		Spec: ServiceMonitorSpec{
			JobLabel:  spec.LabelName,
			Selector:  metav1.LabelSelector{MatchLabels: HeadlessSelector(s)},
			Endpoints: []Endpoint{ep},
		},
	}, nil
}

// HeadlessSelector selects the app's headless Service alone, by the label
// it carries when a ServiceMonitor selects it.
func HeadlessSelector(s *spec.Spec) map[string]string {
	return merge(selectorLabels(s), map[string]string{spec.LabelService: spec.SvcHeadless})
}

// scraperPeer admits the scraper: the pods podSelector selects in the
// namespace, either left out meaning any; neither given, every pod of the
// cluster.
func scraperPeer(sc *spec.Scraper) networkingv1.NetworkPolicyPeer {
	if sc == nil {
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{}}
	}
	var peer networkingv1.NetworkPolicyPeer
	if sc.Namespace != "" {
		peer.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{spec.LabelNamespaceName: sc.Namespace}}
	}
	if len(sc.PodSelector) > 0 || sc.Namespace == "" {
		peer.PodSelector = &metav1.LabelSelector{MatchLabels: merge(sc.PodSelector)}
	}
	return peer
}

// scrapeAnnotations are the prometheus.io annotations on the pods, when
// the app asks for them.
func scrapeAnnotations(s *spec.Spec) map[string]string {
	t, ok := s.MetricsPort()
	if !ok || !s.Metrics.Annotations {
		return nil
	}
	a := map[string]string{
		"prometheus.io/scrape": "true",
		"prometheus.io/port":   strconv.Itoa(int(t.Number)),
		"prometheus.io/path":   s.Metrics.Path,
	}
	if s.Metrics.Scheme != "" {
		a["prometheus.io/scheme"] = s.Metrics.Scheme
	}
	return a
}
