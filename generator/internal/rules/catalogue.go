package rules

import (
	"slices"
	"strings"
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
	placementRules,
	budgetRules,
	quorumRules,
	peerRules,
	updateRules,
	conventionRules,
	apiRules,
	rbacRules,
	bootstrapRules,
	secretRules,
	monitoringRules,
	systemRules,
	tlsRules,
)

// sortRules joins the families' rules in id order.
func sortRules(families ...[]*Rule) []*Rule {
	all := slices.Concat(families...)
	slices.SortFunc(all, func(a, b *Rule) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return all
}
