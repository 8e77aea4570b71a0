package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"

	"k8s.io/apimachinery/pkg/util/validation"
)

// rbacRules check the pods' ServiceAccount, the rules its Role grants,
// and the leader label a leader-following primary selects.
var rbacRules = []*Rule{ruleServiceAccount, ruleRBACVerbs, ruleRBACResources, ruleRBACWildcard, ruleLeaderLabel}

var ruleServiceAccount = &Rule{
	ID: diag.RuleServiceAccount, Title: "the pods run as one account, and the account granted the rules",
	Severity: diag.Error, Fixed: true, Source: "stsgen",
	check: checkServiceAccount,
	Explain: `serviceAccount has stsgen make the pods' account, and serviceAccountName
names one made elsewhere: the pods can run as only one, so both at once
is an error. serviceAccount.create defaults to true when the account is
granted rules (serviceAccount.rules, or what services.primary.leader
needs) or serviceAccount's name or annotations are written; with
create: false stsgen makes neither the account nor its Role, so rules
are an error then, and a leader-following primary needs
serviceAccountName to name an account that may patch the pods. The
members of a leader-following primary label their pod with the pods'
token: automountServiceAccountToken: false is an error then. The
account's name is a DNS subdomain, and not "default": that is the
namespace's own account, which every pod without one runs as, and
stsgen would grant its Role to all of them.`,
}

// checkServiceAccount: the pods run as one account, and the one that is
// granted the rules.
func checkServiceAccount(c *checker) {
	s := c.s
	sa := s.ServiceAccount
	if s.FollowsLeader() && !s.AutomountServiceAccountToken {
		c.report(at("automountServiceAccountToken"), "the members label their leader pod through the Kubernetes API with the pods' token, and automountServiceAccountToken: false leaves it out, so the primary Service never finds the leader; remove automountServiceAccountToken: false")
	}
	if sa.Create {
		if s.ServiceAccountName != "" {
			if s.FollowsLeader() && len(sa.Rules) == 0 {
				c.report(at("serviceAccountName"), "services.primary.leader has stsgen make the pods' account %q, granted get and patch on their pods to label the leader, so they cannot also run as %q; remove serviceAccountName, or set serviceAccount.create: false to run as your account (it needs get and patch on the pods)", sa.Name, s.ServiceAccountName)
			} else {
				c.report(at("serviceAccountName"), "the pods run as the account serviceAccount makes (%q), so they cannot also run as %q; remove serviceAccountName, or set serviceAccount.create: false to keep the account you made", sa.Name, s.ServiceAccountName)
			}
		}
		if sa.Name == "default" {
			c.report(at("serviceAccount", "name"), "\"default\" is the namespace's own account, which every pod without an account of its own runs as: stsgen would take it over and grant its Role to all of them; remove name (the account is then named %q), or write another", s.Name)
		} else if msgs := validation.IsDNS1123Subdomain(sa.Name); len(msgs) > 0 {
			c.report(at("serviceAccount", "name"), "%q is not a valid ServiceAccount name: a DNS subdomain of lower-case letters, digits, '-' and '.'; write e.g. %q", sa.Name, suggestSubdomain(sa.Name))
		}
		return
	}
	if len(sa.Rules) > 0 {
		c.report(at("serviceAccount", "rules"), "the rules are granted to the account stsgen makes, and serviceAccount.create is false; remove create: false, or grant the rules to your own account with a Role of your own")
	}
	if s.FollowsLeader() && s.ServiceAccountName == "" {
		c.report(at("services", "primary", "leader"), "the members label their leader pod through the Kubernetes API, which the namespace's default account may not do; remove serviceAccount.create: false, or set serviceAccountName to an account granted get and patch on pods")
	}
}

// rbacVerbs are the verbs Kubernetes' authorizer knows: the API's, and
// the ones admission and the certificate signer check.
var rbacVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate", "use", "approve", "sign"}

var ruleRBACVerbs = &Rule{
	ID: diag.RuleRBACVerbs, Title: "a Role's rules name API groups, resources and Kubernetes' verbs",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkRBACVerbs,
	Explain: `The API server refuses a Role whose rule has no verbs, no apiGroups or no
resources ("" is the core group: pods, services, configmaps...). A verb
the authorizer does not know is accepted and grants nothing: the verbs
are get, list, watch, create, update, patch, delete and deletecollection,
and escalate, bind, impersonate, use, approve and sign, or "*" for all.`,
}

