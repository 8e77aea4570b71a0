package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// portRules check the ports the containers declare.
var portRules = []*Rule{ruleContainerPorts}

var ruleContainerPorts = &Rule{
	ID: diag.RuleContainerPorts, Title: "port names are IANA service names and port numbers are unique and in range",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkContainerPorts,
	Explain: `A container port name must be an IANA service name: at most 15
characters, lower-case letters, digits and '-', at least one letter, no
leading, trailing or doubled '-'. Numbers run from 1 to 65535 and a number
may appear once per protocol. Probes and Services refer to ports by these
names, so a name the server rejects breaks all of them.

Write names such as client, peer or leader-elect.`,
}

// checkContainerPorts: port names are IANA service names, numbers are in
// range and unique per protocol, in the main container and the sidecars.
func checkContainerPorts(c *checker) {
	seen := map[string]string{}
	for _, p := range c.s.Ports {
		sels := at("ports", p.Name)
		if msg := portNameProblem(p.Name); msg != "" {
			c.reportName(sels, "port name %q is not valid: %s", p.Name, msg)
		}
		if p.Port < 1 || p.Port > 65535 {
			c.report(sels, "port %d is out of range; use 1 to 65535", p.Port)
		}
		key := fmt.Sprintf("%s/%d", p.Protocol, p.Port)
		if other, ok := seen[key]; ok {
			c.report(sels, "port %s is also used by port %s; each port number may appear once per protocol", key, other)
		}
		seen[key] = strconv.Quote(p.Name)
	}
	// The containers of a pod share its network: a number may be
	// listened on once.
	for _, list := range c.s.ContainerLists() {
		for i, ct := range list.Cs {
			names := map[string]bool{}
			for j, p := range ct.Ports {
				sels := at(list.Field, strconv.Itoa(i), "ports", strconv.Itoa(j))
				if slices.ContainsFunc(c.s.OwnedPorts(ct.Name), func(o spec.Port) bool { return o.Name == p.Name }) {
					// The same port as one of ports, which STS430 holds
					// to agree with it.
					names[p.Name] = true
					continue
				}
				if p.Name != "" {
					if msg := portNameProblem(p.Name); msg != "" {
						c.report(sels, "port name %q is not valid: %s", p.Name, msg)
					} else if names[p.Name] {
						c.report(sels, "port name %q is used twice in container %q", p.Name, ct.Name)
					}
					names[p.Name] = true
				}
				if p.ContainerPort < 1 || p.ContainerPort > 65535 {
					c.report(sels, "port %d is out of range; use 1 to 65535", p.ContainerPort)
				}
				proto := p.Protocol
				if proto == "" {
					proto = corev1.ProtocolTCP
				}
				key := fmt.Sprintf("%s/%d", proto, p.ContainerPort)
				if other, ok := seen[key]; ok {
					c.report(sels, "port %s is also used by port %s; the containers of a pod share its network, so each number may appear once per protocol", key, other)
				}
				seen[key] = fmt.Sprintf("%q of container %q", p.Name, ct.Name)
			}
		}
	}
}

// portNameProblem says in plain words why name is not an IANA service name.
func portNameProblem(name string) string {
	if len(validation.IsValidPortName(name)) == 0 {
		return ""
	}
	switch {
	case len(name) > 15:
		return fmt.Sprintf("it is %d characters and a container port name may have at most 15; shorten it", len(name))
	case strings.ToLower(name) != name:
		return fmt.Sprintf("port names are lower case; write %q", strings.ToLower(name))
	case strings.Trim(name, "0123456789-") == "":
		return "it needs at least one letter, such as \"p" + name + "\""
	case strings.Contains(name, "--"):
		return "it may not contain \"--\""
	case strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-"):
		return "it may not begin or end with '-'"
	}
	return "use lower-case letters, digits and '-' only"
}
