package build

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"

	"github.com/stsgen/stsgen/generator/internal/spec"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	corev1 "k8s.io/api/core/v1"

	networkingv1 "k8s.io/api/networking/v1"

	policyv1 "k8s.io/api/policy/v1"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// A Bundle is the set of objects generated for one app.
type Bundle struct {
	App            string
	ServiceAccount *corev1.ServiceAccount // nil unless the app has stsgen make it
	Role           *rbacv1.Role           // nil unless the account is granted rules
	RoleBinding    *rbacv1.RoleBinding    // with Role
	// ExternalSecrets fetch the declared Secrets that come from a store.
	ExternalSecrets []*ExternalSecret
	Certificate     *Certificate      // nil without tls
	ConfigMap       *corev1.ConfigMap // nil when the pod has no stsgen-init
	Headless        *corev1.Service
	Read            *corev1.Service
	Primary         *corev1.Service // primary-replica apps only
	// Members are the per-member Services, by member, lowest ordinal
	// first; none without services.members.
	Members       []MemberService
	PDB           *policyv1.PodDisruptionBudget // nil when no budget can help
	NetworkPolicy *networkingv1.NetworkPolicy   // nil when disabled
	// Admissions let the app's pods into the apps it uses, one per app,
	// each in that app's namespace.
	Admissions []Admission
	// BootstrapNetworkPolicy isolates the bootstrap Job's pods; nil
	// without a bootstrap or a NetworkPolicy.
	BootstrapNetworkPolicy *networkingv1.NetworkPolicy
	// ServiceMonitor or PodMonitor, as metrics.monitor says; nil
	// otherwise.
	ServiceMonitor *ServiceMonitor
	PodMonitor     *PodMonitor
	StatefulSet    *appsv1.StatefulSet
	Bootstrap      *batchv1.Job // nil without a bootstrap
	// Secrets describe the Secrets the app declares, for SECRETS.md; they
	// are not objects: stsgen never writes a Secret.
	Secrets []SecretDoc
}

// An Admission is the NetworkPolicy that lets an app's pods into App.
type Admission struct {
	App    string
	Policy *networkingv1.NetworkPolicy
}

// A MemberService is one member's own Service.
type MemberService struct {
	Ordinal int
	Service *corev1.Service
}

// An Object is one generated object and the file it is written to.
type Object struct {
	// File is the object's file name inside the app's output directory.
	File string
	Obj  any
}

// Objects returns the bundle's objects in output order: ServiceAccount,
// Role, RoleBinding, ExternalSecrets, Certificate, ConfigMap, headless
// Service, read Service, primary Service, the member Services,
// PodDisruptionBudget, NetworkPolicy, the admissions, the bootstrap pods'
// NetworkPolicy, the ServiceMonitor or PodMonitor, StatefulSet, bootstrap
// Job.
func (b *Bundle) Objects() []Object {
	var objs []Object
	if b.ServiceAccount != nil {
		objs = append(objs, Object{"serviceaccount.yaml", b.ServiceAccount})
	}
	if b.Role != nil {
		objs = append(objs, Object{"role.yaml", b.Role}, Object{"rolebinding.yaml", b.RoleBinding})
	}
	for _, es := range b.ExternalSecrets {
		objs = append(objs, Object{ExternalSecretFile(es.Name), es})
	}
	if b.Certificate != nil {
		objs = append(objs, Object{"certificate.yaml", b.Certificate})
	}
	if b.ConfigMap != nil {
		objs = append(objs, Object{"configmap.yaml", b.ConfigMap})
	}
	objs = append(objs,
		Object{"service-headless.yaml", b.Headless},
		Object{"service-read.yaml", b.Read},
	)
	if b.Primary != nil {
		objs = append(objs, Object{"service-primary.yaml", b.Primary})
	}
	for _, m := range b.Members {
		objs = append(objs, Object{MemberServiceFile(m.Ordinal), m.Service})
	}
	if b.PDB != nil {
		objs = append(objs, Object{"poddisruptionbudget.yaml", b.PDB})
	}
	if b.NetworkPolicy != nil {
		objs = append(objs, Object{"networkpolicy.yaml", b.NetworkPolicy})
	}
	for _, a := range b.Admissions {
		objs = append(objs, Object{AdmissionFile(a.App), a.Policy})
	}
	if b.BootstrapNetworkPolicy != nil {
		objs = append(objs, Object{"job-bootstrap-networkpolicy.yaml", b.BootstrapNetworkPolicy})
	}
	if b.ServiceMonitor != nil {
		objs = append(objs, Object{"servicemonitor.yaml", b.ServiceMonitor})
	}
	if b.PodMonitor != nil {
		objs = append(objs, Object{"podmonitor.yaml", b.PodMonitor})
	}
	objs = append(objs, Object{"statefulset.yaml", b.StatefulSet})
	if b.Bootstrap != nil {
		objs = append(objs, Object{"job-bootstrap.yaml", b.Bootstrap})
	}
	return objs
}