// checkRBACVerbs: every rule has verbs, API groups and resources, and
// names only Kubernetes' verbs.
func checkRBACVerbs(c *checker) {
	for i, r := range c.s.ServiceAccount.Rules {
		base := at("serviceAccount", "rules", strconv.Itoa(i))
		if len(r.Verbs) == 0 {
			c.report(base, "the rule has no verbs, and the API server refuses it (verbs must contain at least one value); write e.g. verbs: [\"get\", \"list\", \"watch\"]")
		}
		if len(r.APIGroups) == 0 {
			c.report(base, "the rule has no apiGroups, and the API server refuses it (resource rules must supply at least one api group); write apiGroups: [\"\"] for the core group (pods, services, configmaps, endpoints, secrets)")
		}
		if len(r.Resources) == 0 {
			c.report(base, "the rule has no resources, and the API server refuses it (resource rules must supply at least one resource); write e.g. resources: [\"pods\"]")
		}
		for j, v := range r.Verbs {
			if v == "*" || slices.Contains(rbacVerbs, v) {
				continue
			}
			c.report(append(base, "verbs", strconv.Itoa(j)), "%q is not a verb Kubernetes checks, so it grants nothing%s; the verbs are %s", v, didYouMean(v, rbacVerbs), strings.Join(rbacVerbs, ", "))
		}
	}
}

// rbacGroup is what stsgen knows of a built-in API group: its namespaced
// resources and subresources, which a Role can grant, and its
// cluster-scoped ones, which only a ClusterRole can.
type rbacGroup struct {
	namespaced, cluster []string
}

// rbacGroups are the built-in API groups whose resources stsgen knows
// (Kubernetes 1.36). A group not here may be a custom resource's.
var rbacGroups = map[string]rbacGroup{
	"": {
		namespaced: []string{
			"bindings", "configmaps", "endpoints", "events", "limitranges",
			"persistentvolumeclaims", "persistentvolumeclaims/status",
			"pods", "pods/attach", "pods/binding", "pods/ephemeralcontainers", "pods/eviction", "pods/exec", "pods/log", "pods/portforward", "pods/proxy", "pods/resize", "pods/status",
			"podtemplates", "replicationcontrollers", "replicationcontrollers/scale", "replicationcontrollers/status",
			"resourcequotas", "resourcequotas/status", "secrets", "serviceaccounts", "serviceaccounts/token",
			"services", "services/proxy", "services/status",
		},
		cluster: []string{"componentstatuses", "namespaces", "namespaces/finalize", "namespaces/status", "nodes", "nodes/proxy", "nodes/status", "persistentvolumes", "persistentvolumes/status"},
	},
	"apps": {namespaced: []string{
		"controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
		"replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status",
	}},
	"batch":               {namespaced: []string{"cronjobs", "cronjobs/status", "jobs", "jobs/status"}},
	"coordination.k8s.io": {namespaced: []string{"leases", "leasecandidates"}},
	"discovery.k8s.io":    {namespaced: []string{"endpointslices"}},
	"policy":              {namespaced: []string{"poddisruptionbudgets", "poddisruptionbudgets/status"}},
	"rbac.authorization.k8s.io": {
		namespaced: []string{"rolebindings", "roles"},
		cluster:    []string{"clusterrolebindings", "clusterroles"},
	},
	"networking.k8s.io": {
		namespaced: []string{"ingresses", "ingresses/status", "networkpolicies"},
		cluster:    []string{"ingressclasses", "ipaddresses", "servicecidrs", "servicecidrs/status"},
	},
}

var ruleRBACResources = &Rule{
	ID: diag.RuleRBACResources, Title: "a Role's rules name resources of their API group that a Role can grant",
	Severity: diag.Error, Source: "Kubernetes RBAC",
	check: checkRBACResources,
	Explain: `A rule's resources are the lower-case plural names of the API (pods,
configmaps, leases), with a subresource after '/' (pods/exec, pods/log,
statefulsets/status), in the API groups the rule names ("" is the core
group). The API server accepts any name and the rule then grants
nothing, so stsgen checks the resources of the built-in groups it knows
(core, apps, batch, coordination.k8s.io, discovery.k8s.io, policy,
rbac.authorization.k8s.io, networking.k8s.io) and suggests the name
meant. A group with a dot that stsgen does not know is taken for a
custom resource's and its resources are not checked; a group without
one is built in or does not exist ("core" is written "").

The Role is namespaced: it cannot grant cluster-scoped resources (nodes,
namespaces, persistentvolumes, clusterroles...), which need a
ClusterRole and a ClusterRoleBinding that stsgen does not write.`,
}

