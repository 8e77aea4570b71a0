package generator

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// A Rule is one entry of the check catalogue: a stable id, a one-line
// title, a default severity and the explanation `stsgen explain` prints.
// Its check runs on the decoded spec, its verify on the generated objects;
// a rule may have either or both.
type Rule struct {
	ID       string
	Title    string
	Severity Severity
	// Fixed rules guard output that the API server, the StatefulSet
	// controller or stsgen itself cannot use; their severity cannot be
	// changed.
	Fixed bool
	// Source says where the rule comes from: the API server, a linter, or
	// the application's quorum.
	Source  string
	Explain string

	check  func(*checker)
	verify func(*checker, *Bundle)
}

// Rule ids. The number's first digit is the family: 0 for what the API
// server or the StatefulSet controller would reject, 1 for the lint rules of
// kube-score, kube-linter and Polaris, 2 for quorum and role semantics, 3
// for stsgen's own conventions.
const (
	RuleStatefulSetName = "STS001"
	RuleSelector        = "STS002"
	RuleServiceNames    = "STS003"
	RuleContainerNames  = "STS004"
	RuleContainerPorts  = "STS005"
	RuleVolumeMounts    = "STS006"
	RuleClaimTemplates  = "STS007"
	RuleRestartPolicy   = "STS008"
	RuleInitContainers  = "STS009"
	RuleUpdateStrategy  = "STS010"
	RuleServicePorts    = "STS011"
	RuleBudgetValues    = "STS012"
	RuleConfigMap       = "STS013"
	RuleLabels          = "STS014"
	RuleImmutable       = "STS015"
	RuleSchema          = "STS016"
	RuleProbes          = "STS017"
	RuleDNSNames        = "STS018"
	RuleQuantities      = "STS019"
	RuleEnvNames        = "STS020"

	RuleHeadlessService = "STS101"
	RuleAntiAffinity    = "STS102"
	RuleBudgetPresent   = "STS103"
	RuleProbePorts      = "STS104"
	RuleReadiness       = "STS105"
	RuleServiceTargets  = "STS106"
	RuleResources       = "STS107"
	RuleImageTag        = "STS108"
	RuleSecurity        = "STS109"
	RuleEvictionPolicy  = "STS110"
	RuleEnvDuplicates   = "STS111"
	RuleRevisionHistory = "STS112"
	RulePartitionStart  = "STS113"

	RuleEnsembleMinimum = "STS201"
	RuleEnsembleEven    = "STS202"
	RuleEnsembleLarge   = "STS203"
	RuleQuorumMajority  = "STS204"
	RuleBudgetQuorum    = "STS205"
	RuleBudgetBlocks    = "STS206"
	RuleBudgetReplicas  = "STS207"
	RulePeerDiscovery   = "STS208"
	RuleBootstrap       = "STS209"
	RuleParallelQuorum  = "STS210"
	RulePeerLists       = "STS211"
	RuleScaling         = "STS212"
	RulePeerRestart     = "STS213"
	RuleRetentionLoss   = "STS214"

	RuleReserved       = "STS301"
	RuleRoles          = "STS302"
	RuleIgnoredBudget  = "STS303"
	RuleChecksOverride = "STS304"
	RuleRecreate       = "STS305"
)

// Rules returns the catalogue in id order.
func Rules() []*Rule { return slices.Clone(catalogue) }

// LookupRule returns the rule with the id, matched without regard to case.
func LookupRule(id string) (*Rule, bool) {
	i := slices.IndexFunc(catalogue, func(r *Rule) bool { return strings.EqualFold(r.ID, id) })
	if i < 0 {
		return nil, false
	}
	return catalogue[i], true
}

// Policy changes rule severities for a whole run; an app's own checks field
// takes precedence over it, and Strict applies last.
type Policy struct {
	// Strict turns every warning into an error, as CI wants.
	Strict bool
	// Severity sets a rule's severity by id.
	Severity map[string]Severity
	// Previous holds the objects the build replaces, which the update
	// rules (STS015, STS212) compare with; nil skips them.
	Previous *Previous
	// Recreate names the apps whose StatefulSet may be re-created: their
	// refused changes are built, with a runbook (--recreate).
	Recreate map[string]bool
}

