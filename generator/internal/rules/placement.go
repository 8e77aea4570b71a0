package rules

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// placementRules check the pod's placement and platform fields, which an
// app writes as Kubernetes does: what no node would run, and what would
// not do what it looks like.
var placementRules = []*Rule{ruleSchedulable, ruleUnsafeSysctls, ruleOwnSelector, ruleClusterDNS, ruleNoExecute, ruleSpreadOverlap}

var ruleClusterDNS = &Rule{
	ID: diag.RuleClusterDNS, Title: "members resolve each other's names",
	Severity: diag.Warning, Source: "Kubernetes DNS",
	check: checkClusterDNS,
	Explain: `Members find each other by their stable names (<pod>.<headless
Service>, and their FQDNs), which only the cluster's DNS resolves.
dnsPolicy: "Default" gives the pods the node's resolver instead, and
"None" only the dnsConfig written: neither resolves the names, and the
members never meet. Keep the default (ClusterFirst), or list the cluster's
DNS server and its search domains in dnsConfig.`,
}

// checkClusterDNS: the members of an app with peers use the cluster's DNS.
func checkClusterDNS(c *checker) {
	s := c.s
	if s.Topology == spec.Standalone || s.Replicas < 2 {
		return
	}
	switch s.Pod.DNSPolicy {
	case corev1.DNSDefault:
		c.report(at("dnsPolicy"), "\"Default\" gives the pods the node's resolver, which does not resolve the members' names (%s); leave dnsPolicy out (ClusterFirst)", s.Peers[0].Host)
	case corev1.DNSNone:
		domain := "svc." + s.ClusterDomain
		if dc := s.Pod.DNSConfig; dc == nil || !slices.ContainsFunc(dc.Searches, func(d string) bool { return strings.HasSuffix(strings.TrimSuffix(d, "."), domain) }) {
			c.report(at("dnsPolicy"), "\"None\" leaves the pods only dnsConfig, whose search list has no domain of %s, so the members' short names (%s) do not resolve; add the cluster's DNS server and %s.%s to dnsConfig, or leave dnsPolicy out", domain, s.Peers[0].Host, s.Namespace, domain)
		}
	}
}

var ruleSchedulable = &Rule{
	ID: diag.RuleSchedulable, Title: "some node can run the pods",
	Severity: diag.Error, Source: "kube-scheduler and kubelet",
	check: checkSchedulable,
	Explain: `The API server accepts a pod that no node can run, and the pods then stay
Pending or fail at the kubelet, forever. Two ways the fields can say so:
a nodeSelector that every required node-affinity term contradicts (the
selector asks for pool=db, the affinity for pool In [web]), so that no
node matches both; and a sysctl that is not namespaced (vm.*, most of
fs.* and kernel.*), which affects the whole node, so that the kubelet
refuses every pod that sets it (SysctlForbidden) whatever its allow-list
says. Set such a sysctl on the nodes, or from a privileged init container
(allowed for that container alone with its checks: STS109: "off"). And
with setHostnameAsFQDN, a member's FQDN is its host name, which the
kubelet refuses over 64 characters.`,
}

var ruleUnsafeSysctls = &Rule{
	ID: diag.RuleUnsafeSysctls, Title: "the pods' sysctls are safe, or the nodes allow them",
	Severity: diag.Warning, Source: "kubelet --allowed-unsafe-sysctls",
	check: checkUnsafeSysctls,
	Explain: `The kubelet runs a pod with a namespaced sysctl only when the sysctl is in
its safe set (net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies,
net.ipv4.tcp_keepalive_time and a few more) or in its allowed-unsafe list
(--allowed-unsafe-sysctls, allowedUnsafeSysctls in its configuration).
Other pods fail with SysctlForbidden. An unsafe sysctl therefore needs
every node the pods may land on configured for it: say so in the nodes'
configuration, keep the pods to those nodes (nodeSelector), and silence
this rule for the app.`,
}

