package rules

import (
	"regexp"
	"slices"
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

// checkPeerDiscovery: replicated members can resolve each other before they
// are Ready.
func checkPeerDiscovery(c *checker) {
	s := c.s
	if s.Topology != spec.Standalone && s.Replicas >= 2 && !s.Services.Headless.PublishNotReadyAddresses {
		c.report(at("services", "headless", "publishNotReadyAddresses"), "a %s app's members must resolve each other before they are Ready; remove publishNotReadyAddresses: false", s.Topology)
	}
}

// checkPeerLists: names of the app's pods in config files, env and args
// are the pods stsgen generates, under its headless Service, namespace and
// domain; and a ZooKeeper-style server.N list names every member once,
// with its id.
func checkPeerLists(c *checker) {
	s := c.s
	if len(s.Peers) == 0 {
		return
	}
	// The name must not continue another one (legacy-db-0 is not db-0),
	// and the label after it must start with a letter, so that a version
	// such as kafka-3.7.0 is not taken for a pod.
	re := regexp.MustCompile(`(?:^|[^-a-z0-9.])(` + regexp.QuoteMeta(s.Name) + `-([0-9]+)\.([a-z][-a-z0-9]*(?:\.[a-z0-9][-a-z0-9]*)*))`)
	first, last := s.Peers[0].Ordinal, s.Peers[len(s.Peers)-1].Ordinal
	check := func(sels []string, content string) {
		for _, m := range re.FindAllStringSubmatch(content, -1) {
			ord, _ := strconv.Atoi(m[2])
			host := m[1]
			labels := strings.Split(m[3], ".")
			switch {
			case labels[0] != s.ServiceName:
				c.report(sels, "%q is not under the headless Service %q; write %s-%d.%s, or render the list from the app's peers", host, s.ServiceName, s.Name, ord, s.ServiceName)
			case ord < first || ord > last:
				c.report(sels, "%q names ordinal %d, but the pods are %s-%d to %s-%d; render the list from the app's peers", host, ord, s.Name, first, s.Name, last)
			case len(labels) >= 2 && labels[1] != s.Namespace:
				c.report(sels, "%q is in namespace %q, but the app is in %q; render the list from the app's peers", host, labels[1], s.Namespace)
			case len(labels) >= 4 && labels[2] == "svc" && strings.Join(labels[3:], ".") != s.ClusterDomain:
				c.report(sels, "%q uses the cluster domain %q, but the app's is %q; render the list from the app's peers", host, strings.Join(labels[3:], "."), s.ClusterDomain)
			default:
				continue
			}
			return
		}
		c.serverList(sels, content)
	}
	for _, f := range s.Config.Files {
		check(at("config", "files", f.Name), f.Content)
	}
	for _, r := range s.Config.Roles {
		for _, f := range r.Files {
			check(at("config", "roles", r.Name, "files", f.Name), f.Content)
		}
		for _, e := range r.Env {
			check(at("config", "roles", r.Name, "env", e.Name), e.Value)
		}
	}
	for _, e := range s.Env {
		check(at("env", e.Name), e.Value)
	}
	check(at("command"), strings.Join(s.Command, " "))
	check(at("args"), strings.Join(s.Args, " "))
	for _, list := range s.ContainerLists() {
		for i, ct := range list.Cs {
			sels := at(list.Field, strconv.Itoa(i))
			check(append(sels, "command"), strings.Join(ct.Command, " "))
			check(append(sels, "args"), strings.Join(ct.Args, " "))
			for j, e := range ct.Env {
				check(append(slices.Clone(sels), "env", strconv.Itoa(j)), e.Value)
			}
		}
	}
}

// serverLine is a ZooKeeper membership line: server.<id>=<host>[:...].
var serverLine = regexp.MustCompile(`(?m)^\s*server\.([0-9]+)\s*=\s*([^:;\s]+)`)

// serverList checks the server.N lines that name this app's pods: each
// pod's id is the one stsgen gives it, no id repeats, and every member is
// listed.
func (c *checker) serverList(sels []string, content string) {
	s := c.s
	byHost := map[string]spec.Peer{}
	for _, p := range s.Peers {
		byHost[p.Pod] = p
		byHost[p.Host] = p
		byHost[p.FQDN] = p
		byHost[strings.TrimSuffix(p.FQDN, "."+s.ClusterDomain)] = p
	}
	listed := map[string]bool{}
	ids := map[int]string{}
	for _, m := range serverLine.FindAllStringSubmatch(content, -1) {
		id, _ := strconv.Atoi(m[1])
		p, ok := byHost[m[2]]
		if !ok {
			continue
		}
		if other, dup := ids[id]; dup {
			c.report(sels, "server.%d is listed for both %s and %s; every member needs its own id", id, other, p.Pod)
			return
		}
		ids[id] = p.Pod
		if id != p.ID {
			c.report(sels, "server.%d names %s, whose id is %d (identity.idBase + its index, as the init container writes it); write server.%d, set identity.idBase, or render the list from the app's peers with p.id", id, p.Pod, p.ID, p.ID)
			return
		}
		listed[p.Pod] = true
	}
	if len(listed) == 0 {
		return
	}
	var missing []string
	for _, p := range s.Peers {
		if !listed[p.Pod] {
			missing = append(missing, p.Pod)
		}
	}
	if len(missing) > 0 {
		c.report(sels, "the server list leaves out %s of the %d members; a member missing from it never joins the ensemble; render the list from the app's peers", strings.Join(missing, ", "), len(s.Peers))
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
