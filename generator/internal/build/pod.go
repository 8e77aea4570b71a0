package build

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"

	appsv1 "k8s.io/api/apps/v1"

	corev1 "k8s.io/api/core/v1"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func statefulSet(s *spec.Spec, hash, secretsHash string) *appsv1.StatefulSet {
	history := int32(10)
	if s.RevisionHistoryLimit != nil {
		history = *s.RevisionHistoryLimit
	}
	sts := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: objectMeta(s, s.Name, kubeScoreIgnores(s)),
		Spec: appsv1.StatefulSetSpec{
			Replicas:             &s.Replicas,
			Selector:             &metav1.LabelSelector{MatchLabels: selectorLabels(s)},
			ServiceName:          s.Services.Headless.Name,
			PodManagementPolicy:  appsv1.PodManagementPolicyType(s.PodManagementPolicy),
			UpdateStrategy:       updateStrategy(s),
			RevisionHistoryLimit: &history,
			MinReadySeconds:      s.MinReadySeconds,
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.PersistentVolumeClaimRetentionPolicyType(s.Retention.WhenDeleted),
				WhenScaled:  appsv1.PersistentVolumeClaimRetentionPolicyType(s.Retention.WhenScaled),
			},
			Template:             podTemplate(s, hash, secretsHash),
			VolumeClaimTemplates: claimTemplates(s),
		},
	}
	if s.OrdinalsStart > 0 {
		sts.Spec.Ordinals = &appsv1.StatefulSetOrdinals{Start: s.OrdinalsStart}
	}
	return sts
}

func updateStrategy(s *spec.Spec) appsv1.StatefulSetUpdateStrategy {
	u := s.UpdateStrategy
	if u.Type == string(appsv1.OnDeleteStatefulSetStrategyType) {
		return appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	}
	partition := int32(0)
	if u.Partition != nil {
		partition = *u.Partition
	}
	return appsv1.StatefulSetUpdateStrategy{
		Type: appsv1.RollingUpdateStatefulSetStrategyType,
		RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{
			Partition:      &partition,
			MaxUnavailable: u.MaxUnavailable,
		},
	}
}

// claimTemplates carry only the selector labels: claim templates are
// immutable, so nothing that changes with a release may label them.
func claimTemplates(s *spec.Spec) []corev1.PersistentVolumeClaim {
	var out []corev1.PersistentVolumeClaim
	for _, c := range s.Storage {
		out = append(out, corev1.PersistentVolumeClaim{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: metav1.ObjectMeta{Name: c.Name, Labels: selectorLabels(s)},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes:      c.AccessModes,
				StorageClassName: c.Class,
				Resources: corev1.VolumeResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceStorage: c.Size},
				},
			},
		})
	}
	return out
}

func podTemplate(s *spec.Spec, hash, secretsHash string) corev1.PodTemplateSpec {
	annotations := merge(s.Annotations, scrapeAnnotations(s))
	if hash != "" {
		annotations[spec.AnnotationConfigHash] = hash
	}
	if secretsHash != "" {
		annotations[spec.AnnotationSecretsHash] = secretsHash
	}
	automount := s.AutomountServiceAccountToken
	own := s.Pod.DeepCopy() // the PodFields the app set
	pod := corev1.PodSpec{
		NodeSelector:                  own.NodeSelector,
		Tolerations:                   own.Tolerations,
		TopologySpreadConstraints:     topologySpread(s),
		PriorityClassName:             own.PriorityClassName,
		PreemptionPolicy:              own.PreemptionPolicy,
		ImagePullSecrets:              own.ImagePullSecrets,
		RuntimeClassName:              own.RuntimeClassName,
		SchedulerName:                 own.SchedulerName,
		DNSPolicy:                     own.DNSPolicy,
		DNSConfig:                     own.DNSConfig,
		HostAliases:                   own.HostAliases,
		EnableServiceLinks:            own.EnableServiceLinks,
		ShareProcessNamespace:         own.ShareProcessNamespace,
		SetHostnameAsFQDN:             own.SetHostnameAsFQDN,
		ReadinessGates:                own.ReadinessGates,
		SchedulingGates:               own.SchedulingGates,
		OS:                            own.OS,
		HostUsers:                     own.HostUsers,
		ServiceAccountName:            s.PodServiceAccount(),
		AutomountServiceAccountToken:  &automount,
		TerminationGracePeriodSeconds: s.TerminationGracePeriodSeconds,
		SecurityContext:               podSecurityContext(s),
		Affinity:                      affinity(s),
		InitContainers:                append(initContainers(s), userContainers(s, s.InitContainers)...),
		Containers:                    append([]corev1.Container{mainContainer(s)}, userContainers(s, s.Sidecars)...),
		Volumes:                       volumes(s),
	}
	// The writable /tmp exists when some container mounts it.
	for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		if slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == spec.TmpVolume }) {
			// After stsgen's own volumes, before the user's.
			at := slices.IndexFunc(pod.Volumes, func(v corev1.Volume) bool { return v.Name == spec.IdentityVolume }) + 1
			pod.Volumes = slices.Insert(pod.Volumes, at, corev1.Volume{Name: spec.TmpVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
			break
		}
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: objectLabels(s), Annotations: annotations},
		Spec:       pod,
	}
}