// Build turns a checked spec into its bundle. It does no I/O.
func Build(s *spec.Spec) (*Bundle, error) {
	cm, err := configMap(s)
	if err != nil {
		return nil, err
	}
	hash := ""
	if cm != nil {
		hash = configHash(cm.Data)
	}
	b := &Bundle{
		App:             s.Name,
		ServiceAccount:  serviceAccount(s),
		Role:            role(s),
		RoleBinding:     roleBinding(s),
		ExternalSecrets: externalSecrets(s),
		Secrets:         secretDocs(s),
		Certificate:     certificate(s),
		ConfigMap:       cm,
		Headless:        headlessService(s),
		Read:            clientService(s, spec.SvcRead, s.Services.Read, nil),
		Members:         memberServices(s),
		PDB:             podDisruptionBudget(s),
		NetworkPolicy:   networkPolicy(s),
		Admissions:      admissions(s),
		StatefulSet:     statefulSet(s, hash, s.SecretsHash()),
		Bootstrap:       bootstrapJob(s),

		BootstrapNetworkPolicy: bootstrapNetworkPolicy(s),
	}
	b.ServiceMonitor, b.PodMonitor = monitors(s)
	if p := s.Services.Primary; p != nil && len(s.Peers) > 0 {
		b.Primary = clientService(s, spec.SvcPrimary, *p, primarySelector(s))
		// kube-score matches Service selectors against pod templates, which
		// cannot carry the pod-name label the controller adds to each pod,
		// nor the leader label the app adds to one.
		b.Primary.Annotations = merge(b.Primary.Annotations, map[string]string{spec.AnnotationKubeScoreIgnore: "service-targets-pod"})
	}
	return b, nil
}

// primarySelector narrows the primary Service to one member: the pod the
// app labels as its leader, or else the first member by its pod name.
func primarySelector(s *spec.Spec) map[string]string {
	if l := s.Services.Primary.Leader; l != nil {
		return map[string]string{l.Label: l.Value}
	}
	return map[string]string{spec.LabelPodName: s.Peers[0].Pod}
}

// MemberServiceFile is the file of the member Service of an ordinal.
func MemberServiceFile(ordinal int) string {
	return "service-member-" + strconv.Itoa(ordinal) + ".yaml"
}