// ParseSeverity reads "error", "warning" or "off".
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "off":
		return Off, nil
	}
	return 0, fmt.Errorf("severity %q is not one of error, warning, off", s)
}

// ParseSetting reads a --severity flag value, ID=level, checking that the
// rule exists and may be changed.
func (p *Policy) ParseSetting(s string) error {
	id, level, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("%q: write RULE=LEVEL, e.g. STS102=off", s)
	}
	r, ok := LookupRule(id)
	if !ok {
		return fmt.Errorf("%q: no rule %s; stsgen explain lists them", s, id)
	}
	sev, err := ParseSeverity(level)
	if err != nil {
		return fmt.Errorf("%q: %w", s, err)
	}
	if r.Fixed && sev != r.Severity {
		return fmt.Errorf("%q: %s cannot be changed: %s", s, r.ID, fixedWhy)
	}
	if p.Severity == nil {
		p.Severity = map[string]Severity{}
	}
	p.Severity[r.ID] = sev
	return nil
}

const fixedWhy = "output that breaks it would be rejected by the API server or would not work, so stsgen does not write it"

// severity is the rule's severity for one app: the app's own setting, else
// the policy's, else the default; Strict makes warnings errors.
func (p Policy) severity(r *Rule, app map[string]Severity) Severity {
	sev := r.Severity
	if s, ok := p.Severity[r.ID]; ok {
		sev = s
	}
	if s, ok := app[r.ID]; ok && !r.Fixed {
		sev = s
	}
	if p.Strict && sev == Warning {
		sev = Error
	}
	return sev
}

// apply sets each diagnostic's severity from its rule and the policy, and
// drops the ones turned off. Diagnostics without a rule stay errors.
func (p Policy) apply(ds Diagnostics, app map[string]Severity) Diagnostics {
	out := ds[:0]
	for _, d := range ds {
		if r, ok := LookupRule(d.Rule); ok {
			d.Severity = p.severity(r, app)
		}
		if d.Severity != Off {
			out = append(out, d)
		}
	}
	return out
}

// WriteRulesMarkdown writes the catalogue as a Markdown document: a table of
// every rule, then each rule's explanation.
func WriteRulesMarkdown(w io.Writer) {
	fmt.Fprint(w, `# stsgen check rules

<!-- Generated by "stsgen explain --markdown" from generator/catalogue.go; do not edit. -->

Each rule has a stable id. Rules in the 0xx family catch what the API server
or the StatefulSet controller would reject; 1xx are the lint rules of
kube-score, kube-linter and Polaris; 2xx guard the application's quorum and
roles; 3xx are stsgen's own conventions. A rule marked fixed cannot change
severity; any other can be raised, lowered or turned off per app
(`+"`checks: STS102: \"off\"`"+`) or per run (`+"`--severity STS102=off`"+`), and
`+"`--strict`"+` turns warnings into errors.

| Rule | Severity | Title |
|---|---|---|
`)
	for _, r := range catalogue {
		sev := r.Severity.String()
		if r.Fixed {
			sev += ", fixed"
		}
		fmt.Fprintf(w, "| [%s](#%s) | %s | %s |\n", r.ID, strings.ToLower(r.ID), sev, r.Title)
	}
	for _, r := range catalogue {
		fmt.Fprintf(w, "\n## %s\n\n**%s.** Severity: %s", r.ID, r.Title, r.Severity)
		if r.Fixed {
			fmt.Fprint(w, " (fixed)")
		}
		// Escape what Markdown would take for HTML or emphasis.
		text := strings.NewReplacer("<", `\<`, "*", `\*`, "_", `\_`).Replace(r.Explain)
		fmt.Fprintf(w, ". From: %s.\n\n%s\n", r.Source, text)
	}
}
