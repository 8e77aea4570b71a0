package update

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	appsv1 "k8s.io/api/apps/v1"

	corev1 "k8s.io/api/core/v1"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// forbiddenUpdate is what the API server answers to a change of an
// immutable StatefulSet field.
const forbiddenUpdate = "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"

// A Recreation is what it takes to apply a build that changes fields
// Kubernetes refuses to update in objects that exist: the StatefulSet is
// deleted and created again, and Services that change between headless
// and not are replaced.
type Recreation struct {
	App         string
	Namespace   string
	StatefulSet string
	// Changes are the refused changes, in a fixed order.
	Changes []Change
	// Grow lists the claim templates whose size grows.
	Grow []ClaimGrowth
	// Ordinals are those of the pods the previous StatefulSet runs, whose
	// claims exist.
	Ordinals []int32
	// Orphan says the pods survive the deletion and the new StatefulSet
	// adopts them; a changed selector would not select them, so then they
	// are deleted with it.
	Orphan bool
	// OldHeadless is the previous serviceName when it changes, and
	// Headless the new one.
	OldHeadless, Headless string
	// Services change between headless and not and are deleted first.
	Services []string
	// ClaimsDeleted says the claims go when the StatefulSet is deleted
	// without orphaning (whenDeleted: Delete).
	ClaimsDeleted bool
	// ClaimsKept says a claim template changes in a way the existing
	// claims do not follow: they keep their size, class and access modes.
	ClaimsKept bool
	// Selector is the new selector, to list the pods and claims.
	Selector string
}

// A Change is one refused change and the field of the app that makes it.
type Change struct {
	Path []string // relative to the app
	What string
	// Grow is set for a claim template whose size grows, and Service for a
	// Service that changes between headless and not.
	Grow    *ClaimGrowth
	Service string
}

// A ClaimGrowth is a claim template whose size grows.
type ClaimGrowth struct {
	Claim, From, To string
}

// Size returns a StatefulSet's replicas and first ordinal, as the API
// server defaults them.
func Size(sts *appsv1.StatefulSet) (replicas, start int32) {
	replicas = 1
	if sts.Spec.Replicas != nil {
		replicas = *sts.Spec.Replicas
	}
	if sts.Spec.Ordinals != nil {
		start = sts.Spec.Ordinals.Start
	}
	return replicas, start
}

// ClaimName is the name the StatefulSet controller gives the claim of a
// claim template for the pod with the ordinal.
func ClaimName(claim, sts string, ordinal int32) string {
	return fmt.Sprintf("%s-%s-%d", claim, sts, ordinal)
}

// Refused compares the bundle with the previous objects and returns
// the refused changes, or nil when there are none.
func Refused(s *spec.Spec, b *build.Bundle, prev *Previous) *Recreation {
	if prev == nil {
		return nil
	}
	sts := b.StatefulSet
	r := &Recreation{App: s.Name, Namespace: sts.Namespace, StatefulSet: sts.Name, Orphan: true,
		Selector: metav1.FormatLabelSelector(sts.Spec.Selector)}
	if old := prev.StatefulSet(sts); old != nil {
		if old.Spec.ServiceName != sts.Spec.ServiceName {
			r.Changes = append(r.Changes, Change{Path: []string{"services", "headless", "name"}, What: fmt.Sprintf("serviceName %q → %q", old.Spec.ServiceName, sts.Spec.ServiceName)})
			r.OldHeadless, r.Headless = old.Spec.ServiceName, sts.Spec.ServiceName
		}
		if old.Spec.Selector == nil || !maps.Equal(old.Spec.Selector.MatchLabels, sts.Spec.Selector.MatchLabels) || len(old.Spec.Selector.MatchExpressions) > 0 {
			r.Changes = append(r.Changes, Change{What: fmt.Sprintf("selector %s → %s",
				metav1.FormatLabelSelector(old.Spec.Selector), metav1.FormatLabelSelector(sts.Spec.Selector))})
			r.Orphan = false
		}
		oldPolicy := old.Spec.PodManagementPolicy
		if oldPolicy == "" {
			oldPolicy = appsv1.OrderedReadyPodManagement
		}
		if oldPolicy != sts.Spec.PodManagementPolicy {
			r.Changes = append(r.Changes, Change{Path: []string{"podManagementPolicy"}, What: fmt.Sprintf("podManagementPolicy %s → %s", oldPolicy, sts.Spec.PodManagementPolicy)})
		}
		r.compareClaims(old.Spec.VolumeClaimTemplates, sts.Spec.VolumeClaimTemplates)
		replicas, start := Size(old)
		for i := range replicas {
			r.Ordinals = append(r.Ordinals, start+i)
		}
		if p := old.Spec.PersistentVolumeClaimRetentionPolicy; p != nil && p.WhenDeleted == appsv1.DeletePersistentVolumeClaimRetentionPolicyType {
			r.ClaimsDeleted = true
		}
	}
	for kind, svc := range map[string]*corev1.Service{spec.SvcHeadless: b.Headless, spec.SvcRead: b.Read, spec.SvcPrimary: b.Primary} {
		if svc == nil {
			continue
		}
		old := prev.Services[objectKey(svc.Namespace, svc.Name)]
		if old == nil {
			continue
		}
		if wasHeadless := old.Spec.ClusterIP == corev1.ClusterIPNone; wasHeadless != (svc.Spec.ClusterIP == corev1.ClusterIPNone) {
			was := map[bool]string{true: "headless", false: "not headless"}[wasHeadless]
			r.Changes = append(r.Changes, Change{Path: []string{"services", kind, "name"}, Service: svc.Name,
				What: fmt.Sprintf("Service %s was %s, and a Service's clusterIP cannot change", svc.Name, was)})
			r.Services = append(r.Services, svc.Name)
		}
	}
	if len(r.Changes) == 0 {
		return nil
	}
	slices.Sort(r.Services)
	slices.SortStableFunc(r.Changes, func(x, y Change) int { return strings.Compare(x.What, y.What) })
	return r
}

