package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/update"

	appsv1 "k8s.io/api/apps/v1"
)

// verifyImmutable: the new objects change nothing Kubernetes refuses to
// update in the previous ones, unless the app acknowledges that the
// StatefulSet is re-created.
func verifyImmutable(c *checker, b *build.Bundle) {
	r := c.recreation(b)
	if r == nil || c.recreate {
		return
	}
	for _, ch := range r.Changes {
		c.report(ch.Path, "%s: Kubernetes refuses this change to an existing object, so kubectl apply fails; to make it, %s. Set recreate: true in the app (or pass --recreate %s) to build the change: the output then carries RECREATE.md with every step",
			ch.What, r.Remedy(ch), c.s.Name)
	}
}

// verifyRecreate: recreate acknowledges a change there is.
func verifyRecreate(c *checker, b *build.Bundle) {
	if !c.recreate {
		return
	}
	sts := b.StatefulSet
	switch {
	case c.prev == nil:
		// checkRecreate reports it.
	case c.previous(b) == nil:
		c.report(at("recreate"), "StatefulSet %s/%s is new: there is nothing to re-create; remove recreate", sts.Namespace, sts.Name)
	case c.recreation(b) == nil:
		c.report(at("recreate"), "nothing changes that Kubernetes refuses to update, so the StatefulSet need not be re-created; remove recreate")
	}
}

// verifyScaling: a quorum ensemble that changes size is reconfigured
// deliberately.
func verifyScaling(c *checker, b *build.Bundle) {
	if c.s.Topology != spec.Quorum {
		return
	}
	old := c.previous(b)
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

// verifyPeerRestart: a change that alters the peer list in the config
// files restarts every member.
func verifyPeerRestart(c *checker, b *build.Bundle) {
	sts, old := b.StatefulSet, c.previous(b)
	if old == nil {
		return
	}
	oldHash, ok := old.Spec.Template.Annotations[spec.AnnotationConfigHash]
	if !ok || oldHash == sts.Spec.Template.Annotations[spec.AnnotationConfigHash] {
		return
	}
	oldReplicas, oldStart := update.Size(old)
	var what []string
	var path []string
	if oldReplicas != c.s.Replicas {
		what, path = append(what, fmt.Sprintf("replicas %d → %d", oldReplicas, c.s.Replicas)), at("replicas")
	}
	if oldStart != c.s.OrdinalsStart {
		what = append(what, fmt.Sprintf("ordinals.start %d → %d", oldStart, c.s.OrdinalsStart))
		if path == nil {
			path = at("ordinals", "start")
		}
	}
	if old.Spec.ServiceName != sts.Spec.ServiceName {
		what = append(what, fmt.Sprintf("serviceName %s → %s", old.Spec.ServiceName, sts.Spec.ServiceName))
		if path == nil {
			path = at("services", "headless", "name")
		}
	}
	if len(what) == 0 {
		return
	}
	var files []string
	for _, name := range build.SortedKeys(b.ConfigMap.Data) {
		if slices.ContainsFunc(c.s.Peers, func(p spec.Peer) bool { return strings.Contains(b.ConfigMap.Data[name], p.Host) }) {
			files = append(files, name)
		}
	}
	if len(files) == 0 {
		return
	}
	c.report(path, "%s changes the peer list in %s, so the config hash changes and the StatefulSet controller restarts every running member, one at a time from the highest ordinal; apply it when a rolling restart of the whole app is acceptable",
		strings.Join(what, " and "), strings.Join(files, ", "))
}

// verifyRetentionLoss: a build that turns retention to Delete, or scales
// down with whenScaled Delete, deletes claims.
func verifyRetentionLoss(c *checker, b *build.Bundle) {
	sts, old := b.StatefulSet, c.previous(b)
	if old == nil || len(sts.Spec.VolumeClaimTemplates) == 0 {
		return
	}
	was := appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType, WhenScaled: appsv1.RetainPersistentVolumeClaimRetentionPolicyType}
	if p := old.Spec.PersistentVolumeClaimRetentionPolicy; p != nil {
		was = *p
	}
	del := appsv1.DeletePersistentVolumeClaimRetentionPolicyType
	if c.s.Retention.WhenDeleted == string(del) && was.WhenDeleted != del {
		c.report(at("retention", "whenDeleted"), "retention.whenDeleted becomes Delete: deleting the StatefulSet, even to re-create it, now deletes every claim and its data")
	}
	oldReplicas, oldStart := update.Size(old)
	if c.s.Retention.WhenScaled != string(del) {
		return
	}
	if c.s.Replicas < oldReplicas {
		var claims []string
		for _, t := range sts.Spec.VolumeClaimTemplates {
			for i := c.s.Replicas; i < oldReplicas; i++ {
				claims = append(claims, update.ClaimName(t.Name, sts.Name, oldStart+i))
			}
		}
		c.report(at("replicas"), "scaling from %d to %d with retention.whenScaled: Delete deletes the claims %s and their data", oldReplicas, c.s.Replicas, strings.Join(claims, ", "))
	} else if was.WhenScaled != del {
		c.report(at("retention", "whenScaled"), "retention.whenScaled becomes Delete: scaling down now deletes the claims of the pods it removes, and their data")
	}
}