// checkRBACResources: every group is one that can exist, and every
// resource of a known group is one of its namespaced ones.
func checkRBACResources(c *checker) {
	known := slices.Sorted(func(yield func(string) bool) {
		for g := range rbacGroups {
			if !yield(g) {
				return
			}
		}
	})
	for i, r := range c.s.ServiceAccount.Rules {
		base := at("serviceAccount", "rules", strconv.Itoa(i))
		var groups []rbacGroup
		for j, g := range r.APIGroups {
			if info, ok := rbacGroups[g]; ok {
				groups = append(groups, info)
				continue
			}
			switch {
			case g == "*":
				groups = nil
			case g == "core" || g == "v1":
				c.report(append(base, "apiGroups", strconv.Itoa(j)), "the core group (pods, services, configmaps) is written \"\", not %q; write apiGroups: [\"\"]", g)
			case !strings.Contains(g, "."):
				// Every group a CustomResourceDefinition or an APIService
				// adds has a dot; the built-in ones without are known.
				c.report(append(base, "apiGroups", strconv.Itoa(j)), "there is no API group %q%s; a custom resource's group has a dot (example.com), and the built-in ones are %s", g, didYouMean(g, known), quoteList(known))
			}
		}
		if len(r.APIGroups) == 0 || slices.Contains(r.APIGroups, "*") || len(groups) < len(r.APIGroups) {
			// No group is STS402's; a wildcard or a custom resource's
			// group may hold any name.
			continue
		}
		for j, res := range r.Resources {
			if res == "*" || strings.HasPrefix(res, "*/") {
				continue
			}
			sels := append(slices.Clone(base), "resources", strconv.Itoa(j))
			var namespaced, cluster []string
			for _, g := range groups {
				namespaced = append(namespaced, g.namespaced...)
				cluster = append(cluster, g.cluster...)
			}
			switch {
			case slices.Contains(namespaced, res):
			case slices.Contains(cluster, res):
				c.report(sels, "%s are cluster-scoped, and the app's Role is namespaced: a Role cannot grant them; a ClusterRole and ClusterRoleBinding can, which stsgen does not write: make them beside the app, bound to the account %q, or remove %q", res, c.s.ServiceAccount.Name, res)
			case inGroup(res, known):
				g := groupOf(res, known)
				c.report(sels, "%q is not a resource of %s, so the rule grants nothing; it is in %s: write apiGroups: [%q] in a rule of its own", res, groupNames(r.APIGroups), groupName(g), g)
			default:
				c.report(sels, "%q is not a resource of %s, so the rule grants nothing%s; resources are lower-case plurals, a subresource after '/' (pods/log)", res, groupNames(r.APIGroups), didYouMean(res, append(namespaced, cluster...)))
			}
		}
	}
}

var ruleRBACWildcard = &Rule{
	ID: diag.RuleRBACWildcard, Title: "a Role's rules grant no wildcard",
	Severity: diag.Warning, Source: "kube-linter wildcard-in-rules, least privilege",
	check: checkRBACWildcard,
	Explain: `"*" in a rule's apiGroups, resources or verbs grants everything of its
kind, now and whatever a later Kubernetes version or CRD adds: every
Secret of the namespace, or the right to delete what the app only reads.
Name what the app calls, as its documentation lists it.`,
}

