package generator

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"k8s.io/apimachinery/pkg/util/validation"
)

// maxStatefulSetName is the longest StatefulSet name whose pods can be
// created: the controller labels each pod with controller-revision-hash
// <name>-<hash of up to 10 characters>, and a label value holds at most 63.
const maxStatefulSetName = validation.DNS1123LabelMaxLength - 1 - 10

// Check runs the semantic rules on every spec and returns what they found,
// sorted. Each rule is a function below whose comment states it.
func Check(specs []*Spec) Diagnostics {
	var ds Diagnostics
	for _, s := range specs {
		c := &checker{s: s}
		for _, rule := range rules {
			rule(c)
		}
		ds = append(ds, c.ds...)
	}
	return ds.Sort()
}

var rules = []func(*checker){
	checkNames,
	checkQuorum,
	checkPorts,
	checkProbes,
	checkServices,
	checkMounts,
	checkStorage,
	checkConfig,
	checkLabels,
	checkContainers,
	checkUpdateStrategy,
	checkDisruption,
}

type checker struct {
	s  *Spec
	ds Diagnostics
}

// report adds a diagnostic at the field named by sels, relative to the app.
func (c *checker) report(sev Severity, sels []string, format string, args ...any) {
	v := c.s.v.LookupPath(selPath(sels...))
	p := c.s.v.Path()
	full := cue.MakePath(append(p.Selectors(), selPath(sels...).Selectors()...)...)
	if c.s.bad[full.String()] {
		return
	}
	c.ds = append(c.ds, Diagnostic{
		Severity: sev,
		Path:     full.String(),
		Pos:      userPositions(c.s.v, v),
		Message:  fmt.Sprintf(format, args...),
	})
}

func (c *checker) errorf(sels []string, format string, args ...any) {
	c.report(Error, sels, format, args...)
}

func (c *checker) warnf(sels []string, format string, args ...any) {
	c.report(Warning, sels, format, args...)
}

func at(sels ...string) []string { return sels }

// dnsLabel reports a value that is not an RFC 1123 label of at most max
// characters; what names the thing for the message.
func (c *checker) dnsLabel(sels []string, value, what string, max int) {
	if msgs := validation.IsDNS1123Label(value); len(msgs) > 0 {
		c.errorf(sels, "%q is not a valid %s: %s", value, what, strings.Join(msgs, "; "))
		return
	}
	if len(value) > max {
		c.errorf(sels, "%q is %d characters; a %s may have at most %d", value, len(value), what, max)
	}
}

// checkNames: the app name is a DNS label short enough for the pods the
// controller derives from it, and the namespace, cluster domain and Service
// names are valid DNS names.
func checkNames(c *checker) {
	s := c.s
	if msgs := validation.IsDNS1123Label(s.Name); len(msgs) > 0 {
		c.errorf(at("name"), "app name %q is not a DNS label: %s; use lower-case letters, digits and '-'", s.Name, strings.Join(msgs, "; "))
	} else if len(s.Name) > maxStatefulSetName {
		c.errorf(at("name"), "app name %q is %d characters; a StatefulSet name may have at most %d, because the controller's controller-revision-hash pod label (<name>-<10-character hash>) must fit in 63", s.Name, len(s.Name), maxStatefulSetName)
	}
	c.dnsLabel(at("namespace"), s.Namespace, "namespace", validation.DNS1123LabelMaxLength)
	if msgs := validation.IsDNS1123Subdomain(s.ClusterDomain); len(msgs) > 0 {
		c.errorf(at("clusterDomain"), "%q is not a DNS domain: %s", s.ClusterDomain, strings.Join(msgs, "; "))
	}
}