// defaultID is the user and group the pods run as unless the spec names
// one: unprivileged, and above the ids images and hosts give their own
// users (kube-score asks for 10000 or more).
const defaultID = 10001

// podSecurityContext applies the RuntimeDefault seccomp profile and runs
// the pods as a non-root user and group unless the user chose otherwise.
func podSecurityContext(s *spec.Spec) *corev1.PodSecurityContext {
	sc := &corev1.PodSecurityContext{}
	if s.PodSecurityContext != nil {
		sc = s.PodSecurityContext.DeepCopy()
	}
	if sc.SeccompProfile == nil {
		sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	if !s.SetsIDs() {
		id := int64(defaultID)
		sc.RunAsUser, sc.RunAsGroup, sc.FSGroup = &id, &id, &id
	}
	if sc.RunAsNonRoot == nil && (sc.RunAsUser == nil || *sc.RunAsUser != 0) {
		yes := true
		sc.RunAsNonRoot = &yes
	}
	return sc
}

// containerSecurityContext forbids privilege escalation, drops every
// capability and makes the root filesystem read only, each unless the user
// chose otherwise.
func containerSecurityContext(user *corev1.SecurityContext) *corev1.SecurityContext {
	sc := &corev1.SecurityContext{}
	if user != nil {
		sc = user.DeepCopy()
	}
	privileged := sc.Privileged != nil && *sc.Privileged
	sysAdmin := sc.Capabilities != nil && slices.ContainsFunc(sc.Capabilities.Add, func(c corev1.Capability) bool { return spec.CapabilityName(c) == "SYS_ADMIN" })
	// The API server rejects allowPrivilegeEscalation: false next to
	// privileged or CAP_SYS_ADMIN, so the default yields to them.
	if sc.AllowPrivilegeEscalation == nil && !privileged && !sysAdmin {
		no := false
		sc.AllowPrivilegeEscalation = &no
	}
	// Capabilities the user adds come on top of dropping all others.
	if !privileged && (sc.Capabilities == nil || sc.Capabilities.Drop == nil) {
		if sc.Capabilities == nil {
			sc.Capabilities = &corev1.Capabilities{}
		}
		sc.Capabilities.Drop = []corev1.Capability{"ALL"}
	}
	if sc.ReadOnlyRootFilesystem == nil {
		yes := true
		sc.ReadOnlyRootFilesystem = &yes
	}
	// A container the user runs as root (a sysctl, a chown) must say so
	// against the pod's runAsNonRoot, or the kubelet refuses to start it.
	if sc.RunAsUser != nil && *sc.RunAsUser == 0 && sc.RunAsNonRoot == nil {
		no := false
		sc.RunAsNonRoot = &no
	}
	return sc
}

// kubeScoreIgnores records, for kube-score, the checks the user chose to
// fail: settings they wrote that differ from stsgen's defaults, and rules
// they turned off for the app. It returns nil when there are none.
func kubeScoreIgnores(s *spec.Spec) map[string]string {
	var ignore []string
	add := func(cond bool, checks ...string) {
		if cond {
			ignore = append(ignore, checks...)
		}
	}
	pullPolicies := []corev1.PullPolicy{s.ImagePullPolicy}
	for _, c := range append(slices.Clone(s.InitContainers), s.Sidecars...) {
		pullPolicies = append(pullPolicies, c.ImagePullPolicy)
	}
	add(slices.ContainsFunc(pullPolicies, func(p corev1.PullPolicy) bool { return p != "" && p != corev1.PullAlways }),
		"container-image-pull-policy")
	lowID := func(id *int64) bool { return id != nil && *id < 10000 }
	low := false
	if p := s.PodSecurityContext; p != nil {
		low = lowID(p.RunAsUser) || lowID(p.RunAsGroup)
	}
	writable, privileged := false, false
	for _, sc := range s.ContainerContexts() {
		if sc == nil {
			continue
		}
		low = low || lowID(sc.RunAsUser) || lowID(sc.RunAsGroup)
		writable = writable || sc.ReadOnlyRootFilesystem != nil && !*sc.ReadOnlyRootFilesystem
		privileged = privileged || sc.Privileged != nil && *sc.Privileged
	}
	add(low, "container-security-context-user-group-id")
	add(writable, "container-security-context-readonlyrootfilesystem")
	add(privileged, "container-security-context-privileged")
	add(!s.NetworkPolicy.Enabled, "pod-networkpolicy")
	off := func(rule diag.RuleID) bool { return s.Checks[rule] == diag.Off }
	add(off(diag.RuleResources), "container-resources", "container-ephemeral-storage-request-and-limit")
	add(off(diag.RuleImageTag), "container-image-tag")
	add(off(diag.RuleAntiAffinity) || s.Spread.Mode == "none", "statefulset-has-host-podantiaffinity")
	add(off(diag.RuleBudgetPresent), "statefulset-has-poddisruptionbudget")
	add(off(diag.RuleReadiness), "pod-probes")
	if user, ok := s.Annotations[spec.AnnotationKubeScoreIgnore]; ok {
		for _, check := range strings.Split(user, ",") {
			add(strings.TrimSpace(check) != "", strings.TrimSpace(check))
		}
	}
	if len(ignore) == 0 {
		return nil
	}
	slices.Sort(ignore)
	return map[string]string{spec.AnnotationKubeScoreIgnore: strings.Join(slices.Compact(ignore), ",")}
}

// affinity is the app's own affinity, with the anti-affinity that spreads
// members over the topology key, selecting the pods' own labels, added.
func affinity(s *spec.Spec) *corev1.Affinity {
	own := s.Pod.Affinity.DeepCopy()
	if s.Spread.Mode == "none" || s.Replicas < 2 {
		return own
	}
	term := corev1.PodAffinityTerm{
		LabelSelector: &metav1.LabelSelector{MatchLabels: selectorLabels(s)},
		TopologyKey:   s.Spread.TopologyKey,
	}
	if own == nil {
		own = &corev1.Affinity{}
	}
	if own.PodAntiAffinity == nil {
		own.PodAntiAffinity = &corev1.PodAntiAffinity{}
	}
	anti := own.PodAntiAffinity
	if s.Spread.Mode == "required" {
		anti.RequiredDuringSchedulingIgnoredDuringExecution = append(anti.RequiredDuringSchedulingIgnoredDuringExecution, term)
	} else {
		anti.PreferredDuringSchedulingIgnoredDuringExecution = append(anti.PreferredDuringSchedulingIgnoredDuringExecution, corev1.WeightedPodAffinityTerm{Weight: 100, PodAffinityTerm: term})
	}
	return own
}

// topologySpread is the app's own topologySpreadConstraints, with the one
// that spreads members evenly over zones added.
func topologySpread(s *spec.Spec) []corev1.TopologySpreadConstraint {
	out := slices.Clone(s.Pod.TopologySpreadConstraints)
	if s.Spread.Zones == "none" || s.Spread.Zones == "" || s.Replicas < 2 {
		return out
	}
	when := corev1.ScheduleAnyway
	if s.Spread.Zones == "required" {
		when = corev1.DoNotSchedule
	}
	return append(out, corev1.TopologySpreadConstraint{
		MaxSkew:           1,
		TopologyKey:       s.Spread.ZoneKey,
		WhenUnsatisfiable: when,
		LabelSelector:     &metav1.LabelSelector{MatchLabels: selectorLabels(s)},
	})
}

func volumes(s *spec.Spec) []corev1.Volume {
	var vols []corev1.Volume
	if s.RunsInit() {
		vols = append(vols, corev1.Volume{
			Name: spec.SourceVolume,
			VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: ConfigMapName(s)},
			}},
		})
		if _, into := s.ConfigWritable(); s.HasConfigFiles() && !into {
			vols = append(vols, corev1.Volume{Name: spec.ConfigVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		}
		vols = append(vols, corev1.Volume{Name: spec.IdentityVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	}
	for i := range s.Writable {
		vols = append(vols, corev1.Volume{Name: writableVolume(i), VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	}
	if len(s.SecretFiles) > 0 {
		vols = append(vols, corev1.Volume{Name: spec.SecretsVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}})
		for j, name := range secretSources(s) {
			vols = append(vols, corev1.Volume{Name: secretSourceVolume(j), VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: name}}})
		}
	}
	if t := s.TLS; t != nil {
		// The whole Secret, not a file of it by subPath: the kubelet then
		// replaces the files when cert-manager renews the certificate.
		vols = append(vols, corev1.Volume{Name: spec.TLSVolume, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: t.SecretName, DefaultMode: s.TLSMode()}}})
	}
	for _, v := range s.Volumes {
		vols = append(vols, corev1.Volume{Name: v.Name, VolumeSource: v.Source})
	}
	return vols
}