// memberServices give each member a Service of its own, selecting its pod
// by the pod-name label the StatefulSet controller sets; one per peer, so
// they follow replicas and ordinals.start.
func memberServices(s *spec.Spec) []MemberService {
	m := s.Services.Members
	if m == nil {
		return nil
	}
	var out []MemberService
	for _, p := range s.Peers {
		sel := selectorLabels(s)
		sel[spec.LabelPodName] = p.Pod
		annotations := map[string]string{}
		for k, v := range m.Annotations {
			annotations[k] = spec.ExpandMember(v, p)
		}
		// As for the primary Service: kube-score cannot see the pod-name
		// label on the pod template.
		annotations[spec.AnnotationKubeScoreIgnore] = "service-targets-pod"
		var ports []corev1.ServicePort
		for _, name := range m.Ports {
			for _, port := range s.Ports {
				if port.Name != name {
					continue
				}
				sp := corev1.ServicePort{Name: port.Name, Port: port.Port, TargetPort: intstr.FromString(port.Name), Protocol: port.Protocol}
				if n, ok := p.NodePorts[port.Name]; ok {
					sp.NodePort = n
				}
				ports = append(ports, sp)
			}
		}
		svc := &corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: objectMeta(s, p.Service, annotations),
			Spec: corev1.ServiceSpec{
				Type:                     m.Type,
				Selector:                 sel,
				Ports:                    ports,
				ExternalTrafficPolicy:    m.ExternalTrafficPolicy,
				PublishNotReadyAddresses: m.PublishNotReadyAddresses,
			},
		}
		if m.Type == corev1.ServiceTypeLoadBalancer {
			svc.Spec.LoadBalancerSourceRanges = m.LoadBalancerSourceRanges
			svc.Spec.LoadBalancerClass = m.LoadBalancerClass
		}
		out = append(out, MemberService{Ordinal: p.Ordinal, Service: svc})
	}
	return out
}

// ConfigMapName is the name of the app's ConfigMap.
func ConfigMapName(s *spec.Spec) string { return s.Name + "-config" }

// selectorLabels select the app's pods. They never include anything that
// changes with the image, version or config: selectors are immutable.
func selectorLabels(s *spec.Spec) map[string]string {
	return map[string]string{spec.LabelName: s.Name}
}

// objectLabels label every object and the pod template.
func objectLabels(s *spec.Spec) map[string]string {
	l := merge(s.Labels)
	l[spec.LabelName] = s.Name
	l[spec.LabelManagedBy] = spec.ManagedBy
	if s.Version != "" {
		l[spec.LabelVersion] = s.Version
	}
	return l
}

func objectMeta(s *spec.Spec, name string, annotations map[string]string) metav1.ObjectMeta {
	a := merge(s.Annotations, annotations)
	if len(a) == 0 {
		a = nil
	}
	return metav1.ObjectMeta{Name: name, Namespace: s.Namespace, Labels: objectLabels(s), Annotations: a}
}

func configMap(s *spec.Spec) (*corev1.ConfigMap, error) {
	if !s.RunsInit() {
		// It would hold nothing: the script and the files are
		// stsgen-init's.
		return nil, nil
	}
	script, err := initScript(s)
	if err != nil {
		return nil, err
	}
	data := map[string]string{spec.InitScriptKey: script}
	for _, f := range s.Config.Files {
		data[f.Name] = f.Content
	}
	for _, r := range s.Config.Roles {
		for _, f := range r.Files {
			data[spec.RoleFileKey(r.Name, f.Name)] = f.Content
		}
	}
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: objectMeta(s, ConfigMapName(s), nil),
		Data:       data,
	}, nil
}

