package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/update"

	appsv1 "k8s.io/api/apps/v1"
)

// updateRules check how a build updates what is running: the update
// strategy, and what the build changes against the previous output.
var updateRules = []*Rule{ruleUpdateStrategy, ruleImmutable, ruleRevisionHistory, rulePartitionStart, ruleScaling, rulePeerRestart, ruleRetentionLoss, ruleRecreate}

var ruleUpdateStrategy = &Rule{
	ID: diag.RuleUpdateStrategy, Title: "partition and maxUnavailable belong to RollingUpdate, and maxUnavailable is 1 or more",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkUpdateStrategy,
	Explain: `updateStrategy.partition and updateStrategy.maxUnavailable only apply to
type: "RollingUpdate"; with "OnDelete" the API server rejects them.
maxUnavailable must be at least 1 or a percentage from 1% to 100%. It is
honoured only where the MaxUnavailableStatefulSet feature gate is on (off
by default up to 1.36); elsewhere updates go one pod at a time.`,
}

// checkUpdateStrategy: partition and maxUnavailable belong to RollingUpdate,
// and a percentage is between 1% and 100%.
func checkUpdateStrategy(c *checker) {
	u := c.s.UpdateStrategy
	if u.Type == "OnDelete" {
		if u.Partition != nil {
			c.report(at("updateStrategy", "partition"), "partition only applies to RollingUpdate; remove it or set type: \"RollingUpdate\"")
		}
		if u.MaxUnavailable != nil {
			c.report(at("updateStrategy", "maxUnavailable"), "maxUnavailable only applies to RollingUpdate; remove it or set type: \"RollingUpdate\"")
		}
	}
	if u.MaxUnavailable != nil && u.MaxUnavailable.Type == 1 {
		if n, ok := spec.Percent(u.MaxUnavailable.StrVal); !ok || n < 1 || n > 100 {
			c.report(at("updateStrategy", "maxUnavailable"), "%q is not a percentage from 1%% to 100%%", u.MaxUnavailable.StrVal)
		}
	}
}

var ruleImmutable = &Rule{
	ID: diag.RuleImmutable, Title: "an update changes no field Kubernetes forbids changing",
	Severity: diag.Error, Source: "API server",
	verify:      verifyImmutable,
	runsInError: true,
	Explain: `Once a StatefulSet exists, the API server refuses any change to its spec
except replicas, ordinals, template, updateStrategy,
revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and
minReadySeconds: "updates to statefulset spec for fields other than ...
are forbidden". So serviceName (services.headless.name), the selector,
podManagementPolicy and the claim templates (storage: names, sizes,
classes, access modes) are fixed for its lifetime, and a Service cannot
switch between headless and not.

stsgen compares with the previous output: what build -o finds in its
output directory, the output at a git revision (--against HEAD), or
--previous (a file or directory of YAML, such as kubectl get
statefulset,service -o yaml). Each message gives the steps for the case
at hand. Such a change is made by deleting the StatefulSet without its
pods (kubectl delete statefulset NAME --cascade=orphan) and applying
again: the pods and claims survive and the new StatefulSet adopts them.
To grow volumes, each PersistentVolumeClaim is expanded first, which
needs a StorageClass with allowVolumeExpansion. Set recreate: true in
the app, or pass --recreate APP, to build the change: the output then
carries RECREATE.md with the steps.`,
}

// verifyImmutable: the new objects change nothing Kubernetes refuses to
// update in the previous ones, unless the app acknowledges that the
// StatefulSet is re-created.
func verifyImmutable(c *checker, b *build.Bundle) {
	r := c.refused
	if r == nil || c.recreate {
		return
	}
	for _, ch := range r.Changes {
		c.report(ch.Path, "%s: Kubernetes refuses this change to an existing object, so kubectl apply fails; to make it, %s. Set recreate: true in the app (or pass --recreate %s) to build the change: the output then carries RECREATE.md with every step",
			ch.What, r.Remedy(ch), c.s.Name)
	}
}

var ruleRevisionHistory = &Rule{
	ID: diag.RuleRevisionHistory, Title: "revisionHistoryLimit is not negative",
	Severity: diag.Warning, Source: "API server warning",
	check: checkRevisionHistory,
	Explain: `A negative revisionHistoryLimit keeps every ControllerRevision forever;
the API server accepts it with a warning. Leave it unset (10) or write a
small number.`,
}

// checkRevisionHistory: revisionHistoryLimit is not negative.
func checkRevisionHistory(c *checker) {
	if l := c.s.RevisionHistoryLimit; l != nil && *l < 0 {
		c.report(at("revisionHistoryLimit"), "a negative limit keeps every revision forever; write 10 or leave it unset")
	}
}

