package rules

import (
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
)

// envRules check the environment variables of the containers and the
// roles.
var envRules = []*Rule{ruleEnvNames, ruleEnvDuplicates}

var ruleEnvNames = &Rule{
	ID: diag.RuleEnvNames, Title: "environment variable names are valid",
	Severity: diag.Error, Fixed: true, Source: "stsgen",
	check: checkEnvNames,
	Explain: `The API server takes any printable name without '=' for a container's
environment variable, but not an empty one. A role's env is exported by a
shell before the main command starts, so its names must be shell variable
names: letters, digits and '_', not starting with a digit.`,
}

// checkEnvNames: env names are what the API server takes (not empty, no
// '='), and role env names are shell variable names.
func checkEnvNames(c *checker) {
	bad := func(name string) bool { return name == "" || strings.Contains(name, "=") }
	for _, e := range c.s.Env {
		if bad(e.Name) {
			c.reportName(at("env", e.Name), "env name %q is not valid: it may not be empty or contain '='", e.Name)
		}
	}
	for _, list := range c.s.ContainerLists() {
		for i, ct := range list.Cs {
			for j, e := range ct.Env {
				if bad(e.Name) {
					c.report(at(list.Field, strconv.Itoa(i), "env", strconv.Itoa(j), "name"), "env name %q is not valid: it may not be empty or contain '='", e.Name)
				}
			}
		}
	}
	for _, r := range c.s.Config.Roles {
		for _, e := range r.Env {
			if !isShellName(e.Name) {
				c.reportName(at("config", "roles", string(r.Name), "env", e.Name), "role env name %q is not a shell variable name; use letters, digits and '_', not starting with a digit, such as %q", e.Name, shellName(e.Name))
			}
		}
	}
}

func isShellName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func shellName(s string) string {
	out := strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out
}

var ruleEnvDuplicates = &Rule{
	ID: diag.RuleEnvDuplicates, Title: "no variable is set twice, and references to the app's ConfigMap exist",
	Severity: diag.Warning, Source: "kube-score environment-variable-key-duplication, kube-linter duplicate-env-var",
	check: checkEnvDuplicates,
	Explain: `When a container lists a variable twice the last one wins silently; a
role env that repeats an app env overrides it for that role only, which
is rarely what was meant. An env valueFrom configMapKeyRef into the app's
own ConfigMap (<app>-config) must name a key stsgen writes there (a config
file name), or the pod does not start.`,
}

// checkEnvDuplicates: no container sets a variable twice, roles do not
// repeat the app's variables, and references into the app's ConfigMap name
// keys stsgen writes.
func checkEnvDuplicates(c *checker) {
	s := c.s
	appEnv := map[string]bool{}
	for _, e := range s.Env {
		appEnv[e.Name] = true
	}
	for _, r := range s.Config.Roles {
		for _, e := range r.Env {
			if appEnv[e.Name] {
				c.report(at("config", "roles", string(r.Name), "env", e.Name), "%s is also set in the app's env; the role's value overrides it for %s members only; rename one, or set it in each role", e.Name, r.Name)
			}
		}
	}
	keys := map[string]bool{}
	for _, f := range s.Config.Files {
		keys[f.Name] = true
	}
	for _, r := range s.Config.Roles {
		for _, f := range r.Files {
			keys[spec.RoleFileKey(r.Name, f.Name)] = true
		}
	}
	checkRef := func(sels []string, e corev1.EnvVar) {
		if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil && e.ValueFrom.ConfigMapKeyRef.Name == build.ConfigMapName(s) && !keys[e.ValueFrom.ConfigMapKeyRef.Key] {
			c.report(sels, "the ConfigMap %s has no key %q; its keys are the config file names", build.ConfigMapName(s), e.ValueFrom.ConfigMapKeyRef.Key)
		}
	}
	for _, e := range s.Env {
		checkRef(at("env", e.Name), e)
	}
	for _, list := range s.ContainerLists() {
		for i, ct := range list.Cs {
			seen := map[string]bool{}
			for j, e := range ct.Env {
				sels := at(list.Field, strconv.Itoa(i), "env", strconv.Itoa(j))
				if seen[e.Name] {
					c.report(sels, "%s is set twice in container %q; the last value wins silently; remove one", e.Name, ct.Name)
				}
				seen[e.Name] = true
				checkRef(sels, e)
			}
		}
	}
}