// configHash hashes the ConfigMap data in key order.
func configHash(data map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(data)) {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(data[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func servicePorts(s *spec.Spec, kind string) []corev1.ServicePort {
	var ports []corev1.ServicePort
	for _, p := range s.Ports {
		if p.ExposedOn(kind) {
			ports = append(ports, corev1.ServicePort{
				Name:       p.Name,
				Port:       p.Port,
				TargetPort: intstr.FromString(p.Name),
				Protocol:   p.Protocol,
			})
		}
	}
	return ports
}

// headlessService gives each pod its DNS name <pod>.<serviceName>.
func headlessService(s *spec.Spec) *corev1.Service {
	h := s.Services.Headless
	meta := objectMeta(s, h.Name, h.Annotations)
	if s.Monitor() == spec.MonitorService {
		// The ServiceMonitor selects this Service alone: the read and
		// primary ones would make every member a target twice or three
		// times.
		meta.Labels[spec.LabelService] = spec.SvcHeadless
	}
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta,
		Spec: corev1.ServiceSpec{
			Type:                     corev1.ServiceTypeClusterIP,
			ClusterIP:                corev1.ClusterIPNone,
			Selector:                 selectorLabels(s),
			Ports:                    servicePorts(s, spec.SvcHeadless),
			PublishNotReadyAddresses: h.PublishNotReadyAddresses,
		},
	}
}

// clientService is the read or primary Service; extra narrows its selector.
func clientService(s *spec.Spec, kind string, c spec.ClientService, extra map[string]string) *corev1.Service {
	sel := selectorLabels(s)
	maps.Copy(sel, extra)
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(s, c.Name, c.Annotations),
		Spec: corev1.ServiceSpec{
			Type:     c.Type,
			Selector: sel,
			Ports:    servicePorts(s, kind),
		},
	}
}

// podDisruptionBudget lets voluntary disruptions take down at most what the
// topology tolerates. A single replica, or an ensemble whose quorum is all
// of it, gets none: any budget would block every drain.
func podDisruptionBudget(s *spec.Spec) *policyv1.PodDisruptionBudget {
	if !spec.EmitsBudget(s) {
		return nil
	}
	// One member at a time, as the Kubernetes docs advise for consensus
	// systems: the tolerance left over covers an unplanned failure during
	// a drain. disruption.maxUnavailable may allow up to the tolerance.
	derived := intstr.FromInt32(1)
	max, min := &derived, (*intstr.IntOrString)(nil)
	switch {
	case s.Disruption.MaxUnavailable != nil:
		max = s.Disruption.MaxUnavailable.IntOrString()
	case s.Disruption.MinAvailable != nil:
		max, min = nil, s.Disruption.MinAvailable.IntOrString()
	}
	policy := s.Disruption.UnhealthyPodEvictionPolicy
	if policy == "" {
		// An ensemble counts an unready member as lost already; others let a
		// crash-looping pod go so that it does not block a drain.
		policy = string(policyv1.AlwaysAllow)
		if s.Topology == spec.Quorum || s.Topology == spec.Leaderless {
			policy = string(policyv1.IfHealthyBudget)
		}
	}
	p := policyv1.UnhealthyPodEvictionPolicyType(policy)
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(s, s.Name+"-pdb", nil),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable:               min,
			MaxUnavailable:             max,
			Selector:                   &metav1.LabelSelector{MatchLabels: selectorLabels(s)},
			UnhealthyPodEvictionPolicy: &p,
		},
	}
}

// networkPolicy lets anyone reach the ports the read and primary Services
// carry, and only the app's own pods reach the rest (peer, replication and
// probe ports, sidecar ports); the user's rules are added. Egress is open:
// stateful servers talk to their peers, DNS and what their sidecars back up
// to, which stsgen cannot know.
func networkPolicy(s *spec.Spec) *networkingv1.NetworkPolicy {
	if !s.NetworkPolicy.Enabled {
		return nil
	}
	public, peers := policyPorts(s)
	var ingress []networkingv1.NetworkPolicyIngressRule
	if len(public) > 0 {
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRule{Ports: public})
	}
	if len(peers) > 0 {
		from := []networkingv1.NetworkPolicyPeer{appPeer(s, s.Namespace)}
		if s.NetworkPolicy.FromReferenced {
			// And the apps this one refers to.
			for _, u := range s.Uses {
				from = append(from, appPeer(u.App, s.Namespace))
			}
		}
		if s.Bootstrap != nil {
			// And the bootstrap Job's pods.
			from = append(from, networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: bootstrapSelector(s)}})
		}
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRule{From: from, Ports: peers})
	}
	if t, ok := s.MetricsPort(); ok && !(t.InPorts && (t.Port.ExposedOn(spec.SvcRead) || t.Port.ExposedOn(spec.SvcPrimary))) {
		// A port the read or primary Service carries is open already.
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRule{
			From:  []networkingv1.NetworkPolicyPeer{scraperPeer(s.Metrics.Scraper)},
			Ports: []networkingv1.NetworkPolicyPort{policyPort(t.Protocol, t.Number)},
		})
	}
	ingress = append(ingress, s.NetworkPolicy.Ingress...)
	return &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: objectMeta(s, s.Name, nil),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: selectorLabels(s)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Ingress:     ingress,
			Egress:      []networkingv1.NetworkPolicyEgressRule{{}},
		},
	}
}