// checkRBACWildcard: no rule grants "*".
func checkRBACWildcard(c *checker) {
	for i, r := range c.s.ServiceAccount.Rules {
		base := at("serviceAccount", "rules", strconv.Itoa(i))
		for _, f := range []struct {
			name string
			list []string
		}{{"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"verbs", r.Verbs}} {
			for j, v := range f.list {
				if v == "*" || strings.HasPrefix(v, "*/") {
					c.report(append(slices.Clone(base), f.name, strconv.Itoa(j)), "%q grants all %s, now and as they are added; name the ones the app needs (least privilege)", v, f.name)
				}
			}
		}
	}
}

var ruleLeaderLabel = &Rule{
	ID: diag.RuleLeaderLabel, Title: "the leader label is the app's own",
	Severity: diag.Error, Fixed: true, Source: "stsgen",
	check: checkLeaderLabel,
	Explain: `A leader-following primary Service selects the pod that carries
services.primary.leader's label and value, which the app puts on its
leader and takes off the member that steps down. The label must be a
valid label key and a value that is not empty, and one that only the app sets: not one of
stsgen's (app.kubernetes.io/name, managed-by, version), nor one the
StatefulSet controller sets on every pod (statefulset.kubernetes.io/pod-name,
apps.kubernetes.io/pod-index, controller-revision-hash), nor one of the
app's labels, which the pod template gives every member: the Service
would then select them all.`,
}

// controllerLabels are the labels the StatefulSet controller sets on
// every pod.
var controllerLabels = []string{spec.LabelPodName, spec.LabelPodIndex, "controller-revision-hash"}

// checkLeaderLabel: the leader label is valid, and neither stsgen's, the
// controller's, nor the pod template's.
func checkLeaderLabel(c *checker) {
	if !c.s.FollowsLeader() {
		return
	}
	l := c.s.Services.Primary.Leader
	sels := at("services", "primary", "leader", "label")
	if msgs := validation.IsQualifiedName(l.Label); len(msgs) > 0 {
		c.report(sels, "%q is not a label key: %s", l.Label, strings.Join(msgs, "; "))
	}
	if strings.TrimSpace(l.Value) == "" {
		c.report(at("services", "primary", "leader", "value"), "the value is empty, and the primary Service would select the pods whose %s label is empty, not the leader; remove value (it defaults to \"true\"), or write the value the app sets on its leader", l.Label)
	} else if msgs := validation.IsValidLabelValue(l.Value); len(msgs) > 0 {
		c.report(at("services", "primary", "leader", "value"), "%q is not a label value: %s", l.Value, strings.Join(msgs, "; "))
	}
	switch {
	case l.Label == spec.LabelName || l.Label == spec.LabelManagedBy || l.Label == spec.LabelVersion:
		c.report(sels, "%s is stsgen's label, on every member; write the label the app puts on its leader alone (Patroni's role, Vault's vault-active)", l.Label)
	case slices.Contains(controllerLabels, l.Label):
		c.report(sels, "%s is set by the StatefulSet controller on every member; write the label the app puts on its leader alone (Patroni's role, Vault's vault-active)", l.Label)
	default:
		if _, ok := c.s.Labels[l.Label]; ok {
			c.report(sels, "%s is one of the app's labels, which the pod template gives every member, and the primary Service would select them all; remove it from labels, or write the label the app puts on its leader alone", l.Label)
		}
	}
}

// didYouMean suggests the nearest of known to v: ` (did you mean "x"?)`,
// or "" when none is near.
func didYouMean(v string, known []string) string {
	best, dist := "", 3
	for _, k := range known {
		d := spec.EditDistance(strings.ToLower(v), k)
		if strings.EqualFold(v, k) {
			d = 0
		}
		if d < dist {
			best, dist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// inGroup reports whether a known group has the namespaced resource.
func inGroup(res string, known []string) bool {
	return slices.ContainsFunc(known, func(g string) bool { return slices.Contains(rbacGroups[g].namespaced, res) })
}

// groupName names an API group for a message.
func groupName(g string) string {
	if g == "" {
		return "the core group"
	}
	return "the API group " + strconv.Quote(g)
}

// groupOf is the known group that has the namespaced resource, or "" (the
// core group's, or none: see inGroup).
func groupOf(res string, known []string) string {
	for _, g := range known {
		if slices.Contains(rbacGroups[g].namespaced, res) {
			return g
		}
	}
	return ""
}

// groupNames names API groups for a message: the core group, apps.
func groupNames(groups []string) string {
	var names []string
	for _, g := range groups {
		if g == "" {
			g = "the core group"
		}
		names = append(names, g)
	}
	return strings.Join(names, " or ")
}

// quoteList quotes each string and joins them.
func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
