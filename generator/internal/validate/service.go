package validate

import (
	"fmt"
	"net"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// service is ValidateService for a Service created with the fields stsgen
// sets. The name is a DNS label: 1.36 takes a leading digit, which older
// servers refused (stsgen's own name rules keep to those, STS001).
func service(s *corev1.Service) field.ErrorList {
	errs := objectMeta(&s.ObjectMeta, apivalidation.NameIsDNSLabel)
	spec := field.NewPath("spec")
	sp := &s.Spec
	headless := sp.ClusterIP == corev1.ClusterIPNone || (len(sp.ClusterIPs) == 1 && sp.ClusterIPs[0] == corev1.ClusterIPNone)
	typ := sp.Type
	if typ == "" {
		typ = corev1.ServiceTypeClusterIP
	}
	if len(sp.Ports) == 0 && !headless && typ != corev1.ServiceTypeExternalName {
		errs = append(errs, field.Required(spec.Child("ports"), ""))
	}
	if headless && (typ == corev1.ServiceTypeNodePort || typ == corev1.ServiceTypeLoadBalancer) {
		errs = append(errs, field.Invalid(spec.Child("clusterIPs").Index(0), corev1.ClusterIPNone, fmt.Sprintf("may not be set to 'None' for %s services", typ)))
	}
	names := map[string]bool{}
	pp := spec.Child("ports")
	for i := range sp.Ports {
		errs = append(errs, servicePort(&sp.Ports[i], len(sp.Ports) > 1, names, pp.Index(i))...)
	}
	if sp.Selector != nil {
		errs = append(errs, metavalidation.ValidateLabels(sp.Selector, spec.Child("selector"))...)
	}
	errs = append(errs, oneOf(sp.SessionAffinity, spec.Child("sessionAffinity"), corev1.ServiceAffinityClientIP, corev1.ServiceAffinityNone)...)
	if sp.SessionAffinity != corev1.ServiceAffinityClientIP && sp.SessionAffinityConfig != nil {
		errs = append(errs, field.Forbidden(spec.Child("sessionAffinityConfig"), "must not be set when session affinity is None"))
	}
	errs = append(errs, oneOf(sp.Type, spec.Child("type"), corev1.ServiceTypeClusterIP, corev1.ServiceTypeExternalName, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort)...)
	if typ == corev1.ServiceTypeClusterIP {
		for i := range sp.Ports {
			if sp.Ports[i].NodePort != 0 {
				errs = append(errs, field.Forbidden(pp.Index(i).Child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
			}
		}
	}
	type key struct {
		proto corev1.Protocol
		port  int32
	}
	seen, nodePorts := map[key]bool{}, map[key]bool{}
	for i, port := range sp.Ports {
		proto := port.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		if port.NodePort != 0 {
			k := key{proto, port.NodePort}
			if nodePorts[k] {
				errs = append(errs, field.Duplicate(pp.Index(i).Child("nodePort"), port.NodePort))
			}
			nodePorts[k] = true
		}
		k := key{proto, port.Port}
		if seen[k] {
			errs = append(errs, field.Duplicate(pp.Index(i), corev1.ServicePort{Protocol: proto, Port: port.Port}))
		}
		seen[k] = true
	}
	if sp.InternalTrafficPolicy != nil {
		errs = append(errs, oneOf(*sp.InternalTrafficPolicy, spec.Child("internalTrafficPolicy"), corev1.ServiceInternalTrafficPolicyCluster, corev1.ServiceInternalTrafficPolicyLocal)...)
	}
	if sp.IPFamilyPolicy != nil {
		errs = append(errs, oneOf(*sp.IPFamilyPolicy, spec.Child("ipFamilyPolicy"), corev1.IPFamilyPolicyPreferDualStack, corev1.IPFamilyPolicyRequireDualStack, corev1.IPFamilyPolicySingleStack)...)
	}
	external := typ == corev1.ServiceTypeNodePort || typ == corev1.ServiceTypeLoadBalancer
	if !external && sp.ExternalTrafficPolicy != "" {
		errs = append(errs, field.Invalid(spec.Child("externalTrafficPolicy"), sp.ExternalTrafficPolicy, "may only be set for externally-accessible services"))
	}
	if external {
		errs = append(errs, oneOf(sp.ExternalTrafficPolicy, spec.Child("externalTrafficPolicy"), corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal)...)
	}
	if len(sp.LoadBalancerSourceRanges) > 0 && typ != corev1.ServiceTypeLoadBalancer {
		errs = append(errs, field.Forbidden(spec.Child("LoadBalancerSourceRanges"), "may only be used when `type` is 'LoadBalancer'"))
	}
	if c := sp.LoadBalancerClass; c != nil {
		if typ != corev1.ServiceTypeLoadBalancer {
			errs = append(errs, field.Forbidden(spec.Child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"))
		} else {
			errs = append(errs, qualifiedName(*c, spec.Child("loadBalancerClass"))...)
		}
	}
	for i, r := range sp.LoadBalancerSourceRanges {
		if _, _, err := net.ParseCIDR(strings.TrimSpace(r)); err != nil {
			// The server names the field with a capital L.
			errs = append(errs, field.Invalid(spec.Child("LoadBalancerSourceRanges").Index(i), strings.TrimSpace(r), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
		}
	}
	if sp.AllocateLoadBalancerNodePorts != nil && typ != corev1.ServiceTypeLoadBalancer {
		errs = append(errs, field.Forbidden(spec.Child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))
	}
	return errs
}

func servicePort(sp *corev1.ServicePort, requireName bool, names map[string]bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case requireName && sp.Name == "":
		errs = append(errs, field.Required(p.Child("name"), ""))
	case sp.Name != "":
		errs = append(errs, dnsLabel(sp.Name, p.Child("name"))...)
		if names[sp.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), sp.Name))
		}
		names[sp.Name] = true
	}
	errs = append(errs, messages(isValidPortNum(sp.Port), p.Child("port"), sp.Port)...)
	errs = append(errs, oneOf(sp.Protocol, p.Child("protocol"), protocols...)...)
	// An unset targetPort is defaulted to the port.
	if sp.TargetPort != (intstr.IntOrString{}) {
		errs = append(errs, portNumOrName(sp.TargetPort, p.Child("targetPort"))...)
	}
	if sp.AppProtocol != nil {
		errs = append(errs, qualifiedName(*sp.AppProtocol, p.Child("appProtocol"))...)
	}
	return errs
}
