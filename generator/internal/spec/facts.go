package spec

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// SetsIDs reports whether the user chose the user or group any container
// runs as; stsgen then leaves the ids to them. An init container run as
// root (a sysctl, a chown) is a helper of the others': it leaves their
// ids to stsgen.
func (s *Spec) SetsIDs() bool {
	if p := s.PodSecurityContext; p != nil && (p.RunAsUser != nil || p.RunAsGroup != nil || p.FSGroup != nil) {
		return true
	}
	ids := func(sc *corev1.SecurityContext) bool {
		return sc != nil && (sc.RunAsUser != nil || sc.RunAsGroup != nil)
	}
	for _, c := range s.InitContainers {
		if sc := c.SecurityContext; ids(sc) && !(sc.RunAsUser != nil && *sc.RunAsUser == 0) {
			return true
		}
	}
	if ids(s.SecurityContext) {
		return true
	}
	return slices.ContainsFunc(s.Sidecars, func(c corev1.Container) bool { return ids(c.SecurityContext) })
}

// ContainerContexts are the security contexts the user wrote for the main
// container, the init containers and the sidecars.
func (s *Spec) ContainerContexts() []*corev1.SecurityContext {
	out := []*corev1.SecurityContext{s.SecurityContext}
	for _, c := range s.InitContainers {
		out = append(out, c.SecurityContext)
	}
	for _, c := range s.Sidecars {
		out = append(out, c.SecurityContext)
	}
	return out
}

// readOnlyRoot reports whether the main container's root filesystem is read
// only, as it is unless the user says otherwise.
func (s *Spec) readOnlyRoot() bool {
	sc := s.SecurityContext
	return sc == nil || sc.ReadOnlyRootFilesystem == nil || *sc.ReadOnlyRootFilesystem
}

// NeedsTmp reports whether stsgen mounts a writable /tmp into the main
// container: its root is read only and nothing else is mounted there.
func (s *Spec) NeedsTmp() bool {
	if !s.readOnlyRoot() {
		return false
	}
	for _, m := range s.mountPaths() {
		if path.Clean(m) == TmpDir {
			return false
		}
	}
	return true
}

// MountableVolumes are the names a container's volumeMounts may give, the
// user's first: the storage claims, the volumes, then stsgen's own pod
// volumes. stsgen-tmp is among them whatever NeedsTmp says: the pod has
// it whenever a container mounts it.
func (s *Spec) MountableVolumes() []string {
	var names []string
	for _, cl := range s.Storage {
		names = append(names, cl.Name)
	}
	for _, v := range s.Volumes {
		names = append(names, v.Name)
	}
	if s.Identity.Init == nil || *s.Identity.Init {
		// Mounting the identity is a need of stsgen-init's (InitNeeds).
		names = append(names, SourceVolume)
		if s.HasConfigFiles() {
			names = append(names, ConfigVolume)
		}
		names = append(names, IdentityVolume)
	}
	if s.TLS != nil {
		names = append(names, TLSVolume)
	}
	return append(names, TmpVolume)
}

// mountPaths are the main container's mount paths the user chose or
// configured.
func (s *Spec) mountPaths() []string {
	out := []string{s.Identity.MountPath}
	if s.HasConfigFiles() {
		out = append(out, s.Config.MountPath)
	}
	for _, cl := range s.Storage {
		out = append(out, cl.MountPath)
	}
	for _, v := range s.Volumes {
		out = append(out, v.MountPath)
	}
	out = append(out, s.Writable...)
	for _, f := range s.SecretFiles {
		out = append(out, f.Path)
	}
	if s.TLS != nil {
		out = append(out, s.TLS.MountPath)
	}
	return out
}

// containerList is the user's init containers or sidecars, with the field
// that holds them.
type containerList struct {
	Field string
	Cs    []corev1.Container
}

// ContainerLists are the user's init containers and sidecars.
func (s *Spec) ContainerLists() []containerList {
	return []containerList{{"initContainers", s.InitContainers}, {"sidecars", s.Sidecars}}
}

// PortNames are the names of the main container's ports, in order.
func (s *Spec) PortNames() []string {
	names := make([]string, len(s.Ports))
	for i, p := range s.Ports {
		names[i] = p.Name
	}
	return names
}

