package rules

import (
	"github.com/stsgen/stsgen/generator/diag"
)

// systemRules check what the apps of one system say about each other.
var systemRules = []*Rule{ruleSystemPolicy}

var ruleSystemPolicy = &Rule{
	ID: diag.RuleSystemPolicy, Title: "the policies between apps have apps to let in",
	Severity: diag.Warning, Source: "stsgen",
	check: checkSystemPolicy,
	Explain: `networkPolicy.fromReferrers lets in the pods of the apps that name this
one's members or Services, and networkPolicy.fromReferenced those of the
apps this one names: in its config files, env, args or command, or its
bootstrap's script, command, args or env, through
apps.<other>.peers, apps.<other>.services and the like. An app names
another only through such a reference: a name written out by hand is not
one, since it does not follow the other app when it changes.

Both add to the app's NetworkPolicy, so they do nothing when
networkPolicy.enabled is false; and fromReferenced does nothing when the
app names no other app of its package. Either is a sign that the
reference the rule is meant to follow is missing: refer to the other app
through apps.<other>, or remove the field. fromReferrers with no app that
refers to this one is not reported: the referrers' builds write what lets
them in, and the app's own check cannot know whether one exists (an app
of another package may refer to it).`,
}

// checkSystemPolicy: fromReferrers and fromReferenced have a policy to
// add to, and fromReferenced an app to let in.
func checkSystemPolicy(c *checker) {
	np := c.s.NetworkPolicy
	if !np.Enabled {
		for _, f := range []struct {
			name string
			on   bool
		}{{"fromReferrers", np.FromReferrers}, {"fromReferenced", np.FromReferenced}} {
			if f.on {
				c.report(at("networkPolicy", f.name), "%s adds to the app's NetworkPolicy, which networkPolicy.enabled: false turns off; remove %s, or the enabled: false", f.name, f.name)
			}
		}
		return
	}
	if np.FromReferenced && len(c.s.Uses) == 0 {
		c.report(at("networkPolicy", "fromReferenced"), "the app names no other app of its package in its config files, env, args, command or bootstrap, so fromReferenced lets nothing in; refer to the other app through apps.<name>.peers or apps.<name>.services (a name written out by hand does not count), or remove fromReferenced")
	}
}