// checkQuorum: a quorum ensemble has at least 3 members, preferably an odd
// number no larger than 7, and its quorum is a majority no larger than the
// ensemble.
func checkQuorum(c *checker) {
	s := c.s
	if s.Topology != "quorum" {
		return
	}
	n := s.Replicas
	switch {
	case n < 3:
		c.errorf(at("replicas"), "a quorum ensemble of %d tolerates no failure; use 3 (tolerates 1) or 5 (tolerates 2)", n)
	case n%2 == 0:
		c.warnf(at("replicas"), "a quorum ensemble of %d tolerates no more failures than one of %d (%s); use %d or %d", n, n-1, failures((n-1)/2), n-1, n+1)
	case n > 7:
		c.warnf(at("replicas"), "a quorum ensemble of %d makes every write wait for %d members; more than 7 rarely pays off; use 5 or 7", n, n/2+1)
	}
	if n >= 3 {
		switch {
		case s.Quorum <= n/2:
			c.errorf(at("quorum"), "a quorum of %d of %d members is not a majority: two halves could both decide; use %d", s.Quorum, n, n/2+1)
		case s.Quorum > n:
			c.errorf(at("quorum"), "a quorum of %d can never be reached by %d members; use %d", s.Quorum, n, n/2+1)
		case s.Quorum == n:
			c.warnf(at("quorum"), "a quorum of all %d members tolerates no failure, so no PodDisruptionBudget can allow an eviction and stsgen emits none; use %d", n, n/2+1)
		}
	}
}

// failures says how many failures an ensemble tolerates, in words.
func failures(f int32) string {
	if f == 1 {
		return "1 failure"
	}
	return fmt.Sprintf("%d failures", f)
}

// checkPorts: port names are IANA service names (at most 15 characters,
// lower-case letters, digits and '-', at least one letter) and numbers are
// unique per protocol.
func checkPorts(c *checker) {
	seen := map[string]string{}
	for _, p := range c.s.Ports {
		if msgs := validation.IsValidPortName(p.Name); len(msgs) > 0 {
			c.errorf(at("ports", p.Name), "port name %q is not valid: %s", p.Name, strings.Join(msgs, "; "))
		}
		if p.Port < 1 || p.Port > 65535 {
			c.errorf(at("ports", p.Name), "port %d is out of range; use 1 to 65535", p.Port)
		}
		key := fmt.Sprintf("%s/%d", p.Protocol, p.Port)
		if other, ok := seen[key]; ok {
			c.errorf(at("ports", p.Name), "port %s is also used by port %q; each port number may appear once per protocol", key, other)
		}
		seen[key] = p.Name
		for _, e := range p.Expose {
			if e == svcPrimary && c.s.Services.Primary == nil {
				c.errorf(at("ports", p.Name, "expose"), "only primary-replica apps have a primary Service; expose on \"headless\" or \"read\"")
			}
		}
	}
}

func (s *Spec) portNames() []string {
	names := make([]string, len(s.Ports))
	for i, p := range s.Ports {
		names[i] = p.Name
	}
	return names
}

func (s *Spec) hasPort(name string) bool {
	return slices.Contains(s.portNames(), name)
}

// checkProbes: every probe has exactly one handler, names a port the app
// declares, and liveness and startup probes succeed after one success.
func checkProbes(c *checker) {
	for _, kind := range []struct {
		name string
		p    *Probe
	}{{"readiness", c.s.Probes.Readiness}, {"liveness", c.s.Probes.Liveness}, {"startup", c.s.Probes.Startup}} {
		p := kind.p
		if p == nil {
			continue
		}
		handlers := 0
		for _, set := range []bool{p.Exec != nil, p.HTTP != nil, p.TCP != "", p.GRPC != nil} {
			if set {
				handlers++
			}
		}
		if handlers != 1 {
			c.errorf(at("probes", kind.name), "a probe needs exactly one of exec, http, tcp or grpc; it has %d", handlers)
		}
		if p.Exec != nil && len(p.Exec) == 0 {
			c.errorf(at("probes", kind.name, "exec"), "an exec probe needs a command")
		}
		for _, ref := range []struct {
			set  bool
			sels []string
			port string
		}{
			{p.HTTP != nil, at("probes", kind.name, "http", "port"), portOf(p.HTTP)},
			{p.TCP != "", at("probes", kind.name, "tcp"), p.TCP},
			{p.GRPC != nil, at("probes", kind.name, "grpc", "port"), grpcPort(p.GRPC)},
		} {
			if ref.set && !c.s.hasPort(ref.port) {
				c.errorf(ref.sels, "no port named %q; %s", ref.port, portList(c.s))
			}
		}
		if kind.name != "readiness" && p.SuccessThreshold > 1 {
			c.errorf(at("probes", kind.name, "successThreshold"), "a %s probe must have successThreshold 1", kind.name)
		}
	}
}