// HasPort reports whether the main container has a port of the name.
func (s *Spec) HasPort(name string) bool {
	return slices.Contains(s.PortNames(), name)
}

type namedProbe struct {
	Name string
	P    *Probe
}

// NamedProbes are the probes the app sets, readiness, liveness and
// startup, each with its field name.
func (s *Spec) NamedProbes() []namedProbe {
	var out []namedProbe
	for _, np := range []namedProbe{{"readiness", s.Probes.Readiness}, {"liveness", s.Probes.Liveness}, {"startup", s.Probes.Startup}} {
		if np.P != nil {
			out = append(out, np)
		}
	}
	return out
}

// svcRef is one of the app's Services, by kind and name.
type svcRef struct{ Kind, Name string }

// ServiceRefs are the app's Services, by kind and name.
func (s *Spec) ServiceRefs() []svcRef {
	svcs := []svcRef{{SvcHeadless, s.Services.Headless.Name}, {SvcRead, s.Services.Read.Name}}
	if s.Services.Primary != nil {
		svcs = append(svcs, svcRef{SvcPrimary, s.Services.Primary.Name})
	}
	return svcs
}

// HasConfigFiles reports whether the app has config files, shared or by
// role: only then is the config directory mounted.
func (s *Spec) HasConfigFiles() bool {
	if len(s.Config.Files) > 0 {
		return true
	}
	return slices.ContainsFunc(s.Config.Roles, func(r Role) bool { return len(r.Files) > 0 })
}

// ConfigWritable is the index of the writable copy that the config files
// go into, when config.mountPath is one of the writable directories:
// stsgen-init then installs the files over the image's own copy, so the
// directory holds both. ok is false when the config files have a volume
// of their own.
func (s *Spec) ConfigWritable() (i int, ok bool) {
	if !s.HasConfigFiles() {
		return 0, false
	}
	i = slices.IndexFunc(s.Writable, func(dir string) bool { return path.Clean(dir) == path.Clean(s.Config.MountPath) })
	return i, i >= 0
}

// RoleEnvOrArgs reports whether any role adds args or env, which stsgen can
// only do by starting the main container through sh.
func (s *Spec) RoleEnvOrArgs() bool {
	return slices.ContainsFunc(s.Config.Roles, func(r Role) bool { return len(r.Args) > 0 || len(r.Env) > 0 })
}

// EmitsBudget reports whether stsgen emits a PodDisruptionBudget: for two
// or more replicas that tolerate at least one failure.
func EmitsBudget(s *Spec) bool {
	return s.Replicas >= 2 && derivedMaxUnavailable(s) >= 1
}

// derivedMaxUnavailable is the most pods the topology lets a voluntary
// disruption take down: n − quorum for an ensemble, 1 otherwise.
func derivedMaxUnavailable(s *Spec) int32 {
	if s.Topology == Quorum {
		return s.Replicas - s.Quorum
	}
	return 1
}

// CapabilityName is a capability as the runtime reads it: upper case,
// without the CAP_ prefix.
func CapabilityName(c corev1.Capability) string {
	return strings.TrimPrefix(strings.ToUpper(string(c)), "CAP_")
}

