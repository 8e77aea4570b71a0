package rules

import (
	"maps"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// budgetRules check the PodDisruptionBudget: that there is one where it
// helps, that its values are valid, and that a drain can neither block
// nor take down more members than the topology tolerates.
var budgetRules = []*Rule{ruleBudgetValues, ruleBudgetPresent, ruleEvictionPolicy, ruleBudgetQuorum, ruleBudgetBlocks, ruleBudgetReplicas, ruleIgnoredBudget}

var ruleBudgetValues = &Rule{
	ID: diag.RuleBudgetValues, Title: "the disruption budget states one policy with valid values",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkBudgetValues, verify: verifyBudget,
	Explain: `A PodDisruptionBudget takes either minAvailable or maxUnavailable, never
both; each is a count or a percentage of at most 100%. Its selector must
be the StatefulSet's, or it protects other pods or none.`,
}

// checkBudgetValues: the budget states minAvailable or maxUnavailable, not
// both, and percentages are at most 100%.
func checkBudgetValues(c *checker) {
	d := c.s.Disruption
	if d.MinAvailable != nil && d.MaxUnavailable != nil {
		c.report(at("disruption", "minAvailable"), "a disruption budget takes minAvailable or maxUnavailable, not both; remove one")
	}
	for _, f := range []struct {
		name string
		v    *spec.IntOrPercent
	}{{"minAvailable", d.MinAvailable}, {"maxUnavailable", d.MaxUnavailable}} {
		if f.v != nil && f.v.Percent && f.v.Value > 100 {
			c.report(at("disruption", f.name), "%d%% is more than 100%%", f.v.Value)
		}
	}
}

// verifyBudget: the budget states one policy and selects the StatefulSet's
// pods with the StatefulSet's selector.
func verifyBudget(c *checker, b *build.Bundle) {
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

var ruleBudgetPresent = &Rule{
	ID: diag.RuleBudgetPresent, Title: "replicated apps have a PodDisruptionBudget",
	Severity: diag.Warning, Source: "kube-score statefulset-has-poddisruptionbudget",
	check: checkBudgetPresent,
	Explain: `Without a PodDisruptionBudget a node drain may evict every member at
once. stsgen derives one for any app of two or more replicas, but emits
none when the topology tolerates no failure: an ensemble whose quorum is
every member, where any budget would block every drain. Lower quorum, or
add members.`,
}

// checkBudgetPresent: an app of two or more replicas gets a budget.
func checkBudgetPresent(c *checker) {
	s := c.s
	if s.Topology == spec.Quorum && s.Replicas >= 3 && s.Quorum == s.Replicas {
		c.report(at("quorum"), "a quorum of all %d members tolerates no failure, so no PodDisruptionBudget can allow an eviction and stsgen emits none; use %d", s.Replicas, s.Replicas/2+1)
	}
}

var ruleEvictionPolicy = &Rule{
	ID: diag.RuleEvictionPolicy, Title: "the disruption budget states its unhealthy pod eviction policy",
	Severity: diag.Warning, Source: "kube-linter pdb-unhealthy-pod-eviction-policy",
	verify: verifyEvictionPolicy,
	Explain: `unhealthyPodEvictionPolicy decides whether a running but not Ready pod
may be evicted when the budget is exhausted. Left unset, the cluster's
default applies. stsgen always states it: IfHealthyBudget for quorum
ensembles, AlwaysAllow otherwise, or disruption.unhealthyPodEvictionPolicy.`,
}

// verifyEvictionPolicy: the budget states its unhealthy pod eviction policy.
func verifyEvictionPolicy(c *checker, b *build.Bundle) {
	if b.PDB != nil && b.PDB.Spec.UnhealthyPodEvictionPolicy == nil {
		c.reportObject("PodDisruptionBudget %s: unhealthyPodEvictionPolicy is not set", b.PDB.Name)
	}
}

var ruleBudgetQuorum = &Rule{
	ID: diag.RuleBudgetQuorum, Title: "the disruption budget never allows more evictions than the ensemble tolerates",
	Severity: diag.Error, Source: "quorum",
	check: checkBudgetQuorum,
	Explain: `A quorum ensemble of n members with quorum q survives n − q members down.
A disruption budget that lets a drain evict more than that breaks the
quorum during routine node maintenance. stsgen's budget takes one
member at a time, which keeps the rest of the tolerance for an unplanned
failure during the drain; disruption.maxUnavailable may raise it to at
most n − q, and disruption.minAvailable may not be below q.`,
}

// checkBudgetQuorum: a quorum ensemble's budget never lets evictions take
// more members than it tolerates.
func checkBudgetQuorum(c *checker) {
	s := c.s
	if s.Topology != spec.Quorum || s.Replicas < 2 {
		return
	}
	f := s.Replicas - s.Quorum
	if f < 1 {
		return
	}
	d := s.Disruption
	if d.MaxUnavailable != nil {
		if mu := d.MaxUnavailable.Scaled(s.Replicas, true); mu > f {
			c.report(at("disruption", "maxUnavailable"), "%s lets a drain take %d members down at once, but an ensemble of %d with quorum %d tolerates %d; use at most %d", d.MaxUnavailable, mu, s.Replicas, s.Quorum, f, f)
		}
	}
	if d.MinAvailable != nil {
		if ma := d.MinAvailable.Scaled(s.Replicas, true); ma < s.Quorum {
			c.report(at("disruption", "minAvailable"), "%s keeps only %d members up during a drain, below the quorum of %d; use at least %d", d.MinAvailable, ma, s.Quorum, s.Quorum)
		}
	}
}

var ruleBudgetBlocks = &Rule{
	ID: diag.RuleBudgetBlocks, Title: "the disruption budget never blocks every drain",
	Severity: diag.Error, Source: "kube-linter pdb-max-unavailable, pdb-min-available; Polaris pdbDisruptionsIsZero",
	check: checkBudgetBlocks,
	Explain: `maxUnavailable: 0, or minAvailable equal to the replicas (or 100%),
lets no pod ever be evicted: node drains and cluster upgrades hang until
someone deletes the budget by hand. To keep a single-replica app from
being drained, say so in your runbook rather than in a budget.`,
}

// checkBudgetBlocks: the budget leaves room for at least one eviction.
func checkBudgetBlocks(c *checker) {
	s := c.s
	if !spec.EmitsBudget(s) {
		return
	}
	d := s.Disruption
	if d.MaxUnavailable != nil && d.MaxUnavailable.Scaled(s.Replicas, true) < 1 {
		c.report(at("disruption", "maxUnavailable"), "maxUnavailable %s lets no pod be evicted: every node drain would hang; use 1", d.MaxUnavailable)
	}
	if d.MinAvailable != nil && d.MinAvailable.Scaled(s.Replicas, true) >= s.Replicas {
		c.report(at("disruption", "minAvailable"), "minAvailable %s of %d replicas lets no pod be evicted: every node drain would hang; use %d or less", d.MinAvailable, s.Replicas, s.Replicas-1)
	}
}

var ruleBudgetReplicas = &Rule{
	ID: diag.RuleBudgetReplicas, Title: "a primary-replica or leaderless budget takes down one pod at a time",
	Severity: diag.Warning, Source: "quorum",
	check: checkBudgetReplicas,
	Explain: `A primary with replicas loses redundancy with every pod down; evicting
the primary and a replica at once can leave no up-to-date copy. A
leaderless ring keeps each range of its data on a few members (three,
commonly); two down at once can take a range below its own quorum. The
Kubernetes docs advise maxUnavailable: 1 for replicated stateful apps,
which stsgen derives.`,
}

// checkBudgetReplicas: a primary-replica or leaderless budget allows one
// pod down.
func checkBudgetReplicas(c *checker) {
	s := c.s
	if s.Topology != spec.PrimaryReplica && s.Topology != spec.Leaderless || !spec.EmitsBudget(s) {
		return
	}
	d := s.Disruption
	what := "the primary and a replica"
	if s.Topology == spec.Leaderless {
		what = "two members that hold the same data"
	}
	if d.MaxUnavailable != nil && d.MaxUnavailable.Scaled(s.Replicas, true) > 1 {
		c.report(at("disruption", "maxUnavailable"), "maxUnavailable %s lets a drain take %s down together; use 1", d.MaxUnavailable, what)
	}
	if d.MinAvailable != nil && d.MinAvailable.Scaled(s.Replicas, true) < s.Replicas-1 {
		c.report(at("disruption", "minAvailable"), "minAvailable %s lets a drain take more than one of %d pods down; use %d", d.MinAvailable, s.Replicas, s.Replicas-1)
	}
}

var ruleIgnoredBudget = &Rule{
	ID: diag.RuleIgnoredBudget, Title: "disruption settings take effect",
	Severity: diag.Warning, Source: "stsgen",
	check: checkIgnoredBudget,
	Explain: `stsgen emits no PodDisruptionBudget for a single replica (any budget
either blocks every drain or allows everything) nor for an ensemble that
tolerates no failure. Settings under disruption then have no effect;
remove them, or add replicas.`,
}

// checkIgnoredBudget: disruption settings apply to a budget stsgen emits.
func checkIgnoredBudget(c *checker) {
	s := c.s
	if spec.EmitsBudget(s) {
		return
	}
	d := s.Disruption
	for _, f := range []struct {
		name string
		set  bool
	}{{"maxUnavailable", d.MaxUnavailable != nil}, {"minAvailable", d.MinAvailable != nil}, {"unhealthyPodEvictionPolicy", d.UnhealthyPodEvictionPolicy != ""}} {
		if f.set {
			c.report(at("disruption", f.name), "has no effect: an app of %d replicas gets no PodDisruptionBudget; remove it", s.Replicas)
		}
	}
}
