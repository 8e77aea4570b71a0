package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/internal/spec"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BootstrapHashLen is how many hex digits of the spec's hash end the
// bootstrap Job's name.
const BootstrapHashLen = 8

// bootstrapLabels label the bootstrap Job and its pods: a name of their
// own, so that no selector of the app's (its Services, its budget, its
// StatefulSet) counts them, and the app as what they are part of.
func bootstrapLabels(s *spec.Spec) map[string]string {
	l := merge(s.Labels)
	if _, ok := l[spec.LabelPartOf]; !ok {
		l[spec.LabelPartOf] = s.Name
	}
	l[spec.LabelName] = s.BootstrapName()
	l[spec.LabelComponent] = spec.ComponentBootstrap
	l[spec.LabelManagedBy] = spec.ManagedBy
	if s.Version != "" {
		l[spec.LabelVersion] = s.Version
	}
	return l
}

// bootstrapSelector selects the bootstrap Job's pods, for the app's
// NetworkPolicy.
func bootstrapSelector(s *spec.Spec) map[string]string {
	return map[string]string{spec.LabelName: s.BootstrapName(), spec.LabelComponent: spec.ComponentBootstrap}
}

// bootstrapJob runs the app's bootstrap once, with the members'
// identities in its environment and the pods' secure defaults. Its name
// ends in a hash of its spec: a Job's pod template cannot change, so a
// changed bootstrap is a new Job, and an unchanged one is left alone.
func bootstrapJob(s *spec.Spec) *batchv1.Job {
	b := s.Bootstrap
	if b == nil {
		return nil
	}
	res := s.Resources
	if b.Resources != nil {
		res = *b.Resources
	}
	// As for stsgen-init: the app's security context is written for the
	// app's image; another image gets the secure defaults and the app's
	// user and group.
	userSC := s.SecurityContext
	if b.Image != s.Image && userSC != nil {
		userSC = &corev1.SecurityContext{RunAsUser: userSC.RunAsUser, RunAsGroup: userSC.RunAsGroup}
	}
	c := corev1.Container{
		Name:            spec.ComponentBootstrap,
		Image:           b.Image,
		ImagePullPolicy: s.ImagePullPolicy,
		Command:         b.Command,
		Args:            b.Args,
		Env:             append(bootstrapEnv(s), b.Env...),
		EnvFrom:         b.EnvFrom,
		Resources:       res,
		SecurityContext: containerSecurityContext(userSC),
		VolumeMounts:    []corev1.VolumeMount{{Name: spec.TmpVolume, MountPath: spec.TmpDir}},
	}
	if b.Script != "" {
		c.Command = []string{"/bin/sh", "-c", b.Script, "sh"}
	}
	volumes := []corev1.Volume{{Name: spec.TmpVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	if t := s.TLS; t != nil {
		// The members may serve TLS alone: the Job gets their certificate
		// and CA where they have them, to verify them (and to present a
		// certificate to members that ask for one).
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: spec.TLSVolume, MountPath: t.MountPath, ReadOnly: true})
		volumes = append(volumes, corev1.Volume{Name: spec.TLSVolume, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: t.SecretName, DefaultMode: s.TLSMode()}}})
	}
	// The Job needs no API access: no token, whatever the members get.
	automount := false
	own := s.Pod.DeepCopy()
	labels := bootstrapLabels(s)
	annotations := merge(s.Annotations)
	if len(annotations) == 0 {
		annotations = nil
	}
	jobAnnotations := merge(annotations, bootstrapKubeScoreIgnores(s))
	if len(jobAnnotations) == 0 {
		jobAnnotations = nil
	}
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Namespace: s.Namespace, Labels: labels, Annotations: jobAnnotations},
		Spec: batchv1.JobSpec{
			BackoffLimit:            &b.BackoffLimit,
			TTLSecondsAfterFinished: &b.TTLSecondsAfterFinished,
			ActiveDeadlineSeconds:   b.ActiveDeadlineSeconds,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations},
				Spec: corev1.PodSpec{
					RestartPolicy:                b.RestartPolicy,
					AutomountServiceAccountToken: &automount,
					// Where and how the members run, the Job does too: the
					// same nodes, registry credentials and name resolution.
					NodeSelector:      own.NodeSelector,
					Tolerations:       own.Tolerations,
					PriorityClassName: own.PriorityClassName,
					ImagePullSecrets:  own.ImagePullSecrets,
					RuntimeClassName:  own.RuntimeClassName,
					DNSPolicy:         own.DNSPolicy,
					DNSConfig:         own.DNSConfig,
					HostAliases:       own.HostAliases,
					OS:                own.OS,
					SecurityContext:   podSecurityContext(s),
					Containers:        []corev1.Container{c},
					Volumes:           volumes,
				},
			},
		},
	}
	job.Name = s.BootstrapName() + "-" + specHash(job.Spec)
	return job
}

// bootstrapKubeScoreIgnores are the app's kube-score ignores that concern
// a pod and its containers, which the Job's pods share with the members:
// their user and group, pull policy, resources.
func bootstrapKubeScoreIgnores(s *spec.Spec) map[string]string {
	all := kubeScoreIgnores(s)[spec.AnnotationKubeScoreIgnore]
	var keep []string
	for _, check := range strings.Split(all, ",") {
		if strings.HasPrefix(check, "container-") || strings.HasPrefix(check, "pod-") {
			keep = append(keep, check)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return map[string]string{spec.AnnotationKubeScoreIgnore: strings.Join(keep, ",")}
}

// bootstrapNetworkPolicy lets nothing reach the bootstrap Job's pods, which
// serve nothing, and lets them reach anything, as the members may: the app's
// own NetworkPolicy selects the members alone.
func bootstrapNetworkPolicy(s *spec.Spec) *networkingv1.NetworkPolicy {
	if s.Bootstrap == nil || !s.NetworkPolicy.Enabled {
		return nil
	}
	return &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: s.BootstrapName(), Namespace: s.Namespace, Labels: bootstrapLabels(s), Annotations: objectMeta(s, "", nil).Annotations},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: bootstrapSelector(s)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Egress:      []networkingv1.NetworkPolicyEgressRule{{}},
		},
	}
}

// specHash is the first BootstrapHashLen hex digits of the SHA-256 of a
// Job spec's JSON, which encoding/json writes in one order.
func specHash(js batchv1.JobSpec) string {
	data, err := json.Marshal(js)
	if err != nil {
		panic(err) // a typed Kubernetes value always marshals
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:BootstrapHashLen]
}

// bootstrapEnv is the members' identities, as the bootstrap Job sees them.
func bootstrapEnv(s *spec.Spec) []corev1.EnvVar {
	domain := s.Namespace + ".svc." + s.ClusterDomain
	var fqdns, hosts []string
	for _, p := range s.Peers {
		fqdns = append(fqdns, p.FQDN)
		hosts = append(hosts, p.Host)
	}
	env := []corev1.EnvVar{
		{Name: spec.EnvNamespace, Value: s.Namespace},
		{Name: spec.EnvReplicas, Value: strconv.Itoa(int(s.Replicas))},
		{Name: spec.EnvPeers, Value: strings.Join(fqdns, ",")},
		{Name: spec.EnvPeerHosts, Value: strings.Join(hosts, ",")},
		{Name: spec.EnvHeadless, Value: s.Services.Headless.Name + "." + domain},
		{Name: spec.EnvReadService, Value: s.Services.Read.Name + "." + domain},
	}
	if p := s.Services.Primary; p != nil {
		env = append(env, corev1.EnvVar{Name: spec.EnvPrimaryService, Value: p.Name + "." + domain})
	}
	return env
}