// PtrEqual reports whether a and b are both nil or point at equal values.
func PtrEqual[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// Percent reads a percentage such as "50%".
func Percent(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
	return n, err == nil && strings.HasSuffix(s, "%")
}

// ImageTag returns the tag of an image reference, or "" for a digest-only
// or untagged reference.
func ImageTag(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	i := strings.LastIndexByte(image, ':')
	if i < 0 || strings.Contains(image[i:], "/") {
		return ""
	}
	return image[i+1:]
}

// The placeholders a config file may hold, which stsgen-init replaces in
// each pod with the member's identity: @@fqdn@@ becomes
// zk-0.zk-hs.default.svc.cluster.local in zk-0. primary and primary_fqdn
// exist for primary-replica apps only.
var Placeholders = []string{"pod", "ordinal", "index", "id", "role", "host", "fqdn", "previous", "previous_fqdn", "primary", "primary_fqdn"}

// placeholder finds @@name@@ in a config file: a name of letters, digits,
// '_', '.' or '-' between two pairs of @.
var placeholder = regexp.MustCompile(`@@([A-Za-z0-9_.-]+)@@`)

// A Placeholder is one @@name@@ in a config file, and its line (from 1).
type Placeholder struct {
	Name string
	Line int
}

// FilePlaceholders lists the placeholders of a config file, in order.
func FilePlaceholders(content string) []Placeholder {
	var out []Placeholder
	for i, line := range strings.Split(content, "\n") {
		for _, m := range placeholder.FindAllStringSubmatch(line, -1) {
			out = append(out, Placeholder{Name: m[1], Line: i + 1})
		}
	}
	return out
}

// IsTemplate reports whether stsgen-init renders the file, rather than
// copying it: it holds a placeholder.
func (f File) IsTemplate() bool { return placeholder.MatchString(f.Content) }

// HasTemplates reports whether any config file is a template.
func (s *Spec) HasTemplates() bool {
	if slices.ContainsFunc(s.Config.Files, File.IsTemplate) {
		return true
	}
	return slices.ContainsFunc(s.Config.Roles, func(r Role) bool { return slices.ContainsFunc(r.Files, File.IsTemplate) })
}

// InitNeeds says what needs stsgen-init, the identity init container:
// config files to install, role args or env (the env file), secret files,
// or a container whose command, args, env, working directory, probes or
// hooks refer to the identity directory, or that mounts it. None, and the
// pod runs without it, so that an image without a shell needs none.
func (s *Spec) InitNeeds() []string {
	var needs []string
	if s.HasConfigFiles() {
		needs = append(needs, "the config files, which it installs")
	}
	if s.RoleEnvOrArgs() {
		needs = append(needs, "the roles' args and env, which it writes to the env file")
	}
	if len(s.SecretFiles) > 0 {
		needs = append(needs, "secretFiles, which it installs")
	}
	refers := func(what string, words []string) {
		if slices.ContainsFunc(words, func(w string) bool {
			return refersTo(w, s.Identity.MountPath) || strings.Contains(w, "STSGEN_IDENTITY_DIR")
		}) {
			needs = append(needs, what+", which refers to the identity directory "+s.Identity.MountPath)
		}
	}
	var main []string
	main = append(main, s.Command...)
	main = append(main, s.Args...)
	main = append(main, EnvValues(s.Env)...)
	for _, p := range []*Probe{s.Probes.Readiness, s.Probes.Liveness, s.Probes.Startup} {
		if p != nil {
			main = append(main, p.Exec...)
		}
	}
	main = append(main, hookWords(s.Lifecycle)...)
	refers("the main container", main)
	for _, l := range s.ContainerLists() {
		for _, c := range l.Cs {
			what := l.Field + " " + c.Name
			if slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == IdentityVolume }) {
				needs = append(needs, what+", which mounts "+IdentityVolume)
				continue
			}
			words := slices.Concat(c.Command, c.Args, EnvValues(c.Env), []string{c.WorkingDir}, hookWords(c.Lifecycle))
			for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
				if p != nil && p.Exec != nil {
					words = append(words, p.Exec.Command...)
				}
			}
			refers(what, words)
		}
	}
	return needs
}

// refersTo reports whether a word of a command names dir as a path: dir
// itself, or a path below it, not a longer name that starts the same.
func refersTo(word, dir string) bool {
	pathChar := func(c byte) bool {
		return c == '/' || c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; ; {
		j := strings.Index(word[i:], dir)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(dir)
		before := j == 0 || !pathChar(word[j-1]) || word[j-1] == '='
		after := end == len(word) || word[end] == '/' || !pathChar(word[end])
		if before && after {
			return true
		}
		i = j + 1
	}
}

// EnvValues are the values of env vars, in order.
func EnvValues(env []corev1.EnvVar) []string {
	var out []string
	for _, e := range env {
		out = append(out, e.Value)
	}
	return out
}

// hookWords are the commands of a container's exec hooks.
func hookWords(l *corev1.Lifecycle) []string {
	if l == nil {
		return nil
	}
	var out []string
	for _, h := range []*corev1.LifecycleHandler{l.PostStart, l.PreStop} {
		if h != nil && h.Exec != nil {
			out = append(out, h.Exec.Command...)
		}
	}
	return out
}

// RunsInit reports whether the pod has stsgen-init.
func (s *Spec) RunsInit() bool {
	if s.Identity.Init != nil {
		return *s.Identity.Init
	}
	return len(s.InitNeeds()) > 0
}
