package rules

import (
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	"k8s.io/apimachinery/pkg/util/validation"
)

// labelRules check the labels and annotations of the objects, and the
// selector that matches the pods by their labels.
var labelRules = []*Rule{ruleSelector, ruleLabels}

var ruleSelector = &Rule{
	ID: diag.RuleSelector, Title: "the selector is not empty and matches the pod template's labels",
	Severity: diag.Error, Fixed: true, Source: "API server",
	verify: verifySelector,
	Explain: `The API server rejects a StatefulSet whose selector is empty or does not
match its pod template's labels, and the selector can never be changed
afterwards. stsgen selects by app.kubernetes.io/name alone and puts that
label on the template, so this rule guards the generator: it fires only
if the generated objects disagree with each other.`,
}

// verifySelector: the StatefulSet's selector is not empty and selects its
// own template.
func verifySelector(c *checker, b *build.Bundle) {
	sts := b.StatefulSet
	if !selects(sts.Spec.Selector, sts.Spec.Template.Labels) {
		c.reportObject("StatefulSet %s: the selector %v does not select the pod template's labels %v", sts.Name, sts.Spec.Selector, sts.Spec.Template.Labels)
	}
}

var ruleLabels = &Rule{
	ID: diag.RuleLabels, Title: "labels and annotations are valid and leave stsgen's keys alone",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkLabels,
	Explain: `Label and annotation keys are qualified names (an optional DNS prefix
and '/', then at most 63 characters); label values are at most 63
characters of letters, digits, '-', '_' and '.'. Annotations may not
exceed 256 KiB in total. version becomes the app.kubernetes.io/version
label, so it must be a valid label value too; it defaults to the image
tag. stsgen sets app.kubernetes.io/name (the selector),
app.kubernetes.io/managed-by and app.kubernetes.io/version itself, so they
cannot be set under labels.`,
}

// maxAnnotations is the most the annotations of one object may hold.
const maxAnnotations = 256 << 10

// checkLabels: label keys and values and annotation keys are valid, the
// annotations fit, and the user's labels leave stsgen's keys alone.
func checkLabels(c *checker) {
	s := c.s
	for _, k := range build.SortedKeys(s.Labels) {
		sels := at("labels", k)
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			c.reportName(sels, "label key %q is not valid: %s", k, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsValidLabelValue(s.Labels[k]); len(msgs) > 0 {
			c.report(sels, "label value %q is not valid: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit", s.Labels[k])
		}
		switch k {
		case spec.LabelName:
			c.report(sels, "%s is the pods' selector, which stsgen sets to the app name and which can never change; remove it", k)
		case spec.LabelManagedBy:
			c.report(sels, "%s is set by stsgen to say that stsgen wrote the objects; remove it", k)
		case spec.LabelVersion:
			c.report(sels, "%s is set by stsgen from version; remove it and set version instead", k)
		}
	}
	// The pod template also carries stsgen's config hash.
	size := len(spec.AnnotationConfigHash) + 64
	for _, k := range build.SortedKeys(s.Annotations) {
		size += len(k) + len(s.Annotations[k])
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			c.reportName(at("annotations", k), "annotation key %q is not valid: %s", k, strings.Join(msgs, "; "))
		}
	}
	if size > maxAnnotations {
		c.report(at("annotations"), "the annotations hold %d bytes with stsgen's config hash; Kubernetes allows at most 262144 per object", size)
	}
	svcAnnotations := map[string]map[string]string{spec.SvcHeadless: s.Services.Headless.Annotations, spec.SvcRead: s.Services.Read.Annotations}
	if p := s.Services.Primary; p != nil {
		svcAnnotations[spec.SvcPrimary] = p.Annotations
	}
	for _, kind := range build.SortedKeys(svcAnnotations) {
		for _, k := range build.SortedKeys(svcAnnotations[kind]) {
			if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
				c.reportName(at("services", kind, "annotations", k), "annotation key %q is not valid: %s", k, strings.Join(msgs, "; "))
			}
		}
	}
	if s.Version != "" && len(validation.IsValidLabelValue(s.Version)) > 0 {
		if _, set := c.s.Source.Lookup("version").String(); set == nil {
			c.report(at("version"), "version %q cannot be a label value: at most 63 letters, digits, '-', '_' and '.'; set a shorter version", s.Version)
		} else {
			c.report(at("image"), "the image tag %q becomes the app.kubernetes.io/version label but is not a valid label value; set version: to a shorter value", s.Version)
		}
	}
}
