package main

import (
	"fmt"

	"github.com/stsgen/stsgen/generator"
)

var explainCmd = &command{
	name:  "explain",
	short: "describe the check rules",
	usage: "explain [--markdown] [RULE ...]",
	long: `Explain prints what a rule checks, what goes wrong on a cluster when the
rule is broken, and what to write instead. Without a rule it lists every
rule with its default severity. --markdown prints the whole catalogue as the
Markdown document docs/rules.md.

Exit status: 0, or 2 for a rule that does not exist.`,
}

func init() { explainCmd.run = runExplain }

func runExplain(e *env, args []string) int {
	var markdown bool
	fs := explainCmd.flags(e)
	fs.BoolVar(&markdown, "markdown", false, "print the catalogue as Markdown")
	if st := parse(fs, e, args); st >= 0 {
		return st
	}
	if markdown {
		generator.WriteRulesMarkdown(e.stdout)
		return exitOK
	}
	if fs.NArg() == 0 {
		for _, r := range generator.Rules() {
			fmt.Fprintf(e.stdout, "%s  %-7s  %s\n", r.ID, r.Severity, r.Title)
		}
		return exitOK
	}
	for i, id := range fs.Args() {
		r, ok := generator.LookupRule(id)
		if !ok {
			fmt.Fprintf(e.stderr, "stsgen explain: no rule %q; run \"stsgen explain\" for the list\n", id)
			return exitUsage
		}
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		fmt.Fprintf(e.stdout, "%s: %s\n\n", r.ID, r.Title)
		fmt.Fprintf(e.stdout, "Severity: %s%s\nFrom:     %s\n\n%s\n", r.Severity, fixedNote(r), r.Source, r.Explain)
	}
	return exitOK
}

func fixedNote(r *generator.Rule) string {
	if r.Fixed {
		return " (cannot be changed)"
	}
	return " (an app's checks field or --severity can change it)"
}
