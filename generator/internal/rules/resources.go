package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"

	corev1 "k8s.io/api/core/v1"
)

// resourceRules check the containers' resource requests and limits.
var resourceRules = []*Rule{ruleQuantities, ruleResources}

var ruleQuantities = &Rule{
	ID: diag.RuleQuantities, Title: "resource quantities are valid and requests do not exceed limits",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkQuantities,
	Explain: `Sizes, requests and limits are Kubernetes quantities: a number with an
optional suffix, binary (Ki, Mi, Gi, Ti) or decimal (k, M, G, T, and m
for milli). "10 GB" and "10gb" are not quantities; write "10Gi" or "10G".
A request above the limit of the same resource is rejected by the API
server.`,
}

// checkQuantities: requests do not exceed limits.
func checkQuantities(c *checker) {
	check := func(sels []string, r corev1.ResourceRequirements) {
		for _, name := range build.SortedKeys(r.Requests) {
			req := r.Requests[name]
			lim, ok := r.Limits[name]
			if ok && req.Cmp(lim) > 0 {
				c.report(append(slices.Clone(sels), "requests", string(name)), "the %s request %s is above its limit %s; raise the limit or lower the request", name, req.String(), lim.String())
			}
		}
	}
	check(at("resources"), c.s.Resources)
	for i, ct := range c.s.InitContainers {
		check(at("initContainers", strconv.Itoa(i), "resources"), ct.Resources)
	}
	for i, ct := range c.s.Sidecars {
		check(at("sidecars", strconv.Itoa(i), "resources"), ct.Resources)
	}
}

var ruleResources = &Rule{
	ID: diag.RuleResources, Title: "containers request and limit CPU, memory and ephemeral storage",
	Severity: diag.Warning, Source: "kube-score container-resources, kube-linter unset-*-requirements",
	check: checkResources,
	Explain: `Without requests the scheduler places the pod anywhere and the pod is the
first evicted under pressure; without a memory limit one member can
starve its node, and without an ephemeral-storage limit one member's logs
or scratch files can fill the node's disk and get every pod on it
evicted. Set resources.requests and resources.limits for cpu, memory and
ephemeral-storage on the app (its sidecars and init containers take their
own; stsgen's init container takes the app's). Turning this rule off for
an app tells kube-score too.`,
}

// checkResources: every container requests and limits CPU and memory.
func checkResources(c *checker) {
	check := func(sels []string, what string, r corev1.ResourceRequirements) {
		if c.decodeFailedBelow(sels) {
			return // an invalid quantity is reported as such
		}
		var missing []string
		for _, kind := range []struct {
			name string
			list corev1.ResourceList
		}{{"requests", r.Requests}, {"limits", r.Limits}} {
			for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
				if q, ok := kind.list[res]; !ok || q.IsZero() {
					missing = append(missing, kind.name+"."+string(res))
				}
			}
		}
		if len(missing) > 0 {
			c.report(sels, "%s sets no %s: the scheduler cannot place it well and nothing bounds what it takes from its node; write e.g. resources: {requests: {cpu: \"250m\", memory: \"512Mi\", \"ephemeral-storage\": \"1Gi\"}, limits: {cpu: \"1\", memory: \"512Mi\", \"ephemeral-storage\": \"1Gi\"}}", what, strings.Join(missing, ", "))
		}
	}
	check(at("resources"), "the main container", c.s.Resources)
	for i, ct := range c.s.InitContainers {
		check(at("initContainers", strconv.Itoa(i)), fmt.Sprintf("init container %q", ct.Name), ct.Resources)
	}
	for i, ct := range c.s.Sidecars {
		check(at("sidecars", strconv.Itoa(i)), fmt.Sprintf("sidecar %q", ct.Name), ct.Resources)
	}
}