var rulePartitionStart = &Rule{
	ID: diag.RulePartitionStart, Title: "a partition counts pods from ordinals.start, not from ordinal 0",
	Severity: diag.Warning, Source: "StatefulSet controller",
	check: checkPartitionStart,
	Explain: `The API reference says a partitioned rolling update replaces the pods
whose ordinal is at least the partition. The StatefulSet controller
counts the partition from ordinals.start instead (kubernetes/kubernetes
issue 128529): it replaces the pods whose ordinal is at least
ordinals.start + partition, and holds back the first partition pods. With
ordinals.start 3, partition 4 holds back 4 pods, not the one below
ordinal 4. Write the number of pods to hold back, and silence this check
for the app once the partition says that.`,
}

// checkPartitionStart: with ordinals.start, the controller counts the
// partition from the first pod.
func checkPartitionStart(c *checker) {
	p, start := c.s.UpdateStrategy.Partition, c.s.OrdinalsStart
	if p == nil || *p == 0 || start == 0 || c.s.UpdateStrategy.Type == "OnDelete" {
		return
	}
	c.report(at("updateStrategy", "partition"), "the controller counts the partition from ordinals.start: partition %d holds back the pods below ordinal %d (%d + %d), not those below ordinal %d; to hold back the pods below ordinal N, write partition: N - %d",
		*p, start+*p, start, *p, *p, start)
}

var ruleScaling = &Rule{
	ID: diag.RuleScaling, Title: "a quorum ensemble changes size through its reconfiguration",
	Severity: diag.Warning, Source: "quorum",
	verify:      verifyScaling,
	runsInError: true,
	Explain: `Scaling a quorum ensemble changes its membership: the quorum size, every
member's peer list, and, one member at a time, its fault tolerance (a
step of one passes through an even size). The StatefulSet only adds or
removes pods; the application must agree, through ZooKeeper's dynamic
reconfiguration or etcd's member add and remove, or a rolling restart
with the new static list, one member at a time. stsgen warns when
replicas differ from the previous output (see STS015 for where that comes
from); silence it for the build that carries out a planned change.`,
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

var rulePeerRestart = &Rule{
	ID: diag.RulePeerRestart, Title: "a change of the peer list restarts every member",
	Severity: diag.Warning, Source: "StatefulSet controller",
	verify: verifyPeerRestart,
	Explain: `Config files that list the peers (zoo.cfg's server.N lines, a replica's
primary) change when replicas, ordinals.start or the headless Service
change. The config hash in the pod template changes with them, so the
StatefulSet controller restarts every member, one at a time from the
highest ordinal, even those whose identity did not change. The build is
valid; the warning says what applying it will do, so that it is applied
when a rolling restart of the whole app is acceptable.`,
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
	if b.ConfigMap == nil {
		return
	}
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

var ruleRetentionLoss = &Rule{
	ID: diag.RuleRetentionLoss, Title: "a retention change deletes claims and their data",
	Severity: diag.Warning, Source: "StatefulSet controller",
	verify: verifyRetentionLoss,
	Explain: `With retention whenScaled: "Delete", the StatefulSet controller deletes the
claims of the pods a scale-down removes; with whenDeleted: "Delete", it
deletes every claim when the StatefulSet is deleted, which includes the
delete that re-creates it. The data on those volumes goes with them,
unless the PersistentVolumes' reclaim policy keeps them. stsgen warns
when a build turns either to Delete, and names the claims a build that
scales down with whenScaled: "Delete" removes.`,
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

var ruleRecreate = &Rule{
	ID: diag.RuleRecreate, Title: "recreate acknowledges a change that needs it",
	Severity: diag.Warning, Source: "stsgen",
	check:  checkRecreate,
	verify: verifyRecreate,
	Explain: `recreate: true (or --recreate APP) lets a build change what Kubernetes
refuses to update in an existing StatefulSet, and writes RECREATE.md
with the steps. Once that build is applied, the previous output has the
new fields, nothing needs re-creating, and recreate should go: left in
place, it would let the next refused change through unnoticed. The rule
also warns when there is no previous output to compare with.`,
}

// checkRecreate: recreate needs a previous output to compare with.
func checkRecreate(c *checker) {
	if c.recreate && c.prev == nil {
		c.report(at("recreate"), "there is no previous output to compare with, so nothing says what to re-create; build with -o DIR over the earlier output, or pass --against REV or --previous PATH")
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
	case c.refused == nil:
		c.report(at("recreate"), "nothing changes that Kubernetes refuses to update, so the StatefulSet need not be re-created; remove recreate")
	}
}
