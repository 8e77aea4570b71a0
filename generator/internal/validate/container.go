package validate

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// containers validates the pod's containers and init containers.
func containers(s *corev1.PodSpec, vols map[string]corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	grace := s.TerminationGracePeriodSeconds
	cp := p.Child("containers")
	if len(s.Containers) == 0 {
		errs = append(errs, field.Required(cp, ""))
	}
	names := map[string]bool{}
	for i := range s.Containers {
		c, ip := &s.Containers[i], cp.Index(i)
		errs = append(errs, container(c, vols, ip)...)
		if names[c.Name] {
			errs = append(errs, field.Duplicate(ip.Child("name"), c.Name))
		}
		names[c.Name] = true
		errs = append(errs, lifecycle(c.Lifecycle, grace, ip.Child("lifecycle"))...)
		errs = append(errs, probes(c, grace, ip)...)
		// Restart rules (on by default since 1.35) let a container set
		// its own policy.
		if c.RestartPolicy != nil {
			errs = append(errs, oneOf(*c.RestartPolicy, ip.Child("restartPolicy"), corev1.ContainerRestartPolicyAlways, corev1.ContainerRestartPolicyNever, corev1.ContainerRestartPolicyOnFailure)...)
		}
	}
	errs = append(errs, hostPorts(s.Containers, cp)...)

	ic := p.Child("initContainers")
	for i := range s.InitContainers {
		c, ip := &s.InitContainers[i], ic.Index(i)
		errs = append(errs, container(c, vols, ip)...)
		always := false
		if c.RestartPolicy != nil {
			always = *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
			if !always {
				errs = append(errs, field.NotSupported(ip.Child("restartPolicy"), *c.RestartPolicy, []corev1.ContainerRestartPolicy{corev1.ContainerRestartPolicyAlways}))
			}
		}
		if names[c.Name] {
			errs = append(errs, field.Duplicate(ip.Child("name"), c.Name))
		} else if c.Name != "" {
			names[c.Name] = true
		}
		errs = append(errs, hostPorts([]corev1.Container{*c}, ic)...)
		if always {
			errs = append(errs, lifecycle(c.Lifecycle, grace, ip.Child("lifecycle"))...)
			errs = append(errs, probes(c, grace, ip)...)
			continue
		}
		const why = "may not be set for init containers without restartPolicy=Always"
		if c.Lifecycle != nil {
			errs = append(errs, field.Forbidden(ip.Child("lifecycle"), why))
		}
		if c.LivenessProbe != nil {
			errs = append(errs, field.Forbidden(ip.Child("livenessProbe"), why))
		}
		if c.ReadinessProbe != nil {
			errs = append(errs, field.Forbidden(ip.Child("readinessProbe"), why))
		}
		if c.StartupProbe != nil {
			errs = append(errs, field.Forbidden(ip.Child("startupProbe"), why))
		}
	}
	return errs
}

// container is validateContainerCommon: what holds of every container.
func container(c *corev1.Container, vols map[string]corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, dnsLabel(c.Name, p.Child("name"))...)
	}
	if c.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), ""))
	}
	errs = append(errs, oneOf(c.TerminationMessagePolicy, p.Child("terminationMessagePolicy"), corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError)...)
	errs = append(errs, containerPorts(c.Ports, p.Child("ports"))...)
	errs = append(errs, env(c.Env, p.Child("env"))...)
	errs = append(errs, envFrom(c.EnvFrom, p.Child("envFrom"))...)
	errs = append(errs, volumeMounts(c.VolumeMounts, vols, p.Child("volumeMounts"))...)
	errs = append(errs, oneOf(c.ImagePullPolicy, p.Child("imagePullPolicy"), corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever)...)
	errs = append(errs, resources(&c.Resources, p.Child("resources"))...)
	errs = append(errs, securityContext(c.SecurityContext, p.Child("securityContext"))...)
	return errs
}

var protocols = []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}

