package rules

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// peerRules check how the members of a replicated app find each other:
// their DNS names, and the peer lists written into the config.
var peerRules = []*Rule{rulePeerDiscovery, rulePeerLists}

var rulePeerDiscovery = &Rule{
	ID: diag.RulePeerDiscovery, Title: "peers can resolve each other before they are Ready",
	Severity: diag.Error, Source: "quorum",
	check: checkPeerDiscovery,
	Explain: `Ensemble members and replicas find each other by their stable DNS names
before any of them is Ready; the headless Service publishes those names
only for Ready pods unless publishNotReadyAddresses is true. Turning it
off lets an ensemble that lost its quorum never form one again. Leave
services.headless.publishNotReadyAddresses at its default.`,
}

// checkPeerDiscovery: replicated members can resolve each other before they
// are Ready.
func checkPeerDiscovery(c *checker) {
	s := c.s
	if s.Topology != spec.Standalone && s.Replicas >= 2 && !s.Services.Headless.PublishNotReadyAddresses {
		c.report(at("services", "headless", "publishNotReadyAddresses"), "a %s app's members must resolve each other before they are Ready; remove publishNotReadyAddresses: false", s.Topology)
	}
}

var rulePeerLists = &Rule{
	ID: diag.RulePeerLists, Title: "peer lists in config files name the app's real pods",
	Severity: diag.Error, Source: "quorum",
	check: checkPeerLists,
	Explain: `A config file that lists the members by hand (server.1=zk-0.zk-hs:2888)
goes stale when the headless Service, the namespace, the cluster domain,
ordinals.start or replicas change, and a member that cannot reach its
peers never joins the ensemble. stsgen checks every <app>-<n>.<service>
name in the config files, env, command and args against the pods it
generates, and a server.N=<host> list for ids that match the ids it
gives each member, no repeats and no member left out. Render the list
from the app's peers instead:
[for p in apps.zk.peers {"server.\(p.id)=\(p.fqdn):2888:3888"}].`,
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
	for _, t := range s.Texts() {
		check(at(t.At...), t.Value)
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
