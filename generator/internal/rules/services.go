package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// serviceRules check the headless, read and primary Services: their
// names, their ports and the pods they select.
var serviceRules = []*Rule{ruleServiceNames, ruleServicePorts, ruleHeadlessService, ruleServiceTargets}

var ruleServiceNames = &Rule{
	ID: diag.RuleServiceNames, Title: "Service names are DNS-1035 labels, distinct, and serviceName names the headless Service",
	Severity: diag.Error, Source: "API server",
	check: checkServiceNames,
	Explain: `Every pod's DNS name is <pod>.<serviceName>.<namespace>.svc.<domain>, and
it resolves only when a headless Service of exactly that name exists. So
serviceName is always the headless Service's name: set
services.headless.name, not serviceName.

Service names must be RFC 1035 labels: at most 63 characters, lower-case
letters, digits and '-', starting with a letter. Kubernetes 1.36 relaxed
this to RFC 1123 labels (a leading digit is allowed); lower this rule to a
warning only if every cluster you deploy to is that new. Two Services of
one app cannot share a name.`,
}

// checkServiceNames: Service names are DNS-1035 labels and distinct, and
// serviceName is the headless Service's name.
func checkServiceNames(c *checker) {
	s := c.s
	if s.ServiceName != s.Services.Headless.Name {
		c.report(at("serviceName"), "serviceName is the headless Service's name and cannot be set on its own; set services.headless.name: %q instead", s.ServiceName)
	}
	// Service names default to the app's name; when that is reported by
	// STS001, do not report its consequences.
	nameBad := len(validation.IsDNS1035Label(s.Name)) > 0
	seen := map[string]string{}
	for _, v := range s.ServiceRefs() {
		sels := at("services", v.Kind, "name")
		if nameBad && strings.HasPrefix(v.Name, s.Name) {
			continue
		}
		if len(validation.IsDNS1035Label(v.Name)) > 0 {
			why := labelProblem(v.Name)
			if why == "" {
				why = fmt.Sprintf("a Service name must start with a letter; write %q", "svc-"+v.Name)
			}
			c.report(sels, "Service name %q is not valid: %s", v.Name, why)
		}
		if other, ok := seen[v.Name]; ok {
			// Point at the name the user wrote; the other is a default.
			if !c.wrote(sels) && c.wrote(at("services", other, "name")) {
				sels = at("services", other, "name")
			}
			c.report(sels, "the %s and %s Services are both named %q; give each its own name", other, v.Kind, v.Name)
		}
		seen[v.Name] = v.Kind
	}
}

var ruleServicePorts = &Rule{
	ID: diag.RuleServicePorts, Title: "every client Service carries at least one port",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkServicePorts,
	Explain: `The headless Service may have no ports, but the read and primary
Services must have at least one, or the API server rejects them. A port
is carried by the Services in its expose list (all of them by default);
the primary Service exists only in primary-replica apps.`,
}

// checkServicePorts: every client Service carries a port, and only
// primary-replica apps expose ports on a primary Service.
func checkServicePorts(c *checker) {
	s := c.s
	for _, p := range s.Ports {
		if slices.Contains(p.Expose, spec.SvcPrimary) && s.Services.Primary == nil {
			c.report(at("ports", p.Name, "expose"), "only primary-replica apps have a primary Service; expose on \"headless\" or \"read\"")
		}
	}
	for _, v := range s.ServiceRefs()[1:] {
		if v.Kind == spec.SvcPrimary && len(s.Peers) == 0 {
			continue
		}
		if !slices.ContainsFunc(s.Ports, func(p spec.Port) bool { return p.ExposedOn(v.Kind) }) {
			sels := at("ports")
			for _, p := range s.Ports {
				if c.wrote(at("ports", p.Name, "expose")) {
					sels = at("ports", p.Name, "expose")
					break
				}
			}
			c.report(sels, "no port is exposed on the %s Service %q; add %q to a port's expose list", v.Kind, v.Name, v.Kind)
		}
	}
}

var ruleHeadlessService = &Rule{
	ID: diag.RuleHeadlessService, Title: "a headless Service named serviceName selects the pods",
	Severity: diag.Warning, Source: "kube-score statefulset-has-servicename",
	verify: verifyHeadlessService,
	Explain: `Pods get stable DNS names only through a Service with clusterIP: None
whose name is the StatefulSet's serviceName and whose selector matches the
pods. stsgen always generates it, so this rule guards the generator.`,
}

// verifyHeadlessService: a headless Service named serviceName selects the
// pods.
func verifyHeadlessService(c *checker, b *build.Bundle) {
	sts, svc := b.StatefulSet, b.Headless
	switch {
	case svc == nil || svc.Name != sts.Spec.ServiceName:
		c.reportObject("StatefulSet %s: no Service is named after its serviceName %q", sts.Name, sts.Spec.ServiceName)
	case svc.Spec.ClusterIP != corev1.ClusterIPNone:
		c.reportObject("Service %s: the StatefulSet's Service must be headless (clusterIP: None)", svc.Name)
	case !selects(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector}, sts.Spec.Template.Labels):
		c.reportObject("Service %s: its selector does not select the StatefulSet's pods", svc.Name)
	}
}

var ruleServiceTargets = &Rule{
	ID: diag.RuleServiceTargets, Title: "Services select the pods, and only the headless one publishes not-ready pods",
	Severity: diag.Warning, Source: "kube-linter dangling-service, kube-score service-targets-pod",
	verify: verifyServiceTargets,
	Explain: `A Service whose selector matches no pod has no endpoints. The read and
primary Services must not publish not-ready addresses, or clients reach
members that cannot serve yet. stsgen generates all three from one
selector, so this rule guards the generator.`,
}

// verifyServiceTargets: the client Services select the pods and do not
// publish not-ready addresses.
func verifyServiceTargets(c *checker, b *build.Bundle) {
	tmpl := b.StatefulSet.Spec.Template.Labels
	for _, svc := range []*corev1.Service{b.Read, b.Primary} {
		if svc == nil {
			continue
		}
		// The primary Service also selects the pod-name label, which the
		// controller adds to each pod, or the leader label, which the app
		// adds to one; the template cannot carry them.
		sel := maps.Clone(svc.Spec.Selector)
		delete(sel, spec.LabelPodName)
		if svc == b.Primary && c.s.FollowsLeader() {
			delete(sel, c.s.Services.Primary.Leader.Label)
		}
		if !selects(&metav1.LabelSelector{MatchLabels: sel}, tmpl) {
			c.reportObject("Service %s: its selector selects none of the StatefulSet's pods", svc.Name)
		}
		if svc.Spec.PublishNotReadyAddresses {
			c.reportObject("Service %s: a client Service must not publish not-ready addresses", svc.Name)
		}
	}
}