// initContainers are the writable copies, then stsgen-init when the pod
// runs it, so that it can install config files into a copy.
func initContainers(s *spec.Spec) []corev1.Container {
	var out []corev1.Container
	// cp -R -P copies the directory's contents as the pods' user, links as
	// links, each file with its mode. Not -a or -p: they also set the mode
	// and times of the volume's own directory, which root owns and only
	// root may change, and GNU cp then exits 1.
	for i, dir := range s.Writable {
		out = append(out, corev1.Container{
			Name:            fmt.Sprintf("%s-%d", spec.CopyContainer, i),
			Image:           s.Image,
			ImagePullPolicy: s.ImagePullPolicy,
			Command:         []string{"cp", "-R", "-P", strings.TrimSuffix(dir, "/") + "/.", spec.WritableDir},
			Resources:       s.Resources,
			SecurityContext: containerSecurityContext(s.SecurityContext),
			VolumeMounts:    []corev1.VolumeMount{{Name: writableVolume(i), MountPath: spec.WritableDir}},
		})
	}
	if s.RunsInit() {
		out = append(out, initContainer(s))
	}
	return out
}

// configVolume names the volume the config files are installed into: a
// writable copy at config.mountPath, or one of their own.
func configVolume(s *spec.Spec) string {
	if i, into := s.ConfigWritable(); into {
		return writableVolume(i)
	}
	return spec.ConfigVolume
}