var ruleOwnSelector = &Rule{
	ID: diag.RuleOwnSelector, Title: "spreading terms select the app's own pods",
	Severity: diag.Warning, Source: "Kubernetes documentation (the ZooKeeper tutorial's anti-affinity)",
	check: checkOwnSelector,
	Explain: `A topology spread constraint counts the pods its labelSelector selects,
and a pod anti-affinity term keeps a pod away from those its selector
selects. Written to spread an app's members, they must select the
members' own labels: app.kubernetes.io/name: <app>, which stsgen puts on
every pod. A selector copied from elsewhere (app: zk) selects nothing
here, and then spreads nothing, silently. An anti-affinity term that keeps
the pods away from another app's is fine: silence the rule for the app.`,
}

var ruleNoExecute = &Rule{
	ID: diag.RuleNoExecute, Title: "a quorum member leaves a failed node",
	Severity: diag.Warning, Source: "Kubernetes taint-based eviction",
	check: checkNoExecute,
	Explain: `When a node becomes unreachable or not ready, Kubernetes taints it
NoExecute (node.kubernetes.io/unreachable, node.kubernetes.io/not-ready),
and evicts its pods once their toleration of that taint runs out: 300
seconds unless the pod says otherwise. A toleration that matches these
taints (by their key, or with no key at all) without tolerationSeconds
keeps a member bound to the failed node for ever: it is never evicted,
so it stays the ensemble's member on that node (a step from losing the
quorum) until someone deletes it by hand. Evicted, it is deleted as soon
as the node answers again or is removed, and the StatefulSet then
re-creates it. Give the toleration a tolerationSeconds, which
Kubernetes accepts only with effect: "NoExecute". A toleration of another
NoExecute taint, such as a dedicated node pool's, needs none: with one,
the members would be evicted from their own pool.`,
}

var ruleSpreadOverlap = &Rule{
	ID: diag.RuleSpreadOverlap, Title: "spread and the app's own affinity say different things",
	Severity: diag.Error, Source: "stsgen",
	check: checkSpreadOverlap,
	Explain: `spread derives a pod anti-affinity term on its topology key and, with
zones, a topology spread constraint on the zone key, and adds them to the
app's own affinity and topologySpreadConstraints. A term of the app's own
on the same key says the same thing twice, possibly differently (one
required, one preferred), and the API server refuses two spread
constraints on the same key and action. Keep one: remove the app's term,
or turn that part of spread off (mode: "none", zones: "none").`,
}

// checkSchedulable: the nodeSelector agrees with a required node
// affinity term, and every sysctl is namespaced.
func checkSchedulable(c *checker) {
	s := c.s
	if a := s.Pod.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil && len(s.Pod.NodeSelector) > 0 {
		terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
		if len(terms) > 0 && !slices.ContainsFunc(terms, func(t corev1.NodeSelectorTerm) bool { return agrees(t, s.Pod.NodeSelector) }) {
			c.report(at("nodeSelector"), "asks for node labels that every term of affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution refuses, so no node can run the pods; make them agree, or keep one")
		}
	}
	// The kubelet refuses to start a pod whose host name, the FQDN with
	// setHostnameAsFQDN, is longer than 64 characters.
	if f := s.Pod.SetHostnameAsFQDN; f != nil && *f && len(s.Peers) > 0 {
		longest := slices.MaxFunc(s.Peers, func(a, b spec.Peer) int { return len(a.FQDN) - len(b.FQDN) }).FQDN
		if len(longest) > 64 {
			c.report(at("setHostnameAsFQDN"), "the host name would be the member's FQDN, %s, %d characters; the kubelet refuses a host name over 64, so the pod never starts; shorten the app's, the headless Service's or the namespace's name, or leave setHostnameAsFQDN out", longest, len(longest))
		}
	}
	if os := s.Pod.OS; os != nil && os.Name != corev1.Linux {
		c.report(at("os", "name"), "%q: stsgen's pods are Linux pods (their secure defaults, the identity init script); only os: name: \"linux\" is supported", os.Name)
	}
	if sc := s.PodSecurityContext; sc != nil {
		for i, sy := range sc.Sysctls {
			if !namespacedSysctl(sy.Name) {
				c.report(at("podSecurityContext", "sysctls", strconv.Itoa(i), "name"), "%s is not namespaced: it would change the whole node, so the kubelet refuses every pod that sets it (SysctlForbidden), whatever its allow-list; set it on the nodes, or from a privileged init container that runs sysctl -w (with checks: STS109: \"off\" on that container)", sy.Name)
			}
		}
	}
}