// compareClaims records the claim templates that differ in what stsgen
// sets.
func (r *Recreation) compareClaims(old, cur []corev1.PersistentVolumeClaim) {
	names := func(ps []corev1.PersistentVolumeClaim) []string {
		var ns []string
		for _, p := range ps {
			ns = append(ns, p.Name)
		}
		return ns
	}
	if !slices.Equal(names(old), names(cur)) {
		r.Changes = append(r.Changes, Change{Path: []string{"storage"}, What: fmt.Sprintf("claim templates %v → %v", names(old), names(cur))})
		return
	}
	for i, n := range cur {
		o := old[i]
		var changes []string
		var grow *ClaimGrowth
		if oq, nq := o.Spec.Resources.Requests[corev1.ResourceStorage], n.Spec.Resources.Requests[corev1.ResourceStorage]; oq.Cmp(nq) != 0 {
			changes = append(changes, fmt.Sprintf("size %s → %s", oq.String(), nq.String()))
			if oq.Cmp(nq) < 0 {
				grow = &ClaimGrowth{n.Name, oq.String(), nq.String()}
				r.Grow = append(r.Grow, *grow)
			} else {
				changes[len(changes)-1] += " (a claim cannot shrink: the existing claims keep their size)"
			}
		}
		if !spec.PtrEqual(o.Spec.StorageClassName, n.Spec.StorageClassName) {
			changes = append(changes, fmt.Sprintf("storage class %s → %s", className(o.Spec.StorageClassName), className(n.Spec.StorageClassName)))
		}
		if !slices.Equal(o.Spec.AccessModes, n.Spec.AccessModes) {
			changes = append(changes, fmt.Sprintf("access modes %v → %v", o.Spec.AccessModes, n.Spec.AccessModes))
		}
		if len(changes) > 0 {
			r.ClaimsKept = r.ClaimsKept || grow == nil || len(changes) > 1
			r.Changes = append(r.Changes, Change{Path: []string{"storage", n.Name}, Grow: grow,
				What: fmt.Sprintf("claim template %s: %s", n.Name, strings.Join(changes, ", "))})
		}
	}
}

func className(c *string) string {
	if c == nil {
		return "(the default)"
	}
	return *c
}

// kubectl is a kubectl command line in the app's namespace.
func (r *Recreation) kubectl(args string) string {
	return fmt.Sprintf("kubectl -n %s %s", r.Namespace, args)
}

// claimNames lists the claims of template claim, one per pod.
func (r *Recreation) claimNames(claim string) []string {
	var names []string
	for _, o := range r.Ordinals {
		names = append(names, ClaimName(claim, r.StatefulSet, o))
	}
	return names
}

// Remedy is how to make one change, in a sentence, for a diagnostic.
func (r *Recreation) Remedy(ch Change) string {
	recreate := fmt.Sprintf("delete the StatefulSet but not its pods (%s) and apply again; the pods and claims survive and the new StatefulSet adopts them",
		r.kubectl("delete statefulset "+r.StatefulSet+" --cascade=orphan"))
	if !r.Orphan {
		recreate = fmt.Sprintf("delete the StatefulSet and its pods, which the new selector would not adopt (%s), and apply again", r.kubectl("delete statefulset "+r.StatefulSet))
	}
	switch {
	case ch.Service != "":
		return fmt.Sprintf("delete the Service (%s) and apply again", r.kubectl("delete service "+ch.Service))
	case ch.Grow != nil:
		names := r.claimNames(ch.Grow.Claim)
		which := strings.Join(names, ", ")
		if len(names) > 2 {
			which = names[0] + " … " + names[len(names)-1]
		}
		return fmt.Sprintf("grow each claim (%s) to %s first (%s; the StorageClass must allow volume expansion), then %s",
			which, ch.Grow.To, r.kubectl(fmt.Sprintf(`patch pvc %s --type merge -p '{"spec":{"resources":{"requests":{"storage":"%s"}}}}'`, names0(names), ch.Grow.To)), recreate)
	}
	return recreate
}