func portOf(h *HTTPProbe) string {
	if h == nil {
		return ""
	}
	return h.Port
}

func grpcPort(g *GRPCProbe) string {
	if g == nil {
		return ""
	}
	return g.Port
}

func portList(s *Spec) string {
	if len(s.Ports) == 0 {
		return "the app declares no ports; add one under ports"
	}
	return "ports are " + strings.Join(s.portNames(), ", ")
}

// checkServices: Service names are DNS-1035 labels and distinct, and every
// Service that needs ports (all but the headless one) has one.
func checkServices(c *checker) {
	s := c.s
	type svc struct {
		kind, name string
	}
	svcs := []svc{{svcHeadless, s.Services.Headless.Name}, {svcRead, s.Services.Read.Name}}
	if s.Services.Primary != nil {
		svcs = append(svcs, svc{svcPrimary, s.Services.Primary.Name})
	}
	// Service names default to the app's name; when that is already
	// reported, do not report its consequences.
	nameBad := len(validation.IsDNS1123Label(s.Name)) > 0
	if s.ServiceName != s.Services.Headless.Name {
		c.errorf(at("serviceName"), "serviceName is the headless Service's name and cannot be set on its own; set services.headless.name: %q instead", s.ServiceName)
	}
	seen := map[string]string{}
	for _, v := range svcs {
		sels := at("services", v.kind, "name")
		if nameBad && strings.HasPrefix(v.name, s.Name) {
			continue
		}
		if msgs := validation.IsDNS1035Label(v.name); len(msgs) > 0 {
			c.errorf(sels, "Service name %q is not valid: %s", v.name, strings.Join(msgs, "; "))
		}
		if other, ok := seen[v.name]; ok {
			c.errorf(sels, "the %s and %s Services are both named %q; give each its own name", other, v.kind, v.name)
		}
		seen[v.name] = v.kind
		if v.kind == svcHeadless {
			continue
		}
		exposed := slices.ContainsFunc(s.Ports, func(p Port) bool { return p.exposedOn(v.kind) })
		if !exposed {
			c.errorf(at("services", v.kind), "no port is exposed on the %s Service %q; add %q to a port's expose list", v.kind, v.name, v.kind)
		}
	}
}

// checkMounts: every mount path of the main container is absolute and used
// once, including the config and identity directories stsgen mounts.
func checkMounts(c *checker) {
	s := c.s
	type mount struct {
		sels []string
		path string
	}
	var mounts []mount
	for _, cl := range s.Storage {
		if cl.MountPath != "" {
			mounts = append(mounts, mount{at("storage", cl.Name, "mountPath"), cl.MountPath})
		}
	}
	for _, v := range s.Volumes {
		if v.MountPath != "" {
			mounts = append(mounts, mount{at("volumes", v.Name, "mountPath"), v.MountPath})
		}
	}
	if s.hasConfigFiles() {
		mounts = append(mounts, mount{at("config", "mountPath"), s.Config.MountPath})
	}
	mounts = append(mounts, mount{at("identity", "mountPath"), s.Identity.MountPath})
	seen := map[string][]string{}
	for _, m := range mounts {
		if !path.IsAbs(m.path) {
			c.errorf(m.sels, "mount path %q is not absolute; write /%s", m.path, strings.TrimPrefix(m.path, "./"))
			continue
		}
		clean := path.Clean(m.path)
		if prev, ok := seen[clean]; ok {
			c.errorf(m.sels, "mount path %q is also used by %s; each mount needs its own path", m.path, strings.Join(prev, "."))
			continue
		}
		seen[clean] = m.sels
	}
}

