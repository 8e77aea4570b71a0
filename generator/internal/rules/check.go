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

// checkUpdateStrategy: partition and maxUnavailable belong to RollingUpdate,
// and a percentage is between 1% and 100%.
func checkUpdateStrategy(c *checker) {
	u := c.s.UpdateStrategy
	if u.Type == "OnDelete" {
		if u.Partition != nil {
			c.report(at("updateStrategy", "partition"), "partition only applies to RollingUpdate; remove it or set type: \"RollingUpdate\"")
		}
		if u.MaxUnavailable != nil {
			c.report(at("updateStrategy", "maxUnavailable"), "maxUnavailable only applies to RollingUpdate; remove it or set type: \"RollingUpdate\"")
		}
	}
	if u.MaxUnavailable != nil && u.MaxUnavailable.Type == 1 {
		if n, ok := spec.Percent(u.MaxUnavailable.StrVal); !ok || n < 1 || n > 100 {
			c.report(at("updateStrategy", "maxUnavailable"), "%q is not a percentage from 1%% to 100%%", u.MaxUnavailable.StrVal)
		}
	}
}

// checkRevisionHistory: revisionHistoryLimit is not negative.
func checkRevisionHistory(c *checker) {
	if l := c.s.RevisionHistoryLimit; l != nil && *l < 0 {
		c.report(at("revisionHistoryLimit"), "a negative limit keeps every revision forever; write 10 or leave it unset")
	}
}

// checkPartitionStart: with ordinals.start, the controller counts the
// partition from the first pod.
func checkPartitionStart(c *checker) {
	p, start := c.s.UpdateStrategy.Partition, c.s.OrdinalsStart
	if p == nil || *p == 0 || start == 0 || c.s.UpdateStrategy.Type == "OnDelete" {
		return
	}
	c.report(at("updateStrategy", "partition"), "the controller counts the partition from ordinals.start: partition %d holds back the pods below ordinal %d (%d + %d), not those below ordinal %d; to hold back the pods below ordinal N, write partition: N - %d",
		*p, start+*p, start, *p, *p, start)
}

// checkRecreate: recreate needs a previous output to compare with.
func checkRecreate(c *checker) {
	if c.recreate && c.prev == nil {
		c.report(at("recreate"), "there is no previous output to compare with, so nothing says what to re-create; build with -o DIR over the earlier output, or pass --against REV or --previous PATH")
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
