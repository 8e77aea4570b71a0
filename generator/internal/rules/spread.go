package rules

import (
	"slices"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	corev1 "k8s.io/api/core/v1"
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

// verifyAntiAffinity: the anti-affinity spread derives selects the pods'
// own labels. (The app's own terms may select other apps' pods; STS115
// looks at them.)
func verifyAntiAffinity(c *checker, b *build.Bundle) {
	s := c.s
	if s.Spread.Mode == "none" || s.Replicas < 2 {
		return
	}
	pod := b.StatefulSet.Spec.Template.Spec
	var terms []corev1.PodAffinityTerm
	if pod.Affinity != nil && pod.Affinity.PodAntiAffinity != nil {
		anti := pod.Affinity.PodAntiAffinity
		terms = anti.RequiredDuringSchedulingIgnoredDuringExecution
		for _, w := range anti.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	if !slices.ContainsFunc(terms, func(t corev1.PodAffinityTerm) bool {
		return t.TopologyKey == s.Spread.TopologyKey && selects(t.LabelSelector, b.StatefulSet.Spec.Template.Labels)
	}) {
		c.reportObject("StatefulSet %s: no pod anti-affinity term on %s selects its own pods, so spread keeps nothing apart", b.StatefulSet.Name, s.Spread.TopologyKey)
	}
}
