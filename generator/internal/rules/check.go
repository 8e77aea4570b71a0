package rules

import (
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// checkReserved: user names and annotations stay clear of stsgen's own.
func checkReserved(c *checker) {
	s := c.s
	reserved := func(sels []string, name string) {
		if strings.HasPrefix(name, spec.ReservedPrefix) {
			c.reportName(sels, "names starting with %q are reserved for stsgen's own volumes and containers; choose another name", spec.ReservedPrefix)
		}
	}
	for _, cl := range s.Storage {
		reserved(at("storage", cl.Name), cl.Name)
	}
	for _, v := range s.Volumes {
		reserved(at("volumes", v.Name), v.Name)
	}
	for i, ct := range s.InitContainers {
		reserved(at("initContainers", strconv.Itoa(i), "name"), ct.Name)
	}
	for i, ct := range s.Sidecars {
		reserved(at("sidecars", strconv.Itoa(i), "name"), ct.Name)
	}
	for _, f := range s.Config.Files {
		if f.Name == spec.InitScriptKey {
			c.report(at("config", "files", f.Name), "%q is the ConfigMap key of stsgen's init script; rename the file", f.Name)
		}
	}
	if _, ok := s.Annotations[spec.AnnotationConfigHash]; ok {
		c.report(at("annotations", spec.AnnotationConfigHash), "%s is set by stsgen on the pod template to roll the pods when the config changes; remove it", spec.AnnotationConfigHash)
	}
	if _, ok := s.Labels[spec.LabelPodName]; ok {
		c.report(at("labels", spec.LabelPodName), "%s is set by the StatefulSet controller on each pod; remove it", spec.LabelPodName)
	}
}

// checkChecksOverride: an app's check overrides name rules that exist and
// may change.
func checkChecksOverride(c *checker) {
	for _, id := range build.SortedKeys(c.s.Checks) {
		r, ok := c.lookupRule(id)
		switch {
		case !ok:
			c.report(at("checks", string(id)), "no rule %s; stsgen explain lists the rules", id)
		case r.Fixed && c.s.Checks[id] != r.Severity:
			c.report(at("checks", string(id)), "%s cannot be changed: %s", r.ID, fixedWhy)
		}
	}
}
