package rules

import (
	"slices"
	"strconv"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
)

// securityRules check the security contexts of the pod and its containers.
var securityRules = []*Rule{ruleSecurity}

var ruleSecurity = &Rule{
	ID: diag.RuleSecurity, Title: "containers keep stsgen's secure defaults",
	Severity: diag.Warning, Source: "kube-linter privileged-container, privilege-escalation-container, run-as-non-root; Polaris",
	check: checkSecurity,
	Explain: `stsgen runs every container with allowPrivilegeEscalation: false, the
RuntimeDefault seccomp profile and no service-account token. Setting
privileged: true, allowPrivilegeEscalation: true, runAsUser: 0,
runAsNonRoot: false or adding capabilities such as SYS_ADMIN or NET_RAW
gives a compromised member much of its node. Grant only what the image
needs, and silence this rule for the app when it really needs it.`,
}

// checkSecurity: no container is privileged, escalates privileges, runs as
// root or adds dangerous capabilities.
func checkSecurity(c *checker) {
	check := func(sels []string, sc *corev1.SecurityContext) {
		if sc == nil {
			return
		}
		sels = append(slices.Clone(sels), "securityContext")
		if sc.Privileged != nil && *sc.Privileged {
			c.report(append(sels, "privileged"), "a privileged container has full access to its node; grant only the capabilities it needs")
		}
		if sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation {
			c.report(append(sels, "allowPrivilegeEscalation"), "lets processes gain more privileges than they started with; remove it")
		}
		if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			c.report(append(sels, "runAsUser"), "runs as root; use the image's unprivileged user id")
		}
		if sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot {
			c.report(append(sels, "runAsNonRoot"), "allows running as root; remove it")
		}
		if sc.Capabilities != nil {
			for _, capability := range sc.Capabilities.Add {
				switch spec.CapabilityName(capability) {
				case "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "ALL":
					c.report(append(sels, "capabilities", "add"), "capability %s gives a compromised container much of its node; drop it", capability)
				}
			}
		}
	}
	check(nil, c.s.SecurityContext)
	if ps := c.s.PodSecurityContext; ps != nil {
		if ps.RunAsUser != nil && *ps.RunAsUser == 0 {
			c.report(at("podSecurityContext", "runAsUser"), "runs every container as root; use the image's unprivileged user id")
		}
		if ps.RunAsNonRoot != nil && !*ps.RunAsNonRoot {
			c.report(at("podSecurityContext", "runAsNonRoot"), "allows running as root; remove it")
		}
	}
	for i, ct := range c.s.InitContainers {
		check(at("initContainers", strconv.Itoa(i)), ct.SecurityContext)
	}
	for i, ct := range c.s.Sidecars {
		check(at("sidecars", strconv.Itoa(i)), ct.SecurityContext)
	}
}
