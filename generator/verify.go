package generator

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// The verify functions check the generated objects against each other. They
// state rules the generator keeps by construction, so on a correct build
// they find nothing; they report at the app, whose spec produced the
// objects.

func (c *checker) reportObject(format string, args ...any) {
	c.report(nil, format, args...)
}

// selects reports whether a selector selects pods with the labels.
func selects(sel *metav1.LabelSelector, podLabels map[string]string) bool {
	if sel == nil || len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(podLabels))
}

// verifySelector: the StatefulSet's selector is not empty and selects its
// own template.
func verifySelector(c *checker, b *Bundle) {
	sts := b.StatefulSet
	if !selects(sts.Spec.Selector, sts.Spec.Template.Labels) {
		c.reportObject("StatefulSet %s: the selector %v does not select the pod template's labels %v", sts.Name, sts.Spec.Selector, sts.Spec.Template.Labels)
	}
}

// verifyRestartPolicy: the pods restart always and have no deadline.
func verifyRestartPolicy(c *checker, b *Bundle) {
	spec := b.StatefulSet.Spec.Template.Spec
	if spec.RestartPolicy != "" && spec.RestartPolicy != corev1.RestartPolicyAlways {
		c.reportObject("StatefulSet %s: restartPolicy is %q; a StatefulSet's pods must restart Always", b.StatefulSet.Name, spec.RestartPolicy)
	}
	if spec.ActiveDeadlineSeconds != nil {
		c.reportObject("StatefulSet %s: activeDeadlineSeconds is set; a StatefulSet's pods may not have one", b.StatefulSet.Name)
	}
}

// verifyBudget: the budget states one policy and selects the StatefulSet's
// pods with the StatefulSet's selector.
func verifyBudget(c *checker, b *Bundle) {
	pdb := b.PDB
	if pdb == nil {
		return
	}
	if (pdb.Spec.MinAvailable == nil) == (pdb.Spec.MaxUnavailable == nil) {
		c.reportObject("PodDisruptionBudget %s: exactly one of minAvailable and maxUnavailable must be set", pdb.Name)
	}
	if pdb.Spec.Selector == nil || !maps.Equal(pdb.Spec.Selector.MatchLabels, b.StatefulSet.Spec.Selector.MatchLabels) {
		c.reportObject("PodDisruptionBudget %s: its selector is not the StatefulSet's", pdb.Name)
	}
}