func containerPorts(ports []corev1.ContainerPort, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for i, port := range ports {
		ip := p.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) > 0 {
				errs = append(errs, messages(msgs, ip.Child("name"), port.Name)...)
			} else if names[port.Name] {
				errs = append(errs, field.Duplicate(ip.Child("name"), port.Name))
			} else {
				names[port.Name] = true
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(ip.Child("containerPort"), ""))
		} else {
			errs = append(errs, messages(validation.IsValidPortNum(int(port.ContainerPort)), ip.Child("containerPort"), port.ContainerPort)...)
		}
		if port.HostPort != 0 {
			errs = append(errs, messages(validation.IsValidPortNum(int(port.HostPort)), ip.Child("hostPort"), port.HostPort)...)
		}
		errs = append(errs, oneOf(port.Protocol, ip.Child("protocol"), protocols...)...)
	}
	return errs
}

// hostPorts reports a host port two containers take.
func hostPorts(cs []corev1.Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, c := range cs {
		for j, port := range c.Ports {
			if port.HostPort == 0 {
				continue
			}
			proto := port.Protocol
			if proto == "" {
				proto = corev1.ProtocolTCP
			}
			k := fmt.Sprintf("%s/%s/%d", proto, port.HostIP, port.HostPort)
			if seen[k] {
				errs = append(errs, field.Duplicate(p.Index(i).Child("ports").Index(j).Child("hostPort"), k))
			}
			seen[k] = true
		}
	}
	return errs
}

// The fields of the pod and the container that env can take from.
var (
	envFieldPaths = []string{"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"}
	// downwardFieldPaths are the fields of a pod the downward API knows;
	// env may take only envFieldPaths of them.
	downwardFieldPaths = []string{"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"}
	envResourcePaths   = []string{"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"}
)

func env(vars []corev1.EnvVar, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range vars {
		ip := p.Index(i)
		if e.Name == "" {
			errs = append(errs, field.Required(ip.Child("name"), ""))
		} else {
			errs = append(errs, messages(validation.IsRelaxedEnvVarName(e.Name), ip.Child("name"), e.Name)...)
		}
		errs = append(errs, valueFrom(e, ip.Child("valueFrom"))...)
	}
	return errs
}

func valueFrom(e corev1.EnvVar, p *field.Path) field.ErrorList {
	v := e.ValueFrom
	if v == nil {
		return nil
	}
	var errs field.ErrorList
	n := 0
	if f := v.FieldRef; f != nil {
		n++
		fp := p.Child("fieldRef")
		switch {
		case f.FieldPath == "":
			errs = append(errs, field.Required(fp.Child("fieldPath"), ""))
		case strings.HasPrefix(f.FieldPath, "metadata.labels['") && strings.HasSuffix(f.FieldPath, "']"):
			errs = append(errs, qualifiedName(strings.TrimSuffix(strings.TrimPrefix(f.FieldPath, "metadata.labels['"), "']"), fp)...)
		case strings.HasPrefix(f.FieldPath, "metadata.annotations['") && strings.HasSuffix(f.FieldPath, "']"):
			errs = append(errs, qualifiedName(strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(f.FieldPath, "metadata.annotations['"), "']")), fp)...)
		case !slices.Contains(downwardFieldPaths, f.FieldPath):
			errs = append(errs, field.Invalid(fp.Child("fieldPath"), f.FieldPath, "error converting fieldPath: field label not supported: "+f.FieldPath))
		case !slices.Contains(envFieldPaths, f.FieldPath):
			errs = append(errs, field.NotSupported(fp.Child("fieldPath"), f.FieldPath, envFieldPaths))
		}
	}
	if r := v.ResourceFieldRef; r != nil {
		n++
		rp := p.Child("resourceFieldRef")
		switch {
		case r.Resource == "":
			errs = append(errs, field.Required(rp.Child("resource"), ""))
		case !slices.Contains(envResourcePaths, r.Resource) && !strings.HasPrefix(r.Resource, "requests.hugepages-") && !strings.HasPrefix(r.Resource, "limits.hugepages-"):
			errs = append(errs, field.NotSupported(rp.Child("resource"), r.Resource, envResourcePaths))
		}
	}
	if r := v.ConfigMapKeyRef; r != nil {
		n++
		errs = append(errs, keySelector(r.Name, r.Key, p.Child("configMapKeyRef"))...)
	}
	if r := v.SecretKeyRef; r != nil {
		n++
		errs = append(errs, keySelector(r.Name, r.Key, p.Child("secretKeyRef"))...)
	}
	if r := v.FileKeyRef; r != nil {
		n++
	}
	switch {
	case n == 0:
		errs = append(errs, field.Invalid(p, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"))
	case e.Value != "":
		errs = append(errs, field.Invalid(p, "", "may not be specified when `value` is not empty"))
	case n > 1:
		errs = append(errs, field.Invalid(p, "", "may not have more than one field specified at a time"))
	}
	return errs
}

// keySelector validates a reference to a key of a ConfigMap or Secret.
func keySelector(name, key string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, dnsSubdomain(name, p.Child("name"))...)
	}
	if key == "" {
		errs = append(errs, field.Required(p.Child("key"), ""))
	} else {
		errs = append(errs, messages(validation.IsConfigMapKey(key), p.Child("key"), key)...)
	}
	return errs
}

