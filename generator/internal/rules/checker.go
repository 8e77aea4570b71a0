package rules

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/update"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Check runs every rule's spec check on every spec, applies the policy and
// each app's own overrides, and returns what remains, sorted.
func Check(specs []*spec.Spec, pol Policy) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, s := range specs {
		c := newChecker(s, pol)
		for _, r := range catalogue {
			if r.check != nil {
				c.rule = r
				r.check(c)
			}
		}
		ds = append(ds, pol.apply(c.ds, s)...)
	}
	return ds.Sort()
}

// Verify runs the rules' output checks on a bundle built from s, refused
// being what the previous objects refuse of it (update.Refused). Most of
// them guard the generator: on a correct build they find nothing. When
// the checks found errors in s, only the rules marked runsInError run
// (STS015, STS212: what an update refuses): objects built from a spec in
// error can disagree with each other in ways that only repeat its errors,
// and what an update would refuse is worth knowing at once.
func Verify(s *spec.Spec, b *build.Bundle, refused *update.Recreation, pol Policy, inError bool) diag.Diagnostics {
	c := newChecker(s, pol)
	c.refused = refused
	for _, r := range catalogue {
		if r.verify != nil && (!inError || r.runsInError) {
			c.rule = r
			r.verify(c, b)
		}
	}
	return pol.apply(c.ds, s).Sort()
}

// checker collects one app's findings for the rule being run.
type checker struct {
	s    *spec.Spec
	rule *Rule
	ds   diag.Diagnostics
	// pol is the run's policy, for the checks whose reach depends on
	// another rule's severity.
	pol Policy
	// prev holds the objects this build replaces, for the update rules;
	// nil when there are none.
	prev *update.Previous
	// recreate says the app acknowledges that its StatefulSet is
	// re-created.
	recreate bool
	// refused is what the previous objects refuse of the bundle being
	// verified (update.Refused), computed once by the pipeline.
	refused *update.Recreation
	// rules is the catalogue, for the checks that look rules up (see
	// catalogue for why they do not read it).
	rules []*Rule
}

// newChecker starts one app's findings under the run's policy.
func newChecker(s *spec.Spec, pol Policy) *checker {
	return &checker{s: s, pol: pol, prev: pol.Previous, recreate: s.Recreate || pol.Recreate[s.Name], rules: catalogue}
}

// lookupRule returns the rule with the id, as LookupRule does.
func (c *checker) lookupRule(id diag.RuleID) (*Rule, bool) { return lookup(c.rules, string(id)) }

// previous returns the previous version of the bundle's StatefulSet, or
// nil.
func (c *checker) previous(b *build.Bundle) *appsv1.StatefulSet {
	return c.prev.StatefulSet(b.StatefulSet)
}

// report adds a finding of the current rule at the field named by sels,
// relative to the app.
func (c *checker) report(sels []string, format string, args ...any) {
	path := c.s.Path(sels...)
	if c.s.Source.Silenced(path) {
		return
	}
	c.ds = append(c.ds, diag.Diagnostic{
		Severity: c.rule.Severity,
		Rule:     c.rule.ID,
		Path:     path,
		Pos:      c.s.Source.Positions(sels...),
		Message:  fmt.Sprintf(format, args...),
	})
}

// reportName adds a finding about the name of the field sels names: it
// points at the label the user wrote rather than at the field's value.
func (c *checker) reportName(sels []string, format string, args ...any) {
	n := len(c.ds)
	c.report(sels, format, args...)
	if len(c.ds) == n {
		return
	}
	if p, ok := c.s.Source.LabelPos(sels...); ok {
		c.ds[n].Pos = []token.Pos{p}
	}
}

// reportObject adds a finding of a verify func, which checks the generated
// objects against each other. They state rules the generator keeps by
// construction, so on a correct build they find nothing; they report at the
// app, whose spec produced the objects.
func (c *checker) reportObject(format string, args ...any) {
	c.report(nil, format, args...)
}

// reportLine adds a finding about line n of content, the string the field
// sels names, such as a config file: it points at that line where the user
// wrote the string as a multi-line literal, and at the field otherwise.
func (c *checker) reportLine(sels []string, content string, n int, format string, args ...any) {
	k := len(c.ds)
	c.report(sels, format, args...)
	if len(c.ds) == k {
		return
	}
	if p, ok := c.s.Source.LinePos(sels, content, n); ok {
		c.ds[k].Pos = []token.Pos{p}
	}
}

func at(sels ...string) []string { return sels }

// wrote reports whether the user wrote the field sels names, rather than
// leaving it to a default.
func (c *checker) wrote(sels []string) bool {
	return c.s.Source.Wrote(sels...)
}

// decodeFailedBelow reports whether a field at or below sels failed to
// decode (and was reported by Decode).
func (c *checker) decodeFailedBelow(sels []string) bool {
	return c.s.Source.FailedBelow(c.s.Path(sels...))
}

// dnsLabel reports a value that is not an RFC 1123 label of at most max
// characters; what names the thing for the message.
func (c *checker) dnsLabel(sels []string, value, what string, max int) {
	report := c.reportName
	if sels[len(sels)-1] == "name" {
		report = c.report // a name: field; point at its value
	}
	if msg := labelProblem(value); msg != "" {
		report(sels, "%q is not a valid %s: %s", value, what, msg)
		return
	}
	if len(value) > max {
		report(sels, "%q is %d characters; a %s may have at most %d", value, len(value), what, max)
	}
}

// labelProblem says in plain words why s is not an RFC 1123 label, and
// suggests one; it returns "" for a valid label.
func labelProblem(s string) string {
	if len(validation.IsDNS1123Label(s)) == 0 {
		return ""
	}
	if s == "" {
		return "it is empty"
	}
	fix := suggestLabel(s)
	why := "use lower-case letters, digits and '-', starting and ending with a letter or digit"
	switch {
	case strings.Contains(s, "."):
		why = "it may not contain dots"
	case strings.ToLower(s) != s:
		why = "it may not contain upper-case letters"
	case strings.Contains(s, "_"):
		why = "it may not contain '_'"
	case len(s) > validation.DNS1123LabelMaxLength:
		return fmt.Sprintf("it is %d characters, the limit is 63", len(s))
	}
	if fix != "" && fix != s {
		return fmt.Sprintf("%s; write %q", why, fix)
	}
	return why
}

// suggestLabel turns s into the nearest RFC 1123 label, or "".
func suggestLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-', r == '_', r == '.', r == ' ', r == '/':
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	if len(validation.IsDNS1123Label(out)) > 0 {
		return ""
	}
	return out
}

// suggestSubdomain turns s into the nearest DNS subdomain, label by label.
func suggestSubdomain(s string) string {
	var parts []string
	for _, l := range strings.Split(s, ".") {
		if l = suggestLabel(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, ".")
}

// selects reports whether a selector selects pods with the labels.
func selects(sel *metav1.LabelSelector, podLabels map[string]string) bool {
	if sel == nil || len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(podLabels))
}