// writableVolume names the volume of the i-th writable copy.
func writableVolume(i int) string { return fmt.Sprintf("%s-%d", spec.WritableVolume, i) }

// secretSourceVolume names the volume of the j-th Secret secretFiles read.
func secretSourceVolume(j int) string { return fmt.Sprintf("%s-%d", spec.SecretSourceVolume, j) }

// secretSources are the Secrets secretFiles read, in order of first use.
func secretSources(s *spec.Spec) []string {
	var names []string
	for _, f := range s.SecretFiles {
		if !slices.Contains(names, f.Secret) {
			names = append(names, f.Secret)
		}
	}
	return names
}

// initContainer runs the identity script from the ConfigMap.
func initContainer(s *spec.Spec) corev1.Container {
	mounts := []corev1.VolumeMount{{Name: spec.SourceVolume, MountPath: spec.SourceDir, ReadOnly: true}}
	if s.HasConfigFiles() {
		mounts = append(mounts, corev1.VolumeMount{Name: configVolume(s), MountPath: spec.ConfigDir})
	}
	mounts = append(mounts, corev1.VolumeMount{Name: spec.IdentityVolume, MountPath: spec.IdentityDir})
	if len(s.SecretFiles) > 0 {
		mounts = append(mounts, corev1.VolumeMount{Name: spec.SecretsVolume, MountPath: spec.SecretsDir})
		for j := range secretSources(s) {
			mounts = append(mounts, corev1.VolumeMount{Name: secretSourceVolume(j), MountPath: fmt.Sprintf("%s/%d", spec.SecretSourceDir, j), ReadOnly: true})
		}
	}
	// The app's security context is written for the app's image; another
	// identity image gets only the secure defaults, and the main
	// container's user and group, which own what it installs.
	userSC := s.SecurityContext
	if s.Identity.Image != s.Image && userSC != nil {
		userSC = &corev1.SecurityContext{RunAsUser: userSC.RunAsUser, RunAsGroup: userSC.RunAsGroup}
	}
	return corev1.Container{
		Name:            spec.InitContainerName,
		Image:           s.Identity.Image,
		ImagePullPolicy: s.ImagePullPolicy,
		Command:         []string{"/bin/sh", spec.SourceDir + "/" + spec.InitScriptKey},
		Env: []corev1.EnvVar{{
			Name:      spec.EnvPodName,
			ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
		}},
		Resources:       s.Resources,
		SecurityContext: containerSecurityContext(userSC),
		VolumeMounts:    mounts,
	}
}