// verifyHeadlessService: a headless Service named serviceName selects the
// pods.
func verifyHeadlessService(c *checker, b *Bundle) {
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

// verifyServiceTargets: the client Services select the pods and do not
// publish not-ready addresses.
func verifyServiceTargets(c *checker, b *Bundle) {
	tmpl := b.StatefulSet.Spec.Template.Labels
	for _, svc := range []*corev1.Service{b.Read, b.Primary} {
		if svc == nil {
			continue
		}
		// The primary Service also selects the pod-name label, which the
		// controller adds to each pod; the template cannot carry it.
		sel := maps.Clone(svc.Spec.Selector)
		delete(sel, LabelPodName)
		if !selects(&metav1.LabelSelector{MatchLabels: sel}, tmpl) {
			c.reportObject("Service %s: its selector selects none of the StatefulSet's pods", svc.Name)
		}
		if svc.Spec.PublishNotReadyAddresses {
			c.reportObject("Service %s: a client Service must not publish not-ready addresses", svc.Name)
		}
	}
}

// verifyAntiAffinity: pod anti-affinity selects the pods' own labels.
func verifyAntiAffinity(c *checker, b *Bundle) {
	spec := b.StatefulSet.Spec.Template.Spec
	if spec.Affinity == nil || spec.Affinity.PodAntiAffinity == nil {
		return
	}
	anti := spec.Affinity.PodAntiAffinity
	terms := anti.RequiredDuringSchedulingIgnoredDuringExecution
	for _, w := range anti.PreferredDuringSchedulingIgnoredDuringExecution {
		terms = append(terms, w.PodAffinityTerm)
	}
	for _, t := range terms {
		if !selects(t.LabelSelector, b.StatefulSet.Spec.Template.Labels) {
			c.reportObject("StatefulSet %s: the pod anti-affinity selects none of its own pods, so it spreads nothing", b.StatefulSet.Name)
		}
	}
}

// verifyEvictionPolicy: the budget states its unhealthy pod eviction policy.
func verifyEvictionPolicy(c *checker, b *Bundle) {
	if b.PDB != nil && b.PDB.Spec.UnhealthyPodEvictionPolicy == nil {
		c.reportObject("PodDisruptionBudget %s: unhealthyPodEvictionPolicy is not set", b.PDB.Name)
	}
}

// orphanHint is how an immutable StatefulSet field is changed in practice.
const orphanHint = "delete the StatefulSet but not its pods (kubectl delete statefulset %s --cascade=orphan) and apply again; the pods and claims survive"

// verifyImmutable: the new StatefulSet changes no field Kubernetes forbids
// changing, and no Service switches between headless and not.
func verifyImmutable(c *checker, b *Bundle) {
	if c.prev == nil {
		return
	}
	sts := b.StatefulSet
	if old := c.prev.StatefulSets[objectKey(sts.Namespace, sts.Name)]; old != nil {
		hint := fmt.Sprintf(orphanHint, sts.Name)
		if old.Spec.ServiceName != sts.Spec.ServiceName {
			c.report(at("services", "headless", "name"), "the StatefulSet's serviceName was %q and cannot change; keep it, or %s", old.Spec.ServiceName, hint)
		}
		if old.Spec.Selector == nil || !maps.Equal(old.Spec.Selector.MatchLabels, sts.Spec.Selector.MatchLabels) || len(old.Spec.Selector.MatchExpressions) > 0 {
			c.report(nil, "the StatefulSet's selector was %s and cannot change to %s; %s", metav1.FormatLabelSelector(old.Spec.Selector), metav1.FormatLabelSelector(sts.Spec.Selector), hint)
		}
		oldPolicy := old.Spec.PodManagementPolicy
		if oldPolicy == "" {
			oldPolicy = appsv1.OrderedReadyPodManagement
		}
		if oldPolicy != sts.Spec.PodManagementPolicy {
			c.report(at("podManagementPolicy"), "podManagementPolicy was %q and cannot change; keep it, or %s", oldPolicy, hint)
		}
		compareClaims(c, old.Spec.VolumeClaimTemplates, sts.Spec.VolumeClaimTemplates, hint)
	}
	for kind, svc := range map[string]*corev1.Service{svcHeadless: b.Headless, svcRead: b.Read, svcPrimary: b.Primary} {
		if svc == nil {
			continue
		}
		old := c.prev.Services[objectKey(svc.Namespace, svc.Name)]
		if old == nil {
			continue
		}
		wasHeadless, isHeadless := old.Spec.ClusterIP == corev1.ClusterIPNone, svc.Spec.ClusterIP == corev1.ClusterIPNone
		if wasHeadless != isHeadless {
			c.report(at("services", kind, "name"), "Service %s was %s and a Service's clusterIP cannot change; give this Service another name, or delete the old one before applying", svc.Name, map[bool]string{true: "headless", false: "not headless"}[wasHeadless])
		}
	}
}

// compareClaims reports claim templates that differ in what stsgen sets.
func compareClaims(c *checker, old, cur []corev1.PersistentVolumeClaim, hint string) {
	byName := map[string]corev1.PersistentVolumeClaim{}
	for _, o := range old {
		byName[o.Name] = o
	}
	var oldNames, curNames []string
	for _, o := range old {
		oldNames = append(oldNames, o.Name)
	}
	for _, n := range cur {
		curNames = append(curNames, n.Name)
	}
	if !slices.Equal(oldNames, curNames) {
		c.report(at("storage"), "the claim templates were %v and cannot change to %v; %s", oldNames, curNames, hint)
		return
	}
	for _, n := range cur {
		o := byName[n.Name]
		var changes []string
		how := hint
		if oq, nq := o.Spec.Resources.Requests[corev1.ResourceStorage], n.Spec.Resources.Requests[corev1.ResourceStorage]; oq.Cmp(nq) != 0 {
			changes = append(changes, fmt.Sprintf("size %s → %s", oq.String(), nq.String()))
			how = fmt.Sprintf("to grow the volumes, expand each PersistentVolumeClaim %s-%s-<ordinal> where the storage class allows it, then %s", n.Name, c.s.Name, hint)
		}
		if !ptrEqual(o.Spec.StorageClassName, n.Spec.StorageClassName) {
			changes = append(changes, "storage class")
		}
		if !slices.Equal(o.Spec.AccessModes, n.Spec.AccessModes) {
			changes = append(changes, fmt.Sprintf("access modes %v → %v", o.Spec.AccessModes, n.Spec.AccessModes))
		}
		if len(changes) > 0 {
			c.report(at("storage", n.Name), "claim template %s cannot change (%s); %s", n.Name, strings.Join(changes, ", "), how)
		}
	}
}

// verifyScaling: a quorum ensemble that changes size is reconfigured
// deliberately.
func verifyScaling(c *checker, b *Bundle) {
	if c.prev == nil || c.s.Topology != "quorum" {
		return
	}
	sts := b.StatefulSet
	old := c.prev.StatefulSets[objectKey(sts.Namespace, sts.Name)]
	if old == nil || old.Spec.Replicas == nil || *old.Spec.Replicas == c.s.Replicas {
		return
	}
	from, to := *old.Spec.Replicas, c.s.Replicas
	step := ""
	if to-from == 1 || from-to == 1 {
		step = fmt.Sprintf("; a step of one passes through %d, which tolerates no more failures than %d", max(from, to), min(from, to))
	}
	verb := "grows"
	if to < from {
		verb = "shrinks"
	}
	c.report(at("replicas"), "the ensemble %s from %d to %d members: its quorum becomes %d, and every member's peer list changes%s; add or remove members one at a time with the application's reconfiguration (ZooKeeper reconfig, etcd member add/remove) before or as the StatefulSet scales", verb, from, to, to/2+1, step)
}