// policyPorts are the app's ports that its NetworkPolicy opens to anyone,
// those the read and primary Services carry, and those only its own pods
// reach: the other ports of the main container, and those of the init
// containers and sidecars.
func policyPorts(s *spec.Spec) (public, peers []networkingv1.NetworkPolicyPort) {
	port := policyPort
	for _, p := range s.Ports {
		if p.ExposedOn(spec.SvcRead) || p.ExposedOn(spec.SvcPrimary) || s.OnMemberServices(p.Name) {
			public = append(public, port(p.Protocol, p.Port))
		} else {
			peers = append(peers, port(p.Protocol, p.Port))
		}
	}
	for _, c := range append(slices.Clone(s.InitContainers), s.Sidecars...) {
		for _, p := range c.Ports {
			if slices.ContainsFunc(s.OwnedPorts(c.Name), func(o spec.Port) bool { return o.Name == p.Name }) {
				continue // one of ports, placed above
			}
			peers = append(peers, port(p.Protocol, p.ContainerPort))
		}
	}
	return public, peers
}

// policyPort is a NetworkPolicy port by number, TCP unless proto says.
func policyPort(proto corev1.Protocol, n int32) networkingv1.NetworkPolicyPort {
	p := intstr.FromInt32(n)
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &p}
}

// AdmissionFile is the file of the policy that lets an app's pods into
// the app named.
func AdmissionFile(app string) string { return "networkpolicy-" + app + ".yaml" }

// admissions let the app's pods into each app it uses that lets its
// referrers in, on the ports that app's own policy keeps to its own pods:
// a NetworkPolicy in that app's namespace, which adds to its own (a pod's
// allowed ingress is the union of the policies that select it). It is an
// ingress policy only, so that it leaves that app's egress alone.
func admissions(s *spec.Spec) []Admission {
	var out []Admission
	for _, u := range s.Uses {
		_, ports := policyPorts(u.App)
		if !u.Admits || len(ports) == 0 {
			continue
		}
		meta := objectMeta(s, u.App.Name+"-from-"+s.Name, map[string]string{spec.AnnotationReference: u.Name})
		meta.Namespace = u.App.Namespace
		out = append(out, Admission{u.App.Name, &networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: meta,
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: selectorLabels(u.App)},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{
					From:  referrerPeers(s, u.App.Namespace),
					Ports: ports,
				}},
			},
		}})
	}
	return out
}

// referrerPeers select the pods of s that may talk to an app it refers
// to, for a policy in namespace ns: its members, and its bootstrap Job's
// pods, which set the system up.
func referrerPeers(s *spec.Spec, ns string) []networkingv1.NetworkPolicyPeer {
	peers := []networkingv1.NetworkPolicyPeer{appPeer(s, ns)}
	if s.Bootstrap != nil {
		p := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: bootstrapSelector(s)}}
		if s.Namespace != ns {
			p.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{spec.LabelNamespaceName: s.Namespace}}
		}
		peers = append(peers, p)
	}
	return peers
}

// appPeer selects the pods of s for a policy in namespace ns.
func appPeer(s *spec.Spec, ns string) networkingv1.NetworkPolicyPeer {
	p := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: selectorLabels(s)}}
	if s.Namespace != ns {
		p.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{spec.LabelNamespaceName: s.Namespace}}
	}
	return p
}

// merge returns a new map holding the entries of ms, later maps winning.
func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// SortedKeys returns the keys of m in order, for output that does not
// depend on map order.
func SortedKeys[K ~string, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