// checkStorage: claim and volume names are DNS labels that do not use
// stsgen's reserved prefix, and every claim has an access mode.
func checkStorage(c *checker) {
	names := map[string]bool{}
	for _, cl := range c.s.Storage {
		c.dnsLabel(at("storage", cl.Name), cl.Name, "claim name", validation.DNS1123LabelMaxLength)
		c.reserved(at("storage", cl.Name), cl.Name)
		if len(cl.AccessModes) == 0 {
			c.errorf(at("storage", cl.Name, "accessModes"), "a claim needs at least one access mode; write [\"ReadWriteOnce\"]")
		}
		if cl.Size.Sign() <= 0 {
			c.errorf(at("storage", cl.Name, "size"), "a claim needs a positive size, such as \"10Gi\"")
		}
		names[cl.Name] = true
	}
	for _, v := range c.s.Volumes {
		c.dnsLabel(at("volumes", v.Name), v.Name, "volume name", validation.DNS1123LabelMaxLength)
		c.reserved(at("volumes", v.Name), v.Name)
		if names[v.Name] {
			c.errorf(at("volumes", v.Name), "%q is also a storage claim; a pod volume and a claim template may not share a name", v.Name)
		}
	}
}

func (c *checker) reserved(sels []string, name string) {
	if strings.HasPrefix(name, reservedPrefix) {
		c.errorf(sels, "names starting with %q are reserved for stsgen's own volumes and containers; choose another name", reservedPrefix)
	}
}

func (s *Spec) hasConfigFiles() bool {
	if len(s.Config.Files) > 0 {
		return true
	}
	return slices.ContainsFunc(s.Config.Roles, func(r Role) bool { return len(r.Files) > 0 })
}

// roleEnvOrArgs reports whether any role adds args or env, which stsgen can
// only do by starting the main container through sh.
func (s *Spec) roleEnvOrArgs() bool {
	return slices.ContainsFunc(s.Config.Roles, func(r Role) bool { return len(r.Args) > 0 || len(r.Env) > 0 })
}

