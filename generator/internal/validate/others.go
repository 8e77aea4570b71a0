package validate

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// maxConfigMapBytes is the most a ConfigMap's values may hold.
const maxConfigMapBytes = 1 << 20

// configMap is ValidateConfigMap.
func configMap(c *corev1.ConfigMap) field.ErrorList {
	errs := objectMeta(&c.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	total := 0
	for _, k := range sortedKeys(c.Data) {
		errs = append(errs, messages(validation.IsConfigMapKey(k), field.NewPath("data").Key(k), k)...)
		if _, ok := c.BinaryData[k]; ok {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(k), k, "duplicate of key present in binaryData"))
		}
		total += len(c.Data[k])
	}
	for _, k := range sortedKeys(c.BinaryData) {
		errs = append(errs, messages(validation.IsConfigMapKey(k), field.NewPath("binaryData").Key(k), k)...)
		total += len(c.BinaryData[k])
	}
	if total > maxConfigMapBytes {
		errs = append(errs, field.TooLong(field.NewPath(""), "", maxConfigMapBytes))
	}
	return errs
}

// podDisruptionBudget is ValidatePodDisruptionBudget.
func podDisruptionBudget(b *policyv1.PodDisruptionBudget) field.ErrorList {
	errs := objectMeta(&b.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	if b.Spec.MinAvailable != nil && b.Spec.MaxUnavailable != nil {
		errs = append(errs, field.Invalid(spec, b.Spec, "minAvailable and maxUnavailable cannot be both set"))
	}
	if v := b.Spec.MinAvailable; v != nil {
		errs = append(errs, intOrPercent(*v, spec.Child("minAvailable"))...)
	}
	if v := b.Spec.MaxUnavailable; v != nil {
		errs = append(errs, intOrPercent(*v, spec.Child("maxUnavailable"))...)
	}
	errs = append(errs, selector(b.Spec.Selector, spec.Child("selector"))...)
	if p := b.Spec.UnhealthyPodEvictionPolicy; p != nil {
		errs = append(errs, oneOf(*p, spec.Child("unhealthyPodEvictionPolicy"), policyv1.AlwaysAllow, policyv1.IfHealthyBudget)...)
		if *p == "" {
			errs = append(errs, field.NotSupported(spec.Child("unhealthyPodEvictionPolicy"), *p, []policyv1.UnhealthyPodEvictionPolicyType{policyv1.AlwaysAllow, policyv1.IfHealthyBudget}))
		}
	}
	return errs
}

// networkPolicy is ValidateNetworkPolicy.
func networkPolicy(n *networkingv1.NetworkPolicy) field.ErrorList {
	errs := objectMeta(&n.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	errs = append(errs, selector(&n.Spec.PodSelector, spec.Child("podSelector"))...)
	for i, r := range n.Spec.Ingress {
		errs = append(errs, policyRule(r.Ports, r.From, spec.Child("ingress").Index(i), "from")...)
	}
	for i, r := range n.Spec.Egress {
		errs = append(errs, policyRule(r.Ports, r.To, spec.Child("egress").Index(i), "to")...)
	}
	types := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	tp := spec.Child("policyTypes")
	if len(n.Spec.PolicyTypes) > len(types) {
		errs = append(errs, field.Invalid(tp, n.Spec.PolicyTypes, "may not specify more than two policyTypes"))
	}
	for i, t := range n.Spec.PolicyTypes {
		if !slices.Contains(types, t) {
			errs = append(errs, field.NotSupported(tp.Index(i), t, types))
		}
	}
	return errs
}

// policyRule validates an ingress or egress rule: its ports, and its
// peers (the from or to list, as peers names it).
func policyRule(ports []networkingv1.NetworkPolicyPort, peerList []networkingv1.NetworkPolicyPeer, p *field.Path, peers string) field.ErrorList {
	var errs field.ErrorList
	for j := range ports {
		errs = append(errs, policyPort(&ports[j], p.Child("ports").Index(j))...)
	}
	for j := range peerList {
		errs = append(errs, policyPeer(&peerList[j], p.Child(peers).Index(j))...)
	}
	return errs
}

func policyPort(port *networkingv1.NetworkPolicyPort, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if port.Protocol != nil {
		errs = append(errs, oneOf(*port.Protocol, p.Child("protocol"), protocols...)...)
	}
	if port.Port == nil {
		if port.EndPort != nil {
			errs = append(errs, field.Required(p.Child("port"), "must specify port when endPort is set"))
		}
		return errs
	}
	if port.Port.Type == intstr.Int {
		errs = append(errs, messages(isValidPortNum(port.Port.IntVal), p.Child("port"), port.Port.IntVal)...)
		if port.EndPort != nil {
			if *port.EndPort < port.Port.IntVal {
				errs = append(errs, field.Invalid(p.Child("endPort"), port.Port.IntVal, "must be greater than or equal to `port`"))
			}
			errs = append(errs, messages(isValidPortNum(*port.EndPort), p.Child("endPort"), *port.EndPort)...)
		}
		return errs
	}
	if port.EndPort != nil {
		errs = append(errs, field.Invalid(p.Child("endPort"), *port.EndPort, "may not be specified when `port` is non-numeric"))
	}
	return append(errs, messages(validation.IsValidPortName(port.Port.StrVal), p.Child("port"), port.Port.StrVal)...)
}

func policyPeer(peer *networkingv1.NetworkPolicyPeer, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	if peer.PodSelector != nil {
		n++
		errs = append(errs, selector(peer.PodSelector, p.Child("podSelector"))...)
	}
	if peer.NamespaceSelector != nil {
		n++
		errs = append(errs, selector(peer.NamespaceSelector, p.Child("namespaceSelector"))...)
	}
	if b := peer.IPBlock; b != nil {
		n++
		bp := p.Child("ipBlock")
		if b.CIDR == "" {
			errs = append(errs, field.Required(bp.Child("cidr"), ""))
		} else {
			errs = append(errs, validation.IsValidCIDR(bp.Child("cidr"), b.CIDR)...)
		}
		for i, e := range b.Except {
			errs = append(errs, validation.IsValidCIDR(bp.Child("except").Index(i), e)...)
		}
	}
	switch {
	case n == 0:
		errs = append(errs, field.Required(p, "must specify a peer"))
	case n > 1 && peer.IPBlock != nil:
		errs = append(errs, field.Forbidden(p, "may not specify both ipBlock and another peer"))
	}
	return errs
}

func isValidPortNum(port int32) []string { return validation.IsValidPortNum(int(port)) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
