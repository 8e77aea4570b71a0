package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// probeRules check the liveness, readiness and startup probes and the
// ports they name.
var probeRules = []*Rule{ruleProbes, ruleProbePorts, ruleReadiness}

var ruleProbes = &Rule{
	ID: diag.RuleProbes, Title: "each probe has one handler and valid thresholds",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkProbes,
	Explain: `A probe has exactly one of exec, http, tcp or grpc, and an exec probe
needs a command. Liveness and startup probes must have
successThreshold 1; the API server rejects anything else.`,
}

// checkProbes: every probe has exactly one handler, and liveness and
// startup probes succeed after one success.
func checkProbes(c *checker) {
	for _, np := range c.s.NamedProbes() {
		p := np.P
		handlers := 0
		for _, set := range []bool{p.Exec != nil, p.HTTP != nil, p.TCP != "", p.GRPC != nil} {
			if set {
				handlers++
			}
		}
		if handlers != 1 {
			c.report(at("probes", np.Name), "a probe needs exactly one of exec, http, tcp or grpc; it has %d", handlers)
		}
		if p.Exec != nil && len(p.Exec) == 0 {
			c.report(at("probes", np.Name, "exec"), "an exec probe needs a command, such as [\"pg_isready\"]")
		}
		if np.Name != "readiness" && p.SuccessThreshold > 1 {
			c.report(at("probes", np.Name, "successThreshold"), "a %s probe must have successThreshold 1; remove it", np.Name)
		}
		if np.Name != "readiness" && p.NeedsQuorum {
			c.report(at("probes", np.Name, "needsQuorum"), "needsQuorum describes readiness probes only; a %s probe that needs quorum would restart every member when quorum is lost", np.Name)
		}
	}
}

var ruleProbePorts = &Rule{
	ID: diag.RuleProbePorts, Title: "probes refer to ports the app declares",
	Severity: diag.Error, Source: "kube-linter liveness-port, readiness-port, startup-port",
	check: checkProbePorts,
	Explain: `A probe names its port, and the API server does not check that the name
exists: an http or tcp probe on a missing port fails forever, so the pod
never becomes Ready (readiness) or restarts in a loop (liveness). The
linters call this a warning; stsgen makes it an error because the name is
a reference that cannot resolve.`,
}

// checkProbePorts: every probe names a port the app declares, and every
// probe of a sidecar or native sidecar names one of its own ports.
func checkProbePorts(c *checker) {
	for _, list := range c.s.ContainerLists() {
		for i, ct := range list.Cs {
			var names []string
			for _, p := range ct.Ports {
				names = append(names, p.Name)
			}
			// The ports of ports that name the container are its own.
			for _, p := range c.s.OwnedPorts(ct.Name) {
				if !slices.Contains(names, p.Name) {
					names = append(names, p.Name)
				}
			}
			for _, pr := range []struct {
				field string
				p     *corev1.Probe
			}{{"readinessProbe", ct.ReadinessProbe}, {"livenessProbe", ct.LivenessProbe}, {"startupProbe", ct.StartupProbe}} {
				if pr.p == nil {
					continue
				}
				var port *intstr.IntOrString
				var handler string
				switch {
				case pr.p.HTTPGet != nil:
					port, handler = &pr.p.HTTPGet.Port, "httpGet"
				case pr.p.TCPSocket != nil:
					port, handler = &pr.p.TCPSocket.Port, "tcpSocket"
				}
				if port != nil && port.Type == intstr.String && !slices.Contains(names, port.StrVal) {
					c.report(at(list.Field, strconv.Itoa(i), pr.field, handler, "port"), "container %q has no port named %q; its ports are %s", ct.Name, port.StrVal, strings.Join(names, ", "))
				}
			}
		}
	}
	for _, np := range c.s.NamedProbes() {
		p := np.P
		for _, ref := range []struct {
			set  bool
			sels []string
			port string
		}{
			{p.HTTP != nil, at("probes", np.Name, "http", "port"), portOf(p.HTTP)},
			{p.TCP != "", at("probes", np.Name, "tcp"), p.TCP},
			{p.GRPC != nil, at("probes", np.Name, "grpc", "port"), grpcPort(p.GRPC)},
		} {
			if !ref.set || c.s.HasPort(ref.port) {
				continue
			}
			if i := slices.IndexFunc(c.s.Ports, func(p spec.Port) bool { return p.Name == ref.port }); i >= 0 {
				// Kubernetes looks a probe's port name up in the probed
				// container's own ports.
				c.report(ref.sels, "port %q is container %q's, and a probe of the main container can reach only its own ports; probe it from that container (its readinessProbe), or name one of the main container's: %s", ref.port, c.s.Ports[i].Container, portList(c.s))
				continue
			}
			c.report(ref.sels, "no port named %q; %s", ref.port, portList(c.s))
		}
	}
}

func portOf(h *spec.HTTPProbe) string {
	if h == nil {
		return ""
	}
	return h.Port
}

func grpcPort(g *spec.GRPCProbe) string {
	if g == nil {
		return ""
	}
	return g.Port
}

func portList(s *spec.Spec) string {
	if len(s.MainPorts()) == 0 {
		return "the app declares no ports; add one under ports"
	}
	return "ports are " + strings.Join(s.PortNames(), ", ")
}

var ruleReadiness = &Rule{
	ID: diag.RuleReadiness, Title: "pods have a readiness probe different from the liveness probe",
	Severity: diag.Warning, Source: "kube-score pod-probes, pod-probes-identical",
	check: checkReadiness,
	Explain: `Without a readiness probe a pod counts as Ready as soon as it starts:
Services send it traffic before it serves, an OrderedReady StatefulSet
starts the next member too early, and a rolling update moves on while the
member is still catching up. A liveness probe identical to the readiness
probe restarts a member that is merely busy or catching up; make liveness
a cheaper check (the port accepts connections) and readiness the real one.`,
}

// checkReadiness: the main container has a readiness probe, and its liveness
// probe is not the same check.
func checkReadiness(c *checker) {
	p := c.s.Probes
	if p.Readiness == nil {
		c.report(at("probes"), "no readiness probe: pods count as Ready as soon as they start; add probes: readiness: with a check that passes once the member serves")
		return
	}
	if p.Liveness != nil && sameCheck(p.Readiness, p.Liveness) {
		fix := fmt.Sprintf(", such as tcp: %q", firstPort(c.s))
		if p.Liveness.TCP != "" {
			fix = ", and readiness the check that the member serves"
		}
		c.report(at("probes", "liveness"), "the liveness probe is the readiness probe: a busy member would be restarted; make liveness a cheaper check%s", fix)
	}
}

func sameCheck(a, b *spec.Probe) bool {
	switch {
	case a.Exec != nil && b.Exec != nil:
		return slices.Equal(a.Exec, b.Exec)
	case a.HTTP != nil && b.HTTP != nil:
		return *a.HTTP == *b.HTTP
	case a.TCP != "" && b.TCP != "":
		return a.TCP == b.TCP
	case a.GRPC != nil && b.GRPC != nil:
		return a.GRPC.Port == b.GRPC.Port && spec.PtrEqual(a.GRPC.Service, b.GRPC.Service)
	}
	return false
}

func firstPort(s *spec.Spec) string {
	main := s.MainPorts()
	if len(main) == 0 {
		return "<port>"
	}
	return main[0].Name
}
