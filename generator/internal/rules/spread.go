package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
)

// spreadRules check how the pods are spread across nodes.
var spreadRules = []*Rule{ruleAntiAffinity}

var ruleAntiAffinity = &Rule{
	ID: diag.RuleAntiAffinity, Title: "replicated apps spread their pods across nodes",
	Severity: diag.Warning, Source: "kube-score statefulset-has-host-podantiaffinity, kube-linter no-anti-affinity",
	check: checkAntiAffinity, verify: verifyAntiAffinity,
	Explain: `With two or more replicas on one node, one node failure takes out several
members at once, and for a quorum ensemble possibly the quorum. spread:
"preferred" (the default) asks the scheduler to place members on
different nodes; "required" insists, leaving pods Pending when there are
fewer nodes than replicas; "none" turns it off. The anti-affinity selects
the app's own pods by app.kubernetes.io/name, so it matches them (the
ZooKeeper tutorial's manifest selects app: zk, a label its pods do not
have, and spreads nothing).`,
}

// checkAntiAffinity: apps of two or more replicas spread their members.
func checkAntiAffinity(c *checker) {
	if c.s.Replicas >= 2 && c.s.Spread.Mode == "none" {
		c.report(at("spread"), "spread: \"none\" lets the scheduler put several of %d members on one node, which one node failure then takes down together; use \"preferred\" or \"required\"", c.s.Replicas)
	}
}

// verifyAntiAffinity: pod anti-affinity selects the pods' own labels.
func verifyAntiAffinity(c *checker, b *build.Bundle) {
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
