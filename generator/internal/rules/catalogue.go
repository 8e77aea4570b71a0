package rules

import (
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
)

// catalogue is every rule, in id order: the families' rules, sorted.
// TestCatalogueOrder checks the order, TestRuleCoverage that every rule can
// both fire and stay silent, and TestRulesDoc that docs/rules.md is
// generated from it. It is initialised from the families before anything
// reads it; a check that looks rules up does so through its checker
// (c.lookupRule), since one that read catalogue would make catalogue's
// initialisation depend on itself, and the compiler refuses that cycle.
var catalogue = sortRules(
	nameRules,
	labelRules,
	serviceRules,
	containerRules,
	portRules,
	storageRules,
	probeRules,
	configRules,
	envRules,
	resourceRules,
	securityRules,
	spreadRules,
	budgetRules,
	quorumRules,
	peerRules,
	rules(),
)

// sortRules joins the families' rules in id order.
func sortRules(families ...[]*Rule) []*Rule {
	all := slices.Concat(families...)
	slices.SortFunc(all, func(a, b *Rule) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return all
}

func rules() []*Rule {
	return []*Rule{
		{
			ID: diag.RuleUpdateStrategy, Title: "partition and maxUnavailable belong to RollingUpdate, and maxUnavailable is 1 or more",
			Severity: diag.Error, Fixed: true, Source: "API server",
			check: checkUpdateStrategy,
			Explain: `updateStrategy.partition and updateStrategy.maxUnavailable only apply to
type: "RollingUpdate"; with "OnDelete" the API server rejects them.
maxUnavailable must be at least 1 or a percentage from 1% to 100%. It is
honoured only where the MaxUnavailableStatefulSet feature gate is on (off
by default up to 1.36); elsewhere updates go one pod at a time.`,
		},
		{
			ID: diag.RuleImmutable, Title: "an update changes no field Kubernetes forbids changing",
			Severity: diag.Error, Source: "API server",
			verify: verifyImmutable,
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
		},
		{
			ID: diag.RuleSchema, Title: "the spec matches the stsgen schema",
			Severity: diag.Error, Fixed: true, Source: "stsgen schema",
			Explain: `Every app is unified with the #App schema: unknown fields, values of the
wrong type, values outside an enumeration, conflicting values and
required fields left without a value are errors. The API server would
reject the same mistakes in the objects (strict decoding: unknown
field "spec.replica"), or silently drop them. The spec reference in the
README lists every field; stsgen schema prints the schema itself.`,
		},

		{
			ID: diag.RuleRevisionHistory, Title: "revisionHistoryLimit is not negative",
			Severity: diag.Warning, Source: "API server warning",
			check: checkRevisionHistory,
			Explain: `A negative revisionHistoryLimit keeps every ControllerRevision forever;
the API server accepts it with a warning. Leave it unset (10) or write a
small number.`,
		},
		{
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
		},

		{
			ID: diag.RuleScaling, Title: "a quorum ensemble changes size through its reconfiguration",
			Severity: diag.Warning, Source: "quorum",
			verify: verifyScaling,
			Explain: `Scaling a quorum ensemble changes its membership: the quorum size, every
member's peer list, and, one member at a time, its fault tolerance (a
step of one passes through an even size). The StatefulSet only adds or
removes pods; the application must agree, through ZooKeeper's dynamic
reconfiguration or etcd's member add and remove, or a rolling restart
with the new static list, one member at a time. stsgen warns when
replicas differ from the previous output (see STS015 for where that comes
from); silence it for the build that carries out a planned change.`,
		},
		{
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
		},
		{
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
		},
		{
			ID: diag.RuleReserved, Title: "names starting with stsgen- and stsgen's annotations are reserved",
			Severity: diag.Error, Fixed: true, Source: "stsgen",
			check: checkReserved,
			Explain: `stsgen adds its own init container, volumes and ConfigMap key, all named
stsgen-..., and the stsgen.dev/config-hash annotation to the pod
template. A user name or annotation with those names would collide with
them; choose another.`,
		},
		{
			ID: diag.RuleChecksOverride, Title: "check overrides name rules whose severity can change",
			Severity: diag.Error, Fixed: true, Source: "stsgen",
			check: checkChecksOverride,
			Explain: `An app's checks field sets a rule's severity for that app:
checks: STS102: "off". The id must be a rule of the catalogue (stsgen
explain lists them), and rules that guard output Kubernetes would reject
cannot be changed.`,
		},
		{
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
		},
	}
}