// checkConfig: config file names are valid ConfigMap keys, roles exist in
// the topology, role env names are shell variables, and role args or env
// come with a command to wrap.
func checkConfig(c *checker) {
	s := c.s
	keys := map[string][]string{initScriptKey: at("config")}
	addKey := func(sels []string, key, name string) {
		if msgs := validation.IsConfigMapKey(name); len(msgs) > 0 {
			c.errorf(sels, "file name %q is not valid in a ConfigMap: %s", name, strings.Join(msgs, "; "))
			return
		}
		if prev, ok := keys[key]; ok {
			c.errorf(sels, "ConfigMap key %q is also used by %s; rename one of the files", key, strings.Join(prev, "."))
			return
		}
		keys[key] = sels
	}
	for _, f := range s.Config.Files {
		addKey(at("config", "files", f.Name), f.Name, f.Name)
	}
	roles := topologyRoles[s.Topology]
	for _, r := range s.Config.Roles {
		if !slices.Contains(roles, r.Name) {
			c.errorf(at("config", "roles", r.Name), "a %s app has no role %q; its roles are %s", s.Topology, r.Name, strings.Join(roles, ", "))
			continue
		}
		for _, f := range r.Files {
			addKey(at("config", "roles", r.Name, "files", f.Name), roleFileKey(r.Name, f.Name), f.Name)
			for _, g := range s.Config.Files {
				if g.Name == f.Name {
					c.errorf(at("config", "roles", r.Name, "files", f.Name), "%q is also a shared file; a role's file would overwrite it, so rename one", f.Name)
				}
			}
		}
		for _, e := range r.Env {
			if !isShellName(e.Name) {
				c.errorf(at("config", "roles", r.Name, "env", e.Name), "role env name %q is not a shell variable name; use letters, digits and '_', not starting with a digit", e.Name)
			}
		}
		if (len(r.Args) > 0 || len(r.Env) > 0) && len(s.Command) == 0 {
			c.errorf(at("config", "roles", r.Name), "role args and env need the app's command: stsgen starts the main container through sh to add them and cannot know the image's entrypoint; set command")
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

// checkLabels: label keys and values and annotation keys are valid, and the
// user's labels do not take over the keys stsgen selects and manages by.
func checkLabels(c *checker) {
	s := c.s
	for _, k := range sortedKeys(s.Labels) {
		sels := at("labels", k)
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			c.errorf(sels, "label key %q is not valid: %s", k, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsValidLabelValue(s.Labels[k]); len(msgs) > 0 {
			c.errorf(sels, "label value %q is not valid: %s", s.Labels[k], strings.Join(msgs, "; "))
		}
		switch k {
		case LabelName, LabelManagedBy:
			c.errorf(sels, "%s is set by stsgen and selects or describes the pods; remove it", k)
		case LabelVersion:
			c.errorf(sels, "%s is set by stsgen from version; remove it and set version instead", k)
		}
	}
	for _, k := range sortedKeys(s.Annotations) {
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			c.errorf(at("annotations", k), "annotation key %q is not valid: %s", k, strings.Join(msgs, "; "))
		}
	}
	if s.Version != "" {
		if msgs := validation.IsValidLabelValue(s.Version); len(msgs) > 0 {
			c.errorf(at("version"), "version %q cannot be a label value: %s; set version to a shorter value", s.Version, strings.Join(msgs, "; "))
		}
	}
}

// checkContainers: the image is set and every container name is a unique
// DNS label outside stsgen's reserved names.
func checkContainers(c *checker) {
	s := c.s
	if strings.TrimSpace(s.Image) == "" {
		c.errorf(at("image"), "image is empty; write a pinned image such as \"zookeeper:3.9.2\"")
	}
	seen := map[string]bool{s.Name: true, initContainerName: true}
	check := func(field string, i int, name string) {
		sels := at(field, fmt.Sprint(i), "name")
		c.dnsLabel(sels, name, "container name", validation.DNS1123LabelMaxLength)
		switch {
		case strings.HasPrefix(name, reservedPrefix):
			c.reserved(sels, name)
		case name == s.Name:
			c.errorf(sels, "container name %q is the main container's, which is named after the app; choose another name", name)
		case seen[name]:
			c.errorf(sels, "container name %q is already used by another container in this pod; choose another name", name)
		}
		seen[name] = true
	}
	for i, ic := range s.InitContainers {
		check("initContainers", i, ic.Name)
	}
	for i, sc := range s.Sidecars {
		check("sidecars", i, sc.Name)
	}
}

// checkUpdateStrategy: partition and maxUnavailable belong to RollingUpdate.
func checkUpdateStrategy(c *checker) {
	u := c.s.UpdateStrategy
	if u.Type == "OnDelete" {
		if u.Partition != nil {
			c.errorf(at("updateStrategy", "partition"), "partition only applies to RollingUpdate; remove it or set type: \"RollingUpdate\"")
		}
		if u.MaxUnavailable != nil {
			c.errorf(at("updateStrategy", "maxUnavailable"), "maxUnavailable only applies to RollingUpdate; remove it or set type: \"RollingUpdate\"")
		}
	}
	if u.MaxUnavailable != nil && u.MaxUnavailable.Type == 1 {
		pct := strings.TrimSuffix(u.MaxUnavailable.StrVal, "%")
		var n int
		if _, err := fmt.Sscan(pct, &n); err != nil || n < 1 || n > 100 {
			c.errorf(at("updateStrategy", "maxUnavailable"), "%q is not a percentage from 1%% to 100%%", u.MaxUnavailable.StrVal)
		}
	}
}

// checkDisruption: a stated maxUnavailable never allows more disruptions
// than the topology tolerates.
func checkDisruption(c *checker) {
	s := c.s
	mu := s.Disruption.MaxUnavailable
	if mu == nil {
		return
	}
	limit := derivedMaxUnavailable(s)
	if limit < 1 {
		c.errorf(at("disruption", "maxUnavailable"), "a %s app of %d replicas with quorum %d tolerates no disruption, so stsgen emits no PodDisruptionBudget; remove maxUnavailable or lower quorum", s.Topology, s.Replicas, s.Quorum)
		return
	}
	if *mu > limit {
		c.errorf(at("disruption", "maxUnavailable"), "%d pods may not be down at once: a %s app of %d replicas tolerates %d; use at most %d", *mu, s.Topology, s.Replicas, limit, limit)
	}
}

// derivedMaxUnavailable is the most pods the topology lets a voluntary
// disruption take down: n − quorum for an ensemble, 1 otherwise.
func derivedMaxUnavailable(s *Spec) int32 {
	if s.Topology == "quorum" {
		return s.Replicas - s.Quorum
	}
	return 1
}
