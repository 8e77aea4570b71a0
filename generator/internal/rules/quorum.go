package rules

import (
	"fmt"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// quorumRules check a quorum ensemble: its size, its majority, and the
// pod management that lets it start.
var quorumRules = []*Rule{ruleEnsembleMinimum, ruleEnsembleEven, ruleEnsembleLarge, ruleQuorumMajority, ruleBootstrap, ruleParallelQuorum}

var ruleEnsembleMinimum = &Rule{
	ID: diag.RuleEnsembleMinimum, Title: "a quorum ensemble has at least 3 members",
	Severity: diag.Error, Source: "quorum",
	check: checkEnsembleMinimum,
	Explain: `A majority quorum of n members tolerates ⌊(n−1)/2⌋ failures. One member
tolerates none; two tolerate none either and fail twice as often. Use 3
(tolerates 1) or 5 (tolerates 2); for a single server use topology:
"standalone".`,
}

// checkEnsembleMinimum: a quorum ensemble has at least 3 members.
func checkEnsembleMinimum(c *checker) {
	if n := c.s.Replicas; c.s.Topology == spec.Quorum && n < 3 {
		c.report(at("replicas"), "a quorum ensemble of %d tolerates no failure; use 3 (tolerates 1) or 5 (tolerates 2)", n)
	}
}

var ruleEnsembleEven = &Rule{
	ID: diag.RuleEnsembleEven, Title: "a quorum ensemble has an odd number of members",
	Severity: diag.Warning, Source: "quorum",
	check: checkEnsembleEven,
	Explain: `An even ensemble tolerates no more failures than the odd one below it
(4 tolerates 1, like 3; 6 tolerates 2, like 5), yet has one more member
that can fail and makes every write wait for one more. Use the odd size.`,
}

// checkEnsembleEven: a quorum ensemble has an odd size.
func checkEnsembleEven(c *checker) {
	if n := c.s.Replicas; c.s.Topology == spec.Quorum && n >= 4 && n%2 == 0 {
		c.report(at("replicas"), "a quorum ensemble of %d tolerates no more failures than one of %d (%s); use %d or %d", n, n-1, failures((n-1)/2), n-1, n+1)
	}
}

// failures says how many failures an ensemble tolerates, in words.
func failures(f int32) string {
	if f == 1 {
		return "1 failure"
	}
	return fmt.Sprintf("%d failures", f)
}

var ruleEnsembleLarge = &Rule{
	ID: diag.RuleEnsembleLarge, Title: "a quorum ensemble has at most 7 members",
	Severity: diag.Warning, Source: "quorum",
	check: checkEnsembleLarge,
	Explain: `Every write waits for a majority, so each member added slows writes.
etcd and ZooKeeper advise at most 7 voting members; add read-only
observers or learners instead if the application supports them.`,
}

// checkEnsembleLarge: a quorum ensemble has at most 7 members.
func checkEnsembleLarge(c *checker) {
	if n := c.s.Replicas; c.s.Topology == spec.Quorum && n > 7 {
		c.report(at("replicas"), "a quorum ensemble of %d makes every write wait for %d members; more than 7 rarely pays off; use 5 or 7", n, n/2+1)
	}
}

var ruleQuorumMajority = &Rule{
	ID: diag.RuleQuorumMajority, Title: "quorum is a majority of the ensemble and no more than all of it",
	Severity: diag.Error, Fixed: true, Source: "quorum",
	check: checkQuorumMajority,
	Explain: `quorum defaults to ⌊replicas/2⌋+1. A quorum of half or less lets two
halves of a split ensemble both decide; a quorum above replicas can never
be reached. stsgen derives the PodDisruptionBudget from it, so it must be
right. Leave it unset, or write the majority.`,
}

// checkQuorumMajority: the quorum is a majority no larger than the ensemble.
func checkQuorumMajority(c *checker) {
	s := c.s
	n := s.Replicas
	if s.Topology != spec.Quorum || n < 1 {
		return
	}
	switch {
	case s.Quorum <= n/2:
		c.report(at("quorum"), "a quorum of %d of %d members is not a majority: two halves could both decide; use %d", s.Quorum, n, n/2+1)
	case s.Quorum > n:
		c.report(at("quorum"), "a quorum of %d can never be reached by %d members; use %d", s.Quorum, n, n/2+1)
	}
}

var ruleBootstrap = &Rule{
	ID: diag.RuleBootstrap, Title: "a readiness probe that needs quorum runs with Parallel pod management",
	Severity: diag.Error, Source: "quorum",
	check: checkBootstrap,
	Explain: `With podManagementPolicy "OrderedReady" the controller creates member 1
only when member 0 is Ready. If readiness needs a quorum
(probes.readiness.needsQuorum: true), member 0 can never be Ready alone,
and the ensemble never starts: a bootstrap deadlock. Use
podManagementPolicy: "Parallel", or a readiness probe that passes for a
running member without quorum.`,
}

// checkBootstrap: a readiness probe that needs quorum comes with Parallel
// pod management.
func checkBootstrap(c *checker) {
	s := c.s
	if p := s.Probes.Readiness; p != nil && p.NeedsQuorum && s.PodManagementPolicy != "Parallel" && s.Replicas >= 2 {
		c.report(at("podManagementPolicy"), "the readiness probe needs quorum, but OrderedReady starts member 1 only once member 0 is Ready, which it never is alone; set podManagementPolicy: \"Parallel\"")
	}
}

var ruleParallelQuorum = &Rule{
	ID: diag.RuleParallelQuorum, Title: "Parallel pod management on a quorum ensemble is deliberate",
	Severity: diag.Warning, Source: "quorum",
	check: checkParallelQuorum,
	Explain: `"Parallel" starts and stops all members at once, and a rolling update
still goes one pod at a time, but scaling down removes several members
together. Use it when members must start together to form a quorum
(state that with probes.readiness.needsQuorum: true, which silences this
rule), or silence this rule for the app.`,
}

// checkParallelQuorum: Parallel on an ensemble is stated to be deliberate.
func checkParallelQuorum(c *checker) {
	s := c.s
	if s.Topology != spec.Quorum || s.PodManagementPolicy != "Parallel" {
		return
	}
	if p := s.Probes.Readiness; p != nil && p.NeedsQuorum {
		return
	}
	c.report(at("podManagementPolicy"), "Parallel starts and removes ensemble members all at once; if they must start together, say so with probes.readiness.needsQuorum: true, else use \"OrderedReady\"")
}