// mainContainer runs the app's image. When a role adds args or env, the
// command is wrapped in sh so that it can source them from the identity
// directory.
func mainContainer(s *spec.Spec) corev1.Container {
	c := corev1.Container{
		Name:            s.Name,
		Image:           s.Image,
		ImagePullPolicy: s.ImagePullPolicy,
		Command:         s.Command,
		Args:            s.Args,
		Env:             append(identityEnv(s), s.Env...),
		EnvFrom:         s.EnvFrom,
		Resources:       s.Resources,
		SecurityContext: containerSecurityContext(s.SecurityContext),
		ReadinessProbe:  probe(s, s.Probes.Readiness),
		LivenessProbe:   probe(s, s.Probes.Liveness),
		StartupProbe:    probe(s, s.Probes.Startup),
		Lifecycle:       s.Lifecycle,
	}
	if s.RoleEnvOrArgs() {
		c.Command = []string{"/bin/sh", "-c", `. "` + shellDQ(s.Identity.MountPath) + `/env" && exec "$@"`, "sh"}
		c.Args = append(slices.Clone(s.Command), s.Args...)
	}
	for _, p := range s.MainPorts() {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.Port, Protocol: p.Protocol})
	}
	for _, cl := range s.Storage {
		if cl.MountPath != "" {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cl.Name, MountPath: cl.MountPath, SubPath: cl.SubPath})
		}
	}
	for _, v := range s.Volumes {
		if v.MountPath != "" {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: v.Name, MountPath: v.MountPath, ReadOnly: v.ReadOnly, SubPath: v.SubPath})
		}
	}
	if _, into := s.ConfigWritable(); s.HasConfigFiles() && !into {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.ConfigVolume, MountPath: s.Config.MountPath})
	}
	if s.RunsInit() {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.IdentityVolume, MountPath: s.Identity.MountPath, ReadOnly: true})
	}
	for i, dir := range s.Writable {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: writableVolume(i), MountPath: dir})
	}
	for i, f := range s.SecretFiles {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.SecretsVolume, MountPath: f.Path, SubPath: strconv.Itoa(i), ReadOnly: true})
	}
	if s.TLS != nil {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.TLSVolume, MountPath: s.TLS.MountPath, ReadOnly: true})
	}
	if s.NeedsTmp() {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.TmpVolume, MountPath: spec.TmpDir})
	}
	return c
}