func names0(names []string) string {
	if len(names) == 0 {
		return "<claim>"
	}
	return names[0]
}

// RunbookMarker starts RECREATE.md: the header in Markdown's comment.
const RunbookMarker = "<!-- Code generated by stsgen. DO NOT EDIT. -->\n"

// Runbook returns RECREATE.md: the steps that apply the build.
func (r *Recreation) Runbook() []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%s", RunbookMarker)
	p("# Re-create StatefulSet %s/%s\n\n", r.Namespace, r.StatefulSet)
	p("This build changes what Kubernetes refuses to update in place:\n\n")
	for _, c := range r.Changes {
		p("- %s\n", c.What)
	}
	p("\n`kubectl apply` of the new manifests fails until the old objects are gone:\n\n")
	p("    %s\n\n", forbiddenUpdate)
	if r.Orphan {
		p("Deleting the StatefulSet with `--cascade=orphan` keeps its pods running and its claims\n")
		p("bound; the new StatefulSet adopts the pods and rolls them to its template one at a time.\n\n")
	} else {
		p("The new selector does not select the running pods, so the new StatefulSet could not\n")
		p("adopt them: the StatefulSet is deleted with its pods, and the app is down until the new\n")
		p("pods are Ready. ")
		if r.ClaimsDeleted {
			p("**Its claims have `whenDeleted: Delete`, so deleting the StatefulSet would delete them\n")
			p("and their data**: the first step keeps them.\n\n")
		} else {
			p("The claims are kept (`whenDeleted: Retain`) and the new pods bind them again.\n\n")
		}
	}
	if r.ClaimsKept {
		p("Claims that exist keep their size, class and access modes; only the claims of pods\n")
		p("that do not exist yet follow the new templates, and a template that is new gets its\n")
		p("claims as the pods roll. Moving data to volumes of another class is up to the app.\n\n")
	}
	p("Run the steps from the output directory, in order.\n\n")
	step := 0
	next := func(title string) {
		step++
		p("%d. %s\n\n", step, title)
	}
	cmd := func(c string) { p("       %s\n", c) }
	for _, g := range r.Grow {
		next(fmt.Sprintf("Grow the claims of template `%s` from %s to %s. Their StorageClass must allow\n   volume expansion (`allowVolumeExpansion: true` in `kubectl get storageclass -o yaml`).", g.Claim, g.From, g.To))
		for _, n := range r.claimNames(g.Claim) {
			cmd(r.kubectl(fmt.Sprintf(`patch pvc %s --type merge -p '{"spec":{"resources":{"requests":{"storage":"%s"}}}}'`, n, g.To)))
		}
		p("\n   Wait until each claim shows %s under CAPACITY:\n\n", g.To)
		cmd(r.kubectl("get pvc " + strings.Join(r.claimNames(g.Claim), " ")))
		p("\n")
	}
	if len(r.Services) > 0 {
		next("Delete the Services whose clusterIP changes; the next step creates them again.")
		cmd(r.kubectl("delete service " + strings.Join(r.Services, " ")))
		p("\n")
	}
	if !r.Orphan && r.ClaimsDeleted {
		next("Keep the claims when the StatefulSet goes:")
		cmd(r.kubectl("patch statefulset " + r.StatefulSet + ` --type merge -p '{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain"}}}'`))
		p("\n")
	}
	if r.Orphan {
		next("Delete the StatefulSet, leaving its pods and claims:")
		cmd(r.kubectl("delete statefulset " + r.StatefulSet + " --cascade=orphan"))
	} else {
		next("Delete the StatefulSet and its pods:")
		cmd(r.kubectl("delete statefulset " + r.StatefulSet))
	}
	p("\n")
	next("Apply the new manifests:")
	cmd(fmt.Sprintf("kubectl apply --server-side -f %s/", r.App))
	p("\n")
	next("Wait for the rollout:")
	cmd(r.kubectl("rollout status statefulset " + r.StatefulSet))
	p("\n")
	if r.OldHeadless != "" {
		next(fmt.Sprintf("The pods' DNS names change from %s-N.%s to %s-N.%s as they roll. Once every client\n   uses the new names, delete the old headless Service:", r.StatefulSet, r.OldHeadless, r.StatefulSet, r.Headless))
		cmd(r.kubectl("delete service " + r.OldHeadless))
		p("\n")
	}
	p("Then remove `recreate: true` from app %s (or stop passing `--recreate %s`).\n", r.App, r.App)
	return []byte(b.String())
}
