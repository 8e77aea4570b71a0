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
	updateRules,
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
	}
}