// userContainers fills in the app's image and the secure defaults for the
// user's init containers and sidecars.
func userContainers(s *spec.Spec, cs []corev1.Container) []corev1.Container {
	var out []corev1.Container
	for _, c := range cs {
		c := *c.DeepCopy()
		if c.Image == "" {
			c.Image = s.Image
		}
		if c.ImagePullPolicy == "" {
			c.ImagePullPolicy = s.ImagePullPolicy
		}
		c.SecurityContext = containerSecurityContext(c.SecurityContext)
		c.Env = append(identityEnv(s), c.Env...)
		// The ports of ports that name the container as theirs, unless it
		// declares them itself.
		for _, p := range s.OwnedPorts(c.Name) {
			if !slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.Name }) {
				c.Ports = append(c.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.Port, Protocol: p.Protocol})
			}
		}
		// The identity and the config files are the pod's; every container
		// sees them where the main container does, unless it mounts
		// something else there.
		mounted := func(name, path string) bool {
			return slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == name || m.MountPath == path })
		}
		if s.RunsInit() && !mounted(spec.IdentityVolume, s.Identity.MountPath) {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.IdentityVolume, MountPath: s.Identity.MountPath, ReadOnly: true})
		}
		if v := configVolume(s); s.HasConfigFiles() && !mounted(v, s.Config.MountPath) {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: v, MountPath: s.Config.MountPath, ReadOnly: true})
		}
		if s.TLSMountedIn(c.Name) && !mounted(spec.TLSVolume, s.TLS.MountPath) {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.TLSVolume, MountPath: s.TLS.MountPath, ReadOnly: true})
		}
		// A read-only root gets a writable /tmp, as the main container does.
		if ro := c.SecurityContext.ReadOnlyRootFilesystem; ro != nil && *ro && !mounted(spec.TmpVolume, spec.TmpDir) {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.TmpVolume, MountPath: spec.TmpDir})
		}
		out = append(out, c)
	}
	return out
}

func probe(s *spec.Spec, p *spec.Probe) *corev1.Probe {
	if p == nil {
		return nil
	}
	out := &corev1.Probe{
		InitialDelaySeconds: p.InitialDelaySeconds,
		PeriodSeconds:       p.PeriodSeconds,
		TimeoutSeconds:      p.TimeoutSeconds,
		SuccessThreshold:    p.SuccessThreshold,
		FailureThreshold:    p.FailureThreshold,
	}
	switch {
	case p.Exec != nil:
		out.Exec = &corev1.ExecAction{Command: p.Exec}
	case p.HTTP != nil:
		out.HTTPGet = &corev1.HTTPGetAction{Path: p.HTTP.Path, Port: intstr.FromString(p.HTTP.Port), Scheme: corev1.URIScheme(strings.ToUpper(p.HTTP.Scheme))}
	case p.TCP != "":
		out.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromString(p.TCP)}
	case p.GRPC != nil:
		// gRPC probes take a port number, not a name.
		out.GRPC = &corev1.GRPCAction{Service: p.GRPC.Service}
		for _, port := range s.Ports {
			if port.Name == p.GRPC.Port {
				out.GRPC.Port = port.Port
			}
		}
	}
	return out
}

// identityEnv is the identity every container gets in its environment,
// first, so that the container's own env, command and args can refer to it
// as $(STSGEN_FQDN): Kubernetes expands a reference to a variable defined
// before it.
func identityEnv(s *spec.Spec) []corev1.EnvVar {
	field := func(path string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: path}}
	}
	domain := s.Namespace + ".svc." + s.ClusterDomain
	env := []corev1.EnvVar{
		{Name: spec.EnvPod, ValueFrom: field("metadata.name")},
		{Name: spec.EnvOrdinal, ValueFrom: field("metadata.labels['" + spec.LabelPodIndex + "']")},
		{Name: spec.EnvHost, Value: "$(" + spec.EnvPod + ")." + s.ServiceName},
		{Name: spec.EnvFQDN, Value: "$(" + spec.EnvHost + ")." + domain},
	}
	if s.Topology == spec.PrimaryReplica && len(s.Peers) > 0 {
		env = append(env,
			corev1.EnvVar{Name: spec.EnvPrimary, Value: s.Peers[0].Host},
			corev1.EnvVar{Name: spec.EnvPrimaryFQDN, Value: s.Peers[0].FQDN},
		)
	}
	if m := s.Services.Members; m != nil {
		// The member's Service name, from the pod's name and ordinal.
		v := strings.NewReplacer("@@pod@@", "$("+spec.EnvPod+")", "@@ordinal@@", "$("+spec.EnvOrdinal+")").Replace(m.Name)
		env = append(env, corev1.EnvVar{Name: spec.EnvService, Value: v})
	}
	return env
}