// agrees reports whether a node selector term can hold on a node with the
// labels of a nodeSelector: none of its expressions contradicts one.
func agrees(t corev1.NodeSelectorTerm, sel map[string]string) bool {
	for _, e := range t.MatchExpressions {
		v, ok := sel[e.Key]
		if !ok {
			continue
		}
		switch e.Operator {
		case corev1.NodeSelectorOpIn:
			if !slices.Contains(e.Values, v) {
				return false
			}
		case corev1.NodeSelectorOpNotIn:
			if slices.Contains(e.Values, v) {
				return false
			}
		case corev1.NodeSelectorOpDoesNotExist:
			return false
		}
	}
	return true
}

// namespacedSysctl reports whether a sysctl belongs to a pod's own IPC or
// network namespace, as the kubelet decides it.
func namespacedSysctl(name string) bool {
	name = sysctlDots(name)
	switch name {
	case "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni":
		return true
	}
	return strings.HasPrefix(name, "net.") || strings.HasPrefix(name, "fs.mqueue.") || strings.HasPrefix(name, "kernel.shm") || strings.HasPrefix(name, "kernel.msg")
}

// safeSysctls are the kubelet's safe set: allowed on every node.
var safeSysctls = []string{
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
}

// sysctlDots writes a sysctl's name with dots, as the kubelet compares it
// (net/ipv4/ip_forward is net.ipv4.ip_forward).
func sysctlDots(name string) string {
	if i := strings.IndexAny(name, "./"); i >= 0 && name[i] == '/' {
		return strings.ReplaceAll(name, "/", ".")
	}
	return name
}

// checkUnsafeSysctls: every namespaced sysctl is in the kubelet's safe set.
func checkUnsafeSysctls(c *checker) {
	sc := c.s.PodSecurityContext
	if sc == nil {
		return
	}
	for i, sy := range sc.Sysctls {
		if n := sysctlDots(sy.Name); namespacedSysctl(n) && !slices.Contains(safeSysctls, n) {
			c.report(at("podSecurityContext", "sysctls", strconv.Itoa(i), "name"), "%s is not in the kubelet's safe set: pods fail with SysctlForbidden on every node whose kubelet does not allow it (--allowed-unsafe-sysctls=%s, or allowedUnsafeSysctls in its configuration); configure the nodes, keep the pods to them, and silence STS114", sy.Name, n)
		}
	}
}

// checkOwnSelector: the app's topology spread constraints select its own
// pods, and so do its anti-affinity terms that look meant to.
func checkOwnSelector(c *checker) {
	s := c.s
	own := ownPodLabels(s)
	for i, t := range s.Pod.TopologySpreadConstraints {
		// An empty selector selects every pod, the app's among them.
		if t.LabelSelector != nil && len(t.LabelSelector.MatchLabels)+len(t.LabelSelector.MatchExpressions) == 0 {
			continue
		}
		if !selects(t.LabelSelector, own) {
			c.report(at("topologySpreadConstraints", strconv.Itoa(i), "labelSelector"), "selects none of %s's pods, so the constraint does not spread them; select app.kubernetes.io/name: %q", s.Name, s.Name)
		}
	}
	a := s.Pod.Affinity
	if a == nil || a.PodAntiAffinity == nil {
		return
	}
	check := func(sels []string, t corev1.PodAffinityTerm) {
		if !selects(t.LabelSelector, own) && meantOwn(t.LabelSelector, s) {
			c.report(sels, "selects none of %s's pods, so the term does not keep its members apart; select app.kubernetes.io/name: %q (if it is meant for another app's pods, silence STS115)", s.Name, s.Name)
		}
	}
	for i, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
		check(at("affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", strconv.Itoa(i), "labelSelector"), t)
	}
	for i, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		check(at("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", strconv.Itoa(i), "podAffinityTerm", "labelSelector"), w.PodAffinityTerm)
	}
}

// ownPodLabels are the labels stsgen puts on the app's pods.
func ownPodLabels(s *spec.Spec) map[string]string {
	l := maps.Clone(s.Labels)
	if l == nil {
		l = map[string]string{}
	}
	l[spec.LabelName] = s.Name
	l[spec.LabelManagedBy] = spec.ManagedBy
	if s.Version != "" {
		l[spec.LabelVersion] = s.Version
	}
	return l
}

