// Package rules is the check stage and its catalogue. Check runs every
// rule's check on the decoded specs, Verify runs the output checks on the
// objects built from them, and the catalogue is what stsgen explain and
// docs/rules.md show.
//
// A rule is a *Rule: a stable id, a one-line title, a default severity, the
// source it comes from (the API server, a linter, the quorum), the
// explanation, and a check func that reads the spec, a verify func that
// reads the built objects, or both. Its id is a diag.RuleID declared in
// generator/diag/ids.go, because the stages below this one report some
// rules themselves (spec.Decode reports STS016 and STS019).
//
// Rules live in families grouped by subject, one file each, so that a rule
// is found where its subject is, whatever the first digit of its id:
// names.go, labels.go, services.go, containers.go, ports.go, storage.go,
// probes.go, config.go, env.go, resources.go, security.go, spread.go,
// budget.go, quorum.go, peers.go, update.go and conventions.go. In each, a
// rule's entry (var ruleX = &Rule{...}) sits right beside its check and
// verify funcs, and the family lists its rules (nameRules in names.go); the
// rule's cases are in the family's test file (nameCases in names_test.go).
// checker.go holds what the checks share: the checker, its report funcs and
// the naming helpers. catalogue.go joins the families' lists in id order.
//
// To add a rule:
//
//  1. Add its id to generator/diag/ids.go: 0xx for what the API server or
//     the StatefulSet controller rejects, 1xx for lint rules, 2xx for
//     quorum and role semantics, 3xx for stsgen's own conventions.
//
//  2. In the family file of its subject, declare its entry, its check or
//     verify func (each with a doc comment that states the rule in one
//     sentence), and add the entry to the family's list. A check that needs
//     another rule looks it up with c.lookupRule, not LookupRule.
//
//  3. In the family's _test.go, add its cases in pairs: an app where it
//     fires, then the near miss where it stays silent; a verify func also
//     needs a firing case that breaks the output (mutate or previous).
//
//  4. Regenerate docs/rules.md and read the diff:
//
//     go test ./generator -run TestRulesDoc -update
//
// A new family is a new file whose list is named in catalogue (catalogue.go)
// and whose cases are named in ruleCases (rules_test.go); TestCatalogueOrder
// and TestRuleCoverage fail until both are.
package rules