func envFrom(vars []corev1.EnvFromSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range vars {
		ip := p.Index(i)
		if e.Prefix != "" {
			errs = append(errs, messages(validation.IsRelaxedEnvVarName(e.Prefix), ip.Child("prefix"), e.Prefix)...)
		}
		n := 0
		if r := e.ConfigMapRef; r != nil {
			n++
			errs = append(errs, refName(r.Name, ip.Child("configMapRef", "name"))...)
		}
		if r := e.SecretRef; r != nil {
			n++
			errs = append(errs, refName(r.Name, ip.Child("secretRef", "name"))...)
		}
		switch {
		case n == 0:
			errs = append(errs, field.Invalid(p, "", "must specify one of: `configMapRef` or `secretRef`"))
		case n > 1:
			errs = append(errs, field.Invalid(p, "", "may not have more than one field specified at a time"))
		}
	}
	return errs
}

// refName validates the name of a ConfigMap or Secret referred to.
func refName(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	return dnsSubdomain(name, p)
}

func volumeMounts(ms []corev1.VolumeMount, vols map[string]corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	paths := map[string]bool{}
	for i, m := range ms {
		ip := p.Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(ip.Child("name"), ""))
		}
		if _, ok := vols[m.Name]; !ok {
			errs = append(errs, field.NotFound(ip.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, field.Required(ip.Child("mountPath"), ""))
		}
		if paths[m.MountPath] {
			errs = append(errs, field.Invalid(ip.Child("mountPath"), m.MountPath, "must be unique"))
		}
		paths[m.MountPath] = true
		// The server names these two paths without the mount's index.
		if m.SubPath != "" {
			errs = append(errs, localPath(m.SubPath, p.Child("subPath"))...)
		}
		if m.SubPathExpr != "" {
			if m.SubPath != "" {
				errs = append(errs, field.Invalid(ip.Child("subPathExpr"), m.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
			}
			errs = append(errs, localPath(m.SubPathExpr, p.Child("subPathExpr"))...)
		}
		if m.MountPropagation != nil {
			errs = append(errs, oneOf(*m.MountPropagation, p.Child("mountPropagation"), corev1.MountPropagationBidirectional, corev1.MountPropagationHostToContainer, corev1.MountPropagationNone)...)
		}
	}
	return errs
}

// The resources a container may name without a domain.
func standardResource(name corev1.ResourceName) bool {
	switch name {
	case corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage:
		return true
	}
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

func resources(r *corev1.ResourceRequirements, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	lp, rp := p.Child("limits"), p.Child("requests")
	for _, name := range sortedNames(r.Limits) {
		errs = append(errs, quantity(name, r.Limits[name], lp.Key(string(name)))...)
	}
	for _, name := range sortedNames(r.Requests) {
		q := r.Requests[name]
		errs = append(errs, quantity(name, q, rp.Key(string(name)))...)
		// Native resources may be requested below their limit; hugepages
		// and a device plugin's may not.
		overcommit := !extended(name) && !strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
		if limit, ok := r.Limits[name]; ok {
			if q.Cmp(limit) != 0 && !overcommit {
				errs = append(errs, field.Invalid(rp, q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
			} else if q.Cmp(limit) > 0 {
				errs = append(errs, field.Invalid(rp, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
			}
		} else if !overcommit {
			errs = append(errs, field.Required(lp, "Limit must be set for non overcommitable resources"))
		}
	}
	return errs
}

// quantity validates one resource's name and amount.
func quantity(name corev1.ResourceName, q resource.Quantity, p *field.Path) field.ErrorList {
	errs := qualifiedName(string(name), p)
	if len(errs) == 0 && !strings.Contains(string(name), "/") {
		if !slices.Contains(otherStandard, string(name)) && !standardResource(name) {
			errs = append(errs, field.Invalid(p, name, "must be a standard resource type or fully qualified"))
		}
		if !standardResource(name) {
			errs = append(errs, field.Invalid(p, name, "must be a standard resource for containers"))
		}
	}
	if q.Cmp(resource.Quantity{}) < 0 {
		errs = append(errs, field.Invalid(p, q.String(), "must be greater than or equal to 0"))
	}
	if extended(name) && q.MilliValue()%1000 != 0 {
		errs = append(errs, field.Invalid(p, q, "must be an integer"))
	}
	return errs
}

// otherStandard are the resources of a quota that are no container's.
var otherStandard = []string{"configmaps", "persistentvolumeclaims", "pods", "replicationcontrollers", "requests.cpu", "requests.ephemeral-storage", "requests.memory", "requests.storage", "limits.cpu", "limits.ephemeral-storage", "limits.memory", "resourcequotas", "secrets", "services", "services.loadbalancers", "services.nodeports", "storage"}

// extended reports a resource of a device plugin's: a domain outside
// kubernetes.io, counted in whole units.
func extended(name corev1.ResourceName) bool {
	n := string(name)
	return strings.Contains(n, "/") && !strings.Contains(n, "kubernetes.io/") && !strings.HasPrefix(n, corev1.DefaultResourceRequestsPrefix)
}

func sortedNames(l corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func securityContext(sc *corev1.SecurityContext, p *field.Path) field.ErrorList {
	if sc == nil {
		return nil
	}
	var errs field.ErrorList
	if sc.RunAsUser != nil {
		errs = append(errs, messages(validation.IsValidUserID(*sc.RunAsUser), p.Child("runAsUser"), *sc.RunAsUser)...)
	}
	if sc.RunAsGroup != nil {
		errs = append(errs, messages(validation.IsValidGroupID(*sc.RunAsGroup), p.Child("runAsGroup"), *sc.RunAsGroup)...)
	}
	if sc.ProcMount != nil {
		errs = append(errs, oneOf(*sc.ProcMount, p.Child("procMount"), corev1.DefaultProcMount, corev1.UnmaskedProcMount)...)
		if *sc.ProcMount == corev1.UnmaskedProcMount {
			errs = append(errs, field.Invalid(p.Child("procMount"), sc.ProcMount, "`hostUsers` must be false to use `Unmasked`"))
		}
	}
	errs = append(errs, seccompProfile(sc.SeccompProfile, p.Child("seccompProfile"))...)
	if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
		if sc.Privileged != nil && *sc.Privileged {
			errs = append(errs, field.Invalid(p, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
		}
		if sc.Capabilities != nil && slices.Contains(sc.Capabilities.Add, "CAP_SYS_ADMIN") {
			errs = append(errs, field.Invalid(p, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
		}
	}
	return errs
}

// probes validates a container's probes: only a readiness probe may
// succeed more than once before it counts, and only it may not set its own
// grace period.
func probes(c *corev1.Container, grace *int64, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, pr := range []struct {
		name  string
		probe *corev1.Probe
	}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
		if pr.probe == nil {
			continue
		}
		pp := p.Child(pr.name)
		errs = append(errs, probe(pr.probe, grace, pp)...)
		if pr.name != "readinessProbe" && pr.probe.SuccessThreshold != 1 && pr.probe.SuccessThreshold != 0 {
			errs = append(errs, field.Invalid(pp.Child("successThreshold"), pr.probe.SuccessThreshold, "must be 1"))
		}
		if pr.name == "readinessProbe" && pr.probe.TerminationGracePeriodSeconds != nil {
			errs = append(errs, field.Invalid(pp.Child("terminationGracePeriodSeconds"), pr.probe.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
		}
	}
	return errs
}

func probe(pr *corev1.Probe, grace *int64, p *field.Path) field.ErrorList {
	h := pr.ProbeHandler
	errs := handler(h.Exec, h.HTTPGet, h.TCPSocket, h.GRPC, nil, grace, p)
	errs = append(errs, nonNegative(int64(pr.InitialDelaySeconds), p.Child("initialDelaySeconds"))...)
	errs = append(errs, nonNegative(int64(pr.TimeoutSeconds), p.Child("timeoutSeconds"))...)
	errs = append(errs, nonNegative(int64(pr.PeriodSeconds), p.Child("periodSeconds"))...)
	errs = append(errs, nonNegative(int64(pr.SuccessThreshold), p.Child("successThreshold"))...)
	errs = append(errs, nonNegative(int64(pr.FailureThreshold), p.Child("failureThreshold"))...)
	if g := pr.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		errs = append(errs, field.Invalid(p.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
	}
	return errs
}

func lifecycle(l *corev1.Lifecycle, grace *int64, p *field.Path) field.ErrorList {
	if l == nil {
		return nil
	}
	var errs field.ErrorList
	for _, h := range []struct {
		name string
		h    *corev1.LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		if h.h != nil {
			errs = append(errs, handler(h.h.Exec, h.h.HTTPGet, h.h.TCPSocket, nil, h.h.Sleep, grace, p.Child(h.name))...)
		}
	}
	if l.StopSignal != nil {
		errs = append(errs, field.Forbidden(p.Child("stopSignal"), "may not be set for containers with empty `spec.os.name`"))
	}
	return errs
}

// handler validates a probe's or a hook's action: exactly one.
func handler(exec *corev1.ExecAction, get *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction, grpc *corev1.GRPCAction, sleep *corev1.SleepAction, grace *int64, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	one := func(name string, set bool, check func() field.ErrorList) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(p.Child(name), "may not specify more than 1 handler type"))
			return
		}
		n++
		errs = append(errs, check()...)
	}
	one("exec", exec != nil, func() field.ErrorList {
		if len(exec.Command) == 0 {
			return field.ErrorList{field.Required(p.Child("exec", "command"), "")}
		}
		return nil
	})
	one("httpGet", get != nil, func() field.ErrorList {
		hp := p.Child("httpGet")
		errs := portNumOrName(get.Port, hp.Child("port"))
		errs = append(errs, oneOf(get.Scheme, hp.Child("scheme"), corev1.URISchemeHTTP, corev1.URISchemeHTTPS)...)
		for _, h := range get.HTTPHeaders {
			errs = append(errs, messages(validation.IsHTTPHeaderName(h.Name), hp.Child("httpHeaders"), h.Name)...)
		}
		return errs
	})
	one("tcpSocket", tcp != nil, func() field.ErrorList { return portNumOrName(tcp.Port, p.Child("tcpSocket", "port")) })
	one("grpc", grpc != nil, func() field.ErrorList {
		return portNumOrName(intstr.FromInt32(grpc.Port), p.Child("grpc", "port"))
	})
	one("sleep", sleep != nil, func() field.ErrorList {
		g := int64(corev1.DefaultTerminationGracePeriodSeconds)
		if grace != nil {
			g = *grace
		}
		if sleep.Seconds < 0 || sleep.Seconds > g {
			return field.ErrorList{field.Invalid(p.Child("sleep"), sleep.Seconds, fmt.Sprintf("must be non-negative and less than terminationGracePeriodSeconds (%d)", g))}
		}
		return nil
	})
	if n == 0 {
		errs = append(errs, field.Required(p, "must specify a handler type"))
	}
	return errs
}

// portNumOrName validates a port given as a number or a container port's
// name.
func portNumOrName(port intstr.IntOrString, p *field.Path) field.ErrorList {
	if port.Type == intstr.String {
		return messages(validation.IsValidPortName(port.StrVal), p, port.StrVal)
	}
	return messages(validation.IsValidPortNum(port.IntValue()), p, port.IntValue())
}