// meantOwn reports whether a selector looks written for the app's own
// pods: it asks for the app's name as a label's value (app: zk), where a
// selector of another app's pods would name that app.
func meantOwn(sel *metav1.LabelSelector, s *spec.Spec) bool {
	if sel == nil {
		return false
	}
	for _, v := range sel.MatchLabels {
		if v == s.Name {
			return true
		}
	}
	return slices.ContainsFunc(sel.MatchExpressions, func(e metav1.LabelSelectorRequirement) bool {
		return e.Operator == metav1.LabelSelectorOpIn && slices.Contains(e.Values, s.Name)
	})
}

// checkNoExecute: a quorum member does not tolerate a failed node's
// NoExecute taints for ever.
func checkNoExecute(c *checker) {
	if c.s.Topology != spec.Quorum {
		return
	}
	for i, t := range c.s.Pod.Tolerations {
		if t.TolerationSeconds != nil || !toleratesFailedNode(t) {
			continue
		}
		what := t.Key
		switch {
		case t.Key == "" && t.Effect == "":
			what = "every taint, a failed node's NoExecute taints among them,"
		case t.Key == "":
			what = "every NoExecute taint, a failed node's among them,"
		}
		// The API server takes tolerationSeconds only with NoExecute.
		fix := "add tolerationSeconds: 300 (Kubernetes' default)"
		if t.Effect == "" {
			fix = `write effect: "NoExecute" with tolerationSeconds: 300 (Kubernetes' default), which the API server accepts only together, and tolerate the other effects in a toleration of their own`
		}
		c.report(at("tolerations", strconv.Itoa(i)), "tolerates %s with no tolerationSeconds: a member on a failed node is never evicted, so it holds its place in the ensemble there, a member short of the quorum's margin, until someone deletes it; %s", what, fix)
	}
}

// failedNodeTaints are the NoExecute taints the node lifecycle controller
// puts on a node that is not ready or unreachable; neither has a value.
var failedNodeTaints = []string{corev1.TaintNodeNotReady, corev1.TaintNodeUnreachable}

// toleratesFailedNode reports whether t tolerates one of failedNodeTaints,
// as the taint manager matches them: an empty key matches every key, an
// empty effect every effect, and Equal (or no operator) the empty value.
func toleratesFailedNode(t corev1.Toleration) bool {
	if t.Effect != "" && t.Effect != corev1.TaintEffectNoExecute {
		return false
	}
	if t.Key != "" && !slices.Contains(failedNodeTaints, t.Key) {
		return false
	}
	switch t.Operator {
	case corev1.TolerationOpExists:
		return true
	case "", corev1.TolerationOpEqual:
		return t.Value == ""
	}
	return false
}

// checkSpreadOverlap: the app's own anti-affinity and spread constraints
// are not on the keys spread uses.
func checkSpreadOverlap(c *checker) {
	s := c.s
	if s.Replicas < 2 {
		return
	}
	if a := s.Pod.Affinity; s.Spread.Mode != "none" && a != nil && a.PodAntiAffinity != nil {
		own := ownPodLabels(s)
		check := func(sels []string, t corev1.PodAffinityTerm) {
			if t.TopologyKey == s.Spread.TopologyKey && selects(t.LabelSelector, own) {
				c.report(sels, "keeps the members apart on %s, which spread (mode %q) does already; remove this term, or set spread's mode to \"none\"", t.TopologyKey, s.Spread.Mode)
			}
		}
		for i, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			check(at("affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", strconv.Itoa(i)), t)
		}
		for i, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			check(at("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", strconv.Itoa(i)), w.PodAffinityTerm)
		}
	}
	if s.Spread.Zones != "none" && s.Spread.Zones != "" {
		for i, t := range s.Pod.TopologySpreadConstraints {
			if t.TopologyKey == s.Spread.ZoneKey {
				c.report(at("topologySpreadConstraints", strconv.Itoa(i)), "spreads the pods over %s, which spread's zones (%q) does already; remove this constraint, or set zones to \"none\"", t.TopologyKey, s.Spread.Zones)
			}
		}
	}
}
